"""Range (mruby 3.1: src/range.c, mrblib/range.rb, mruby-range-ext).

mruby 3.1 has endless and beginless ranges, ``first(n)``/``last(n)``,
``min``/``max`` fast paths for numbers, ``cover?`` and a Float-aware
``size``; it has no ``step``, ``sum`` or ``%``.  Other Enumerable methods
come from the Enumerable module through ``each``.
"""

from __future__ import annotations

import math
import weakref

from runtime import abi
from runtime.core.numeric import (
    FALSE,
    NIL,
    TRUE,
    as_int,
    c_floor,
    cmpnum,
    flo,
    is_num,
    op_add,
    op_eq,
    op_gt,
    op_lt,
    op_sub,
)
from runtime.core.support import fake_frames
from runtime.defs import method, smethod
from runtime.objects import RRange

# ranges made by Range.new that have not run #initialize yet
_fresh: weakref.WeakSet = weakref.WeakSet()


def _r(vm, w) -> RRange:
    return vm.obj(w)


def range_beg_len(vm, rng: int, length: int, trunc: bool):
    """mrb_range_beg_len for the Range ``rng`` over ``length`` elements:
    (beg, len), or None for MRB_RANGE_OUT.  Array#[], #[]=, #slice!,
    #values_at, String#[], #[]=, #slice!, #byteslice use it; the ends
    go through mrb_as_int (Integer, Float, Rational, Complex)."""
    r = _r(vm, rng)
    beg = 0 if r.first == NIL else as_int(vm, r.first)
    end = -1 if r.last == NIL else as_int(vm, r.last)
    excl = False if r.last == NIL else r.excl
    if beg < 0:
        beg += length
        if beg < 0:
            return None
    if trunc:
        if beg > length:
            return None
        end = min(end, length)
    if end < 0:
        end += length
    if not excl and (not trunc or end < length):
        end += 1        # include end point
    return beg, max(end - beg, 0)


def mrb_cmp(vm, a: int, b: int):
    """mrb_cmp: -1/0/1 (or whatever Integer <=> returned); None for -2."""
    if is_num(vm, a):
        return cmpnum(vm, a, b)
    if vm.is_str(a):
        if not vm.is_str(b):
            return None
        x = vm.str_bytes(a)
        y = vm.str_bytes(b)
        return (x > y) - (x < y)
    v = vm.funcall(a, "<=>", [b])
    if v == NIL or not vm.is_int(v):
        return None
    return vm.int_value(v)


def _r_le(vm, a, b) -> bool:
    n = mrb_cmp(vm, a, b)
    return n == 0 or n == -1


def _r_lt(vm, a, b) -> bool:
    return mrb_cmp(vm, a, b) == -1


def _r_gt(vm, a, b) -> bool:
    return mrb_cmp(vm, a, b) == 1


def _r_ge(vm, a, b) -> bool:
    n = mrb_cmp(vm, a, b)
    return n == 0 or n == 1


def r_check(vm, a: int, b: int) -> None:
    if is_num(vm, a) and is_num(vm, b):
        return
    if a == NIL or b == NIL:
        return
    if mrb_cmp(vm, a, b) is None:
        vm.raise_error("ArgumentError", "bad value for range")


@smethod("Range", "new", arity=-1)
def range_s_new(vm, self, args, blk):
    o = RRange(vm.obj(self), NIL, NIL, False)
    w = vm.alloc(o)
    _fresh.add(o)
    vm.funcall(w, "initialize", args, blk)
    return w


@method("Range", "initialize", arity=(2, 3), visibility="private")
def range_initialize(vm, self, args, blk):
    beg, end = args[0], args[1]
    excl = abi.truthy(args[2]) if len(args) > 2 else False
    r = _r(vm, self)
    r_check(vm, beg, end)
    if r not in _fresh:
        vm.raise_name_error("'initialize' called twice", vm.intern("initialize"))
    _fresh.discard(r)
    r.first, r.last, r.excl = beg, end, excl
    r.frozen = True
    return self


