"""mruby 3.1's float formatting (src/fmt_fp.c ``mrb_format_float`` and
numeric.c ``mrb_float_to_str``), reproduced step for step, quirks included:
``p 1e100`` prints what mruby prints, not what C's printf would.

mruby does not use the C library's printf for floats but a digit-by-digit
routine working in doubles.  Its results differ from correctly rounded
output (``3.7 % 1`` prints ``0.699999999999999``; ``1e100`` prints
garbage); Python floats are IEEE doubles like mruby's ``mrb_float``, so
replaying every double operation in the same order gives the same digits.
``format.py`` (sprintf) and the numeric classes import these.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from riteload.record import FrozenRecord

_POS_POW = (1e256, 1e128, 1e64, 1e32, 1e16, 1e8, 1e4, 1e2, 1e1)
_NEG_POW = (1e-256, 1e-128, 1e-64, 1e-32, 1e-16, 1e-8, 1e-4, 1e-2, 1e-1)
_FLT_DECEXP = 256
_FLT_ROUND_TO_ONE = 0.999999999995
_FLT_MIN_BUF_SIZE = 7


def _signbit(f: float) -> bool:
    return math.copysign(1.0, f) < 0


def c_int8(f: float) -> int:
    """``(int8_t)(int)f`` with C semantics on x86-64."""
    if f != f:
        v = -(1 << 31)
    elif f >= 2147483648.0 or f <= -2147483649.0:
        v = -(1 << 31)          # x86 cvttsd2si result for out-of-range values
    else:
        v = int(f)
    return ((v + 128) & 0xFF) - 128


def _c_digit(f: float) -> int:
    """``(int8_t)((int)f) % 10`` with C semantics."""
    v = c_int8(f)
    if v >= 0:
        return v % 10
    return -((-v) % 10)


class FpRules(FrozenRecord):
    """What mrb_format_float does differently from release to release:
    ``digit`` takes a digit off the mantissa, ``e_point`` makes ``%.0e``
    print its point (4.0 sets ``prec`` to 1 after counting the digits),
    ``below_ten`` divides a mantissa the power-of-ten loop left at 10 or
    more (4.0).  A record, not a NamedTuple: ``typing`` costs every run
    2 ms of start-up."""

    _FIELDS = ("digit", "e_point", "below_ten")

    def __init__(self, digit: Callable[[float], int], e_point: bool = False,
                 below_ten: bool = False):
        self._set(digit=digit, e_point=e_point, below_ten=below_ten)


FP31 = FpRules(_c_digit)


def format_float(f: float, fmt: str, prec: int, sign: str = "", alt: bool = False,
                 buf_size: int = 25, rules: FpRules = FP31) -> str:
    """mrb_format_float(f, buf, buf_size, fmt, prec, sign) -> the text
    (mruby 3.1's unless ``rules`` says otherwise)."""
    if buf_size <= _FLT_MIN_BUF_SIZE:
        return "?" if buf_size >= 2 else ""
    # ``int buf_remaining = buf_size - 1``: a C int, so a size_t past
    # INT_MAX wraps negative (then the precision shrinks to nothing)
    buf_remaining = ((buf_size - 1 + (1 << 31)) & 0xFFFFFFFF) - (1 << 31)
    s: list[str] = []
    if _signbit(f):
        s.append("-")
        f = -f
    elif sign:
        s.append(sign)
    buf_remaining -= len(s)

    upper = fmt.isupper()
    if math.isinf(f):
        s.append("INF" if upper else "inf")
        return "".join(s)
    if math.isnan(f):
        s.append("NAN" if upper else "nan")
        return "".join(s)

    if prec < 0:
        prec = 6
    e_char = "E" if upper else "e"
    fmt = fmt.lower()
    org_fmt = fmt
    if fmt == "g" and prec == 0:
        prec = 1
    e = 0
    dec = 0
    e_sign = ""
    num_digits = 0

    if f == 0.0:
        e = 0
        if fmt == "e":
            e_sign = "+"
        elif fmt == "f":
            num_digits = prec + 1
    elif f < 1.0:
        first_dig = "0"
        if f >= _FLT_ROUND_TO_ONE:
            first_dig = "1"
        e = 0
        e1 = _FLT_DECEXP
        i = 0
        while e1:
            if _NEG_POW[i] > f:
                e += e1
                f *= _POS_POW[i]
            e1 >>= 1
            i += 1
        e_sign_char = "-"
        if f < 1.0:
            if f >= _FLT_ROUND_TO_ONE:
                f = 1.0
                if e == 0:
                    e_sign_char = "+"
            else:
                e += 1
                f *= 10.0
        if fmt == "f" or (fmt == "g" and e <= 4):
            fmt = "f"
            dec = -1
            s.append(first_dig)
            if org_fmt == "g":
                prec += e - 1
            if prec + 2 > buf_remaining:
                prec = buf_remaining - 2
            num_digits = prec
            if num_digits or alt:
                s.append(".")
                while True:
                    e -= 1
                    if not (e and num_digits):
                        break
                    s.append("0")
                    num_digits -= 1
        else:
            e_sign = e_sign_char
            dec = 0
            if prec > buf_remaining - _FLT_MIN_BUF_SIZE:
                prec = buf_remaining - _FLT_MIN_BUF_SIZE
                if fmt == "g":
                    prec += 1
    else:
        e = 0
        e1 = _FLT_DECEXP
        i = 0
        while e1:
            if _POS_POW[i] <= f:
                e += e1
                f *= _NEG_POW[i]
            e1 >>= 1
            i += 1
        if rules.below_ten and f >= 10.0:
            f *= 0.1
            e += 1
        if fmt == "f":
            if e >= buf_remaining:
                fmt = "e"
            elif e + prec + 2 > buf_remaining:
                prec = buf_remaining - e - 2
                if prec < 0:
                    prec += 1
        if fmt == "e" and prec > buf_remaining - 6:
            prec = buf_remaining - 6
        if fmt == "g" and e < prec:
            fmt = "f"
            prec -= e + 1
        if fmt == "f":
            dec = e
            num_digits = prec + e + 1
        else:
            e_sign = "+"
    if prec < 0:
        prec = 0

    if fmt == "e":
        num_digits = prec + 1
        if rules.e_point and prec == 0:
            prec = 1
    elif fmt == "g":
        if prec == 0:
            prec = 1
        num_digits = prec

    for _ in range(num_digits):
        d = rules.digit(f)
        s.append(chr(48 + d))
        if dec == 0 and (prec > 0 or alt):
            s.append(".")
        f -= float(d)
        f *= 10.0
        dec -= 1

    if f >= 5.0:
        rs = len(s) - 1
        while True:
            if rs < 0:
                rs = 0
                break
            c = s[rs]
            if c == ".":
                rs -= 1
                continue
            if c < "0" or c > "9":
                rs += 1
                break
            if c < "9":
                s[rs] = chr(ord(c) + 1)
                break
            s[rs] = "0"
            if rs == 0:
                break
            rs -= 1
        if rs < len(s) and s[rs] == "0":
            if rs + 1 < len(s) and s[rs + 1] == "." and fmt != "f":
                s[rs] = "."
                s[rs + 1] = "0"
                if e_sign == "-":
                    e -= 1
                else:
                    e += 1
            s.insert(rs, "1")
            if f < 1.0 and fmt == "f":
                prec -= 1

    if org_fmt == "g" and prec > 0 and not alt:
        while s and s[-1] == "0":
            s.pop()
        if s and s[-1] == ".":
            s.pop()

    if e_sign:
        s.append(e_char)
        s.append(e_sign)
        if e >= 100:
            s.append(chr(48 + e // 100))
            e %= 100
        s.append(chr(48 + e // 10))
        s.append(chr(48 + e % 10))
    return "".join(s)


def float_to_s(f: float) -> str:
    """Float#to_s / Float#inspect."""
    if math.isinf(f):
        return "-Infinity" if f < 0 else "Infinity"
    if math.isnan(f):
        return "NaN"
    t = format_float(f, "g", 15)
    if "." in t:
        return t
    i = t.find("e")
    if i >= 0:
        return t[:i] + ".0" + t[i:]
    return t + ".0"
