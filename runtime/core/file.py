"""File, File::Constants and FileTest: the mruby-io gem of mruby 3.1
(``src/file.c``, ``src/file_test.c``, ``mrblib/file.rb`` and
``mrblib/file_constants.rb``).  IO itself is in io.py.

File.basename and File.dirname are the C library's POSIX ``basename`` and
``dirname`` as glibc implements them; File.expand_path, File.join and
File.extname follow mrblib's Ruby step by step (``File.expand_path("a:b")``
is absolute there, a path's ``..`` never climbs past the root).  Failed
system calls raise RuntimeError with mruby's message (the path, ``(from,
to)`` for rename and symlink, ``mrb_stat`` for File.size).
"""

from __future__ import annotations

import errno as _errno
import fcntl
import os
import pwd
import stat as _S

from .. import abi
from ..defs import method, smethod
from ..objects import RData
from .io import (
    MRB_O_APPEND,
    MRB_O_BINARY,
    MRB_O_CREAT,
    MRB_O_DIRECT,
    MRB_O_DSYNC,
    MRB_O_EXCL,
    MRB_O_NOATIME,
    MRB_O_NOCTTY,
    MRB_O_NOFOLLOW,
    MRB_O_NONBLOCK,
    MRB_O_RDONLY,
    MRB_O_RDWR,
    MRB_O_RSYNC,
    MRB_O_SHARE_DELETE,
    MRB_O_SYNC,
    MRB_O_TMPFILE,
    MRB_O_TRUNC,
    MRB_O_WRONLY,
    cstr,
    define_io_class,
    get_ptr,
    io_init,
    open_ptr,
    str_arg,
    sys_fail,
)
from .support import as_int, fake_frames, pyblock, raise_in, rb_argc

NIL = abi.NIL
TRUE = abi.TRUE
FALSE = abi.FALSE

LOCK_SH, LOCK_EX, LOCK_NB, LOCK_UN = 1, 2, 4, 8
SEPARATOR = b"/"


def _path_str(b: bytes) -> str:
    return b.decode("utf-8", "surrogateescape")


# ------------------------------------------------------------ the C library
def posix_basename(path: bytes) -> bytes:
    """glibc's ``__xpg_basename`` (libgen.h): trailing slashes ignored,
    "/" for a path of slashes, "." for an empty one."""
    if not path:
        return b"."
    p = path.rfind(b"/")
    if p == -1:
        return path
    if p + 1 < len(path):
        return path[p + 1:]
    while p > 0 and path[p - 1] == 0x2F:
        p -= 1
    if p == 0:
        return b"/"
    end = p
    p -= 1
    while p > 0 and path[p - 1] != 0x2F:
        p -= 1
    return path[p:end]


def posix_dirname(path: bytes) -> bytes:
    """glibc's ``dirname``: "." without a slash, "/" (or "//" for exactly
    two leading slashes) when only the root is left."""
    ls = path.rfind(b"/")
    if ls > 0 and ls == len(path) - 1:
        runp = ls
        while runp != 0 and path[runp - 1] == 0x2F:
            runp -= 1
        if runp != 0:
            ls = path.rfind(b"/", 0, runp)
    if ls == -1:
        return b"."
    runp = ls
    while runp != 0 and path[runp - 1] == 0x2F:
        runp -= 1
    if runp == 0:
        end = ls + 1 if ls == 1 else 1
    else:
        end = runp
    return path[:end]


# ---------------------------------------------------------------- File (C)
@smethod("File", "umask", arity=(0, 1))
def file_s_umask(vm, self, args, blk):
    if not args:
        omask = os.umask(0)
        os.umask(omask)
    else:
        omask = os.umask(as_int(vm, args[0]) & 0o7777)
    return abi.fixnum(omask)


@smethod("File", "unlink", arity=-1, aliases=("delete",))
def file_s_unlink(vm, self, args, blk):
    for w in args:
        path = cstr(vm, w)
        try:
            os.unlink(path)
        except OSError:
            sys_fail(vm, _path_str(path))
    return abi.fixnum(len(args))


