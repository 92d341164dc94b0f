"""mruby 4.0: the mruby-io gem of 4.0.0 (``src/io.c``, ``mrblib/io.rb``,
``mrblib/kernel.rb``), where 3.1's mrblib reading and writing became C.

- the read buffer is io.c's ``struct mrb_io_buf``, out of the program's
  sight: riteload keeps it as the String of a hidden instance variable
  (``buf``, no ``@``), so ``instance_variables`` has no ``:@buf``;
  ``io_fill_buf`` reads up to 4096 bytes only when the buffer is empty;
- ``fptr.eof`` is io.c's end-of-file flag: a read that gets 0 bytes sets it,
  and until ``sysseek``/``seek`` clear it every buffered read answers end of
  file (``gets`` nil, ``read`` "", ``eof?`` true);
- ``gets``/``read``/``getc``... are C: no ``_read_buf``/``_readchar``
  frames, ``sysread`` at end of file raises ``EOFError: end of file reached``;
  ``readline``/``readlines`` take ``gets``'s arguments;
- ``write``/``puts``/``print``/``<<``/``putc`` write the descriptor directly
  (a subclass's ``write`` is not called by them), after seeking back over
  what the read buffer holds (``io_prepare_write``);
- ``dup`` gets a buffer of its own; ``close`` closes descriptors 0-2 too
  (``fptr_finalize``'s limit is 0 unless quiet): later writes to a closed
  standard descriptor fail with EBADF.
"""

from __future__ import annotations

import errno as _errno
import os

from runtime import abi
from runtime.core.io import (
    SEEK_CUR,
    SEEK_SET,
    IOPtr,
    fptr_finalize,
    init_copy,
    open_ptr,
    os_read,
    os_write,
    str_arg,
    sys_fail,
)
from runtime.core.support import as_int
from runtime.defs import method

NIL = abi.NIL
BUF_SIZE = 4096             # MRB_IO_BUF_SIZE
SHRT_MAX = 32767

#: methods of 3.1's mrblib that 4.0's C replaced
REMOVED = (("IO", "_check_readable"), ("IO", "_read_buf"), ("IO", "_readchar"),
           ("IO.", "_bufread"))


def init(vm):
    # the buffer moves out of sight (STDIN/STDOUT/STDERR were made with @buf)
    old, vm.io_sym_buf = vm.io_sym_buf, vm.intern("buf")
    for name in ("STDIN", "STDOUT", "STDERR"):
        o = vm.obj(vm.c_Object.ivars[vm.intern(name)])
        if old in o.ivars:
            o.ivars[vm.io_sym_buf] = o.ivars.pop(old)


# ------------------------------------------------------------ the buffer
def read_fptr(vm, self) -> IOPtr:
    """io_get_read_fptr."""
    fptr = open_ptr(vm, self)
    if not fptr.readable:
        vm.raise_error(vm.c_IOError, "not opened for reading")
    return fptr


def write_fptr(vm, self) -> IOPtr:
    """io_get_write_fptr."""
    fptr = open_ptr(vm, self)
    if not fptr.writable:
        vm.raise_error(vm.c_IOError, "not opened for writing")
    return fptr


def buf_of(vm, self) -> bytearray:
    """The bytes of ``fptr->buf`` (created empty when missing)."""
    w = vm.ivar_get(self, vm.io_sym_buf)
    if not vm.is_str(w):
        w = vm.str_new(b"")
        vm.ivar_set(self, vm.io_sym_buf, w)
    return vm.obj(w).value


def _read(vm, fptr, n: int) -> bytes:
    try:
        return os_read(vm, fptr.fd, n)
    except OSError:
        sys_fail(vm, None)


def fill_buf(vm, self, fptr) -> bytearray:
    """io_fill_buf: read up to 4096 bytes when the buffer is empty; 0 bytes
    set the eof flag."""
    buf = buf_of(vm, self)
    if buf:
        return buf
    data = _read(vm, fptr, BUF_SIZE)
    if not data:
        fptr.eof = True
    buf[:] = data
    return buf


def take(buf: bytearray, n: int) -> bytes:
    """io_buf_cat + io_buf_shift: the first ``n`` bytes, removed."""
    b = bytes(buf[:n])
    del buf[:n]
    return b


