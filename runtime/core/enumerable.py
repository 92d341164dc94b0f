"""Enumerable, written once over ``each`` (``iterate``/``each_values``,
which walk core Arrays, Hashes and Ranges directly).  The helpers the
collection modules share live in support.py; the names below that other
modules still import from here (``as_int``, ``rb_argc``, ``fake_frames``...)
are support.py's.

Behaviour follows mruby 3.1's mrblib/enum.rb, mruby-enum-ext and the
Enumerable#zip of mruby-enumerator.  Those methods are Ruby code in mruby,
so an error raised inside a block shows their frames in a backtrace
(``in map`` / ``in each`` / ``in collect``): each method here calls
``each`` with a Python-backed block whose call-info record carries the name
of the mrblib method the block belongs to, which reproduces that nesting.
"""

from __future__ import annotations

from .. import abi
from ..abi import OBJECT_MASK, OBJECT_TAG
from ..defs import method, module_function
from ..errors import Unwind
from ..objects import RArray, RHash, RObject, RRange, RString
from . import hash as _hx
from .array import plain_sort_keys
from .enumerator import ExtIter, lazy_new, to_enum
from .hash import hash_each
from .support import (
    FALSE,
    NIL,
    TRUE,
    as_int,
    call_block,
    compare_none,
    eq,
    fake_frames,
    gt,
    has_builtin_each,
    is_core_ary_each,
    lt,
    num_gt0,
    num_lt0,
    pyblock,
    raise_in,
    rb_argc,
    spaceship,
    svalue,
    to_int_arg,
)


# ------------------------------------------------------------------ helpers
class _Stop(Unwind):
    """Leaves an ``each`` early (mrblib's ``return``/``break`` inside the
    block); ensure clauses of Ruby-level ``each`` methods run on the way."""

    def __init__(self, tag, value):
        super().__init__()
        self.tag = tag
        self.value = value


def _core_each(vm, obj):
    """What to walk directly when ``obj.each`` is a core builtin with a
    known element sequence: ('ary', RArray) / ('hash', pairs) /
    ('range', a, b), or None."""
    if obj & OBJECT_MASK != OBJECT_TAG:
        return None
    o = vm.obj(obj)
    t = type(o)
    m, _ = vm.find_method(o.cls, vm.intern("each"))
    if m is None:
        return None
    if t is RArray:
        if is_core_ary_each(vm, m):
            return ("ary", o)
        return None
    # the prelude's Ruby each (runtime/prelude, native engine) walks as the builtin does
    prelude = m in vm.prelude_methods
    if t is RHash and (m.fn is hash_each or prelude):
        return ("hash", o.items())
    fn = m.fn
    if t is RRange:
        if prelude or getattr(fn, "__module__", "") == "runtime.core.range" \
                and fn.__name__ == "range_each":
            a, b = o.first, o.last
            if a & 1 and b & 1:
                lo = abi.fixnum_value(a)
                hi = abi.fixnum_value(b)
                if not o.excl:
                    hi += 1
                return ("range", lo, hi)
            if a & 1 and vm.is_float(b):
                # mrblib's generic loop: while (val <=> last) < 0 ... val.succ
                f = vm.float_value(b)
                m2, _ = vm.find_method(vm.c_Integer, vm.intern("<=>"))
                m3, _ = vm.find_method(vm.c_Integer, vm.intern("succ"))
                if f == f and m2 is not None and m3 is not None and \
                        getattr(m2.fn, "__module__", "").startswith("runtime.core") and \
                        getattr(m3.fn, "__module__", "").startswith("runtime.core"):
                    return ("frange", abi.fixnum_value(a), f, o.excl)
    return None


def _walk(vm, spec, fn, mid):
    """Run ``fn`` over a _core_each sequence inside call-info records named
    ``each`` and ``mid``: the frames the block would have under mruby's
    mrblib each (one push for the whole walk)."""
    with fake_frames(vm, "each", mid):
        kind = spec[0]
        if kind == "ary":
            items = spec[1].items
            i = 0
            while i < len(items):
                fn([items[i]])
                i += 1
                items = spec[1].items
        elif kind == "hash":
            for k, v in spec[1]:
                fn([vm.ary_new([k, v])])
        elif kind == "range":
            i, hi = spec[1], spec[2]
            while i < hi:
                fn([abi.fixnum(i)])
                i += 1
        else:
            i, f, excl = spec[1], spec[2], spec[3]
            while i < f:
                fn([vm.int_new(i)])
                i += 1
            if not excl and i == f:
                fn([vm.int_new(i)])