def _two_paths(vm, args):
    a, b = str_arg(vm, args[0]), str_arg(vm, args[1])
    return cstr(vm, a), cstr(vm, b)


@smethod("File", "rename", arity=2)
def file_s_rename(vm, self, args, blk):
    src, dst = _two_paths(vm, args)
    try:
        os.rename(src, dst)
    except OSError:
        sys_fail(vm, f"({_path_str(src)}, {_path_str(dst)})")
    return abi.fixnum(0)


@smethod("File", "symlink", arity=2)
def file_s_symlink(vm, self, args, blk):
    src, dst = _two_paths(vm, args)
    try:
        os.symlink(src, dst)
    except OSError:
        sys_fail(vm, f"({_path_str(src)}, {_path_str(dst)})")
    return abi.fixnum(0)


@smethod("File", "chmod", arity=-1)
def file_s_chmod(vm, self, args, blk):
    """File.chmod(mode, *paths): the number of paths."""
    if not args:
        vm.argc_error(0, 1, -1)
    mode = as_int(vm, args[0])
    for w in args[1:]:
        path = cstr(vm, w)
        try:
            os.chmod(path, mode & 0o7777)
        except OSError:
            sys_fail(vm, _path_str(path))
    return abi.fixnum(len(args) - 1)


@smethod("File", "readlink", arity=1)
def file_s_readlink(vm, self, args, blk):
    path = cstr(vm, args[0])
    try:
        return vm.str_new(os.readlink(path))
    except OSError:
        sys_fail(vm, _path_str(path))


@smethod("File", "dirname", arity=1)
def file_s_dirname(vm, self, args, blk):
    return vm.str_new(posix_dirname(cstr(vm, str_arg(vm, args[0]))))


@smethod("File", "basename", arity=1)
def file_s_basename(vm, self, args, blk):
    return vm.str_new(posix_basename(cstr(vm, str_arg(vm, args[0]))))


@smethod("File", "realpath", arity=(1, 2))
def file_s_realpath(vm, self, args, blk):
    """realpath(3) of the path (of ``dir/path`` with a second argument)."""
    p = bytes(vm.obj(str_arg(vm, args[0])).value)
    if len(args) > 1:
        p = bytes(vm.obj(str_arg(vm, args[1])).value) + SEPARATOR + p
    if b"\0" in p:
        vm.raise_error(vm.c_ArgumentError, "string contains null byte")
    try:
        if not p:
            raise FileNotFoundError(_errno.ENOENT, "")
        r = os.path.realpath(p, strict=True)
        os.stat(r)
    except (OSError, ValueError):
        sys_fail(vm, _path_str(p))
    return vm.str_new(r)


@smethod("File", "_getwd", arity=0)
def file_s_getwd(vm, self, args, blk):
    try:
        return vm.str_new(os.getcwdb())
    except OSError:
        sys_fail(vm, "getcwd(2)")


def _absolute(p: bytes) -> bool:
    return p[:1] == SEPARATOR


@smethod("File", "_gethome", arity=(0, 1))
def file_s_gethome(vm, self, args, blk):
    """HOME, or the home directory of a user (nil when unknown)."""
    if not args:
        home = os.environb.get(b"HOME")
        if home is None:
            return NIL
        if not _absolute(home):
            vm.raise_error(vm.c_ArgumentError, "non-absolute home")
        return vm.str_new(home)
    user = cstr(vm, str_arg(vm, args[0]))
    try:
        home = os.fsencode(pwd.getpwnam(os.fsdecode(user)).pw_dir)
    except KeyError:
        return NIL
    if not _absolute(home):
        vm.raise_error(vm.c_ArgumentError, f"non-absolute home of ~{_path_str(user)}")
    return vm.str_new(home)


def _fd_of(vm, self) -> int:
    return open_ptr(vm, self).fd