def read_all(vm, self, fptr) -> bytes:
    """io_read_all: everything up to end of file."""
    out = bytearray()
    while True:
        buf = fill_buf(vm, self, fptr)
        if fptr.eof:
            return bytes(out)
        out += take(buf, len(buf))


# ------------------------------------------------------------ reading
def _outbuf(vm, w):
    """io_reset_outbuf: ``outbuf`` emptied (its frozen check), or a new String."""
    if w == NIL:
        return vm.str_new(b"")
    vm.check_frozen(w)
    del vm.obj(w).value[:]
    return w


@method("IO", "read", arity=(0, 2))
def io_read(vm, self, args, blk):
    fptr = read_fptr(vm, self)
    outbuf = str_arg(vm, args[1]) if len(args) > 1 and args[1] != NIL else NIL
    length = None
    if args and args[0] != NIL:
        length = as_int(vm, args[0])
        if length < 0:
            vm.raise_error(vm.c_ArgumentError, f"negative length {length} given")
        if length == 0:
            return _outbuf(vm, outbuf)
    outbuf = _outbuf(vm, outbuf)
    out = vm.obj(outbuf).value
    if length is None:
        out += read_all(vm, self, fptr)
        return outbuf
    while True:
        buf = fill_buf(vm, self, fptr)
        if fptr.eof or length == 0:
            return outbuf if out else NIL
        if len(buf) < length:
            length -= len(buf)
            out += take(buf, len(buf))
        else:
            out += take(buf, length)
            return outbuf


def gets(vm, self, args):
    """io_gets(rs = "\\n", limit = nil): a String word or nil."""
    fptr = read_fptr(vm, self)
    if len(args) > 2:
        vm.argc_error(len(args), 0, 2)
    rs = args[0] if args else NIL
    rs_given = bool(args)
    limit_given = len(args) > 1
    limit = as_int(vm, args[1]) if limit_given else 0
    if not limit_given and rs_given:
        if rs == NIL:
            rs_given = False
        elif vm.is_int(rs):
            limit, limit_given, rs = as_int(vm, rs), True, NIL
        elif not vm.is_str(rs):
            as_int(vm, rs)      # mrb_ensure_int_type: its TypeError
    if rs_given:
        if rs == NIL:
            rs_given = False
        else:
            sep = vm.str_bytes(str_arg(vm, rs)) or b"\n\n"     # "" is paragraph mode
    else:
        sep, rs_given = b"\n", True
    if not rs_given and not limit_given:
        return vm.str_new(read_all(vm, self, fptr))
    buf = fill_buf(vm, self, fptr)
    if fptr.eof:
        return NIL
    if limit_given:
        if limit < 0:
            vm.raise_error(vm.c_ArgumentError, f"negative length {limit} given")
        if limit == 0:
            return vm.str_new(b"")
    out = bytearray()
    while True:
        if rs_given:
            idx = buf.find(sep)
            if idx >= 0:
                n = idx + len(sep)
                if limit_given and limit < n:
                    n = limit
                out += take(buf, n)
                return vm.str_new(bytes(out))
        if limit_given:
            if limit <= len(buf):
                out += take(buf, limit)
                return vm.str_new(bytes(out))
            limit -= len(buf)
        out += take(buf, len(buf))
        buf = fill_buf(vm, self, fptr)
        if fptr.eof:
            return vm.str_new(bytes(out)) if out else NIL


def not_eof(vm, w):
    """``w``, or eof_error's EOFError for nil."""
    if w == NIL:
        vm.raise_error(vm.c_EOFError, "end of file reached")
    return w


@method("IO", "gets", arity=(0, 2))
def io_gets(vm, self, args, blk):
    return gets(vm, self, args)


@method("IO", "readline", arity=(0, 2))
def io_readline(vm, self, args, blk):
    return not_eof(vm, gets(vm, self, args))


@method("IO", "readlines", arity=(0, 2))
def io_readlines(vm, self, args, blk):
    out = []
    while True:
        line = gets(vm, self, args)
        if line == NIL:
            return vm.ary_new(out)
        out.append(line)


