"""The minimal methods of nil, true, false, Integer, Float, String, Symbol,
Array, Hash, Range, Proc and Comparable that simple programs need.

The core library modules (``string.py``, ``array.py``, ``numeric.py``...)
extend and override these; everything here follows mruby 3.1's C sources
and mrblib.
"""

from __future__ import annotations

import math

from .. import abi
from ..defs import method, smethod
from ..objects import RArray, RFloat, RHash, RInteger, RProc, RRange, RString
from ..ops import div_float, div_int
from .fmtfp import float_to_s
from .method import FORWARD_PARAMS

NIL = abi.NIL
TRUE = abi.TRUE
FALSE = abi.FALSE


def _b(x):
    return TRUE if x else FALSE


# ----------------------------------------------------------------- inspect
def str_inspect_bytes(b: bytes) -> bytes:
    """str_escape(mrb, str, TRUE) without MRB_UTF8_STRING (Debian's build)."""
    out = bytearray(b'"')
    n = len(b)
    for i, c in enumerate(b):
        if c == 0x22 or c == 0x5C or (c == 0x23 and i + 1 < n and b[i + 1] in b"$@{"):
            out += b"\\" + bytes((c,))
        elif 0x20 <= c < 0x7F:
            out.append(c)
        else:
            cc = {0x0A: b"n", 0x0D: b"r", 0x09: b"t", 0x0C: b"f", 0x0B: b"v", 0x08: b"b",
                  0x07: b"a", 0x1B: b"e"}.get(c)
            if cc:
                out += b"\\" + cc
            else:
                out += b"\\x" + b"0123456789abcdef"[c // 16:c // 16 + 1] + \
                    b"0123456789abcdef"[c % 16:c % 16 + 1]
    out += b'"'
    return bytes(out)


def _is_identchar(ch: str) -> bool:
    return ch.isalnum() and ch.isascii() or ch == "_" or ord(ch) > 127


def symname_p(name: str) -> bool:
    """symbol.c symname_p: can :name be printed without quotes?"""
    if not name:
        return False
    m = 0
    n = len(name)

    def at(i):
        return name[i] if i < n else "\0"

    c = name[0]
    localid = False
    if c == "$":
        m = 1
        if at(m) in "~*$?!@/\\;,.=:<>\"&`'+0" and m + 1 == n:
            return True
        if at(m) == "-" and m + 2 == n and _is_identchar(at(m + 1)):
            return True
        if at(m).isdigit():
            while at(m).isdigit():
                m += 1
            return m == n
        return _ident(name, m, False)
    if c == "@":
        m = 1
        if at(m) == "@":
            m += 1
        return _ident(name, m, False)
    if c == "<":
        m = 1
        if at(m) == "<":
            m += 1
        elif at(m) == "=":
            m += 1
            if at(m) == ">":
                m += 1
    elif c == ">":
        m = 1
        if at(m) in (">", "="):
            m += 1
    elif c == "=":
        m = 1
        if at(m) == "~":
            m += 1
        elif at(m) == "=":
            m += 1
            if at(m) == "=":
                m += 1
        else:
            return False
    elif c == "*":
        m = 1
        if at(m) == "*":
            m += 1
    elif c == "!":
        m = 1
        if at(m) in ("=", "~"):
            m += 1
    elif c in "+-":
        m = 1
        if at(m) == "@":
            m += 1
    elif c == "|":
        m = 1
        if at(m) == "|":
            m += 1
    elif c == "&":
        m = 1
        if at(m) == "&":
            m += 1
    elif c in "^/%~`":
        m = 1
    elif c == "[":
        m = 1
        if at(m) != "]":
            return False
        m += 1
        if at(m) == "=":
            m += 1
    else:
        localid = not (c.isascii() and c.isupper())
        return _ident(name, 0, localid)
    return m == n


def _ident(name, m, localid):
    n = len(name)
    if m >= n or not (name[m] == "_" or name[m].isalpha()):
        return False
    while m < n and _is_identchar(name[m]):
        m += 1
    if localid and m < n and name[m] in "!?=":
        m += 1
    return m == n


def sym_inspect_bytes(vm, sid: int) -> bytes:
    name = vm.syms[sid]
    raw = name.encode("utf-8", "surrogateescape")
    if symname_p(name) and "\0" not in name:
        return b":" + raw
    s = str_inspect_bytes(b":" + raw)
    return b':"' + s[2:]


def int_to_bytes(n: int, base: int = 10) -> bytes:
    if base == 10:
        return str(n).encode()
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    neg = n < 0
    n = -n
    out = []
    while True:
        n, r = divmod(n, base)
        out.append(digits[r])
        if n == 0:
            break
    return (("-" if neg else "") + "".join(reversed(out))).encode()


# -------------------------------------------------------- nil, true, false
def _frozen_str(vm, b):
    # object.c returns frozen strings for nil/true/false to_s and inspect
    w = vm.str_new(b)
    vm.obj(w).frozen = True
    return w


@method("NilClass", "to_s", arity=0)
def nil_to_s(vm, self, args, blk):
    return _frozen_str(vm, b"")


@method("NilClass", "inspect", arity=0)
def nil_inspect(vm, self, args, blk):
    return _frozen_str(vm, b"nil")


@method("NilClass", "nil?", arity=0)
def nil_nilp(vm, self, args, blk):
    return TRUE


@method("NilClass", "to_a", arity=0)
def nil_to_a(vm, self, args, blk):
    return vm.ary_new()


@method("NilClass", "to_i", arity=0)
def nil_to_i(vm, self, args, blk):
    return abi.fixnum(0)


@method("NilClass", "to_f", arity=0)
def nil_to_f(vm, self, args, blk):
    return vm.float_new(0.0)


@method("NilClass", "to_h", arity=0)
def nil_to_h(vm, self, args, blk):
    return vm.hash_new()


@method("NilClass", "&", arity=1)
@method("FalseClass", "&", arity=1)
def false_and(vm, self, args, blk):
    return FALSE


@method("NilClass", "|", arity=1)
@method("FalseClass", "|", arity=1)
@method("NilClass", "^", arity=1)
@method("FalseClass", "^", arity=1)
def false_or(vm, self, args, blk):
    return _b(abi.truthy(args[0]))


@method("TrueClass", "&", arity=1)
def true_and(vm, self, args, blk):
    return _b(abi.truthy(args[0]))


@method("TrueClass", "|", arity=1)
def true_or(vm, self, args, blk):
    return TRUE


@method("TrueClass", "^", arity=1)
def true_xor(vm, self, args, blk):
    return _b(not abi.truthy(args[0]))


@method("TrueClass", "to_s", arity=0, aliases=("inspect",))
def true_to_s(vm, self, args, blk):
    return _frozen_str(vm, b"true")


@method("FalseClass", "to_s", arity=0, aliases=("inspect",))
def false_to_s(vm, self, args, blk):
    return _frozen_str(vm, b"false")


# ------------------------------------------------------------------ Integer
def _num(vm, w):
    if w & 1:
        return "i", abi.fixnum_value(w)
    if w & 3 == 2:
        return "f", abi.flonum_value(w)
    if w & 7 == 4:
        o = vm.objects[w >> 3]
        if type(o) is RInteger:
            return "i", o.value
        if type(o) is RFloat:
            return "f", o.value
    return None, None


def _coerce_fail(vm, self, other, op):
    # mruby: "Integer can't be coerced into String" style TypeError
    vm.raise_error(vm.c_TypeError, f"{vm.type_name_for_error(other)} can't be coerced "
                   f"into {vm.class_name(vm.real_class(self))}")


def _int_arith(name, iop, fop):
    def fn(vm, self, args, blk):
        x = vm.int_value(self)
        k, y = _num(vm, args[0])
        if k == "i":
            return vm.int_new(iop(vm, x, y))
        if k == "f":
            return vm.float_new(fop(float(x), y))
        _coerce_fail(vm, self, args[0], name)
    fn.__name__ = "int_" + name
    return fn


def _iadd(vm, x, y):
    return x + y


def _isub(vm, x, y):
    return x - y


def _imul(vm, x, y):
    return x * y


def _imod(vm, x, y):
    if y == 0:
        vm.raise_error(vm.c_ZeroDivisionError, "divided by 0")
    return x % y


def _fmod(x, y):
    """flo_mod of numeric.c (result has the sign of y)."""
    if y == 0.0:
        return math.nan
    if math.isinf(y) and not math.isinf(x):
        mod = x
    else:
        mod = math.fmod(x, y)
    if mod != 0 and (y < 0) != (mod < 0):
        mod += y
    return mod


for _name, _iop, _fop in (("+", _iadd, lambda a, b: a + b), ("-", _isub, lambda a, b: a - b),
                          ("*", _imul, lambda a, b: a * b), ("/", div_int, div_float),
                          ("%", _imod, _fmod)):
    method("Integer", _name, arity=1)(_int_arith(_name, _iop, _fop))
method("Integer", "modulo", arity=1)(_int_arith("%", _imod, _fmod))


@method("Integer", "div", arity=1)
def int_div(vm, self, args, blk):
    x = vm.int_value(self)
    k, y = _num(vm, args[0])
    if k == "i":
        return vm.int_new(div_int(vm, x, y))
    if k == "f":
        if y == 0.0:
            vm.raise_error(vm.c_ZeroDivisionError, "divided by 0")
        return vm.int_new(int(math.floor(x / y)))
    _coerce_fail(vm, self, args[0], "div")


@method("Integer", "**", arity=1)
def int_pow(vm, self, args, blk):
    x = vm.int_value(self)
    k, y = _num(vm, args[0])
    if k == "f":
        try:
            return vm.float_new(math.pow(float(x), y))
        except (OverflowError, ValueError):
            return vm.float_new(float(x) ** y if x >= 0 else math.nan)
    if k != "i":
        _coerce_fail(vm, self, args[0], "**")
    if y < 0:
        return vm.float_new(math.pow(float(x), float(y)) if x != 0 else math.inf)
    r = 1
    base = x
    e = y
    while True:
        if e & 1:
            r *= base
            if not abi.MRB_INT_MIN <= r <= abi.MRB_INT_MAX:
                vm.raise_error(vm.c_RangeError, "integer overflow in power")
        e >>= 1
        if e == 0:
            break
        base *= base
        if not abi.MRB_INT_MIN <= base <= abi.MRB_INT_MAX:
            vm.raise_error(vm.c_RangeError, "integer overflow in power")
    return vm.int_new(r)


@method("Integer", "divmod", arity=1)
def int_divmod(vm, self, args, blk):
    x = vm.int_value(self)
    k, y = _num(vm, args[0])
    if k == "i":
        if y == 0:
            vm.raise_error(vm.c_ZeroDivisionError, "divided by 0")
        return vm.ary_new([vm.int_new(x // y), vm.int_new(x % y)])
    if k == "f":
        q = math.floor(x / y) if y else math.nan
        return vm.ary_new([vm.float_new(q), vm.float_new(_fmod(float(x), y))])
    _coerce_fail(vm, self, args[0], "divmod")


def _cmp_num(vm, self, other):
    a = _num(vm, self)[1]
    k, b = _num(vm, other)
    if k is None:
        return None
    if a != a or b != b:
        return None
    return (a > b) - (a < b)


def _cmp_op(name, test):
    def fn(vm, self, args, blk):
        r = _cmp_num(vm, self, args[0])
        if r is None:
            k, b = _num(vm, args[0])
            if k is not None:       # NaN
                return FALSE
            vm.raise_error(vm.c_ArgumentError, f"comparison of "
                           f"{vm.class_name(vm.real_class(self))} with "
                           f"{vm.type_name_for_error(args[0]) if args[0] in (NIL, TRUE, FALSE) else vm.class_name(vm.real_class(args[0]))} failed")
        return _b(test(r))
    return fn


for _cls in ("Integer", "Float"):
    method(_cls, "<", arity=1)(_cmp_op("<", lambda r: r < 0))
    method(_cls, "<=", arity=1)(_cmp_op("<=", lambda r: r <= 0))
    method(_cls, ">", arity=1)(_cmp_op(">", lambda r: r > 0))
    method(_cls, ">=", arity=1)(_cmp_op(">=", lambda r: r >= 0))


@method("Integer", "<=>", arity=1)
@method("Float", "<=>", arity=1)
def num_cmp(vm, self, args, blk):
    r = _cmp_num(vm, self, args[0])
    return NIL if r is None else abi.fixnum(r)


@method("Integer", "==", arity=1)
@method("Float", "==", arity=1)
def num_eq(vm, self, args, blk):
    k, b = _num(vm, args[0])
    if k is None:
        return _b(abi.truthy(vm.funcall(args[0], "==", [self])))
    return _b(_num(vm, self)[1] == b)


@method("Integer", "eql?", arity=1)
def int_eql(vm, self, args, blk):
    return _b(vm.is_int(args[0]) and vm.int_value(args[0]) == vm.int_value(self))


@method("Float", "eql?", arity=1)
def flo_eql(vm, self, args, blk):
    return _b(vm.is_float(args[0]) and vm.float_value(args[0]) == vm.float_value(self))


@method("Integer", "to_s", arity=(0, 1), aliases=("inspect",))
def int_to_s(vm, self, args, blk):
    base = 10
    if args:
        base = vm.to_int(args[0])
        if base < 2 or base > 36:
            vm.raise_error(vm.c_ArgumentError, f"invalid radix {base}")
    return vm.str_new(int_to_bytes(vm.int_value(self), base))


@method("Integer", "-@", arity=0)
def int_neg(vm, self, args, blk):
    return vm.int_new(-vm.int_value(self))


@method("Integer", "+@", arity=0)
@method("Float", "+@", arity=0)
def num_pos(vm, self, args, blk):
    return self


@method("Integer", "~", arity=0)
def int_invert(vm, self, args, blk):
    return vm.int_new(~vm.int_value(self))


def _int_bitop(op):
    def fn(vm, self, args, blk):
        return vm.int_new(op(vm.int_value(self), vm.to_int(args[0])))
    return fn


method("Integer", "&", arity=1)(_int_bitop(lambda a, b: a & b))
method("Integer", "|", arity=1)(_int_bitop(lambda a, b: a | b))
method("Integer", "^", arity=1)(_int_bitop(lambda a, b: a ^ b))


def _shift(vm, x, n):
    if n >= 0:
        r = x << n
        if not abi.MRB_INT_MIN <= r <= abi.MRB_INT_MAX:
            vm.raise_error(vm.c_RangeError, "integer overflow in left shift")
        return r
    return x >> (-n)


@method("Integer", "<<", arity=1)
def int_lshift(vm, self, args, blk):
    return vm.int_new(_shift(vm, vm.int_value(self), vm.to_int(args[0])))


@method("Integer", ">>", arity=1)
def int_rshift(vm, self, args, blk):
    return vm.int_new(_shift(vm, vm.int_value(self), -vm.to_int(args[0])))


@method("Integer", "to_i", arity=0, aliases=("to_int", "floor", "ceil", "round", "truncate"))
def int_to_i(vm, self, args, blk):
    return self


@method("Integer", "to_f", arity=0)
def int_to_f(vm, self, args, blk):
    return vm.float_new(float(vm.int_value(self)))


@method("Integer", "chr", arity=(0, 1))
def int_chr(vm, self, args, blk):
    n = vm.int_value(self)
    if n < 0 or n > 255:
        vm.raise_error(vm.c_RangeError, f"{n} out of char range")
    return vm.str_new(bytes((n,)))


@method("Integer", "succ", arity=0, aliases=("next",))
def int_succ(vm, self, args, blk):
    return vm.int_new(vm.int_value(self) + 1)


@method("Integer", "pred", arity=0)
def int_pred(vm, self, args, blk):
    return vm.int_new(vm.int_value(self) - 1)


@method("Integer", "abs", arity=0, aliases=("magnitude",))
def int_abs(vm, self, args, blk):
    return vm.int_new(abs(vm.int_value(self)))


@method("Integer", "zero?", arity=0)
@method("Float", "zero?", arity=0)
def num_zero(vm, self, args, blk):
    return _b(_num(vm, self)[1] == 0)


@method("Integer", "even?", arity=0)
def int_even(vm, self, args, blk):
    return _b(vm.int_value(self) % 2 == 0)


@method("Integer", "odd?", arity=0)
def int_odd(vm, self, args, blk):
    return _b(vm.int_value(self) % 2 == 1)


@method("Integer", "integer?", arity=0)
def int_integer_p(vm, self, args, blk):
    return TRUE


@method("Float", "integer?", arity=0)
def flo_integer_p(vm, self, args, blk):
    return FALSE


@method("Integer", "times", arity=0)
def int_times(vm, self, args, blk):
    if blk == NIL:
        return vm.funcall(self, "to_enum", [vm.sym("times")])
    n = vm.int_value(self)
    i = 0
    while i < n:
        vm.yield_block(blk, [abi.fixnum(i) if abi.fixable(i) else vm.int_new(i)])
        i += 1
    return self


@method("Integer", "upto", arity=1)
def int_upto(vm, self, args, blk):
    if blk == NIL:
        return vm.funcall(self, "to_enum", [vm.sym("upto")] + list(args))
    i = vm.int_value(self)
    k, last = _num(vm, args[0])
    while i <= last:
        vm.yield_block(blk, [vm.int_new(i)])
        i += 1
    return self


@method("Integer", "downto", arity=1)
def int_downto(vm, self, args, blk):
    if blk == NIL:
        return vm.funcall(self, "to_enum", [vm.sym("downto")] + list(args))
    i = vm.int_value(self)
    k, last = _num(vm, args[0])
    while i >= last:
        vm.yield_block(blk, [vm.int_new(i)])
        i -= 1
    return self


# -------------------------------------------------------------------- Float
def _flo_arith(name, op):
    def fn(vm, self, args, blk):
        x = vm.float_value(self)
        k, y = _num(vm, args[0])
        if k is None:
            _coerce_fail(vm, self, args[0], name)
        return vm.float_new(op(x, float(y)))
    return fn


def _fpow(x, y):
    try:
        return math.pow(x, y)
    except OverflowError:
        return math.inf
    except ValueError:
        return math.nan


method("Float", "+", arity=1)(_flo_arith("+", lambda a, b: a + b))
method("Float", "-", arity=1)(_flo_arith("-", lambda a, b: a - b))
method("Float", "*", arity=1)(_flo_arith("*", lambda a, b: a * b))
method("Float", "/", arity=1)(_flo_arith("/", div_float))
method("Float", "%", arity=1)(_flo_arith("%", _fmod))
method("Float", "modulo", arity=1)(_flo_arith("%", _fmod))
method("Float", "**", arity=1)(_flo_arith("**", _fpow))


@method("Float", "to_s", arity=0, aliases=("inspect",))
def flo_to_s(vm, self, args, blk):
    return vm.str_new(float_to_s(vm.float_value(self)))


@method("Float", "-@", arity=0)
def flo_neg(vm, self, args, blk):
    return vm.float_new(-vm.float_value(self))


@method("Float", "to_f", arity=0)
def flo_to_f(vm, self, args, blk):
    return self


def _flo_int(vm, x):
    if math.isinf(x):
        vm.raise_error(vm.c_FloatDomainError, "-Infinity" if x < 0 else "Infinity")
    if math.isnan(x):
        vm.raise_error(vm.c_FloatDomainError, "NaN")
    return vm.int_new(int(x))


@method("Float", "to_i", arity=0, aliases=("to_int", "truncate"))
def flo_to_i(vm, self, args, blk):
    return _flo_int(vm, vm.float_value(self))


@method("Float", "floor", arity=(0, 1))
def flo_floor(vm, self, args, blk):
    return _flo_int(vm, math.floor(vm.float_value(self)) if math.isfinite(vm.float_value(self))
                    else vm.float_value(self))


@method("Float", "ceil", arity=(0, 1))
def flo_ceil(vm, self, args, blk):
    return _flo_int(vm, math.ceil(vm.float_value(self)) if math.isfinite(vm.float_value(self))
                    else vm.float_value(self))


@method("Float", "round", arity=(0, 1))
def flo_round(vm, self, args, blk):
    x = vm.float_value(self)
    nd = vm.to_int(args[0]) if args else 0
    if nd > 0:
        if not math.isfinite(x):
            return self
        return vm.float_new(_round_half_up(x, nd))
    if not math.isfinite(x):
        return _flo_int(vm, x)
    r = _round_half_up(x, 0)
    return vm.int_new(int(r))


def _round_half_up(x: float, nd: int) -> float:
    s = 10.0 ** nd
    y = x * s
    r = math.floor(y + 0.5) if x >= 0 else -math.floor(-y + 0.5)
    if nd == 0:
        return r
    return r / s


@method("Float", "abs", arity=0)
def flo_abs(vm, self, args, blk):
    return vm.float_new(abs(vm.float_value(self)))


@method("Float", "nan?", arity=0)
def flo_nan(vm, self, args, blk):
    return _b(math.isnan(vm.float_value(self)))


@method("Float", "infinite?", arity=0)
def flo_infinite(vm, self, args, blk):
    x = vm.float_value(self)
    if math.isinf(x):
        return abi.fixnum(-1 if x < 0 else 1)
    return NIL


@method("Float", "finite?", arity=0)
def flo_finite(vm, self, args, blk):
    return _b(math.isfinite(vm.float_value(self)))


# ------------------------------------------------------------------- String
def _str(vm, w) -> RString:
    return vm.objects[w >> 3]


@method("String", "initialize", arity=(0, 1), visibility="private")
def str_initialize(vm, self, args, blk):
    if args:
        _str(vm, self).value = bytearray(vm.str_bytes(args[0]))
    return self


@method("String", "to_s", arity=0, aliases=("to_str",))
def str_to_s(vm, self, args, blk):
    if _str(vm, self).cls is not vm.c_String:
        return vm.str_new(bytes(_str(vm, self).value))
    return self


@method("String", "inspect", arity=0)
def str_inspect(vm, self, args, blk):
    return vm.str_new(str_inspect_bytes(bytes(_str(vm, self).value)))


@method("String", "==", arity=1)
def str_eq(vm, self, args, blk):
    o = args[0]
    if vm.is_str(o):
        return _b(_str(vm, self).value == _str(vm, o).value)
    if o & 7 == 4 and vm.respond_to(o, "to_str"):
        return _b(abi.truthy(vm.funcall(o, "==", [self])))
    return FALSE


@method("String", "eql?", arity=1)
def str_eql(vm, self, args, blk):
    return _b(vm.is_str(args[0]) and _str(vm, self).value == _str(vm, args[0]).value)


@method("String", "hash", arity=0)
def str_hash(vm, self, args, blk):
    return vm.int_new(hash(bytes(_str(vm, self).value)) & 0x3FFFFFFFFFFFFFFF)


@method("String", "<=>", arity=1)
def str_cmp(vm, self, args, blk):
    if not vm.is_str(args[0]):
        return NIL
    a = bytes(_str(vm, self).value)
    b = bytes(_str(vm, args[0]).value)
    return abi.fixnum((a > b) - (a < b))


@method("String", "+", arity=1)
def str_plus(vm, self, args, blk):
    return vm.str_new(bytes(_str(vm, self).value) + vm.str_bytes(args[0]))


@method("String", "*", arity=1)
def str_times(vm, self, args, blk):
    n = vm.to_int(args[0])
    if n < 0:
        vm.raise_error(vm.c_ArgumentError, "negative argument")
    return vm.str_new(bytes(_str(vm, self).value) * n)


@method("String", "<<", arity=1, aliases=("concat",))
def str_concat(vm, self, args, blk):
    o = args[0]
    vm.check_frozen(self)
    if vm.is_int(o):
        n = vm.int_value(o)
        if not 0 <= n < 256:
            vm.raise_error(vm.c_RangeError, f"{n} out of char range")
        _str(vm, self).value.append(n)
    else:
        _str(vm, self).value += vm.str_bytes(o)
    return self


@method("String", "size", arity=0, aliases=("length", "bytesize"))
def str_size(vm, self, args, blk):
    return abi.fixnum(len(_str(vm, self).value))


@method("String", "empty?", arity=0)
def str_empty(vm, self, args, blk):
    return _b(len(_str(vm, self).value) == 0)


@method("String", "to_sym", arity=0, aliases=("intern",))
def str_to_sym(vm, self, args, blk):
    return abi.symbol_word(vm.intern(bytes(_str(vm, self).value)))


@method("String", "upcase", arity=0)
def str_upcase(vm, self, args, blk):
    return vm.str_new(bytes(_str(vm, self).value).upper())


@method("String", "downcase", arity=0)
def str_downcase(vm, self, args, blk):
    return vm.str_new(bytes(_str(vm, self).value).lower())


@method("String", "to_i", arity=(0, 1))
def str_to_i(vm, self, args, blk):
    import re
    b = bytes(_str(vm, self).value).replace(b"_", b"")
    m = re.match(rb"\s*([-+]?\d+)", b)
    return vm.int_new(int(m.group(1)) if m else 0)


@method("String", "to_f", arity=0)
def str_to_f(vm, self, args, blk):
    import re
    b = bytes(_str(vm, self).value)
    m = re.match(rb"\s*([-+]?(\d[\d_]*)?(\.\d+)?([eE][-+]?\d+)?)", b)
    try:
        return vm.float_new(float(m.group(1).replace(b"_", b"")) if m and m.group(1) else 0.0)
    except ValueError:
        return vm.float_new(0.0)


@method("String", "[]", arity=(1, 2), aliases=("slice",))
def str_aref(vm, self, args, blk):
    b = bytes(_str(vm, self).value)
    a0 = args[0]
    if len(args) == 2:
        i = vm.to_int(a0)
        n = vm.to_int(args[1])
        if i < 0:
            i += len(b)
        if i < 0 or i > len(b) or n < 0:
            return NIL
        return vm.str_new(b[i:i + n])
    if vm.is_int(a0):
        i = vm.int_value(a0)
        if i < 0:
            i += len(b)
        if i < 0 or i >= len(b):
            return NIL
        return vm.str_new(b[i:i + 1])
    if vm.is_range(a0):
        r = vm.obj(a0)
        st = vm.to_int(r.first) if r.first != NIL else 0
        en = vm.to_int(r.last) if r.last != NIL else -1
        if st < 0:
            st += len(b)
        if st < 0 or st > len(b):
            return NIL
        if en < 0:
            en += len(b)
        if not r.excl or r.last == NIL:
            en += 1
        return vm.str_new(b[st:max(st, en)])
    if vm.is_str(a0):
        sub = bytes(_str(vm, a0).value)
        return vm.str_new(sub) if sub in b else NIL
    return vm.str_new(b[vm.to_int(a0):vm.to_int(a0) + 1])


# ------------------------------------------------------------------- Symbol
@method("Symbol", "to_s", arity=0, aliases=("id2name", "name"))
def sym_to_s(vm, self, args, blk):
    return vm.str_new(vm.sym_bytes(self >> 8))


@method("Symbol", "to_sym", arity=0)
def sym_to_sym(vm, self, args, blk):
    return self


@method("Symbol", "inspect", arity=0)
def sym_inspect(vm, self, args, blk):
    return vm.str_new(sym_inspect_bytes(vm, self >> 8))


@method("Symbol", "length", arity=0, aliases=("size",))
def sym_length(vm, self, args, blk):
    return abi.fixnum(len(vm.sym_bytes(self >> 8)))


@method("Symbol", "<=>", arity=1)
def sym_cmp(vm, self, args, blk):
    if not vm.is_sym(args[0]):
        return NIL
    a = vm.sym_bytes(self >> 8)
    b = vm.sym_bytes(args[0] >> 8)
    return abi.fixnum((a > b) - (a < b))


# -------------------------------------------------------------------- Array
def _ary(vm, w) -> RArray:
    return vm.objects[w >> 3]


def inspect_ary(vm, self, seen=None) -> bytes:
    items = _ary(vm, self).items
    out = bytearray(b"[")
    for i, w in enumerate(list(items)):
        if i:
            out += b", "
        out += vm.inspect(w)
    out += b"]"
    return bytes(out)


@method("Array", "inspect", arity=0, aliases=("to_s",))
def ary_inspect(vm, self, args, blk):
    if vm.inspect_guard_enter(self):
        return vm.str_new(b"[...]")
    try:
        return vm.str_new(inspect_ary(vm, self))
    finally:
        vm.inspect_guard_leave(self)


@method("Array", "size", arity=0, aliases=("length",))
def ary_size(vm, self, args, blk):
    return abi.fixnum(len(_ary(vm, self).items))


@method("Array", "empty?", arity=0)
def ary_empty(vm, self, args, blk):
    return _b(not _ary(vm, self).items)


@method("Array", "[]", arity=(1, 2), aliases=("slice",))
def ary_aref(vm, self, args, blk):
    items = _ary(vm, self).items
    n = len(items)
    a0 = args[0]
    if len(args) == 2:
        i = vm.to_int(a0)
        ln = vm.to_int(args[1])
        if i < 0:
            i += n
        if i < 0 or i > n or ln < 0:
            return NIL
        return vm.ary_new(items[i:i + ln])
    if vm.is_range(a0):
        r = vm.obj(a0)
        st = vm.to_int(r.first) if r.first != NIL else 0
        en = vm.to_int(r.last) if r.last != NIL else -1
        if st < 0:
            st += n
        if st < 0 or st > n:
            return NIL
        if en < 0:
            en += n
        if not r.excl or r.last == NIL:
            en += 1
        return vm.ary_new(items[st:max(st, en)])
    i = vm.to_int(a0)
    if i < 0:
        i += n
    return items[i] if 0 <= i < n else NIL


@method("Array", "[]=", arity=(2, 3))
def ary_aset(vm, self, args, blk):
    vm.check_frozen(self)
    items = _ary(vm, self).items
    if len(args) == 3:
        i = vm.to_int(args[0])
        ln = vm.to_int(args[1])
        if i < 0:
            i += len(items)
        while len(items) < i:
            items.append(NIL)
        v = args[2]
        repl = list(vm.obj(v).items) if vm.is_ary(v) else [v]
        items[i:i + ln] = repl
        return v
    i = vm.to_int(args[0])
    if i < 0:
        i += len(items)
        if i < 0:
            vm.raise_error(vm.c_IndexError, f"index {i - len(items)} too small for array; "
                           f"minimum: -{len(items)}")
    while len(items) <= i:
        items.append(NIL)
    items[i] = args[1]
    return args[1]


@method("Array", "<<", arity=1)
def ary_push1(vm, self, args, blk):
    vm.check_frozen(self)
    _ary(vm, self).items.append(args[0])
    return self


@method("Array", "push", arity=-1, aliases=("append",))
def ary_push(vm, self, args, blk):
    vm.check_frozen(self)
    _ary(vm, self).items.extend(args)
    return self


@method("Array", "pop", arity=0)
def ary_pop(vm, self, args, blk):
    vm.check_frozen(self)
    items = _ary(vm, self).items
    return items.pop() if items else NIL


@method("Array", "shift", arity=0)
def ary_shift(vm, self, args, blk):
    vm.check_frozen(self)
    items = _ary(vm, self).items
    return items.pop(0) if items else NIL


@method("Array", "unshift", arity=-1, aliases=("prepend",))
def ary_unshift(vm, self, args, blk):
    vm.check_frozen(self)
    _ary(vm, self).items[0:0] = args
    return self


@method("Array", "first", arity=(0, 1))
def ary_first(vm, self, args, blk):
    items = _ary(vm, self).items
    if args:
        n = vm.to_int(args[0])
        if n < 0:
            vm.raise_error(vm.c_ArgumentError, "negative array size")
        return vm.ary_new(items[:n])
    return items[0] if items else NIL


@method("Array", "last", arity=(0, 1))
def ary_last(vm, self, args, blk):
    items = _ary(vm, self).items
    if args:
        n = vm.to_int(args[0])
        if n < 0:
            vm.raise_error(vm.c_ArgumentError, "negative array size")
        return vm.ary_new(items[len(items) - n:] if n else [])
    return items[-1] if items else NIL


@method("Array", "each", arity=0)
def ary_each(vm, self, args, blk):
    if blk == NIL:
        return vm.funcall(self, "to_enum", [vm.sym("each")])
    a = _ary(vm, self)
    i = 0
    while i < len(a.items):
        vm.yield_block(blk, [a.items[i]])
        i += 1
    return self


@method("Array", "each_with_index", arity=0)
def ary_each_with_index(vm, self, args, blk):
    if blk == NIL:
        return vm.funcall(self, "to_enum", [vm.sym("each_with_index")])
    a = _ary(vm, self)
    i = 0
    while i < len(a.items):
        vm.yield_block(blk, [a.items[i], abi.fixnum(i)])
        i += 1
    return self


@method("Array", "map", arity=0, aliases=("collect",))
def ary_map(vm, self, args, blk):
    if blk == NIL:
        return vm.funcall(self, "to_enum", [vm.sym("map")])
    a = _ary(vm, self)
    out = []
    i = 0
    while i < len(a.items):
        out.append(vm.yield_block(blk, [a.items[i]]))
        i += 1
    return vm.ary_new(out)


@method("Array", "join", arity=(0, 1))
def ary_join(vm, self, args, blk):
    sep = vm.str_bytes(args[0]) if args and args[0] != NIL else b""

    def join(w, depth):
        if depth > 64:
            vm.raise_error(vm.c_ArgumentError, "recursive array join")
        parts = []
        for x in _ary(vm, w).items:
            if vm.is_ary(x):
                parts.append(join(x, depth + 1))
            elif vm.is_str(x):
                parts.append(bytes(vm.obj(x).value))
            else:
                parts.append(vm.to_s(x))
        return sep.join(parts)
    return vm.str_new(join(self, 0))


@method("Array", "==", arity=1)
def ary_eq(vm, self, args, blk):
    o = args[0]
    if not vm.is_ary(o):
        return FALSE
    a = _ary(vm, self).items
    b = _ary(vm, o).items
    if len(a) != len(b):
        return FALSE
    for x, y in zip(list(a), list(b)):
        if not vm.equal(x, y):
            return FALSE
    return TRUE


@method("Array", "eql?", arity=1)
def ary_eql(vm, self, args, blk):
    o = args[0]
    if not vm.is_ary(o):
        return FALSE
    a = _ary(vm, self).items
    b = _ary(vm, o).items
    if len(a) != len(b):
        return FALSE
    return _b(all(vm.eql(x, y) for x, y in zip(list(a), list(b))))


@method("Array", "hash", arity=0)
def ary_hash(vm, self, args, blk):
    h = 7
    for x in _ary(vm, self).items:
        h = (h * 31 + vm.hash_of(x)) & 0x3FFFFFFFFFFFFFFF
    return vm.int_new(h)


@method("Array", "include?", arity=1, aliases=("member?",))
def ary_include(vm, self, args, blk):
    for x in list(_ary(vm, self).items):
        if vm.equal(x, args[0]):
            return TRUE
    return FALSE


@method("Array", "+", arity=1)
def ary_plus(vm, self, args, blk):
    if not vm.is_ary(args[0]):
        vm.type_error_conv(args[0], "Array")
    return vm.ary_new(_ary(vm, self).items + _ary(vm, args[0]).items)


@method("Array", "concat", arity=-1)
def ary_concat(vm, self, args, blk):
    vm.check_frozen(self)
    for a in args:
        if not vm.is_ary(a):
            vm.type_error_conv(a, "Array")
        _ary(vm, self).items.extend(list(_ary(vm, a).items))
    return self


@method("Array", "to_a", arity=0, aliases=("entries",))
def ary_to_a(vm, self, args, blk):
    return self


@method("Array", "__svalue", arity=0)
def ary_svalue(vm, self, args, blk):
    items = _ary(vm, self).items
    if len(items) == 0:
        return NIL
    if len(items) == 1:
        return items[0]
    return self


# --------------------------------------------------------------------- Hash
def _hash(vm, w) -> RHash:
    return vm.objects[w >> 3]


@method("Hash", "[]", arity=1)
def hash_aref(vm, self, args, blk):
    v = _hash(vm, self).get(vm, args[0])
    if v is None:
        return vm.funcall(self, "default", [args[0]])
    return v


@method("Hash", "default", arity=(0, 1))
def hash_default(vm, self, args, blk):
    h = _hash(vm, self)
    if h.default_proc != NIL:
        if not args:
            return NIL
        return vm.call_proc(h.default_proc, [self, args[0]])
    return h.default


@method("Hash", "[]=", arity=2, aliases=("store",))
def hash_aset(vm, self, args, blk):
    vm.check_frozen(self)
    _hash(vm, self).set(vm, args[0], args[1])
    return args[1]


@method("Hash", "initialize", arity=(0, 1), visibility="private")
def hash_initialize(vm, self, args, blk):
    h = _hash(vm, self)
    if blk != NIL:
        if args:
            vm.argc_error(len(args), 0, 0)
        h.default_proc = blk
    elif args:
        h.default = args[0]
    return self


@method("Hash", "size", arity=0, aliases=("length", "count"))
def hash_size(vm, self, args, blk):
    return abi.fixnum(len(_hash(vm, self)))


@method("Hash", "empty?", arity=0)
def hash_empty(vm, self, args, blk):
    return _b(len(_hash(vm, self)) == 0)


@method("Hash", "keys", arity=0)
def hash_keys(vm, self, args, blk):
    return vm.ary_new(_hash(vm, self).keys())


@method("Hash", "values", arity=0)
def hash_values(vm, self, args, blk):
    return vm.ary_new(_hash(vm, self).values())


@method("Hash", "key?", arity=1, aliases=("has_key?", "include?", "member?"))
def hash_has_key(vm, self, args, blk):
    return _b(_hash(vm, self).has(vm, args[0]))


@method("Hash", "delete", arity=1)
def hash_delete(vm, self, args, blk):
    vm.check_frozen(self)
    v = _hash(vm, self).delete(vm, args[0])
    if v is None:
        return vm.yield_block(blk, [args[0]]) if blk != NIL else NIL
    return v


@method("Hash", "each", arity=0, aliases=("each_pair",))
def hash_each(vm, self, args, blk):
    if blk == NIL:
        return vm.funcall(self, "to_enum", [vm.sym("each")])
    for k, v in _hash(vm, self).items():
        vm.yield_block(blk, [vm.ary_new([k, v])])
    return self


@method("Hash", "inspect", arity=0, aliases=("to_s",))
def hash_inspect(vm, self, args, blk):
    h = _hash(vm, self)
    if len(h) == 0:
        return vm.str_new(b"{}")
    if vm.inspect_guard_enter(self):
        return vm.str_new(b"{...}")
    try:
        out = bytearray(b"{")
        for i, (k, v) in enumerate(h.items()):
            if i:
                out += b", "
            out += vm.inspect(k) + b"=>" + vm.inspect(v)
        out += b"}"
        return vm.str_new(bytes(out))
    finally:
        vm.inspect_guard_leave(self)


@method("Hash", "==", arity=1)
def hash_eq(vm, self, args, blk):
    o = args[0]
    if not vm.is_hash(o):
        return FALSE
    a = _hash(vm, self)
    b = _hash(vm, o)
    if len(a) != len(b):
        return FALSE
    for k, v in a.items():
        w = b.get(vm, k)
        if w is None or not vm.equal(v, w):
            return FALSE
    return TRUE


@method("Hash", "to_h", arity=0)
def hash_to_h(vm, self, args, blk):
    return self


# -------------------------------------------------------------------- Range
@method("Range", "first", arity=(0, 1), aliases=("begin",))
def range_first(vm, self, args, blk):
    r = vm.obj(self)
    if args:
        out = []
        n = vm.to_int(args[0])
        i = vm.int_value(r.first)
        last = vm.int_value(r.last)
        while len(out) < n and (i < last or (i == last and not r.excl)):
            out.append(vm.int_new(i))
            i += 1
        return vm.ary_new(out)
    return r.first


@method("Range", "last", arity=(0, 1), aliases=("end",))
def range_last(vm, self, args, blk):
    return vm.obj(self).last


@method("Range", "exclude_end?", arity=0)
def range_excl(vm, self, args, blk):
    return _b(vm.obj(self).excl)


def range_each_ints(vm, r):
    i = vm.int_value(r.first)
    if r.last == NIL:
        while True:
            yield i
            i += 1
    k, last = _num(vm, r.last)
    while i < last or (i == last and not r.excl):
        yield i
        i += 1


@method("Range", "each", arity=0)
def range_each(vm, self, args, blk):
    if blk == NIL:
        return vm.funcall(self, "to_enum", [vm.sym("each")])
    r = vm.obj(self)
    if vm.is_int(r.first) and (r.last == NIL or _num(vm, r.last)[0] is not None):
        for i in range_each_ints(vm, r):
            vm.yield_block(blk, [vm.int_new(i)])
        return self
    if not vm.respond_to(r.first, "succ"):
        vm.raise_error(vm.c_TypeError, f"can't iterate from "
                       f"{vm.class_name(vm.real_class(r.first))}")
    v = r.first
    while True:
        c = vm.cmp(v, r.last)
        if c is None or c > 0 or (c == 0 and r.excl):
            break
        vm.yield_block(blk, [v])
        if c == 0:
            break
        v = vm.funcall(v, "succ")
    return self


@method("Range", "to_a", arity=0, aliases=("entries",))
def range_to_a(vm, self, args, blk):
    r = vm.obj(self)
    if r.last == NIL:
        vm.raise_error(vm.c_RangeError, "cannot convert endless range to an array")
    if vm.is_int(r.first) and _num(vm, r.last)[0] is not None:
        return vm.ary_new([vm.int_new(i) for i in range_each_ints(vm, r)])
    out = []
    from ..errors import RubyError    # noqa: F401
    collector = vm.make_builtin_proc(lambda vm2, s, a, b: out.append(a[0] if a else NIL) or NIL)
    range_each(vm, self, [], collector)
    return vm.ary_new(out)


def _range_cover(vm, r, v):
    c1 = vm.cmp(r.first, v) if r.first != NIL else -1
    if c1 is None or c1 > 0:
        return False
    if r.last == NIL:
        return True
    c2 = vm.cmp(v, r.last)
    if c2 is None:
        return False
    return c2 < 0 or (c2 == 0 and not r.excl)


@method("Range", "include?", arity=1, aliases=("member?", "===", "cover?"))
def range_include(vm, self, args, blk):
    return _b(_range_cover(vm, vm.obj(self), args[0]))


@method("Range", "inspect", arity=0)
def range_inspect(vm, self, args, blk):
    r = vm.obj(self)
    a = vm.inspect(r.first) if r.first != NIL else b""
    b = vm.inspect(r.last) if r.last != NIL else b""
    return vm.str_new(a + (b"..." if r.excl else b"..") + b)


@method("Range", "to_s", arity=0)
def range_to_s(vm, self, args, blk):
    r = vm.obj(self)
    a = vm.to_s(r.first)
    b = vm.to_s(r.last)
    return vm.str_new(a + (b"..." if r.excl else b"..") + b)


@method("Range", "==", arity=1)
def range_eq(vm, self, args, blk):
    o = args[0]
    if not vm.is_range(o):
        return FALSE
    a = vm.obj(self)
    b = vm.obj(o)
    return _b(a.excl == b.excl and vm.equal(a.first, b.first) and vm.equal(a.last, b.last))


# --------------------------------------------------------------------- Proc
def proc_call_special(vm, base, recv, m, owner, mid, n, nk, blk):
    """Proc#call as OP_CALL runs it: the call frame becomes the block's frame."""
    p = vm.objects[recv >> 3]
    if p.irep is None:
        args = vm.collect_args(base, n, nk)
        if p.fn is not None:
            kw = nk != 0 and bool(args) and vm.is_hash(args[-1])
            return vm.call_proc_fn(p, p.self_word, args, blk, kw=kw)
        return NIL
    if p.env is not None:
        vm.stack[base] = p.env.get(0)
    else:
        vm.stack[base] = p.self_word
    return vm.run_proc_at(p, base, n, nk)


@smethod("Proc", "new", arity=0)
def proc_s_new(vm, self, args, blk):
    if blk == NIL:
        vm.raise_error(vm.c_ArgumentError, "no block given")    # mrb_get_args "&!"
    p = vm.obj(blk)
    if vm.obj(self) is vm.c_Proc:
        return blk
    np = RProc(vm.obj(self), p.irep, p.fn)
    for f in ("upper", "env", "_target_class", "self_word", "rt", "strict", "scope"):
        setattr(np, f, getattr(p, f))
    w = vm.alloc(np)
    vm.funcall(w, vm.SYM_initialize)
    return w


def _compose(vm, first, second, name):
    def body(vm2, s, a, b):
        return vm2.funcall(second, "call", [vm2.funcall(first, "call", a, b)])
    p = RProc(vm.c_Proc, None, body)
    p.fn_mid = vm.intern(name)      # mrblib's lambda runs in a frame named << / >>
    p.strict = True
    p.arity_override = -1
    p.params = FORWARD_PARAMS
    return vm.alloc(p)


@method("Proc", ">>", arity=1)
def proc_rshift(vm, self, args, blk):
    return _compose(vm, self, args[0], ">>")


@method("Proc", "<<", arity=1)
def proc_lshift(vm, self, args, blk):
    return _compose(vm, args[0], self, "<<")


@method("Proc", "===", arity=-1, aliases=("yield",))
def proc_eqq(vm, self, args, blk):
    # mruby-proc-ext mrblib: def ===(*args) call(*args) end
    return vm.funcall(self, "call", args, blk)


@method("Proc", "curry", arity=(0, 1))
def proc_curry(vm, self, args, blk):
    """mruby-proc-ext's Proc#curry."""
    p = vm.obj(self)

    def absa(a):
        return -a - 1 if a < 0 else a
    arity = absa(vm.to_int(args[0]) if args else vm.proc_arity(p))
    strict = p.strict
    if strict:
        sa = vm.proc_arity(p)
        if (sa >= 0 and arity != sa) or (sa < 0 and absa(sa) > arity):
            vm.raise_error(vm.c_ArgumentError,
                           f"wrong number of arguments (given {arity}, expected {absa(sa)})")

    def make(given):
        def body(vm2, s, a, b):
            new_args = given + list(a)
            if len(new_args) >= arity:
                return vm2.funcall(self, "[]", new_args)
            return make(new_args)
        w = vm.make_builtin_proc(body, strict=strict, mid="curry")
        vm.obj(w).arity_override = -1
        vm.obj(w).params = (("rest", "args"),)
        return w
    return make([])


@method("Proc", "lambda?", arity=0)
def proc_lambda_p(vm, self, args, blk):
    return _b(vm.obj(self).strict)


@method("Proc", "to_proc", arity=0)
def proc_to_proc(vm, self, args, blk):
    return self


@method("Proc", "arity", arity=0)
def proc_arity(vm, self, args, blk):
    return abi.fixnum(vm.proc_arity(vm.obj(self)))


@method("Proc", "inspect", arity=0, aliases=("to_s",))
def proc_inspect(vm, self, args, blk):
    """mrb_proc_inspect (mruby-proc-ext)."""
    p = vm.obj(self)
    s = f"#<Proc:0x{vm.fake_address(p):x}"
    if p.irep is not None:
        fname, line = _irep_location(p.irep)
        s += f"@{fname or '-'}:{line if line != -1 else '-'}"
    elif p.fn is not None:
        # a builtin body stands for a block of mrblib (Symbol#to_proc,
        # Proc#curry, Method#to_proc...), compiled without debug info
        s += "@-:-"
    if p.strict:
        s += " (lambda)"
    return vm.str_new(s + ">")


def _irep_location(irep):
    d = irep.debug
    if d is None:
        return None, -1
    fname, line = d.location(0)
    return fname, (line if line is not None else -1)


@method("Proc", "source_location", arity=0)
def proc_source_location(vm, self, args, blk):
    p = vm.obj(self)
    if p.irep is None:
        return NIL
    return irep_source_location(vm, p.irep)


def irep_source_location(vm, irep):
    """mrb_proc_source_location of a Ruby proc: [file, line] of its first
    instruction, nil without debug info."""
    fname, line = _irep_location(irep)
    if fname is None and line == -1:
        return NIL
    return vm.ary_new([vm.str_new(fname or ""), vm.int_new(line)])


@method("Proc", "initialize_copy", arity=1, visibility="private")
def proc_initialize_copy(vm, self, args, blk):
    """mrb_proc_init_copy: a proc that has a body already keeps it."""
    if not vm.is_proc(args[0]):
        vm.raise_error(vm.c_ArgumentError, "not a proc")
    d = vm.obj(self)
    if d.irep is None and d.fn is None:
        s = vm.obj(args[0])
        for f in ("irep", "fn", "upper", "env", "strict", "scope", "orphan", "self_word", "rt",
                  "arity_override", "fn_mid"):
            setattr(d, f, getattr(s, f))
    return self


# --------------------------------------------------------------- Comparable
def _cmp_or_fail(vm, a, b):
    r = vm.funcall(a, "<=>", [b])
    if r == NIL:
        bn = vm.type_name_for_error(b) if b in (NIL, TRUE, FALSE) else \
            vm.class_name(vm.real_class(b))
        vm.raise_error(vm.c_ArgumentError, f"comparison of "
                       f"{vm.class_name(vm.real_class(a))} with {bn} failed")
    return vm.int_value(r) if vm.is_int(r) else (1 if abi.truthy(vm.funcall(r, ">", [abi.fixnum(0)])) else 0)


@method("Comparable", "==", arity=1)
def cmp_eq(vm, self, args, blk):
    if self == args[0]:
        return TRUE
    r = vm.funcall(self, "<=>", [args[0]])
    if r == NIL:
        return FALSE
    return _b(vm.is_int(r) and vm.int_value(r) == 0)


@method("Comparable", "<", arity=1)
def cmp_lt(vm, self, args, blk):
    return _b(_cmp_or_fail(vm, self, args[0]) < 0)


@method("Comparable", "<=", arity=1)
def cmp_le(vm, self, args, blk):
    return _b(_cmp_or_fail(vm, self, args[0]) <= 0)


@method("Comparable", ">", arity=1)
def cmp_gt(vm, self, args, blk):
    return _b(_cmp_or_fail(vm, self, args[0]) > 0)


@method("Comparable", ">=", arity=1)
def cmp_ge(vm, self, args, blk):
    return _b(_cmp_or_fail(vm, self, args[0]) >= 0)


@method("Comparable", "between?", arity=2)
def cmp_between(vm, self, args, blk):
    return _b(_cmp_or_fail(vm, self, args[0]) >= 0 and _cmp_or_fail(vm, self, args[1]) <= 0)


def init(vm):
    from ..objects import MethodEntry
    for name in ("call", "[]"):
        sid = vm.intern(name)
        vm.add_method(vm.c_Proc, sid, MethodEntry(sid, special=proc_call_special))
    for cname in ("Integer", "Float", "Symbol", "NilClass", "TrueClass", "FalseClass"):
        c = vm.cls(cname)
        vm.undef_method(vm.singleton_class(c.word), vm.intern("new"))