@method("File", "flock", arity=1)
def file_flock(vm, self, args, blk):
    op = as_int(vm, args[0])
    fd = _fd_of(vm, self)
    while True:
        try:
            fcntl.flock(fd, op)
            return abi.fixnum(0)
        except InterruptedError:
            continue
        except OSError as e:
            if e.errno in (_errno.EAGAIN, _errno.EWOULDBLOCK) and op & LOCK_NB:
                return FALSE
            sys_fail(vm, "flock failed")
        except (ValueError, OverflowError):
            sys_fail(vm, "flock failed")


@method("File", "_mtime", arity=0)
def file__mtime(vm, self, args, blk):
    fd = _fd_of(vm, self)
    try:
        return vm.int_new(int(os.fstat(fd).st_mtime))
    except OSError:
        return FALSE


@method("File", "mtime", arity=0)
def file_mtime(vm, self, args, blk):
    """mrblib: ``t = self._mtime; t && Time.at(t)``."""
    t = vm.funcall(self, "_mtime")
    if not abi.truthy(t):
        return t
    return vm.funcall(vm.cls("Time").word, "at", [t])


@method("File", "size", arity=0)
def file_size(vm, self, args, blk):
    fd = _fd_of(vm, self)
    try:
        return vm.int_new(os.fstat(fd).st_size)
    except OSError:
        vm.raise_error(vm.c_RuntimeError, "fstat failed")


@method("File", "truncate", arity=1)
def file_truncate(vm, self, args, blk):
    fd = _fd_of(vm, self)
    length = as_int(vm, args[0])
    try:
        os.ftruncate(fd, length)
    except (OSError, OverflowError):
        vm.raise_error(vm.c_IOError, "ftruncate failed")
    return abi.fixnum(0)


# ------------------------------------------------------------ File (mrblib)
@method("File", "initialize", arity=-1, visibility="private")
def file_initialize(vm, self, args, blk):
    """mrblib's File#initialize(fd_or_path, mode = "r", perm = 0666): a
    descriptor as IO's, or ``@path``, IO.sysopen, then IO's initialize."""
    rb_argc(vm, args, 1, 2)
    target = args[0]
    mode = args[1] if len(args) > 1 else vm.str_new(b"r")
    if vm.is_a(target, vm.c_Integer):
        with fake_frames(vm, "initialize"):
            return io_init(vm, self, [target, mode])
    perm = args[2] if len(args) > 2 else abi.fixnum(0o666)
    vm.ivar_set(self, vm.intern("@path"), target)
    fd = vm.funcall(vm.cls("IO").word, "sysopen", [target, mode, perm])
    with fake_frames(vm, "initialize"):
        return io_init(vm, self, [fd, mode])


@method("File", "path", arity=0)
def file_path(vm, self, args, blk):
    return vm.ivar_get(self, vm.intern("@path"))


@method("File", "path=", arity=1)
def file_set_path(vm, self, args, blk):
    vm.ivar_set(self, vm.intern("@path"), args[0])
    return args[0]


def _char(vm, s: int, i: int):
    """``s[i]`` of a String as bytes (None for nil)."""
    v = vm.obj(s).value
    n = len(v)
    if i < 0:
        i += n
    return bytes(v[i:i + 1]) if 0 <= i < n else None


