"""mruby 3.1's float formatting (src/fmt_fp.c ``mrb_format_float`` and
numeric.c ``mrb_float_to_str``), reproduced step for step, quirks included:
``p 1e100`` prints what mruby prints, not what C's printf would.

Python floats are IEEE doubles like mruby's ``mrb_float``, so repeating
the same multiplications gives the same digits.
"""

from __future__ import annotations

import math

FLT_DECEXP = 256
FLT_ROUND_TO_ONE = 0.999999999995
FLT_MIN_BUF_SIZE = 7
POS_POW = (1e256, 1e128, 1e64, 1e32, 1e16, 1e8, 1e4, 1e2, 1e1)
NEG_POW = (1e-256, 1e-128, 1e-64, 1e-32, 1e-16, 1e-8, 1e-4, 1e-2, 1e-1)


def _c_int8_mod10(f: float) -> int:
    """(int8_t)((int)f) % 10 with C semantics."""
    if f != f or f in (math.inf, -math.inf):
        i = -(1 << 31)
    else:
        i = int(f)      # truncates toward zero like (int)
        if not -(1 << 31) <= i < (1 << 31):
            i = -(1 << 31)     # x86 cvttsd2si gives INT_MIN on overflow
    b = i & 0xFF
    if b >= 128:
        b -= 256
    r = abs(b) % 10
    return -r if b < 0 else r


def format_float(f: float, fmt: str = "g", prec: int = 6, sign: str = "",
                 buf_size: int = 25, alt_form: bool = False) -> bytes:
    """mrb_format_float(f, buf, buf_size, fmt, prec, sign)."""
    # ``int buf_remaining = buf_size - 1``: a C int, so a size_t past
    # INT_MAX wraps negative (then the precision shrinks to nothing)
    buf_remaining = ((buf_size - 1 + (1 << 31)) & 0xFFFFFFFF) - (1 << 31)
    buf = bytearray(max(buf_remaining, 0) + 64)
    s = 0
    if buf_size <= FLT_MIN_BUF_SIZE:
        return b"?" if buf_size >= 2 else b""
    if math.copysign(1.0, f) < 0:
        buf[s] = ord("-")
        s += 1
        f = -f
    elif sign:
        buf[s] = ord(sign)
        s += 1
    buf_remaining -= s
    fmt_b = ord(fmt)
    uc = fmt_b & 0x20
    if math.isinf(f):
        for ch in b"INF":
            buf[s] = ch ^ uc
            s += 1
        return bytes(buf[:s])
    if math.isnan(f):
        for ch in b"NAN":
            buf[s] = ch ^ uc
            s += 1
        return bytes(buf[:s])
    if prec < 0:
        prec = 6
    e_char = ord("E") | (fmt_b & 0x20)
    fmt = chr(fmt_b | 0x20)
    org_fmt = fmt
    if fmt == "g" and prec == 0:
        prec = 1
    dec = 0
    e_sign = ""
    num_digits = 0
    e = 0
    if f == 0.0:
        e = 0
        if fmt == "e":
            e_sign = "+"
        elif fmt == "f":
            num_digits = prec + 1
    elif f < 1.0:
        first_dig = ord("0")
        if f >= FLT_ROUND_TO_ONE:
            first_dig = ord("1")
        e = 0
        e1 = FLT_DECEXP
        i = 0
        while e1:
            if NEG_POW[i] > f:
                e += e1
                f *= POS_POW[i]
            e1 >>= 1
            i += 1
        e_sign_char = "-"
        if f < 1.0:
            if f >= FLT_ROUND_TO_ONE:
                f = 1.0
                if e == 0:
                    e_sign_char = "+"
            else:
                e += 1
                f *= 10.0
        if fmt == "f" or (fmt == "g" and e <= 4):
            fmt = "f"
            dec = -1
            buf[s] = first_dig
            s += 1
            if org_fmt == "g":
                prec += (e - 1)
            if prec + 2 > buf_remaining:
                prec = buf_remaining - 2
            num_digits = prec
            if num_digits or alt_form:
                buf[s] = ord(".")
                s += 1
                e -= 1
                while e and num_digits:
                    buf[s] = ord("0")
                    s += 1
                    num_digits -= 1
                    e -= 1
        else:
            e_sign = e_sign_char
            dec = 0
            if prec > (buf_remaining - FLT_MIN_BUF_SIZE):
                prec = buf_remaining - FLT_MIN_BUF_SIZE
                if fmt == "g":
                    prec += 1
    else:
        e = 0
        e1 = FLT_DECEXP
        i = 0
        while e1:
            if POS_POW[i] <= f:
                e += e1
                f *= NEG_POW[i]
            e1 >>= 1
            i += 1
        if fmt == "f":
            if e >= buf_remaining:
                fmt = "e"
            elif (e + prec + 2) > buf_remaining:
                prec = buf_remaining - e - 2
                if prec < 0:
                    prec += 1
        if fmt == "e" and prec > (buf_remaining - 6):
            prec = buf_remaining - 6
        if fmt == "g" and e < prec:
            fmt = "f"
            prec -= (e + 1)
        if fmt == "f":
            dec = e
            num_digits = prec + e + 1
        else:
            e_sign = "+"
    if prec < 0:
        prec = 0
    if fmt == "e":
        num_digits = prec + 1
    elif fmt == "g":
        if prec == 0:
            prec = 1
        num_digits = prec
    for _ in range(num_digits):
        d = _c_int8_mod10(f)
        buf[s] = (ord("0") + d) & 0xFF
        s += 1
        if dec == 0 and (prec > 0 or alt_form):
            buf[s] = ord(".")
            s += 1
        f -= float(d)
        f *= 10.0
        dec -= 1
    if f >= 5.0:
        rs = s - 1
        while True:
            if buf[rs] == ord("."):
                rs -= 1
                continue
            if buf[rs] < ord("0") or buf[rs] > ord("9"):
                rs += 1
                break
            if buf[rs] < ord("9"):
                buf[rs] += 1
                break
            buf[rs] = ord("0")
            if rs == 0:
                break
            rs -= 1
        if buf[rs] == ord("0"):
            if buf[rs + 1] == ord(".") and fmt != "f":
                buf[rs] = ord(".")
                buf[rs + 1] = ord("0")
                if e_sign == "-":
                    e -= 1
                else:
                    e += 1
            s += 1
            ss = s
            while ss > rs:
                buf[ss] = buf[ss - 1]
                ss -= 1
            buf[rs] = ord("1")
            if f < 1.0 and fmt == "f":
                prec -= 1
    if org_fmt == "g" and prec > 0 and not alt_form:
        while buf[s - 1] == ord("0"):
            s -= 1
        if buf[s - 1] == ord("."):
            s -= 1
    if e_sign:
        buf[s] = e_char
        s += 1
        buf[s] = ord(e_sign)
        s += 1
        if e >= 100:
            buf[s] = ord("0") + (e // 100)
            s += 1
            e %= 100
        buf[s] = ord("0") + (e // 10)
        s += 1
        buf[s] = ord("0") + (e % 10)
        s += 1
    return bytes(buf[:s])


def float_to_s(f: float) -> bytes:
    """Float#to_s / Float#inspect (flo_to_s, mrb_float_to_str)."""
    if math.isinf(f):
        return b"-Infinity" if f < 0 else b"Infinity"
    if math.isnan(f):
        return b"NaN"
    b = format_float(f, "g", 15, "", 25)
    i = 0
    while i < len(b):
        if b[i:i + 1] == b".":
            return b
        if b[i:i + 1] == b"e":
            return b[:i] + b".0" + b[i:]
        i += 1
    return b + b".0"
