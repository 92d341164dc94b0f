"""mruby 4.0: the mruby-errno gem of 4.0.0's default build (``src/errno.c``,
``mrblib/errno.rb``): SystemCallError, the Errno module and its classes.

- ``Errno::EXXX`` classes are made on first use (``Errno.const_missing``
  calls ``__errno_define``), each a subclass of SystemCallError holding its
  number in the constant ``Errno``; only ``Errno::NOERROR`` (0) and
  ``Errno::ENOMEM`` exist at boot;
- ``KNOWN`` is the gem's ``known_errors.def``: a name this platform's C
  library defines (Python's ``errno`` module knows the same) is a class, any
  other name is ``Errno::NOERROR``;
- messages are ``strerror(errno)`` then `` - `` and the message given;
- ``sys_fail`` replaces the VM's: mrb_sys_fail calls
  ``SystemCallError._sys_fail(errno, msg)``, so a failed system call raises
  ``Errno::ENOENT: No such file or directory - open x`` where 3.1 (without
  the gem) raised RuntimeError.
"""

from __future__ import annotations

import errno as _errno
import os

from runtime import abi
from runtime.core.io import str_arg
from runtime.core.support import as_int
from runtime.defs import method, smethod
from runtime.objects import RClass

NIL = abi.NIL

#: known_errors.def, in its order
KNOWN = (
    "EPERM", "ENOENT", "ESRCH", "EINTR", "EIO", "ENXIO", "E2BIG", "ENOEXEC", "EBADF", "ECHILD",
    "EAGAIN", "ENOMEM", "EACCES", "EFAULT", "ENOTBLK", "EBUSY", "EEXIST", "EXDEV", "ENODEV",
    "ENOTDIR", "EISDIR", "EINVAL", "ENFILE", "EMFILE", "ENOTTY", "ETXTBSY", "EFBIG", "ENOSPC",
    "ESPIPE", "EROFS", "EMLINK", "EPIPE", "EDOM", "ERANGE", "EDEADLK", "ENAMETOOLONG", "ENOLCK",
    "ENOSYS", "ENOTEMPTY", "ELOOP", "EWOULDBLOCK", "ENOMSG", "EIDRM", "ECHRNG", "EL2NSYNC",
    "EL3HLT", "EL3RST", "ELNRNG", "EUNATCH", "ENOCSI", "EL2HLT", "EBADE", "EBADR", "EXFULL",
    "ENOANO", "EBADRQC", "EBADSLT", "EDEADLOCK", "EBFONT", "ENOSTR", "ENODATA", "ETIME", "ENOSR",
    "ENONET", "ENOPKG", "EREMOTE", "ENOLINK", "EADV", "ESRMNT", "ECOMM", "EPROTO", "ENOTCAPABLE",
    "ECAPMODE", "EMULTIHOP", "EDOTDOT", "EBADMSG", "EPWROFF", "EDEVERR", "EOVERFLOW", "EBADEXEC",
    "EBADARCH", "EBADMACHO", "ESHLIBVERS", "ENOTUNIQ", "EBADFD", "EREMCHG", "ELIBACC", "ELIBBAD",
    "ELIBSCN", "ELIBMAX", "ELIBEXEC", "EILSEQ", "ERESTART", "ESTRPIPE", "EUSERS", "ENOTSOCK",
    "EDESTADDRREQ", "EMSGSIZE", "EPROTOTYPE", "ENOPROTOOPT", "EPROTONOSUPPORT", "ESOCKTNOSUPPORT",
    "EOPNOTSUPP", "EPFNOSUPPORT", "EAFNOSUPPORT", "EADDRINUSE", "EADDRNOTAVAIL", "ENETDOWN",
    "ENETUNREACH", "ENETRESET", "ECONNABORTED", "ECONNRESET", "ENOBUFS", "EISCONN", "ENOTCONN",
    "ESHUTDOWN", "ETOOMANYREFS", "ETIMEDOUT", "ECONNREFUSED", "EHOSTDOWN", "EHOSTUNREACH",
    "EALREADY", "EINPROGRESS", "ESTALE", "EUCLEAN", "ENOTNAM", "ENAVAIL", "EISNAM", "EREMOTEIO",
    "EDQUOT", "ECANCELED", "EKEYEXPIRED", "EKEYREJECTED", "EKEYREVOKED", "EMEDIUMTYPE", "ENOKEY",
    "ENOMEDIUM", "ENOTRECOVERABLE", "EOWNERDEAD", "EINTEGRITY", "ERFKILL", "EAUTH", "EBADRPC",
    "EDOOFUS", "EFTYPE", "ENEEDAUTH", "ENOATTR", "ENOTSUP", "EPROCLIM", "EPROCUNAVAIL",
    "EPROGMISMATCH", "EPROGUNAVAIL", "ERPCMISMATCH", "EIPSEC", "ENOPOLICY", "EQFULL",
)
#: e2c: (name, number) of the names this platform defines; noe2c: the others
E2C = tuple((n, getattr(_errno, n)) for n in KNOWN if hasattr(_errno, n))
NOE2C = tuple(n for n in KNOWN if not hasattr(_errno, n))


def setup(vm):
    sce = vm.define_class("SystemCallError", vm.c_StandardError)
    eno = vm.define_module("Errno")
    e = vm.define_class("NOERROR", sce, outer=eno)
    vm.define_const(e, "Errno", vm.int_new(0))


def init(vm):
    # "Pre-allocation for Errno::ENOMEM only"
    errno_define_exxx(vm, "ENOMEM", _errno.ENOMEM)


