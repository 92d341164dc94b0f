"""IO, STDIN/STDOUT/STDERR, $stdin/$stdout/$stderr and Kernel#`, #open and
#gets: the mruby-io gem of mruby 3.1 (``src/io.c``, ``mrblib/io.rb`` and
``mrblib/kernel.rb``).  File and FileTest are in file.py.

An IO is an RData whose payload is an ``IOPtr`` (io.c's ``struct mrb_io``:
``fd``, ``fd2`` for the writing end of a read-write ``popen``, ``pid``,
``readable``, ``writable``, ``sync``); its read buffer is the String in
its ``@buf`` instance variable, as mrblib keeps it (``STDIN.instance_variables``
is ``[:@buf]``).  Reading and writing are the system calls mruby makes
(``read``/``write``/``lseek`` on the descriptor, 4096 bytes at a time into
``@buf``), so the buffer behaves as mruby's, quirks included (a read of a
closed stream leaves 4096 bytes in ``@buf``; ``close_write`` leaves ``fd2``
for ``close`` to fail on).

Descriptors 0, 1 and 2 are the VM's streams: bytes written to fd 1 go to
``vm.out`` in program order with Kernel#puts and #p (mruby-print flushes
after every write, mruby-io writes unbuffered: both reach fd 1 at once), and
bytes written to fd 2 go to ``vm.err`` after flushing ``vm.out``, so both
interleave as mruby's do when they share a pipe.  fd 0 is ``vm.inp`` when a
caller gave one (tests), else the process's standard input.  ``vm.out`` is
flushed before reading fd 0 (a prompt shows first), before starting a child
process and before writing any other descriptor, where mruby's output would
already be out.

The methods mruby writes in Ruby (``read``, ``gets``, ``puts``...) run
here as Python, calling one another directly when the receiver's method is
this module's; when an error is raised inside a call mruby would make from
Ruby, the call-info records of those calls are pushed first (``raise_in``),
so backtraces list what mruby's list (``in gets``, ``in readline``, ``in
_read_buf``, ``in sysread``).  A program that redefines ``write`` or
``gets`` still has ``puts``/``each`` call its method, as mrblib's do.

Errors are mruby 3.1's: Debian's build has no ``SystemCallError``, so a
failed system call raises RuntimeError with mruby's message (``open PATH``,
``sysread failed``, ``sysseek``); closed or wrong-direction streams raise
IOError (``closed stream``, ``not opened for reading``); end of file is
EOFError (``end of file reached`` from readline, ``sysread failed: End of
File`` from readchar/readbyte/sysread).
"""

from __future__ import annotations

import errno as _errno
import os
import select as _select
import sys

from .. import abi
from ..defs import method, smethod
from ..errors import RubyError
from ..objects import RData, RString
from .support import as_int, call_block, fake_frames, pyblock, raise_in, rb_argc

NIL = abi.NIL
TRUE = abi.TRUE
FALSE = abi.FALSE

BUF_SIZE = 4096
SEEK_SET, SEEK_CUR, SEEK_END = 0, 1, 2

# io.h: the MRB_O_* flags of File::Constants (integer open modes)
MRB_O_RDONLY = 0x0000
MRB_O_WRONLY = 0x0001
MRB_O_RDWR = 0x0002
MRB_O_ACCMODE = 0x0003
MRB_O_NONBLOCK = 0x0004
MRB_O_APPEND = 0x0008
MRB_O_SYNC = 0x0010
MRB_O_NOFOLLOW = 0x0020
MRB_O_CREAT = 0x0040
MRB_O_TRUNC = 0x0080
MRB_O_EXCL = 0x0100
MRB_O_NOCTTY = 0x0200
MRB_O_DIRECT = 0x0400
MRB_O_BINARY = 0x0800
MRB_O_SHARE_DELETE = 0x1000
MRB_O_TMPFILE = 0x2000
MRB_O_NOATIME = 0x4000
MRB_O_DSYNC = 0x00008000
MRB_O_RSYNC = 0x00010000

# MRB_O_* bit -> the O_* flag of this system (mrb_io_mode_to_flags), where it has one
_MRB_O_TO_OS = tuple((m, getattr(os, name)) for m, name in (
    (MRB_O_APPEND, "O_APPEND"), (MRB_O_CREAT, "O_CREAT"), (MRB_O_EXCL, "O_EXCL"),
    (MRB_O_TRUNC, "O_TRUNC"), (MRB_O_NONBLOCK, "O_NONBLOCK"), (MRB_O_NOCTTY, "O_NOCTTY"),
    (MRB_O_BINARY, "O_BINARY"), (MRB_O_SYNC, "O_SYNC"), (MRB_O_DSYNC, "O_DSYNC"),
    (MRB_O_RSYNC, "O_RSYNC"), (MRB_O_NOFOLLOW, "O_NOFOLLOW"), (MRB_O_NOATIME, "O_NOATIME"),
    (MRB_O_DIRECT, "O_DIRECT"), (MRB_O_TMPFILE, "O_TMPFILE")) if hasattr(os, name))

class IOPtr:
    """io.c's ``struct mrb_io``; ``proc`` is the child's ``subprocess.Popen``
    (``pid`` is its pid), ``fd2_closed`` remembers a ``close_write``, after
    which mruby's ``close`` closes ``fd2`` again and fails."""

    __slots__ = ("fd", "fd2", "pid", "readable", "writable", "sync", "is_socket", "proc",
                 "fd2_closed", "eof")

    def __init__(self, fd=-1, readable=False, writable=False):
        self.fd = fd
        self.fd2 = -1
        self.pid = 0
        self.readable = readable
        self.writable = writable
        self.sync = False
        self.is_socket = False
        self.proc = None
        self.fd2_closed = False
        self.eof = False        # mruby 4.0's end-of-file flag (its reads set it, sysseek clears it)

    def __del__(self):
        # mrb_io_free: the collector freed the IO, its descriptors are closed
        # (quietly, without waiting for a child)
        try:
            if self.fd > 2:
                os.close(self.fd)
            if self.fd2 > 2 and not self.fd2_closed:
                os.close(self.fd2)
        except Exception:  # noqa: BLE001 - nothing to report from a finalizer
            pass
        self.fd = self.fd2 = -1


# ------------------------------------------------------------------ helpers
def _raise(vm, where, cls, msg):
    """Raise ``cls: msg`` inside the call-info records ``where`` (the calls
    mruby makes from Ruby between the running builtin and the C function
    that raises), or in the running builtin when ``where`` is empty."""
    if isinstance(cls, str):
        cls = vm.cls(cls)
    if where:
        raise_in(vm, where, cls, msg)
    vm.raise_error(cls, msg)


def raise_plain(vm, where, cls):
    """``raise Cls`` in mrblib: an exception without a message (its
    message is the class name, and an uncaught one prints only that)."""
    if where:
        with fake_frames(vm, *where):
            vm.raise_exc(vm.exc_new(cls, None))
    vm.raise_exc(vm.exc_new(cls, None))


def sys_fail(vm, msg, where=(), eno=None):
    """mrb_sys_fail (``vm.sys_fail``: RuntimeError ``msg`` in mruby 3.1,
    which has no Errno) inside the call-info records ``where``.  ``eno`` is
    errno: by default the OSError being handled, as C reads the errno the
    failed call left."""
    if eno is None:
        eno = getattr(sys.exc_info()[1], "errno", None) or 0
    if where:
        with fake_frames(vm, *where):
            vm.sys_fail(msg, eno)
    vm.sys_fail(msg, eno)