@method("Range", "initialize_copy", arity=1, visibility="private")
def range_initialize_copy(vm, self, args, blk):
    src = args[0]
    if src == self:
        return self
    if vm.real_class(src) is not vm.real_class(self) or not vm.is_range(src):
        vm.raise_error("TypeError", "wrong argument class")
    s = _r(vm, src)
    d = _r(vm, self)
    r_check(vm, s.first, s.last)
    if d not in _fresh and not _called_from_copy(vm):
        # range_ptr_init on an initialized range
        vm.raise_name_error("'initialize' called twice", vm.intern("initialize"))
    _fresh.discard(d)
    d.first, d.last, d.excl = s.first, s.last, s.excl
    d.frozen = True
    return self


def _called_from_copy(vm) -> bool:
    """True when Kernel#dup/#clone (which allocate the copy) called us."""
    fr = vm.frames
    if len(fr) < 2:
        return False
    mid = fr[-2].mid
    return mid in (vm.intern("dup"), vm.intern("clone"))


@method("Range", "begin", arity=0)
def range_begin(vm, self, args, blk):
    return _r(vm, self).first


@method("Range", "end", arity=0)
def range_end(vm, self, args, blk):
    return _r(vm, self).last


@method("Range", "exclude_end?", arity=0)
def range_excl(vm, self, args, blk):
    return vm.bool(_r(vm, self).excl)


def _to_int_arg(vm, w):
    return as_int(vm, w)


@method("Range", "first", arity=-1)
def range_first(vm, self, args, blk):
    r = _r(vm, self)
    if r.first == NIL:
        vm.raise_error("RangeError", "cannot get the first element of beginless range")
    if not args:
        return r.first
    if len(args) != 1:
        vm.raise_error("ArgumentError",
                       f"wrong number of arguments (given {len(args)}, expected 1)")
    n = _to_int_arg(vm, args[0])
    if n < 0:
        vm.raise_error("ArgumentError", "negative array size (or size too big)")
    out = []
    left = [n]

    def take(v):
        # mrblib: each do |i| break if n <= 0; ary.push(i); n -= 1 end
        # (each produces one element past the last one taken)
        if left[0] <= 0:
            return False
        out.append(v)
        left[0] -= 1
        return True
    with fake_frames(vm, "each"):
        _each(vm, self, take)
    return vm.ary_new(out)


@method("Range", "last", arity=-1)
def range_last(vm, self, args, blk):
    r = _r(vm, self)
    if r.last == NIL:
        vm.raise_error("RangeError", "cannot get the last element of endless range")
    if not args:
        return r.last
    if len(args) != 1:
        vm.raise_error("ArgumentError",
                       f"wrong number of arguments (given {len(args)}, expected 1)")
    n = _to_int_arg(vm, args[0])
    if n < 0:
        vm.raise_error("ArgumentError", "negative array size (or size too big)")
    a = vm.funcall(self, "to_a")
    return vm.funcall(a, "last", [args[0]])


@method("Range", "==", arity=1)
def range_eq(vm, self, args, blk):
    o = args[0]
    if o == self:
        return TRUE
    if not vm.is_range(o) or vm.real_class(o) is not vm.real_class(self):
        return FALSE
    a = _r(vm, self)
    b = _r(vm, o)
    if not vm.equal(a.first, b.first) or not vm.equal(a.last, b.last) or a.excl != b.excl:
        return FALSE
    return TRUE


@method("Range", "eql?", arity=1)
def range_eql(vm, self, args, blk):
    o = args[0]
    if o == self:
        return TRUE
    if not vm.is_range(o):
        return FALSE
    a = _r(vm, self)
    b = _r(vm, o)
    if not vm.eql(a.first, b.first) or not vm.eql(a.last, b.last) or a.excl != b.excl:
        return FALSE
    return TRUE


