"""Float (mruby 3.1: src/numeric.c, mrblib/numeric.rb, mruby-numeric-ext,
Float#/ and #quo as mruby-complex redefines them).

Results go through ``numeric.flo`` (mruby's word boxing drops the two
lowest mantissa bits of every stored Float); printing is ``fmtfp.float_to_s``.
"""

from __future__ import annotations

import math

from runtime import abi
from runtime.core.fmtfp import float_to_s
from runtime.core.integer import div_int, float_bitop, num_step
from runtime.core.numeric import (
    FALSE,
    INT_MIN,
    NIL,
    as_float,
    as_int,
    c_ceil,
    c_f2i,
    c_floor,
    c_ldexp,
    c_pow,
    c_trunc,
    check_num_exact,
    cmperr,
    cmpnum,
    div_float,
    fixable_float,
    flo,
    flodivmod,
    ftrunc,
    is_complex,
    is_rational,
)
from runtime.defs import method


def _fv(vm, w):
    return vm.float_value(w)


@method("Float", "+", arity=1)
def flo_add(vm, self, args, blk):
    y = args[0]
    if is_complex(vm, y):
        return vm.funcall(y, "+", [self])
    return flo(vm, _fv(vm, self) + as_float(vm, y))


@method("Float", "-", arity=1)
def flo_sub(vm, self, args, blk):
    y = args[0]
    if is_complex(vm, y):
        r = vm.funcall(y, "-", [self])
        return vm.funcall(r, "-@")
    return flo(vm, _fv(vm, self) - as_float(vm, y))


@method("Float", "*", arity=1)
def flo_mul(vm, self, args, blk):
    y = args[0]
    if is_complex(vm, y):
        return vm.funcall(y, "*", [self])
    return flo(vm, _fv(vm, self) * as_float(vm, y))


@method("Float", "/", arity=1, aliases=("quo",))
def flo_div(vm, self, args, blk):
    y = args[0]
    a = _fv(vm, self)
    if is_complex(vm, y):
        c = vm.funcall(self, "Complex", [self, abi.fixnum(0)])
        return vm.funcall(c, "/", [y])
    return flo(vm, div_float(a, as_float(vm, y)))


@method("Float", "div", arity=1)
def flo_idiv(vm, self, args, blk):
    y = as_int(vm, args[0])
    return vm.int_new(div_int(vm, c_f2i(_fv(vm, self)), y))


@method("Float", "%", arity=1, aliases=("modulo",))
def flo_mod(vm, self, args, blk):
    _, mod = flodivmod(vm, _fv(vm, self), as_float(vm, args[0]), False, True)
    return flo(vm, mod)


@method("Float", "divmod", arity=1)
def flo_divmod(vm, self, args, blk):
    div, mod = flodivmod(vm, _fv(vm, self), as_float(vm, args[0]))
    if not fixable_float(div):
        a = flo(vm, div)
    else:
        a = vm.int_new(c_f2i(div))
    return vm.ary_new([a, flo(vm, mod)])


@method("Float", "remainder", arity=1)
def flo_remainder(vm, self, args, blk):
    a = _fv(vm, self)
    b = as_float(vm, args[0])
    if b == 0:
        vm.raise_error("ZeroDivisionError", "divided by 0")
    if math.isinf(b):
        return flo(vm, a)
    return flo(vm, a - b * c_trunc(a / b))


@method("Float", "**", arity=1)
def flo_pow(vm, self, args, blk):
    return flo(vm, c_pow(as_float(vm, self), as_float(vm, args[0])))


@method("Float", "<=>", arity=1)
def flo_cmp(vm, self, args, blk):
    n = cmpnum(vm, self, args[0])
    return NIL if n is None else abi.fixnum(n)


def _cmp_method(op):
    def fn(vm, self, args, blk):
        n = cmpnum(vm, self, args[0])
        if n is None:
            cmperr(vm, self, args[0])
        return vm.bool(op(n))
    return fn


