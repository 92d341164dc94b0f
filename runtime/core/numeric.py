"""Numeric, and the number helpers Integer, Float, Range, Math and format share.

mruby 3.1 (default build, 64-bit word boxing) facts reproduced here:

* ``mrb_int`` is 64-bit; results outside it raise ``RangeError`` ("integer
  overflow in addition" from the methods, plain "integer overflow" from the
  VM's arithmetic opcodes).
* Every Float value is stored in a word with its two lowest mantissa bits
  cleared (``mrb_word_boxing_float_value``: ``v.w = (v.w & ~3) | 2``), so
  each boxed result is truncated; ``vm.float_new`` (``flo``) does that, and
  ``ftrunc`` gives the truncated double.
* C casts of out-of-range doubles to ``mrb_int`` give INT64_MIN (x86-64
  ``cvttsd2si``), e.g. ``1e20.to_i`` is -9223372036854775808.
* Math goes through the C library (``libm``) so results and special cases
  are the ones mruby gets.

Numeric's own methods come from mrblib/numeric.rb, src/numeric.c and
mruby-numeric-ext.
"""

from __future__ import annotations

import math

from runtime import abi
from runtime.defs import method
from runtime.fastfloat import truncate as _truncate

from ..abi import FLONUM_MASK, FLONUM_TAG, OBJECT_MASK, OBJECT_TAG
from ..cdecls import ffi, libm

NIL = abi.NIL
TRUE = abi.TRUE
FALSE = abi.FALSE

INT_MIN = abi.MRB_INT_MIN
INT_MAX = abi.MRB_INT_MAX
FIXNUM_MIN = abi.FIXNUM_MIN
FIXNUM_MAX = abi.FIXNUM_MAX

# ---------------------------------------------------------------- libm
c_pow = libm.pow
c_fmod = libm.fmod
c_atan2 = libm.atan2
c_hypot = libm.hypot
c_round = libm.round
c_trunc = libm.trunc
c_floor = libm.floor
c_ceil = libm.ceil
LIBM1 = {n: getattr(libm, n) for n in ("sin", "cos", "tan", "asin", "acos", "atan", "sinh",
                                       "cosh", "tanh", "asinh", "acosh", "atanh", "exp", "log",
                                       "log2", "log10", "sqrt", "cbrt", "erf", "erfc")}


def c_frexp(x: float):
    e = ffi.new("int *")
    m = libm.frexp(x, e)
    return m, e[0]


def c_ldexp(x: float, i: int) -> float:
    return libm.ldexp(x, i)


# ---------------------------------------------------------------- floats


def ftrunc(x: float) -> float:
    """The value mruby's word boxing keeps: the two lowest bits cleared."""
    return _truncate(x)


def flo(vm, x: float) -> int:
    """mrb_float_value: a Float word holding x as mruby would store it
    (vm.float_new applies the truncation)."""
    return vm.float_new(x)


def c_f2i(f: float) -> int:
    """``(mrb_int)f`` as x86-64 C computes it (INT64_MIN when out of range)."""
    if f != f or f >= 9223372036854775808.0 or f < -9223372036854775808.0:
        return INT_MIN
    return int(f)


def fixable_float(f: float) -> bool:
    return -9223372036854775808.0 <= f < 9223372036854775808.0


def div_float(x: float, y: float) -> float:
    """mrb_div_float."""
    if y != 0.0:
        return x / y
    if x == 0.0:
        return math.nan
    return x * (-1.0 if math.copysign(1.0, y) < 0 else 1.0) * math.inf


def flodivmod(vm, x: float, y: float, want_div: bool = True, want_mod: bool = True):
    """numeric.c flodivmod: (div, mod)."""
    if y != y:
        return y, y
    if y == 0.0:
        vm.raise_error("ZeroDivisionError", "divided by 0")
    if math.isinf(y) and not math.isinf(x):
        mod = x
    else:
        mod = c_fmod(x, y)
    if math.isinf(x) and not math.isinf(y):
        div = x
    else:
        div = (x - mod) / y
        if want_div and want_mod:
            div = c_round(div)
    if div == 0:
        div = 0.0
    if mod == 0:
        mod = 0.0
    if y * mod < 0:
        mod += y
        div -= 1.0
    return div, mod


def check_num_exact(vm, f: float) -> None:
    if math.isinf(f):
        vm.raise_error("FloatDomainError", "-Infinity" if f < 0 else "Infinity")
    if f != f:
        vm.raise_error("FloatDomainError", "NaN")


def float_to_integer(vm, f: float) -> int:
    """mrb_float_to_integer: the Python int, with mruby's errors."""
    check_num_exact(vm, f)
    if fixable_float(f):
        return int(f)
    from runtime.core.fmtfp import float_to_s
    return vm.float_int_overflow(f, float_to_s(f))


