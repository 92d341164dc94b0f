"""String: mruby 3.1's src/string.c, mrblib/string.rb, mruby-string-ext and
the String part of mruby-sprintf, as Debian's default build has them.

That build does not define MRB_UTF8_STRING, so a String is a plain byte
string: ``size``, ``[]``, ``reverse``, ``each_char``... all count bytes, and
``inspect`` escapes every byte outside 0x20..0x7e as ``\\xNN``.  There is no
Regexp, so ``sub``/``gsub``/``split``/``index`` take String patterns only.

Methods mruby writes in Ruby (mrblib) keep their Ruby-level behaviour here:
the argument-count message of a Ruby method names only its required
arguments (``expected 1``, not ``expected 1..2``), and their odd corners
(``"a".center(5, nil)`` raising NoMethodError for ``*``) go through
``vm.funcall`` where mruby would dispatch dynamically.

Helpers other modules may use: ``as_int`` (mrb_as_int), ``ensure_str``
(mrb_ensure_string_type), ``str_inspect_bytes`` (String#inspect of bytes),
``str_len_to_integer`` (mrb_str_len_to_integer), ``str_len_to_dbl``
(mrb_str_len_to_dbl), ``float_read`` (mrb_float_read), ``str_hash``.
"""

from __future__ import annotations

import math
import struct as _struct

from runtime import abi
from runtime.core.range import range_beg_len
from runtime.defs import method
from runtime.errors import RubyError
from runtime.objects import RFloat, RInteger, RRange, RString

from ..abi import FLONUM_MASK, FLONUM_TAG, OBJECT_MASK, OBJECT_SHIFT, OBJECT_TAG

NIL = abi.NIL
TRUE = abi.TRUE
FALSE = abi.FALSE
UNDEF = abi.UNDEF

MRB_INT_MAX = abi.MRB_INT_MAX
MRB_INT_MIN = abi.MRB_INT_MIN

_SPACE = frozenset(b" \t\n\v\f\r")
_DIGITMAP = b"0123456789abcdefghijklmnopqrstuvwxyz"


# ---------------------------------------------------------------- helpers

def _isupper(c):
    return 65 <= c <= 90


def _islower(c):
    return 97 <= c <= 122


def _isalpha(c):
    return 65 <= c <= 90 or 97 <= c <= 122


def _isdigit(c):
    return 48 <= c <= 57


def _isalnum(c):
    return 65 <= c <= 90 or 97 <= c <= 122 or 48 <= c <= 57


def _obj(vm, w):
    return vm.objects[w >> OBJECT_SHIFT]


def _is_str(vm, w):
    return w & OBJECT_MASK == OBJECT_TAG and type(vm.objects[w >> OBJECT_SHIFT]) is RString


def _bytes(vm, w) -> bytearray:
    return vm.objects[w >> OBJECT_SHIFT].value


def new_str(vm, b) -> int:
    """A new plain String (class String) holding bytes ``b``."""
    return vm.alloc(RString(vm.c_String, b))


def ensure_str(vm, w) -> bytearray:
    """mrb_ensure_string_type: the bytes of a String, else TypeError."""
    if w & OBJECT_MASK == OBJECT_TAG:
        o = vm.objects[w >> OBJECT_SHIFT]
        if type(o) is RString:
            return o.value
    vm.raise_error(vm.c_TypeError, f"{vm.type_name_for_error(w)} cannot be converted to String")


def _check_num_exact(vm, f: float):
    if math.isinf(f):
        vm.raise_error(vm.cls("FloatDomainError"), "-Infinity" if f < 0 else "Infinity")
    if math.isnan(f):
        vm.raise_error(vm.cls("FloatDomainError"), "NaN")


def as_int(vm, w) -> int:
    """mrb_as_int (mrb_ensure_int_type): Integer, or a Float truncated."""
    if w & 1:
        return abi.fixnum_value(w)
    n = vm.int_arg(w)
    if n is not None:
        return n
    if w & FLONUM_MASK == FLONUM_TAG:
        f = abi.flonum_value(w)
    elif w & OBJECT_MASK == OBJECT_TAG:
        o = vm.objects[w >> OBJECT_SHIFT]
        t = type(o)
        if t is RInteger:
            return o.value
        if t is not RFloat:
            vm.raise_error(vm.c_TypeError,
                           f"{vm.type_name_for_error(w)} cannot be converted to Integer")
        f = o.value
    else:
        vm.raise_error(vm.c_TypeError,
                       f"{vm.type_name_for_error(w)} cannot be converted to Integer")
    _check_num_exact(vm, f)
    if not (float(MRB_INT_MIN) <= f < float(MRB_INT_MAX)):
        vm.raise_error(vm.c_RangeError,
                       f"number ({_to_s_str(vm, w)}) too big for integer")
    return int(f)


def _to_s_str(vm, w) -> str:
    return vm.to_s(w).decode("utf-8", "surrogateescape")


def _inspect_str(vm, w) -> str:
    return vm.inspect(w).decode("utf-8", "surrogateescape")


def _is_num(vm, w) -> bool:
    return vm.is_int(w) or vm.is_float(w)


def _num(vm, w):
    return vm.int_value(w) if vm.is_int(w) else vm.float_value(w)


def _rb_argc(vm, args, req, opt=0, rest=False):
    """The argument check of a method mruby writes in Ruby: its message
    names only the required count (vm.c OP_ENTER in 3.1)."""
    n = len(args)
    if n < req or (not rest and n > req + opt):
        vm.argc_error(n, req, req)


def _modify(vm, w):
    """mrb_str_modify: FrozenError on a frozen String."""
    if vm.objects[w >> OBJECT_SHIFT].frozen:
        vm.frozen_error(w)


def _raise_frozen(vm):
    # `raise FrozenError, "can't modify frozen String"` of the mrblib methods
    vm.raise_error(vm.c_FrozenError, "can't modify frozen String")


def _to_enum(vm, self, name, args=()):
    return vm.funcall(self, "to_enum", [vm.sym(name)] + list(args))


def str_hash(b) -> int:
    """mrb_str_hash: 32-bit FNV-1."""
    h = 0x811c9dc5
    for c in b:
        h = ((h * 0x01000193) & 0xFFFFFFFF) ^ c
    return h


def str_escape(b, inspect=True) -> bytes:
    """str_escape of string.c (no MRB_UTF8_STRING): inspect and dump."""
    out = bytearray(b'"')
    n = len(b)
    i = 0
    app = out.extend
    while i < n:
        c = b[i]
        if c == 0x22 or c == 0x5c:
            app(b"\\" + bytes((c,)))
        elif c == 0x23:
            if i + 1 < n and b[i + 1] in (0x24, 0x40, 0x7b):
                app(b"\\#")
            else:
                out.append(c)
        elif 0x20 <= c < 0x7f:
            out.append(c)
        else:
            e = _ESC.get(c)
            if e is not None:
                app(e)
            else:
                app(b"\\x" + bytes((_DIGITMAP[c >> 4], _DIGITMAP[c & 15])))
        i += 1
    out.append(0x22)
    return bytes(out)


_ESC = {10: b"\\n", 13: b"\\r", 9: b"\\t", 12: b"\\f", 11: b"\\v", 8: b"\\b", 7: b"\\a",
        27: b"\\e"}


def str_inspect_bytes(b) -> bytes:
    return str_escape(b, True)


def _beg_len(slen, beg, ln):
    """mrb_str_beg_len: (beg, len) or None."""
    if slen < beg or ln < 0:
        return None
    if beg < 0:
        beg += slen
        if beg < 0:
            return None
    if ln > slen - beg:
        ln = slen - beg
    if ln <= 0:
        ln = 0
    return beg, ln


def _search(hay, needle, offset=0) -> int:
    """mrb_str_index: byte offset of needle at or after offset, or -1."""
    n = len(hay)
    if offset < 0:
        offset += n
        if offset < 0:
            return -1
    if n - offset < len(needle):
        return -1
    if not needle:
        return offset
    return hay.find(needle, offset)


# --------------------------------------------------- number parsing helpers

def _conv_digit(c):
    if 48 <= c <= 57:
        return c - 48
    if 97 <= c <= 122:
        return c - 97 + 10
    if 65 <= c <= 90:
        return c - 65 + 10
    return -1


def str_len_to_integer(vm, s: bytes, base: int, badcheck: bool) -> int:
    """mrb_str_len_to_integer: the Integer word ``s`` denotes in ``base``
    (0: by prefix, default 10); String#to_i, #hex, #oct, Kernel#Integer
    and sprintf's %d of a String use it."""
    s = bytes(s)
    pend = len(s)

    def at(i):
        return s[i] if i < pend else 0

    def bad():
        # %!l: the string inspected by a call of #inspect
        vm.raise_error(vm.c_ArgumentError,
                       b"invalid string for number(" + _inspect_bytes(vm, s) + b")")

    p = 0
    sign = True
    while p < pend and s[p] in _SPACE:
        p += 1
    if at(p) == 0x2B:
        p += 1
    elif at(p) == 0x2D:
        p += 1
        sign = False
    if base <= 0:
        if at(p) == 0x30:
            c1 = at(p + 1)
            if c1 in (0x78, 0x58):
                base = 16
            elif c1 in (0x62, 0x42):
                base = 2
            elif c1 in (0x6F, 0x4F):
                base = 8
            elif c1 in (0x64, 0x44):
                base = 10
            else:
                base = 8
        elif base < -1:
            base = -base
        else:
            base = 10
    if base == 2:
        if at(p) == 0x30 and at(p + 1) in (0x62, 0x42):
            p += 2
    elif base == 8:
        if at(p) == 0x30 and at(p + 1) in (0x6F, 0x4F):
            p += 2
    elif base == 10:
        if at(p) == 0x30 and at(p + 1) in (0x64, 0x44):
            p += 2
    elif base == 16:
        if at(p) == 0x30 and at(p + 1) in (0x78, 0x58):
            p += 2
    elif base < 2 or base > 36:
        vm.raise_error(vm.c_ArgumentError, f"illegal radix {base}")
    if p >= pend:
        if badcheck:
            bad()
        return abi.fixnum(0)
    if s[p] == 0x30:    # squeeze preceding 0s
        p += 1
        while p < pend:
            c = s[p]
            p += 1
            if c == 0x5F:
                if p < pend and s[p] == 0x5F:
                    if badcheck:
                        bad()
                    break
                continue
            if c != 0x30:
                p -= 1
                break
        if s[p - 1] == 0x30:
            p -= 1
    if p == pend or s[p] == 0x5F:
        if badcheck:
            bad()
        return abi.fixnum(0)
    n = 0
    start = p
    while p < pend:
        if s[p] == 0x5F:
            p += 1
            if p == pend:
                if badcheck:
                    bad()
                continue
            if s[p] == 0x5F:
                if badcheck:
                    bad()
                break
        if badcheck and s[p] == 0:
            vm.raise_error(vm.c_ArgumentError, "string contains null byte")
        c = _conv_digit(s[p])
        if c < 0 or c >= base:
            break
        n = n * base
        if n > MRB_INT_MAX:                 # mrb_int_mul_overflow
            return vm.str_int_overflow(s, start, p, base, not sign, badcheck)
        if MRB_INT_MAX - c < n:
            if not sign and MRB_INT_MAX - n == c - 1:
                # the break leaves p on the last digit: with badcheck,
                # Integer("-9223372036854775808") is "invalid string"
                n = MRB_INT_MIN
                sign = True
                break
            return vm.str_int_overflow(s, start, p, base, not sign, badcheck)
        n += c
        p += 1
    if badcheck:
        if p == 0:
            bad()
        if s[p - 1] == 0x5F:
            bad()
        while p < pend and s[p] in _SPACE:
            p += 1
        if p < pend:
            bad()
    return vm.int_new(n if sign else -n)


def _inspect_bytes(vm, b: bytes) -> bytes:
    """%!l / %!s of mrb_raisef: the bytes as a String, inspected by a call
    of #inspect (a program's own String#inspect shows in the message)."""
    return vm.inspect(vm.str_new(b))