for _name, _op in (("<", lambda n: n < 0), ("<=", lambda n: n <= 0),
                   (">", lambda n: n > 0), (">=", lambda n: n >= 0)):
    method("Float", _name, arity=1)(_cmp_method(_op))


@method("Float", "==", arity=1)
def flo_eq(vm, self, args, blk):
    y = args[0]
    a = _fv(vm, self)
    if vm.is_int(y):
        return vm.bool(a == float(vm.int_value(y)))
    if vm.is_float(y):
        return vm.bool(a == vm.float_value(y))
    if is_rational(vm, y):
        return vm.bool(a == as_float(vm, y))
    if is_complex(vm, y):
        return vm.bool(vm.equal(y, self))
    return FALSE


@method("Float", "eql?", arity=1)
def flo_eql(vm, self, args, blk):
    y = args[0]
    if not vm.is_float(y):
        return FALSE
    return vm.bool(_fv(vm, self) == vm.float_value(y))


# ------------------------------------------------------------ bits
@method("Float", "~", arity=0)
def flo_rev(vm, self, args, blk):
    from runtime.core.integer import _int64_value, _value_int64
    return _int64_value(vm, ~_value_int64(vm, self))


@method("Float", "&", arity=1)
def flo_and(vm, self, args, blk):
    return float_bitop(vm, self, args[0], "&")


@method("Float", "|", arity=1)
def flo_or(vm, self, args, blk):
    return float_bitop(vm, self, args[0], "|")


@method("Float", "^", arity=1)
def flo_xor(vm, self, args, blk):
    return float_bitop(vm, self, args[0], "^")


def _flo_shift(vm, x, width: int):
    if width == 0:
        return x
    val = _fv(vm, x)
    if width < -32:
        return abi.fixnum(-1) if val < 0 else abi.fixnum(0)
    if width < 0:
        while width:
            width += 1
            val /= 2
            if val < 1.0:
                val = 0.0
                break
        val = c_trunc(val)
        if val == 0 and _fv(vm, x) < 0:
            return abi.fixnum(-1)
    else:
        # repeated doubling is exact until it overflows: ldexp gives the same
        # (mruby loops width times, so huge widths take it forever)
        val = c_ldexp(val, min(width, 5000))
    if fixable_float(val):
        return vm.int_new(int(val))
    return flo(vm, val)


@method("Float", "<<", arity=1)
def flo_lshift(vm, self, args, blk):
    return _flo_shift(vm, self, as_int(vm, args[0]))


@method("Float", ">>", arity=1)
def flo_rshift(vm, self, args, blk):
    width = as_int(vm, args[0])
    if width == INT_MIN:
        return _flo_shift(vm, self, -64)
    return _flo_shift(vm, self, -width)


# ------------------------------------------------------------ rounding
def _ceil_floor(vm, self, args, func):
    f = _fv(vm, self)
    ndigits = as_int(vm, args[0]) if args else 0
    if f == 0.0:
        return flo(vm, f) if ndigits > 0 else abi.fixnum(0)
    if ndigits > 0:
        if ndigits > 15:
            return self
        d = c_pow(10.0, float(ndigits))
        return flo(vm, func(f * d) / d)
    if ndigits < 0:
        d = c_pow(10.0, float(-ndigits))
        f = func(f / d) * d
    else:
        f = func(f)
    check_num_exact(vm, f)
    return vm.int_new(c_f2i(f))


@method("Float", "floor", arity=(0, 1))
def flo_floor(vm, self, args, blk):
    return _ceil_floor(vm, self, args, c_floor)


@method("Float", "ceil", arity=(0, 1))
def flo_ceil(vm, self, args, blk):
    return _ceil_floor(vm, self, args, c_ceil)


@method("Float", "truncate", arity=(0, 1))
def flo_truncate(vm, self, args, blk):
    if math.copysign(1.0, _fv(vm, self)) < 0:
        return _ceil_floor(vm, self, args, c_ceil)
    return _ceil_floor(vm, self, args, c_floor)


