"""Integer (mruby 3.1: src/numeric.c, mrblib/numeric.rb, mruby-numeric-ext,
Integer#chr from mruby-string-ext, Integer#/ and #quo as mruby-complex
redefines them).

Integers are 64-bit (``mrb_int``); the methods raise ``RangeError``
"integer overflow in <operation>" where mruby does, and compare with
Floats by converting both sides to double as ``cmpnum`` does.
"""

from __future__ import annotations

import math

from runtime import abi
from runtime.core.enumerable import rb_argc
from runtime.core.format import int_to_str
from runtime.core.numeric import (
    FALSE,
    FIXNUM_MAX,
    FIXNUM_MIN,
    INT_MAX,
    INT_MIN,
    NIL,
    as_float,
    as_int,
    c_f2i,
    c_pow,
    c_trunc,
    cmperr,
    cmpnum,
    div_float,
    flo,
    flodivmod,
    int_result,
    is_complex,
    is_rational,
    op_add,
    op_ge,
    op_gt,
    op_le,
    op_lt,
)
from runtime.defs import method


def _iv(vm, w):
    return abi.fixnum_value(w) if w & 1 else vm.int_value(w)


def _arg1(args):
    return args[0]


def div_int(vm, x: int, y: int) -> int:
    """mrb_div_int: floor division with mruby's errors."""
    if y == 0:
        vm.raise_error("ZeroDivisionError", "divided by 0")
    if x == INT_MIN and y == -1:
        vm.raise_error("RangeError", "integer overflow in division")
    return x // y


def _value_int64(vm, w: int) -> int:
    """numeric.c value_int64 (bit operations on Floats)."""
    if vm.is_int(w):
        return vm.int_value(w)
    if vm.is_float(w):
        f = vm.float_value(w)
        if 9.2233720368547758e18 >= f >= -9.2233720368547758e18:
            return c_f2i(f) if f < 9.2233720368547758e18 else INT_MIN
    vm.raise_error("TypeError", "cannot convert to Integer")


def _int64_value(vm, v: int) -> int:
    if not (FIXNUM_MIN <= v <= FIXNUM_MAX):
        vm.raise_error("RangeError", "integer overflow in bit operation")
    return vm.int_new(v)


def float_bitop(vm, xf: int, y: int, op: str) -> int:
    a = _value_int64(vm, xf)
    b = _value_int64(vm, y)
    if op == "&":
        return _int64_value(vm, a & b)
    if op == "|":
        return _int64_value(vm, a | b)
    return _int64_value(vm, a ^ b)


# ------------------------------------------------------------ arithmetic
@method("Integer", "+", arity=1)
def int_add(vm, self, args, blk):
    y = args[0]
    a = _iv(vm, self)
    if vm.is_int(y):
        if a == 0:
            return y
        return int_result(vm, a + vm.int_value(y), "addition")
    if is_rational(vm, y) or is_complex(vm, y):
        return vm.funcall(y, "+", [self])
    return flo(vm, float(a) + as_float(vm, y))


@method("Integer", "-", arity=1)
def int_sub(vm, self, args, blk):
    y = args[0]
    a = _iv(vm, self)
    if vm.is_int(y):
        return int_result(vm, a - vm.int_value(y), "subtraction")
    if is_rational(vm, y) or is_complex(vm, y):
        r = vm.funcall(y, "-", [self])
        return vm.funcall(r, "-@")
    return flo(vm, float(a) - as_float(vm, y))


@method("Integer", "*", arity=1)
def int_mul(vm, self, args, blk):
    y = args[0]
    a = _iv(vm, self)
    if vm.is_int(y):
        if a == 0:
            return self
        return int_result(vm, a * vm.int_value(y), "multiplication")
    if is_rational(vm, y) or is_complex(vm, y):
        return vm.funcall(y, "*", [self])
    return flo(vm, float(a) * as_float(vm, y))


@method("Integer", "/", arity=1)
def int_div(vm, self, args, blk):
    y = args[0]
    a = _iv(vm, self)
    if vm.is_int(y):
        return vm.int_new(div_int(vm, a, vm.int_value(y)))
    if is_rational(vm, y):
        r = vm.funcall(self, "Rational", [self, abi.fixnum(1)])
        return vm.funcall(r, "/", [y])
    if is_complex(vm, y):
        c = vm.funcall(self, "Complex", [flo(vm, float(a)), abi.fixnum(0)])
        return vm.funcall(c, "/", [y])
    return flo(vm, div_float(float(a), as_float(vm, y)))


@method("Integer", "quo", arity=1)
def int_quo(vm, self, args, blk):
    y = args[0]
    a = _iv(vm, self)
    if is_rational(vm, y):
        r = vm.funcall(self, "Rational", [self, abi.fixnum(1)])
        return vm.funcall(r, "/", [y])
    if is_complex(vm, y):
        c = vm.funcall(self, "Complex", [flo(vm, float(a)), abi.fixnum(0)])
        return vm.funcall(c, "/", [y])
    return flo(vm, div_float(float(a), as_float(vm, y)))