def iterate(vm, obj, fn, mid, meth="each", margs=()):
    """Call ``obj.meth(*margs)`` with a block running ``fn(args)``.

    ``fn`` returns None to go on, or a word to stop the iteration; then
    ``iterate`` returns ``(True, word)``, otherwise ``(False, result of
    meth)``."""
    tag = object()

    def body(args):
        r = fn(args)
        if r is not None:
            raise _Stop(tag, r)
        return NIL

    try:
        if meth == "each" and not margs:
            spec = _core_each(vm, obj)
            if spec is not None:
                _walk(vm, spec, body, mid)
                return False, obj
        return False, vm.funcall(obj, meth, list(margs), pyblock(vm, body, mid))
    except _Stop as s:
        if s.tag is not tag:
            raise
        return True, s.value


def each_values(vm, obj, fn, mid, meth="each", margs=()):
    """Like ``iterate`` for a block that never stops early; returns the
    result of ``meth``."""
    if meth == "each" and not margs:
        spec = _core_each(vm, obj)
        if spec is not None:
            _walk(vm, spec, fn, mid)
            return obj

    def body(args):
        fn(args)
        return NIL
    return vm.funcall(obj, meth, list(margs), pyblock(vm, body, mid))


def to_a(vm, obj, mid="entries"):
    """The Python list of what ``each`` yields (Enumerable#entries)."""
    if vm.is_ary(obj) and has_builtin_each(vm, obj):
        return list(vm.obj(obj).items)
    out = []
    each_values(vm, obj, lambda args: out.append(svalue(vm, args)), mid)
    return out


@method("Kernel", "__to_int", arity=0)
def k___to_int(vm, self, args, blk):
    return vm.int_new(as_int(vm, self))


def case_eqq(vm, pat, v):
    return abi.truthy(vm.funcall(pat, "===", [v]))


def enum_class(vm):
    return vm.cls("Enumerator")


# ------------------------------------------------------------ Enumerable
@method("Enumerable", "all?", arity=-1)
def enum_all(vm, self, args, blk):
    rb_argc(vm, args, 0, 1, False)
    if args and compare_none(vm, args[0], "!="):
        pat = args[0]
        stopped, _ = iterate(vm, self, lambda a: None if case_eqq(vm, pat, svalue(vm, a))
                             else FALSE, "all?")
    elif blk != NIL:
        stopped, _ = iterate(vm, self, lambda a: None if abi.truthy(call_block(vm, blk, a))
                             else FALSE, "all?")
    else:
        stopped, _ = iterate(vm, self, lambda a: None if abi.truthy(svalue(vm, a))
                             else FALSE, "all?")
    return FALSE if stopped else TRUE


@method("Enumerable", "any?", arity=-1)
def enum_any(vm, self, args, blk):
    rb_argc(vm, args, 0, 1, False)
    if args and compare_none(vm, args[0], "!="):
        pat = args[0]
        stopped, _ = iterate(vm, self, lambda a: TRUE if case_eqq(vm, pat, svalue(vm, a))
                             else None, "any?")
    elif blk != NIL:
        stopped, _ = iterate(vm, self, lambda a: TRUE if abi.truthy(call_block(vm, blk, a))
                             else None, "any?")
    else:
        stopped, _ = iterate(vm, self, lambda a: TRUE if abi.truthy(svalue(vm, a))
                             else None, "any?")
    return TRUE if stopped else FALSE