def range_include_p(vm, self, val) -> bool:
    r = _r(vm, self)
    beg, end = r.first, r.last
    if beg == NIL:
        if (_r_gt(vm, end, val) if r.excl else _r_ge(vm, end, val)):
            return True
    elif _r_le(vm, beg, val):
        if end == NIL:
            return True
        if (_r_gt(vm, end, val) if r.excl else _r_ge(vm, end, val)):
            return True
    return False


@method("Range", "include?", arity=1, aliases=("member?", "==="))
def range_include(vm, self, args, blk):
    return vm.bool(range_include_p(vm, self, args[0]))


@method("Range", "cover?", arity=1)
def range_cover(vm, self, args, blk):
    r = _r(vm, self)
    val = args[0]
    if _r_le(vm, r.first, val):
        if r.last == NIL:
            return TRUE
        if r.excl:
            if _r_lt(vm, val, r.last):
                return TRUE
        elif _r_le(vm, val, r.last):
            return TRUE
    return FALSE


@method("Range", "to_s", arity=0)
def range_to_s(vm, self, args, blk):
    r = _r(vm, self)
    a = vm.str_bytes_of(vm.obj_as_string(r.first))
    b = vm.str_bytes_of(vm.obj_as_string(r.last))
    return vm.str_new(a + (b"..." if r.excl else b"..") + b)


@method("Range", "inspect", arity=0)
def range_inspect(vm, self, args, blk):
    r = _r(vm, self)
    out = b""
    if r.first != NIL:
        out = vm.inspect(r.first)
    out += b"..." if r.excl else b".."
    if r.last != NIL:
        out += vm.inspect(r.last)
    return vm.str_new(out)


@method("Range", "hash", arity=0)
def range_hash(vm, self, args, blk):
    a = vm.funcall(vm.funcall(self, "first"), "hash")
    b = vm.funcall(vm.funcall(self, "last"), "hash")
    if vm.is_int(a) and vm.is_int(b):
        h = vm.int_new(vm.int_value(a) ^ vm.int_value(b))
    else:
        h = vm.funcall(a, "^", [b])
    if _r(vm, self).excl:
        h = op_add(vm, h, abi.fixnum(1))
    return h


def _is_kind(vm, w, name):
    return vm.is_a(w, vm.cls(name))


def _each(vm, self, fn) -> None:
    """Range#each's algorithm; fn(value) returns False to stop early."""
    r = _r(vm, self)
    val = r.first
    last = r.last
    int_val = vm.is_int(val)
    if int_val and last == NIL:
        i = val
        while True:
            if fn(i) is False:
                return
            i = op_add(vm, i, abi.fixnum(1))
    str_each = False
    if vm.is_str(val) and last == NIL:
        if vm.respond_to(val, "__upto_endless"):
            _str_each(vm, val, "__upto_endless", [], fn)
            return
        str_each = True
    if int_val and vm.is_int(last):
        lim = last
        if not r.excl:
            lim = op_add(vm, lim, abi.fixnum(1))
        i = val
        while op_lt(vm, i, lim):
            if fn(i) is False:
                return
            i = op_add(vm, i, abi.fixnum(1))
        return
    if vm.is_str(val) and vm.is_str(last):
        if vm.respond_to(val, "upto"):
            _str_each(vm, val, "upto", [last, vm.bool(r.excl)], fn)
            return
        str_each = True
    if not vm.respond_to(val, "succ"):
        vm.raise_error("TypeError", "can't iterate")
    c = vm.funcall(val, "<=>", [last])
    if _gt0(vm, c):
        return
    while _lt0(vm, vm.funcall(val, "<=>", [last])):
        if fn(val) is False:
            return
        val = vm.funcall(val, "succ")
        if str_each:
            if abi.truthy(vm.funcall(vm.funcall(val, "size"), ">", [vm.funcall(last, "size")])):
                break
    if not r.excl and _eq0(vm, vm.funcall(val, "<=>", [last])):
        fn(val)


class _Stop(Exception):
    pass


