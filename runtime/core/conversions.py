"""Kernel#Integer, #Float, #String, #Array, #Hash (mruby-kernel-ext of mruby
3.1) and the string-to-number readers they share with String#to_i/#to_f.

* ``str_to_integer(vm, b, base, badcheck) -> word`` is
  ``mrb_str_len_to_integer`` (prefixes 0x/0b/0o/0d/0, underscores, the
  "invalid string for number(...)" and "string (...) too big for integer"
  errors).
* ``str_to_dbl(vm, b, badcheck) -> float`` is ``mrb_str_len_to_dbl`` and
  ``float_read`` is mruby's own ``mrb_float_read`` (not correctly rounded:
  ``"1.1"`` is read as 1 + 0.1, digit by digit, as mruby does).
"""

from __future__ import annotations

import math

from runtime import abi
from runtime.defs import module_function
from runtime.core.numeric import (
    NIL, INT_MAX, INT_MIN, as_float, c_pow, flo, float_to_integer,
)

_SPACE = b" \t\n\v\f\r"


def _isspace(c: int) -> bool:
    return c in (32, 9, 10, 11, 12, 13)


def _isdigit(c: int) -> bool:
    return 48 <= c <= 57


def _conv_digit(c: int) -> int:
    if 48 <= c <= 57:
        return c - 48
    if 97 <= c <= 122:
        return c - 97 + 10
    if 65 <= c <= 90:
        return c - 65 + 10
    return -1


def _inspect_bytes(vm, b: bytes) -> bytes:
    """%!l: the bytes inspected as a String."""
    return vm.inspect(vm.str_new(b))


def str_to_integer(vm, s: bytes, base: int, badcheck: bool) -> int:
    """mrb_str_len_to_integer: an Integer word."""
    s = bytes(s)
    pend = len(s)
    p = 0

    def at(i):
        return s[i] if i < pend else 0

    def bad():
        vm.raise_error("ArgumentError",
                       b"invalid string for number(" + _inspect_bytes(vm, s) + b")")

    while p < pend and _isspace(s[p]):
        p += 1
    sign = True
    if at(p) == 43:      # +
        p += 1
    elif at(p) == 45:    # -
        p += 1
        sign = False
    if base <= 0:
        if at(p) == 48:      # 0
            c1 = at(p + 1)
            if c1 in (120, 88):
                base = 16
            elif c1 in (98, 66):
                base = 2
            elif c1 in (111, 79):
                base = 8
            elif c1 in (100, 68):
                base = 10
            else:
                base = 8
        elif base < -1:
            base = -base
        else:
            base = 10
    if base == 2:
        if at(p) == 48 and at(p + 1) in (98, 66):
            p += 2
    elif base == 8:
        if at(p) == 48 and at(p + 1) in (111, 79):
            p += 2
    elif base == 10:
        if at(p) == 48 and at(p + 1) in (100, 68):
            p += 2
    elif base == 16:
        if at(p) == 48 and at(p + 1) in (120, 88):
            p += 2
    elif base < 2 or base > 36:
        vm.raise_error("ArgumentError", f"illegal radix {base}")
    if p >= pend:
        if badcheck:
            bad()
        return abi.fixnum(0)
    if at(p) == 48:
        p += 1
        while p < pend:
            c = s[p]
            p += 1
            if c == 95:     # _
                if p < pend and s[p] == 95:
                    if badcheck:
                        bad()
                    break
                continue
            if c != 48:
                p -= 1
                break
        if s[p - 1] == 48:
            p -= 1
    if p == pend or at(p) == 95:
        if badcheck:
            bad()
        return abi.fixnum(0)
    n = 0
    while p < pend:
        if s[p] == 95:
            p += 1
            if p == pend:
                if badcheck:
                    bad()
                continue
            if s[p] == 95:
                if badcheck:
                    bad()
                break
        if badcheck and s[p] == 0:
            vm.raise_error("ArgumentError", "string contains null byte")
        c = _conv_digit(s[p])
        if c < 0 or c >= base:
            break
        n = n * base
        if n > INT_MAX:
            _too_big(vm, s)
        if INT_MAX - c < n:
            if not sign and INT_MAX - n == c - 1:
                n = INT_MIN
                sign = True
                break
            _too_big(vm, s)
        n += c
        p += 1
    if badcheck:
        if p == 0:
            bad()
        if s[p - 1] == 95:
            bad()
        while p < pend and _isspace(s[p]):
            p += 1
        if p < pend:
            bad()
    return vm.int_new(n if sign else -n)


def _too_big(vm, s: bytes):
    vm.raise_error("RangeError",
                   b"string (" + bytes(s) + b") too big for integer")


def float_read(s: bytes, start: int = 0):
    """mrb_float_read: (value, end index); end == start when nothing was read."""
    d = 0.0
    p = start
    a = start
    n = len(s)

    def at(i):
        return s[i] if i < n else 0

    while _isspace(at(p)):
        p += 1
    sign = 1.0
    if at(p) == 45:
        sign = -1.0
        p += 1
    elif at(p) == 43:
        p += 1
    if _isdigit(at(p)):
        d = float(at(p) - 48)
        p += 1
        while at(p) and _isdigit(at(p)):
            d = d * 10.0 + float(at(p) - 48)
            p += 1
        a = p
    elif at(p) != 46:
        return d, a
    d *= sign
    if at(p) == 46:
        f = 0.0
        base = 0.1
        p += 1
        if _isdigit(at(p)):
            while at(p) and _isdigit(at(p)):
                f += base * (at(p) - 48)
                base /= 10.0
                p += 1
        d += f * sign
        a = p
    if at(p) in (69, 101):
        e = 0
        p += 1
        esign = 1
        if at(p) == 45:
            esign = -1
            p += 1
        elif at(p) == 43:
            p += 1
        if _isdigit(at(p)):
            while at(p) == 48:
                p += 1
            if at(p) == 0:
                p -= 1
            e = at(p) - 48
            p += 1
            while at(p) and _isdigit(at(p)):
                if e < 10000:
                    e = e * 10 + (at(p) - 48)
                p += 1
            e *= esign
        elif a - 1 < start or not _isdigit(at(a - 1)):
            return d, start
        elif at(p) == 0:
            return d, a
        d *= c_pow(10.0, float(e))
        a = p
    elif p > start and not _isdigit(at(p - 1)):
        return d, start
    return d, a