def float_read(s: bytes, start: int = 0):
    """mrb_float_read (readflt.c) on the NUL-terminated ``s`` from
    ``start``: (value, end index)."""
    n = len(s)

    def at(i):
        return s[i] if i < n else 0

    d = 0.0
    a = p = start
    while at(p) in _SPACE and at(p) != 0:
        p += 1
    sign = 1
    c = at(p)
    if c == 0x2D:
        sign = -1
        p += 1
    elif c == 0x2B:
        p += 1
    if _isdigit(at(p)):
        d = float(at(p) - 48)
        p += 1
        while _isdigit(at(p)):
            d = d * 10.0 + float(at(p) - 48)
            p += 1
        a = p
    elif at(p) != 0x2E:
        return d, a
    d *= sign
    if at(p) == 0x2E:
        f = 0.0
        base = 0.1
        p += 1
        while _isdigit(at(p)):
            f += base * (at(p) - 48)
            base /= 10.0
            p += 1
        d += f * sign
        a = p
    if at(p) in (0x45, 0x65):
        e = 0
        p += 1
        sign = 1
        if at(p) == 0x2D:
            sign = -1
            p += 1
        elif at(p) == 0x2B:
            p += 1
        if _isdigit(at(p)):
            while at(p) == 0x30:
                p += 1
            if at(p) == 0:
                p -= 1
            e = at(p) - 48
            p += 1
            while _isdigit(at(p)):
                if e < 10000:
                    e = e * 10 + (at(p) - 48)
                p += 1
            e *= sign
        elif not _isdigit(at(a - 1)):
            return d, start
        elif at(p) == 0:
            return d, a
        try:
            d *= math.pow(10.0, float(e))
        except OverflowError:
            d *= math.inf
        a = p
    elif p > start and not _isdigit(at(p - 1)):
        return d, start
    return d, a


_BUFMAX = 15 * 4 + 20 - 1     # DBL_DIG * 4 + 20, minus the NUL


def str_len_to_dbl(vm, s: bytes, badcheck: bool, read=None) -> float:
    """mrb_str_len_to_dbl: String#to_f (badcheck false) and Kernel#Float.
    ``read(text, start) -> (value, end)`` reads the number, ``end == start``
    when there is none: mruby 3.1's ``float_read`` unless given (4.0's
    mrb_read_float: runtime/dialects/mruby40/core/readfloat.py)."""
    s = bytes(s)
    pend = len(s)

    def bad():
        # %!s: the C string, up to its first NUL, inspected
        vm.raise_error(vm.c_ArgumentError,
                       b"invalid string for float(" + _inspect_bytes(vm, s.split(b"\0")[0]) + b")")

    p = 0
    while p < pend and s[p] in _SPACE:
        p += 1
    p2 = p
    if pend - p > 2 and s[p] == 0x30 and s[p + 1] in (0x78, 0x58):
        if not badcheck:
            return 0.0
        x = str_len_to_integer(vm, s[p:], 0, badcheck)
        return float(vm.int_value(x))
    buf = None
    q = p
    nocopy = False
    while q < pend:
        c = s[q]
        if c == 0:
            if badcheck:
                vm.raise_error(vm.c_ArgumentError, "string for Float contains null byte")
            pend = q
            nocopy = True
            break
        if not badcheck and c == 0x20:
            pend = q
            nocopy = True
            break
        if c == 0x5F:
            break
        q += 1
    if nocopy:
        text = s[:pend]
        start = p2
    else:
        p = p2
        buf = bytearray()
        prev = 0
        dot = False
        while p < pend:
            c = s[p]
            p += 1
            if c == 0x2E:
                dot = True
            if c == 0x5F:
                if not buf or not _isdigit(prev) or p == pend:
                    if badcheck:
                        bad()
                    break
            elif badcheck and prev == 0x5F and not _isdigit(c):
                bad()
            else:
                if len(buf) == _BUFMAX:
                    if dot:
                        break
                    return math.inf
                buf.append(c)
            prev = c
        text = bytes(buf)
        start = 0
    d, end = (read or float_read)(text, start)
    if end == start:
        if badcheck:
            bad()
        return d
    if badcheck:
        while end < len(text) and text[end] in _SPACE:
            end += 1
        if end < len(text):
            bad()
    return d


# ------------------------------------------------------------------- basics

@method("String", "initialize", arity=(0, 1))
def str_initialize(vm, self, args, blk):
    src = ensure_str(vm, args[0]) if args else b""
    _modify(vm, self)
    if not args or args[0] != self:
        _obj(vm, self).value = bytearray(src)
    return self


@method("String", "initialize_copy", arity=1)
@method("String", "replace", arity=1)
def str_replace(vm, self, args, blk):
    src = ensure_str(vm, args[0])
    _modify(vm, self)
    if args[0] != self:
        _obj(vm, self).value = bytearray(src)
    return self


@method("String", "bytesize", arity=0)
@method("String", "size", arity=0)
@method("String", "length", arity=0)
def str_size(vm, self, args, blk):
    return abi.fixnum(len(vm.objects[self >> OBJECT_SHIFT].value))


@method("String", "empty?", arity=0)
def str_empty_p(vm, self, args, blk):
    return TRUE if not vm.objects[self >> OBJECT_SHIFT].value else FALSE


@method("String", "+", arity=1)
def str_plus(vm, self, args, blk):
    o = args[0]
    if o & OBJECT_MASK == OBJECT_TAG:
        r = vm.objects[o >> OBJECT_SHIFT]
        if type(r) is RString:
            return vm.alloc(RString(vm.c_String, vm.objects[self >> OBJECT_SHIFT].value + r.value))
    ensure_str(vm, o)


def raise_nomem(vm):
    """mrb_raise_nomemory: mruby raises its one preallocated NoMemoryError
    and, being out of memory, keeps no backtrace for it (mrb_exc_set), so an
    uncaught one prints nothing (mrb_print_backtrace skips a nil backtrace)."""
    w = vm.exc_new(vm.cls("NoMemoryError"), "Out of memory")
    vm.objects[w >> OBJECT_SHIFT].ivars[vm.SYM_backtrace] = NIL
    raise RubyError(w)


@method("String", "*", arity=1)
def str_times(vm, self, args, blk):
    times = as_int(vm, args[0])
    if times < 0:
        vm.raise_error(vm.c_ArgumentError, "negative argument")
    b = vm.objects[self >> OBJECT_SHIFT].value
    if times and MRB_INT_MAX // times < len(b):
        vm.raise_error(vm.c_ArgumentError, "argument too big")
    if len(b) * times >= MRB_INT_MAX:      # str_new: len >= MRB_SSIZE_MAX
        vm.raise_error(vm.c_ArgumentError, "string size too big")
    if len(b) * times >= (1 << 31):
        raise_nomem(vm)
    try:
        return new_str(vm, b * times)
    except MemoryError:     # mruby's malloc failed: its NoMemoryError
        raise_nomem(vm)


@method("String", "<=>", arity=1)
def str_cmp(vm, self, args, blk):
    o = args[0]
    if not _is_str(vm, o):
        return NIL
    a = vm.objects[self >> OBJECT_SHIFT].value
    b = vm.objects[o >> OBJECT_SHIFT].value
    if a == b:
        return abi.fixnum(0)
    return abi.fixnum(-1) if a < b else abi.fixnum(1)


@method("String", "==", arity=1)
@method("String", "eql?", arity=1)
def str_equal(vm, self, args, blk):
    o = args[0]
    if o == self:
        return TRUE
    if o & OBJECT_MASK == OBJECT_TAG:
        r = vm.objects[o >> OBJECT_SHIFT]
        if type(r) is RString:
            return TRUE if r.value == vm.objects[self >> OBJECT_SHIFT].value else FALSE
    return FALSE


@method("String", "hash", arity=0)
def str_hash_m(vm, self, args, blk):
    return vm.int_new(str_hash(vm.objects[self >> OBJECT_SHIFT].value))


@method("String", "to_str", arity=0)
@method("String", "to_s", arity=0)
def str_to_s(vm, self, args, blk):
    s = vm.objects[self >> OBJECT_SHIFT]
    if vm.real_class_of_obj(s) is not vm.c_String:
        return new_str(vm, s.value)
    return self


@method("String", "to_sym", arity=0)
@method("String", "intern", arity=0)
def str_intern(vm, self, args, blk):
    return vm.sym(bytes(vm.objects[self >> OBJECT_SHIFT].value))


@method("String", "inspect", arity=0)
@method("String", "dump", arity=0)
def str_inspect(vm, self, args, blk):
    return new_str(vm, str_escape(vm.objects[self >> OBJECT_SHIFT].value))


@method("String", "to_i", arity=(0, 1))
def str_to_i(vm, self, args, blk):
    base = as_int(vm, args[0]) if args else 10
    if base < 0 or base > 36:
        vm.raise_error(vm.c_ArgumentError, f"illegal radix {base}")
    return str_len_to_integer(vm, _bytes(vm, self), base, False)


@method("String", "to_f", arity=0)
def str_to_f(vm, self, args, blk):
    return vm.float_new(str_len_to_dbl(vm, _bytes(vm, self), False))


@method("String", "hex", arity=0)
def str_hex(vm, self, args, blk):
    return str_len_to_integer(vm, _bytes(vm, self), 16, False)


@method("String", "oct", arity=0)
def str_oct(vm, self, args, blk):
    return str_len_to_integer(vm, _bytes(vm, self), 8, False)


# ---------------------------------------------------------------- indexing

def _substr(vm, b, beg, ln):
    r = _beg_len(len(b), beg, ln)
    if r is None:
        return NIL
    beg, ln = r
    return new_str(vm, b[beg:beg + ln])


def str_aref(vm, self, indx, alen=UNDEF):
    b = vm.objects[self >> OBJECT_SHIFT].value
    if alen != UNDEF:
        beg = as_int(vm, indx)
        ln = as_int(vm, alen)
        return _substr(vm, b, beg, ln)
    if indx & 1:
        beg = abi.fixnum_value(indx)
    else:
        o = vm.objects[indx >> OBJECT_SHIFT] if indx & OBJECT_MASK == OBJECT_TAG else None
        t = type(o)
        if t is RString:
            if _search(b, o.value, 0) < 0:
                return NIL
            return new_str(vm, o.value)
        if t is RRange:
            r = range_beg_len(vm, indx, len(b), True)
            if r is None:
                return NIL
            beg, ln = r
            return new_str(vm, b[beg:beg + ln])
        beg = as_int(vm, indx)
    n = len(b)
    if beg < 0:
        beg += n
        if beg < 0:
            return NIL
    if beg >= n:
        return NIL
    return vm.alloc(RString(vm.c_String, b[beg:beg + 1]))


@method("String", "slice", arity=(1, 2))
@method("String", "[]", arity=(1, 2))
def str_aref_m(vm, self, args, blk):
    if len(args) == 1:
        return str_aref(vm, self, args[0])
    return str_aref(vm, self, args[0], args[1])


def _replace_partial(vm, self, pos, end, rep):
    s = vm.objects[self >> OBJECT_SHIFT]
    n = len(s.value)
    if end > n:
        end = n
    if pos < 0 or pos > n:
        vm.raise_error(vm.c_IndexError, f"index {pos} out of string")
    _modify(vm, self)
    s.value[pos:end] = rep


def str_aset(vm, self, indx, alen, rep_w):
    rep = bytes(ensure_str(vm, rep_w))
    b = vm.objects[self >> OBJECT_SHIFT].value
    if alen != UNDEF:
        beg = as_int(vm, indx)
        ln = as_int(vm, alen)
        if ln < 0:
            vm.raise_error(vm.c_IndexError, f"negative length {_inspect_str(vm, alen)}")
    else:
        o = vm.objects[indx >> OBJECT_SHIFT] if indx & OBJECT_MASK == OBJECT_TAG else None
        t = type(o)
        if t is RString:
            beg = _search(b, o.value, 0)
            if beg < 0:
                vm.raise_error(vm.c_IndexError, "string not matched")
            _replace_partial(vm, self, beg, beg + len(o.value), rep)
            return
        if t is RRange:
            r = range_beg_len(vm, indx, len(b), True)
            if r is None:
                vm.raise_error(vm.c_IndexError, "string not matched")
            beg, ln = r
            _replace_partial(vm, self, beg, beg + ln, rep)
            return
        beg = as_int(vm, indx)
        ln = 1
    n = len(b)
    if beg < 0:
        beg += n
    if beg < 0 or beg > n:
        vm.raise_error(vm.c_IndexError, f"index {_inspect_str(vm, indx)} out of string")
    if beg + ln > MRB_INT_MAX:
        vm.raise_error(vm.c_RuntimeError, "string index too big")
    _replace_partial(vm, self, beg, beg + ln, rep)