def cstr(vm, w) -> bytes:
    """The bytes of a String argument as C code takes them (mrb_get_args "z"
    and "S", RSTRING_CSTR): TypeError "X cannot be converted to String" for
    anything else, ArgumentError for a NUL byte inside."""
    if not vm.is_str(w):
        vm.raise_error(vm.c_TypeError, f"{vm.type_name_for_error(w)} cannot be converted to String")
    b = bytes(vm.obj(w).value)
    if b"\0" in b:
        vm.raise_error(vm.c_ArgumentError, "string contains null byte")
    return b


def str_arg(vm, w) -> int:
    """mrb_get_args "S": the String itself, else the same TypeError as cstr."""
    if not vm.is_str(w):
        vm.raise_error(vm.c_TypeError, f"{vm.type_name_for_error(w)} cannot be converted to String")
    return w


def get_ptr(vm, self):
    """mrb_data_get_ptr: the IOPtr of an IO, or None (an IO not initialised)."""
    o = vm.obj(self) if self & abi.OBJECT_MASK == abi.OBJECT_TAG else None
    d = getattr(o, "data", None)
    return d if isinstance(d, IOPtr) else None


def open_ptr(vm, self, where=()):
    """io_get_open_fptr: IOError "uninitialized stream" / "closed stream"."""
    fptr = get_ptr(vm, self)
    if fptr is None:
        _raise(vm, where, vm.c_IOError, "uninitialized stream")
    if fptr.fd < 0:
        _raise(vm, where, vm.c_IOError, "closed stream")
    return fptr


def is_closed(vm, self) -> bool:
    fptr = get_ptr(vm, self)
    return fptr is not None and fptr.fd < 0


def _ours(vm, recv, name, fn) -> bool:
    """Is ``recv.name`` this module's ``fn`` (no Ruby-level redefinition)?"""
    m, _ = vm.find_method(vm.class_of(recv), vm.intern(name))
    return m is not None and m.fn is fn


def _buf(vm, self):
    """The RString in ``@buf`` (a new empty one when it is missing)."""
    w = vm.ivar_get(self, vm.io_sym_buf)
    if not vm.is_str(w):
        w = vm.str_new(b"")
        vm.ivar_set(self, vm.io_sym_buf, w)
    return vm.obj(w)


def _new_buf(vm, self) -> None:
    """``@buf = ''``."""
    vm.ivar_set(self, vm.io_sym_buf, vm.str_new(b""))


# ------------------------------------------------------------ descriptors
def os_read(vm, fd: int, n: int) -> bytes:
    """read(2) of up to ``n`` bytes; fd 0 is ``vm.inp`` when set.  The
    pending stdout goes out first: the read may wait (a terminal, a pipe,
    a socket whose peer waits for what the program printed)."""
    vm.flush()
    if fd in vm.io_closed_std:
        raise OSError(_errno.EBADF, os.strerror(_errno.EBADF))
    if fd == 0:
        inp = getattr(vm, "inp", None)
        if inp is not None:
            read1 = getattr(inp, "read1", None)
            return read1(n) if read1 is not None else inp.read(n)
    return os.read(fd, n)


def os_write(vm, fd: int, b: bytes) -> int:
    """write(2) of ``b``: fd 1 is ``vm.out``, fd 2 ``vm.err`` (after the
    pending stdout), others are written at once.  A reader that went away
    raises BrokenPipeError, which ends the run as SIGPIPE ends mruby.
    A standard descriptor the program closed (``vm.io_closed_std``: mruby
    4.0's IO#close closes them) fails with EBADF."""
    if fd in vm.io_closed_std:
        raise OSError(_errno.EBADF, os.strerror(_errno.EBADF))
    if fd == 1:
        vm.write_out(b)
        return len(b)
    vm.flush()
    if fd == 2:
        vm.err.write(b)
        vm.err.flush()
        return len(b)
    view = memoryview(b)
    done = 0
    while done < len(b):
        done += os.write(fd, view[done:])
    return done


def _write_through(vm, b: bytes) -> None:
    vm.out.write(b)
    vm.out.flush()


def _child_started(vm) -> None:
    """While a child shares our stdout/stderr, every write to ``vm.out`` is
    flushed at once, so the two interleave as mruby's unbuffered output does."""
    vm.io_children = getattr(vm, "io_children", 0) + 1
    if vm.io_children == 1:
        vm.write_out = lambda b: _write_through(vm, b)


def _child_reaped(vm) -> None:
    vm.io_children = getattr(vm, "io_children", 1) - 1
    if vm.io_children <= 0:
        vm.io_children = 0
        vm.__dict__.pop("write_out", None)


def _wait(fptr) -> int | None:
    """waitpid of a popen's child: its status word as waitpid(2) gives it."""
    p = fptr.proc
    if p is None:
        try:
            _, st = os.waitpid(fptr.pid, 0)
        except ChildProcessError:
            return None
        return st
    rc = p.wait()
    return (rc & 0xFF) << 8 if rc >= 0 else -rc


def set_process_status(vm, status_word: int) -> None:
    """io_set_process_status without Process::Status: ``$?`` is
    WEXITSTATUS(status) (0 for a child a signal killed)."""
    vm.gv_set(vm.intern("$?"), abi.fixnum((status_word >> 8) & 0xFF))


def fptr_finalize(vm, fptr, quiet: bool, where=()) -> None:
    """Close the descriptors above 2, wait for the child, set ``$?``."""
    saved = 0
    if fptr.fd > 2:
        try:
            os.close(fptr.fd)
        except OSError as e:
            saved = e.errno
        fptr.fd = -1
    if fptr.fd2 > 2:
        if fptr.fd2_closed:
            saved = saved or _errno.EBADF
        else:
            try:
                os.close(fptr.fd2)
            except OSError as e:
                saved = saved or e.errno
        fptr.fd2 = -1
    if fptr.pid != 0:
        vm.flush()
        st = _wait(fptr)
        if fptr.proc is not None:
            _child_reaped(vm)
        if not quiet and st is not None:
            set_process_status(vm, st)
        fptr.pid = 0
        fptr.proc = None
    if not quiet and saved:
        sys_fail(vm, "fptr_finalize failed", where)


# ----------------------------------------------------------------- modes
def modestr_to_flags(vm, mode: bytes) -> int:
    """mrb_io_modestr_to_flags: "r", "w", "a", then "b" and "+"."""
    text = mode.decode("utf-8", "surrogateescape")
    first = mode[:1]
    if first == b"r":
        flags = os.O_RDONLY
    elif first == b"w":
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
    elif first == b"a":
        flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND
    else:
        vm.raise_error(vm.c_ArgumentError, f"illegal access mode {text}")
    for c in mode[1:]:
        if c == ord("b"):
            flags |= getattr(os, "O_BINARY", 0)
        elif c == ord("+"):
            flags = (flags & ~os.O_ACCMODE) | os.O_RDWR
        else:
            vm.raise_error(vm.c_ArgumentError, f"illegal access mode {text}")
    return flags


