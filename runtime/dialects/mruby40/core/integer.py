"""mruby 4.0: Integer with the mruby-bigint gem of the default build.

Results past 64 bits promote instead of raising RangeError (the VM's
``int_new``/``int_overflow`` of this dialect box any Python int), and the
methods below follow 4.0.0's src/numeric.c and mrbgems/mruby-bigint where
they differ from 3.1: ``**`` (``mrb_int_pow``, then ``mrb_bint_pow`` with its
"exponent too large" limit), ``div`` floors, ``/`` and ``divmod`` of
``MRB_INT_MIN`` by -1 promote, ``<<`` and ``>>`` shift without a width
limit, comparisons between Integers are exact, ``to_s`` has no 64-digit
buffer, and ``quo`` gives a Rational.
"""

from __future__ import annotations

import math

from runtime import abi
from runtime.core.format import int_to_str
from runtime.core.numeric import (
    NIL,
    as_float,
    as_int,
    c_pow,
    cmperr,
    cmpnum,
    flo,
    is_complex,
    is_rational,
)
from runtime.defs import method

#: MRB_BIGINT_POW_MAX_BITS (mruby-bigint's bigint.c)
POW_MAX_BITS = 1000000
#: what a shift may make before mruby-bigint runs out of room
SHIFT_MAX_BITS = 1 << 24


def _iv(vm, w):
    return abi.fixnum_value(w) if w & 1 else vm.int_value(w)


def _to_f(vm, n: int) -> float:
    """mrb_bint_as_float: the nearest double, infinite past its range."""
    try:
        return float(n)
    except OverflowError:
        return math.inf if n > 0 else -math.inf


def int_overflow(vm, n: int, reason: str) -> int:
    """An operation's result past 64 bits: a bigint (VM override)."""
    return vm.int_new(n)


@method("Integer", "**", arity=1)
def int_pow(vm, self, args, blk):
    y = args[0]
    base = _iv(vm, self)
    if vm.is_float(y):
        return flo(vm, c_pow(_to_f(vm, base), vm.float_value(y)))
    exp = vm.int_value(y) if vm.is_int(y) else as_int(vm, y)
    if exp < 0:
        if not (abi.MRB_INT_MIN <= base <= abi.MRB_INT_MAX):
            vm.raise_error("ArgumentError", "negative exponent")
        return flo(vm, c_pow(float(base), float(exp)))
    if not (abi.MRB_INT_MIN <= exp <= abi.MRB_INT_MAX):
        vm.raise_error("TypeError", "too big power")
    r = base ** exp if abs(base) <= 1 else None
    if r is None:
        if exp > 0 and exp > POW_MAX_BITS // max(abs(base).bit_length(), 1):
            r = 1
            b = base
            e = exp
            while True:     # the 64-bit loop of mrb_int_pow, until it overflows
                if e & 1:
                    r *= b
                    if not (abi.MRB_INT_MIN <= r <= abi.MRB_INT_MAX):
                        vm.raise_error("RangeError", "exponent too large")
                e >>= 1
                if e == 0:
                    break
                b *= b
                if not (abi.MRB_INT_MIN <= b <= abi.MRB_INT_MAX):
                    vm.raise_error("RangeError", "exponent too large")
        else:
            r = base ** exp
    return vm.int_new(r)


def _cmp_method(name, op):
    def fn(vm, self, args, blk):
        y = args[0]
        if vm.is_int(y):
            return vm.bool(op(_iv(vm, self), vm.int_value(y)))
        n = cmpnum(vm, self, y)
        if n is None:
            cmperr(vm, self, y)
        return vm.bool(op(n, 0))
    fn.__name__ = fn.__qualname__ = "int_cmp_" + name
    return fn


for _name, _op in (("<", lambda a, b: a < b), ("<=", lambda a, b: a <= b),
                   (">", lambda a, b: a > b), (">=", lambda a, b: a >= b)):
    method("Integer", _name, arity=1)(_cmp_method(_name, _op))


