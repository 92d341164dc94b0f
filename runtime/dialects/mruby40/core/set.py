"""mruby 4.0: Set (the mruby-set gem of the default build).

A Set is an ``RData`` whose payload is a one-element list holding the word
of a Hash (element -> true), so elements compare with ``eql?``/``hash`` as
Hash keys do and keep insertion order.  ``inspect`` prints ``Set[1, 2]``.
"""

from __future__ import annotations

from runtime import abi
from runtime.defs import method, smethod
from runtime.objects import RData

TRUE = abi.TRUE
NIL = abi.NIL


def setup(vm):
    c = vm.define_class("Set")
    c.instance_type = RData
    vm.include_module(c, vm.c_Enumerable)


def _h(vm, w):
    o = vm.obj(w)
    if type(o) is not RData or not isinstance(o.data, list):
        vm.raise_error("TypeError", "uninitialized Set")
    return vm.obj(o.data[0])


def _elems(vm, w) -> list:
    return _h(vm, w).keys()


def _new(vm, cls, elems) -> int:
    w = vm.alloc(RData(cls, [vm.hash_new()]))
    h = _h(vm, w)
    for e in elems:
        h.set(vm, e, TRUE)
    return w


def _enum_items(vm, w) -> list:
    if vm.is_ary(w):
        return list(vm.obj(w).items)
    o = vm.obj(w) if w & abi.OBJECT_MASK == abi.OBJECT_TAG else None
    if type(o) is RData and isinstance(o.data, list) and vm.is_a(w, vm.cls("Set")):
        return _elems(vm, w)
    if not vm.respond_to(w, "each"):
        vm.raise_error("ArgumentError", "value must be enumerable")
    return list(vm.obj(vm.funcall(w, "to_a")).items)


@smethod("Set", "[]", arity=-1)
def set_s_aref(vm, self, args, blk):
    return _new(vm, vm.obj(self), args)


@method("Set", "initialize", arity=(0, 1), visibility="private")
def set_initialize(vm, self, args, blk):
    o = vm.obj(self)
    o.data = [vm.hash_new()]
    if args and args[0] != NIL:
        h = _h(vm, self)
        for e in _enum_items(vm, args[0]):
            h.set(vm, vm.yield_block(blk, [e]) if blk != NIL else e, TRUE)
    return NIL


@method("Set", "initialize_copy", arity=1, visibility="private")
def set_initialize_copy(vm, self, args, blk):
    vm.obj(self).data = [vm.hash_new()]
    h = _h(vm, self)
    for e in _elems(vm, args[0]):
        h.set(vm, e, TRUE)
    return self


@method("Set", "size", arity=0, aliases=("length",))
def set_size(vm, self, args, blk):
    return abi.fixnum(len(_h(vm, self)))


@method("Set", "empty?", arity=0)
def set_empty(vm, self, args, blk):
    return vm.bool(len(_h(vm, self)) == 0)


@method("Set", "include?", arity=1, aliases=("member?", "===", "contain?"))
def set_include(vm, self, args, blk):
    return vm.bool(_h(vm, self).get(vm, args[0]) is not None)


@method("Set", "add", arity=1, aliases=("<<",))
def set_add(vm, self, args, blk):
    vm.check_frozen(self)
    _h(vm, self).set(vm, args[0], TRUE)
    return self


@method("Set", "add?", arity=1)
def set_add_p(vm, self, args, blk):
    vm.check_frozen(self)
    h = _h(vm, self)
    if h.get(vm, args[0]) is not None:
        return NIL
    h.set(vm, args[0], TRUE)
    return self


@method("Set", "delete", arity=1)
def set_delete(vm, self, args, blk):
    vm.check_frozen(self)
    _h(vm, self).delete(vm, args[0])
    return self


@method("Set", "delete?", arity=1)
def set_delete_p(vm, self, args, blk):
    vm.check_frozen(self)
    h = _h(vm, self)
    if h.get(vm, args[0]) is None:
        return NIL
    h.delete(vm, args[0])
    return self


@method("Set", "clear", arity=0)
def set_clear(vm, self, args, blk):
    vm.check_frozen(self)
    _h(vm, self).clear()
    return self


@method("Set", "each", arity=0)
def set_each(vm, self, args, blk):
    if blk == NIL:
        return vm.funcall(self, "to_enum", [vm.sym("each")])
    for e in _elems(vm, self):
        vm.yield_block(blk, [e])
    return self


@method("Set", "to_a", arity=0)
def set_to_a(vm, self, args, blk):
    return vm.ary_new(_elems(vm, self))


@method("Set", "to_set", arity=0)
def set_to_set(vm, self, args, blk):
    return self


@method("Set", "merge", arity=-1)
def set_merge(vm, self, args, blk):
    vm.check_frozen(self)
    h = _h(vm, self)
    for a in args:
        for e in _enum_items(vm, a):
            h.set(vm, e, TRUE)
    return self


@method("Set", "|", arity=1, aliases=("union", "+"))
def set_union(vm, self, args, blk):
    return _new(vm, vm.real_class(self), _elems(vm, self) + _enum_items(vm, args[0]))


@method("Set", "&", arity=1, aliases=("intersection",))
def set_intersection(vm, self, args, blk):
    other = _new(vm, vm.real_class(self), _enum_items(vm, args[0]))
    oh = _h(vm, other)
    return _new(vm, vm.real_class(self), [e for e in _elems(vm, self)
                                          if oh.get(vm, e) is not None])


