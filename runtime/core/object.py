"""nil, true and false: NilClass, TrueClass and FalseClass of mruby 3.1's
object.c (``to_s``, ``inspect``, ``&``, ``|``, ``^``) and mruby-object-ext
(``NilClass#to_a``, ``to_f``, ``to_h``, ``to_i``).  Kernel and BasicObject,
the rest of object.c, live in ``kernel.py``.
"""

from __future__ import annotations

from .. import abi
from ..defs import method

TRUE = abi.TRUE
FALSE = abi.FALSE


def _frozen_str(vm, b):
    # object.c returns frozen strings for nil/true/false to_s and inspect
    w = vm.str_new(b)
    vm.obj(w).frozen = True
    return w


@method("NilClass", "to_s", arity=0)
def nil_to_s(vm, self, args, blk):
    return _frozen_str(vm, b"")


@method("NilClass", "inspect", arity=0)
def nil_inspect(vm, self, args, blk):
    return _frozen_str(vm, b"nil")


@method("NilClass", "nil?", arity=0)
def nil_nilp(vm, self, args, blk):
    return TRUE


@method("NilClass", "to_a", arity=0)
def nil_to_a(vm, self, args, blk):
    return vm.ary_new()


@method("NilClass", "to_i", arity=0)
def nil_to_i(vm, self, args, blk):
    return abi.fixnum(0)


@method("NilClass", "to_f", arity=0)
def nil_to_f(vm, self, args, blk):
    return vm.float_new(0.0)


@method("NilClass", "to_h", arity=0)
def nil_to_h(vm, self, args, blk):
    return vm.hash_new()


@method("NilClass", "&", arity=1)
@method("FalseClass", "&", arity=1)
def false_and(vm, self, args, blk):
    return FALSE


@method("NilClass", "|", arity=1)
@method("FalseClass", "|", arity=1)
@method("NilClass", "^", arity=1)
@method("FalseClass", "^", arity=1)
def false_or(vm, self, args, blk):
    return vm.bool(abi.truthy(args[0]))


@method("TrueClass", "&", arity=1)
def true_and(vm, self, args, blk):
    return vm.bool(abi.truthy(args[0]))


@method("TrueClass", "|", arity=1)
def true_or(vm, self, args, blk):
    return TRUE


@method("TrueClass", "^", arity=1)
def true_xor(vm, self, args, blk):
    return vm.bool(not abi.truthy(args[0]))


@method("TrueClass", "to_s", arity=0, aliases=("inspect",))
def true_to_s(vm, self, args, blk):
    return _frozen_str(vm, b"true")


@method("FalseClass", "to_s", arity=0, aliases=("inspect",))
def false_to_s(vm, self, args, blk):
    return _frozen_str(vm, b"false")


def init(vm):
    # mrb_undef_class_method(mrb, nil/true/false, "new")
    for cname in ("NilClass", "TrueClass", "FalseClass"):
        c = vm.cls(cname)
        vm.undef_method(vm.singleton_class(c.word), vm.intern("new"))