@method("Float", "round", arity=(0, 1))
def flo_round(vm, self, args, blk):
    ndigits = as_int(vm, args[0]) if args else 0
    number = _fv(vm, self)
    if 0 < ndigits and (math.isinf(number) or number != number):
        return self
    check_num_exact(vm, number)
    f = 1.0
    if ndigits < -(15 + 2):
        return abi.fixnum(0)
    i = ndigits if ndigits >= 0 else -ndigits
    if ndigits > 15 + 2:
        return self
    while i > 0:
        f = f * 10.0
        i -= 1
    if math.isinf(f):
        if ndigits < 0:
            number = 0.0
    else:
        if ndigits < 0:
            number /= f
        else:
            number *= f
        if number > 0.0:
            d = c_floor(number)
            number = d + (1.0 if number - d >= 0.5 else 0.0)
        elif number < 0.0:
            d = c_ceil(number)
            number = d - (1.0 if d - number >= 0.5 else 0.0)
        if ndigits < 0:
            number *= f
        else:
            number /= f
    if ndigits > 0:
        if not math.isfinite(number):
            return self
        return flo(vm, number)
    if not fixable_float(number):
        return flo(vm, number)
    return vm.int_new(c_f2i(number))


@method("Float", "to_i", arity=0)
def flo_to_i(vm, self, args, blk):
    f = _fv(vm, self)
    if f > 0.0:
        f = c_floor(f)
    if f < 0.0:
        f = c_ceil(f)
    check_num_exact(vm, f)
    return vm.int_new(c_f2i(f))


@method("Float", "to_f", arity=0)
def flo_to_f(vm, self, args, blk):
    return self


@method("Float", "to_s", arity=0, aliases=("inspect",))
def flo_to_s(vm, self, args, blk):
    return vm.str_new(float_to_s(ftrunc(_fv(vm, self))).encode())


@method("Float", "nan?", arity=0)
def flo_nan_p(vm, self, args, blk):
    f = _fv(vm, self)
    return vm.bool(f != f)


@method("Float", "finite?", arity=0)
def flo_finite_p(vm, self, args, blk):
    return vm.bool(math.isfinite(_fv(vm, self)))


@method("Float", "infinite?", arity=0)
def flo_infinite_p(vm, self, args, blk):
    f = _fv(vm, self)
    if math.isinf(f):
        return abi.fixnum(-1 if f < 0 else 1)
    return NIL


@method("Float", "abs", arity=0)
def flo_abs(vm, self, args, blk):
    f = _fv(vm, self)
    if math.copysign(1.0, f) < 0:
        return flo(vm, -f)
    return self


@method("Float", "step", arity=-1)
def flo_step(vm, self, args, blk):
    from runtime.core.enumerable import rb_argc
    rb_argc(vm, args, 0, 2)
    return num_step(vm, self, args, blk, True)


def init(vm):
    c = vm.c_Float
    vm.define_const(c, "INFINITY", flo(vm, math.inf))
    vm.define_const(c, "NAN", flo(vm, math.nan))
    vm.define_const(c, "RADIX", abi.fixnum(2))
    vm.define_const(c, "MANT_DIG", abi.fixnum(53))
    vm.define_const(c, "EPSILON", flo(vm, 2.220446049250313e-16))
    vm.define_const(c, "DIG", abi.fixnum(15))
    vm.define_const(c, "MIN_EXP", abi.fixnum(-1021))
    vm.define_const(c, "MIN", flo(vm, 2.2250738585072014e-308))
    vm.define_const(c, "MIN_10_EXP", abi.fixnum(-307))
    vm.define_const(c, "MAX_EXP", abi.fixnum(1024))
    vm.define_const(c, "MAX", flo(vm, 1.7976931348623157e308))
    vm.define_const(c, "MAX_10_EXP", abi.fixnum(308))
    sc = vm.singleton_class(c.word)
    sc.mt[vm.intern("new")] = None
    vm.invalidate()
