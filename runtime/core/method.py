"""Method and UnboundMethod (the mruby-method gem), Proc#parameters
(mruby-proc-ext).

A method object is an RData whose ``data`` is a ``MethodRef``: the method
table entry found when the object was made (later redefinitions do not
change it, as in mruby), its owner, the receiver and the class searched.
"""

from __future__ import annotations

from .. import abi
from ..defs import method
from ..mrblib_params import mrblib_params, params_arity
from ..objects import TT_ICLASS, TT_MODULE, TT_SCLASS, RData, RProc

NIL = abi.NIL
TRUE = abi.TRUE
FALSE = abi.FALSE


class MethodRef:
    __slots__ = ("entry", "owner", "recv", "name", "klass", "found_in")

    def __init__(self, entry, owner, recv, name, klass, found_in):
        self.entry = entry          # MethodEntry, or None (respond_to_missing?)
        self.owner = owner          # RClass (module for methods of included modules)
        self.recv = recv            # word, or None for an UnboundMethod
        self.name = name            # symbol id
        self.klass = klass          # RClass searched
        self.found_in = found_in    # RClass or iclass of the chain that held it

    @property
    def method_entry(self):
        return self.entry


def _ref(vm, w) -> MethodRef:
    d = vm.obj(w)
    if type(d) is not RData or not isinstance(d.data, MethodRef):
        vm.raise_error(vm.c_TypeError, "not a method object")
    return d.data


def _sym_arg(vm, w):
    from .kernel import _sym_arg as f
    return f(vm, w)


def _search(vm, cls, recv, sid, unbound):
    m, found = vm.find_method(cls, sid)
    if m is None:
        ok = False
        if not unbound and vm.respond_to(recv, "respond_to_missing?"):
            ok = abi.truthy(vm.funcall(recv, "respond_to_missing?", [abi.symbol_word(sid), TRUE]))
        if not ok:
            vm.raise_name_error(f"undefined method '{vm.syms[sid]}' for class "
                                f"'{vm.class_name(cls)}'", sid)
        return None, cls, cls
    owner = found
    while owner.tt == TT_ICLASS:
        owner = owner.module
    return m, owner, found


def method_object(vm, recv: int, sid: int) -> int:
    cls = vm.class_of(recv)
    m, owner, found = _search(vm, cls, recv, sid, False)
    return vm.data_new(vm.cls("Method"), MethodRef(m, owner, recv, sid, cls, found))


@method("Kernel", "method", arity=1)
def k_method(vm, self, args, blk):
    return method_object(vm, self, _sym_arg(vm, args[0]))


@method("Kernel", "singleton_method", arity=1)
def k_singleton_method(vm, self, args, blk):
    sid = _sym_arg(vm, args[0])
    mo = method_object(vm, self, sid)
    sc = vm.singleton_class(self)
    if _ref(vm, mo).owner is not sc:
        vm.raise_error(vm.c_NameError, f"undefined method '{vm.syms[sid]}' for class "
                       f"'{vm.class_name(sc)}'")
    return mo


@method("Module", "instance_method", arity=1)
def mod_instance_method(vm, self, args, blk):
    sid = _sym_arg(vm, args[0])
    cls = vm.obj(self)
    m, owner, found = _search(vm, cls, self, sid, True)
    return vm.data_new(vm.cls("UnboundMethod"), MethodRef(m, owner, None, sid, cls, found))


def _bind_check(vm, recv, owner):
    if owner.tt != TT_MODULE and vm.real_class(recv) is not owner and not vm.is_a(recv, owner):
        if owner.tt == TT_SCLASS:
            vm.raise_error(vm.c_TypeError, "singleton method called for a different object")
        vm.raise_error(vm.c_TypeError,
                       f"bind argument must be an instance of {vm.class_name(owner)}")


def _mcall(vm, r: MethodRef, recv, args, blk, kw):
    m = r.entry
    vm.frames[-1].mid = 0       # mcall reuses its own call-info record for the method
    if m is None:
        # method_missing_prepare: a Method made through respond_to_missing?
        # calls method_missing even once the method is defined
        return vm.funcall(recv, vm.SYM_method_missing,
                          [abi.symbol_word(r.name)] + list(args), blk, kw=kw)
    return vm.call_method_entry(recv, m, r.found_in, r.name, args, blk, kw)


@method("Method", "call", arity=-1, aliases=("[]",))
def meth_call(vm, self, args, blk):
    r = _ref(vm, self)
    return _mcall(vm, r, r.recv, args, blk, vm.passed_kw())


@method("UnboundMethod", "bind_call", arity=-1)
def umeth_bind_call(vm, self, args, blk):
    if not args:
        vm.argc_error(0, 1, -1)
    r = _ref(vm, self)
    _bind_check(vm, args[0], r.owner)
    return _mcall(vm, r, args[0], args[1:], blk, vm.passed_kw() and len(args) > 1)


