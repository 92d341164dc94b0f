"""mruby 4.0: Float.

Float#to_r is Float's own C method (mruby-rational's ``float_to_r``),
where 3.1 inherited Numeric's mrblib one.

Float#to_i, #floor, #ceil and #truncate past 64 bits make a bigint
(``flo_rounding_int``: mrb_bint_new_float, ``float_int_overflow``) where
3.1 wrapped around, and with digits check the result is finite.

4.0's word boxing keeps every bit of a double (runtime/dialects/mruby40:
``float_new``), so Float#to_s formats the value as it is
(``mrb_float_to_str``), where mruby 3.1's printed the truncated double.
"""

from __future__ import annotations

import math

from runtime import abi
from runtime.core import float as core_float
from runtime.core.fmtfp import float_to_s
from runtime.core.numeric import as_int, c_ceil, c_floor, c_pow, check_num_exact, fixable_float, flo
from runtime.defs import method

from .rational import rational_new_f


@method("Float", "to_s", arity=0, aliases=("inspect",))
def flo_to_s(vm, self, args, blk):
    return vm.str_new(float_to_s(vm.float_value(self)).encode())


@method("Float", "to_r", arity=0)
def flo_to_r(vm, self, args, blk):
    """float_to_r: rational_new_f (mruby40/core/rational.py)."""
    return rational_new_f(vm, vm.float_value(self))


def rounding_int(vm, f: float) -> int:
    """flo_rounding_int: the Integer of a whole Float, a bigint past 64 bits."""
    if fixable_float(f):
        return vm.int_new(int(f))
    return vm.int_new(vm.float_int_overflow(f, float_to_s(f)))


def _rounding(vm, self, args, func):
    """flo_rounding."""
    f = vm.float_value(self)
    nd = as_int(vm, args[0]) if args else 0
    if f == 0.0:
        return flo(vm, f) if nd > 0 else abi.fixnum(0)
    if nd > 0:
        if nd > 15:
            return self
        d = c_pow(10.0, float(nd))
        f = func(f * d) / d
        check_num_exact(vm, f)
        return flo(vm, f)
    if nd < 0:
        d = c_pow(10.0, float(-nd))
        f = func(f / d) * d
    else:
        f = func(f)
    check_num_exact(vm, f)
    return rounding_int(vm, f)


@method("Float", "floor", arity=(0, 1))
def flo_floor(vm, self, args, blk):
    return _rounding(vm, self, args, c_floor)


@method("Float", "ceil", arity=(0, 1))
def flo_ceil(vm, self, args, blk):
    return _rounding(vm, self, args, c_ceil)


@method("Float", "truncate", arity=(0, 1))
def flo_truncate(vm, self, args, blk):
    if math.copysign(1.0, vm.float_value(self)) < 0:
        return _rounding(vm, self, args, c_ceil)
    return _rounding(vm, self, args, c_floor)


@method("Float", "to_i", arity=0)
def flo_to_i(vm, self, args, blk):
    f = vm.float_value(self)
    check_num_exact(vm, f)
    if not fixable_float(f):
        return vm.int_new(vm.float_int_overflow(f, float_to_s(f)))
    return vm.int_new(int(f))


@method("Float", "div", arity=1)
def flo_idiv(vm, self, args, blk):
    """flo_idiv: the receiver must be finite (mrb_check_num_exact)."""
    check_num_exact(vm, vm.float_value(self))
    return core_float.flo_idiv(vm, self, args, blk)
