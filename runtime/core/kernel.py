"""Kernel, BasicObject and Object: the methods every object has.

Messages and behaviour follow mruby 3.1's src/kernel.c, src/object.c,
src/class.c, mrblib/kernel.rb and the mruby-print gem.  Module and Class
have theirs in classes.py.
"""

from __future__ import annotations

import math

from .. import abi
from ..abi import CALL_MAXARGS, OBJECT_MASK, OBJECT_TAG
from ..calls import obj_missing
from ..defs import method, module_function
from ..errors import RubyError
from ..frames import Frame, bidx
from ..objects import (
    TT_CLASS,
    TT_ICLASS,
    TT_MODULE,
    TT_SCLASS,
    MethodEntry,
    RArray,
    RClass,
    RData,
    RException,
    RHash,
    RObject,
    RProc,
    RRange,
    RString,
)
from ..ops import cmp_num

NIL = abi.NIL
TRUE = abi.TRUE
FALSE = abi.FALSE


def _sym_arg(vm, w) -> int:
    """A Symbol or String argument as a symbol id (mrb_obj_to_sym)."""
    if vm.is_sym(w):
        return w >> 8
    if vm.is_str(w):
        return vm.intern(bytes(vm.obj(w).value))
    vm.raise_error(vm.c_TypeError, vm.inspect(w).decode("utf-8", "surrogateescape")
                   + " is not a symbol nor a string")


def _noop_hook(vm, self, args, blk):
    return NIL


_noop_hook.is_noop_hook = True


# ------------------------------------------------------------------ printing
def _printstr(vm, w):
    if vm.is_str(w):
        vm.write_out(bytes(vm.obj(w).value))


@method("Kernel", "!~", arity=1)
def k_nmatch(vm, self, args, blk):
    """mrblib's ``!(self =~ y)``, through whatever ``=~`` the receiver has."""
    return FALSE if abi.truthy(vm.funcall(self, "=~", [args[0]])) else TRUE


@method("Kernel", "__ENCODING__", arity=0)
def k_encoding(vm, self, args, blk):
    """The parser turns ``__ENCODING__`` into this call; mruby 3.1 built
    without MRB_UTF8_STRING (as Debian's is) answers "ASCII-8BIT"."""
    return vm.str_new(b"ASCII-8BIT")


@method("Kernel", "__printstr__", arity=1)
def k_printstr(vm, self, args, blk):
    _printstr(vm, args[0])
    return args[0]


def _puts(vm, args, out, depth=0):
    if not args:
        out += b"\n"
        return
    for a in args:
        if vm.is_ary(a):
            if depth > 960:     # mrblib's puts recurses: mruby overflows its stack
                vm.raise_stack_error()
            _puts(vm, list(vm.obj(a).items), out, depth + 1)
            continue
        s = vm.funcall(a, vm.SYM_to_s) if not vm.is_str(a) else a
        if not vm.is_str(s):
            # mrblib's puts: __printstr__ skips a non-String to_s, then
            # ``s[-1] != "\n"`` asks the object itself
            vm.write_out(bytes(out))
            del out[:]
            last = vm.funcall(s, "[]", [abi.fixnum(-1)])
            if abi.truthy(vm.funcall(last, "!=", [vm.str_new(b"\n")])):
                out += b"\n"
            continue
        b = bytes(vm.obj(s).value)
        out += b
        if not b.endswith(b"\n"):
            out += b"\n"


@method("Kernel", "puts", arity=-1)
def k_puts(vm, self, args, blk):
    out = bytearray()
    _puts(vm, args, out)
    vm.write_out(bytes(out))
    return NIL


@method("Kernel", "print", arity=-1)
def k_print(vm, self, args, blk):
    for a in args:
        s = a if vm.is_str(a) else vm.funcall(a, vm.SYM_to_s)
        _printstr(vm, s)
    return NIL


@method("Kernel", "p", arity=-1)
def k_p(vm, self, args, blk):
    for a in args:
        s = vm.funcall(a, vm.SYM_inspect)
        _printstr(vm, s)
        vm.write_out(b"\n")
    if not args:
        return NIL
    if len(args) == 1:
        return args[0]
    return vm.ary_new(args)


# ------------------------------------------------------------------- raising
def make_exception(vm, args):
    """mrb_make_exception for raise's arguments."""
    argc = len(args)
    if argc == 0:
        return vm.exc_new(vm.c_RuntimeError, "")
    a0 = args[0]
    if argc == 1 and vm.is_str(a0):
        return vm.alloc_exception(vm.c_RuntimeError, a0)
    if not vm.respond_to(a0, "exception"):
        vm.raise_error(vm.c_TypeError, "exception class/object expected")
    e = vm.funcall(a0, "exception", args[1:2])
    if not vm.is_a(e, vm.c_Exception):
        vm.raise_error(vm.c_TypeError, "exception object expected")
    return e


