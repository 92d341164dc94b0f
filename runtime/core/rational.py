"""Rational (mruby 3.1's mruby-rational gem, in the default build).

A Rational is an RData whose payload is ``numeric.RationalData`` (two
64-bit ``mrb_int``); arithmetic overflow raises RangeError "integer
overflow in rational", a zero denominator ZeroDivisionError "divided by 0
in rational".  Floats become Rationals through their exact binary value
(``0.1.to_r`` is ``(900719925474099/9007199254740992)`` because mruby stores
0.1 with its two low bits cleared).
"""

from __future__ import annotations

import math

from runtime import abi
from runtime.core.numeric import (
    FALSE,
    INT_MAX,
    INT_MIN,
    NIL,
    TRUE,
    RationalData,
    as_float,
    c_frexp,
    c_ldexp,
    check_num_exact,
    complex_data,
    div_float,
    flo,
    rat_float,
    rational_data,
)
from runtime.defs import method, smethod


def _ovf(vm):
    vm.raise_error("RangeError", "integer overflow in rational")


def _zerodiv(vm):
    vm.raise_error("ZeroDivisionError", "divided by 0 in rational")


def _chk(vm, n: int) -> int:
    if not (INT_MIN <= n <= INT_MAX):
        _ovf(vm)
    return n


def rational_new(vm, num: int, den: int) -> int:
    """mrb_rational_new (no reduction)."""
    if den == 0:
        _zerodiv(vm)
    if den < 0:
        if num == INT_MIN or den == INT_MIN:
            _ovf(vm)
        num = -num
        den = -den
    o = vm.obj(vm.data_new(vm.cls("Rational"), RationalData(num, den)))
    o.frozen = True
    return o.word


def _gcd(x: int, y: int) -> int:
    return math.gcd(x, y)


def rational_new_i(vm, n: int, d: int) -> int:
    if d == 0:
        _zerodiv(vm)
    if n == INT_MIN or d == INT_MIN:
        _ovf(vm)
    a = _gcd(n, d)
    return rational_new(vm, _cdiv(n, a), _cdiv(d, a))


def _cdiv(a: int, b: int) -> int:
    """C integer division (truncating)."""
    q = abs(a) // abs(b)
    return -q if (a < 0) != (b < 0) else q


def rational_new_f(vm, f0: float) -> int:
    check_num_exact(vm, f0)
    f, n = c_frexp(f0)
    if math.isinf(f):
        _ovf(vm)
    f = c_ldexp(f, 53)
    n -= 53
    if n == 0:
        return rational_new(vm, int(f), 1)
    if n > 0:
        f = c_ldexp(f, n)
        if f == math.inf or f > float(INT_MAX):
            _ovf(vm)
        return rational_new(vm, int(f), 1)
    if n < -62:
        f = c_ldexp(f, n + 62)
        n = 62
    else:
        n = -n
    return rational_new_i(vm, int(f), 1 << n)


def _rd(vm, w):
    return rational_data(vm, w)


@smethod("Rational", "_new", arity=2)
def rat_s_new(vm, self, args, blk):
    numv, denomv = args
    if vm.is_int(numv):
        n = vm.int_value(numv)
        if vm.is_int(denomv):
            return rational_new(vm, n, vm.int_value(denomv))
        return rational_new_f(vm, _c_fdiv(float(n), as_float(vm, denomv)))
    numf = as_float(vm, numv)
    if vm.is_int(denomv):
        denomf = float(vm.int_value(denomv))
    else:
        denomf = as_float(vm, denomv)
    return rational_new_f(vm, _c_fdiv(numf, denomf))


def _c_fdiv(a: float, b: float) -> float:
    """C's a / b for doubles (no exception on zero)."""
    if b == 0.0:
        if a != a or a == 0.0:
            return math.nan
        return math.copysign(math.inf, a) * math.copysign(1.0, b)
    return a / b