def mode_to_flags(vm, mode) -> int:
    """mrb_io_mode_to_flags: nil ("r"), a mode String, or MRB_O_* bits."""
    if mode == NIL:
        return os.O_RDONLY
    if vm.is_str(mode):
        return modestr_to_flags(vm, cstr(vm, mode))
    f0 = as_int(vm, mode)
    acc = f0 & MRB_O_ACCMODE
    if acc == MRB_O_RDONLY:
        flags = os.O_RDONLY
    elif acc == MRB_O_WRONLY:
        flags = os.O_WRONLY
    elif acc == MRB_O_RDWR:
        flags = os.O_RDWR
    else:
        vm.raise_error(vm.c_ArgumentError,
                       f"illegal access mode {vm.to_s(mode).decode('utf-8', 'replace')}")
    for bit, osflag in _MRB_O_TO_OS:
        if f0 & bit:
            flags |= osflag
    return flags


def _readable(flags: int) -> bool:
    return flags & os.O_ACCMODE in (os.O_RDONLY, os.O_RDWR)


def _writable(flags: int) -> bool:
    return flags & os.O_ACCMODE in (os.O_WRONLY, os.O_RDWR)


# ------------------------------------------------------------- creation
def io_alloc(vm, cls, fptr) -> int:
    """A new IO of class ``cls`` with ``@buf = ""`` and the payload ``fptr``."""
    w = vm.data_new(cls, None)
    vm.ivar_set(w, vm.io_sym_buf, vm.str_new(b""))
    vm.obj(w).data = fptr
    return w


def io_init(vm, self, args) -> int:
    """mrb_io_initialize (IO#initialize, IO.for_fd): fd, mode, opt."""
    fd = as_int(vm, args[0])
    mode = args[1] if len(args) > 1 else NIL
    if fd not in (0, 1, 2):
        try:
            if not (-(1 << 31) <= fd < (1 << 31)):
                raise OSError(_errno.EBADF, "bad")
            os.fstat(fd)
        except OSError:
            sys_fail(vm, "bad file descriptor")
    flags = mode_to_flags(vm, mode)
    vm.ivar_set(self, vm.io_sym_buf, vm.str_new(b""))
    old = get_ptr(vm, self)
    if old is not None:
        fptr_finalize(vm, old, True)
    vm.obj(self).data = IOPtr(fd, _readable(flags), _writable(flags))
    return self


@method("IO", "initialize", arity=(1, 3), visibility="private")
def io_initialize(vm, self, args, blk):
    return io_init(vm, self, args)


@smethod("IO", "for_fd", arity=(1, 3))
def io_s_for_fd(vm, self, args, blk):
    w = vm.data_new(vm.obj(self), None)
    return io_init(vm, w, args)


@smethod("IO", "open", arity=-1)
def io_s_open(vm, self, args, blk):
    """mrblib: ``io = self.new(*args)``, yielded and closed when a block is given."""
    io = vm.funcall(self, "new", args)
    if blk == NIL:
        return io
    try:
        return vm.yield_block(blk, [io])
    finally:
        _close_quietly(vm, io, vm.c_StandardError)


def _close_quietly(vm, io, rescued) -> None:
    """``io.close unless io.closed?`` with the exceptions of class ``rescued`` ignored."""
    try:
        if not abi.truthy(vm.funcall(io, "closed?")):
            vm.funcall(io, "close")
    except RubyError as e:
        if not vm.is_a(e.exc, rescued):
            raise


@smethod("IO", "sysopen", arity=(1, 3))
def io_s_sysopen(vm, self, args, blk):
    """mrb_io_s_sysopen: open(2) with O_CLOEXEC; fails with "open PATH"."""
    path = cstr(vm, str_arg(vm, args[0]))
    mode = args[1] if len(args) > 1 else NIL
    perm = as_int(vm, args[2]) if len(args) > 2 else -1
    if perm < 0:
        perm = 0o666
    flags = mode_to_flags(vm, mode)
    return abi.fixnum(cloexec_open(vm, path, flags, perm))


def cloexec_open(vm, path: bytes, flags: int, perm: int) -> int:
    """mrb_cloexec_open: retried once after a collection when out of descriptors."""
    for attempt in (0, 1):
        try:
            return os.open(path, flags | getattr(os, "O_CLOEXEC", 0), perm & 0o7777)
        except OSError as e:
            if attempt == 0 and e.errno in (_errno.EMFILE, _errno.ENFILE):
                _collect(vm)
                continue
            sys_fail(vm, "open " + path.decode("utf-8", "surrogateescape"))
        except (ValueError, OverflowError):
            sys_fail(vm, "open " + path.decode("utf-8", "surrogateescape"))
    return -1  # pragma: no cover


def _collect(vm) -> None:
    gc = getattr(vm, "gc", None)
    if gc is not None:
        gc()


@smethod("IO", "_sysclose", arity=1)
def io_s_sysclose(vm, self, args, blk):
    vm.frames[-1].mid = 0           # mrb_io_s_sysclose hides its frame
    fd = as_int(vm, args[0])
    try:
        os.close(fd)
    except (OSError, OverflowError):
        sys_fail(vm, "close")
    return abi.fixnum(0)


@method("IO", "initialize_copy", arity=1, visibility="private")
def io_initialize_copy(vm, self, args, blk):
    """mrb_io_initialize_copy: the copy shares the original's @buf String."""
    return init_copy(vm, self, args[0], lambda: vm.ivar_get(args[0], vm.io_sym_buf))


def init_copy(vm, self, orig, new_buf):
    """The copy ``self`` of IO ``orig`` gets dup(2)s of its descriptors and
    the read buffer ``new_buf()``."""
    fo = open_ptr(vm, orig)
    fc = get_ptr(vm, self)
    if orig == self:
        return self
    if fc is not None and fc is not fo:     # (Kernel#dup copied the payload reference)
        fptr_finalize(vm, fc, False)
    new = IOPtr()
    vm.obj(self).data = new
    vm.ivar_set(self, vm.io_sym_buf, new_buf())
    try:
        new.fd = os.dup(fo.fd)
    except OSError:
        sys_fail(vm, None)
    if fo.fd2 != -1:
        try:
            new.fd2 = os.dup(fo.fd2)
        except OSError:
            os.close(new.fd)
            sys_fail(vm, None)
    new.pid = fo.pid
    new.proc = fo.proc
    new.readable, new.writable = fo.readable, fo.writable
    new.sync, new.is_socket = fo.sync, fo.is_socket
    return self


# ------------------------------------------------------------- popen, pipe
def _option_to_fd(vm, v) -> int:
    if v in (NIL, abi.UNDEF):
        return -1
    if vm.is_int(v):
        return vm.int_value(v)
    if get_ptr(vm, v) is not None:
        return open_ptr(vm, v).fd
    vm.raise_error(vm.c_ArgumentError, "wrong exec redirect action")