@method("Enumerable", "none?", arity=-1)
def enum_none(vm, self, args, blk):
    rb_argc(vm, args, 0, 1, False)
    if args and compare_none(vm, args[0], "!="):
        pat = args[0]
        stopped, _ = iterate(vm, self, lambda a: FALSE if case_eqq(vm, pat, svalue(vm, a))
                             else None, "none?")
    elif blk != NIL:
        stopped, _ = iterate(vm, self, lambda a: FALSE if abi.truthy(call_block(vm, blk, a))
                             else None, "none?")
    else:
        stopped, _ = iterate(vm, self, lambda a: FALSE if abi.truthy(svalue(vm, a))
                             else None, "none?")
    return FALSE if stopped else TRUE


@method("Enumerable", "one?", arity=-1)
def enum_one(vm, self, args, blk):
    rb_argc(vm, args, 0, 1, False)
    count = [0]
    if args and compare_none(vm, args[0], "!="):
        pat = args[0]
        test = lambda a: case_eqq(vm, pat, svalue(vm, a))  # noqa: E731
    elif blk != NIL:
        test = lambda a: abi.truthy(call_block(vm, blk, a))  # noqa: E731
    else:
        test = lambda a: abi.truthy(svalue(vm, a))  # noqa: E731

    def fn(a):
        if test(a):
            count[0] += 1
        if count[0] > 1:
            return FALSE
        return None
    stopped, _ = iterate(vm, self, fn, "one?")
    if stopped:
        return FALSE
    return TRUE if count[0] == 1 else FALSE


@method("Enumerable", "collect", arity=0, aliases=("map",))
def enum_collect(vm, self, args, blk):
    if blk == NIL:
        return to_enum(vm, self, "collect")
    out = []
    each_values(vm, self, lambda a: out.append(call_block(vm, blk, a)), "collect")
    return vm.ary_new(out)


@method("Enumerable", "detect", arity=-1, aliases=("find",))
def enum_detect(vm, self, args, blk):
    rb_argc(vm, args, 0, 1, False)
    ifnone = args[0] if args else NIL
    if blk == NIL:
        return to_enum(vm, self, "detect", [ifnone] if args else [NIL])
    stopped, v = iterate(vm, self, lambda a: svalue(vm, a)
                         if abi.truthy(call_block(vm, blk, a)) else None, "detect")
    if stopped:
        return v
    if ifnone != NIL:
        return vm.funcall(ifnone, "call")
    return NIL


@method("Enumerable", "each_with_index", arity=0)
def enum_each_with_index(vm, self, args, blk):
    if blk == NIL:
        return to_enum(vm, self, "each_with_index")
    i = [0]

    def fn(a):
        call_block(vm, blk, [svalue(vm, a), vm.int_new(i[0])])
        i[0] += 1
    each_values(vm, self, fn, "each_with_index")
    return self


@method("Enumerable", "entries", arity=0, aliases=("to_a",))
def enum_entries(vm, self, args, blk):
    out = []
    each_values(vm, self, lambda a: out.append(svalue(vm, a)), "entries")
    return vm.ary_new(out)


@method("Enumerable", "find_all", arity=0, aliases=("select", "filter"))
def enum_find_all(vm, self, args, blk):
    if blk == NIL:
        return to_enum(vm, self, "find_all")
    out = []

    def fn(a):
        if abi.truthy(call_block(vm, blk, a)):
            out.append(svalue(vm, a))
    # the block frame takes its name from the method's alias env, which the
    # last alias naming it set: mruby-enum-ext's `alias filter select`
    each_values(vm, self, fn, "select")
    return vm.ary_new(out)


@method("Enumerable", "filter_map", arity=0)
def enum_filter_map(vm, self, args, blk):
    if blk == NIL:
        return to_enum(vm, self, "filter_map")
    out = []

    def fn(a):
        # mruby: self.each do |x| ... (one parameter: the first value)
        x = a[0] if a else NIL
        r = call_block(vm, blk, [x])
        if abi.truthy(r):
            out.append(r)
    each_values(vm, self, fn, "filter_map")
    return vm.ary_new(out)


@method("Enumerable", "reject", arity=0)
def enum_reject(vm, self, args, blk):
    if blk == NIL:
        return to_enum(vm, self, "reject")
    out = []

    def fn(a):
        if not abi.truthy(call_block(vm, blk, a)):
            out.append(svalue(vm, a))
    each_values(vm, self, fn, "reject")
    return vm.ary_new(out)