@method("String", "[]=", arity=(2, 3))
def str_aset_m(vm, self, args, blk):
    if len(args) == 2:
        str_aset(vm, self, args[0], UNDEF, args[1])
    else:
        str_aset(vm, self, args[0], args[1], args[2])
    return self


@method("String", "byteslice", arity=(1, 2))
def str_byteslice(vm, self, args, blk):
    b = _bytes(vm, self)
    empty = True
    if len(args) == 2:
        beg = as_int(vm, args[0])
        ln = as_int(vm, args[1])
    else:
        a1 = args[0]
        if vm.is_range(a1):
            r = range_beg_len(vm, a1, len(b), True)
            if r is None:
                return NIL
            beg, ln = r
        else:
            beg = as_int(vm, a1)
            ln = 1
            empty = False
    r = _beg_len(len(b), beg, ln)
    if r is not None and (empty or r[1] != 0):
        return new_str(vm, b[r[0]:r[0] + r[1]])
    return NIL


@method("String", "getbyte", arity=1)
def str_getbyte(vm, self, args, blk):
    pos = as_int(vm, args[0])
    b = _bytes(vm, self)
    if pos < 0:
        pos += len(b)
    if pos < 0 or len(b) <= pos:
        return NIL
    return abi.fixnum(b[pos])


@method("String", "setbyte", arity=2)
def str_setbyte(vm, self, args, blk):
    pos = as_int(vm, args[0])
    byte = as_int(vm, args[1])
    b = _bytes(vm, self)
    n = len(b)
    if pos < -n or n <= pos:
        vm.raise_error(vm.c_IndexError, f"index {pos} out of string")
    if pos < 0:
        pos += n
    _modify(vm, self)
    byte &= 0xFF
    b[pos] = byte
    return abi.fixnum(byte)


@method("String", "bytes", arity=0)
def str_bytes(vm, self, args, blk):
    return vm.ary_new([abi.fixnum(c) for c in _bytes(vm, self)])


@method("String", "chr", arity=0)
def str_chr(vm, self, args, blk):
    return _substr(vm, _bytes(vm, self), 0, 1)


@method("String", "ord", arity=0)
def str_ord(vm, self, args, blk):
    b = _bytes(vm, self)
    if not b:
        vm.raise_error(vm.c_ArgumentError, "empty string")
    return abi.fixnum(b[0])


# ----------------------------------------------------------------- search

@method("String", "include?", arity=1)
def str_include(vm, self, args, blk):
    sub = ensure_str(vm, args[0])
    return TRUE if _search(_bytes(vm, self), sub, 0) >= 0 else FALSE


@method("String", "index", arity=(1, 2))
def str_index_m(vm, self, args, blk):
    sub = ensure_str(vm, args[0])
    b = _bytes(vm, self)
    if len(args) == 1:
        pos = 0
    else:
        pos = as_int(vm, args[1])
        if pos < 0:
            pos += len(b)
            if pos < 0:
                return NIL
    pos = _search(b, sub, pos)
    if pos == -1:
        return NIL
    return vm.int_new(pos)


def _rindex(b, sub, pos):
    n = len(sub)
    if len(b) < n:
        return -1
    if len(b) - pos < n:
        pos = len(b) - n
    if n == 0:
        return pos
    return b.rfind(sub, 0, pos + n)


@method("String", "rindex", arity=(1, 2))
def str_rindex(vm, self, args, blk):
    sub = ensure_str(vm, args[0])
    b = _bytes(vm, self)
    n = len(b)
    if len(args) == 1:
        pos = n
    else:
        pos = as_int(vm, args[1])
        if pos < 0:
            pos += n
            if pos < 0:
                return NIL
        if pos > n:
            pos = n
    pos = _rindex(b, sub, pos)
    if pos >= 0:
        return vm.int_new(pos)
    return NIL


@method("String", "start_with?", arity=-1)
def str_start_with(vm, self, args, blk):
    b = _bytes(vm, self)
    for a in args:
        sub = ensure_str(vm, a)
        if len(b) >= len(sub) and b.startswith(sub):
            return TRUE
    return FALSE


@method("String", "end_with?", arity=-1)
def str_end_with(vm, self, args, blk):
    b = _bytes(vm, self)
    for a in args:
        sub = ensure_str(vm, a)
        if len(b) >= len(sub) and b.endswith(sub):
            return TRUE
    return FALSE


# ------------------------------------------------------------------ case

def _upcase(b):
    return bytes(b).upper()


def _bang(vm, self, fn):
    s = vm.objects[self >> OBJECT_SHIFT]
    _modify(vm, self)
    new = fn(s.value)
    if new == s.value:
        return NIL
    s.value[:] = new
    return self


def _copy_with(vm, self, fn):
    return new_str(vm, fn(vm.objects[self >> OBJECT_SHIFT].value))


def _capitalize(b):
    if not b:
        return bytes(b)
    return bytes(b[:1]).upper() + bytes(b[1:]).lower()


def _swapcase(b):
    return bytes(b).swapcase()


def _downcase(b):
    return bytes(b).lower()


@method("String", "upcase", arity=0)
def str_upcase(vm, self, args, blk):
    return _copy_with(vm, self, _upcase)


@method("String", "upcase!", arity=0)
def str_upcase_bang(vm, self, args, blk):
    return _bang(vm, self, _upcase)


@method("String", "downcase", arity=0)
def str_downcase(vm, self, args, blk):
    return _copy_with(vm, self, _downcase)


@method("String", "downcase!", arity=0)
def str_downcase_bang(vm, self, args, blk):
    return _bang(vm, self, _downcase)


@method("String", "capitalize", arity=0)
def str_capitalize(vm, self, args, blk):
    return _copy_with(vm, self, _capitalize)


@method("String", "capitalize!", arity=0)
def str_capitalize_bang(vm, self, args, blk):
    return _bang(vm, self, _capitalize)


@method("String", "swapcase", arity=0)
def str_swapcase(vm, self, args, blk):
    return _copy_with(vm, self, _swapcase)


@method("String", "swapcase!", arity=0)
def str_swapcase_bang(vm, self, args, blk):
    return _bang(vm, self, _swapcase)


def _signed(c):
    return c - 256 if c >= 128 else c


@method("String", "casecmp", arity=1)
def str_casecmp(vm, self, args, blk):
    o = args[0]
    if not _is_str(vm, o):
        return NIL
    a = _bytes(vm, self)
    b = _bytes(vm, o)
    for i in range(min(len(a), len(b))):
        c1 = a[i]
        c2 = b[i]
        if _isupper(c1):
            c1 |= 0x20
        if _isupper(c2):
            c2 |= 0x20
        c1 = _signed(c1)
        c2 = _signed(c2)
        if c1 > c2:
            return abi.fixnum(1)
        if c1 < c2:
            return abi.fixnum(-1)
    if len(a) == len(b):
        return abi.fixnum(0)
    return abi.fixnum(1) if len(a) > len(b) else abi.fixnum(-1)


@method("String", "casecmp?", arity=1)
def str_casecmp_p(vm, self, args, blk):
    c = str_casecmp(vm, self, args, blk)
    if c == NIL:
        return NIL
    return TRUE if c == abi.fixnum(0) else FALSE


# ------------------------------------------------------ chomp, chop, strip

def _chomp(b, rs, argc):
    """The new bytes, or None when nothing changes (mrb_str_chomp_bang)."""
    n = len(b)
    if argc == 0 or (rs is not None and len(rs) == 1 and rs[0] == 10):
        if n == 0:
            return None
        if b[n - 1] == 10:
            n -= 1
            if n > 0 and b[n - 1] == 13:
                n -= 1
        elif b[n - 1] == 13:
            n -= 1
        else:
            return None
        return b[:n]
    if n == 0 or rs is None:
        return None
    if len(rs) == 0:
        while n > 0 and b[n - 1] == 10:
            n -= 1
            if n > 0 and b[n - 1] == 13:
                n -= 1
        if n < len(b):
            return b[:n]
        return None
    if len(rs) > n:
        return None
    if b[n - 1] == rs[-1] and (len(rs) <= 1 or b[n - len(rs):] == rs):
        return b[:n - len(rs)]
    return None


@method("String", "chomp!", arity=(0, 1))
def str_chomp_bang(vm, self, args, blk):
    rs = ensure_str(vm, args[0]) if args else None
    _modify(vm, self)
    s = _obj(vm, self)
    new = _chomp(s.value, rs, len(args))
    if new is None:
        return NIL
    s.value[:] = new
    return self


@method("String", "chomp", arity=(0, 1))
def str_chomp(vm, self, args, blk):
    rs = ensure_str(vm, args[0]) if args else None
    b = _bytes(vm, self)
    new = _chomp(b, rs, len(args))
    return new_str(vm, b if new is None else new)


def _chop(b):
    if not b:
        return None
    n = len(b) - 1
    if b[n] == 10 and n > 0 and b[n - 1] == 13:
        n -= 1
    return b[:n]


@method("String", "chop!", arity=0)
def str_chop_bang(vm, self, args, blk):
    _modify(vm, self)
    s = _obj(vm, self)
    new = _chop(s.value)
    if new is None:
        return NIL
    s.value[:] = new
    return self


@method("String", "chop", arity=0)
def str_chop(vm, self, args, blk):
    b = _bytes(vm, self)
    new = _chop(b)
    return new_str(vm, b if new is None else new)


_LSTRIP = frozenset(b" \f\n\r\t\v")
_RSTRIP = frozenset(b" \f\n\r\t\v\0")


def _strip(b, left, right):
    a = 0
    z = len(b) - 1
    if left:
        while a <= z and b[a] in _LSTRIP:
            a += 1
    if right:
        while a <= z and b[z] in _RSTRIP:
            z -= 1
    return bytes(b[a:z + 1]) if z >= 0 else b""


@method("String", "lstrip", arity=0)
def str_lstrip(vm, self, args, blk):
    return new_str(vm, _strip(_bytes(vm, self), True, False))


@method("String", "rstrip", arity=0)
def str_rstrip(vm, self, args, blk):
    return new_str(vm, _strip(_bytes(vm, self), False, True))


@method("String", "strip", arity=0)
def str_strip(vm, self, args, blk):
    return new_str(vm, _strip(_bytes(vm, self), True, True))


def _strip_bang(vm, self, left, right):
    s = _obj(vm, self)
    if s.frozen:
        _raise_frozen(vm)
    new = _strip(s.value, left, right)
    if new == s.value:
        return NIL
    s.value[:] = new
    return self


@method("String", "lstrip!", arity=0)
def str_lstrip_bang(vm, self, args, blk):
    return _strip_bang(vm, self, True, False)


@method("String", "rstrip!", arity=0)
def str_rstrip_bang(vm, self, args, blk):
    return _strip_bang(vm, self, False, True)


@method("String", "strip!", arity=0)
def str_strip_bang(vm, self, args, blk):
    return _strip_bang(vm, self, True, True)


@method("String", "clear", arity=0)
def str_clear(vm, self, args, blk):
    _modify(vm, self)
    _obj(vm, self).value = bytearray()
    return self


@method("String", "delete_prefix!", arity=1)
def str_del_prefix_bang(vm, self, args, blk):
    pre = ensure_str(vm, args[0])
    s = _obj(vm, self)
    if len(pre) > len(s.value) or not s.value.startswith(pre):
        return NIL
    _modify(vm, self)
    del s.value[:len(pre)]
    return self


@method("String", "delete_prefix", arity=1)
def str_del_prefix(vm, self, args, blk):
    pre = ensure_str(vm, args[0])
    b = _bytes(vm, self)
    if len(pre) > len(b) or not b.startswith(pre):
        return new_str(vm, b)
    return new_str(vm, b[len(pre):])


@method("String", "delete_suffix!", arity=1)
def str_del_suffix_bang(vm, self, args, blk):
    suf = ensure_str(vm, args[0])
    s = _obj(vm, self)
    if len(suf) > len(s.value) or not s.value.endswith(suf):
        return NIL
    _modify(vm, self)
    if suf:
        del s.value[len(s.value) - len(suf):]
    return self


@method("String", "delete_suffix", arity=1)
def str_del_suffix(vm, self, args, blk):
    suf = ensure_str(vm, args[0])
    b = _bytes(vm, self)
    if len(suf) > len(b) or not b.endswith(suf):
        return new_str(vm, b)
    return new_str(vm, b[:len(b) - len(suf)])