@module_function("Kernel", "raise", arity=(0, 2), aliases=("fail",))
def k_raise(vm, self, args, blk):
    vm.frames[-1].mid = 0           # mrb_f_raise hides its own frame
    if not args:
        vm.raise_error(vm.c_RuntimeError, "")
    e = make_exception(vm, args)
    vm.raise_exc(e)


# ---------------------------------------------------------------- iteration
@method("Kernel", "loop", arity=0)
def k_loop(vm, self, args, blk):
    if blk == NIL:
        return vm.funcall(self, "to_enum", [vm.sym("loop")])
    try:
        while True:
            vm.yield_block(blk, [])
    except RubyError as e:
        if vm.is_a(e.exc, vm.c_StopIteration):
            return vm.ivar_get(e.exc, vm.intern("@result"))
        raise


@method("Kernel", "block_given?", arity=0, noframe=True, aliases=("iterator?",))
def k_block_given(vm, self, args, blk):
    frames = vm.frames
    if len(frames) <= 1:
        return FALSE
    f = frames[-1]
    p = f.proc
    e = None
    while p is not None:
        if p.scope:
            break
        e = p.env
        p = p.upper
    if p is None:
        return FALSE
    if e is not None:
        b = e.bidx
        if b >= e.length or b <= 0:
            return FALSE
        return FALSE if e.get(b) == NIL else TRUE
    i = len(frames) - 1
    while i > 0 and frames[i].proc is not p:
        i -= 1
    if i == 0:
        return FALSE
    g = frames[i]
    bp = g.base + bidx(g.n, g.nk)
    return FALSE if vm.stack[bp] == NIL else TRUE


# ------------------------------------------------------- object identity etc.
@method("BasicObject", "==", arity=1)
def bo_eq(vm, self, args, blk):
    return TRUE if vm.obj_eq(self, args[0]) else FALSE


@method("BasicObject", "equal?", arity=1)
def bo_equal(vm, self, args, blk):
    return TRUE if vm.obj_eq(self, args[0]) else FALSE


@method("Kernel", "eql?", arity=1)
def k_eql(vm, self, args, blk):
    return TRUE if vm.obj_eq(self, args[0]) else FALSE


@method("BasicObject", "!=", arity=1)
def bo_neq(vm, self, args, blk):
    # mrblib: if self == other (OP_EQ, which compares a big Integer by its
    # object, see ops.cmp_num) then false else true
    o = args[0]
    if self != o and (self & OBJECT_MASK == OBJECT_TAG or o & OBJECT_MASK == OBJECT_TAG):
        kx, vx = cmp_num(vm, self)
        if kx is not None:
            ky, vy = cmp_num(vm, o)
            if ky is not None:
                return FALSE if vx == vy else TRUE
    return FALSE if vm.equal(self, o) else TRUE


@method("BasicObject", "!", arity=0)
def bo_not(vm, self, args, blk):
    return FALSE if abi.truthy(self) else TRUE


@method("Kernel", "===", arity=1)
def k_eqq(vm, self, args, blk):
    return TRUE if vm.equal(self, args[0]) else FALSE


@method("Kernel", "__case_eqq", arity=1)
def k_case_eqq(vm, self, args, blk):
    # mrb_obj_ceqq: `when *list` tests each element with ===
    vm.frames[-1].mid = 0
    v = args[0]
    if vm.is_ary(self):
        ary = self
    elif self == NIL:
        return FALSE
    elif not vm.respond_to(self, "to_a"):
        return TRUE if abi.truthy(vm.funcall(self, "===", [v])) else FALSE
    else:
        ary = vm.funcall(self, "to_a")
        if ary == NIL:
            return vm.funcall(self, "===", [v])
        if not vm.is_ary(ary):
            vm.type_error_conv(ary, "Array")
    i = 0
    items = vm.obj(ary).items
    while i < len(items):
        if abi.truthy(vm.funcall(items[i], "===", [v])):
            return TRUE
        i += 1
    return FALSE


def object_id_value(vm, w):
    """Kernel#object_id: mrb_obj_id made a fixnum, which keeps its low 63
    bits (sign-extended), so big ids come out negative as in mruby."""
    n = vm.object_id(w) & ((1 << 63) - 1)
    return vm.int_new(n - (1 << 63) if n >> 62 else n)


@method("BasicObject", "__id__", arity=0)
def bo_id(vm, self, args, blk):
    return object_id_value(vm, self)


@method("Kernel", "object_id", arity=0)
def k_object_id(vm, self, args, blk):
    return object_id_value(vm, self)