def int_result(vm, n: int, reason: str) -> int:
    """An Integer word, or past 64 bits what the VM's dialect does
    (``vm.int_overflow``: RangeError "integer overflow in <reason>" in mruby 3.1)."""
    if INT_MIN <= n <= INT_MAX:
        return vm.int_new(n)
    return vm.int_overflow(n, reason)


# ---------------------------------------------------------------- conversions
def is_num(vm, w: int) -> bool:
    return vm.is_int(w) or vm.is_float(w)


class RationalData:
    """Payload of a Rational object (an RData): mrb_int numerator/denominator."""
    __slots__ = ("num", "den")

    def __init__(self, num: int, den: int):
        self.num = num
        self.den = den


class ComplexData:
    """Payload of a Complex object (an RData): two doubles."""
    __slots__ = ("re", "im")

    def __init__(self, re: float, im: float):
        self.re = re
        self.im = im


def rational_data(vm, w: int):
    if w & OBJECT_MASK != OBJECT_TAG:
        return None
    d = getattr(vm.obj(w), "data", None)
    return d if type(d) is RationalData else None


def complex_data(vm, w: int):
    if w & OBJECT_MASK != OBJECT_TAG:
        return None
    d = getattr(vm.obj(w), "data", None)
    return d if type(d) is ComplexData else None


def is_rational(vm, w: int) -> bool:
    return rational_data(vm, w) is not None


def is_complex(vm, w: int) -> bool:
    return complex_data(vm, w) is not None


def rat_float(r: RationalData) -> float:
    if r.den == 0:
        return math.inf
    return float(r.num) / float(r.den)


def as_int(vm, w: int) -> int:
    """mrb_as_int (mrb_ensure_int_type): Integer, Float (checked), Rational,
    Complex, else TypeError "X cannot be converted to Integer"."""
    if w & 1:
        return abi.fixnum_value(w)
    if vm.is_int(w):
        return vm.int_value(w)
    if vm.is_float(w):
        return float_to_integer(vm, vm.float_value(w))
    r = rational_data(vm, w)
    if r is not None:
        if r.den == 0:
            vm.raise_error("ZeroDivisionError", "divided by 0 in rational")
        q = abs(r.num) // abs(r.den)
        return -q if (r.num < 0) != (r.den < 0) else q
    c = complex_data(vm, w)
    if c is not None:
        if c.im != 0:
            from runtime.core.complex import complex_to_s
            vm.raise_error("RangeError", b"can't convert " + complex_to_s(vm, w) + b" into Integer")
        return c_f2i(c.re)
    vm.raise_error("TypeError", f"{vm.type_name_for_error(w)} cannot be converted to Integer")


def as_float(vm, w: int) -> float:
    """mrb_as_float (mrb_ensure_float_type)."""
    if w & 1:
        return float(abi.fixnum_value(w))
    if vm.is_float(w):
        return vm.float_value(w)
    if vm.is_int(w):
        return float(vm.int_value(w))
    if w == NIL:
        vm.raise_error("TypeError", "can't convert nil into Float")
    r = rational_data(vm, w)
    if r is not None:
        return vm.float_kept(rat_float(r))
    c = complex_data(vm, w)
    if c is not None:
        if c.im != 0:
            from runtime.core.complex import complex_to_s
            vm.raise_error("RangeError", b"can't convert " + complex_to_s(vm, w) + b" into Float")
        return vm.float_kept(c.re)
    vm.raise_error("TypeError", f"{vm.type_name_for_error(w)} cannot be converted to Float")


def cmpnum(vm, x: int, y: int):
    """numeric.c cmpnum: -1/0/1, or None when y is not a number.
    Both sides are compared as doubles, as mruby 3.1 does."""
    a = as_float(vm, x)
    if vm.is_int(y):
        b = float(vm.int_value(y))
    elif vm.is_float(y):
        b = vm.float_value(y)
    elif is_rational(vm, y):
        b = as_float(vm, y)
    else:
        return None
    if a > b:
        return 1
    if a < b:
        return -1
    return 0


def cmperr(vm, x: int, y: int):
    vm.raise_error("ArgumentError",
                   f"comparison of {vm.class_name(vm.real_class(x))} with "
                   f"{vm.class_name(vm.real_class(y))} failed")


def boxed_int_opval(vm, w: int) -> int:
    """What mruby 3.1's comparison opcodes see for an Integer outside the
    fixnum range: OP_CMP reads it with ``mrb_fixnum()``, i.e. the heap
    pointer shifted right by one (a large positive number), not its value.
    So in mruby ``-2**63 < 0`` is false and ``(-2**63).abs`` is itself
    (``vm.boxed_int_cmp``: a dialect may read the value)."""
    return vm.boxed_int_cmp(w)