@method("Integer", "div", arity=1)
def int_idiv(vm, self, args, blk):
    y = as_int(vm, args[0])
    if y == 0:
        vm.raise_error("ZeroDivisionError", "divided by 0")
    a = _iv(vm, self)
    q = abs(a) // abs(y)
    if (a < 0) != (y < 0):
        q = -q
    return vm.int_new(q)


@method("Integer", "%", arity=1, aliases=("modulo",))
def int_mod(vm, self, args, blk):
    y = args[0]
    a = _iv(vm, self)
    if vm.is_int(y):
        b = vm.int_value(y)
        if b == 0:
            vm.raise_error("ZeroDivisionError", "divided by 0")
        if a == INT_MIN and b == -1:
            return abi.fixnum(0)
        return vm.int_new(a % b)
    _, mod = flodivmod(vm, float(a), as_float(vm, y), False, True)
    return flo(vm, mod)


@method("Integer", "divmod", arity=1)
def int_divmod(vm, self, args, blk):
    y = args[0]
    a = _iv(vm, self)
    if vm.is_int(y):
        b = vm.int_value(y)
        if b == 0:
            vm.raise_error("ZeroDivisionError", "divided by 0")
        if a == INT_MIN and b == -1:
            vm.raise_error("RangeError", "integer overflow in division")
        d, m = divmod(a, b)
        return vm.ary_new([vm.int_new(d), vm.int_new(m)])
    d, m = flodivmod(vm, float(a), as_float(vm, y))
    return vm.ary_new([vm.int_new(c_f2i(d)), flo(vm, m)])


@method("Integer", "remainder", arity=1)
def int_remainder(vm, self, args, blk):
    y = args[0]
    a = _iv(vm, self)
    if vm.is_int(y):
        b = vm.int_value(y)
        if b == 0:
            vm.raise_error("ZeroDivisionError", "divided by 0")
        if a == INT_MIN and b == -1:
            return abi.fixnum(0)
        r = abs(a) % abs(b)
        return vm.int_new(-r if a < 0 else r)
    n = float(a)
    m = as_float(vm, y)
    if math.isinf(m):
        return flo(vm, n)
    return flo(vm, n - m * c_trunc(n / m) if m != 0.0 else math.nan)


@method("Integer", "**", arity=1)
def int_pow(vm, self, args, blk):
    y = args[0]
    base = _iv(vm, self)
    if vm.is_float(y):
        return flo(vm, c_pow(float(base), vm.float_value(y)))
    if vm.is_int(y):
        exp = vm.int_value(y)
    else:
        exp = as_int(vm, y)
    if exp < 0:
        return flo(vm, c_pow(float(base), float(exp)))
    result = 1
    while True:
        if exp & 1:
            result *= base
            if not (INT_MIN <= result <= INT_MAX):
                vm.raise_error("RangeError", "integer overflow in power")
        exp >>= 1
        if exp == 0:
            break
        base *= base
        if not (INT_MIN <= base <= INT_MAX):
            vm.raise_error("RangeError", "integer overflow in power")
    return vm.int_new(result)


# ------------------------------------------------------------ comparison
@method("Integer", "<=>", arity=1)
def int_cmp(vm, self, args, blk):
    n = cmpnum(vm, self, args[0])
    return NIL if n is None else abi.fixnum(n)


def _cmp_method(op):
    def fn(vm, self, args, blk):
        n = cmpnum(vm, self, args[0])
        if n is None:
            cmperr(vm, self, args[0])
        return vm.bool(op(n))
    return fn


for _name, _op in (("<", lambda n: n < 0), ("<=", lambda n: n <= 0),
                   (">", lambda n: n > 0), (">=", lambda n: n >= 0)):
    method("Integer", _name, arity=1)(_cmp_method(_op))


@method("Integer", "==", arity=1)
def int_equal(vm, self, args, blk):
    y = args[0]
    if vm.is_int(y):
        return vm.bool(_iv(vm, self) == vm.int_value(y))
    if vm.is_float(y):
        return vm.bool(float(_iv(vm, self)) == vm.float_value(y))
    if is_rational(vm, y) or is_complex(vm, y):
        return vm.bool(vm.equal(y, self))
    return FALSE


@method("Integer", "eql?", arity=1)
def int_eql(vm, self, args, blk):
    y = args[0]
    if not vm.is_int(y):
        return FALSE
    return vm.bool(_iv(vm, self) == vm.int_value(y))


# ------------------------------------------------------------ bits
@method("Integer", "~", arity=0)
def int_rev(vm, self, args, blk):
    return vm.int_new(~_iv(vm, self))