@smethod("File", "join", arity=-1)
def file_s_join(vm, self, args, blk):
    """mrblib's File.join: names joined by one "/" each (Arrays joined
    first, a name that is not a String a TypeError)."""
    if not args:
        return vm.str_new(b"")
    names = vm.ary_new(args)
    items = vm.obj(names).items
    for i in range(len(items)):
        name = items[i]
        if vm.is_str(name):
            continue
        # (in the block mrblib's join gives names.map!)
        if vm.is_ary(name):
            if vm.equal(names, name):
                raise_in(vm, ("map!", "join"), vm.c_ArgumentError, "recursive array")
            with fake_frames(vm, "map!", "join"):
                items[i] = vm.funcall(self, "join", list(vm.obj(name).items))
            continue
        cname = vm.class_name(vm.real_class(name))
        raise_in(vm, ("map!", "join"), vm.c_TypeError,
                 f"no implicit conversion of {cname} into String")
    parts = [bytes(vm.obj(w).value) for w in items]
    if len(parts) == 1:
        return items[0]
    first = parts[0]
    s = first[:-1] if first[-1:] == SEPARATOR else first
    for t in parts[1:-1]:
        if t[:1] == SEPARATOR and t[-1:] == SEPARATOR:
            t = t[1:-1]
        elif t[:1] == SEPARATOR:
            t = t[1:]
        elif t[-1:] == SEPARATOR:
            t = t[:-1]
        if t:
            s += SEPARATOR + t
    last = parts[-1]
    s += SEPARATOR + (last[1:] if last[:1] == SEPARATOR else last)
    return vm.str_new(s)


def _index_or_fail(vm, path, i) -> None:
    """``path[i]`` as mrblib reads a path that is not a String: whatever
    ``[]`` raises, else a TypeError (the String methods that follow fail)."""
    vm.funcall(path, "[]", [abi.fixnum(i)])
    vm.raise_error(vm.c_TypeError, f"{vm.type_name_for_error(path)} cannot be converted to String")


def _concat_path(vm, cls, path, base):
    """mrblib's File._concat_path(path, base_path) on bytes."""
    if path[:1] == b"/" or path[1:2] == b":":
        return path
    if path[:1] == b"~":
        if path[1:2] in (b"/", b""):
            d = path[1:]
            home = vm.funcall(cls, "_gethome")
            if home == NIL:
                vm.raise_error(vm.c_ArgumentError,
                               "couldn't find HOME environment -- expanding '~'")
            return bytes(vm.obj(home).value) + d + b"/"
        split = _ruby_split(path)
        user = split[0][1:]
        d = b"/" + b"/".join(split[1:])
        home = vm.funcall(cls, "_gethome", [vm.str_new(user)])
        if home == NIL:
            vm.raise_error(vm.c_ArgumentError, f"user {_path_str(user)} doesn't exist")
        return bytes(vm.obj(home).value) + d + b"/"
    wd = bytes(vm.obj(vm.funcall(cls, "_getwd")).value)
    with fake_frames(vm, "_concat_path"):
        return _concat_path(vm, cls, base, wd) + b"/" + path


def _ruby_split(s: bytes) -> list[bytes]:
    """``s.split("/")``: trailing empty fields dropped."""
    parts = s.split(b"/")
    while parts and parts[-1] == b"":
        parts.pop()
    return parts


@smethod("File", "_concat_path", arity=-1)
def file_s_concat_path(vm, self, args, blk):
    rb_argc(vm, args, 2)
    path, base = args
    for w in (path, base):
        if not vm.is_str(w):
            _index_or_fail(vm, w, 0)
    return vm.str_new(_concat_path(vm, self, bytes(vm.obj(path).value),
                                   bytes(vm.obj(base).value)))


@smethod("File", "expand_path", arity=-1)
def file_s_expand_path(vm, self, args, blk):
    """mrblib's File.expand_path(path, default_dir = '.')."""
    rb_argc(vm, args, 1, 1)
    path = args[0]
    base = args[1] if len(args) > 1 else vm.str_new(b".")
    for w in (path, base):
        if not vm.is_str(w):
            with fake_frames(vm, "_concat_path"):
                _index_or_fail(vm, w, 0)
    with fake_frames(vm, "_concat_path"):
        expanded = _concat_path(vm, self, bytes(vm.obj(path).value), bytes(vm.obj(base).value))
    while b"//" in expanded:
        expanded = expanded.replace(b"//", b"/")
    if expanded != b"/":
        out = []
        for tok in _ruby_split(expanded):
            if tok == b"..":
                if len(out) > 1:
                    out.pop()
            elif tok == b".":
                pass
            else:
                out.append(tok)
        expanded = b"/".join(out) or b"/"
    return vm.str_new(expanded)