@smethod("IO", "_popen", arity=-1)
def io_s__popen(vm, self, args, blk):
    """mrb_io_s_popen: /bin/sh -c CMD with a pipe on its stdout ("r"), its
    stdin ("w") or both ("r+"); ``in:``/``out:``/``err:`` redirect the others."""
    vm.frames[-1].mid = 0
    opts = {}
    if args and vm.passed_kw() and vm.is_hash(args[-1]):
        h = vm.obj(args[-1])
        for k, v in h.items():
            name = vm.sym_name(k >> 8) if vm.is_sym(k) else None
            if name not in ("in", "out", "err"):
                vm.raise_error(vm.c_ArgumentError,
                               f"unknown keyword: {vm.inspect(k).decode('utf-8', 'replace')}")
            opts[name] = v
        args = args[:-1]
    if not 1 <= len(args) <= 2:
        vm.argc_error(len(args), 1, 2)
    cmd = cstr(vm, args[0])
    flags = mode_to_flags(vm, args[1] if len(args) > 1 else NIL)
    if cmd == b"-":
        vm.raise_error(vm.c_NotImplementedError,
                       "IO.popen('-') (fork without exec) is not supported by riteload")
    opt_in = _option_to_fd(vm, opts.get("in", NIL))
    opt_out = _option_to_fd(vm, opts.get("out", NIL))
    opt_err = _option_to_fd(vm, opts.get("err", NIL))
    readable, writable = _readable(flags), _writable(flags)
    pr = os.pipe() if readable else None
    pw = os.pipe() if writable else None
    stdin = pw[0] if pw else (opt_in if opt_in != -1 else None)
    stdout = pr[1] if pr else (opt_out if opt_out != -1 else None)
    stderr = opt_err if opt_err != -1 else None
    vm.flush()
    import subprocess  # a program that starts none need not import it
    try:
        proc = subprocess.Popen([b"sh", b"-c", cmd], executable=b"/bin/sh", stdin=stdin,
                                stdout=stdout, stderr=stderr, close_fds=True)
    except OSError:
        for p in (pr, pw):
            if p:
                os.close(p[0])
                os.close(p[1])
        sys_fail(vm, "pipe_open failed")
    fptr = IOPtr(readable=readable, writable=writable)
    if pr and pw:
        os.close(pr[1])
        os.close(pw[0])
        fptr.fd, fptr.fd2 = pr[0], pw[1]
    elif pr:
        os.close(pr[1])
        fptr.fd = pr[0]
    else:
        os.close(pw[0])
        fptr.fd = pw[1]
    fptr.pid = proc.pid
    fptr.proc = proc
    _child_started(vm)
    return io_alloc(vm, vm.obj(self), fptr)


@smethod("IO", "popen", arity=-1)
def io_s_popen(vm, self, args, blk):
    """mrblib: ``io = self._popen(command, mode, **opts)``, yielded and closed
    (an IOError from close ignored) when a block is given."""
    kw = vm.passed_kw() and args and vm.is_hash(args[-1])
    pos = args[:-1] if kw else args
    rb_argc(vm, pos, 1, 1)
    io = vm.funcall(self, "_popen", args, kw=bool(kw))
    if blk == NIL:
        return io
    try:
        return vm.yield_block(blk, [io])
    finally:
        _close_quietly(vm, io, vm.c_IOError)


@smethod("IO", "_pipe", arity=0)
def io_s__pipe(vm, self, args, blk):
    """mrb_io_s_pipe: [reader, writer]; the writer is sync."""
    try:
        r, w = os.pipe()
    except OSError:
        sys_fail(vm, "pipe")
    cls = vm.obj(self)
    rw = io_alloc(vm, cls, IOPtr(r, True, False))
    wp = IOPtr(w, False, True)
    wp.sync = True
    ww = io_alloc(vm, cls, wp)
    return vm.ary_new([rw, ww])


@smethod("IO", "pipe", arity=0)
def io_s_pipe(vm, self, args, blk):
    if blk == NIL:
        return vm.funcall(vm.cls("IO").word, "_pipe")
    r = w = NIL
    try:
        pair = vm.obj(vm.funcall(vm.cls("IO").word, "_pipe")).items
        r, w = pair[0], pair[1]
        return vm.yield_block(blk, [r, w])
    finally:
        for io in (r, w):
            if io != NIL and not abi.truthy(vm.funcall(io, "closed?")):
                vm.funcall(io, "close")


@smethod("IO", "read", arity=-1)
def io_s_read(vm, self, args, blk):
    """mrblib's IO.read(path, length=nil, offset=0, mode: "r"): a command's
    output for "|cmd", else the file's bytes from ``offset``."""
    mode = vm.str_new(b"r")
    if vm.passed_kw() and args and vm.is_hash(args[-1]):
        h = vm.obj(args[-1])
        for k, v in h.items():
            if vm.is_sym(k) and vm.sym_name(k >> 8) == "mode":
                mode = v
            else:
                vm.raise_error(vm.c_ArgumentError,
                               f"unknown keyword: {vm.inspect(k).decode('utf-8', 'replace')}")
        args = args[:-1]
    rb_argc(vm, args, 1, 2)
    path = args[0]
    length = args[1] if len(args) > 1 else NIL
    offset = args[2] if len(args) > 2 else abi.fixnum(0)
    io_cls = vm.cls("IO").word
    first = vm.funcall(path, "[]", [abi.fixnum(0)]) if not vm.is_str(path) else (
        vm.str_new(bytes(vm.obj(path).value[:1])) if vm.obj(path).value else NIL)
    io = NIL
    fd = -1
    try:
        if vm.is_str(first) and vm.str_bytes(first) == b"|":
            cmd = vm.funcall(path, "[]", [vm.range_new(abi.fixnum(1), abi.fixnum(-1), False)])
            io = vm.funcall(io_cls, "popen", [cmd, mode])
        else:
            fd = vm.int_value(vm.funcall(io_cls, "sysopen", [path, mode]))
            io = vm.funcall(io_cls, "open", [abi.fixnum(fd), mode])
        if abi.truthy(vm.funcall(offset, ">", [abi.fixnum(0)])):
            vm.funcall(io, "seek", [offset])
        return vm.funcall(io, "read", [length])
    finally:
        if io != NIL:
            vm.funcall(io, "close")
        elif fd != -1:
            vm.funcall(io_cls, "_sysclose", [abi.fixnum(fd)])


@smethod("IO", "_bufread", arity=2)
def io_s_bufread(vm, self, args, blk):
    """mrb_io_bufread: cut the first ``len`` bytes off ``str`` and return them."""
    vm.frames[-1].mid = 0
    s = str_arg(vm, args[0])
    n = as_int(vm, args[1])
    vm.check_frozen(s)
    return vm.str_new(_bufread(vm.obj(s), n))


def _bufread(buf: RString, n: int) -> bytes:
    v = buf.value
    head = bytes(v[:n])
    del v[:n]
    return head


