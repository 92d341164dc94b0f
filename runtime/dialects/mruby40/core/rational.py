"""mruby 4.0: Rational with RAT_BIGINT (mruby-rational with mruby-bigint).

What 4.0.0's mrbgems/mruby-rational/src/rational.c does differently from
3.1 where a program sees it:

- ``rational_new_f`` (Float#to_r, ``Rational(1e20)``): the mantissa times
  2**53 over 2**53, scaled by the exponent; past 64 bits the numerator or
  denominator is a bigint (``rational_new_b``) where 3.1 raised RangeError
  or lost bits, so every finite Float converts exactly;
- ``mrb_rational_new`` of MRB_INT_MIN makes it a bigint one;
- ``Rational()`` of a bigint numerator: ``rational_new_b`` (the
  denominator taken with mrb_as_bint);
- ``Integer#to_r`` of a bigint;
- ``Rational#/`` by the Integer 0 raises ``mrb_int_zerodiv`` ("divided by
  0", not "... in rational").

A bigint-backed Rational is the same RationalData with Python ints past
64 bits in it.
"""

from __future__ import annotations

import math

from runtime import abi
from runtime.core import rational as core_rational
from runtime.core.numeric import (
    RationalData,
    as_float,
    as_int,
    c_frexp,
    check_num_exact,
    rational_data,
)
from runtime.defs import method

from .integer import _small

#: DBL_MANT_DIG
RAT_MANT_DIG = 53


def rational_new_b(vm, n: int, d: int) -> int:
    """rational_new_b: sign on the numerator, reduced (mrb_bint_reduce)."""
    if d == 0:
        vm.raise_error("ZeroDivisionError", "divided by 0 in rational")
    if d < 0:
        n, d = -n, -d
    g = math.gcd(n, d) or 1
    o = vm.obj(vm.data_new(vm.cls("Rational"), RationalData(n // g, d // g)))
    o.frozen = True
    return o.word


def rational_new_i(vm, n: int, d: int) -> int:
    """mrb_rational_new: MRB_INT_MIN on either side goes bigint (3.1: RangeError)."""
    if d != 0 and (n == abi.MRB_INT_MIN or d == abi.MRB_INT_MIN):
        return rational_new_b(vm, n, d)
    return core_rational.rational_new_i(vm, n, d)


def rational_new_f(vm, f: float) -> int:
    """rational_new_f: exact, through the frexp mantissa (2**53 steps)."""
    check_num_exact(vm, f)
    if f == 0.0:
        return rational_new_i(vm, 0, 1)
    mantissa, exp = c_frexp(f)
    nume = int(mantissa * (1 << RAT_MANT_DIG))
    deno = 1 << RAT_MANT_DIG
    if exp > 0:
        if exp >= 63 or not _small(nume << exp):
            return rational_new_b(vm, nume << exp, deno)
        nume <<= exp
    elif exp < 0:
        if -exp >= 63 or not _small(deno << -exp):
            return rational_new_b(vm, nume, deno << -exp)
        deno <<= -exp
    return rational_new_i(vm, nume, deno)


def _c_fdiv(x: float, y: float) -> float:
    return core_rational._c_fdiv(x, y)


@method("Kernel", "Rational", arity=(1, 2))
def k_Rational(vm, self, args, blk):
    """rational_m / rational_new: two Integers, a bigint, or Floats."""
    a = args[0]
    b = args[1] if len(args) > 1 else abi.fixnum(1)
    a_int, b_int = vm.is_int(a), vm.is_int(b)
    if a_int and b_int and _small(vm.int_value(a)) and _small(vm.int_value(b)):
        return rational_new_i(vm, vm.int_value(a), vm.int_value(b))
    if (a_int and not _small(vm.int_value(a))) or (b_int and not _small(vm.int_value(b))):
        return rational_new_b(vm, as_int(vm, a), as_int(vm, b))
    return rational_new_f(vm, _c_fdiv(as_float(vm, a), as_float(vm, b)))


@method("Integer", "to_r", arity=0)
def int_to_r(vm, self, args, blk):
    n = vm.int_value(self)
    return rational_new_i(vm, n, 1) if _small(n) else rational_new_b(vm, n, 1)


@method("Rational", "/", arity=1, aliases=("quo",))
def rat_div(vm, self, args, blk):
    """mrb_rational_div: an Integer 0 is mrb_int_zerodiv's error."""
    y = args[0]
    if vm.is_int(y) and vm.int_value(y) == 0 and rational_data(vm, self) is not None:
        vm.raise_error("ZeroDivisionError", "divided by 0")
    return core_rational.rat_div(vm, self, args, blk)
