"""mruby 4.0: Kernel#sprintf / #format (4.0.0's rewrite of
mrbgems/mruby-sprintf/src/sprintf.c, and src/fmt_fp.c).

runtime/core/format.py's ``format_string`` with 4.0's ``SprintfRules``:

- a ``%`` at the end of the format raises ``incomplete format specifier;
  use %% (double %) instead``, a spec the end cuts off ``malformed format
  string - unexpected end``; GETNUM says ``width too big``;
- ``%X`` and ``%B`` are signed (get_fmt_spec's subtype 1 marks both the
  signed and the upper-case conversions): ``format("%X", -42)`` is
  ``-2A``; the other conversions of a negative print ``..`` and its two's
  complement digits after the width is laid out (``%8x`` of -1 is eight
  spaces and ``..f``), and an Integer past 64 bits (a bigint) prints its
  own digits (``mrb_bint_to_s``), through ``mrb_bint_2comp`` for a
  negative one without ``+``;
- a Float argument of an integer conversion goes through
  mrb_float_to_integer (``float Infinity out of range``), any other
  through 4.0's mrb_as_int;
- mrb_format_float: ``%.0e`` keeps its point (``1.e+00``), a digit is
  ``(int8_t)f`` clamped to 0..9.
"""

from __future__ import annotations

from runtime.core import format as core_format
from runtime.core.fmtfp import FpRules, c_int8
from runtime.core.format import FMINUS, FPLUS, FPREC, FSHARP, int_to_str, uint_to_cstr
from runtime.core.numeric import float_to_integer
from runtime.core.string import str_len_to_integer
from runtime.defs import module_function

from .integer import ensure_int_type, float_range_check

INT64_MIN = -(1 << 63)
INT64_MAX = (1 << 63) - 1
_BASES = {"d": 10, "i": 10, "u": 10, "o": 8, "x": 16, "X": 16, "b": 2, "B": 2}
_SIGN_DIGITS = {16: "f", 8: "7", 2: "1"}


def _digit40(f: float) -> int:
    """``(int8_t)f``, clamped to 0..9."""
    return min(max(c_int8(f), 0), 9)


def _integer_of(vm, val: int) -> int:
    """bin_retry: the Integer a value stands for."""
    while True:
        if vm.is_float(val):
            f = vm.float_value(val)
            float_range_check(vm, f)                       # mrb_float_to_integer
            return float_to_integer(vm, f)
        if vm.is_str(val):
            val = str_len_to_integer(vm, vm.str_bytes(val), 0, True)
            continue
        if vm.is_int(val):
            return vm.int_value(val)
        return ensure_int_type(vm, val)


def bint_2comp(n: int) -> int:
    """mrb_bint_2comp: a negative bigint's two's complement over its 32-bit limbs."""
    m = -n
    return (1 << (32 * ((m.bit_length() + 31) // 32))) - m


def format_int40(vm, out: bytearray, c: str, flags: int, width: int, prec: int,
                 val: int) -> None:
    """FMT_INTEGER of 4.0's mrb_str_format."""
    base = _BASES[c]
    upper = c in "XB"
    prefix = None
    if flags & FSHARP:
        prefix = {8: "0", 16: "0X" if upper else "0x", 2: "0B" if upper else "0b"}.get(base)
    n = _integer_of(vm, val)
    sc = ""
    dots = False
    v = 0
    if not INT64_MIN <= n <= INT64_MAX:                    # MRB_TT_BIGINT
        if not (flags & FPLUS) and base != 10 and n < 0:
            n = bint_2comp(n)
            dots = True
            v = -1
        s = int_to_str(n, base)
    else:
        v = n
        if c in "diuXB":
            sc = core_format.sign_char(flags, v)
            width -= len(sc)
            s = int_to_str(v, base).lstrip("-")
        else:
            s = uint_to_cstr(v, base)
            dots = v < 0
    fc = _SIGN_DIGITS.get(base, "\0")
    if dots:
        if base == 8 and s[:1] in ("1", "3"):
            s = s[1:]
        s = s.lstrip(fc)
    if upper:
        s = s.upper()
        if base == 16:
            fc = "F"
    length = len(s)
    width, prec, length, prefix = core_format.int_field(flags, width, prec, s, length,
                                                        prefix, dots)
    width, prec = core_format.push_head(out, flags, width, prec, sc, prefix, dots)
    if dots:
        if s[:1] != fc:
            out += fc.encode()
            prec -= 1
            width -= 1
    if prec > length:
        if (flags & (FMINUS | FPREC)) != FMINUS:
            out += b"0" * (prec - length)
        elif v < 0:
            out += fc.encode() * (prec - length)
    out += s[:length].encode()
    if width > 0:
        out += b" " * width


class SprintfRules40(core_format.SprintfRules):
    trailing_percent = True
    unexpected_end = True
    too_big = "{} too big"
    fp = FpRules(_digit40, e_point=True, below_ten=True)
    format_int = staticmethod(format_int40)


RULES40 = SprintfRules40()


@module_function("Kernel", "sprintf", arity=-1)
def f_sprintf(vm, self, args, blk):
    return core_format.f_sprintf(vm, args, RULES40)


@module_function("Kernel", "format", arity=-1)
def f_format(vm, self, args, blk):
    return core_format.f_sprintf(vm, args, RULES40)