@smethod("File", "foreach", arity=-1)
def file_s_foreach(vm, self, args, blk):
    """mrblib: ``self.open(file) { |f| f.each { |l| yield l } }``, or
    ``self.new(file)`` without a block."""
    rb_argc(vm, args, 1)
    if blk == NIL:
        return vm.funcall(self, "new", [args[0]])

    def each_line(a):
        return vm.yield_block(blk, a)

    def with_file(a):
        vm.funcall(a[0], "each", [], blk=pyblock(vm, each_line, "foreach"))
        return a[0]

    return vm.funcall(self, "open", [args[0]], blk=pyblock(vm, with_file, "foreach"))


def _filetest(name):
    """mrblib's ``def self.NAME(file) FileTest.NAME(file) end``."""
    def fn(vm, self, args, blk):
        rb_argc(vm, args, 1)
        return vm.funcall(vm.cls("FileTest").word, name, [args[0]])
    fn.mrblib_params = (("req", "file"),)
    fn.__name__ = fn.__qualname__ = "file_s_" + name.rstrip("?") + ("_p" if name[-1] == "?"
                                                                     else "")
    return fn


for _name in ("directory?", "exist?", "exists?", "file?", "pipe?", "size", "size?", "socket?",
              "symlink?", "zero?"):
    smethod("File", _name, arity=-1)(_filetest(_name))


@smethod("File", "extname", arity=-1)
def file_s_extname(vm, self, args, blk):
    """mrblib: the basename from its last "." ("" for none or a leading one)."""
    rb_argc(vm, args, 1)
    fname = bytes(vm.obj(vm.funcall(self, "basename", [args[0]])).value)
    epos = fname.rfind(b".")
    if epos <= 0:
        return vm.str_new(b"")
    return vm.str_new(fname[epos:])


@smethod("File", "path", arity=-1)
def file_s_path(vm, self, args, blk):
    rb_argc(vm, args, 1)
    f = args[0]
    if vm.is_str(f):
        return f
    if vm.respond_to(f, "to_path"):
        return vm.funcall(f, "to_path")
    vm.raise_error(vm.c_TypeError,
                   f"no implicit conversion of {vm.class_name(vm.real_class(f))} into String")


# ---------------------------------------------------------------- FileTest
def stat_or_raise(vm, obj, lstat=False):
    """mrb_stat0: fstat of an IO's descriptor (IOError for a closed one),
    else stat/lstat of a path; OSError when it fails."""
    if vm.is_a(obj, vm.cls("IO")):
        fptr = get_ptr(vm, obj)
        if fptr is not None and fptr.fd >= 0:
            return os.fstat(fptr.fd)
        vm.raise_error(vm.c_IOError, "closed stream")
    path = cstr(vm, obj)
    return os.lstat(path) if lstat else os.stat(path)


def _stat(vm, obj, lstat=False):
    """stat_or_raise, None when it fails."""
    try:
        return stat_or_raise(vm, obj, lstat)
    except (OSError, ValueError):
        return None


@smethod("FileTest", "directory?", arity=1)
def filetest_directory_p(vm, self, args, blk):
    st = _stat(vm, args[0])
    return vm.bool(st is not None and _S.S_ISDIR(st.st_mode))


@smethod("FileTest", "pipe?", arity=1)
def filetest_pipe_p(vm, self, args, blk):
    st = _stat(vm, args[0])
    return vm.bool(st is not None and _S.S_ISFIFO(st.st_mode))


@smethod("FileTest", "symlink?", arity=1)
def filetest_symlink_p(vm, self, args, blk):
    st = _stat(vm, args[0], lstat=True)
    return vm.bool(st is not None and _S.S_ISLNK(st.st_mode))


@smethod("FileTest", "socket?", arity=1)
def filetest_socket_p(vm, self, args, blk):
    st = _stat(vm, args[0])
    return vm.bool(st is not None and _S.S_ISSOCK(st.st_mode))


