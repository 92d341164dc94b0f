"""mruby 4.0: Kernel#<=>, Array#<=> and Comparable#clamp.

- Kernel#<=> (kernel.c ``mrb_cmp_m``): 0 for equal objects, else nil, and
  nil when the same comparison is already running further down;
- Array#<=> is C (array.c ``mrb_ary_cmp``): elements compare with
  ``mrb_cmp``, and a pair that does not compare makes the result nil (3.1's
  mrblib raised NoMethodError calling ``>`` on it);
- Comparable#clamp is mruby-compar-ext's: a Range as the only argument,
  nil for an open end, ``comparison of A with B failed`` when min and max
  do not compare.
"""

from __future__ import annotations

from runtime import abi
from runtime.core import enumerable as core_enum
from runtime.core.numeric import cmpnum
from runtime.defs import method

from .integer import int_cmpnum

NIL = abi.NIL


def mrb_cmp(vm, a: int, b: int):
    """numeric.c mrb_cmp: -1, 0, 1, or None where mruby returns -2."""
    if vm.is_int(a) and vm.is_int(b):
        return int_cmpnum(vm.int_value(a), vm.int_value(b))
    if vm.is_int(a) or vm.is_float(a):
        return cmpnum(vm, a, b)
    if vm.is_str(a):
        if not vm.is_str(b):
            return None
        x, y = vm.str_bytes(a), vm.str_bytes(b)
        return (x > y) - (x < y)
    v = vm.funcall(a, "<=>", [b])
    if not vm.is_int(v):
        return None
    return vm.int_value(v)


@method("Array", "<=>", arity=1)
def ary_cmp(vm, self, args, blk):
    other = args[0]
    if other == self:
        return abi.fixnum(0)
    if not vm.is_ary(other):
        return NIL
    a, b = vm.obj(self).items, vm.obj(other).items
    i = 0
    while i < len(a) and i < len(b):
        n = mrb_cmp(vm, a[i], b[i])
        if n is None:
            return NIL
        if n != 0:
            return vm.int_new(n)
        i += 1
    d = len(a) - len(b)
    return abi.fixnum((d > 0) - (d < 0))


def _num_test(vm, cmp: int, op) -> bool:
    """``cmp > 0`` and friends as the mrblib code sends them."""
    if vm.is_int(cmp):
        return op(vm.int_value(cmp), 0)
    return abi.truthy(vm.funcall(cmp, ">" if op(1, 0) else "<", [abi.fixnum(0)]))


@method("Comparable", "clamp", arity=(1, 2))
def cmp_clamp(vm, self, args, blk):
    lo = args[0]
    hi = args[1] if len(args) > 1 else NIL
    if hi == NIL and vm.is_a(lo, vm.cls("Range")):
        rng = lo
        hi = vm.funcall(rng, "end")
        if hi != NIL and abi.truthy(vm.funcall(rng, "exclude_end?")):
            vm.raise_error(vm.c_ArgumentError, "cannot clamp with an exclusive range")
        lo = vm.funcall(rng, "begin")
    if lo != NIL and hi != NIL:
        c = vm.funcall(lo, "<=>", [hi])
        if c == NIL:
            vm.raise_error(vm.c_ArgumentError,
                           f"comparison of {vm.class_name(vm.real_class(lo))} with "
                           f"{vm.class_name(vm.real_class(hi))} failed")
        if _num_test(vm, c, lambda x, y: x > y):
            vm.raise_error(vm.c_ArgumentError, "min argument must be smaller than max argument")
    if lo != NIL:
        c = vm.funcall(self, "<=>", [lo])
        if vm.equal(c, abi.fixnum(0)):
            return self
        if _num_test(vm, c, lambda x, y: x < y):
            return lo
    if hi != NIL:
        c = vm.funcall(self, "<=>", [hi])
        if _num_test(vm, c, lambda x, y: x > y):
            return hi
    return self


def method_recursive(vm, name: str, obj: int, arg: int | None = None) -> bool:
    """kernel.c ``mrb_obj_method_recursive_p`` (``__method_recursive?``) as
    the builtin ``name`` running now asks it: a frame below this one runs
    ``name`` on ``obj`` (and with ``arg`` as its first argument, when given)."""
    sid = vm.intern(name)
    st = vm.stack
    for f in vm.frames[:-1]:
        if f.mid == sid and st[f.base] == obj and (arg is None or st[f.base + 1] == arg):
            return True
    return False


@method("Kernel", "<=>", arity=1)
def k_cmp(vm, self, args, blk):
    arg = args[0]
    if method_recursive(vm, "<=>", self, arg):
        return NIL
    return abi.fixnum(0) if vm.equal(self, arg) else NIL


@method("Enumerable", "hash", arity=0)
def enum_hash(vm, self, args, blk):
    """mrblib/enum.rb: 0 for a collection whose hash is already being taken
    further down (``__method_recursive?(:hash)``: ``a = []; a << a; a.hash``),
    else 3.1's element by element hash.  A builtin called from Python keeps
    no receiver in its frame, so the VM keeps the receivers being hashed."""
    hashing = vm.__dict__.setdefault("enum_hashing", set())
    if self in hashing:
        return abi.fixnum(0)
    hashing.add(self)
    try:
        return core_enum.enum_hash(vm, self, args, blk)
    finally:
        hashing.discard(self)