@method("Integer", "&", arity=1)
def int_and(vm, self, args, blk):
    y = args[0]
    if vm.is_int(y):
        return vm.int_new(_iv(vm, self) & vm.int_value(y))
    return float_bitop(vm, flo(vm, float(_iv(vm, self))), y, "&")


@method("Integer", "|", arity=1)
def int_or(vm, self, args, blk):
    y = args[0]
    if vm.is_int(y):
        return vm.int_new(_iv(vm, self) | vm.int_value(y))
    return float_bitop(vm, flo(vm, float(_iv(vm, self))), y, "|")


@method("Integer", "^", arity=1)
def int_xor(vm, self, args, blk):
    y = args[0]
    if vm.is_int(y):
        return vm.int_new(_iv(vm, self) ^ vm.int_value(y))
    # numeric.c's bit_op(x, y, or, ^) falls back to flo_or
    return float_bitop(vm, flo(vm, float(_iv(vm, self))), y, "|")


def num_shift(val: int, width: int):
    """mrb_num_shift: the shifted value, or None on overflow."""
    if width < 0:
        if width == INT_MIN or -width >= 63:
            return -1 if val < 0 else 0
        return val >> -width
    if val > 0:
        if width > 63 or val > (INT_MAX >> width):
            return None
        return val << width
    if width > 63 or val < (INT_MIN >> width):
        return None
    if width == 63:
        return INT_MIN
    return val * (1 << width)


@method("Integer", "<<", arity=1)
def int_lshift(vm, self, args, blk):
    width = as_int(vm, args[0])
    if width == 0:
        return self
    val = _iv(vm, self)
    if val == 0:
        return self
    r = num_shift(val, width)
    if r is None:
        vm.raise_error("RangeError", "integer overflow in bit shift")
    return vm.int_new(r)


@method("Integer", ">>", arity=1)
def int_rshift(vm, self, args, blk):
    width = as_int(vm, args[0])
    if width == 0:
        return self
    val = _iv(vm, self)
    if val == 0:
        return self
    if width == INT_MIN:
        vm.raise_error("RangeError", "integer overflow in bit shift")
    r = num_shift(val, -width)
    if r is None:
        vm.raise_error("RangeError", "integer overflow in bit shift")
    return vm.int_new(r)


@method("Integer", "allbits?", arity=1)
def int_allbits(vm, self, args, blk):
    m = as_int(vm, args[0])
    return vm.bool((_iv(vm, self) & m) == m)


@method("Integer", "anybits?", arity=1)
def int_anybits(vm, self, args, blk):
    m = as_int(vm, args[0])
    return vm.bool((_iv(vm, self) & m) != 0)


@method("Integer", "nobits?", arity=1)
def int_nobits(vm, self, args, blk):
    m = as_int(vm, args[0])
    return vm.bool((_iv(vm, self) & m) == 0)


# ------------------------------------------------------------ conversion
@method("Integer", "to_s", arity=(0, 1), aliases=("inspect",))
def int_to_s(vm, self, args, blk):
    base = as_int(vm, args[0]) if args else 10
    if base < 2 or base > 36:
        vm.raise_error("ArgumentError", f"invalid radix {base}")
    t = int_to_str(_iv(vm, self), base)
    if len(t) > 64:
        t = ""      # mrb_int_to_cstr's 65-byte buffer is too small (min.to_s(2))
    return vm.str_new(t.encode())


@method("Integer", "to_i", arity=0, aliases=("to_int",))
def int_to_i(vm, self, args, blk):
    return self


@method("Integer", "to_f", arity=0)
def int_to_f(vm, self, args, blk):
    return flo(vm, float(_iv(vm, self)))


@method("Integer", "chr", arity=-1)
def int_chr(vm, self, args, blk):
    if args:
        enc = args[0]
        if not vm.is_str(enc):
            vm.raise_error("TypeError",
                           f"{vm.type_name_for_error(enc)} cannot be converted to String")
        if len(args) > 1:       # mrb_get_args("|S?") converts before counting
            vm.argc_error(len(args), 0, 1)
        name = vm.str_bytes(enc).lower()
        if name not in (b"ascii-8bit", b"binary"):
            vm.raise_error("ArgumentError",
                           b"unknown encoding name - " + vm.str_bytes(enc))
    cp = as_int(vm, self)
    if cp < 0 or cp > 0xFF:
        vm.raise_error("RangeError", f"{int_to_str(cp, 10)} out of char range")
    return vm.str_new(bytes([cp]))


@method("Integer", "__coerce_step_counter", arity=2)
def int_coerce_step_counter(vm, self, args, blk):
    num, step = args
    if vm.is_float(num) or vm.is_float(step):
        return flo(vm, as_float(vm, self))
    return self