@method("Enumerable", "grep", arity=1)
def enum_grep(vm, self, args, blk):
    pat = args[0]
    out = []

    def fn(a):
        sv = svalue(vm, a)
        if case_eqq(vm, pat, sv):
            out.append(call_block(vm, blk, a) if blk != NIL else sv)
    each_values(vm, self, fn, "grep")
    return vm.ary_new(out)


@method("Enumerable", "include?", arity=1, aliases=("member?",))
def enum_include(vm, self, args, blk):
    obj = args[0]
    stopped, _ = iterate(vm, self, lambda a: TRUE if eq(vm, svalue(vm, a), obj) else None,
                         "include?")
    return TRUE if stopped else FALSE


def inject_impl(vm, self, args, blk, mid="inject"):
    if len(args) > 2:
        vm.raise_error(vm.c_ArgumentError, "too many arguments")
    args = list(args)
    op = None
    if args and vm.is_sym(args[-1]):
        op = args.pop()
    if not args:
        flag = [True]
        result = [NIL]
    else:
        flag = [False]
        result = [args[0]]

    def fn(a):
        v = svalue(vm, a)
        if flag[0]:
            flag[0] = False
            result[0] = v
        elif op is not None:
            result[0] = _binop(vm, result[0], op, v)
        elif blk == NIL:
            result[0] = vm.funcall(NIL, "call", [result[0], v])    # nil.call: NoMethodError
        else:
            result[0] = call_block(vm, blk, [result[0], v])
    each_values(vm, self, fn, mid)
    return result[0]


_PLUS = {}


def _binop(vm, x, op, y):
    """inject's ->(x, y) { x.__send__(sym, y) } lambda (a frame named inject;
    a missing method is reported from __send__)."""
    sid = op >> 8
    if x & 1 and y & 1 and vm.syms[sid] == "+":
        r = abi.fixnum_value(x) + abi.fixnum_value(y)
        if abi.FIXNUM_MIN <= r <= abi.FIXNUM_MAX:
            m, _ = vm.find_method(vm.c_Integer, sid)
            if m is not None and getattr(m.fn, "__module__", "").startswith("runtime.core"):
                return abi.fixnum(r)
    with fake_frames(vm, "inject"):
        m, _ = vm.find_method(vm.class_of(x), sid)
        if m is None:
            with fake_frames(vm, "__send__"):
                return vm.funcall(x, sid, [y])
        return vm.funcall(x, sid, [y])


@method("Enumerable", "inject", arity=-1, aliases=("reduce",))
def enum_inject(vm, self, args, blk):
    return inject_impl(vm, self, args, blk)


def _cmp_val(vm, blk, a, b):
    """block.call(a, b) or a <=> b, as a word."""
    if blk != NIL:
        return call_block(vm, blk, [a, b])
    return spaceship(vm, a, b)


@method("Enumerable", "max", arity=0)
def enum_max(vm, self, args, blk):
    flag = [True]
    res = [NIL]

    def fn(a):
        v = svalue(vm, a)
        if flag[0]:
            res[0] = v
            flag[0] = False
        elif num_gt0(vm, _cmp_val(vm, blk, v, res[0])):
            res[0] = v
    each_values(vm, self, fn, "max")
    return res[0]


@method("Enumerable", "min", arity=0)
def enum_min(vm, self, args, blk):
    flag = [True]
    res = [NIL]

    def fn(a):
        v = svalue(vm, a)
        if flag[0]:
            res[0] = v
            flag[0] = False
        elif num_lt0(vm, _cmp_val(vm, blk, v, res[0])):
            res[0] = v
    each_values(vm, self, fn, "min")
    return res[0]


@method("Enumerable", "minmax", arity=0)
def enum_minmax(vm, self, args, blk):
    first = [True]
    mn = [NIL]
    mx = [NIL]

    def fn(a):
        v = svalue(vm, a)
        if first[0]:
            mn[0] = mx[0] = v
            first[0] = False
        else:
            if num_gt0(vm, _cmp_val(vm, blk, v, mx[0])):
                mx[0] = v
            if num_lt0(vm, _cmp_val(vm, blk, v, mn[0])):
                mn[0] = v
    each_values(vm, self, fn, "minmax")
    return vm.ary_new([mn[0], mx[0]])


