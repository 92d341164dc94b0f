"""mruby 4.0: String methods mruby-string-ext rewrote in C.

- String#partition and #rpartition (``str_partition``/``str_rpartition``):
  the separator converts as ``mrb_get_args "S"`` does (``Integer cannot
  be converted to String``); an empty separator splits off nothing
  (``["", "", str]`` and ``[str, "", ""]``);
- String#codepoints and #each_codepoint (``__codepoints`` of a build
  without MRB_UTF8_STRING) give each byte as a C ``char``: signed,
  ``"\xc3"`` is -61.
"""

from __future__ import annotations

from runtime import abi
from runtime.core import string as core_string
from runtime.core.range import range_beg_len
from runtime.core.string import _modify, as_int, ensure_str, new_str
from runtime.defs import method


def _parts(vm, self, sep, found, b, sb):
    return vm.ary_new([new_str(vm, b[:found]), new_str(vm, sb),
                       new_str(vm, b[found + len(sb):])])


@method("String", "partition", arity=1)
def str_partition(vm, self, args, blk):
    sb = bytes(ensure_str(vm, args[0]))
    b = bytes(ensure_str(vm, self))
    if not sb:
        return vm.ary_new([new_str(vm, b""), new_str(vm, b""), new_str(vm, b)])
    n = b.find(sb)
    if n >= 0:
        return _parts(vm, self, args[0], n, b, sb)
    return vm.ary_new([new_str(vm, b), new_str(vm, b""), new_str(vm, b"")])


@method("String", "rpartition", arity=1)
def str_rpartition(vm, self, args, blk):
    sb = bytes(ensure_str(vm, args[0]))
    b = bytes(ensure_str(vm, self))
    if not sb:
        return vm.ary_new([new_str(vm, b), new_str(vm, b""), new_str(vm, b"")])
    n = b.rfind(sb)
    if n >= 0:
        return _parts(vm, self, args[0], n, b, sb)
    return vm.ary_new([new_str(vm, b""), new_str(vm, b""), new_str(vm, b)])


@method("String", "codepoints", arity=0, aliases=("each_codepoint",))
def str_codepoints(vm, self, args, blk):
    cp = [abi.fixnum(b - 256 if b >= 128 else b) for b in bytes(ensure_str(vm, self))]
    if blk == abi.NIL:
        return vm.ary_new(cp)
    for w in cp:
        vm.yield_block(blk, [w])
    return self


@method("String", "slice!", arity=(1, 2))
def str_slice_bang(vm, self, args, blk):
    """mruby-string-ext's C ``mrb_str_slice_bang``: frozen check first, a
    String, a Range (mrb_range_beg_len, truncated) or an index as
    mrb_as_int gives it; ``(beg, len)`` may start at the very end
    (``slice!(len, 1)`` is ``""``)."""
    _modify(vm, self)
    b = ensure_str(vm, self)
    n = len(b)
    arg1 = args[0]
    if len(args) == 1:
        if vm.is_str(arg1):
            beg = bytes(b).find(bytes(ensure_str(vm, arg1)))
            if beg < 0:
                return abi.NIL
            ln = len(ensure_str(vm, arg1))
        elif vm.is_range(arg1):
            bl = range_beg_len(vm, arg1, n, True)
            if bl is None:
                return abi.NIL
            beg, ln = bl
        else:
            beg = as_int(vm, arg1)
            if beg < 0:
                beg += n
            if beg < 0 or beg >= n:
                return abi.NIL
            ln = 1
    else:
        beg = as_int(vm, arg1)
        ln = as_int(vm, args[1])
        if beg < 0:
            beg += n
        if ln < 0 or beg < 0 or beg > n:
            return abi.NIL
    ln = max(min(ln, n - beg), 0)
    out = new_str(vm, bytes(b[beg:beg + ln]))
    del b[beg:beg + ln]
    return out


@method("String", "delete_suffix!", arity=1)
def str_del_suffix_bang(vm, self, args, blk):
    """mruby-string-ext's ``str_del_suffix_bang``: the frozen check comes
    before the comparison, so a frozen String raises even on a miss."""
    suf = ensure_str(vm, args[0])
    _modify(vm, self)
    b = ensure_str(vm, self)
    if len(suf) > len(b) or not b.endswith(suf):
        return abi.NIL
    del b[len(b) - len(suf):]
    return self