def identity_hash(vm, self, args, blk):
    return vm.int_new(vm.object_id(self))


identity_hash.identity_hash = True


@method("Kernel", "hash", arity=0)
def k_hash(vm, self, args, blk):
    # mrb_obj_hash is mrb_obj_id, numbers included (Integer and Float define
    # no #hash in mruby); only -0.0 differs from vm.object_id, whose 63-bit
    # Kernel#object_id never sees the sign bit: mruby keeps it in the hash
    if vm.is_float(self):
        x = vm.float_value(self)
        if x == 0.0 and math.copysign(1.0, x) < 0:
            return vm.int_new(-(1 << 63) | 2)
    return identity_hash(vm, self, args, blk)


k_hash.identity_hash = True


@method("Kernel", "class", arity=0)
def k_class(vm, self, args, blk):
    return vm.real_class(self).word


@method("Kernel", "singleton_class", arity=0)
def k_singleton_class(vm, self, args, blk):
    return vm.singleton_class(self).word


@method("Kernel", "nil?", arity=0)
def k_nilp(vm, self, args, blk):
    return FALSE


@method("Kernel", "frozen?", arity=0)
def k_frozen(vm, self, args, blk):
    return TRUE if vm.is_frozen(self) else FALSE


@method("Kernel", "freeze", arity=0)
def k_freeze(vm, self, args, blk):
    if self & OBJECT_MASK == OBJECT_TAG:
        o = vm.obj(self)
        if not o.frozen:
            o.frozen = True
            if o.cls.tt == TT_SCLASS:   # mrb_obj_freeze freezes the singleton class too
                o.cls.frozen = True
    return self


@method("Kernel", "itself", arity=0)
def k_itself(vm, self, args, blk):
    return self


@method("Kernel", "then", arity=0, aliases=("yield_self",))
def k_then(vm, self, args, blk):
    if blk == NIL:
        return vm.funcall(self, "to_enum", [vm.sym("then")])
    return vm.yield_block(blk, [self])


@method("Kernel", "tap", arity=0)
def k_tap(vm, self, args, blk):
    if blk == NIL:      # mrblib: yield self
        vm.raise_error(vm.c_LocalJumpError, "unexpected yield")
    vm.yield_block(blk, [self])
    return self


@method("Kernel", "is_a?", arity=1, aliases=("kind_of?",))
def k_is_a(vm, self, args, blk):
    return TRUE if vm.is_a(self, _class_arg(vm, args[0])) else FALSE


@method("Kernel", "instance_of?", arity=1)
def k_instance_of(vm, self, args, blk):
    return TRUE if vm.real_class(self) is _class_arg(vm, args[0]) else FALSE


@method("Kernel", "respond_to?", arity=(1, 2))
def k_respond_to(vm, self, args, blk):
    sid = _sym_arg(vm, args[0])
    if vm.respond_to(self, sid):
        return TRUE
    m, _ = vm.find_method(vm.class_of(self), vm.intern("respond_to_missing?"))
    if m is not None:
        priv = args[1] if len(args) > 1 else FALSE
        return TRUE if abi.truthy(vm.funcall(self, "respond_to_missing?",
                                             [abi.symbol_word(sid), priv])) else FALSE
    return FALSE


@method("BasicObject", "initialize", arity=-1, visibility="private")
def bo_initialize(vm, self, args, blk):
    return NIL


@method("BasicObject", "method_added", arity=1, visibility="private")
def bo_method_added(vm, self, args, blk):
    return NIL


bo_method_added.is_noop_hook = True


@method("BasicObject", "singleton_method_added", arity=1, visibility="private")
def bo_singleton_method_added(vm, self, args, blk):
    return NIL


bo_singleton_method_added.is_noop_hook = True


# ----------------------------------------------------------- send and eval
def _send(vm, self, args, blk):
    # the not-found path of mrb_f_send: a C frame named send, then funcall
    if not args:
        vm.argc_error(0, 1, -1)
    sid = _sym_arg(vm, args[0])
    kw = vm.passed_kw()
    return vm.c_funcall(self, sid, args[1:], blk, kw=kw and len(args) > 1)


@method("Kernel", "send", arity=-1)
def k_send(vm, self, args, blk):
    return _send(vm, self, args, blk)


@method("BasicObject", "__send__", arity=-1)
def bo_send(vm, self, args, blk):
    return _send(vm, self, args, blk)