def _by(vm, self, blk, name, better):
    if blk == NIL:
        return to_enum(vm, self, name)
    first = [True]
    best = [NIL]
    best_cmp = [NIL]

    def fn(a):
        if first[0]:
            best[0] = svalue(vm, a)
            best_cmp[0] = call_block(vm, blk, a)
            first[0] = False
        else:
            c = call_block(vm, blk, a)
            if better(vm, c, best_cmp[0]):
                best[0] = svalue(vm, a)
                best_cmp[0] = c
    each_values(vm, self, fn, name)
    return best[0]


@method("Enumerable", "max_by", arity=0)
def enum_max_by(vm, self, args, blk):
    return _by(vm, self, blk, "max_by", gt)


@method("Enumerable", "min_by", arity=0)
def enum_min_by(vm, self, args, blk):
    return _by(vm, self, blk, "min_by", lt)


@method("Enumerable", "minmax_by", arity=0)
def enum_minmax_by(vm, self, args, blk):
    if blk == NIL:
        return to_enum(vm, self, "minmax_by")
    first = [True]
    st = [NIL, NIL, NIL, NIL]     # min, min_cmp, max, max_cmp

    def fn(a):
        if first[0]:
            v = svalue(vm, a)
            c = call_block(vm, blk, a)
            st[0] = st[2] = v
            st[1] = st[3] = c
            first[0] = False
        else:
            c = call_block(vm, blk, a)
            if gt(vm, c, st[3]):
                st[2] = svalue(vm, a)
                st[3] = c
            c = call_block(vm, blk, a)
            if lt(vm, c, st[1]):
                st[0] = svalue(vm, a)
                st[1] = c
    each_values(vm, self, fn, "minmax_by")
    return vm.ary_new([st[0], st[2]])


@method("Enumerable", "partition", arity=0)
def enum_partition(vm, self, args, blk):
    if blk == NIL:
        return to_enum(vm, self, "partition")
    t = []
    f = []

    def fn(a):
        if abi.truthy(call_block(vm, blk, a)):
            t.append(svalue(vm, a))
        else:
            f.append(svalue(vm, a))
    each_values(vm, self, fn, "partition")
    return vm.ary_new([vm.ary_new(t), vm.ary_new(f)])


@method("Enumerable", "sort", arity=0)
def enum_sort(vm, self, args, blk):
    # mruby: self.map{|*val| val.__svalue}.sort(&block)
    arr = vm.funcall(self, "map", [], pyblock(vm, lambda a: svalue(vm, a), "sort"))
    return vm.funcall(arr, "sort", [], blk)


@method("Enumerable", "hash", arity=0)
def enum_hash(vm, self, args, blk):
    h = [12347]
    i = [0]

    sid = vm.intern("hash")

    def fn(a):
        e = a[0] if a else NIL
        m = None
        if e & OBJECT_MASK != OBJECT_TAG or type(vm.obj(e)) is RString:
            m, _ = vm.find_method(vm.class_of(e), sid)
        if m is not None and m.fn is not None and m.proc is None and m.special is None \
                and getattr(m.fn, "__module__", "").startswith("runtime.core"):
            hv = m.fn(vm, e, [], NIL)       # a core #hash of a leaf value: no Ruby code runs
        else:
            hv = vm.funcall(e, sid)
        hv = vm.int_value(hv) if vm.is_int(hv) else 0
        h[0] ^= ((hv & 0xFFFFFFFF) << (i[0] % 16)) & 0xFFFFFFFF
        i[0] += 1
    each_values(vm, self, fn, "hash")
    v = h[0]
    v &= (1 << 64) - 1
    if v >= 1 << 63:
        v -= 1 << 64
    return vm.int_new(v)


@module_function("Enumerable", "__update_hash", arity=3)
def enum_update_hash(vm, self, args, blk):
    h = vm.to_int(args[0])
    idx = vm.to_int(args[1])
    hv = vm.to_int(args[2])
    h ^= ((hv & 0xFFFFFFFF) << (idx % 16)) & 0xFFFFFFFF
    return vm.int_new(h)