# ------------------------------------------------------------ concatenation

def int_chr_binary(vm, num) -> bytes:
    cp = as_int(vm, num)
    if cp < 0 or cp > 0xFF:
        vm.raise_error(vm.c_RangeError, f"{_to_s_str(vm, num)} out of char range")
    return bytes((cp,))


@method("String", "<<", arity=1)
@method("String", "concat", arity=1)
def str_concat(vm, self, args, blk):
    o = args[0]
    if o & OBJECT_MASK == OBJECT_TAG:
        r = vm.objects[o >> OBJECT_SHIFT]
        if type(r) is RString:
            add = r.value
        elif type(r) in (RInteger, RFloat):
            add = int_chr_binary(vm, o)
        else:
            ensure_str(vm, o)
    elif o & 1 or o & FLONUM_MASK == FLONUM_TAG:
        add = int_chr_binary(vm, o)
    else:
        ensure_str(vm, o)
    if add:
        s = vm.objects[self >> OBJECT_SHIFT]
        if s.frozen:
            vm.frozen_error(self)
        if add is s.value:
            add = bytes(add)
        try:
            s.value += add
        except MemoryError:     # mruby's realloc failed: its NoMemoryError
            raise_nomem(vm)
    return self


@method("String", "prepend", arity=-1)
def str_prepend(vm, self, args, blk):
    _rb_argc(vm, args, 1)
    str_aset(vm, self, abi.fixnum(0), abi.fixnum(0), args[0])
    return self


# ----------------------------------------------------------------- reverse

@method("String", "reverse", arity=0)
def str_reverse(vm, self, args, blk):
    return new_str(vm, _bytes(vm, self)[::-1])


@method("String", "reverse!", arity=0)
def str_reverse_bang(vm, self, args, blk):
    s = _obj(vm, self)
    if len(s.value) > 1:
        _modify(vm, self)
        s.value.reverse()
    return self


# ------------------------------------------------------------------ split

@method("String", "split", arity=(0, 2))
def str_split(vm, self, args, blk):
    argc = len(args)
    spat = args[0] if argc >= 1 else NIL
    lim = as_int(vm, args[1]) if argc == 2 else 0
    b = bytes(_bytes(vm, self))
    lim_p = lim > 0 and argc == 2
    i = 0
    if argc == 2:
        if lim == 1:
            if not b:
                return vm.ary_new([])
            return vm.ary_new([self])
        i = 1
    awk = False
    if argc == 0 or spat == NIL:
        awk = True
    elif not _is_str(vm, spat):
        vm.raise_error(vm.c_TypeError, "expected String")
    elif _bytes(vm, spat) == b" ":
        awk = True
    result = []
    beg = 0
    n = len(b)
    if awk:
        skip = True
        idx = end = 0
        while idx < n:
            c = b[idx]
            idx += 1
            if skip:
                if c in _SPACE:
                    beg = idx
                else:
                    end = idx
                    skip = False
                    if lim_p and lim <= i:
                        break
            elif c in _SPACE:
                result.append(b[beg:end])
                skip = True
                beg = idx
                if lim_p:
                    i += 1
            else:
                end = idx
    else:
        pat = bytes(_bytes(vm, spat))
        plen = len(pat)
        idx = 0
        while idx < n:
            if plen > 0:
                f = b.find(pat, idx)
                if f < 0:
                    break
                end = f - idx
            else:
                end = 1
            result.append(b[idx:idx + end])
            idx += end + plen
            i += 1
            if lim_p and lim <= i:
                break
        beg = idx
    if n > 0 and (lim_p or n > beg or lim < 0):
        result.append(b[beg:] if n != beg else b"")
    if not lim_p and lim == 0:
        while result and len(result[-1]) == 0:
            result.pop()
    return vm.ary_new([new_str(vm, x) for x in result])


# ------------------------------------------------------- tr, delete, count

class _TrPat:
    __slots__ = ("kind", "n", "start", "lo", "hi")


def _schar(c):
    return c - 256 if c >= 128 else c


def _tr_parse(pattern: bytes, reverse_enable: bool):
    """tr_parse_pattern: (list of _TrPat, reverse flag)."""
    n = len(pattern)
    i = 0
    rev = False
    pats = []
    if reverse_enable and n >= 2 and pattern[0] == 0x5E:
        rev = True
        i += 1
    while i < n:
        p = _TrPat()
        if i + 2 < n and pattern[i] != 0x5C and pattern[i + 1] == 0x2D:
            p.kind = 2
            p.lo = _schar(pattern[i])
            p.hi = _schar(pattern[i + 2])
            p.n = (p.hi - p.lo + 1) & 0xFFFF
            i += 3
        else:
            start = i
            i += 1
            while i < n:
                if i + 2 < n and pattern[i] != 0x5C and pattern[i + 1] == 0x2D:
                    break
                i += 1
            p.kind = 1
            p.start = start
            p.n = i - start
        pats.append(p)
    return pats, rev


def _tr_find(pats, rev, pstr, ch):
    ret = -1
    nsum = 0
    for p in pats:
        if p.kind == 1:
            for k in range(p.n):
                if _schar(pstr[p.start + k]) == ch:
                    ret = nsum + k
        else:
            if p.lo <= ch <= p.hi:
                ret = nsum + ch - p.lo
        nsum += p.n
    if pats and rev:
        return MRB_INT_MAX if ret < 0 else -1
    return ret


def _tr_get(pats, pstr, nth):
    nsum = 0
    for k, p in enumerate(pats):
        if nth < nsum + p.n:
            i = nth - nsum
            if p.kind == 1:
                return _schar(pstr[p.start + i])
            return p.lo + i
        if k == len(pats) - 1:
            if p.kind == 1:
                return _schar(pstr[p.start + p.n - 1])
            return p.hi
        nsum += p.n
    return -1


def _tr_bitmap(pats, rev, pstr):
    bm = [False] * 256
    for p in pats:
        if p.kind == 1:
            for k in range(p.n):
                bm[pstr[p.start + k]] = True
        else:
            for c in range(p.lo, p.hi):
                bm[c & 0xFF] = True
    if pats and rev:
        bm = [not x for x in bm]
    return bm


def _str_tr(vm, self, p1w, p2w, squeeze):
    """str_tr: modifies self's bytes; True when something matched."""
    p1 = bytes(ensure_str(vm, p1w))
    p2 = bytes(ensure_str(vm, p2w))
    _modify(vm, self)
    pat, rev = _tr_parse(p1, True)
    rep, _ = _tr_parse(p2, False)
    s = _obj(vm, self).value
    buf = bytearray(s)
    changed = False
    lastch = -1
    ln = len(buf)
    i = j = 0
    # a literal port: once a character has been dropped (j < i), the
    # translated character is stored at buf[i], not buf[j] (mruby 3.1 does so)
    memo = {}
    while i < ln:
        byte = buf[i]
        n = memo.get(byte)
        if n is None:
            n = memo[byte] = _tr_find(pat, rev, p1, _schar(byte))
        if i > j:
            buf[j] = buf[i]
        if n >= 0:
            changed = True
            c = _tr_get(rep, p2, n)
            if c < 0 or (squeeze and c == lastch):
                i += 1
                continue
            if c > 0x80:
                vm.raise_error(vm.c_ArgumentError, f"character ({c}) out of range")
            lastch = c
            buf[i] = c & 0xFF
        i += 1
        j += 1
    if changed:
        s[:] = buf[:j]
    return changed


def _tr_common(vm, self, args, squeeze, bang):
    if bang:
        return self if _str_tr(vm, self, args[0], args[1], squeeze) else NIL
    dup = new_str(vm, _bytes(vm, self))
    _str_tr(vm, dup, args[0], args[1], squeeze)
    return dup


@method("String", "tr", arity=2)
def str_tr(vm, self, args, blk):
    return _tr_common(vm, self, args, False, False)


@method("String", "tr!", arity=2)
def str_tr_bang(vm, self, args, blk):
    return _tr_common(vm, self, args, False, True)


@method("String", "tr_s", arity=2)
def str_tr_s(vm, self, args, blk):
    return _tr_common(vm, self, args, True, False)


@method("String", "tr_s!", arity=2)
def str_tr_s_bang(vm, self, args, blk):
    return _tr_common(vm, self, args, True, True)


def _str_squeeze(vm, self, patw):
    pat = None
    if patw != NIL:
        pat = bytes(ensure_str(vm, patw))
    _modify(vm, self)
    bm = None
    if pat is not None:
        pats, rev = _tr_parse(pat, True)
        bm = _tr_bitmap(pats, rev, pat)
    s = _obj(vm, self).value
    out = bytearray()
    changed = False
    lastch = -1
    for c in s:
        sc = c - 256 if c >= 128 else c     # `char` is signed; lastch starts at -1
        if bm is not None:
            if bm[c] and sc == lastch:
                changed = True
                continue
        elif sc >= 0 and sc == lastch:
            changed = True
            continue
        out.append(c)
        lastch = sc
    if changed:
        s[:] = out
    return changed


@method("String", "squeeze", arity=(0, 1))
def str_squeeze(vm, self, args, blk):
    if args:
        ensure_str(vm, args[0])
    dup = new_str(vm, _bytes(vm, self))
    _str_squeeze(vm, dup, args[0] if args else NIL)
    return dup


@method("String", "squeeze!", arity=(0, 1))
def str_squeeze_bang(vm, self, args, blk):
    if args:
        ensure_str(vm, args[0])
    return self if _str_squeeze(vm, self, args[0] if args else NIL) else NIL


def _str_delete(vm, self, patw):
    pat = bytes(ensure_str(vm, patw))
    _modify(vm, self)
    pats, rev = _tr_parse(pat, True)
    bm = _tr_bitmap(pats, rev, pat)
    s = _obj(vm, self).value
    out = bytearray(c for c in s if not bm[c])
    if len(out) != len(s):
        s[:] = out
        return True
    return False


@method("String", "delete", arity=1)
def str_delete(vm, self, args, blk):
    ensure_str(vm, args[0])
    dup = new_str(vm, _bytes(vm, self))
    _str_delete(vm, dup, args[0])
    return dup


@method("String", "delete!", arity=1)
def str_delete_bang(vm, self, args, blk):
    ensure_str(vm, args[0])
    return self if _str_delete(vm, self, args[0]) else NIL


@method("String", "count", arity=1)
def str_count(vm, self, args, blk):
    pat = bytes(ensure_str(vm, args[0]))
    pats, rev = _tr_parse(pat, True)
    bm = _tr_bitmap(pats, rev, pat)
    return vm.int_new(sum(1 for c in _bytes(vm, self) if bm[c]))


# ------------------------------------------------------------------ succ

def _succ(b: bytes) -> bytes:
    """mrb_str_succ_bang on a copy."""
    n = len(b)
    if n == 0:
        return b""
    s = bytearray(b)
    e = n - 1
    while e >= 0:
        if _isalnum(s[e]):
            break
        e -= 1
    if e < 0:
        e = n - 1
        bi = 0
        result = bytearray()
    else:
        bi = e
        while bi > 0:
            c = s[bi]
            if not _isalnum(c) or (c != 0x39 and c != 0x7A and c != 0x5A):
                break
            bi -= 1
        if not _isalnum(s[bi]):
            bi += 1
        result = bytearray(s[:bi])
    while e >= bi:
        c = s[e]
        if not _isalnum(c):
            if c == 0xFF:
                result += b"\x01"
                s[e] = 0
            else:
                s[e] = c + 1
            break
        prepend = None
        if c == 0x39:
            if e == bi:
                prepend = b"1"
            s[e] = 0x30
        elif c == 0x7A:
            if e == bi:
                prepend = b"a"
            s[e] = 0x61
        elif c == 0x5A:
            if e == bi:
                prepend = b"A"
            s[e] = 0x41
        else:
            s[e] = c + 1
            break
        if prepend:
            result += prepend
        e -= 1
    result += s[bi:]
    return bytes(result)


@method("String", "succ", arity=0)
@method("String", "next", arity=0)
def str_succ(vm, self, args, blk):
    return new_str(vm, _succ(_bytes(vm, self)))


@method("String", "succ!", arity=0)
@method("String", "next!", arity=0)
def str_succ_bang(vm, self, args, blk):
    s = _obj(vm, self)
    if not s.value:
        return self
    _modify(vm, self)
    s.value[:] = _succ(s.value)
    return self