def send_special(vm, base, recv, m, owner, mid, n, nk, blk):
    """mrb_f_send: when the named method exists, its call runs in send's own
    call-info record (the arguments shift down one register), so deep
    recursion through send reaches mruby's depth and backtraces show the
    called method only."""
    st = vm.stack
    if n == CALL_MAXARGS:
        packed = vm.obj(st[base + 1]).items
        if not packed:
            return vm.invoke_method(base, recv, m.copy(special=None), owner, mid, n, nk, blk)
        name = packed[0]
    elif n == 0:
        return vm.invoke_method(base, recv, m.copy(special=None), owner, mid, n, nk, blk)
    else:
        name = st[base + 1]
    if not (vm.is_sym(name) or vm.is_str(name)):
        return vm.invoke_method(base, recv, m.copy(special=None), owner, mid, n, nk, blk)
    sid = _sym_arg(vm, name)
    target, towner = vm.find_method(vm.class_of(recv), sid)
    if target is None:
        return vm.invoke_method(base, recv, m.copy(special=None), owner, mid, n, nk, blk)
    if target.proc is not None and target.proc.irep is not None and \
            len(vm.frames) + 2 > vm.ci_max:
        # exec_irep pushes one more call-info record while send's is still there
        f = Frame(sid, None, base, 0, 0, towner)
        vm.frames.append(f)
        try:
            vm.raise_stack_error()
        finally:
            vm.frames.pop()
    if n == CALL_MAXARGS:
        st[base + 1] = vm.ary_new(packed[1:])
    else:
        for i in range(1, n):
            st[base + i] = st[base + i + 1]
        st[base + n] = st[base + n + 1]          # kdict or block
        if nk:
            st[base + n + 1] = st[base + n + 2]  # block
        n -= 1
    return vm.invoke_method(base, recv, target, towner, sid, n, nk, blk)


@method("BasicObject", "instance_eval", arity=-1)
def bo_instance_eval(vm, self, args, blk):
    if blk == NIL:
        # mruby-eval's f_instance_eval: a string, "s|zi" (core/eval.py)
        from .eval import instance_eval_string
        return instance_eval_string(vm, self, args)
    if args:
        vm.argc_error(len(args), 0, 0)      # with a block: mrb_get_args ""
    sc = _eval_class(vm, self)
    return _eval_in_place(vm, self, blk, sc, [self], False)


def _eval_class(vm, self):
    if self & OBJECT_MASK == OBJECT_TAG and type(vm.obj(self)) not in (vm_types_no_sclass()):
        return vm.singleton_class(self)
    return vm.real_class(self)


def vm_types_no_sclass():
    from ..objects import RFloat, RInteger
    return (RFloat, RInteger)


@method("BasicObject", "instance_exec", arity=-1)
def bo_instance_exec(vm, self, args, blk):
    if blk == NIL:
        vm.raise_error(vm.c_ArgumentError, "no block given")    # mrb_get_args "&!"
    sc = _eval_class(vm, self)
    return _eval_in_place(vm, self, blk, sc, list(args), True)


def _eval_in_place(vm, self, blk, cls, args, exec_):
    """The block of instance_eval/class_eval (eval_under) or of
    instance_exec/class_exec (mrb_yield_cont) takes over the method's own
    call-info record in mruby: the block runs as one frame, named after the
    caller's method (eval) or after the method itself (exec)."""
    frames = vm.frames
    f = frames[-1]
    mid = f.mid
    if f.irep is not None or len(frames) < 2:
        return vm.eval_under(self, blk, cls, args)
    name = mid if exec_ else frames[-2].mid
    f.mid = 0               # a nameless builtin frame is left out of backtraces
    try:
        return vm.call_proc(vm.obj(blk), args, self, cls, NIL, name)
    finally:
        f.mid = mid


# ------------------------------------------------------------ instance vars
def _ident_p(s):
    """mrb_ident_p: ASCII letters, digits, '_' or non-ASCII characters."""
    return all(c == "_" or (c.isascii() and c.isalnum()) or ord(c) >= 0x80 for c in s)


def _check_ivar_name(vm, sid):
    name = vm.syms[sid]
    if (len(name) < 2 or name[0] != "@" or name[1] == "@" or name[1].isdigit()
            or not _ident_p(name[1:])):
        vm.raise_name_error(f"'{name}' is not allowed as an instance variable name", sid)


@method("Kernel", "instance_variable_get", arity=1)
def k_ivar_get(vm, self, args, blk):
    sid = _sym_arg(vm, args[0])
    _check_ivar_name(vm, sid)
    return vm.ivar_get(self, sid)


@method("Kernel", "instance_variable_set", arity=2)
def k_ivar_set(vm, self, args, blk):
    sid = _sym_arg(vm, args[0])
    _check_ivar_name(vm, sid)
    vm.ivar_set(self, sid, args[1])
    return args[1]


@method("Kernel", "instance_variable_defined?", arity=1)
def k_ivar_defined(vm, self, args, blk):
    sid = _sym_arg(vm, args[0])
    _check_ivar_name(vm, sid)
    if self & OBJECT_MASK != OBJECT_TAG:
        return FALSE
    iv = vm.obj(self).ivars
    return TRUE if iv and sid in iv else FALSE