# --------------------------------------------------------- mruby-enum-ext
@method("Enumerable", "drop", arity=1)
def enum_drop(vm, self, args, blk):
    n = [to_int_arg(vm, args[0])]
    if n[0] < 0:
        vm.raise_error(vm.c_ArgumentError, "attempt to drop negative size")
    out = []

    def fn(a):
        if n[0] == 0:
            out.append(svalue(vm, a))
        else:
            n[0] -= 1
    each_values(vm, self, fn, "drop")
    return vm.ary_new(out)


@method("Enumerable", "drop_while", arity=0)
def enum_drop_while(vm, self, args, blk):
    if blk == NIL:
        return to_enum(vm, self, "drop_while")
    out = []
    state = [False]

    def fn(a):
        if not state[0] and not abi.truthy(call_block(vm, blk, a)):
            state[0] = True
        if state[0]:
            out.append(svalue(vm, a))
    each_values(vm, self, fn, "drop_while")
    return vm.ary_new(out)


@method("Enumerable", "take", arity=1)
def enum_take(vm, self, args, blk):
    i = [to_int_arg(vm, args[0])]
    if i[0] < 0:
        vm.raise_error(vm.c_ArgumentError, "attempt to take negative size")
    out = []
    if i[0] == 0:
        return vm.ary_new(out)

    def fn(a):
        out.append(svalue(vm, a))
        i[0] -= 1
        if i[0] == 0:
            return NIL
        return None
    iterate(vm, self, fn, "take")
    return vm.ary_new(out)


@method("Enumerable", "take_while", arity=0)
def enum_take_while(vm, self, args, blk):
    if blk == NIL:
        return to_enum(vm, self, "take_while")
    out = []

    def fn(a):
        if not abi.truthy(call_block(vm, blk, a)):
            return NIL
        out.append(svalue(vm, a))
        return None
    iterate(vm, self, fn, "take_while")
    return vm.ary_new(out)


@method("Enumerable", "each_cons", arity=1)
def enum_each_cons(vm, self, args, blk):
    n = to_int_arg(vm, args[0])
    if n <= 0:
        vm.raise_error(vm.c_ArgumentError, "invalid size")
    if blk == NIL:
        return to_enum(vm, self, "each_cons", [args[0]])
    ary = []

    def fn(a):
        if len(ary) == n:
            ary.pop(0)
        ary.append(svalue(vm, a))
        if len(ary) == n:
            call_block(vm, blk, [vm.ary_new(ary)])
    each_values(vm, self, fn, "each_cons")
    return NIL


@method("Enumerable", "each_slice", arity=1)
def enum_each_slice(vm, self, args, blk):
    n = to_int_arg(vm, args[0])
    if n <= 0:
        vm.raise_error(vm.c_ArgumentError, "invalid slice size")
    if blk == NIL:
        return to_enum(vm, self, "each_slice", [args[0]])
    ary = []

    def fn(a):
        ary.append(svalue(vm, a))
        if len(ary) == n:
            chunk = vm.ary_new(ary)
            del ary[:]
            call_block(vm, blk, [chunk])
    each_values(vm, self, fn, "each_slice")
    if ary:
        call_block(vm, blk, [vm.ary_new(ary)])
    return NIL


@method("Enumerable", "group_by", arity=0)
def enum_group_by(vm, self, args, blk):
    if blk == NIL:
        return to_enum(vm, self, "group_by")
    hw = vm.hash_new()
    h = vm.obj(hw)

    def fn(a):
        key = call_block(vm, blk, a)
        sv = svalue(vm, a)
        # `h.key?(key) ? (h[key] << sv) : (h[key] = [sv])`: two lookups
        if _hx.h_has(vm, h, key):
            cur = _hx.h_lookup(vm, h, key)
            vm.funcall(NIL if cur is None else cur, "<<", [sv])
        else:
            _hx.h_store(vm, h, key, vm.ary_new([sv]))
    each_values(vm, self, fn, "group_by")
    return hw


