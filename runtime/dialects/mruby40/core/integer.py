"""mruby 4.0: Integer with the mruby-bigint gem of the default build.

Results past 64 bits promote instead of raising RangeError (the VM's
``int_new``/``int_overflow`` of this dialect box any Python int), and the
methods below follow 4.0.0's src/numeric.c and mrbgems/mruby-bigint where
they differ from 3.1: ``**`` (``mrb_int_pow``, then ``mrb_bint_pow`` with its
"exponent too large" limit), ``div`` floors, ``/`` and ``divmod`` of
``MRB_INT_MIN`` by -1 promote, ``<<`` and ``>>`` shift without a width
limit, comparisons between Integers are exact but for 64-bit values
boxed on the heap (``int_cmpnum``), ``to_s`` has no 64-digit
buffer, ``quo`` gives a Rational, and ``*`` takes no other object than a
number (``can't convert Vec into Integer``).
"""

from __future__ import annotations

import math
import operator

from runtime import abi
from runtime.core import float as core_float
from runtime.core import integer as core_integer
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
from runtime.core.support import rb_argc
from runtime.defs import method

from ..boxing import mrb_integer

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


def str_int_overflow(vm, s: bytes, start: int, p: int, base: int, negative: bool,
                     badcheck: bool) -> int:
    """mrb_str_len_to_integer past 64 bits: a bigint of the digits (and
    ``_``) from ``start``; with badcheck, trailingbad looks from the digit
    that overflowed, so Kernel#Integer of any such string is invalid."""
    from runtime.core.string import _SPACE, _inspect_bytes
    q = p
    while q < len(s) and s[q] in _SPACE:
        q += 1
    if badcheck and (p == 0 or s[p - 1] == 0x5F or q < len(s)):
        vm.raise_error(vm.c_ArgumentError,
                       b"invalid string for number(" + _inspect_bytes(vm, s) + b")")
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"[:base]
    end = start
    while end < len(s) and (chr(s[end]).lower() in digits or s[end] == 0x5F):
        end += 1
    text = s[start:end].replace(b"_", b"").decode()
    n = int(text, base) if text else 0
    return vm.int_new(-n if negative else n)


def boxed_int_cmp(vm, w: int) -> int:
    """4.0 compares a heap Integer by its value (3.1 read its address)."""
    return vm.int_value(w)


def float_int_overflow(vm, f: float, shown: str) -> int:
    """mrb_float_to_integer past 64 bits: a bigint as mrb_bint_new_float
    makes it, which keeps only the top 32-bit limb of the value (the lower
    limbs are taken from what is left below 1.0: zeros)."""
    x = abs(f)
    if x < 1.0:
        return 0
    limbs = 1
    while x >= 4294967296.0:
        x *= 1.0 / 4294967296.0
        limbs += 1
    n = int(x) << (32 * (limbs - 1))
    return -n if f < 0 else n


def float_range_check(vm, f: float) -> None:
    """mrb_float_to_integer's check: an infinite or NaN Float is a
    RangeError (``float NaN out of range``), where 3.1 raised FloatDomainError."""
    if f != f or f in (math.inf, -math.inf):
        shown = "NaN" if f != f else ("Infinity" if f > 0 else "-Infinity")
        vm.raise_error(vm.c_RangeError, f"float {shown} out of range")


def ensure_int_type(vm, w: int) -> int:
    """mrb_as_int (mrb_ensure_int_type, what mrb_get_args' ``i`` reads): a
    Float through mrb_float_to_integer, and an Integer past 64 bits is a
    RangeError (mrb_bint_as_int: ``integer out of range``)."""
    if vm.is_float(w):
        float_range_check(vm, vm.float_value(w))
    n = as_int(vm, w)
    if not -(1 << 63) <= n < (1 << 63):
        vm.raise_error(vm.c_RangeError, "integer out of range")
    return n


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


def _fixnum_p(n: int) -> bool:
    return -(1 << 62) <= n < (1 << 62)


def int_cmpnum(a: int, b: int) -> int:
    """numeric.c cmpnum of two Integers: exact when both are fixnums or one
    is a bigint; a 64-bit Integer boxed on the heap (word boxing) compares
    as a double (``mrb_as_float``)."""
    if (_fixnum_p(a) and _fixnum_p(b)) or not (_small(a) and _small(b)):
        return (a > b) - (a < b)
    x, y = _to_f(None, a), _to_f(None, b)
    return (x > y) - (x < y)


def _cmp_method(name, op):
    def fn(vm, self, args, blk):
        y = args[0]
        if vm.is_int(y):
            return vm.bool(op(int_cmpnum(_iv(vm, self), vm.int_value(y)), 0))
        n = cmpnum(vm, self, y)
        if n is None:
            cmperr(vm, self, y)
        return vm.bool(op(n, 0))
    fn.__name__ = fn.__qualname__ = "int_cmp_" + name
    return fn


