"""Fast equivalents of ``abi.flonum`` / ``abi.flonum_value`` for the hot paths,
and mruby 3.1's float truncation.

Same encoding as runtime/abi.py (tests/test_runtime_vm.py checks them against
it); a preallocated 8-byte buffer viewed as a double and as a uint64 replaces
struct packing.

mruby 3.1 on 64-bit hosts uses word boxing with inline floats
(include/mruby/boxing_word.h, src/etc.c ``mrb_word_boxing_float_value``): a
Float value keeps its double with the two lowest significand bits cleared
(``v.w = (v.w & ~3) | 2``).  Every Float a program sees is such a truncated
double, which is why ``p 1e100`` prints ``0.0,6.04*2000001e+99`` and why
repeated products drift from IEEE results.  ``truncate`` reproduces it;
``vm.float_new`` applies it to every Float it makes.
"""

from __future__ import annotations

_buf = memoryview(bytearray(8))
_as_d = _buf.cast("d")
_as_q = _buf.cast("Q")
_MASK = (1 << 64) - 1
_ZERO = 0x8000000000000002


def truncate(x: float) -> float:
    """x as a mruby 3.1 Float value holds it: the two low significand bits cleared."""
    _as_d[0] = x
    _as_q[0] = _as_q[0] & ~3
    return _as_d[0]


def float_word(x: float):
    """(flonum word or None, truncated x) of a new Float value x."""
    _as_d[0] = x
    bits = _as_q[0] & ~3
    top = (bits >> 60) & 0x7
    if (top == 3 or top == 4) and bits != 0x3000000000000000:
        return ((((bits << 3) | (bits >> 61)) & _MASK) & ~0x01) | 0x02, 0.0
    if bits == 0:
        return _ZERO, 0.0
    _as_q[0] = bits
    return None, _as_d[0]


def flonum(x: float):
    """The flonum word of x, or None when x must be boxed."""
    _as_d[0] = x
    bits = _as_q[0]
    top = (bits >> 60) & 0x7
    if (top == 3 or top == 4) and bits != 0x3000000000000000:
        return ((((bits << 3) | (bits >> 61)) & _MASK) & ~0x01) | 0x02
    if bits == 0:
        return _ZERO
    return None


def flonum_value(word: int) -> float:
    if word == _ZERO:
        return 0.0
    v = ((2 - (word >> 63)) | (word & ~0x03)) & _MASK
    _as_q[0] = ((v >> 3) | (v << 61)) & _MASK
    return _as_d[0]