def str_to_dbl(vm, s: bytes, badcheck: bool) -> float:
    """mrb_str_len_to_dbl."""
    s = bytes(s)
    orig = s
    p = 0
    pend = len(s)
    while p < pend and _isspace(s[p]):
        p += 1
    p2 = p

    def bad():
        vm.raise_error("ArgumentError",
                       b"invalid string for float(" + _inspect_bytes(vm, _cstr(orig)) + b")")

    if pend - p > 2 and s[p] == 48 and s[p + 1] in (120, 88):
        if not badcheck:
            return 0.0
        x = str_to_integer(vm, s[p:pend], 0, badcheck)
        return float(vm.int_value(x))
    buf = None
    q = p
    nocopy = False
    while q < pend:
        c = s[q]
        if c == 0:
            if badcheck:
                vm.raise_error("ArgumentError", "string for Float contains null byte")
            pend = q
            nocopy = True
            break
        if not badcheck and c == 32:
            pend = q
            nocopy = True
            break
        if c == 95:
            break
        q += 1
    if nocopy:
        text = s[p2:pend]
    else:
        out = bytearray()
        prev = 0
        dot = False
        q = p2
        limit = 15 * 4 + 20 - 1
        while q < pend:
            c = s[q]
            q += 1
            if c == 46:
                dot = True
            if c == 95:
                if not out or not _isdigit(prev) or q == pend:
                    if badcheck:
                        bad()
                    break
            elif badcheck and prev == 95 and not _isdigit(c):
                bad()
            else:
                if len(out) == limit:
                    if dot:
                        break
                    return math.inf
                out.append(c)
            prev = c
        text = bytes(out)
    d, end = float_read(text, 0)
    if end == 0:
        if badcheck:
            bad()
        return d
    if badcheck:
        while end < len(text) and _isspace(text[end]):
            end += 1
        if end < len(text):
            bad()
    return d


def _cstr(b: bytes) -> bytes:
    """%!s prints a C string: up to the first NUL."""
    i = b.find(b"\0")
    return b if i < 0 else b[:i]


# ------------------------------------------------------------ Kernel methods
@module_function("Kernel", "Integer", arity=(1, 2))
def k_Integer(vm, self, args, blk):
    val = args[0]
    base = 0
    if len(args) > 1:
        from runtime.core.numeric import as_int
        base = as_int(vm, args[1])
    if val == NIL:
        if base != 0:
            vm.raise_error("ArgumentError", "base specified for non string value")
        vm.raise_error("TypeError", "can't convert nil into Integer")
    if vm.is_float(val):
        if base != 0:
            vm.raise_error("ArgumentError", "base specified for non string value")
        return vm.int_new(float_to_integer(vm, vm.float_value(val)))
    if vm.is_int(val):
        if base != 0:
            vm.raise_error("ArgumentError", "base specified for non string value")
        return val
    if vm.is_str(val):
        return str_to_integer(vm, vm.str_bytes(val), base, True)
    if base != 0:
        tmp = vm.obj_as_string(val)
        if vm.is_str(tmp):
            return str_to_integer(vm, vm.str_bytes(tmp), base, True)
        vm.raise_error("ArgumentError", "base specified for non string value")
    from runtime.core.numeric import as_int
    return vm.int_new(as_int(vm, val))


@module_function("Kernel", "Float", arity=1)
def k_Float(vm, self, args, blk):
    arg = args[0]
    if vm.is_str(arg):
        return flo(vm, str_to_dbl(vm, vm.str_bytes(arg), True))
    if vm.is_float(arg):
        return arg
    return flo(vm, as_float(vm, arg))


def _convert_type(vm, val, tname, mname, raise_):
    if not vm.respond_to(val, mname):
        if raise_:
            vm.raise_error("TypeError", f"can't convert {vm.type_name_for_error(val)} into {tname}")
        return NIL
    return vm.funcall(val, mname)


@module_function("Kernel", "String", arity=1)
def k_String(vm, self, args, blk):
    arg = args[0]
    if vm.is_str(arg):
        return arg
    v = _convert_type(vm, arg, "String", "to_s", True)
    if not vm.is_str(v):
        return vm.str_new(vm.any_to_s_str(arg))
    return v


@module_function("Kernel", "Array", arity=1)
def k_Array(vm, self, args, blk):
    arg = args[0]
    if vm.is_ary(arg):
        return arg
    v = _convert_type(vm, arg, "Array", "to_a", False)
    if v == NIL or not vm.is_ary(v):
        return vm.ary_new([arg])
    return v


@module_function("Kernel", "Hash", arity=1)
def k_Hash(vm, self, args, blk):
    arg = args[0]
    if arg == NIL or (vm.is_ary(arg) and not vm.obj(arg).items):
        return vm.hash_new()
    if not vm.is_hash(arg):
        vm.raise_error("TypeError", f"{vm.type_name_for_error(arg)} cannot be converted to Hash")
    return arg