@method("Set", "-", arity=1, aliases=("difference",))
def set_difference(vm, self, args, blk):
    other = _new(vm, vm.real_class(self), _enum_items(vm, args[0]))
    oh = _h(vm, other)
    return _new(vm, vm.real_class(self), [e for e in _elems(vm, self) if oh.get(vm, e) is None])


@method("Set", "^", arity=1)
def set_xor(vm, self, args, blk):
    other = _enum_items(vm, args[0])
    h = _h(vm, self)
    oset = _new(vm, vm.real_class(self), other)
    oh = _h(vm, oset)
    out = [e for e in _elems(vm, self) if oh.get(vm, e) is None]
    out += [e for e in other if h.get(vm, e) is None]
    return _new(vm, vm.real_class(self), out)


def _set_arg(vm, w):
    if not vm.is_a(w, vm.cls("Set")):
        vm.raise_error("ArgumentError", "value must be a set")
    return _h(vm, w)


@method("Set", "subset?", arity=1, aliases=("<=",))
def set_subset(vm, self, args, blk):
    oh = _set_arg(vm, args[0])
    return vm.bool(len(_h(vm, self)) <= len(oh)
                   and all(oh.get(vm, e) is not None for e in _elems(vm, self)))


@method("Set", "superset?", arity=1, aliases=(">=",))
def set_superset(vm, self, args, blk):
    h = _h(vm, self)
    oh = _set_arg(vm, args[0])
    return vm.bool(len(h) >= len(oh) and all(h.get(vm, e) is not None for e in oh.keys()))


@method("Set", "proper_subset?", arity=1, aliases=("<",))
def set_proper_subset(vm, self, args, blk):
    oh = _set_arg(vm, args[0])
    return vm.bool(len(_h(vm, self)) < len(oh)
                   and all(oh.get(vm, e) is not None for e in _elems(vm, self)))


@method("Set", "proper_superset?", arity=1, aliases=(">",))
def set_proper_superset(vm, self, args, blk):
    h = _h(vm, self)
    oh = _set_arg(vm, args[0])
    return vm.bool(len(h) > len(oh) and all(h.get(vm, e) is not None for e in oh.keys()))


@method("Set", "disjoint?", arity=1)
def set_disjoint(vm, self, args, blk):
    h = _h(vm, self)
    return vm.bool(all(h.get(vm, e) is None for e in _enum_items(vm, args[0])))


@method("Set", "intersect?", arity=1)
def set_intersect(vm, self, args, blk):
    return vm.bool(not abi.truthy(set_disjoint(vm, self, args, blk)))


@method("Set", "==", arity=1)
def set_eq(vm, self, args, blk):
    o = args[0]
    if o == self:
        return TRUE
    if not vm.is_a(o, vm.cls("Set")):
        return abi.FALSE
    h, oh = _h(vm, self), _h(vm, o)
    return vm.bool(len(h) == len(oh) and all(oh.get(vm, e) is not None for e in h.keys()))


@method("Set", "inspect", arity=0, aliases=("to_s",))
def set_inspect(vm, self, args, blk):
    from .inspect import _Running
    name = vm.class_name(vm.real_class(self)).encode()
    with _Running(vm, self) as r:
        if r.again:
            return vm.str_new(name + b"[...]")
        parts = [vm.inspect(e) for e in _elems(vm, self)]
    return vm.str_new(name + b"[" + b", ".join(parts) + b"]")


@method("Set", "map!", arity=0, aliases=("collect!",))
def set_map_bang(vm, self, args, blk):
    vm.check_frozen(self)
    new = [vm.yield_block(blk, [e]) for e in _elems(vm, self)]
    h = _h(vm, self)
    h.clear()
    for e in new:
        h.set(vm, e, TRUE)
    return self


@method("Set", "select!", arity=0, aliases=("filter!",))
def set_select_bang(vm, self, args, blk):
    return _keep(vm, self, blk, True)


@method("Set", "reject!", arity=0)
def set_reject_bang(vm, self, args, blk):
    return _keep(vm, self, blk, False)


@method("Set", "delete_if", arity=0)
def set_delete_if(vm, self, args, blk):
    _keep(vm, self, blk, False)
    return self


@method("Set", "keep_if", arity=0)
def set_keep_if(vm, self, args, blk):
    _keep(vm, self, blk, True)
    return self


def _keep(vm, self, blk, want: bool):
    vm.check_frozen(self)
    h = _h(vm, self)
    n = len(h)
    for e in _elems(vm, self):
        if abi.truthy(vm.yield_block(blk, [e])) != want:
            h.delete(vm, e)
    return self if len(h) != n else NIL


@method("Set", "hash", arity=0)
def set_hash(vm, self, args, blk):
    acc = 0
    for e in _elems(vm, self):
        acc ^= vm.hash_of(e)
    return vm.int_new(acc & ((1 << 61) - 1))


@method("Set", "eql?", arity=1)
def set_eql(vm, self, args, blk):
    return set_eq(vm, self, args, blk)


@method("Set", "freeze", arity=0)
def set_freeze(vm, self, args, blk):
    vm.obj(self).frozen = True
    return self