@smethod("IO", "select", arity=(1, 4))
def io_s_select(vm, self, args, blk):
    """mrb_io_s_select: select(2) on the descriptors of up to three Arrays
    of IOs; a reader whose @buf holds bytes is ready at once."""
    timeout = args[3] if len(args) > 3 else NIL
    if timeout == NIL:
        tmo = None
    elif vm.is_int(timeout):
        tmo = float(vm.int_value(timeout))
    elif vm.is_float(timeout):
        tmo = vm.float_value(timeout)
    else:
        vm.raise_error(vm.c_TypeError, "wrong argument class")
    groups = []             # per list: None or [(io, fptr)]
    pending = set()
    for i in range(3):
        lst = args[i] if i < len(args) else NIL
        if lst == NIL:
            groups.append(None)
            continue
        if not vm.is_ary(lst):
            vm.raise_error(vm.c_TypeError,
                           f"wrong argument type {vm.type_name_for_error(lst)} (expected Array)")
        g = []
        for io in list(vm.obj(lst).items):
            fp = open_ptr(vm, io)
            g.append((io, fp))
            if i == 0:
                b = vm.ivar_get(io, vm.io_sym_buf)
                if vm.is_str(b) and vm.obj(b).value:
                    pending.add(io)
        groups.append(g)
    if pending:
        tmo = 0.0
    fdsets = []
    for i, g in enumerate(groups):
        fds = []
        for _, fp in g or ():
            fds.append(fp.fd)
            if i and fp.fd2 >= 0 and not fp.fd2_closed:
                fds.append(fp.fd2)
        fdsets.append(fds)
    vm.flush()
    try:
        ready = _select.select(fdsets[0], fdsets[1], fdsets[2],
                               None if tmo is None else max(tmo, 0.0))
    except InterruptedError:
        ready = ([], [], [])
    if not pending and not any(ready):
        return NIL
    out = []
    for i, g in enumerate(groups):
        sel = [io for io, fp in g or ()
               if fp.fd in ready[i] or (i and fp.fd2 >= 0 and fp.fd2 in ready[i])
               or (i == 0 and io in pending)]
        out.append(vm.ary_new(sel))
    return vm.ary_new(out)


# ------------------------------------------------------------- C methods
@method("IO", "_check_readable", arity=0)
def io_check_readable(vm, self, args, blk):
    fptr = open_ptr(vm, self)
    if not fptr.readable:
        vm.raise_error(vm.c_IOError, "not opened for reading")
    return NIL


@method("IO", "isatty", arity=0, aliases=("tty?",))
def io_isatty(vm, self, args, blk):
    fptr = open_ptr(vm, self)
    return vm.bool(os.isatty(fptr.fd))


@method("IO", "sync", arity=0)
def io_sync(vm, self, args, blk):
    return vm.bool(open_ptr(vm, self).sync)


@method("IO", "sync=", arity=1)
def io_set_sync(vm, self, args, blk):
    fptr = open_ptr(vm, self)
    fptr.sync = abi.truthy(args[0])
    return vm.bool(fptr.sync)


def sysread_into(vm, self, maxlen: int, buf_w, where=(), readfunc=None):
    """mrb_io_sysread_common: read up to ``maxlen`` bytes into ``buf_w``
    (a new String when nil); EOFError at end of file."""
    if maxlen < 0:
        _raise(vm, where, vm.c_ArgumentError, "negative expanding string size")
    if maxlen == 0:
        return vm.str_new(b"")
    if buf_w == NIL:
        buf_w = vm.str_new(b"")
    buf = vm.obj(buf_w)
    vm.check_frozen(buf_w)
    v = buf.value
    if len(v) != maxlen:        # mrb_str_resize, before the stream is checked
        if len(v) > maxlen:
            del v[maxlen:]
        else:
            v.extend(bytes(maxlen - len(v)))
    fptr = open_ptr(vm, self, where)
    if not fptr.readable:
        _raise(vm, where, vm.c_IOError, "not opened for reading")
    try:
        data = readfunc(fptr.fd, maxlen) if readfunc is not None else os_read(vm, fptr.fd, maxlen)
    except OSError:
        sys_fail(vm, "sysread failed", where)
    v[:] = data
    if not data:
        _raise(vm, where, vm.c_EOFError, "sysread failed: End of File")
    return buf_w


@method("IO", "sysread", arity=(1, 2))
def io_sysread(vm, self, args, blk):
    maxlen = as_int(vm, args[0])
    buf = str_arg(vm, args[1]) if len(args) > 1 else NIL
    return sysread_into(vm, self, maxlen, buf)


@method("IO", "pread", arity=-1)
def io_pread(vm, self, args, blk):
    """pread(maxlen, offset, outbuf = "") -> outbuf"""
    if not 2 <= len(args) <= 3:
        vm.argc_error(len(args), 2, 3)
    maxlen = as_int(vm, args[0])
    off = as_int(vm, args[1])
    buf = args[2] if len(args) > 2 else NIL
    if buf != NIL:
        str_arg(vm, buf)
    return sysread_into(vm, self, maxlen, buf, readfunc=lambda fd, n: os.pread(fd, n, off))


def sysseek(vm, self, offset: int, whence: int, where=()) -> int:
    fptr = open_ptr(vm, self, where)
    try:
        return os.lseek(fptr.fd, offset, whence)
    except (OSError, OverflowError, ValueError):
        sys_fail(vm, "sysseek", where)


@method("IO", "sysseek", arity=(1, 2))
def io_sysseek(vm, self, args, blk):
    offset = as_int(vm, args[0])
    whence = as_int(vm, args[1]) if len(args) > 1 else -1
    if whence < 0:
        whence = 0
    pos = sysseek(vm, self, offset, whence)
    return vm.int_new(pos) if pos <= (1 << 63) - 1 else vm.float_new(float(pos))


def syswrite(vm, self, b: bytes, where=(), writefunc=None) -> int:
    """mrb_io_syswrite_common: write to fd2 if the IO has one, else fd."""
    fptr = open_ptr(vm, self, where)
    if not fptr.writable:
        _raise(vm, where, vm.c_IOError, "not opened for writing")
    fd = fptr.fd if fptr.fd2 == -1 else fptr.fd2
    try:
        if writefunc is not None:
            vm.flush()
            return writefunc(fd, b)
        return os_write(vm, fd, b)
    except BrokenPipeError:
        raise
    except OSError:
        sys_fail(vm, None, where)


@method("IO", "syswrite", arity=1)
def io_syswrite(vm, self, args, blk):
    s = str_arg(vm, args[0])
    return vm.int_new(syswrite(vm, self, bytes(vm.obj(s).value)))


@method("IO", "pwrite", arity=-1)
def io_pwrite(vm, self, args, blk):
    """pwrite(buffer, offset) -> wrote_bytes"""
    if len(args) != 2:
        vm.argc_error(len(args), 2, 2)
    s = str_arg(vm, args[0])
    off = as_int(vm, args[1])
    return vm.int_new(syswrite(vm, self, bytes(vm.obj(s).value),
                               writefunc=lambda fd, b: os.pwrite(fd, b, off)))


@method("IO", "close", arity=0)
def io_close(vm, self, args, blk):
    fptr = open_ptr(vm, self)
    fptr_finalize(vm, fptr, False)
    return NIL


@method("IO", "close_write", arity=0)
def io_close_write(vm, self, args, blk):
    """mrb_io_close_write: close(fd2), which stays set (a later close fails)."""
    fptr = open_ptr(vm, self)
    if fptr.fd2 < 0 or fptr.fd2_closed:
        sys_fail(vm, "close")
    try:
        os.close(fptr.fd2)
    except OSError:
        sys_fail(vm, "close")
    fptr.fd2_closed = True
    return NIL


@method("IO", "closed?", arity=0)
def io_closed(vm, self, args, blk):
    return vm.bool(is_closed(vm, self))


@method("IO", "pid", arity=0)
def io_pid(vm, self, args, blk):
    fptr = open_ptr(vm, self)
    return abi.fixnum(fptr.pid) if fptr.pid > 0 else NIL