@method("Kernel", "instance_variables", arity=0)
def k_ivars(vm, self, args, blk):
    if self & OBJECT_MASK != OBJECT_TAG:
        return vm.ary_new()
    out = [abi.symbol_word(s) for s in iv_table_order(vm, vm.obj(self))
           if vm.syms[s].startswith("@") and not vm.syms[s].startswith("@@")]
    return vm.ary_new(out)


def iv_table_order(vm, o) -> list:
    """The keys of ``o``'s instance variable table (ivars, and for a class
    its constants and class variables) in the order mruby 3.1 iterates its
    iv_tbl.  A class's table also holds what mruby keeps there out of sight
    (``__classname__`` once named, a singleton class's ``__attached__``),
    which takes a slot first; only the keys riteload has are returned."""
    keys = list(o.ivars) if o.ivars else []
    if isinstance(o, RException):
        # exc_mesg_set keeps a String message (or none) out of the table
        m = o.ivars.get(vm.SYM_mesg) if o.ivars else None
        if m is not None and (m == abi.NIL or vm.is_str(m)):
            keys.remove(vm.SYM_mesg)
    elif type(o) is RClass:
        if o.tt == TT_SCLASS:
            keys.insert(0, vm.intern("__attached__"))
        elif o.name is not None and o.tt != TT_ICLASS:
            keys.insert(0, vm.intern("__classname__"))
    have = o.ivars or {}
    return [k for k in vm.in_mruby_order(keys) if k in have]


@method("Kernel", "remove_instance_variable", arity=1)
def k_remove_ivar(vm, self, args, blk):
    sid = _sym_arg(vm, args[0])
    _check_ivar_name(vm, sid)
    if self & OBJECT_MASK == OBJECT_TAG:
        o = vm.obj(self)
        if o.frozen:
            vm.frozen_error(self)
        if o.ivars and sid in o.ivars:
            return o.ivars.pop(sid)
    vm.raise_name_error(f"instance variable {vm.syms[sid]} not defined", sid)


# ------------------------------------------------------------------- copying
def _init_copy(vm, dst, src):
    d = vm.obj(dst)
    s = vm.obj(src)
    if s.ivars is not None and type(s) is not RClass:
        d.ivars = dict(s.ivars)
    t = type(s)
    if t is RString:
        d.value = bytearray(s.value)
    elif t is RArray:
        d.items = list(s.items)
    elif t is RHash:
        d.table = s.table_copy()
        d.default = s.default
        d.default_proc = s.default_proc
    elif t is RRange:
        d.first, d.last, d.excl = s.first, s.last, s.excl
    elif t is RProc:
        for f in ("irep", "fn", "upper", "env", "_target_class", "strict", "scope", "orphan",
                  "self_word", "rt"):
            setattr(d, f, getattr(s, f))
    elif t is RData:
        d.data = s.data
    elif t is RClass:
        d.mt = dict(s.mt)
        d.ivars = dict(s.ivars)
        d.superclass = s.superclass
        d.instance_type = s.instance_type
    vm.funcall(dst, "initialize_copy", [src])


def _alloc_like(vm, src, cls):
    s = vm.obj(src)
    t = type(s)
    if t is RClass:
        # allocated as an instance of src's real class (Class, Module or a
        # Module subclass) before a class gets its own singleton class
        o = RClass(s.tt, s.superclass, cls, None)
        o.instance_type = s.instance_type
        w = vm.alloc(o)
        if s.tt == TT_CLASS:
            vm.singleton_class(w)
        return w
    o = t.__new__(t)
    from ..objects import RBasic, RObject
    # the classes whose constructors lay out more than RBasic's fields
    init = RObject.__init__ if isinstance(o, RObject) else \
        RArray.__init__ if t is RArray else RBasic.__init__
    init(o, cls)
    if t is RString:
        o.value = bytearray()
    elif t is RHash:
        o.table = {}
        o.default = NIL
        o.default_proc = NIL
    elif t is RRange:
        o.first = o.last = NIL
        o.excl = False
    elif t is RProc:
        RProc.__init__(o, cls)
    elif t is RData:
        o.data = None
    return vm.alloc(o)


@method("Kernel", "dup", arity=0)
def k_dup(vm, self, args, blk):
    if self & OBJECT_MASK != OBJECT_TAG:
        return self
    s = vm.obj(self)
    from ..objects import RFloat, RInteger
    if type(s) in (RFloat, RInteger):
        return self
    if type(s) is RClass and s.tt == TT_SCLASS:
        vm.raise_error(vm.c_TypeError, "can't copy singleton class")
    w = _alloc_like(vm, self, vm.real_class(self))
    _init_copy(vm, w, self)
    return w