for _name, _op in (("<", lambda a, b: a < b), ("<=", lambda a, b: a <= b),
                   (">", lambda a, b: a > b), (">=", lambda a, b: a >= b)):
    method("Integer", _name, arity=1)(_cmp_method(_name, _op))


def noconv_name(vm, w) -> str:
    """``%Y`` of mrb_vformat: nil, true and false by value, else the class."""
    if w == NIL:
        return "nil"
    if w == abi.TRUE:
        return "true"
    if w == abi.FALSE:
        return "false"
    return vm.class_name(vm.real_class(w))


@method("Integer", "*", arity=1)
def int_mul(vm, self, args, blk):
    """mrb_int_mul: 0 and 1 return an operand as it is (whatever the
    other's type), a Float multiplies, anything else is no number
    (``mrb_int_noconv``: no coerce)."""
    y = args[0]
    a = _iv(vm, self)
    if vm.is_int(y):
        return vm.int_new(a * _iv(vm, y))
    if is_rational(vm, y) or is_complex(vm, y):
        if a in (0, 1) and self & 1:
            return self if a == 0 else y
        return vm.funcall(y, "*", [self])
    if vm.is_float(y):
        return flo(vm, _to_f(vm, a) * vm.float_value(y))
    vm.raise_error(vm.c_TypeError, f"can't convert {noconv_name(vm, y)} into Integer")


# ------------------------------------------ ceil/floor/round/truncate(ndigits)
INT64_MIN, INT64_MAX = -(1 << 63), (1 << 63) - 1


def _crem(a: int, b: int) -> int:
    """C's ``a % b`` (the remainder takes the sign of a)."""
    r = abs(a) % abs(b)
    return -r if a < 0 else r