def errno_define_exxx(vm, name: str, eno: int) -> RClass:
    """mrb_errno_define_exxx: Errno::NAME (made the first time), with its
    ``Errno`` constant."""
    mod = vm.cls("Errno")
    v = mod.ivars.get(vm.intern(name))
    if v is not None and vm.is_class(v):
        return vm.obj(v)
    e = vm.define_class(name, vm.cls("SystemCallError"), outer=mod)
    vm.define_const(e, "Errno", vm.int_new(eno))
    return e


def sce_init(vm, self, m, no) -> None:
    """mrb_sce_init: the class from the number, the message from strerror."""
    if no != NIL:
        n = as_int(vm, no)
        for name, eno in E2C:
            if eno == n:
                vm.set_class(vm.obj(self), errno_define_exxx(vm, name, eno))
                s = os.strerror(n).encode()
                break
        else:
            vm.ivar_set(self, vm.intern("errno"), vm.int_new(n))
            s = b"Unknown error: %d" % n
    else:
        s = b"unknown error"
    if m != NIL:
        s += b" - " + vm.str_bytes(vm.obj_as_string(m))
    vm.ivar_set(self, vm.SYM_mesg, vm.str_new(s))


def _exxx_init(vm, self, args):
    """mrb_exxx_init ("|S")."""
    if len(args) > 1:
        vm.argc_error(len(args), 0, 1)
    m = str_arg(vm, args[0]) if args else NIL
    sce_init(vm, self, m, NIL)
    return self


@method("SystemCallError", "initialize", arity=(0, 2))
def sce_initialize(vm, self, args, blk):
    if vm.class_of(self) is not vm.cls("SystemCallError"):
        return _exxx_init(vm, self, args)
    if not args:
        vm.argc_error(0, 1, 2)
    m = args[0]
    if len(args) == 1:
        n = NIL
        if abi.is_fixnum(m):
            m, n = NIL, m
    else:
        n = args[1]
    sce_init(vm, self, m, n)
    return self


@method("SystemCallError", "errno", arity=0)
def sce_errno(vm, self, args, blk):
    c = vm.class_of(self)
    sid = vm.intern("Errno")
    if sid in c.ivars:
        return c.ivars[sid]
    return vm.ivar_get(self, vm.intern("errno"))


def sys_fail_exc(vm, cls, no, msg) -> int:
    """The exception mrb_sce_sys_fail raises (not yet raised)."""
    e = vm.exc_new(cls, None)
    sce_init(vm, e, msg, no)
    return e


@smethod("SystemCallError", "_sys_fail", arity=1)   # MRB_ARGS_REQ(1)
def sce_s_sys_fail(vm, self, args, blk):
    vm.frames[-1].mid = 0       # mrb_sce_sys_fail: mrb->c->ci->mid = 0
    msg = str_arg(vm, args[1]) if len(args) > 1 else NIL
    vm.raise_exc(sys_fail_exc(vm, vm.obj(self), args[0], msg))


def sys_fail(vm, msg, eno):
    """mrb_sys_fail with mruby-errno: what ``SystemCallError._sys_fail(errno,
    msg)`` raises (its frame, mid 0, is in no backtrace)."""
    m = vm.str_new(msg.encode("utf-8", "surrogateescape")) if msg is not None else NIL
    vm.raise_exc(sys_fail_exc(vm, vm.cls("SystemCallError"), vm.int_new(eno or 0), m))


VM_OVERRIDES = {"sys_fail": sys_fail}


def _sym_name(vm, w) -> str:
    """mrb_get_args "n": a Symbol's name, or a String's."""
    if abi.is_symbol(w):
        return vm.syms[abi.symbol_id(w)]
    return vm.str_bytes(vm.check_type(w, "String")).decode("utf-8", "surrogateescape")


@smethod("Errno", "__errno_defined?", arity=1)
def errno_defined_p(vm, self, args, blk):
    name = _sym_name(vm, args[0])
    return abi.TRUE if name in KNOWN else abi.FALSE


@smethod("Errno", "__errno_define", arity=1)
def errno_define(vm, self, args, blk):
    name = _sym_name(vm, args[0])
    for n, eno in E2C:
        if n == name:
            return errno_define_exxx(vm, name, eno).word
    if name in NOE2C:
        return vm.cls("Errno::NOERROR").word
    return NIL


@smethod("Errno", "__errno_list", arity=1)
def errno_list(vm, self, args, blk):
    lst = vm.obj(vm.check_type(args[0], "Array"))
    head = list(lst.items)
    for name in [n for n, _ in E2C] + list(NOE2C):
        w = vm.sym(name)
        if w not in head:
            lst.items.append(w)
    return args[0]


def _module_method(vm, name, self, args):
    """``super`` of Errno's singleton methods: Module's method."""
    m, _ = vm.find_method(vm.c_Module, vm.intern(name))
    return m.fn(vm, self, args, NIL)


@smethod("Errno", "const_defined?", arity=1)
def errno_const_defined(vm, self, args, blk):
    if abi.truthy(vm.funcall(self, "__errno_defined?", [args[0]])):
        return abi.TRUE
    return _module_method(vm, "const_defined?", self, args)


@smethod("Errno", "const_missing", arity=1)
def errno_const_missing(vm, self, args, blk):
    v = vm.funcall(self, "__errno_define", [args[0]])
    if abi.truthy(v):
        return v
    return _module_method(vm, "const_missing", self, args)


@smethod("Errno", "constants", arity=0)
def errno_constants(vm, self, args, blk):
    return vm.funcall(self, "__errno_list", [_module_method(vm, "constants", self, [])])