@method("Kernel", "clone", arity=0)
def k_clone(vm, self, args, blk):
    if self & OBJECT_MASK != OBJECT_TAG:
        return self
    s = vm.obj(self)
    from ..objects import RFloat, RInteger
    if type(s) in (RFloat, RInteger):
        return self
    if type(s) is RClass and s.tt == TT_SCLASS:
        vm.raise_error(vm.c_TypeError, "can't clone singleton class")
    w = _alloc_like(vm, self, vm.real_class(self))
    sc = s.cls
    if sc.tt == TT_SCLASS and type(s) is RClass:
        # mrb_singleton_class_clone: the clone's singleton class copies the
        # methods and ivars of the original's and shares its superclass
        nsc = vm.singleton_class(w)
        nsc.mt = dict(sc.mt)
        nsc.ivars = dict(sc.ivars)
        nsc.superclass = sc.superclass
        vm.invalidate()
    elif sc.tt == TT_SCLASS:
        nsc = vm.singleton_class(w)
        nsc.mt = dict(sc.mt)
        nsc.ivars = dict(sc.ivars)
        q = sc.superclass
        ins = nsc
        chain = []
        while q is not None and q.tt == TT_ICLASS:
            chain.append(q.module)
            q = q.superclass
        for m in chain:
            vm.include_module(nsc, m)
        del ins
        vm.invalidate()
    _init_copy(vm, w, self)
    vm.obj(w).frozen = s.frozen
    return w


@method("Kernel", "initialize_copy", arity=1, visibility="private")
def k_init_copy(vm, self, args, blk):
    if self == args[0]:
        return self
    if vm.real_class(self) is not vm.real_class(args[0]):
        vm.raise_error(vm.c_TypeError, "initialize_copy should take same class object")
    return self


# ------------------------------------------------------------ inspect, to_s
@method("Kernel", "to_s", arity=0)
def k_to_s(vm, self, args, blk):
    return vm.str_new(vm.any_to_s_str(self))


@method("Kernel", "inspect", arity=0)
def k_inspect(vm, self, args, blk):
    if self & OBJECT_MASK == OBJECT_TAG and type(vm.obj(self)) is RObject:
        m, _ = vm.find_method(vm.class_of(self), vm.SYM_to_s)
        if m is not None and m.fn is k_to_s:
            return vm.str_new(obj_iv_inspect(vm, self))
    # mrb_obj_inspect: an object whose to_s is its own still shows as
    # #<Class:0x...> (mrb_any_to_s), never through that to_s
    return vm.str_new(vm.any_to_s_str(self))


def obj_iv_inspect(vm, self) -> bytes:
    o = vm.obj(self)
    iv = o.ivars or {}
    items = [(s, iv[s]) for s in iv_table_order(vm, o) if vm.syms[s].startswith("@")]
    if not items:
        return vm.any_to_s_str(self).encode()
    out = bytearray(vm.any_to_s_str(self)[:-1].encode())
    first = True
    for s, v in items:
        out += b" " if first else b", "
        first = False
        out += vm.syms[s].encode() + b"="
        if v & OBJECT_MASK == OBJECT_TAG and type(vm.obj(v)) is RObject:
            out += vm.any_to_s_str(v).encode()
        else:
            # mrb_inspect: a C-level mrb_funcall (depth-checked)
            out += vm.str_bytes_of(vm.obj_as_string(vm.c_funcall(v, vm.SYM_inspect)))
    out += b">"
    return bytes(out)


@method("Kernel", "_inspect", arity=(0, 1))
def k__inspect(vm, self, args, blk):
    return vm.funcall(self, vm.SYM_inspect)


# ------------------------------------------------------------------ methods
def _method_names(vm, cls, recur=True):
    """mrb_class_instance_method_list (mruby-metaprog): visibility is not tracked."""
    seen = set()
    undef = set()
    out = []
    c = cls
    if not recur:
        # one method table in mt_tbl slot order, through a khash set
        c = cls.origin
        names = [sid for sid in vm.in_mruby_order(list(c.mt), "mt") if c.mt[sid] is not None]
        return [abi.symbol_word(sid) for sid in vm.in_mruby_order(names, "set")]
    while c is not None:
        for sid, m in c.mt.items():
            if sid in seen or sid in undef:
                continue
            if m is None:
                undef.add(sid)
                continue
            seen.add(sid)
            out.append(abi.symbol_word(sid))
        c = c.superclass
    return out


def _methods(vm, self, args):
    recur = not args or abi.truthy(args[0])
    return vm.ary_new(_method_names(vm, vm.class_of(self), recur))