def _padding(pad: bytes, n: int) -> bytes:
    """``n`` bytes of ``pad`` repeated, the last copy cut short (mrb_str_substr)."""
    return (pad * (n // len(pad) + 1))[:n] if n > 0 else b""


def _justify(vm, self, args, mode):
    """mruby-string-ext's ``str_ljust_core``/``str_rjust_core``/``str_center_core``
    (``mrb_get_args "i|S"``): always a new String, even when no padding is due."""
    width = as_int(vm, args[0])
    pad = bytes(ensure_str(vm, args[1])) if len(args) > 1 else b" "
    if not pad:
        vm.raise_error(vm.c_ArgumentError, "zero width padding")
    b = bytes(ensure_str(vm, self))
    total = width - len(b)
    if total <= 0:
        return new_str(vm, b)
    if mode == "ljust":
        return new_str(vm, b + _padding(pad, total))
    if mode == "rjust":
        return new_str(vm, _padding(pad, total) + b)
    left = total // 2
    return new_str(vm, _padding(pad, left) + b + _padding(pad, total - left))


@method("String", "ljust", arity=(1, 2))
def str_ljust(vm, self, args, blk):
    return _justify(vm, self, args, "ljust")


@method("String", "rjust", arity=(1, 2))
def str_rjust(vm, self, args, blk):
    return _justify(vm, self, args, "rjust")


@method("String", "center", arity=(1, 2))
def str_center(vm, self, args, blk):
    return _justify(vm, self, args, "center")


@method("String", "insert", arity=2)
def str_insert(vm, self, args, blk):
    """mruby-string-ext's ``str_insert`` (``"iS"``): a negative index counts
    from one past the end; out of range is ``index N out of string`` with
    the index so adjusted."""
    idx = as_int(vm, args[0])
    ins = bytes(ensure_str(vm, args[1]))
    _modify(vm, self)
    b = ensure_str(vm, self)
    if idx < 0:
        idx += len(b) + 1
    if idx < 0 or idx > len(b):
        vm.raise_error(vm.c_IndexError, f"index {idx} out of string")
    b[idx:idx] = ins
    return self


@method("String", "prepend", arity=-1)
def str_prepend(vm, self, args, blk):
    """mruby-string-ext's ``str_prepend``: any number of Strings, prepended
    in order (each checked by mrb_ensure_string_type before any change)."""
    if not args:
        return self
    _modify(vm, self)
    head = b"".join(bytes(ensure_str(vm, a)) for a in args)
    if head:
        ensure_str(vm, self)[0:0] = head
    return self


@method("String", "[]=", arity=(2, 3))
def str_aset_m(vm, self, args, blk):
    """src/string.c ``mrb_str_aset_m``: 4.0 returns the replacement, not self."""
    core_string.str_aset_m(vm, self, args, blk)
    return args[-1]


def _splice(vm, self, idx1, len1, rep_w, idx2, len2):
    """src/string.c ``str_bytesplice``."""
    b = ensure_str(vm, self)
    rep = bytes(ensure_str(vm, rep_w))
    if idx1 < 0:
        idx1 += len(b)
    if idx2 < 0:
        idx2 += len(rep)
    if len(b) < idx1 or idx1 < 0 or len(rep) < idx2 or idx2 < 0:
        vm.raise_error(vm.c_IndexError, "index out of string")
    if len1 < 0 or len2 < 0:
        vm.raise_error(vm.c_IndexError, "negative length")
    len1 = min(len1, len(b) - idx1)
    len2 = min(len2, len(rep) - idx2)
    _modify(vm, self)
    b[idx1:idx1 + len1] = rep[idx2:idx2 + len2]
    return self


def _beg_len(vm, rng, length):
    """mrb_range_beg_len(..., FALSE), None unless MRB_RANGE_OK."""
    return range_beg_len(vm, rng, length, False) if vm.is_range(rng) else None


@method("String", "bytesplice", arity=-1)
def str_bytesplice(vm, self, args, blk):
    """src/string.c ``mrb_str_bytesplice``: ``(idx, len, str[, idx2, len2])``
    or ``(range, str[, range2])``, byte offsets."""
    n = len(args)
    if n == 3 and vm.is_int(args[0]):
        return _splice(vm, self, as_int(vm, args[0]), as_int(vm, args[1]), args[2],
                       0, len(ensure_str(vm, args[2])))
    if n == 3:
        rep = ensure_str(vm, args[1])
        r1 = _beg_len(vm, args[0], len(ensure_str(vm, self)))
        r2 = r1 and _beg_len(vm, args[2], len(rep))
        if r2:
            return _splice(vm, self, r1[0], r1[1], args[1], r2[0], r2[1])
    elif n == 5:
        idx1, len1 = as_int(vm, args[0]), as_int(vm, args[1])
        ensure_str(vm, args[2])
        return _splice(vm, self, idx1, len1, args[2], as_int(vm, args[3]), as_int(vm, args[4]))
    elif n == 2:
        rep = ensure_str(vm, args[1])
        r1 = _beg_len(vm, args[0], len(ensure_str(vm, self)))
        if r1:
            return _splice(vm, self, r1[0], r1[1], args[1], 0, len(rep))
    vm.raise_error(vm.c_ArgumentError, "wrong number of arumgnts")
