"""Comparable (mruby 3.1 mrblib/compar.rb and mruby-compar-ext).

Everything is built on ``<=>``; a nil result makes the ordering methods
raise ArgumentError "comparison of Foo with Bar failed" (class names, as
the mrblib code interpolates ``self.class`` and ``other.class``).
"""

from __future__ import annotations

from runtime import abi
from runtime.defs import method

NIL = abi.NIL


def _cmp(vm, a, b):
    return vm.funcall(a, "<=>", [b])


def _fail(vm, a, b):
    ca = vm.class_name(vm.real_class(a))
    cb = vm.class_name(vm.real_class(b))
    vm.raise_error("ArgumentError", f"comparison of {ca} with {cb} failed")


def _test(vm, cmp, op: str) -> bool:
    """``cmp <op> 0`` (fast for Integer results)."""
    if cmp & 1:
        n = abi.fixnum_value(cmp)
        if op == "<":
            return n < 0
        if op == "<=":
            return n <= 0
        if op == ">":
            return n > 0
        if op == ">=":
            return n >= 0
        return n == 0
    return abi.truthy(vm.funcall(cmp, op, [abi.fixnum(0)]))


def _ordering(op):
    def fn(vm, self, args, blk):
        other = args[0]
        c = _cmp(vm, self, other)
        if c == NIL:
            _fail(vm, self, other)
        return vm.bool(_test(vm, c, op))
    return fn


for _op in ("<", "<=", ">", ">="):
    method("Comparable", _op, arity=1)(_ordering(_op))


@method("Comparable", "==", arity=1)
def cmp_eq(vm, self, args, blk):
    c = _cmp(vm, self, args[0])
    if c == NIL:
        return abi.FALSE
    return vm.bool(_test(vm, c, "=="))


@method("Comparable", "between?", arity=2)
def cmp_between(vm, self, args, blk):
    lo, hi = args
    if not abi.truthy(vm.funcall(self, ">=", [lo])):
        return abi.FALSE
    return vm.bool(abi.truthy(vm.funcall(self, "<=", [hi])))


@method("Comparable", "clamp", arity=2)
def cmp_clamp(vm, self, args, blk):
    lo, hi = args
    if _test(vm, _cmp(vm, lo, hi), ">"):
        vm.raise_error("ArgumentError", "min argument must be smaller than max argument")
    c = _cmp(vm, self, lo)
    if _test(vm, c, "=="):
        return self
    if _test(vm, c, "<"):
        return lo
    c = _cmp(vm, self, hi)
    if _test(vm, c, ">"):
        return hi
    return self