@smethod("FileTest", "exist?", arity=1, aliases=("exists?",))
def filetest_exist_p(vm, self, args, blk):
    return vm.bool(_stat(vm, args[0]) is not None)


@smethod("FileTest", "file?", arity=1)
def filetest_file_p(vm, self, args, blk):
    st = _stat(vm, args[0])
    return vm.bool(st is not None and _S.S_ISREG(st.st_mode))


@smethod("FileTest", "zero?", arity=1)
def filetest_zero_p(vm, self, args, blk):
    st = _stat(vm, args[0])
    return vm.bool(st is not None and st.st_size == 0)


@smethod("FileTest", "size", arity=1)
def filetest_size(vm, self, args, blk):
    try:
        st = stat_or_raise(vm, args[0])
    except OSError:
        sys_fail(vm, "mrb_stat")
    return vm.int_new(st.st_size)


@smethod("FileTest", "size?", arity=1)
def filetest_size_p(vm, self, args, blk):
    st = _stat(vm, args[0])
    if st is None or st.st_size == 0:
        return NIL
    return vm.int_new(st.st_size)



# -------------------------------------------------------------------- boot
def setup(vm):
    io = define_io_class(vm)
    f = vm.define_class("File", io)
    f.instance_type = RData
    consts = vm.define_module("Constants", f)
    vm.include_module(f, consts)
    vm.define_class("FileTest")


def init(vm):
    consts = vm.cls("File::Constants")
    fix = abi.fixnum
    for name, value in (
            ("LOCK_SH", fix(LOCK_SH)), ("LOCK_EX", fix(LOCK_EX)), ("LOCK_UN", fix(LOCK_UN)),
            ("LOCK_NB", fix(LOCK_NB)), ("SEPARATOR", vm.str_new(SEPARATOR)),
            ("PATH_SEPARATOR", vm.str_new(b":")), ("ALT_SEPARATOR", NIL),
            ("NULL", vm.str_new(b"/dev/null")),
            ("RDONLY", fix(MRB_O_RDONLY)), ("WRONLY", fix(MRB_O_WRONLY)),
            ("RDWR", fix(MRB_O_RDWR)), ("APPEND", fix(MRB_O_APPEND)),
            ("CREAT", fix(MRB_O_CREAT)), ("EXCL", fix(MRB_O_EXCL)), ("TRUNC", fix(MRB_O_TRUNC)),
            ("NONBLOCK", fix(MRB_O_NONBLOCK)), ("NOCTTY", fix(MRB_O_NOCTTY)),
            ("BINARY", fix(MRB_O_BINARY)), ("SHARE_DELETE", fix(MRB_O_SHARE_DELETE)),
            ("SYNC", fix(MRB_O_SYNC)), ("DSYNC", fix(MRB_O_DSYNC)), ("RSYNC", fix(MRB_O_RSYNC)),
            ("NOFOLLOW", fix(MRB_O_NOFOLLOW)), ("NOATIME", fix(MRB_O_NOATIME)),
            ("DIRECT", fix(MRB_O_DIRECT)), ("TMPFILE", fix(MRB_O_TMPFILE)),
            ("FNM_SYSCASE", fix(0)), ("FNM_NOESCAPE", fix(1)), ("FNM_PATHNAME", fix(2)),
            ("FNM_DOTMATCH", fix(4)), ("FNM_CASEFOLD", fix(8))):
        vm.define_const(consts, name, value)



# the parameters of the methods mruby writes in Ruby (Method#parameters, #arity)
for _fn, _params in (
        (file_initialize, (("req", "fd_or_path"), ("opt", "mode"), ("opt", "perm"))),
        (file_mtime, ()), (file_s_join, (("rest", "names"),)),
        (file_s_concat_path, (("req", "path"), ("req", "base_path"))),
        (file_s_expand_path, (("req", "path"), ("opt", "default_dir"))),
        (file_s_foreach, (("req", "file"),)), (file_s_extname, (("req", "filename"),)),
        (file_s_path, (("req", "filename"),))):
    _fn.mrblib_params = _params
