"""mruby 4.0.0's word boxing (include/mruby/boxing_word.h, src/etc.c), for
the methods that read a value's word with no type check.

riteload's own words keep mruby 3.1's tags (runtime/abi.py); what a 4.0
program can see of 4.0's is what ``mrb_integer`` gives of a value that is
no Integer, which numeric.c's ``bit_op`` (``Integer#&``, ``|``, ``^``)
takes as it is:

- an immediate: its word shifted right by one (``mrb_fixnum``): nil 0,
  false 2, true 6, a Float the word of its rotation encoding;
- an object: the word after its header (``ip->i``, 16 bytes in): a heap
  Float's double, a String's length (the bytes 4..11 of an embedded one,
  up to RSTRING_EMBED_LEN_MAX bytes), an Array's length (its first element
  when embedded, up to MRB_ARY_EMBED_LEN_MAX), a Range's first value, a
  Rational's numerator, a Complex's real part as a double.

Not reproduced: Symbols (4.0's symbol ids) and addresses (any other
object's first field, an object held in one of those fields): 0.
"""

from __future__ import annotations

import struct

from ... import abi
from ...core.numeric import complex_data, rational_data
from ...objects import RArray, RFloat, RRange, RString

MASK64 = (1 << 64) - 1
#: sentinels of the specials (etc.c WORDBOX_FLOAT_PZERO...)
FLOAT_PZERO, FLOAT_NZERO, FLOAT_PINF, FLOAT_NINF, FLOAT_NAN = 0x02, 0x06, 0x0A, 0x0E, 0x12
FLOAT_EXP_MIN, FLOAT_EXP_MAX = 1023 - 255, 1023 + 256
#: WORDBOX_FLOAT_ADDEND: (EXP_MIN - (WORDBOX_FLOAT_FLAG << 9)) << 52, as uint64
FLOAT_ADDEND = ((FLOAT_EXP_MIN - (2 << 9)) << 52) & MASK64
MRB_QFALSE, MRB_QTRUE = 4, 12
RSTRING_EMBED_LEN_MAX = 8 * 3 + 8 - 4 - 1
MRB_ARY_EMBED_LEN_MAX = 3


def _signed(u: int) -> int:
    return u - (1 << 64) if u >> 63 else u


def _double_bits(x: float) -> int:
    return struct.unpack("<Q", struct.pack("<d", x))[0]


def float_word(x: float):
    """mrb_word_boxing_float_value: the inline word of x, or None when
    4.0 keeps it on the heap (subnormals, exponents past [-255, 256])."""
    bits = _double_bits(x)
    exp = (bits >> 52) & 0x7FF
    if exp == 0:
        return {0: FLOAT_PZERO, 1 << 63: FLOAT_NZERO}.get(bits)
    if exp == 0x7FF:
        return {0x7FF << 52: FLOAT_PINF, 0xFFF << 52: FLOAT_NINF}.get(bits, FLOAT_NAN)
    if not FLOAT_EXP_MIN <= exp <= FLOAT_EXP_MAX:
        return None
    v = (bits - FLOAT_ADDEND) & MASK64
    w = ((v << 3) | (v >> 61)) & MASK64
    return None if w <= FLOAT_NAN else w


def word(vm, w: int):
    """The 4.0 word of an immediate value (nil, false, true, Integer in
    fixnum range, inline Float, Symbol), else None."""
    if w == abi.NIL:
        return 0
    if w == abi.FALSE:
        return MRB_QFALSE
    if w == abi.TRUE:
        return MRB_QTRUE
    if vm.is_int(w):
        n = vm.int_value(w)
        return ((n << 1) | 1) & MASK64 if -(1 << 62) <= n < (1 << 62) else None
    if vm.is_float(w):
        return float_word(vm.float_value(w))
    if vm.is_sym(w):
        # WORDBOX_SYMBOL_SHIFT 32, WORDBOX_SYMBOL_FLAG 0x1c (64-bit)
        return (vm.mruby_symbol_ids().id_of(vm.syms[abi.symbol_id(w)]) << 32) | 0x1c
    return None


def mrb_integer(vm, w: int) -> int:
    """mrb_integer_func of any value (boxing_word.h)."""
    if vm.is_int(w):
        return vm.int_value(w)
    u = word(vm, w)
    if u is not None:
        return _signed(u) >> 1
    if not abi.is_object(w):
        return 0
    o = vm.obj(w)
    if isinstance(o, RFloat):
        return _signed(_double_bits(o.value))
    if isinstance(o, RString):
        n = len(o.value)
        if n > RSTRING_EMBED_LEN_MAX:
            return n
        return int.from_bytes(bytes(o.value[4:12]).ljust(8, b"\0"), "little", signed=True)
    if isinstance(o, RArray):
        n = len(o.items)
        if n > MRB_ARY_EMBED_LEN_MAX:
            return n
        return _signed(word(vm, o.items[0]) or 0) if n else 0
    if isinstance(o, RRange):
        return _signed(word(vm, o.first) or 0)
    r = rational_data(vm, w)
    if r is not None:
        return r.num if -(1 << 63) <= r.num < (1 << 63) else 0
    c = complex_data(vm, w)
    if c is not None:
        return _signed(_double_bits(c.re))
    return 0
