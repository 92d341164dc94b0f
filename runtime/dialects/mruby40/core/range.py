"""mruby 4.0: Range.

- Range#size (mruby-range-ext's ``range_size``) refuses a Float or nil
  beginning: ``can't iterate from Float``;
- Range#to_a of an Integer..Float range (range.c ``range_num_to_a``)
  makes ``(end - begin) + excl`` elements and keeps one less:
  ``(1..3.5).to_a`` is ``[1]``;
- Range#cover? (mruby-range-ext's ``range_cover``): open ends, and a
  Range argument covered as a whole, compared with ``mrb_cmp``.
"""

from __future__ import annotations

from runtime import abi
from runtime.core import range as core_range
from runtime.defs import method

from .compare import mrb_cmp


@method("Range", "size", arity=0)
def range_size(vm, self, args, blk):
    beg = core_range._r(vm, self).first
    if vm.is_float(beg):
        vm.raise_error(vm.c_TypeError, "can't iterate from Float")
    if beg == abi.NIL:
        vm.raise_error(vm.c_TypeError, "can't iterate from nil")
    return core_range.range_size(vm, self, args, blk)


@method("Range", "to_a", arity=0, aliases=("entries",))
def range_to_a(vm, self, args, blk):
    r = core_range._r(vm, self)
    beg, end = r.first, r.last
    if end != abi.NIL and vm.is_int(beg) and vm.is_float(end):
        a = vm.int_value(beg)
        b = vm.float_value(end)
        if a > b:
            return vm.ary_new([])
        n = int(b - a) + (1 if r.excl else 0)
        return vm.ary_new([vm.int_new(a + i) for i in range(max(n - 1, 0))])
    return core_range.range_to_a(vm, self, args, blk)


def r_less(vm, a, b, excl: bool) -> bool:
    """``a < b`` (``a <= b`` unless excl), false when they do not compare."""
    c = mrb_cmp(vm, a, b)
    if c is None or c == 1:
        return False
    return not excl if c == 0 else True


@method("Range", "cover?", arity=1)
def range_cover(vm, self, args, blk):
    NIL = abi.NIL
    r = core_range._r(vm, self)
    val = args[0]
    beg, end = r.first, r.last
    if beg == NIL and end == NIL:
        return abi.TRUE
    if vm.is_a(val, vm.cls("Range")):
        r2 = core_range._r(vm, val)
        beg2, end2 = r2.first, r2.last
        if beg2 == NIL and end2 == NIL:
            return abi.TRUE
        if end == NIL:
            if end2 == NIL:
                return vm.bool(mrb_cmp(vm, beg, beg2) is not None)
            return vm.bool(not r_less(vm, end2, beg, r2.excl))
        if beg == NIL:
            if beg2 == NIL:
                return vm.bool(mrb_cmp(vm, end, end2) is not None)
            return vm.bool(not r_less(vm, end, beg2, r.excl))
        if end2 == NIL:
            return vm.bool(r_less(vm, beg2, end, r.excl))
        if beg2 == NIL:
            return vm.bool(r_less(vm, beg, end2, r2.excl))
        if r_less(vm, end, beg2, r.excl) or r_less(vm, end2, beg, r2.excl):
            return abi.FALSE
        return abi.TRUE
    if beg == NIL or r_less(vm, beg, val, False):
        if end == NIL or r_less(vm, val, end, r.excl):
            return abi.TRUE
    return abi.FALSE


@method("Range", "hash", arity=0)
def range_hash(vm, self, args, blk):
    """4.0.0's mrblib Range#hash: ``begin.hash ^ end.hash`` (3.1 used
    first and last, which an endless range cannot give), plus 1 when the
    end is excluded."""
    r = core_range._r(vm, self)
    a = vm.funcall(r.first, "hash")
    b = vm.funcall(r.last, "hash")
    h = vm.int_new(vm.int_value(a) ^ vm.int_value(b)) if vm.is_int(a) and vm.is_int(b) \
        else vm.funcall(a, "^", [b])
    return vm.funcall(h, "+", [abi.fixnum(1)]) if r.excl else h