def _rounding(vm, self, args):
    """prepare_int_rounding: (x, 10**-ndigits), or (x, None) to return x
    as it is, or (None, None) for 0 (a power of ten past x's size)."""
    nd = as_int(vm, args[0]) if args else 0
    x = _iv(vm, self)
    if nd >= 0:
        return x, None
    size = 8 if INT64_MIN <= x <= INT64_MAX else max(8, (x.bit_length() + 7) // 8)
    if -0.415241 * nd - 0.125 > size:
        return None, None
    return x, 10 ** -nd


def _small(x: int) -> bool:
    return INT64_MIN <= x <= INT64_MAX


@method("Integer", "ceil", arity=(0, 1))
def int_ceil(vm, self, args, blk):
    """int_ceil: for a 64-bit x, x - rem + f unless x < 0 (even when rem is 0)."""
    x, f = _rounding(vm, self, args)
    if x is None:
        return abi.fixnum(0)
    if f is None:
        return self
    if not _small(x):
        x += f
        return vm.int_new(x - x % f)
    a = x - _crem(x, f)
    return vm.int_new(a if x < 0 else a + f)


@method("Integer", "floor", arity=(0, 1))
def int_floor(vm, self, args, blk):
    """int_floor: for a 64-bit x, x - rem, less f when x < 0 (even when rem is 0)."""
    x, f = _rounding(vm, self, args)
    if x is None:
        return abi.fixnum(0)
    if f is None:
        return self
    if not _small(x):
        return vm.int_new(x - x % f)
    a = x - _crem(x, f)
    return vm.int_new(a - f if x < 0 else a)


@method("Integer", "round", arity=(0, 1))
def int_round(vm, self, args, blk):
    """int_round: for a 64-bit x that does not round away from zero, the
    remainder is what it returns (numeric.c assigns ``a = c``)."""
    x, f = _rounding(vm, self, args)
    if x is None:
        return abi.fixnum(0)
    if f is None:
        return self
    if not _small(x):
        r = x % f
        n = x - r
        h = f >> 1
        if r > h or (r == h and x > 0):
            n += f
        return vm.int_new(n)
    c = _crem(x, f)
    a = x - c
    half = f // 2
    if c < 0:
        c = -c
        if half < c:
            c = a - f
    elif half < c:
        c = a + f
    return vm.int_new(c)


@method("Integer", "truncate", arity=(0, 1))
def int_truncate(vm, self, args, blk):
    x, f = _rounding(vm, self, args)
    if x is None:
        return abi.fixnum(0)
    if f is None:
        return self
    if not _small(x):
        x -= x % f
        return vm.int_new(x + f if x < 0 else x)
    return vm.int_new(x - _crem(x, f))


@method("Integer", "chr", arity=(0, 1))
def int_chr(vm, self, args, blk):
    """int_chr (MRB_ARGS_OPT(1)): the VM counts before the conversion."""
    return core_integer.int_chr(vm, self, args, blk)


@method("Integer", "<=>", arity=1)
def int_cmp(vm, self, args, blk):
    y = args[0]
    if vm.is_int(y):
        return abi.fixnum(int_cmpnum(_iv(vm, self), vm.int_value(y)))
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
    if vm.is_float(y):
        from runtime.ops import div_float
        return flo(vm, div_float(_to_f(vm, a), vm.float_value(y)))
    # mrb_int_noconv: no coerce, no conversion
    vm.raise_error(vm.c_TypeError, f"can't convert {noconv_name(vm, y)} into Integer")


@method("Integer", "remainder", arity=1)
def int_remainder(vm, self, args, blk):
    """mruby-numeric-ext's int_remainder: C's ``%`` of an Integer divisor,
    else Float#remainder of the receiver as a Float (a zero divisor raises)."""
    y = args[0]
    a = _iv(vm, self)
    if vm.is_int(y):
        return vm.int_new(_crem(a, _divisor(vm, vm.int_value(y))))
    return core_float.flo_remainder(vm, flo(vm, _to_f(vm, a)), args, blk)


@method("Integer", "div", arity=1)
def int_idiv(vm, self, args, blk):
    y = args[0]
    a = _iv(vm, self)
    if vm.is_int(y) or _small(a):
        # int_idiv: a 64-bit receiver takes its divisor as an Integer (mrb_as_int)
        return vm.int_new(a // _divisor(vm, as_int(vm, y)))
    f = as_float(vm, y)
    if f == 0.0:
        vm.raise_error("ZeroDivisionError", "divided by 0")
    q = math.floor(_to_f(vm, a) / f)
    return vm.int_new(int(q))


@method("Integer", "quo", arity=1)
def int_quo(vm, self, args, blk):
    y = args[0]
    if vm.is_int(y):
        # mrb_rational_new: a 0 divisor is "divided by 0 in rational"
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


def _bit_op(name, op):
    """int_and/int_or/int_xor: a bigint on either side takes the other as
    an Integer (mrb_as_bint); else bit_op reads both as mrb_integer, with
    no type check (``5 | 2.5`` mixes in 2.5's word: boxing.py)."""
    def fn(vm, self, args, blk):
        y = args[0]
        a = _iv(vm, self)
        if vm.is_int(y):
            return vm.int_new(op(a, vm.int_value(y)))
        if not _small(a):
            return vm.int_new(op(a, as_int(vm, y)))
        return vm.int_new(op(a, mrb_integer(vm, y)))
    fn.__name__ = fn.__qualname__ = "int_" + name
    return fn


for _name, _sym, _op in (("and", "&", operator.and_), ("or", "|", operator.or_),
                         ("xor", "^", operator.xor)):
    method("Integer", _sym, arity=1)(_bit_op(_name, _op))


def _bits_test(name, test):
    """mruby-numeric-ext's mrblib ``allbits?``/``anybits?``/``nobits?``:
    ``self & mask`` is a call (so ``6.allbits?(2.5)`` is bit_op's)."""
    def fn(vm, self, args, blk):
        mask = args[0]
        return vm.bool(test(vm, vm.funcall(self, "&", [mask]), mask))
    fn.__name__ = fn.__qualname__ = "int_" + name
    return fn


for _name, _test in (("allbits", lambda vm, r, m: vm.equal(r, m)),
                     ("anybits", lambda vm, r, m: not vm.equal(r, abi.fixnum(0))),
                     ("nobits", lambda vm, r, m: vm.equal(r, abi.fixnum(0)))):
    method("Integer", _name + "?", arity=1)(_bits_test(_name, _test))


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
    # int_to_s reads its base as mrb_integer, with no type check (boxing.py)
    base = mrb_integer(vm, args[0]) if args else 10
    if base < 2 or base > 36:
        vm.raise_error("ArgumentError", f"invalid radix {base}")
    return vm.str_new(int_to_str(_iv(vm, self), base).encode())


@method("Integer", "__coerce_step_counter", arity=1)
def int_coerce_step_counter(vm, self, args, blk):
    """coerce_step_counter: a Float counter only for a Float step."""
    return flo(vm, as_float(vm, self)) if vm.is_float(args[0]) else self


@method("Integer", "step", arity=-1)
def int_step(vm, self, args, blk):
    """mrblib/numeric.rb: the counter is ``__coerce_step_counter(step)``,
    so ``2.step(4.0)`` counts Integers (3.1 also looked at ``num``)."""
    rb_argc(vm, args, 0, 2)
    return core_integer.num_step(vm, self, args, blk, False, coerce_num=False)


@method("Integer", "to_f", arity=0)
def int_to_f(vm, self, args, blk):
    return flo(vm, _to_f(vm, _iv(vm, self)))


VM_OVERRIDES = {"int_arg": ensure_int_type,
                "int_overflow": int_overflow, "str_int_overflow": str_int_overflow,
                "float_int_overflow": float_int_overflow, "boxed_int_cmp": boxed_int_cmp}