@method("Kernel", "Rational", arity=(1, 2))
def k_Rational(vm, self, args, blk):
    a = args[0]
    b = args[1] if len(args) > 1 else abi.fixnum(1)
    if vm.is_int(a) and vm.is_int(b):
        return rational_new_i(vm, vm.int_value(a), vm.int_value(b))
    x = as_float(vm, a)
    y = as_float(vm, b)
    return rational_new_f(vm, _c_fdiv(x, y))


@method("Rational", "numerator", arity=0)
def rat_numerator(vm, self, args, blk):
    return vm.int_new(_rd(vm, self).num)


@method("Rational", "denominator", arity=0)
def rat_denominator(vm, self, args, blk):
    return vm.int_new(_rd(vm, self).den)


@method("Rational", "to_f", arity=0)
def rat_to_f(vm, self, args, blk):
    return flo(vm, rat_float(_rd(vm, self)))


@method("Rational", "to_i", arity=0)
def rat_to_i(vm, self, args, blk):
    r = _rd(vm, self)
    if r.den == 0:
        _zerodiv(vm)
    return vm.int_new(_cdiv(r.num, r.den))


@method("Rational", "to_r", arity=0)
def rat_to_r(vm, self, args, blk):
    return self


@method("Rational", "negative?", arity=0)
def rat_negative_p(vm, self, args, blk):
    return vm.bool(_rd(vm, self).num < 0)


@method("Rational", "==", arity=1)
def rat_eq(vm, self, args, blk):
    y = args[0]
    p1 = _rd(vm, self)
    if vm.is_int(y):
        if p1.den != 1:
            return FALSE
        return vm.bool(p1.num == vm.int_value(y))
    if vm.is_float(y):
        return vm.bool(float(p1.num) / p1.den == vm.float_value(y))
    p2 = _rd(vm, y)
    if p2 is not None:
        if p1.num == p2.num and p1.den == p2.den:
            return TRUE
        a = p1.num * p2.den
        b = p2.num * p1.den
        if not (INT_MIN <= a <= INT_MAX) or not (INT_MIN <= b <= INT_MAX):
            # mruby 3.1 compares with p2's denominator on both sides here
            return vm.bool(float(p1.num) * p2.den == float(p2.num) * p2.den)
        return vm.bool(a == b)
    if complex_data(vm, y) is not None:
        from runtime.core.complex import complex_eq
        return vm.bool(complex_eq(vm, y, flo(vm, rat_float(p1))))
    return vm.bool(vm.equal(y, self))


@method("Rational", "<=>", arity=1)
def rat_cmp(vm, self, args, blk):
    y = args[0]
    p1 = _rd(vm, self)
    p2 = _rd(vm, y)
    if p2 is not None:
        a = p1.num * p2.den
        b = p1.den * p2.num
        if not (INT_MIN <= a <= INT_MAX) or not (INT_MIN <= b <= INT_MAX):
            return NIL
        return abi.fixnum((a > b) - (a < b))
    if vm.is_int(y) or vm.is_float(y):
        a = rat_float(p1)
        b = as_float(vm, y)
        if a > b:
            return abi.fixnum(1)
        if a < b:
            return abi.fixnum(-1)
        return abi.fixnum(0)
    if complex_data(vm, y) is not None:
        from runtime.core.complex import complex_new
        x = complex_new(vm, rat_float(p1), 0.0)
        return vm.funcall(x, "<=>", [y])
    x = vm.funcall(y, "<=>", [self])
    if vm.is_int(x):
        return vm.int_new(-vm.int_value(x))
    return NIL


@method("Rational", "-@", arity=0)
def rat_minus(vm, self, args, blk):
    p = _rd(vm, self)
    if p.num == INT_MIN:
        _ovf(vm)
    return rational_new(vm, -p.num, p.den)