@method("IO", "fileno", arity=0, aliases=("to_i",))
def io_fileno(vm, self, args, blk):
    return abi.fixnum(open_ptr(vm, self).fd)


def _fds(fptr):
    return [fd for fd in (fptr.fd2, fptr.fd) if fd >= 0 and not (
        fd == fptr.fd2 and fptr.fd2_closed)]


@method("IO", "close_on_exec?", arity=0)
def io_close_on_exec_p(vm, self, args, blk):
    fptr = open_ptr(vm, self)
    try:
        for fd in _fds(fptr):
            if os.get_inheritable(fd):
                return FALSE
    except OSError:
        sys_fail(vm, "F_GETFD failed")
    return TRUE


@method("IO", "close_on_exec=", arity=1)
def io_set_close_on_exec(vm, self, args, blk):
    fptr = open_ptr(vm, self)
    b = abi.truthy(args[0])
    try:
        for fd in _fds(fptr):
            os.set_inheritable(fd, not b)
    except OSError:
        sys_fail(vm, "F_SETFD failed")
    return vm.bool(b)


@method("IO", "_readchar", arity=1)
def io__readchar(vm, self, args, blk):
    """mrb_io_readchar without MRB_UTF8_STRING (Debian's build): one byte."""
    vm.frames[-1].mid = 0
    s = str_arg(vm, args[0])
    vm.check_frozen(s)
    return vm.str_new(_bufread(vm.obj(s), 1))


# ------------------------------------------------ mrblib: reading
def read_buf(vm, self, where=()):
    """mrblib's ``_read_buf``: @buf when it holds bytes, else
    ``sysread(BUF_SIZE, @buf)`` into it; None at end of file (where
    sysread raises the EOFError every caller but readchar/readbyte rescues).
    ``where`` are the calls between the running builtin and _read_buf."""
    w = vm.ivar_get(self, vm.io_sym_buf)
    if vm.is_str(w):
        buf = vm.obj(w)
        if buf.value:
            return buf
    else:
        w = NIL
    inner = where + ("_read_buf", "sysread")
    if w == NIL:
        w = vm.str_new(b"")     # sysread(BUF_SIZE, nil) reads into a new String
    buf = vm.obj(w)
    if buf.frozen:
        with fake_frames(vm, *inner):
            vm.check_frozen(w)
    v = buf.value
    if len(v) != BUF_SIZE:
        v.extend(bytes(BUF_SIZE - len(v)))
    fptr = open_ptr(vm, self, inner)
    if not fptr.readable:
        _raise(vm, inner, vm.c_IOError, "not opened for reading")
    try:
        data = os_read(vm, fptr.fd, BUF_SIZE)
    except OSError:
        sys_fail(vm, "sysread failed", inner)
    v[:] = data
    return buf if data else None


def _eof_raise(vm, where, msg="sysread failed: End of File"):
    _raise(vm, where, vm.c_EOFError, msg)


@method("IO", "_read_buf", arity=0)
def io__read_buf(vm, self, args, blk):
    buf = read_buf(vm, self, ())
    if buf is None:
        _eof_raise(vm, ("sysread",))
    return vm.ivar_get(self, vm.io_sym_buf)


@method("IO", "read", arity=-1)
def io_read(vm, self, args, blk):
    """mrblib's IO#read(length = nil, outbuf = "")."""
    rb_argc(vm, args, 0, 2)
    length = args[0] if args else NIL
    outbuf = args[1] if len(args) > 1 else None
    n = None
    if length != NIL:
        if not vm.is_int(length):
            vm.raise_error(vm.c_TypeError,
                           f"can't convert {vm.class_name(vm.real_class(length))} into Integer")
        n = vm.int_value(length)
        if n < 0:
            vm.raise_error(vm.c_ArgumentError, f"negative length: {n} given")
        if n == 0:
            return vm.str_new(b"")
    parts = []
    got_eof_empty = False
    while True:
        buf = read_buf(vm, self)
        if buf is None:
            if not parts and n is not None:
                got_eof_empty = True
            break
        if n is not None:
            take = n if n <= len(buf.value) else len(buf.value)
            parts.append(_bufread(buf, take))
            n -= take
            if n == 0:
                break
        else:
            parts.append(bytes(buf.value))
            _new_buf(vm, self)
    data = None if got_eof_empty else b"".join(parts)
    if outbuf is None:
        return NIL if data is None else vm.str_new(data)
    vm.funcall(outbuf, "replace", [vm.str_new(b"" if data is None else data)])
    return NIL if data is None else outbuf


def readline(vm, self, args, where=()):
    """mrblib's IO#readline(arg = "\\n", limit = nil): the next line as bytes,
    or None at end of file (where readline raises EOFError)."""
    if len(args) > 2:
        with fake_frames(vm, *where):
            rb_argc(vm, args, 0, 2)
    arg = args[0] if args else None
    limit = args[1] if len(args) > 1 else NIL
    if arg is None:
        rs = b"\n"
    elif vm.is_str(arg):
        rs = bytes(vm.obj(arg).value)
    elif vm.is_int(arg):
        rs = b"\n"
        limit = arg
    else:
        raise_plain(vm, where, vm.c_ArgumentError)
    if rs == b"":
        rs = b"\n\n"
    lim = None
    if limit != NIL:
        if not vm.is_int(limit):
            # ``limit <= @buf.size`` with a non-Integer limit
            with fake_frames(vm, *where):
                vm.funcall(limit, "<=", [abi.fixnum(0)])
            lim = None
        else:
            lim = vm.int_value(limit)
    parts = []
    while True:
        buf = read_buf(vm, self, where)
        if buf is None:
            if not parts:
                return None
            break
        v = buf.value
        if lim is not None and lim <= len(v):
            if lim < 0:
                with fake_frames(vm, *where):
                    vm.raise_error(vm.c_IndexError, f"negative length {lim}")
            parts.append(bytes(v[:lim]))
            del v[:lim]
            break
        idx = v.find(rs)
        if idx >= 0:
            end = idx + len(rs)
            parts.append(bytes(v[:end]))
            del v[:end]
            break
        parts.append(bytes(v))
        _new_buf(vm, self)
    return b"".join(parts)


@method("IO", "readline", arity=-1)
def io_readline(vm, self, args, blk):
    line = readline(vm, self, args)
    if line is None:
        vm.raise_error(vm.c_EOFError, "end of file reached")
    return vm.str_new(line)


def gets(vm, self, args, where=()):
    """IO#gets as mrblib calls it (``readline`` with EOFError rescued):
    a String word or nil."""
    if _ours(vm, self, "readline", io_readline):
        line = readline(vm, self, args, where + ("readline",))
        return NIL if line is None else vm.str_new(line)
    try:
        if where:
            with fake_frames(vm, *where):
                return vm.funcall(self, "readline", args)
        return vm.funcall(self, "readline", args)
    except RubyError as e:
        if vm.is_a(e.exc, vm.c_EOFError):
            return NIL
        raise


@method("IO", "gets", arity=-1)
def io_gets(vm, self, args, blk):
    return gets(vm, self, args)


