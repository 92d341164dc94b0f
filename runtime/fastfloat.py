"""Fast equivalents of ``abi.flonum`` / ``abi.flonum_value`` for the hot paths.

Same encoding as runtime/abi.py (tests/test_runtime_vm.py checks them against
it); a preallocated 8-byte buffer viewed as a double and as a uint64 replaces
struct packing.
"""

from __future__ import annotations

_buf = memoryview(bytearray(8))
_as_d = _buf.cast("d")
_as_q = _buf.cast("Q")
_MASK = (1 << 64) - 1
_ZERO = 0x8000000000000002


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