@method("Rational", "+", arity=1)
def rat_add(vm, self, args, blk):
    y = args[0]
    p1 = _rd(vm, self)
    if vm.is_int(y):
        z = _chk(vm, vm.int_value(y) * p1.den)
        z = _chk(vm, p1.num + z)
        return rational_new_i(vm, z, p1.den)
    p2 = _rd(vm, y)
    if p2 is not None:
        a = _chk(vm, p1.num * p2.den)
        b = _chk(vm, p2.num * p1.den)
        a = _chk(vm, a + b)
        b = _chk(vm, p1.den * p2.den)
        return rational_new_i(vm, a, b)
    if vm.is_float(y):
        z = p1.num + vm.float_value(y) * p1.den
        return flo(vm, div_float(z, float(p1.den)))
    return vm.funcall(y, "+", [self])


@method("Rational", "-", arity=1)
def rat_sub(vm, self, args, blk):
    y = args[0]
    p1 = _rd(vm, self)
    if vm.is_int(y):
        z = _chk(vm, vm.int_value(y) * p1.den)
        z = _chk(vm, p1.num - z)
        return rational_new_i(vm, z, p1.den)
    p2 = _rd(vm, y)
    if p2 is not None:
        a = _chk(vm, p1.num * p2.den)
        b = _chk(vm, p2.num * p1.den)
        a = _chk(vm, a - b)
        b = _chk(vm, p1.den * p2.den)
        return rational_new_i(vm, a, b)
    if complex_data(vm, y) is not None:
        from runtime.core.complex import complex_new
        x = complex_new(vm, rat_float(p1), 0.0)
        return vm.funcall(x, "-", [y])
    z = p1.num - as_float(vm, y) * p1.den
    return flo(vm, div_float(z, float(p1.den)))


@method("Rational", "*", arity=1)
def rat_mul(vm, self, args, blk):
    y = args[0]
    p1 = _rd(vm, self)
    if vm.is_int(y):
        z = _chk(vm, p1.num * vm.int_value(y))
        return rational_new_i(vm, z, p1.den)
    p2 = _rd(vm, y)
    if p2 is not None:
        a = _chk(vm, p1.num * p2.num)
        b = _chk(vm, p1.den * p2.den)
        return rational_new_i(vm, a, b)
    if vm.is_float(y):
        z = p1.num * vm.float_value(y)
        return flo(vm, div_float(z, float(p1.den)))
    return vm.funcall(y, "*", [self])


@method("Rational", "/", arity=1, aliases=("quo",))
def rat_div(vm, self, args, blk):
    y = args[0]
    p1 = _rd(vm, self)
    if vm.is_int(y):
        z = _chk(vm, p1.den * vm.int_value(y))
        return rational_new_i(vm, p1.num, z)
    p2 = _rd(vm, y)
    if p2 is not None:
        a = _chk(vm, p1.num * p2.den)
        b = _chk(vm, p2.num * p1.den)
        return rational_new_i(vm, a, b)
    if complex_data(vm, y) is not None:
        from runtime.core.complex import complex_new
        x = complex_new(vm, rat_float(p1), 0.0)
        return vm.funcall(x, "/", [y])
    z = div_float(float(p1.num), as_float(vm, y))
    return flo(vm, div_float(z, float(p1.den)))


@method("Rational", "to_s", arity=0)
def rat_to_s(vm, self, args, blk):
    n = vm.str_bytes_of(vm.obj_as_string(vm.funcall(self, "numerator")))
    d = vm.str_bytes_of(vm.obj_as_string(vm.funcall(self, "denominator")))
    return vm.str_new(n + b"/" + d)


@method("Rational", "inspect", arity=0)
def rat_inspect(vm, self, args, blk):
    s = vm.str_bytes_of(vm.obj_as_string(vm.funcall(self, "to_s")))
    return vm.str_new(b"(" + s + b")")


@method("Integer", "to_r", arity=0)
def int_to_r(vm, self, args, blk):
    return rational_new(vm, vm.int_value(self), 1)


@method("Numeric", "to_r", arity=0)
def num_to_r(vm, self, args, blk):
    return vm.funcall(self, "Rational", [self, abi.fixnum(1)])


def setup(vm):
    vm.define_class("Rational", vm.cls("Numeric"))


def init(vm):
    c = vm.cls("Rational")
    sc = vm.singleton_class(c.word)
    sc.mt[vm.intern("new")] = None
    vm.invalidate()
