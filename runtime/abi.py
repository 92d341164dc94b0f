"""The one contract between generated code and the runtime.

Everything native code may assume about runtime data lives here: how a Ruby
value is packed into a 64-bit word, the status codes opcode semantics and
helpers return, and (in ``NATIVE_CDEF``) the C layout of the call-info
record and the helper table.  ``translate`` imports this module and nothing
else from ``runtime`` when it generates code.

Value words (64 bits)::

    ...xxxxxxx1   Fixnum      n = word >> 1 (arithmetic shift), 63-bit signed
    ...xxxxxx10   Flonum      an immediate double (CRuby's flonum scheme)
    ...xxxxx100   heap object handle = word >> 3, an index in the object table
    ...00000000   false (0x00)   falsy
    ...00001000   nil   (0x08)   falsy
    ...00010000   true  (0x10)
    ...00011000   undef (0x18)   "no value": unset optional args, missing ivars
    ...00100000   Symbol      id = word >> 8

Only ``false`` and ``nil`` are falsy, and they differ in bit 3 alone, so a
truth test is ``(word & ~0x08) != 0``.  Integers outside the 63-bit fixnum
range but inside mruby's 64-bit ``mrb_int`` are heap objects; doubles that
the flonum encoding cannot hold (0.0 aside: NaN, infinities, very large or
very small exponents) are heap objects too.
"""

from __future__ import annotations

import struct

MASK64 = (1 << 64) - 1

FALSE = 0x00
NIL = 0x08
TRUE = 0x10
UNDEF = 0x18
SYMBOL_TAG = 0x20
SYMBOL_MASK = 0xFF
OBJECT_TAG = 0x04
OBJECT_MASK = 0x07
FLONUM_TAG = 0x02
FLONUM_MASK = 0x03
FIXNUM_TAG = 0x01

FIXNUM_MAX = (1 << 62) - 1
FIXNUM_MIN = -(1 << 62)
MRB_INT_MAX = (1 << 63) - 1    # mruby 3.1 default: 64-bit mrb_int
MRB_INT_MIN = -(1 << 63)

_FLONUM_ZERO = 0x8000000000000002


def truthy(word: int) -> bool:
    return (word & ~NIL) != 0


def is_fixnum(word: int) -> bool:
    return word & 1 == 1


def fixable(n: int) -> bool:
    return FIXNUM_MIN <= n <= FIXNUM_MAX


def fixnum(n: int) -> int:
    """Word of an integer known to fit in 63 bits."""
    return ((n << 1) | 1) & MASK64


def fixnum_value(word: int) -> int:
    n = word >> 1
    return n - (1 << 63) if n >= (1 << 62) else n


def is_flonum(word: int) -> bool:
    return word & FLONUM_MASK == FLONUM_TAG


def _rotl(v: int, n: int) -> int:
    return ((v << n) | (v >> (64 - n))) & MASK64


def _rotr(v: int, n: int) -> int:
    return ((v >> n) | (v << (64 - n))) & MASK64


def flonum(x: float) -> int | None:
    """The flonum word of ``x``, or None when it must be boxed."""
    bits = struct.unpack("<Q", struct.pack("<d", x))[0]
    top = (bits >> 60) & 0x7
    if bits != 0x3000000000000000 and not ((top - 3) & ~0x01):
        return (_rotl(bits, 3) & ~0x01 & MASK64) | 0x02
    if bits == 0:
        return _FLONUM_ZERO
    return None


def flonum_value(word: int) -> float:
    if word == _FLONUM_ZERO:
        return 0.0
    b63 = word >> 63
    bits = _rotr(((2 - b63) | (word & ~0x03)) & MASK64, 3)
    return struct.unpack("<d", struct.pack("<Q", bits))[0]


def is_object(word: int) -> bool:
    return word & OBJECT_MASK == OBJECT_TAG


def object_word(handle: int) -> int:
    return (handle << 3) | OBJECT_TAG


def object_handle(word: int) -> int:
    return word >> 3


def is_symbol(word: int) -> bool:
    return word & SYMBOL_MASK == SYMBOL_TAG


def symbol_word(sym_id: int) -> int:
    return (sym_id << 8) | SYMBOL_TAG


def symbol_id(word: int) -> int:
    return word >> 8


# ---------------------------------------------------------------------------
# Opcode semantics results.  Each opcode's Python function (runtime/ops.py)
# returns None to fall through to the next instruction, a pc >= 0 to jump
# there, or OP_RETURN when the frame is finished (its value in frame.retval).
OP_RETURN = -1