def _next_byte(vm, self) -> bytes | None:
    """The next byte read, or None at the end of the stream."""
    fptr = read_fptr(vm, self)
    buf = fill_buf(vm, self, fptr)
    return None if fptr.eof else take(buf, 1)


@method("IO", "getc", arity=0)
def io_getc(vm, self, args=(), blk=NIL):
    # one byte: 4.0.0's default build has no MRB_UTF8_STRING
    b = _next_byte(vm, self)
    return NIL if b is None else vm.str_new(b)


@method("IO", "getbyte", arity=0)
def io_getbyte(vm, self, args=(), blk=NIL):
    b = _next_byte(vm, self)
    return NIL if b is None else abi.fixnum(b[0])


@method("IO", "readchar", arity=0)
def io_readchar(vm, self, args, blk):
    return not_eof(vm, io_getc(vm, self))


@method("IO", "readbyte", arity=0)
def io_readbyte(vm, self, args, blk):
    return not_eof(vm, io_getbyte(vm, self))


@method("IO", "eof?", arity=0, aliases=("eof",))
def io_eof(vm, self, args, blk):
    fptr = read_fptr(vm, self)
    if fptr.eof:
        return abi.TRUE
    if buf_of(vm, self):
        return abi.FALSE
    fill_buf(vm, self, fptr)
    return vm.bool(fptr.eof)


def unget_data(vm, self, b: bytes) -> None:
    """io_unget_data: ``b`` put back before what the buffer holds."""
    buf = buf_of(vm, self)
    if len(b) > SHRT_MAX:
        vm.raise_error(vm.c_ArgumentError, "string too long to ungetc")
    if len(buf) + len(b) > SHRT_MAX:
        vm.raise_error(vm.c_ArgumentError, "total ungetc buffer exceeds maximum size")
    buf[:0] = b


@method("IO", "ungetc", arity=1)
def io_ungetc(vm, self, args, blk):
    read_fptr(vm, self)
    unget_data(vm, self, vm.str_bytes(str_arg(vm, args[0])))
    return NIL


@method("IO", "ungetbyte", arity=1)
def io_ungetbyte(vm, self, args, blk):
    read_fptr(vm, self)
    c = args[0]
    if vm.is_str(c):
        b = vm.str_bytes(c)
        if not b:
            return NIL
        unget_data(vm, self, b[:1])
    else:
        unget_data(vm, self, bytes((as_int(vm, c) & 0xFF,)))
    return NIL


@method("IO", "sysread", arity=(1, 2))
def io_sysread(vm, self, args, blk):
    """io_read_common: one read(2), past the buffer."""
    maxlen = as_int(vm, args[0])
    buf_w = str_arg(vm, args[1]) if len(args) > 1 else NIL
    if maxlen < 0:
        vm.raise_error(vm.c_ArgumentError, "negative expanding string size")
    if maxlen == 0:
        return vm.str_new(b"")
    if buf_w == NIL:
        buf_w = vm.str_new(bytes(maxlen))
    else:
        vm.check_frozen(buf_w)
        v = vm.obj(buf_w).value
        v[:] = bytes(v[:maxlen]).ljust(maxlen, b"\0")
    fptr = read_fptr(vm, self)
    try:
        data = os_read(vm, fptr.fd, maxlen)
    except OSError:
        sys_fail(vm, "sysread failed")
    vm.obj(buf_w).value[:] = data
    if not data:
        fptr.eof = True
        not_eof(vm, NIL)
    return buf_w


def sysseek(vm, self, args) -> int:
    """io_sysseek(offset, whence = SEEK_SET): lseek(2); clears eof."""
    offset = as_int(vm, args[0])
    whence = as_int(vm, args[1]) if len(args) > 1 else -1
    if whence < 0:
        whence = SEEK_SET
    fptr = open_ptr(vm, self)
    try:
        pos = os.lseek(fptr.fd, offset, whence)
    except (OSError, OverflowError, ValueError):
        sys_fail(vm, "sysseek")
    fptr.eof = False
    return pos


@method("IO", "sysseek", arity=(1, 2))
def io_sysseek(vm, self, args, blk):
    return vm.int_new(sysseek(vm, self, args))