@method("Kernel", "methods", arity=(0, 1))
def k_methods(vm, self, args, blk):
    return _methods(vm, self, args)


@method("Kernel", "public_methods", arity=(0, 1))
def k_public_methods(vm, self, args, blk):
    return _methods(vm, self, args)


@method("Kernel", "private_methods", arity=(0, 1))
def k_private_methods(vm, self, args, blk):
    return _methods(vm, self, args)


@method("Kernel", "protected_methods", arity=(0, 1))
def k_protected_methods(vm, self, args, blk):
    return _methods(vm, self, args)


@method("Kernel", "singleton_methods", arity=(0, 1))
def k_singleton_methods(vm, self, args, blk):
    """mrb_obj_singleton_methods (mruby-metaprog): the singleton class's
    table, then (all=true) every singleton class and included module up
    the chain (a class's superclasses' singleton classes too), whatever
    the visibility; an undef hides the name from later tables."""
    recur = abi.truthy(args[0]) if args else True
    c = vm.class_of(self)
    out = []
    seen = set()
    undef = set()

    def collect(c):
        for sid in vm.in_mruby_order(list(c.mt), "mt"):
            if c.mt[sid] is None:
                if recur:
                    undef.add(sid)
            elif sid not in seen and sid not in undef:
                seen.add(sid)
                out.append(sid)
    if c is not None and c.tt == TT_SCLASS:
        collect(c)
        c = c.superclass
    if recur:
        while c is not None and (c.tt == TT_SCLASS or c.tt == TT_ICLASS):
            collect(c)
            c = c.superclass
    # mrb_obj_singleton_methods collects them in a khash set
    return vm.ary_new([abi.symbol_word(sid) for sid in vm.in_mruby_order(out, "set")])


@method("Kernel", "define_singleton_method", arity=(1, 2))
def k_define_singleton_method(vm, self, args, blk):
    sc = vm.singleton_class(self)
    return _define_method(vm, sc, args, blk)


def _define_method(vm, cls, args, blk):
    sid = _sym_arg(vm, args[0])
    body = blk
    if len(args) > 1:
        # mrb_mod_define_method_m: an explicit body must be a Proc (nil and
        # Method objects included: TypeError)
        body = args[1]
        if not vm.is_proc(body):
            vm.raise_error(vm.c_TypeError, f"wrong argument type "
                           f"{vm.class_name(vm.real_class(body))} (expected Proc)")
    if body == NIL:
        vm.raise_error(vm.c_ArgumentError, "no block given")
    p = vm.obj(body)
    np = RProc(vm.c_Proc, p.irep, p.fn)
    for f in ("upper", "env", "_target_class", "self_word", "rt"):
        setattr(np, f, getattr(p, f))
    np.strict = True
    vm.alloc(np)
    if p.irep is not None:
        vm.define_proc_method(cls, sid, np)
        cls.origin.mt[sid].owner = cls
    else:
        vm.add_method(cls, sid, MethodEntry(sid, proc=np))
    vm.method_added(cls, sid)
    return abi.symbol_word(sid)


@method("Kernel", "__method__", arity=0, noframe=True)
def k_method_name(vm, self, args, blk):
    """mruby-kernel-ext: the name kept in the running proc's env (a block's
    method, an aliased method's original name), else the frame's name."""
    f = vm.frames[-1]
    p = f.proc
    mid = p.env.mid if p is not None and p.env is not None else None
    if not mid:
        mid = f.mid
    return abi.symbol_word(mid) if mid else NIL


@method("Kernel", "__callee__", arity=0, noframe=True)
def k_callee(vm, self, args, blk):
    """mruby-kernel-ext: the name the running frame was called by."""
    mid = vm.frames[-1].mid
    return abi.symbol_word(mid) if mid else NIL


@method("Kernel", "extend", arity=-1)
def k_extend(vm, self, args, blk):
    if not args:
        vm.argc_error(0, 1, -1)
    for m in args:
        if not vm.is_class(m) or vm.obj(m).tt != TT_MODULE:
            vm.raise_error(vm.c_TypeError, f"wrong argument type {vm.type_name_for_error(m)} "
                           "(expected Module)")
    for m in reversed(args):
        vm.c_funcall(m, "extend_object", [self])
        vm.c_funcall(m, "extended", [self])
    return self


@method("Kernel", "global_variables", arity=0)
def k_global_variables(vm, self, args, blk):
    # mrb->globals is an iv_tbl too: slot order
    return vm.ary_new([abi.symbol_word(s) for s in vm.in_mruby_order(list(vm.globals))])


