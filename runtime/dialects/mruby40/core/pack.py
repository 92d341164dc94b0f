"""mruby 4.0: mruby-pack (pack.c), where it differs from 3.1's.

- ``H``/``h`` (``pack_hex``): a byte per pair of hex digits, an odd last
  digit in the high half; the first non-hex digit ends the field, and
  nothing is written for the digits the count asked for past the string
  (``["61"].pack("H3")`` is ``"a"``, ``["zz"].pack("H2")`` is ``""``);
- a count stops where the string does (``while (count != 0 && srcidx <
  srclen)``): ``"\\x01".unpack("C3")`` is ``[1]``, ``"\\x82\\x2c".unpack("w*")``
  is ``[300]``;
- ``w`` (``unpack_BER``) refuses a tenth byte as an overflow;
- ``U`` (``unpack_utf8``): a sequence of 1 to 4 bytes from a lookup table;
  a bad lead byte, a short or broken sequence, or a code point past
  U+10FFFF is ``malformed UTF-8 character``, with no byte counts.
"""

from __future__ import annotations

from runtime import abi
from runtime.core.string import PackRules, ensure_str, new_str, pack_array, unpack_str
from runtime.defs import method


def _hex(c: int) -> int:
    """hex_lookup: the digit's value, -1 for anything else."""
    if 48 <= c <= 57:
        return c - 48
    if 65 <= c <= 70 or 97 <= c <= 102:
        return (c | 0x20) - 87
    return -1


def _utf8_len(c: int) -> int:
    """utf8_seq_len_high: 2 for 0xC0-0xDF, 3 for 0xE0-0xEF, 4 for 0xF0-0xF7."""
    if 0xC0 <= c <= 0xDF:
        return 2
    if 0xE0 <= c <= 0xEF:
        return 3
    if 0xF0 <= c <= 0xF7:
        return 4
    return 0


_UTF8_MIN = {2: 0x80, 3: 0x800, 4: 0x10000}


class PackRules40(PackRules):
    stop_at_end = True

    @staticmethod
    def pack_hex(ov: bytes, count: int, lsb: int) -> bytes:
        ashift, bshift = (0, 4) if lsb else (4, 0)
        slen = len(ov)
        if count != -1 and slen > count:
            slen = count
        out = bytearray()
        sp = 0
        while slen >= 2:
            a = _hex(ov[sp])
            b = _hex(ov[sp + 1])
            sp += 2
            if a < 0 or b < 0:
                return bytes(out)
            out.append(((a << ashift) + (b << bshift)) & 0xFF)
            slen -= 2
        if slen > 0 and _hex(ov[sp]) >= 0:
            out.append((_hex(ov[sp]) << ashift) & 0xFF)
        return bytes(out)

    ber_max_bytes = 63 // 7        # (sizeof(mrb_int) * 8 - 1) / 7

    @staticmethod
    def utf8_decode(vm, src: bytes, p: int, avail: int):
        c = src[p]
        if c < 0x80:
            return c, 1
        n = _utf8_len(c)
        if n == 0 or n > avail or any(src[p + k] & 0xC0 != 0x80 for k in range(1, n)):
            vm.raise_error(vm.c_ArgumentError, "malformed UTF-8 character")
        uv = c & (0x7F >> n)
        for k in range(1, n):
            uv = (uv << 6) | (src[p + k] & 0x3F)
        if uv < _UTF8_MIN[n]:
            vm.raise_error(vm.c_ArgumentError, "redundant UTF-8 sequence")
        if uv > 0x10FFFF:
            vm.raise_error(vm.c_ArgumentError, "malformed UTF-8 character")
        return uv, n


PACK40 = PackRules40()


@method("String", "unpack", arity=1)
def str_unpack(vm, self, args, blk):
    tmpl = bytes(ensure_str(vm, args[0]))
    return vm.ary_new(unpack_str(vm, bytes(ensure_str(vm, self)), tmpl, False, PACK40))


@method("String", "unpack1", arity=1)
def str_unpack1(vm, self, args, blk):
    tmpl = bytes(ensure_str(vm, args[0]))
    r = unpack_str(vm, bytes(ensure_str(vm, self)), tmpl, True, PACK40)
    return r[0] if r else abi.NIL


@method("Array", "pack", arity=1)
def ary_pack(vm, self, args, blk):
    tmpl = bytes(ensure_str(vm, args[0]))
    return new_str(vm, pack_array(vm, vm.obj(self).items, tmpl, PACK40))
