"""mruby 4.0: the float reader of String#to_f and Kernel#Float
(src/readfloat.c ``mrb_read_float``, which 4.0's mrb_str_len_to_dbl calls
where 3.1 called ``mrb_float_read``).

It reads the integer digits into a uint64 and up to 17 fraction digits
into another, and makes ``int + frac * 10**-digits``, then multiplies by
a power of ten from its table (past 1e308 infinity, below 1e-323 zero):
so ``"5."`` is 5.0 (3.1 refused it), and like 3.1's it is not correctly
rounded.  An integer part past the uint64 keeps the digits read so far
and drops the fraction; an ``e`` with no digits after it is left unread,
and then the sign is never applied (``"-1e".to_f`` is 1.0).
"""

from __future__ import annotations

from runtime.core import conversions
from runtime.core.string import _SPACE, _bytes, _isdigit, str_len_to_dbl
from runtime.defs import method, module_function

UINT64_MAX = (1 << 64) - 1


def _pow10(e: int) -> float:
    """mrb_pow10: the table's 1e0..1e308 and 1e-1..1e-323."""
    if e >= 0:
        return float(f"1e{e}") if e <= 308 else float("inf")
    return float(f"1e{e}") if e >= -323 else 0.0


def _sign(c: int, p: int):
    """An optional ``-`` or ``+`` at p -> (sign, p past it)."""
    if c == 0x2D:
        return -1, p + 1
    return 1, (p + 1 if c == 0x2B else p)


def read_float(s: bytes, start: int = 0):
    """mrb_read_float on the NUL-terminated s from start: (value, end),
    end == start when no digit was found (FALSE)."""
    n = len(s)

    def at(i):
        return s[i] if i < n else 0

    p = a = start
    int_part = frac_part = frac_digits = digits = 0
    overflow = False
    while at(p) in _SPACE and at(p) != 0:
        p += 1
    sign, p = _sign(at(p), p)
    while _isdigit(at(p)):
        if int_part > (UINT64_MAX - 9) // 10:
            overflow = True
            while _isdigit(at(p)):
                p += 1
            break
        int_part = int_part * 10 + (at(p) - 48)
        digits += 1
        p += 1
        a = p
    if at(p) == 0x2E:
        p += 1
        while _isdigit(at(p)) and frac_digits < 17:
            frac_part = frac_part * 10 + (at(p) - 48)
            frac_digits += 1
            digits += 1
            p += 1
        while _isdigit(at(p)):
            p += 1
        a = p
    if digits == 0:
        return 0.0, start
    res = float(int_part)
    if not overflow and frac_digits > 0:
        res += float(frac_part) * _pow10(-frac_digits)
    if at(p) | 32 == 0x65:
        e = 0
        exp_sign, p = _sign(at(p + 1), p + 1)
        if not _isdigit(at(p)):
            return res, a                   # goto done: the sign is skipped
        while _isdigit(at(p)):
            if e < 10000:
                e = e * 10 + (at(p) - 48)
            p += 1
        res *= _pow10(e * exp_sign)
        a = p
    return res * sign, a


@method("String", "to_f", arity=0)
def str_to_f(vm, self, args, blk):
    return vm.float_new(str_len_to_dbl(vm, _bytes(vm, self), False, read_float))


@module_function("Kernel", "Float", arity=1)
def k_Float(vm, self, args, blk):
    return conversions.to_float(vm, args[0], read_float)