@method("UnboundMethod", "bind", arity=1)
def umeth_bind(vm, self, args, blk):
    r = _ref(vm, self)
    _bind_check(vm, args[0], r.owner)
    return vm.data_new(vm.cls("Method"), MethodRef(r.entry, r.owner, args[0], r.name, r.klass,
                                                   r.found_in))


@method("Method", "unbind", arity=0)
def meth_unbind(vm, self, args, blk):
    r = _ref(vm, self)
    return vm.data_new(vm.cls("UnboundMethod"), MethodRef(r.entry, r.owner, None, r.name,
                                                          r.klass, r.found_in))


@method("Method", "receiver", arity=0)
def meth_receiver(vm, self, args, blk):
    return _ref(vm, self).recv


@method("Method", "name", arity=0)
@method("UnboundMethod", "name", arity=0)
def meth_name(vm, self, args, blk):
    return abi.symbol_word(_ref(vm, self).name)


@method("Method", "owner", arity=0)
@method("UnboundMethod", "owner", arity=0)
def meth_owner(vm, self, args, blk):
    return _ref(vm, self).owner.word


def _entry_proc(r: MethodRef):
    m = r.entry
    if m is None:
        return None
    return m.proc


def _mrblib_params(vm, r: MethodRef):
    """The Ruby parameters of a builtin that stands for a method mruby
    writes in Ruby (runtime/mrblib_params.py), or None."""
    if r.entry is None:
        return None
    params = getattr(r.entry.fn, "mrblib_params", None)
    if params is None:
        params = mrblib_params(vm.class_name(r.owner), vm.sym_name(r.name))
    return params


@method("Method", "arity", arity=0)
@method("UnboundMethod", "arity", arity=0)
def meth_arity(vm, self, args, blk):
    r = _ref(vm, self)
    p = _entry_proc(r)
    if p is None:
        params = _mrblib_params(vm, r)
        return abi.fixnum(-1 if params is None else params_arity(params))
    return abi.fixnum(vm.proc_arity(p))


@method("Method", "parameters", arity=0)
@method("UnboundMethod", "parameters", arity=0)
def meth_parameters(vm, self, args, blk):
    r = _ref(vm, self)
    p = _entry_proc(r)
    if r.entry is None:
        return vm.ary_new([vm.ary_new([vm.sym("rest")])])
    if p is None:
        params = _mrblib_params(vm, r)
        if params:
            # (a nameless pair, mruby 3.1's [:key] for ``mode: "r"``, has name None)
            return vm.ary_new([vm.ary_new([vm.sym(k)] + ([vm.sym(n)] if n else []))
                               for k, n in params])
        return vm.ary_new()
    return proc_parameters(vm, p)


@method("Method", "source_location", arity=0)
@method("UnboundMethod", "source_location", arity=0)
def meth_source_location(vm, self, args, blk):
    # mrb_proc_source_location of the method's body (nil for a builtin)
    p = _entry_proc(_ref(vm, self))
    if p is None or p.irep is None:
        return NIL
    from .proc import irep_source_location
    return irep_source_location(vm, p.irep)


@method("Method", "super_method", arity=0)
@method("UnboundMethod", "super_method", arity=0)
def meth_super_method(vm, self, args, blk):
    r = _ref(vm, self)
    k = r.klass
    if k.tt == TT_SCLASS:
        sup = k.superclass.superclass if k.superclass is not None else None
    elif k.tt == TT_ICLASS:
        sup = k.superclass
    else:
        sup = r.owner.superclass
    if sup is None:
        return NIL
    m, found = vm.find_method(sup, r.name)
    if m is None:
        return NIL
    owner = found
    while owner.tt == TT_ICLASS:
        owner = owner.module
    return vm.data_new(vm.real_class(self), MethodRef(m, owner, r.recv, r.name, found, found))


def _method_to_s(vm, self):
    r = _ref(vm, self)
    cname = vm.class_name(vm.real_class(self))
    if r.owner is r.klass:
        return f"#<{cname}: {vm.class_name(r.owner)}#{vm.syms[r.name]}>"
    # mrb_class_name names a singleton class by its address (class_name_str)
    k = r.klass
    kname = vm.anon_class_str(k) if k.tt == TT_SCLASS else vm.class_name(k)
    return f"#<{cname}: {kname}({vm.class_name(r.owner)})#{vm.syms[r.name]}>"


@method("Method", "inspect", arity=0, aliases=("to_s",))
@method("UnboundMethod", "inspect", arity=0, aliases=("to_s",))
def meth_inspect(vm, self, args, blk):
    return vm.str_new(_method_to_s(vm, self))