def _opval(vm, w: int):
    """The number an OP_EQ/OP_LT... comparison uses, or None (not a number)."""
    if w & 1:
        return abi.fixnum_value(w)
    if w & FLONUM_MASK == FLONUM_TAG:
        return abi.flonum_value(w)
    if w & OBJECT_MASK == OBJECT_TAG:
        o = vm.obj(w)
        t = type(o).__name__
        if t == "RFloat":
            return o.value
        if t == "RInteger":
            return boxed_int_opval(vm, w)
    return None


def op_cmp(vm, a: int, b: int):
    """``a <=> b`` for the loops of mrblib methods (fast for numbers)."""
    if a & 1 and b & 1:
        x = abi.fixnum_value(a)
        y = abi.fixnum_value(b)
        return (x > y) - (x < y)
    return vm.cmp(a, b)


def _op_compare(vm, a: int, b: int, name: str, test) -> bool:
    if a & 1 and b & 1:
        return test(abi.fixnum_value(a), abi.fixnum_value(b))
    x = _opval(vm, a)
    if x is not None:
        y = _opval(vm, b)
        if y is not None:
            return test(x, y)
    return abi.truthy(vm.funcall(a, name, [b]))


def op_lt(vm, a: int, b: int) -> bool:
    """``a < b`` as mruby's OP_LT runs it (mrblib code uses these)."""
    return _op_compare(vm, a, b, "<", lambda x, y: x < y)


def op_le(vm, a: int, b: int) -> bool:
    return _op_compare(vm, a, b, "<=", lambda x, y: x <= y)


def op_gt(vm, a: int, b: int) -> bool:
    return _op_compare(vm, a, b, ">", lambda x, y: x > y)


def op_ge(vm, a: int, b: int) -> bool:
    return _op_compare(vm, a, b, ">=", lambda x, y: x >= y)


def op_eq(vm, a: int, b: int) -> bool:
    """OP_EQ: identical words, then numbers as OP_CMP sees them, else ==."""
    if a == b:
        return True
    x = _opval(vm, a)
    if x is not None:
        y = _opval(vm, b)
        if y is not None:
            return x == y
    return vm.equal(a, b)


def _numval(vm, w: int):
    if w & 1:
        return abi.fixnum_value(w)
    if vm.is_float(w):
        return vm.float_value(w)
    if vm.is_int(w):
        return vm.int_value(w)
    return None


def op_add(vm, a: int, b: int) -> int:
    """``a + b`` as OP_ADD would run it (overflow: plain "integer overflow")."""
    if vm.is_int(a) and vm.is_int(b):
        return vm.int_new(vm.int_value(a) + vm.int_value(b))
    if is_num(vm, a) and is_num(vm, b):
        return flo(vm, float(_numval(vm, a)) + float(_numval(vm, b)))
    return vm.funcall(a, "+", [b])


def op_sub(vm, a: int, b: int) -> int:
    if vm.is_int(a) and vm.is_int(b):
        return vm.int_new(vm.int_value(a) - vm.int_value(b))
    if is_num(vm, a) and is_num(vm, b):
        return flo(vm, float(_numval(vm, a)) - float(_numval(vm, b)))
    return vm.funcall(a, "-", [b])


# ---------------------------------------------------------------- Numeric
@method("Numeric", "+@", arity=0)
def num_uplus(vm, self, args, blk):
    return self


@method("Numeric", "-@", arity=0)
def num_uminus(vm, self, args, blk):
    # mrblib: 0 - self
    return op_sub(vm, abi.fixnum(0), self)


@method("Numeric", "abs", arity=0)
def num_abs(vm, self, args, blk):
    if op_lt(vm, self, abi.fixnum(0)):
        if vm.is_int(self) or vm.is_float(self):
            return op_sub(vm, abi.fixnum(0), self)
        return vm.funcall(self, "-@")
    return self


@method("Numeric", "zero?", arity=0)
def num_zero_p(vm, self, args, blk):
    return vm.bool(op_eq(vm, self, abi.fixnum(0)))


@method("Numeric", "nonzero?", arity=0)
def num_nonzero_p(vm, self, args, blk):
    return NIL if op_eq(vm, self, abi.fixnum(0)) else self


@method("Numeric", "positive?", arity=0)
def num_positive_p(vm, self, args, blk):
    return vm.bool(op_gt(vm, self, abi.fixnum(0)))


@method("Numeric", "negative?", arity=0)
def num_negative_p(vm, self, args, blk):
    return vm.bool(op_lt(vm, self, abi.fixnum(0)))


@method("Numeric", "finite?", arity=0)
def num_finite_p(vm, self, args, blk):
    return TRUE


@method("Numeric", "infinite?", arity=0)
def num_infinite_p(vm, self, args, blk):
    return FALSE