def _str_each(vm, val, name, args, fn):
    """Run String#upto-like iteration with a Python callback as the block."""
    from runtime.core.numeric import NIL as _NIL
    holder = {}

    def blkfn(vm_, self_, bargs, b):
        v = bargs[0] if bargs else _NIL
        if fn(v) is False:
            raise _Stop()
        return _NIL

    proc = _native_proc(vm, blkfn)
    try:
        vm.funcall(val, name, args, proc)
    except _Stop:
        pass
    del holder


def _native_proc(vm, fn):
    from runtime.objects import RProc
    p = RProc(vm.c_Proc, fn=fn)
    return vm.alloc(p)


def _gt0(vm, c):
    if c & 1:
        return abi.fixnum_value(c) > 0
    return abi.truthy(vm.funcall(c, ">", [abi.fixnum(0)]))


def _lt0(vm, c):
    if c & 1:
        return abi.fixnum_value(c) < 0
    return abi.truthy(vm.funcall(c, "<", [abi.fixnum(0)]))


def _eq0(vm, c):
    if c & 1:
        return abi.fixnum_value(c) == 0
    return abi.truthy(vm.funcall(c, "==", [abi.fixnum(0)]))


@method("Range", "each", arity=0)
def range_each(vm, self, args, blk):
    if blk == NIL:
        return vm.funcall(self, "to_enum", [vm.sym("each")])
    r = _r(vm, self)
    val = r.first
    last = r.last
    if vm.is_int(val) and (last == NIL or vm.is_int(last)):
        # the integer loops of mrblib/range.rb, inlined
        if last == NIL:
            i = val
            while True:
                vm.yield_block(blk, [i])
                i = op_add(vm, i, abi.fixnum(1))
        if (val & 1) and (last & 1):
            a = abi.fixnum_value(val)
            b = abi.fixnum_value(last)
            if not r.excl:
                b += 1
            while a < b:
                vm.yield_block(blk, [abi.fixnum(a)])
                a += 1
            return self
    if vm.is_str(val) and vm.is_str(last) and vm.respond_to(val, "upto"):
        return vm.funcall(val, "upto", [last, vm.bool(r.excl)], blk)
    if vm.is_str(val) and last == NIL and vm.respond_to(val, "__upto_endless"):
        return vm.funcall(val, "__upto_endless", [], blk)
    _each(vm, self, lambda v: vm.yield_block(blk, [v]) and None)
    return self


@method("Range", "__num_to_a", arity=0)
def range_num_to_a(vm, self, args, blk):
    a = _num_to_a(vm, self)
    return NIL if a is None else vm.ary_new(a)


def _fixnum_words(a: int, b: int) -> list:
    """The fixnum words of a...b (all fixnums), made by range() in C: a
    fixnum's word (2n+1 mod 2**64) grows with n among the negative numbers
    and among the others."""
    words = []
    if a < 0:
        words = list(range(2 * a + 1 + (1 << 64), 2 * min(b, 0) + 1 + (1 << 64), 2))
    if b > 0:
        words += range(2 * max(a, 0) + 1, 2 * b + 1, 2)
    return words


def _num_to_a(vm, self):
    r = _r(vm, self)
    beg, end = r.first, r.last
    if end == NIL:
        vm.raise_error("RangeError", "cannot convert endless range to an array")
    if vm.is_int(beg):
        if vm.is_int(end):
            a = vm.int_value(beg)
            b = vm.int_value(end)
            n = b - a
            if not (abi.MRB_INT_MIN <= n <= abi.MRB_INT_MAX):
                vm.raise_error("RangeError", "integer range too long")
            if not r.excl:
                n += 1
            if n > 0 and abi.FIXNUM_MIN <= a and a + n - 1 <= abi.FIXNUM_MAX:
                return _fixnum_words(a, a + n)
            return [vm.int_new(a + i) for i in range(max(n, 0))]
        if vm.is_float(end):
            a = float(vm.int_value(beg))
            b = vm.float_value(end)
            out = []
            from runtime.core.numeric import c_f2i
            if r.excl:
                while a < b:
                    out.append(vm.int_new(c_f2i(a)))
                    a += 1.0
            else:
                while a <= b:
                    out.append(vm.int_new(c_f2i(a)))
                    a += 1.0
            return out
    return None