@method("Method", "==", arity=1, aliases=("eql?",))
@method("UnboundMethod", "==", arity=1, aliases=("eql?",))
def meth_eq(vm, self, args, blk):
    o = args[0]
    if vm.real_class(o) is not vm.real_class(self):
        return FALSE
    a = _ref(vm, self)
    b = _ref(vm, o)
    if a.klass is not b.klass or a.owner is not b.owner:
        return FALSE
    if not vm.obj_eq(a.recv if a.recv is not None else NIL, b.recv if b.recv is not None else NIL):
        return FALSE
    pa = a.entry
    pb = b.entry
    if pa is None or pb is None:
        return TRUE if pa is pb and a.name == b.name else FALSE
    if pa.proc is not None or pb.proc is not None:
        return TRUE if (pa.proc is not None and pb.proc is not None
                        and pa.proc.irep is pb.proc.irep) else FALSE
    return TRUE if pa.fn is pb.fn else FALSE


# the parameter lists of mrblib's lambdas that builtin procs stand for
FORWARD_PARAMS = (("rest", "args"), ("keyrest", "opts"), ("block", "block"))


def _mcall_in_lambda(vm, r, recv, args, blk, kw):
    """The lambda's ``call(...)``: Method#call's own record, which mcall
    takes over, leaves the lambda's frame in the backtrace."""
    from .enumerable import fake_frames
    with fake_frames(vm, "call"):
        return _mcall(vm, r, recv, args, blk, kw)


def _lambda_calling(vm, fn, params=FORWARD_PARAMS):
    """mrblib's ``->(*args, **opts, &block) { ... }`` (Method#<< and >>)."""
    p = RProc(vm.c_Proc, None, fn)
    p.strict = True
    p.arity_override = -1
    p.params = params
    p.fn_mid = vm.frames[-1].mid if vm.frames else 0    # frames named to_proc, <<, >>
    return vm.alloc(p)


@method("Method", "to_proc", arity=0)
def meth_to_proc(vm, self, args, blk):
    """mrblib's ``lambda { |*args, **opts, &b| m.call(*args, **opts, &b) }``:
    keywords given to the proc reach the method as keywords."""
    def body(vm2, s, a, b):
        r = _ref(vm2, self)
        return _mcall_in_lambda(vm2, r, r.recv, a, b, vm2.passed_kw())
    return _lambda_calling(vm, body, (("rest", "args"), ("keyrest", "opts"), ("block", "b")))


@method("Method", ">>", arity=1)
def meth_rshift(vm, self, args, blk):
    other = args[0]

    def body(vm2, s, a, b):
        r = _ref(vm2, self)
        v = _mcall_in_lambda(vm2, r, r.recv, a, b, False)
        return vm2.funcall(other, "call", [v])
    return _lambda_calling(vm, body)


@method("Method", "<<", arity=1)
def meth_lshift(vm, self, args, blk):
    other = args[0]

    def body(vm2, s, a, b):
        v = vm2.funcall(other, "call", a, b)
        r = _ref(vm2, self)
        return _mcall_in_lambda(vm2, r, r.recv, [v], NIL, False)
    return _lambda_calling(vm, body)


# ------------------------------------------------------------ Proc#parameters
def proc_parameters(vm, p: RProc) -> int:
    """mrb_proc_parameters of mruby-proc-ext, names shifted as mruby shifts them."""
    irep = p.irep
    if irep is None and p.params is not None:
        return vm.ary_new([vm.ary_new([vm.sym(k), vm.sym(n)]) for k, n in p.params])
    if irep is None or not irep.lvars:
        return vm.ary_new()
    ins = irep.instructions
    if not ins or ins[0].name != "ENTER":
        return vm.ary_new()
    a = ins[0].a
    strict = p.strict
    kinds = [("req" if strict else "opt", (a >> 18) & 0x1F), ("opt", (a >> 13) & 0x1F),
             ("rest", (a >> 12) & 1), ("req" if strict else "opt", (a >> 7) & 0x1F),
             ("keyrest", (a >> 1) & 1), ("block", a & 1), ("key", (a >> 2) & 0x1F)]
    out = []
    krest = block = None
    i = 0
    mx = irep.nlocals - 1
    lv = irep.lvars
    for name, size in kinds:
        for _ in range(size):
            item = [vm.sym(name)]
            if i < mx and i < len(lv) and lv[i]:
                nm = lv[i]
                if nm[:1] not in ("*", "&"):
                    item.append(vm.sym(nm))
            i += 1
            if name == "block":
                block = item
                continue
            if name == "keyrest":
                krest = item
                continue
            out.append(vm.ary_new(item))
    if krest is not None:
        out.append(vm.ary_new(krest))
    if block is not None:
        out.append(vm.ary_new(block))
    return vm.ary_new(out)


@method("Proc", "parameters", arity=0)
def proc_parameters_m(vm, self, args, blk):
    return proc_parameters(vm, vm.obj(self))


def setup(vm):
    for name in ("Method", "UnboundMethod"):
        c = vm.define_class(name)
        c.instance_type = RData


def init(vm):
    for name in ("Method", "UnboundMethod"):
        c = vm.cls(name)
        sc = vm.singleton_class(c.word)
        for m in ("new", "allocate"):
            sid = vm.intern(m)
            if vm.find_method(sc, sid)[0] is not None:
                vm.undef_method(sc, sid)