@method("Integer", "<=>", arity=1)
def int_cmp(vm, self, args, blk):
    y = args[0]
    if vm.is_int(y):
        a, b = _iv(vm, self), vm.int_value(y)
        return abi.fixnum((a > b) - (a < b))
    n = cmpnum(vm, self, y)
    return NIL if n is None else abi.fixnum(n)


def _divisor(vm, y: int) -> int:
    if y == 0:
        vm.raise_error("ZeroDivisionError", "divided by 0")
    return y


@method("Integer", "/", arity=1)
def int_div(vm, self, args, blk):
    y = args[0]
    a = _iv(vm, self)
    if vm.is_int(y):
        return vm.int_new(a // _divisor(vm, vm.int_value(y)))
    if is_rational(vm, y) or is_complex(vm, y):
        r = vm.funcall(self, "Rational" if is_rational(vm, y) else "Complex",
                       [self, abi.fixnum(1) if is_rational(vm, y) else abi.fixnum(0)])
        return vm.funcall(r, "/", [y])
    from runtime.ops import div_float
    return flo(vm, div_float(_to_f(vm, a), as_float(vm, y)))


@method("Integer", "div", arity=1)
def int_idiv(vm, self, args, blk):
    y = args[0]
    a = _iv(vm, self)
    if vm.is_int(y):
        return vm.int_new(a // _divisor(vm, vm.int_value(y)))
    f = as_float(vm, y)
    if f == 0.0:
        vm.raise_error("ZeroDivisionError", "divided by 0")
    q = math.floor(_to_f(vm, a) / f)
    return vm.int_new(int(q))


@method("Integer", "quo", arity=1)
def int_quo(vm, self, args, blk):
    y = args[0]
    if vm.is_int(y):
        _divisor(vm, vm.int_value(y))
        return vm.funcall(self, "Rational", [self, y])
    if is_rational(vm, y):
        r = vm.funcall(self, "Rational", [self, abi.fixnum(1)])
        return vm.funcall(r, "/", [y])
    from runtime.ops import div_float
    return flo(vm, div_float(_to_f(vm, _iv(vm, self)), as_float(vm, y)))


@method("Integer", "divmod", arity=1)
def int_divmod(vm, self, args, blk):
    y = args[0]
    a = _iv(vm, self)
    if vm.is_int(y):
        d, m = divmod(a, _divisor(vm, vm.int_value(y)))
        return vm.ary_new([vm.int_new(d), vm.int_new(m)])
    from runtime.core.numeric import flodivmod
    d, m = flodivmod(vm, _to_f(vm, a), as_float(vm, y))
    return vm.ary_new([vm.int_new(int(d)) if math.isfinite(d) else flo(vm, d), flo(vm, m)])


@method("Integer", "<<", arity=1)
def int_lshift(vm, self, args, blk):
    return _shift(vm, self, as_int(vm, args[0]))


@method("Integer", ">>", arity=1)
def int_rshift(vm, self, args, blk):
    return _shift(vm, self, -as_int(vm, args[0]))


def _shift(vm, self, width: int) -> int:
    val = _iv(vm, self)
    if width == 0 or val == 0:
        return self
    if width < 0:
        return vm.int_new(val >> min(-width, val.bit_length() + 1))
    if width + val.bit_length() > SHIFT_MAX_BITS:
        vm.raise_error("RangeError", "shift width too large")
    return vm.int_new(val << width)


@method("Integer", "to_s", arity=(0, 1), aliases=("inspect",))
def int_to_s(vm, self, args, blk):
    base = as_int(vm, args[0]) if args else 10
    if base < 2 or base > 36:
        vm.raise_error("ArgumentError", f"invalid radix {base}")
    return vm.str_new(int_to_str(_iv(vm, self), base).encode())


@method("Integer", "to_f", arity=0)
def int_to_f(vm, self, args, blk):
    return flo(vm, _to_f(vm, _iv(vm, self)))


VM_OVERRIDES = {"int_overflow": int_overflow}