def _gets_of(vm, self, where):
    """``self.gets`` as mrblib's each/readlines call it."""
    if _ours(vm, self, "gets", io_gets):
        return gets(vm, self, [], where + ("gets",))
    if where:
        with fake_frames(vm, *where):
            return vm.funcall(self, "gets")
    return vm.funcall(self, "gets")


@method("IO", "readchar", arity=0)
def io_readchar(vm, self, args, blk):
    buf = read_buf(vm, self)
    if buf is None:
        _eof_raise(vm, ("_read_buf", "sysread"))
    return vm.str_new(_bufread(buf, 1))


def getc(vm, self, where=()):
    buf = read_buf(vm, self, where + ("readchar",))
    return NIL if buf is None else vm.str_new(_bufread(buf, 1))


@method("IO", "getc", arity=0)
def io_getc(vm, self, args, blk):
    return getc(vm, self)


@method("IO", "readbyte", arity=0)
def io_readbyte(vm, self, args, blk):
    buf = read_buf(vm, self)
    if buf is None:
        _eof_raise(vm, ("_read_buf", "sysread"))
    return abi.fixnum(_bufread(buf, 1)[0])


def getbyte(vm, self, where=()):
    buf = read_buf(vm, self, where + ("readbyte",))
    return NIL if buf is None else abi.fixnum(_bufread(buf, 1)[0])


@method("IO", "getbyte", arity=0)
def io_getbyte(vm, self, args, blk):
    return getbyte(vm, self)


@method("IO", "each", arity=0, aliases=("each_line",))
def io_each(vm, self, args, blk):
    """mrblib's each (each_line): ``while line = self.gets; block.call(line)``."""
    if blk == NIL:
        return vm.funcall(self, "to_enum")
    while True:
        line = _gets_of(vm, self, ())
        if not abi.truthy(line):
            return self
        call_block(vm, blk, [line])


@method("IO", "each_byte", arity=0)
def io_each_byte(vm, self, args, blk):
    if blk == NIL:
        return vm.funcall(self, "to_enum", [vm.sym("each_byte")])
    while True:
        b = (getbyte(vm, self, ("getbyte",)) if _ours(vm, self, "getbyte", io_getbyte)
             else vm.funcall(self, "getbyte"))
        if not abi.truthy(b):
            return self
        call_block(vm, blk, [b])


@method("IO", "each_char", arity=0)
def io_each_char(vm, self, args, blk):
    if blk == NIL:
        return vm.funcall(self, "to_enum", [vm.sym("each_char")])
    while True:
        c = (getc(vm, self, ("getc",)) if _ours(vm, self, "getc", io_getc)
             else vm.funcall(self, "getc"))
        if not abi.truthy(c):
            return self
        call_block(vm, blk, [c])


@method("IO", "readlines", arity=0)
def io_readlines(vm, self, args, blk):
    out = []
    while True:
        line = _gets_of(vm, self, ())
        if not abi.truthy(line):
            return vm.ary_new(out)
        out.append(line)


@method("IO", "eof?", arity=0, aliases=("eof",))
def io_eof(vm, self, args, blk):
    fptr = open_ptr(vm, self, ("_check_readable",))
    if not fptr.readable:
        _raise(vm, ("_check_readable",), vm.c_IOError, "not opened for reading")
    buf = read_buf(vm, self)
    return TRUE if buf is None or not buf.value else FALSE


@method("IO", "ungetc", arity=1)
def io_ungetc(vm, self, args, blk):
    s = args[0]
    if not vm.is_str(s):
        vm.raise_error(vm.c_TypeError,
                       f"expect String, got {vm.class_name(vm.real_class(s))}")
    buf = _buf(vm, self)
    data = bytes(vm.obj(s).value)
    if not buf.value:
        buf.value[:] = data
    else:
        buf.value[0:0] = data
    return NIL


@method("IO", "ungetbyte", arity=1)
def io_ungetbyte(vm, self, args, blk):
    c = args[0]
    if vm.is_str(c):
        b = vm.obj(c).value
        byte = b[0] if b else None
        if byte is None:
            with fake_frames(vm, "setbyte"):
                vm.raise_error(vm.c_TypeError, "no implicit conversion from nil to integer")
    else:
        byte = vm.int_value(vm.funcall(c, "&", [abi.fixnum(0xFF)]))
        byte &= 0xFF
    return io_ungetc(vm, self, [vm.str_new(bytes((byte,)))], NIL) if _ours(
        vm, self, "ungetc", io_ungetc) else vm.funcall(self, "ungetc",
                                                          [vm.str_new(bytes((byte,)))])


# ------------------------------------------------ mrblib: position
def _pos(vm, self, where=()) -> int:
    if is_closed(vm, self):
        raise_plain(vm, where, vm.c_IOError)
    p = sysseek(vm, self, 0, SEEK_CUR, where + ("sysseek",))
    w = vm.ivar_get(self, vm.io_sym_buf)
    return p - (len(vm.obj(w).value) if vm.is_str(w) else 0)


def _seek(vm, self, i: int, whence: int, where=()) -> None:
    if is_closed(vm, self):
        raise_plain(vm, where, vm.c_IOError)
    sysseek(vm, self, i, whence, where + ("sysseek",))
    _new_buf(vm, self)


@method("IO", "pos", arity=0, aliases=("tell",))
def io_pos(vm, self, args, blk):
    return vm.int_new(_pos(vm, self))


@method("IO", "pos=", arity=1)
def io_set_pos(vm, self, args, blk):
    """mrblib: ``seek(i, SEEK_SET)``."""
    if is_closed(vm, self):
        raise_plain(vm, ("seek",), vm.c_IOError)
    with fake_frames(vm, "seek", "sysseek"):
        off = as_int(vm, args[0])
    _seek(vm, self, off, SEEK_SET, ("seek",))
    return abi.fixnum(0)


@method("IO", "rewind", arity=0)
def io_rewind(vm, self, args, blk):
    _seek(vm, self, 0, SEEK_SET, ("seek",))
    return abi.fixnum(0)


@method("IO", "seek", arity=-1)
def io_seek(vm, self, args, blk):
    """mrblib's seek(i, whence = SEEK_SET): ``raise IOError if closed?``,
    sysseek, then an empty @buf."""
    rb_argc(vm, args, 1, 1)
    if is_closed(vm, self):
        raise_plain(vm, (), vm.c_IOError)
    with fake_frames(vm, "sysseek"):
        off = as_int(vm, args[0])
        whence = as_int(vm, args[1]) if len(args) > 1 else SEEK_SET
    _seek(vm, self, off, whence)
    return abi.fixnum(0)


@method("IO", "flush", arity=0)
def io_flush(vm, self, args, blk):
    """mruby-io writes at once (no output buffer): only a closed check.
    The VM's own stdout buffer is flushed, so the bytes are out as mruby's are."""
    if is_closed(vm, self):
        vm.raise_error(vm.c_IOError, "closed stream")
    vm.flush()
    return self


@method("IO", "hash", arity=0)
def io_hash(vm, self, args, blk):
    return vm.funcall(self, "__id__")