@method("Enumerable", "sort_by", arity=0)
def enum_sort_by(vm, self, args, blk):
    if blk == NIL:
        return to_enum(vm, self, "sort_by")
    orig = []
    keys = []

    def fn(a):
        # each_with_index{|e, i| ...}: e is the first value
        e = a[0] if a else NIL
        orig.append(e)
        keys.append(vm.ary_new([call_block(vm, blk, [e]), vm.int_new(len(keys))]))
    each_values(vm, self, fn, "sort_by", "each_with_index")
    if len(keys) > 1:
        pk = plain_sort_keys(vm, [vm.obj(k).items[0] for k in keys])
        if pk is not None:
            order = sorted(range(len(pk)), key=pk.__getitem__)
            return vm.ary_new([orig[i] for i in order])
    ary = vm.ary_new(keys)
    if len(keys) > 1:
        vm.funcall(ary, "sort!")
    items = vm.obj(ary).items
    return vm.ary_new([orig[vm.int_value(vm.obj(k).items[1])] for k in items])


@method("Enumerable", "first", arity=-1)
def enum_first(vm, self, args, blk):
    if len(args) == 0:
        stopped, v = iterate(vm, self, lambda a: svalue(vm, a), "first")
        return v if stopped else NIL
    if len(args) == 1:
        i = [to_int_arg(vm, args[0])]
        if i[0] < 0:
            vm.raise_error(vm.c_ArgumentError, "attempt to take negative size")
        out = []
        if i[0] == 0:
            return vm.ary_new(out)

        def fn(a):
            out.append(svalue(vm, a))
            i[0] -= 1
            return NIL if i[0] == 0 else None
        iterate(vm, self, fn, "first")
        return vm.ary_new(out)
    vm.raise_error(vm.c_ArgumentError,
                   f"wrong number of arguments (given {len(args)}, expected 0..1)")


@method("Enumerable", "count", arity=-1)
def enum_count(vm, self, args, blk):
    rb_argc(vm, args, 0, 1, False)
    c = [0]
    if blk != NIL:
        def fn(a):
            if abi.truthy(call_block(vm, blk, a)):
                c[0] += 1
    elif not args or compare_none(vm, args[0], "=="):
        def fn(a):
            c[0] += 1
    else:
        v = args[0]

        def fn(a):
            if eq(vm, svalue(vm, a), v):
                c[0] += 1
    each_values(vm, self, fn, "count")
    return vm.int_new(c[0])


@method("Enumerable", "flat_map", arity=0, aliases=("collect_concat",))
def enum_flat_map(vm, self, args, blk):
    if blk == NIL:
        return to_enum(vm, self, "flat_map")
    out = []

    def fn(a):
        e2 = call_block(vm, blk, a)
        if vm.respond_to(e2, "each"):
            if vm.is_ary(e2) and has_builtin_each(vm, e2):
                out.extend(vm.obj(e2).items)
            else:
                each_values(vm, e2, lambda b: out.append(b[0] if b else NIL), "flat_map")
        else:
            out.append(e2)
    each_values(vm, self, fn, "flat_map")
    return vm.ary_new(out)


@method("Enumerable", "each_with_object", arity=1)
def enum_each_with_object(vm, self, args, blk):
    obj = args[0]
    if blk == NIL:
        return to_enum(vm, self, "each_with_object", [obj])
    each_values(vm, self, lambda a: call_block(vm, blk, [svalue(vm, a), obj]),
                "each_with_object")
    return obj


@method("Enumerable", "reverse_each", arity=0)
def enum_reverse_each(vm, self, args, blk):
    if blk == NIL:
        return to_enum(vm, self, "reverse_each")
    ary = vm.funcall(self, "to_a")
    items = vm.obj(ary).items
    i = len(items) - 1
    while i >= 0:
        if i < len(items):
            call_block(vm, blk, [items[i]])
        i -= 1
    return self


@method("Enumerable", "cycle", arity=-1)
def enum_cycle(vm, self, args, blk):
    rb_argc(vm, args, 0, 1, False)
    nv = args[0] if args else NIL
    if blk == NIL:
        return to_enum(vm, self, "cycle", [nv])
    if nv == NIL:
        n = -1
    else:
        n = to_int_arg(vm, nv)
        if n <= 0:
            return NIL
    saved = []

    def fn(a):
        saved.append(list(a))
        vm.yield_block(blk, a)
    each_values(vm, self, fn, "cycle")
    if not saved:
        return NIL
    while True:
        if n >= 0:
            n -= 1
            if n <= 0:
                break
        for a in saved:
            vm.yield_block(blk, a)
    return NIL