@method("Kernel", "local_variables", arity=0, noframe=True)
def k_local_variables(vm, self, args, blk):
    """mrb_proc_local_variables: the caller's variables and those of the
    blocks' outer scopes up to the method, without ``*``/``&`` slots."""
    f = vm.frames[-1]
    names = {}
    p = f.proc
    irep = f.irep if p is None else p.irep
    while irep is not None:
        for i, n in enumerate(irep.lvars or ()):
            if i + 1 < irep.nlocals and n and n[0] not in "*&":
                names.setdefault(n, None)
        if p is None or p.scope:
            break
        p = p.upper
        irep = p.irep if p is not None else None
    return vm.ary_new([vm.sym(n) for n in names])


@method("Kernel", "caller", arity=(0, 2))
def k_caller(vm, self, args, blk):
    locs = vm.backtrace_locations(skip=1)
    strs = vm.backtrace_strings(locs)
    start = vm.to_int(args[0]) if args else 1
    strs = strs[start:] if start < len(strs) else []
    if len(args) > 1:
        strs = strs[:vm.to_int(args[1])]
    return vm.ary_new([vm.str_new(s) for s in strs])


@module_function("Kernel", "lambda", arity=0)
def k_lambda(vm, self, args, blk):
    if blk == NIL:
        vm.raise_error(vm.c_ArgumentError, "tried to create Proc object without a block")
    p = vm.obj(blk)
    if not p.strict:
        np = RProc(vm.c_Proc, p.irep, p.fn)
        for f in ("upper", "env", "_target_class", "self_word", "rt", "scope"):
            setattr(np, f, getattr(p, f))
        np.strict = True
        return vm.alloc(np)
    return blk


@module_function("Kernel", "proc", arity=0)
def k_proc(vm, self, args, blk):
    if blk == NIL:
        vm.raise_error(vm.c_ArgumentError, "no block given")    # mrb_get_args "&!"
    return blk


def _class_arg(vm, w):
    """mrb_get_args "c": a class or module, else TypeError naming w's to_s."""
    if not vm.is_class(w):
        s = vm.str_bytes_of(vm.obj_as_string(w)).decode("utf-8", "surrogateescape")
        vm.raise_error(vm.c_TypeError, f"{s} is not class/module")
    return vm.obj(w)


def _main_to_s(vm, self, args, blk):
    return vm.str_new(b"main")


def _main_define_method(vm, self, args, blk):
    return _define_method(vm, vm.c_Object, args, blk)


def _main_include(vm, self, args, blk):
    # mruby-toplevel-ext: def self.include(*modules) self.class.include(*modules) end
    return vm.funcall(vm.real_class(self).word, "include", args)


def _main_visibility(vm, self, args, blk):
    return NIL


class _ImmediateInstance:
    """instance_type of classes whose values are immediates in mruby
    (MRB_TT_TRUE, MRB_TT_SYMBOL): Class#allocate has nothing to make.
    (NilClass and FalseClass are MRB_TT_FALSE, 0, which mruby allocates
    as plain objects.)"""


def init(vm):
    for name in ("TrueClass", "Symbol"):
        vm.cls(name).instance_type = _ImmediateInstance
    top = vm.top_self
    vm.define_singleton_method(top, "inspect", _main_to_s, 0)
    vm.define_singleton_method(top, "to_s", _main_to_s, 0)
    vm.define_singleton_method(top, "define_method", _main_define_method, (1, 2))
    vm.define_singleton_method(top, "include", _main_include, -1)
    for name in ("private", "protected", "public"):
        vm.define_singleton_method(top, name, _main_visibility, -1)
    for name in ("send", "__send__"):
        sid = vm.intern(name)
        cls = vm.c_Kernel if name == "send" else vm.c_BasicObject
        m = cls.mt[sid]
        cls.mt[sid] = m.copy(special=send_special)
    vm.define_method(vm.c_Kernel, "method_missing", obj_missing, -1, "private")
    vm.define_const(vm.c_Object, "RUBY_VERSION", vm.str_new("3.1"))
    vm.define_const(vm.c_Object, "RUBY_ENGINE", vm.str_new("mruby"))
    vm.define_const(vm.c_Object, "RUBY_ENGINE_VERSION", vm.str_new("3.1.0"))
    vm.define_const(vm.c_Object, "MRUBY_VERSION", vm.str_new("3.1.0"))
    vm.define_const(vm.c_Object, "MRUBY_RELEASE_NO", vm.int_new(30100))
    vm.define_const(vm.c_Object, "MRUBY_RELEASE_DATE", vm.str_new("2022-05-12"))
    vm.define_const(vm.c_Object, "MRUBY_DESCRIPTION",
                    vm.str_new("mruby 3.1.0 (2022-05-12)"))
    vm.define_const(vm.c_Object, "MRUBY_COPYRIGHT",
                    vm.str_new("mruby - Copyright (c) 2010-2022 mruby developers"))