def seek(vm, self, args) -> int:
    """io_seek: sysseek, then an empty buffer."""
    pos = sysseek(vm, self, args)
    open_ptr(vm, self)
    del buf_of(vm, self)[:]
    return vm.int_new(pos)


@method("IO", "seek", arity=(1, 2))
def io_seek(vm, self, args, blk):
    return seek(vm, self, args)


@method("IO", "pos=", arity=1)
def io_set_pos(vm, self, args, blk):
    """mrblib: ``seek(i, SEEK_SET)``."""
    return seek(vm, self, [args[0], abi.fixnum(SEEK_SET)])


@method("IO", "rewind", arity=0)
def io_rewind(vm, self, args, blk):
    return seek(vm, self, [abi.fixnum(0), abi.fixnum(SEEK_SET)])


@method("IO", "pos", arity=0, aliases=("tell",))
def io_pos(vm, self, args, blk):
    fptr = open_ptr(vm, self)
    try:
        pos = os.lseek(fptr.fd, 0, SEEK_CUR)
    except OSError:
        sys_fail(vm, None)
    if fptr.readable:
        pos -= len(buf_of(vm, self))
    return vm.int_new(pos)


# ------------------------------------------------------- mrblib iterators
def _each(vm, self, blk, name, reader):
    """mrblib's each/each_byte/each_char: ``while x = self.reader``."""
    if blk == NIL:
        return vm.funcall(self, "to_enum", [vm.sym(name)])
    while True:
        x = vm.funcall(self, reader)
        if not abi.truthy(x):
            return self
        vm.funcall(blk, "call", [x])


@method("IO", "each", arity=0, aliases=("each_line",))
def io_each(vm, self, args, blk):
    return _each(vm, self, blk, "each", "gets")


@method("IO", "each_byte", arity=0)
def io_each_byte(vm, self, args, blk):
    return _each(vm, self, blk, "each_byte", "getbyte")


@method("IO", "each_char", arity=0)
def io_each_char(vm, self, args, blk):
    return _each(vm, self, blk, "each_char", "getc")


# ------------------------------------------------------------ writing
def prepare_write(vm, self, fptr) -> int:
    """io_prepare_write: seek back over what the read buffer holds; the
    descriptor to write."""
    fd = fptr.fd2 if fptr.fd2 != -1 else fptr.fd
    if fptr.readable:
        buf = buf_of(vm, self)
        if buf:
            try:
                n = os.lseek(fd, 0, SEEK_CUR)
            except OSError:
                sys_fail(vm, "lseek")
            try:
                os.lseek(fd, n - len(buf), SEEK_SET)
            except OSError:
                sys_fail(vm, "lseek(2)")
            del buf[:]
    return fd


def fd_write(vm, fd: int, b: bytes) -> int:
    """fd_write: all of ``b``, EBADF and the like as Errno."""
    if not b:
        return 0
    try:
        os_write(vm, fd, b)
    except BrokenPipeError:
        raise
    except OSError:
        sys_fail(vm, "syswrite")
    return len(b)


def _as_bytes(vm, w) -> bytes:
    return vm.str_bytes(vm.obj_as_string(w))


@method("IO", "write", arity=-1)
def io_write(vm, self, args, blk):
    fd = prepare_write(vm, self, write_fptr(vm, self))
    return vm.int_new(sum(fd_write(vm, fd, _as_bytes(vm, a)) for a in args))


def _puts(vm, fd, w, seen) -> None:
    """io_puts_str / io_puts_ary (nested Arrays flattened)."""
    if vm.is_ary(w):
        items = list(vm.obj(w).items)
        if not items:
            fd_write(vm, fd, b"\n")
        for x in items:
            if vm.is_ary(x) and x in seen:
                raise_recursion(vm)
            _puts(vm, fd, x, seen | {w})
        return
    b = _as_bytes(vm, w)
    fd_write(vm, fd, b)
    if not b.endswith(b"\n"):
        fd_write(vm, fd, b"\n")


def raise_recursion(vm):
    vm.raise_error(vm.c_ArgumentError, "recursive array join")