# mrblib: ceil/floor/round/truncate ignore their argument
@method("Integer", "ceil", arity=-1)
def int_ceil(vm, self, args, blk):
    rb_argc(vm, args, 0, 1)
    return self


@method("Integer", "floor", arity=-1)
def int_floor(vm, self, args, blk):
    rb_argc(vm, args, 0, 1)
    return self


@method("Integer", "round", arity=-1)
def int_round(vm, self, args, blk):
    rb_argc(vm, args, 0, 1)
    return self


@method("Integer", "truncate", arity=-1)
def int_truncate(vm, self, args, blk):
    rb_argc(vm, args, 0, 1)
    return self


@method("Integer", "next", arity=0)
def int_next(vm, self, args, blk):
    return op_add(vm, self, abi.fixnum(1))


@method("Integer", "succ", arity=0)
def int_succ(vm, self, args, blk):
    return op_add(vm, self, abi.fixnum(1))


# ------------------------------------------------------------ iteration
def _enum(vm, self, name, extra=()):
    return vm.funcall(self, "to_enum", [vm.sym(name)] + list(extra))


@method("Integer", "times", arity=0)
def int_times(vm, self, args, blk):
    if blk == NIL:
        return _enum(vm, self, "times")
    if self & 1:
        n = abi.fixnum_value(self)
        y = vm.yield_block
        fix = abi.fixnum
        i = 0
        while i < n:
            y(blk, [fix(i)])
            i += 1
        return self
    i = abi.fixnum(0)
    while op_lt(vm, i, self):
        vm.yield_block(blk, [i])
        i = op_add(vm, i, abi.fixnum(1))
    return self


@method("Integer", "upto", arity=1)
def int_upto(vm, self, args, blk):
    num = args[0]
    if blk == NIL:
        return _enum(vm, self, "upto", [num])
    if self & 1 and num & 1:
        i = abi.fixnum_value(self)
        n = abi.fixnum_value(num)
        while i <= n:
            vm.yield_block(blk, [abi.fixnum(i)])
            i += 1
        return self
    i = self
    while op_le(vm, i, num):
        vm.yield_block(blk, [i])
        i = op_add(vm, i, abi.fixnum(1))
    return self


@method("Integer", "downto", arity=1)
def int_downto(vm, self, args, blk):
    num = args[0]
    if blk == NIL:
        return _enum(vm, self, "downto", [num])
    if self & 1 and num & 1:
        i = abi.fixnum_value(self)
        n = abi.fixnum_value(num)
        while i >= n:
            vm.yield_block(blk, [abi.fixnum(i)])
            i -= 1
        return self
    i = self
    from runtime.core.numeric import op_sub
    while op_ge(vm, i, num):
        vm.yield_block(blk, [i])
        i = op_sub(vm, i, abi.fixnum(1))
    return self


def num_step(vm, self, args, blk, is_float_recv: bool, coerce_num: bool = True):
    """Integer#step / Float#step (mrblib/numeric.rb); ``coerce_num``:
    ``__coerce_step_counter`` is given ``num`` as well as ``step``."""
    num = args[0] if len(args) > 0 else NIL
    step = args[1] if len(args) > 1 else abi.fixnum(1)
    from runtime.core.numeric import op_eq
    if op_eq(vm, step, abi.fixnum(0)):
        vm.raise_error("ArgumentError", "step can't be 0")
    if blk == NIL:
        return _enum(vm, self, "step", [num, step])
    if is_float_recv:
        i = self
    else:
        i = vm.funcall(self, "__coerce_step_counter", [num, step] if coerce_num else [step])
    zero = abi.fixnum(0)
    if op_eq(vm, num, self) or abi.truthy(vm.funcall(step, "infinite?")):
        if op_gt(vm, step, zero):
            cond = op_le(vm, i, num if num != NIL else i)
        else:
            cond = False
        if not cond and op_lt(vm, step, zero):
            lim = num if num != NIL else vm.funcall(i, "-@")
            cond = op_ge(vm, i, lim)
        if cond:
            vm.yield_block(blk, [i])
    elif num == NIL:
        while True:
            vm.yield_block(blk, [i])
            i = op_add(vm, i, step)
    elif op_gt(vm, step, zero):
        while op_le(vm, i, num):
            vm.yield_block(blk, [i])
            i = op_add(vm, i, step)
    else:
        while op_ge(vm, i, num):
            vm.yield_block(blk, [i])
            i = op_add(vm, i, step)
    return self


@method("Integer", "step", arity=-1)
def int_step(vm, self, args, blk):
    rb_argc(vm, args, 0, 2)
    return num_step(vm, self, args, blk, False)


def init(vm):
    vm.define_const(vm.c_Object, "Fixnum", vm.c_Integer.word)
    sc = vm.singleton_class(vm.c_Integer.word)
    sc.mt[vm.intern("new")] = None
    vm.invalidate()