# -------------------------------------------------------------- iteration

def _lines(b: bytes):
    out = []
    n = len(b)
    p = 0
    while p < n:
        t = p
        q = b.find(b"\n", p)
        p = n if q < 0 else q + 1
        out.append(b[t:p])
    return out


@method("String", "__lines", arity=0)
def str___lines(vm, self, args, blk):
    return vm.ary_new([new_str(vm, x) for x in _lines(bytes(_bytes(vm, self)))])


@method("String", "lines", arity=-1)
def str_lines(vm, self, args, blk):
    _rb_argc(vm, args, 0)
    ary = str___lines(vm, self, [], NIL)
    if blk != NIL:
        # lines.each do |line| blk.call(line) end
        _each_calling(vm, ary, blk, "lines", lambda w: w)
    return ary


@method("String", "each_line", arity=-1)
def str_each_line(vm, self, args, blk):
    _rb_argc(vm, args, 0, 1)
    if blk == NIL:
        return _to_enum(vm, self, "each_line", [args[0] if args else new_str(vm, b"\n")])
    sep = args[0] if args else None
    if sep == NIL:
        vm.yield_block(blk, [self])
        return self
    if sep is None:
        sepb = b"\n"
    else:
        if not _is_str(vm, sep):
            vm.raise_error(vm.c_TypeError, "TypeError")
        sepb = bytes(_bytes(vm, sep))
    paragraph = False
    if not sepb:
        paragraph = True
        sepb = b"\n\n"
    string = bytes(_bytes(vm, self))
    self_len = len(string)
    start = 0
    while True:
        ptr = _search(string, sepb, start)
        if ptr < 0:
            break
        ptr += len(sepb)
        if paragraph:
            while ptr < len(string) and string[ptr] == 10:
                ptr += 1
        vm.yield_block(blk, [_substr(vm, string, start, ptr - start)])
        start = ptr
    if start == self_len:
        return self
    vm.yield_block(blk, [_substr(vm, string, start, self_len - start)])
    return self


@method("String", "each_byte", arity=0)
def str_each_byte(vm, self, args, blk):
    if blk == NIL:
        return _to_enum(vm, self, "each_byte")
    b = bytes(_bytes(vm, self))
    for c in b:
        vm.yield_block(blk, [abi.fixnum(c)])
    return self


@method("String", "each_char", arity=0)
def str_each_char(vm, self, args, blk):
    if blk == NIL:
        return _to_enum(vm, self, "each_char")
    pos = 0
    while True:
        b = _bytes(vm, self)
        if pos >= len(b):
            break
        vm.yield_block(blk, [new_str(vm, b[pos:pos + 1])])
        pos += 1
    return self


def _split_chars(vm, self):
    return [new_str(vm, bytes((c,))) for c in bytes(_bytes(vm, self))]


def _each_calling(vm, ary, blk, name, conv):
    """``ary.each do |x| block.call(conv(x)) end`` inside the mrblib method
    ``name``: Array#each and the inner block get their own call-info records,
    as in mruby's backtraces."""
    def inner(vm, s, a, b):
        return vm.yield_block(blk, [conv(a[0] if a else NIL)])
    vm.funcall(ary, "each", [], vm.make_builtin_proc(inner, mid=name))


@method("String", "chars", arity=0)
def str_chars(vm, self, args, blk):
    chars = vm.ary_new(_split_chars(vm, self))
    if blk != NIL:
        _each_calling(vm, chars, blk, "chars", lambda w: w)
        return self
    return chars


def _ord_w(vm, w):
    if _is_str(vm, w):
        return str_ord(vm, w, [], NIL)
    return vm.funcall(w, "ord")


@method("String", "codepoints", arity=0)
@method("String", "each_codepoint", arity=0)
def str_codepoints(vm, self, args, blk):
    if blk != NIL:
        chars = vm.ary_new(_split_chars(vm, self))
        _each_calling(vm, chars, blk, "codepoints", lambda w: _ord_w(vm, w))
        return self
    return vm.ary_new([abi.fixnum(c) for c in bytes(_bytes(vm, self))])


def _succ_w(vm, w):
    return new_str(vm, _succ(_bytes(vm, w)))


@method("String", "upto", arity=-1)
def str_upto(vm, self, args, blk):
    _rb_argc(vm, args, 1, 1)
    mx = args[0]
    exclusive = args[1] if len(args) > 1 else FALSE
    if blk == NIL:
        return _to_enum(vm, self, "upto", [mx, exclusive])
    if not _is_str(vm, mx):
        vm.raise_error(vm.c_TypeError,
                       f"no implicit conversion of {vm.class_name(vm.real_class(mx))} into String")
    excl = abi.truthy(exclusive)
    sb = bytes(_bytes(vm, self))
    mb = bytes(_bytes(vm, mx))
    ln = len(sb)
    maxlen = len(mb)
    if ln == 1 and maxlen == 1:
        c = sb[0]
        e = mb[0]
        while c <= e:
            if excl and c == e:
                break
            vm.yield_block(blk, [new_str(vm, bytes((c,)))])
            c += 1
        return self
    bi = vm.int_value(str_len_to_integer(vm, sb, 10, False))
    ei = vm.int_value(str_len_to_integer(vm, mb, 10, False))
    # `bi == "0"*len` compares an Integer with a String: always false
    if bi > 0 and ei > 0:
        while bi <= ei:
            if excl and bi == ei:
                break
            s = str(bi).encode()
            if len(s) < ln:
                s = s.rjust(ln, b"0")
            vm.yield_block(blk, [new_str(vm, s)])
            bi += 1
        return self
    bs = new_str(vm, sb)
    while True:
        cur = bytes(_bytes(vm, bs))
        n = (cur > mb) - (cur < mb)
        if n > 0:
            break
        if excl and n == 0:
            break
        vm.yield_block(blk, [bs])
        if n == 0:
            break
        bsiz = len(cur)
        if bsiz > len(mb) or bsiz == 0:
            break
        bs = _succ_w(vm, bs)
    return self


@method("String", "__upto_endless", arity=0)
def str___upto_endless(vm, self, args, blk):
    sb = bytes(_bytes(vm, self))
    ln = len(sb)
    bi = vm.int_value(str_len_to_integer(vm, sb, 10, False))
    if bi > 0:
        while True:
            s = str(bi).encode()
            if len(s) < ln:
                s = s.rjust(ln, b"0")
            vm.yield_block(blk, [new_str(vm, s)])
            bi += 1
    bs = self
    while True:
        vm.yield_block(blk, [bs])
        bs = _succ_w(vm, bs)


# --------------------------------------------------------- sub, gsub

@method("String", "__sub_replace", arity=3)
def str___sub_replace(vm, self, args, blk):
    p = bytes(ensure_str(vm, args[0]))
    match = bytes(ensure_str(vm, args[1]))
    found = as_int(vm, args[2])
    return new_str(vm, _sub_replace(_bytes(vm, self), p, match, found))


def _sub_replace(s, p, match, found):
    out = bytearray()
    n = len(p)
    i = 0
    while i < n:
        c = p[i]
        if c != 0x5C or i + 1 == n:
            out.append(c)
            i += 1
            continue
        i += 1
        c = p[i]
        if c == 0x5C:
            out += b"\\"
        elif c == 0x60:
            out += s[:found]
        elif c == 0x26 or c == 0x30:
            out += match
        elif c == 0x27:
            off = found + len(match)
            if len(s) > off:
                out += s[off:]
        elif 0x31 <= c <= 0x39:
            pass
        else:
            out += p[i - 1:i + 1]
        i += 1
    return bytes(out)


def _pattern_len(vm, pattern):
    if _is_str(vm, pattern):
        return len(_bytes(vm, pattern))
    return vm.int_value(vm.funcall(pattern, "length"))


def _gsub(vm, self, args, blk):
    if len(args) == 1 and blk == NIL:
        return _to_enum(vm, self, "gsub", args)
    if not 1 <= len(args) <= 2:
        vm.raise_error(vm.c_ArgumentError,
                       f"wrong number of arguments (given {len(args)}, expected 1..2)")
    pattern = args[0]
    replace = args[1] if len(args) > 1 else NIL
    plen = _pattern_len(vm, pattern)
    if len(args) == 2:
        blk = NIL
    offset = 0
    result = bytearray()
    while True:
        found = str_index_m(vm, self, [pattern, vm.int_new(offset)], NIL)
        if found == NIL:
            break
        found = vm.int_value(found)
        b = _bytes(vm, self)
        result += b[offset:found]
        offset = found + plen
        if blk != NIL:
            result += vm.to_s(vm.yield_block(blk, [pattern]))
        else:
            rep = ensure_str(vm, replace)
            result += _sub_replace(_bytes(vm, self), bytes(rep), bytes(_bytes(vm, pattern)),
                                   found)
        if plen == 0:
            result += _bytes(vm, self)[offset:offset + 1]
            offset += 1
    b = _bytes(vm, self)
    if offset < len(b):
        result += b[offset:]
    return new_str(vm, result)


@method("String", "gsub", arity=-1)
def str_gsub(vm, self, args, blk):
    return _gsub(vm, self, args, blk)


@method("String", "gsub!", arity=-1)
def str_gsub_bang(vm, self, args, blk):
    if _obj(vm, self).frozen:
        _raise_frozen(vm)
    if len(args) == 1 and blk == NIL:
        return _to_enum(vm, self, "gsub!", args)
    s = vm.funcall(self, "gsub", args, blk)
    if str_index_m(vm, self, [args[0]], NIL) == NIL:
        return NIL
    return str_replace(vm, self, [s], NIL)


def _sub(vm, self, args, blk):
    if not 1 <= len(args) <= 2:
        vm.raise_error(vm.c_ArgumentError,
                       f"wrong number of arguments (given {len(args)}, expected 2)")
    pattern = args[0]
    replace = args[1] if len(args) > 1 else NIL
    if len(args) == 2:
        blk = NIL
    found = str_index_m(vm, self, [pattern], NIL)
    if found == NIL:
        return vm.str_dup(self)
    found = vm.int_value(found)
    result = bytearray(_bytes(vm, self)[:found])
    offset = found + _pattern_len(vm, pattern)
    if blk != NIL:
        result += vm.to_s(vm.yield_block(blk, [pattern]))
    else:
        rep = ensure_str(vm, replace)
        result += _sub_replace(_bytes(vm, self), bytes(rep), bytes(_bytes(vm, pattern)), found)
    b = _bytes(vm, self)
    if offset < len(b):
        result += b[offset:]
    return new_str(vm, result)


@method("String", "sub", arity=-1)
def str_sub(vm, self, args, blk):
    return _sub(vm, self, args, blk)


@method("String", "sub!", arity=-1)
def str_sub_bang(vm, self, args, blk):
    if _obj(vm, self).frozen:
        _raise_frozen(vm)
    s = vm.funcall(self, "sub", args, blk)
    if str_index_m(vm, self, [args[0]], NIL) == NIL:
        return NIL
    return str_replace(vm, self, [s], NIL)


# -------------------------------------------------------- partition, slice!

@method("String", "partition", arity=-1)
def str_partition(vm, self, args, blk):
    _rb_argc(vm, args, 1)
    sep = args[0]
    if not _is_str(vm, sep):
        vm.raise_error(vm.c_TypeError,
                       f"type mismatch: {vm.class_name(vm.real_class(sep))} given")
    b = bytes(_bytes(vm, self))
    sb = bytes(_bytes(vm, sep))
    n = _search(b, sb, 0)
    if n >= 0:
        m = n + len(sb)
        return vm.ary_new([new_str(vm, b[:n]), sep, new_str(vm, b[m:])])
    return vm.ary_new([new_str(vm, b), new_str(vm, b""), new_str(vm, b"")])


@method("String", "rpartition", arity=-1)
def str_rpartition(vm, self, args, blk):
    _rb_argc(vm, args, 1)
    sep = args[0]
    if not _is_str(vm, sep):
        vm.raise_error(vm.c_TypeError,
                       f"type mismatch: {vm.class_name(vm.real_class(sep))} given")
    b = bytes(_bytes(vm, self))
    sb = bytes(_bytes(vm, sep))
    n = _rindex(b, sb, len(b))
    if n >= 0:
        m = n + len(sb)
        return vm.ary_new([new_str(vm, b[:n]), sep, new_str(vm, b[m:])])
    return vm.ary_new([new_str(vm, b""), new_str(vm, b""), self])