@method("Range", "to_a", arity=0, aliases=("entries",))
def range_to_a(vm, self, args, blk):
    a = _num_to_a(vm, self)
    if a is not None:
        return vm.ary_new(a)
    out = []
    _each(vm, self, lambda v: out.append(v))
    return vm.ary_new(out)


@method("Range", "size", arity=0)
def range_size(vm, self, args, blk):
    r = _r(vm, self)
    beg, end = r.first, r.last
    if is_num(vm, beg) and end == NIL:
        return flo(vm, math.inf)
    if not (is_num(vm, beg) and is_num(vm, end)):
        return NIL
    bf = float(vm.int_value(beg)) if vm.is_int(beg) else vm.float_value(beg)
    ef = float(vm.int_value(end)) if vm.is_int(end) else vm.float_value(end)
    n = ef - bf
    err = (abs(bf) + abs(ef) + abs(ef - bf)) * 2.220446049250313e-16
    if err > 0.5:
        err = 0.5
    if r.excl:
        if n <= 0:
            return abi.fixnum(0)
        if n < 1:
            n = 0.0
        else:
            n = c_floor(n - err)
    else:
        if n < 0:
            return abi.fixnum(0)
        n = c_floor(n + err)
    if math.isinf(n + 1):
        return flo(vm, math.inf)
    from runtime.core.numeric import c_f2i
    return vm.int_new(c_f2i(n) + 1)


def _enum_minmax(vm, self, blk, sign: int):
    """Enumerable#max (sign 1) / #min (sign -1) from mrblib/enum.rb."""
    state = {"first": True, "result": NIL}

    def step(v):
        if state["first"]:
            state["result"] = v
            state["first"] = False
            return None
        if blk != NIL:
            c = vm.yield_block(blk, [v, state["result"]])
        else:
            c = vm.funcall(v, "<=>", [state["result"]])
        if (_gt0(vm, c) if sign > 0 else _lt0(vm, c)):
            state["result"] = v
        return None

    _each(vm, self, step)
    return state["result"]


@method("Range", "max", arity=0)
def range_max(vm, self, args, blk):
    r = _r(vm, self)
    val, last = r.first, r.last
    if blk != NIL:
        return _enum_minmax(vm, self, blk, 1)
    if last == NIL:
        vm.raise_error("RangeError", "cannot get the maximum of endless range")
    num = vm.is_a(val, vm.cls("Numeric")) and vm.is_a(last, vm.cls("Numeric"))
    if num:
        if r.excl and not vm.is_a(last, vm.c_Integer):
            vm.raise_error("TypeError", "TypeError")
        if op_gt(vm, val, last):
            return NIL
        if op_eq(vm, val, last) and r.excl:
            return NIL
        m = last
        if r.excl:
            m = op_sub(vm, m, abi.fixnum(1))
        return m
    return _enum_minmax(vm, self, NIL, 1)


@method("Range", "min", arity=0)
def range_min(vm, self, args, blk):
    r = _r(vm, self)
    val, last = r.first, r.last
    if blk != NIL:
        if last == NIL:
            vm.raise_error("RangeError",
                           "cannot get the minimum of endless range with custom comparison method")
        return _enum_minmax(vm, self, blk, -1)
    if last == NIL:
        return val
    num = vm.is_a(val, vm.cls("Numeric")) and vm.is_a(last, vm.cls("Numeric"))
    if num:
        if op_gt(vm, val, last):
            return NIL
        if op_eq(vm, val, last) and r.excl:
            return NIL
        return val
    return _enum_minmax(vm, self, NIL, -1)