@method("IO", "puts", arity=-1)
def io_puts(vm, self, args, blk):
    fd = prepare_write(vm, self, write_fptr(vm, self))
    if not args:
        fd_write(vm, fd, b"\n")
    for a in args:
        _puts(vm, fd, a, frozenset())
    return NIL


@method("IO", "print", arity=-1)
def io_print(vm, self, args, blk):
    fd = prepare_write(vm, self, write_fptr(vm, self))
    for a in args:
        fd_write(vm, fd, _as_bytes(vm, a))
    return NIL


@method("IO", "<<", arity=1)
def io_lshift(vm, self, args, blk):
    fd = prepare_write(vm, self, write_fptr(vm, self))
    fd_write(vm, fd, _as_bytes(vm, args[0]))
    return self


@method("IO", "putc", arity=1)
def io_putc(vm, self, args, blk):
    fd = prepare_write(vm, self, write_fptr(vm, self))
    c = args[0]
    if vm.is_int(c) and abi.is_fixnum(c):
        b = bytes((as_int(vm, c) & 0xFF,))
    else:
        b = _as_bytes(vm, c)
        if not b:
            return c
        b = b[:1]               # (no MRB_UTF8_STRING: one byte)
    try:
        os_write(vm, fd, b)
    except BrokenPipeError:
        raise
    except OSError:
        sys_fail(vm, "write")
    return c


# ------------------------------------------------------ copying, closing
@method("IO", "initialize_copy", arity=1, visibility="private")
def io_initialize_copy(vm, self, args, blk):
    """io_init_copy: dup(2)s of the descriptors and a buffer of its own."""
    return init_copy(vm, self, args[0], lambda: vm.str_new(b""))


@method("IO", "close", arity=0)
def io_close(vm, self, args, blk):
    """io_close: fptr_finalize, which closes descriptors 0-2 as well."""
    fptr = open_ptr(vm, self)
    if 0 <= fptr.fd <= 2:
        if fptr.fd in vm.io_closed_std:
            fptr.fd = -1
            sys_fail(vm, "fptr_finalize failed", eno=_errno.EBADF)
        vm.flush()
        vm.io_closed_std.add(fptr.fd)
        fptr.fd = -1
    fptr_finalize(vm, fptr, False)
    vm.ivar_set(self, vm.io_sym_buf, NIL)
    return NIL


def _kernel_stdin(vm, name, args):
    return vm.funcall(vm.gv_get(vm.intern("$stdin")), name, args)


def _stdout(vm):
    return vm.gv_get(vm.intern("$stdout"))


# 4.0 has no mruby-print: Kernel's printing methods are mruby-io's mrblib,
# which write through $stdout
@method("Kernel", "puts", arity=-1, visibility="private")
def k_puts(vm, self, args, blk):
    """mrblib: ``$stdout.puts(...)``."""
    return vm.funcall(_stdout(vm), "puts", args)


@method("Kernel", "print", arity=-1, visibility="private")
def k_print(vm, self, args, blk):
    """mrblib: ``$stdout.print(...)``."""
    return vm.funcall(_stdout(vm), "print", args)


@method("Kernel", "p", arity=-1, visibility="private")
def k_p(vm, self, args, blk):
    """mrblib: ``$stdout.write e.inspect`` and ``"\n"`` for each."""
    for a in args:
        s = vm.funcall(a, vm.SYM_inspect)
        vm.funcall(_stdout(vm), "write", [s])
        vm.funcall(_stdout(vm), "write", [vm.str_new(b"\n")])
    if not args:
        return NIL
    return args[0] if len(args) == 1 else vm.ary_new(args)


@method("Kernel", "readline", arity=-1, visibility="private")
def k_readline(vm, self, args, blk):
    """mrblib: ``$stdin.readline(...)``."""
    return _kernel_stdin(vm, "readline", args)


@method("Kernel", "readlines", arity=-1, visibility="private")
def k_readlines(vm, self, args, blk):
    """mrblib: ``$stdin.readlines(...)``."""
    return _kernel_stdin(vm, "readlines", args)


@method("Kernel", "putc", arity=1, visibility="private")
def k_putc(vm, self, args, blk):
    """mrblib: ``$stdout.putc(c); nil``."""
    vm.funcall(vm.gv_get(vm.intern("$stdout")), "putc", args)
    return NIL