# ------------------------------------------------ mrblib: writing
def write(vm, self, s, where=()) -> int:
    """mrblib's IO#write(string): to_s of a non-String, nothing for "", a
    seek back over the read buffer, then syswrite.  ``where``: the calls
    between the running builtin and this write (``("write",)`` from puts)."""
    with fake_frames(vm, *where):
        if not vm.is_str(s):
            s = vm.funcall(s, vm.SYM_to_s)
        if not vm.is_str(s):        # a to_s that is no String: mrblib goes on with it
            if abi.truthy(vm.funcall(s, "empty?")):
                return 0
            with fake_frames(vm, "syswrite"):
                str_arg(vm, s)
    b = bytes(vm.obj(s).value)
    if not b:
        return 0
    w = vm.ivar_get(self, vm.io_sym_buf)
    if vm.is_str(w) and vm.obj(w).value:
        p = _pos(vm, self, where + ("pos",))
        _seek(vm, self, p, SEEK_SET, where + ("seek",))
    return syswrite(vm, self, b, where + ("syswrite",))


def _write_of(vm, self, s):
    """``write s`` as mrblib's puts/print/printf/<< call it."""
    if _ours(vm, self, "write", io_write):
        write(vm, self, s, ("write",))
    else:
        vm.funcall(self, "write", [s])


@method("IO", "write", arity=1)
def io_write(vm, self, args, blk):
    return vm.int_new(write(vm, self, args[0]))


@method("IO", "<<", arity=1)
def io_lshift(vm, self, args, blk):
    _write_of(vm, self, args[0])
    return self


def _puts(vm, self, args, depth=0):
    if not args:
        _write_of(vm, self, vm.str_new(b"\n"))
        return
    for s in args:
        if vm.is_ary(s):
            if depth > 960:
                vm.raise_stack_error()
            with fake_frames(vm, "puts"):       # mrblib's puts(*s)
                _puts(vm, self, list(vm.obj(s).items), depth + 1)
            continue
        s = vm.funcall(s, vm.SYM_to_s) if not vm.is_str(s) else s
        _write_of(vm, self, s)
        if vm.is_str(s):
            v = vm.obj(s).value
            if not v or v[-1] != 0x0A:
                _write_of(vm, self, vm.str_new(b"\n"))
        elif abi.truthy(vm.funcall(vm.funcall(s, "[]", [abi.fixnum(-1)]), "!=",
                                   [vm.str_new(b"\n")])):
            _write_of(vm, self, vm.str_new(b"\n"))


@method("IO", "puts", arity=-1)
def io_puts(vm, self, args, blk):
    _puts(vm, self, args)
    return NIL


@method("IO", "print", arity=-1)
def io_print(vm, self, args, blk):
    for a in args:
        _write_of(vm, self, vm.funcall(a, vm.SYM_to_s))
    return NIL


@method("IO", "printf", arity=-1)
def io_printf(vm, self, args, blk):
    _write_of(vm, self, vm.funcall(self, "sprintf", args))
    return NIL


# ------------------------------------------------------------------ Kernel
@method("Kernel", "`", arity=1)
def k_backtick(vm, self, args, blk):
    """mruby-io's Kernel#`: ``IO.popen(cmd) { |io| io.read }``; ``$?`` gets
    the command's exit status."""
    def body(a):
        return vm.funcall(a[0], "read")
    return vm.funcall(vm.cls("IO").word, "popen", [args[0]], blk=pyblock(vm, body, "`"))


@method("Kernel", "open", arity=-1)
def k_open(vm, self, args, blk):
    """mruby-io's Kernel#open: ``IO.popen`` for "|cmd", else File.open."""
    rb_argc(vm, args, 1, 0, rest=True)
    file = args[0]
    if not vm.is_str(file):
        raise_plain(vm, (), vm.c_ArgumentError)
    v = vm.obj(file).value
    if v[:1] == b"|":
        cmd = vm.funcall(file, "[]", [vm.range_new(abi.fixnum(1), abi.fixnum(-1), False)])
        return vm.funcall(vm.cls("IO").word, "popen", [cmd] + list(args[1:]), blk=blk,
                          kw=vm.passed_kw() and len(args) > 1)
    return vm.funcall(vm.cls("File").word, "open", args, blk=blk, kw=vm.passed_kw())


@method("Kernel", "gets", arity=-1)
def k_gets(vm, self, args, blk):
    """mruby-io's Kernel#gets: ``$stdin.gets(*args)``."""
    return vm.funcall(vm.gv_get(vm.intern("$stdin")), "gets", args)


# -------------------------------------------------------------------- boot
def define_io_class(vm):
    """IO (instances are RData) including Enumerable; file.py's setup, which
    boots first, calls it too."""
    io = vm.define_class("IO")
    io.instance_type = RData
    vm.io_sym_buf = vm.intern("@buf")       # the read buffer's instance variable
    if vm.c_Enumerable not in vm.ancestors(io):
        vm.include_module(io, vm.c_Enumerable)
    return io


def setup(vm):
    define_io_class(vm)
    vm.io_closed_std = set()    # descriptors 0-2 closed by the program (mruby 4.0)
    if not hasattr(vm, "inp"):
        vm.inp = None           # fd 0's stream when a caller gives one (run_file(stdin=...))


def init(vm):
    io = vm.cls("IO")
    for name, value in (("SEEK_SET", SEEK_SET), ("SEEK_CUR", SEEK_CUR), ("SEEK_END", SEEK_END),
                        ("BUF_SIZE", BUF_SIZE)):
        vm.define_const(io, name, abi.fixnum(value))
    for name, fd, gv, mode in (("STDIN", 0, "$stdin", os.O_RDONLY),
                               ("STDOUT", 1, "$stdout", os.O_WRONLY),
                               ("STDERR", 2, "$stderr", os.O_WRONLY)):
        w = io_alloc(vm, io, IOPtr(fd, _readable(mode), _writable(mode)))
        vm.define_const(vm.c_Object, name, w)
        vm.globals[vm.intern(gv)] = w



# the parameters of the methods mruby writes in Ruby (Method#parameters, #arity)
_BLOCK = (("block", "block"),)
for _fn, _params in (
        (io_flush, ()), (io_hash, ()), (io_write, (("req", "string"),)),
        (io_lshift, (("req", "str"),)), (io_eof, ()), (io_pos, ()),
        (io_set_pos, (("req", "i"),)), (io_rewind, ()),
        (io_seek, (("req", "i"), ("opt", "whence"))), (io__read_buf, ()),
        (io_ungetc, (("req", "substr"),)), (io_ungetbyte, (("req", "c"),)),
        (io_read, (("opt", "length"), ("opt", "outbuf"))),
        (io_readline, (("opt", "arg"), ("opt", "limit"))), (io_gets, (("rest", "args"),)),
        (io_readchar, ()), (io_getc, ()), (io_readbyte, ()), (io_getbyte, ()),
        (io_each, _BLOCK), (io_each_byte, _BLOCK), (io_each_char, _BLOCK), (io_readlines, ()),
        (io_puts, (("rest", "args"),)), (io_print, (("rest", "args"),)),
        (io_printf, (("rest", "args"),)),
        (io_s_open, (("rest", "args"),) + _BLOCK),
        (io_s_popen, (("req", "command"), ("opt", "mode"), ("keyrest", "opts")) + _BLOCK),
        (io_s_pipe, _BLOCK),
        (io_s_read, (("req", "path"), ("opt", "length"), ("opt", "offset"), ("key", None)))):
    _fn.mrblib_params = _params