@method("Enumerable", "find_index", arity=-1)
def enum_find_index(vm, self, args, blk):
    rb_argc(vm, args, 0, 1, False)
    if blk == NIL and (not args or compare_none(vm, args[0], "==")):
        return to_enum(vm, self, "find_index", [NIL])
    idx = [0]
    if blk != NIL:
        def fn(a):
            if abi.truthy(call_block(vm, blk, a)):
                return vm.int_new(idx[0])
            idx[0] += 1
            return None
    else:
        val = args[0]

        def fn(a):
            if eq(vm, svalue(vm, a), val):
                return vm.int_new(idx[0])
            idx[0] += 1
            return None
    stopped, v = iterate(vm, self, fn, "find_index")
    return v if stopped else NIL


@method("Enumerable", "to_h", arity=0)
def enum_to_h(vm, self, args, blk):
    hw = vm.hash_new()
    h = vm.obj(hw)

    def put(v):
        if not vm.is_ary(v):
            vm.raise_error(vm.c_TypeError, f"wrong element type "
                           f"{vm.class_name(vm.real_class(v))} (expected Array)")
        items = vm.obj(v).items
        if len(items) != 2:
            vm.raise_error(vm.c_ArgumentError,
                           f"element has wrong array length (expected 2, was {len(items)})")
        _hx.h_store(vm, h, items[0], items[1])

    if blk != NIL:
        each_values(vm, self, lambda a: put(call_block(vm, blk, [a[0] if a else NIL])), "to_h")
    else:
        each_values(vm, self, lambda a: put(svalue(vm, a)), "to_h")
    return hw


@method("Enumerable", "uniq", arity=0)
def enum_uniq(vm, self, args, blk):
    hw = vm.hash_new()
    h = vm.obj(hw)

    def fn(a):
        v = svalue(vm, a)
        k = call_block(vm, blk, [v]) if blk != NIL else v
        cur = _hx.h_lookup(vm, h, k)
        if cur is None or not abi.truthy(cur):
            _hx.h_store(vm, h, k, v)
    each_values(vm, self, fn, "uniq")
    return vm.ary_new(h.values())


@method("Enumerable", "tally", arity=0)
def enum_tally(vm, self, args, blk):
    hw = vm.hash_new()
    h = vm.obj(hw)

    def fn(a):
        x = a[0] if a else NIL
        cur = _hx.h_lookup(vm, h, x)
        if cur is None or cur == NIL or cur == FALSE:
            cur = abi.fixnum(0)
        _hx.h_store(vm, h, x, vm.funcall(cur, "+", [abi.fixnum(1)]) if not cur & 1
              else vm.int_new(abi.fixnum_value(cur) + 1))
    each_values(vm, self, fn, "tally")
    return hw


@method("Enumerable", "zip", arity=-1)
def enum_zip(vm, self, args, blk):
    iters = []
    for a in args:
        if not vm.respond_to(a, "each"):
            raise_in(vm, ("map", "each", "collect", "zip"), vm.c_TypeError,
                     f"wrong argument type {vm.class_name(vm.real_class(a))} "
                     "(must respond to :each)")
        iters.append(ExtIter.for_zip(vm, a))
    result = None if blk != NIL else []

    def fn(a):
        tmp = [svalue(vm, a)]
        for it in iters:
            tmp.append(it.next_or_nil())
        if result is None:
            call_block(vm, blk, [vm.ary_new(tmp)])
        else:
            result.append(vm.ary_new(tmp))
    try:
        each_values(vm, self, fn, "zip")
    finally:
        for it in iters:
            it.close()
    return NIL if result is None else vm.ary_new(result)


@method("Enumerable", "lazy", arity=0)
def enum_lazy(vm, self, args, blk):
    return lazy_new(vm, self)


def init(vm):
    vm.define_const(vm.c_Enumerable, "NONE", vm.alloc(RObject(vm.c_Object)))