# Arithmetic and comparison as the mrblib methods perform them: plain
# Integers are computed here, anything else dispatches (Float#+,
# Comparable#<, NoMethodError for nil...).

def _fix(w):
    return w & 1 == 1


def _numval(vm, w):
    if w & 1:
        return abi.fixnum_value(w)
    if w & FLONUM_MASK == FLONUM_TAG:
        return abi.flonum_value(w)
    if w & OBJECT_MASK == OBJECT_TAG:
        o = vm.objects[w >> OBJECT_SHIFT]
        t = type(o)
        if t is RInteger or t is RFloat:
            return o.value
    return None


def _op(vm, a, op, b):
    # Integer/Float operands are computed inline, as the VM's OP_LT, OP_ADD...
    # do it in mrblib code (so NaN <= 0 is false there)
    x = _numval(vm, a)
    y = _numval(vm, b) if x is not None else None
    if y is not None:
        if op == "<":
            return TRUE if x < y else FALSE
        if op == "<=":
            return TRUE if x <= y else FALSE
        if op == ">":
            return TRUE if x > y else FALSE
        if op == ">=":
            return TRUE if x >= y else FALSE
        if op == "==":
            return TRUE if x == y else FALSE
        isf = isinstance(x, float) or isinstance(y, float)
        if op == "+" or op == "-" or op == "*":
            r = x + y if op == "+" else x - y if op == "-" else x * y
            if isf:
                return vm.float_new(r)
            if abi.MRB_INT_MIN <= r <= abi.MRB_INT_MAX:
                return vm.int_new(r)
            # OP_ADD/OP_SUB/OP_MUL's own message, not Integer#+'s
            vm.raise_error(vm.c_RangeError, "integer overflow")
        elif op == "/" and y != 0:
            if isf:
                return vm.float_new(x / y)
            return vm.int_new(x // y)
    return vm.funcall(a, op, [b])


def _test(vm, a, op, b):
    return abi.truthy(_op(vm, a, op, b))


_F0 = abi.fixnum(0)
_F1 = abi.fixnum(1)
_FM1 = abi.fixnum(-1)


def _rng(vm, a, b, excl):
    return vm.range_new(a, b, excl)


def _aref(vm, w, *args):
    """self[...] as mrblib code calls it (String#[] unless overridden)."""
    if _is_str(vm, w):
        return str_aref(vm, w, *args)
    return vm.funcall(w, "[]", list(args))


def _to_s_w(vm, w):
    return new_str(vm, b"") if w == NIL else w


@method("String", "slice!", arity=-1)
def str_slice_bang(vm, self, args, blk):
    _rb_argc(vm, args, 1, 1)
    s = _obj(vm, self)
    if s.frozen:
        _raise_frozen(vm)
    arg1 = args[0]
    arg2 = args[1] if len(args) > 1 else NIL
    if arg1 == NIL and arg2 == NIL:
        vm.raise_error(vm.c_ArgumentError, "wrong number of arguments (expected 1..2)")

    def size():
        return vm.int_new(len(s.value))

    two = arg1 != NIL and arg2 != NIL
    is_range = vm.is_range(arg1)
    is_str = _is_str(vm, arg1)
    if two:
        idx = arg1
        if _test(vm, arg1, "<", _F0):
            idx = _op(vm, idx, "+", size())
        if _test(vm, idx, ">=", _F0) and _test(vm, idx, "<=", size()) and \
                _test(vm, arg2, ">", _F0):
            st = str_aref(vm, self, idx, arg2)
        else:
            return NIL
    else:
        validated = False
        if is_range:
            rng = _obj(vm, arg1)
            beg = rng.first
            ed = rng.last
            if _test(vm, beg, "<", _F0):
                beg = _op(vm, beg, "+", size())
            if _test(vm, ed, "<", _F0):
                ed = _op(vm, ed, "+", size())
            if rng.excl:
                ed = _op(vm, ed, "-", _F1)
            validated = True
        elif is_str:
            validated = True
        else:
            idx = arg1
            if _test(vm, arg1, "<", _F0):
                idx = _op(vm, idx, "+", size())
            if _test(vm, idx, ">=", _F0) and _test(vm, arg1, "<", size()):
                validated = True
        if validated:
            st = str_aref(vm, self, arg1)
        else:
            return NIL
    if st != NIL and not (_is_str(vm, st) and not _bytes(vm, st)):
        str2 = NIL
        if two:
            idx = arg1 if _test(vm, arg1, ">=", _F0) else _op(vm, size(), "+", arg1)
            left = _aref(vm, self, _rng(vm, _F0, idx, True))
            right = _to_s_w(vm, _aref(vm, self, _rng(vm, _op(vm, idx, "+", arg2), _FM1, False)))
            str2 = vm.funcall(left, "+", [right])
        elif is_range:
            idx = beg if _test(vm, beg, ">=", _F0) else _op(vm, size(), "+", beg)
            idx2 = ed if _test(vm, ed, ">=", _F0) else _op(vm, size(), "+", ed)
            left = _aref(vm, self, _rng(vm, _F0, idx, True))
            right = _to_s_w(vm, _aref(vm, self, _rng(vm, _op(vm, idx2, "+", _F1), _FM1, False)))
            str2 = vm.funcall(left, "+", [right])
        elif is_str:
            idx = str_index_m(vm, self, [arg1], NIL)
            if idx != NIL:
                left = _aref(vm, self, _rng(vm, _F0, idx, True))
                right = _aref(vm, self, _rng(vm, _op(vm, idx, "+", vm.funcall(arg1, "size")),
                                             _FM1, False))
                str2 = vm.funcall(left, "+", [right])
        else:
            idx = arg1 if _test(vm, arg1, ">=", _F0) else _op(vm, size(), "+", arg1)
            left = _aref(vm, self, _rng(vm, _F0, idx, True))
            right = _to_s_w(vm, _aref(vm, self, _rng(vm, _op(vm, idx, "+", _F1), _FM1, False)))
            str2 = vm.funcall(left, "+", [right])
        if str2 != NIL:
            str_replace(vm, self, [str2], NIL)
    return st


@method("String", "insert", arity=-1)
def str_insert(vm, self, args, blk):
    _rb_argc(vm, args, 2)
    idx, s = args
    if _test(vm, idx, "==", _FM1):
        return str_concat(vm, self, [s], NIL)
    if _test(vm, idx, "<", _F0):
        idx = _op(vm, idx, "+", _F1)
    str_aset(vm, self, idx, _F0, s)
    return self


# ------------------------------------------------------- justification

def _justify(vm, self, args, mode):
    _rb_argc(vm, args, 1, 1)
    width = args[0]
    padw = args[1] if len(args) > 1 else None
    b = _bytes(vm, self)
    size = len(b)
    if padw is None:
        pad = b" "
    elif _is_str(vm, padw):
        pad = bytes(_bytes(vm, padw))
        if not pad:
            vm.raise_error(vm.c_ArgumentError, "zero width padding")
    else:
        pad = None
        if abi.truthy(vm.funcall(padw, "==", [new_str(vm, b"")])):
            vm.raise_error(vm.c_ArgumentError, "zero width padding")
    if _fix(width) and pad is not None and abi.fixnum_value(width) < (1 << 31):
        w = abi.fixnum_value(width)
        if w <= size:
            return self
        if mode == "center":
            w -= size
            pad1 = w // 2
            pad2 = w - pad1
            return new_str(vm, (pad * pad1)[:pad1] + b + (pad * pad2)[:pad2])
        padding = (pad * (w // len(pad)))[:w - size]
        return new_str(vm, b + padding if mode == "ljust" else padding + b)
    # the general case, step by step as mrblib/string.rb does it
    padw = padw if padw is not None else new_str(vm, b" ")
    sz = abi.fixnum(size)
    if _test(vm, width, "<=", sz):
        return self
    if mode == "center":
        width = _op(vm, width, "-", sz)
        pad1 = _op(vm, width, "/", abi.fixnum(2))
        pad2 = _op(vm, width, "-", pad1)
        left = _aref(vm, _op(vm, padw, "*", pad1), _F0, pad1)
        mid = _op(vm, left, "+", self)
        right = _aref(vm, _op(vm, padw, "*", pad2), _F0, pad2)
        return _op(vm, mid, "+", right)
    reps = _op(vm, width, "/", vm.funcall(padw, "size"))
    padding = _aref(vm, _op(vm, padw, "*", reps), _F0, _op(vm, width, "-", sz))
    if mode == "ljust":
        return str_plus(vm, self, [padding], NIL)
    return vm.funcall(padding, "+", [self])


@method("String", "ljust", arity=-1)
def str_ljust(vm, self, args, blk):
    return _justify(vm, self, args, "ljust")


@method("String", "rjust", arity=-1)
def str_rjust(vm, self, args, blk):
    return _justify(vm, self, args, "rjust")


@method("String", "center", arity=-1)
def str_center(vm, self, args, blk):
    return _justify(vm, self, args, "center")


# ------------------------------------------------------ pack / unpack
# mruby-pack (part of the default build): Array#pack, String#unpack(1).

_P_CHAR, _P_SHORT, _P_LONG, _P_QUAD, _P_BER, _P_UTF8, _P_DOUBLE, _P_FLOAT, _P_STR, \
    _P_HEX, _P_BASE64, _P_QENC, _P_NUL, _P_BACK, _P_ABS, _P_INVALID = range(16)
_T_INT, _T_FLOAT, _T_STR, _T_NONE = range(4)

_F_s = 0x1
_F_a = 0x2
_F_Z = 0x4
_F_SIGNED = 0x8
_F_GT = 0x10
_F_LT = 0x20
_F_WIDTH = 0x40
_F_LSB = 0x80
_F_COUNT2 = 0x100
_F_LITTLE = 0x200

_TMPL = {
    0x41: (_P_STR, _T_STR, 0, _F_WIDTH | _F_COUNT2),                  # A
    0x61: (_P_STR, _T_STR, 0, _F_WIDTH | _F_COUNT2 | _F_a),           # a
    0x43: (_P_CHAR, _T_INT, 1, 0),                                    # C
    0x63: (_P_CHAR, _T_INT, 1, _F_SIGNED),                            # c
    0x44: (_P_DOUBLE, _T_FLOAT, 8, _F_SIGNED),                        # D
    0x64: (_P_DOUBLE, _T_FLOAT, 8, _F_SIGNED),                        # d
    0x46: (_P_FLOAT, _T_FLOAT, 4, _F_SIGNED),                         # F
    0x66: (_P_FLOAT, _T_FLOAT, 4, _F_SIGNED),                         # f
    0x45: (_P_DOUBLE, _T_FLOAT, 8, _F_SIGNED | _F_LT),                # E
    0x65: (_P_FLOAT, _T_FLOAT, 4, _F_SIGNED | _F_LT),                 # e
    0x47: (_P_DOUBLE, _T_FLOAT, 8, _F_SIGNED | _F_GT),                # G
    0x67: (_P_FLOAT, _T_FLOAT, 4, _F_SIGNED | _F_GT),                 # g
    0x48: (_P_HEX, _T_STR, 0, _F_COUNT2),                             # H
    0x68: (_P_HEX, _T_STR, 0, _F_COUNT2 | _F_LSB),                    # h
    0x4C: (_P_LONG, _T_INT, 4, 0),                                    # L
    0x6C: (_P_LONG, _T_INT, 4, _F_SIGNED),                            # l
    0x77: (_P_BER, _T_INT, 0, _F_SIGNED),                             # w
    0x6D: (_P_BASE64, _T_STR, 0, _F_WIDTH | _F_COUNT2),               # m
    0x4D: (_P_QENC, _T_STR, 0, _F_WIDTH | _F_COUNT2),                 # M
    0x4E: (_P_LONG, _T_INT, 4, _F_GT),                                # N
    0x6E: (_P_SHORT, _T_INT, 2, _F_GT),                               # n
    0x51: (_P_QUAD, _T_INT, 8, 0),                                    # Q
    0x71: (_P_QUAD, _T_INT, 8, _F_SIGNED),                            # q
    0x53: (_P_SHORT, _T_INT, 2, 0),                                   # S
    0x73: (_P_SHORT, _T_INT, 2, _F_SIGNED),                           # s
    0x55: (_P_UTF8, _T_INT, 0, 0),                                    # U
    0x56: (_P_LONG, _T_INT, 4, _F_LT),                                # V
    0x76: (_P_SHORT, _T_INT, 2, _F_LT),                               # v
    0x78: (_P_NUL, _T_NONE, 0, 0),                                    # x
    0x58: (_P_BACK, _T_NONE, 0, 0),                                   # X
    0x40: (_P_ABS, _T_NONE, 0, 0),                                    # @
    0x5A: (_P_STR, _T_STR, 0, _F_WIDTH | _F_COUNT2 | _F_Z),           # Z
}
_INT_MAX32 = (1 << 31) - 1


def _read_tmpl(vm, t: bytes, idx: int):
    """read_tmpl: (dir, type, size, count, flags, new idx)."""
    c = t[idx]
    idx += 1
    if c == 0x49:       # I: sizeof(int) == 4
        c = 0x4C
    elif c == 0x69:
        c = 0x6C
    if c in (0x70, 0x50, 0x25):
        vm.raise_error(vm.c_ArgumentError, f"{chr(c)} is not supported")
    d, typ, size, flags = _TMPL.get(c, (_P_INVALID, _T_NONE, 0, 0))
    count = 1
    n = len(t)
    while idx < n:
        ch = t[idx]
        if _isdigit(ch):
            v = 0
            while idx < n and _isdigit(t[idx]):
                v = v * 10 + (t[idx] - 48)
                idx += 1
                if v > MRB_INT_MAX:
                    vm.raise_error(vm.c_RuntimeError, "too big template length")
            if v > _INT_MAX32:
                vm.raise_error(vm.c_RuntimeError, "too big template length")
            count = v
            continue
        elif ch == 0x2A:
            count = 0 if typ == _T_NONE else -1
        elif ch in (0x5F, 0x21, 0x3C, 0x3E):
            if c not in b"sSiIlLqQ":
                vm.raise_error(vm.c_ArgumentError,
                               f"'{chr(ch)}' allowed only after types sSiIlLqQ")
            if ch in (0x5F, 0x21):
                flags |= _F_s
            elif ch == 0x3C:
                flags |= _F_LT
            else:
                flags |= _F_GT
        else:
            break
        idx += 1
    if (flags & _F_LT) or not (flags & _F_GT):
        flags |= _F_LITTLE
    return d, typ, size, count, flags, idx


def _ensure_float(vm, w) -> float:
    if w == NIL:
        vm.raise_error(vm.c_TypeError, "can't convert nil into Float")
    if vm.is_int(w):
        return float(vm.int_value(w))
    if vm.is_float(w):
        return vm.float_value(w)
    vm.raise_error(vm.c_TypeError, f"{vm.type_name_for_error(w)} cannot be converted to Float")


def _hex2int(c):
    if 48 <= c <= 57:
        return c - 48
    if 65 <= c <= 70:
        return 10 + c - 65
    if 97 <= c <= 102:
        return 10 + c - 97
    return 0xFFFFFFFF      # -1 as the unsigned int pack_hex keeps it in


_B64 = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_B64_IGNORE = 0xFF
_B64_PAD = 0xFE
_B64_DEC = [_B64_IGNORE] * 128
for _i, _c in enumerate(_B64):
    _B64_DEC[_c] = _i
_B64_DEC[0x3D] = _B64_PAD


def _pack_base64(src: bytes, count: int) -> bytes:
    if not src:
        return b""
    if count != 0 and count < 3:
        count = 45
    elif count >= 3:
        count -= count % 3
    out = bytearray()
    n = len(src)
    i = 0
    column = 3
    while n - i >= 3:
        v = (src[i] << 16) | (src[i + 1] << 8) | src[i + 2]
        i += 3
        out += bytes((_B64[(v >> 18) & 63], _B64[(v >> 12) & 63], _B64[(v >> 6) & 63],
                      _B64[v & 63]))
        if column == count:
            out.append(10)
            column = 0
        column += 3
    rest = n - i
    if rest == 1:
        v = src[i] << 16
        out += bytes((_B64[(v >> 18) & 63], _B64[(v >> 12) & 63])) + b"=="
        column += 3
    elif rest == 2:
        v = (src[i] << 16) | (src[i + 1] << 8)
        out += bytes((_B64[(v >> 18) & 63], _B64[(v >> 12) & 63], _B64[(v >> 6) & 63])) + b"="
        column += 3
    if column > 0 and count > 0:
        out.append(10)
    return bytes(out)


def _unpack_base64(src: bytes):
    out = bytearray()
    slen = len(src)
    p = 0
    padding = 0
    while slen >= 4:
        ch = [0, 0, 0, 0]
        done = False
        for i in range(4):
            while True:
                if slen == 0:
                    slen -= 1
                    done = True
                    break
                slen -= 1
                c = src[p]
                p += 1
                if c >= 128:
                    continue
                ch[i] = _B64_DEC[c]
                if ch[i] == _B64_PAD:
                    ch[i] = 0
                    padding += 1
                if ch[i] != _B64_IGNORE:
                    break
            if done:
                break
        if done:
            break
        v = (ch[0] << 18) + (ch[1] << 12) + (ch[2] << 6) + ch[3]
        if padding == 0:
            out += bytes(((v >> 16) & 255, (v >> 8) & 255, v & 255))
        elif padding == 1:
            out += bytes(((v >> 16) & 255, (v >> 8) & 255))
            break
        else:
            out.append((v >> 16) & 255)
            break
    return bytes(out), p


def _pack_qenc(src: bytes, count: int) -> bytes:
    hexd = b"0123456789ABCDEF"
    out = bytearray()
    if count <= 1:
        count = 72
    n = 0
    prev = -1
    for b in src:
        c = b - 256 if b >= 128 else b     # char is signed
        if c > 126 or (c < 32 and c != 10 and c != 9) or c == 0x3D:
            out += bytes((0x3D, hexd[(b & 0xF0) >> 4], hexd[b & 0x0F]))
            n += 3
            prev = -1
        elif c == 10:
            if prev in (0x20, 9):
                out += b"=\n"
            out.append(10)
            n = 0
            prev = c
        else:
            out.append(b)
            n += 1
            prev = c
        if n > count:
            out += b"=\n"
            n = 0
            prev = 10
    if n > 0:
        out += b"=\n"
    return bytes(out)


def _unpack_qenc(src: bytes) -> bytes:
    out = bytearray()
    n = len(src)
    s = ss = 0
    while s < n:
        if src[s] == 0x3D:
            s += 1
            if s == n:
                break
            if s + 1 < n and src[s] == 13 and src[s + 1] == 10:
                s += 1
            if src[s] != 10:
                c1 = _hex2int(src[s])
                if c1 == 0xFFFFFFFF:
                    break
                s += 1
                if s == n:
                    break
                c2 = _hex2int(src[s])
                if c2 == 0xFFFFFFFF:
                    break
                out.append(((c1 << 4) | c2) & 0xFF)
        else:
            out.append(src[s])
        s += 1
        ss = s
    out += src[ss:]
    return bytes(out)


def _utf8_encode(vm, c):
    c &= 0xFFFFFFFF
    if c < 0x80:
        return bytes((c,))
    if c < 0x800:
        return bytes((0xC0 | (c >> 6), 0x80 | (c & 0x3F)))
    if c < 0x10000:
        return bytes((0xE0 | (c >> 12), 0x80 | ((c >> 6) & 0x3F), 0x80 | (c & 0x3F)))
    if c < 0x200000:
        return bytes((0xF0 | (c >> 18), 0x80 | ((c >> 12) & 0x3F), 0x80 | ((c >> 6) & 0x3F),
                      0x80 | (c & 0x3F)))
    vm.raise_error(vm.c_RangeError, "pack(U): value out of range")


_UTF8_LIMITS = (0x0, 0x80, 0x800, 0x10000, 0x200000, 0x4000000, 0x80000000)


def _utf8_decode(vm, src: bytes, p: int, avail: int):
    """utf8_to_uv: (code point, length)."""
    c = src[p]
    uv = c
    if not uv & 0x80:
        return uv, 1
    if not uv & 0x40:
        vm.raise_error(vm.c_ArgumentError, "malformed UTF-8 character")
    if not uv & 0x20:
        n, uv = 2, uv & 0x1F
    elif not uv & 0x10:
        n, uv = 3, uv & 0x0F
    elif not uv & 0x08:
        n, uv = 4, uv & 0x07
    elif not uv & 0x04:
        n, uv = 5, uv & 0x03
    elif not uv & 0x02:
        n, uv = 6, uv & 0x01
    else:
        vm.raise_error(vm.c_ArgumentError, "malformed UTF-8 character")
    if n > avail:
        vm.raise_error(vm.c_ArgumentError,
                       f"malformed UTF-8 character (expected {n} bytes, given {avail} bytes)")
    for k in range(1, n):
        c = src[p + k]
        if c & 0xC0 != 0x80:
            vm.raise_error(vm.c_ArgumentError, "malformed UTF-8 character")
        uv = (uv << 6) | (c & 0x3F)
    if uv < _UTF8_LIMITS[n - 1]:
        vm.raise_error(vm.c_ArgumentError, "redundant UTF-8 sequence")
    return uv, n


class PackRules:
    """What mruby-pack does differently from one release to another; this
    class is mruby 3.1's pack.c.

    - ``pack_hex``: ``H``/``h`` of a String (pack_hex), a byte per two digits,
      a non-hex digit read as 0xF;
    - ``unpack_ber``: ``w`` at ``src[i]`` (unpack_BER): (value, bytes read);
    - ``utf8_decode``: ``U`` (utf8_to_uv);
    - ``stop_at_end``: a count (``C3``, ``w*``) stops where the string does,
      instead of reading past it (nil, or 0 for ``w``).
    """

    stop_at_end = False

    @staticmethod
    def pack_hex(ov: bytes, count: int, lsb: int) -> bytes:
        ashift, bshift = (0, 4) if lsb else (4, 0)
        slen = len(ov)
        if count == -1:
            count = slen
        elif slen > count:
            slen = count
        out = bytearray()
        sp = 0
        while count > 0:
            a = b = 0
            if slen > 0:
                a = _hex2int(ov[sp])
                sp += 1
                slen -= 1
            if slen > 0:
                b = _hex2int(ov[sp])
                sp += 1
                slen -= 1
            out.append(((a << ashift) + (b << bshift)) & 0xFF)
            count -= 2
        return bytes(out)

    #: ``w``: more bytes than this overflow, whatever they hold (None: no limit)
    ber_max_bytes = None

    def unpack_ber(self, vm, src: bytes, p: int):
        n = 0
        i = 1
        limit = self.ber_max_bytes
        while p < len(src):
            if (limit is not None and i > limit) or n > (MRB_INT_MAX >> 7):
                vm.raise_error(vm.c_RangeError, "BER unpacking 'w' overflow")
            n = (n << 7) | (src[p] & 0x7F)
            if not src[p] & 0x80:
                break
            p += 1
            i += 1
        return n, i

    utf8_decode = staticmethod(_utf8_decode)


PACK31 = PackRules()


def _put(buf: bytearray, idx: int, data: bytes) -> int:
    end = idx + len(data)
    if end > len(buf):
        buf.extend(b"\0" * (end - len(buf)))
    buf[idx:end] = data
    return len(data)


def _int_bytes(n: int, size: int, little: bool) -> bytes:
    n &= (1 << (8 * size)) - 1
    return n.to_bytes(size, "little" if little else "big")


def pack_array(vm, items, tmpl: bytes, rules=None) -> bytes:
    """Array#pack of mruby-pack (``rules``: a release's PackRules)."""
    rules = rules or PACK31
    buf = bytearray()
    ridx = 0
    aidx = 0
    idx = 0
    nt = len(tmpl)
    while idx < nt:
        d, typ, size, count, flags, idx = _read_tmpl(vm, tmpl, idx)
        if d == _P_INVALID:
            continue
        if d == _P_NUL or d == _P_ABS:
            if d == _P_ABS:
                count -= ridx
                if count <= 0:
                    count = -count
                    if ridx < count:
                        vm.raise_error(vm.c_ArgumentError, "@ outside of string")
                    ridx -= count
                    continue
            ridx += _put(buf, ridx, b"\0" * count)
            continue
        if d == _P_BACK:
            if ridx < count:
                vm.raise_error(vm.c_ArgumentError, "X outside of string")
            ridx -= count
            continue
        if (flags & _F_WIDTH) and aidx >= len(items):
            vm.raise_error(vm.c_ArgumentError, "too few arguments")
        little = bool(flags & _F_LITTLE)
        while aidx < len(items):
            if count == 0 and not (flags & _F_WIDTH):
                break
            o = items[aidx]
            if typ == _T_INT:
                ov = as_int(vm, o)
            elif typ == _T_FLOAT:
                ov = vm.float_value(o) if vm.is_float(o) else _ensure_float(vm, o)
            elif typ == _T_STR:
                if not _is_str(vm, o):
                    vm.raise_error(vm.c_TypeError,
                                   f"can't convert {vm.class_name(vm.real_class(o))} into String")
                ov = bytes(_bytes(vm, o))
            if d == _P_CHAR:
                ridx += _put(buf, ridx, _int_bytes(ov, 1, little))
            elif d == _P_SHORT:
                ridx += _put(buf, ridx, _int_bytes(ov, 2, little))
            elif d == _P_LONG:
                ridx += _put(buf, ridx, _int_bytes(ov, 4, little))
            elif d == _P_QUAD:
                ridx += _put(buf, ridx, _int_bytes(ov, 8, little))
            elif d == _P_BER:
                if ov < 0:
                    vm.raise_error(vm.c_ArgumentError, "can't compress negative numbers")
                i = 1
                while i < 9:
                    if ov & ~((1 << (7 * i)) - 1) == 0:
                        break
                    i += 1
                out = bytearray()
                for j in range(i, 0, -1):
                    x = (ov >> (7 * (j - 1))) & 0x7F
                    if j > 1:
                        x |= 0x80
                    out.append(x)
                ridx += _put(buf, ridx, bytes(out))
            elif d == _P_BASE64:
                ridx += _put(buf, ridx, _pack_base64(ov, count))
            elif d == _P_QENC:
                ridx += _put(buf, ridx, _pack_qenc(ov, count))
            elif d == _P_HEX:
                ridx += _put(buf, ridx, rules.pack_hex(ov, count, flags & _F_LSB))
            elif d == _P_STR:
                pad = b"\0" if flags & (_F_a | _F_Z) else b" "
                if count == 0:
                    data = b""
                elif count == -1:
                    data = ov + (b"\0" if flags & _F_Z else b"")
                elif count < len(ov):
                    data = ov[:count]
                else:
                    data = ov + pad * (count - len(ov))
                ridx += _put(buf, ridx, data)
            elif d == _P_DOUBLE:
                ridx += _put(buf, ridx, _struct.pack("<d" if little else ">d", ov))
            elif d == _P_FLOAT:
                try:
                    data = _struct.pack("<f" if little else ">f", ov)
                except OverflowError:
                    data = _struct.pack("<f" if little else ">f",
                                        math.copysign(math.inf, ov))
                ridx += _put(buf, ridx, data)
            elif d == _P_UTF8:
                ridx += _put(buf, ridx, _utf8_encode(vm, ov))
            if flags & _F_COUNT2:
                aidx += 1
                break
            if count > 0:
                count -= 1
            aidx += 1
    return bytes(buf[:ridx])


def unpack_str(vm, src: bytes, tmpl: bytes, single: bool, rules=None):
    """String#unpack / unpack1: a list of words (``rules``: a release's PackRules)."""
    rules = rules or PACK31
    result = []
    srcidx = 0
    srclen = len(src)
    idx = 0
    nt = len(tmpl)
    while idx < nt:
        d, typ, size, count, flags, idx = _read_tmpl(vm, tmpl, idx)
        if d == _P_INVALID:
            continue
        if d == _P_NUL:
            if srclen - srcidx < count:
                vm.raise_error(vm.c_ArgumentError, "x outside of string")
            srcidx += count
            continue
        if d == _P_BACK:
            if srcidx < count:
                vm.raise_error(vm.c_ArgumentError, "X outside of string")
            srcidx -= count
            continue
        if d == _P_ABS:
            if srclen < count:
                vm.raise_error(vm.c_ArgumentError, "@ outside of string")
            srcidx = count
            continue
        rest = src[srcidx:]
        if d == _P_HEX:
            ashift, bshift = (0, 4) if flags & _F_LSB else (4, 0)
            hexd = b"0123456789abcdef"
            cnt = len(rest) * 2 if count == -1 else count
            out = bytearray()
            sp = 0
            while sp < len(rest) and cnt > 0:
                c = rest[sp]
                c = c - 256 if c >= 128 else c
                a = (c >> ashift) & 0x0F
                b = (c >> bshift) & 0x0F
                sp += 1
                out.append(hexd[a])
                cnt -= 1
                if cnt > 0:
                    out.append(hexd[b])
                    cnt -= 1
            result.append(new_str(vm, out))
            srcidx += sp
            if single:
                break
            continue
        if d == _P_STR:
            slen = len(rest)
            if count != -1 and count < slen:
                slen = count
            copylen = slen
            if flags & _F_Z:
                z = rest.find(b"\0", 0, slen)
                if z >= 0:
                    copylen = z
                    if count == -1:
                        slen = copylen + 1
            elif not flags & _F_a:
                while copylen > 0 and (rest[copylen - 1] == 0 or rest[copylen - 1] in _SPACE):
                    copylen -= 1
            result.append(new_str(vm, rest[:max(copylen, 0)]))
            srcidx += slen
            if single:
                break
            continue
        if d == _P_BASE64:
            data, used = _unpack_base64(rest)
            result.append(new_str(vm, data))
            srcidx += used
            if single:
                break
            continue
        if d == _P_QENC:
            result.append(new_str(vm, _unpack_qenc(rest)))
            srcidx += len(rest)
            if single:
                break
            continue
        little = bool(flags & _F_LITTLE)
        signed = bool(flags & _F_SIGNED)
        while count != 0 and (srcidx < srclen or not rules.stop_at_end):
            if srclen - srcidx < size:
                while count > 0:
                    result.append(NIL)
                    count -= 1
                break
            if d in (_P_CHAR, _P_SHORT, _P_LONG, _P_QUAD):
                chunk = src[srcidx:srcidx + size]
                v = int.from_bytes(chunk, "little" if little else "big", signed=signed)
                if d == _P_QUAD and not signed and v > MRB_INT_MAX:
                    vm.raise_error(vm.c_RangeError, f"cannot unpack to Integer: {v}")
                result.append(vm.int_new(v))
                srcidx += size
            elif d == _P_BER:
                n, i = rules.unpack_ber(vm, src, srcidx)
                result.append(vm.int_new(n))
                srcidx += i
            elif d == _P_FLOAT:
                result.append(vm.float_new(
                    _struct.unpack("<f" if little else ">f", src[srcidx:srcidx + 4])[0]))
                srcidx += 4
            elif d == _P_DOUBLE:
                result.append(vm.float_new(
                    _struct.unpack("<d" if little else ">d", src[srcidx:srcidx + 8])[0]))
                srcidx += 8
            elif d == _P_UTF8:
                if srclen - srcidx == 0:
                    srcidx += 1
                else:
                    uv, ln = rules.utf8_decode(vm, src, srcidx, srclen - srcidx)
                    result.append(vm.int_new(uv))
                    srcidx += ln
            if count > 0:
                count -= 1
        if single:
            break
    return result


@method("String", "unpack", arity=1)
def str_unpack(vm, self, args, blk):
    tmpl = bytes(ensure_str(vm, args[0]))
    return vm.ary_new(unpack_str(vm, bytes(_bytes(vm, self)), tmpl, False))


@method("String", "unpack1", arity=1)
def str_unpack1(vm, self, args, blk):
    tmpl = bytes(ensure_str(vm, args[0]))
    r = unpack_str(vm, bytes(_bytes(vm, self)), tmpl, True)
    return r[0] if r else NIL


@method("Array", "pack", arity=1)
def ary_pack(vm, self, args, blk):
    tmpl = bytes(ensure_str(vm, args[0]))
    return new_str(vm, pack_array(vm, vm.obj(self).items, tmpl))


# ------------------------------------------------- mrblib method signatures
# Methods mruby writes in Ruby report their Ruby parameters through
# Method#arity / #parameters (C methods report -1 and []).  Each such builtin
# carries them as ``fn.mrblib_params`` (a list of (kind, name)) and
# ``fn.mrblib_arity`` for runtime/core/method.py to use.

def mrblib_signature(fn, *params):
    req = sum(1 for k, _ in params if k == "req")
    var = any(k in ("opt", "rest") for k, _ in params)
    fn.mrblib_params = list(params)
    fn.mrblib_arity = -(req + 1) if var else req
    return fn


_BLOCK = ("block", "block")
for _fn, _params in (
        (str_each_line, (("opt", "separator"), _BLOCK)),
        (str_gsub, (("rest", "args"), _BLOCK)),
        (str_gsub_bang, (("rest", "args"), _BLOCK)),
        (str_sub, (("rest", "args"), _BLOCK)),
        (str_sub_bang, (("rest", "args"), _BLOCK)),
        (str_each_byte, (_BLOCK,)),
        (str_clear, ()),
        (str_lstrip, ()), (str_rstrip, ()), (str_strip, ()),
        (str_lstrip_bang, ()), (str_rstrip_bang, ()), (str_strip_bang, ()),
        (str_partition, (("req", "sep"),)),
        (str_rpartition, (("req", "sep"),)),
        (str_slice_bang, (("req", "arg1"), ("opt", "arg2"))),
        (str_insert, (("req", "idx"), ("req", "str"))),
        (str_ljust, (("req", "idx"), ("opt", "padstr"))),
        (str_rjust, (("req", "idx"), ("opt", "padstr"))),
        (str_center, (("req", "width"), ("opt", "padstr"))),
        (str_chars, (_BLOCK,)),
        (str_each_char, (_BLOCK,)),
        (str_codepoints, (_BLOCK,)),
        (str_prepend, (("req", "arg"),)),
        (str_lines, (("block", "blk"),)),
        (str_upto, (("req", "max"), ("opt", "exclusive"), _BLOCK)),
        (str___upto_endless, (_BLOCK,))):
    mrblib_signature(_fn, *_params)


# ------------------------------------------- mrb_get_args before counting
# The mrb_get_args format of C methods whose arguments are converted: on a
# call with the wrong count, vm.arity_error converts the arguments given, in
# format order, before raising the count error ('S'/'s' String, 'i' Integer
# via mrb_as_int, 'f' Float; others are taken as they are).
GETARGS = {
    "String#+": "S", "String#*": "i", "String#chomp": "|S", "String#chomp!": "|S",
    "String#include?": "S", "String#index": "S|i", "String#rindex": "S|i",
    "String#replace": "S", "String#split": "|oi", "String#to_i": "|i",
    "String#getbyte": "i", "String#setbyte": "ii",
    "String#tr": "SS", "String#tr!": "SS", "String#tr_s": "SS", "String#tr_s!": "SS",
    "String#squeeze": "|S", "String#squeeze!": "|S", "String#delete": "S",
    "String#delete!": "S", "String#count": "S",
    "String#delete_prefix": "s", "String#delete_prefix!": "s",
    "String#delete_suffix": "s", "String#delete_suffix!": "s",
    "Integer#div": "i", "Integer#<<": "i", "Integer#>>": "i", "Integer#to_s": "|i",
    "Integer#inspect": "|i", "Integer#allbits?": "i", "Integer#anybits?": "i",
    "Integer#nobits?": "i",
    "Float#div": "i", "Float#<<": "i", "Float#>>": "i", "Float#ceil": "|i",
    "Float#floor": "|i", "Float#round": "|i", "Float#truncate": "|i",
    "Float#remainder": "f",
}


def _getargs_hook(spec: str):
    letters = spec.replace("|", "")

    def convert(vm, args):
        for c, a in zip(letters, args):
            if c in "Ss":
                ensure_str(vm, a)
            elif c == "i":
                as_int(vm, a)
            elif c == "f":
                from runtime.core.numeric import as_float
                as_float(vm, a)
    return convert


def init(vm):
    for key, spec in GETARGS.items():
        cname, name = key.split("#")
        m, _ = vm.find_method(vm.cls(cname), vm.intern(name))
        if m is not None and m.fn is not None and m.amax >= 0:
            m.fn.getargs = _getargs_hook(spec)
