"""Array, as mruby 3.1 has it: src/array.c, mrblib/array.rb and the
mruby-array-ext gem (C and Ruby parts).

Methods that are Ruby code in mruby keep their observable structure: the
order in which they call blocks and ``==``/``<=>``/``eql?``/``hash``, the
messages they raise and, through ``enumerable.fake_frames``/``pyblock``,
the frames a backtrace shows.
"""

from __future__ import annotations

from .. import abi
from ..abi import OBJECT_MASK, OBJECT_SHIFT, OBJECT_TAG
from ..defs import method, smethod
from ..objects import RArray, RData, RFloat, RHash, RString
from .enumerator import to_enum
from .range import range_beg_len
from .support import (
    FALSE,
    NIL,
    TRUE,
    as_int,
    c_args,
    call_block,
    check_frozen_in,
    compare_none,
    eq,
    fake_frames,
    num_gt0,
    raise_in,
    rb_argc,
    spaceship,
    to_int_arg,
)

_NONE = object()


class _LazyHashModule:
    """hash.py's key helpers (imported late: hash.py imports this module)."""

    def __getattr__(self, name):
        from . import hash as m
        return getattr(m, name)


_hx = _LazyHashModule()


def items_of(vm, w):
    return vm.obj(w).items


def _modify(vm, self):
    vm.check_frozen(self)


def to_ary(vm, w):
    """mrb_get_args "A": an Array, else TypeError."""
    if vm.is_ary(w):
        return w
    vm.raise_error(vm.c_TypeError, f"{vm.type_name_for_error(w)} cannot be converted to Array")


def _new_like(vm, items):
    return vm.ary_new(items)


# ---------------------------------------------------------------- inspect
def _builtin(vm, cls, name):
    m, _ = vm.find_method(cls, vm.intern(name))
    if m is None or m.fn is None:
        return False
    return getattr(m.fn, "__module__", "").startswith("runtime.core")


class inspect_frames(fake_frames):
    """The frames of mrblib's ``_inspect`` (``names``) around one container's
    inspection; the method's first call (``size``/``object_id``) is what
    overflows the call-info stack when the nesting is too deep."""

    def __enter__(self):
        super().__enter__()
        if len(self.vm.frames) >= self.vm.ci_max:
            self.vm.raise_stack_error()
        return self


def inspect_elem(vm, w, recur):
    """``w._inspect(recur_list)``: Arrays, Hashes and Structs recurse with
    the recursion guard; anything else is ``w.inspect`` (from Kernel#_inspect)."""
    if w & OBJECT_MASK == OBJECT_TAG:
        o = vm.obj(w)
        t = type(o)
        if t is RArray:
            return ary_inspect_rec(vm, w, recur)
        if t is RHash:
            from .hash import hash_inspect_rec
            return hash_inspect_rec(vm, w, recur)
        if t is RData and isinstance(o.data, list):
            from .struct import is_struct, struct_inspect_rec
            if is_struct(vm, w):
                return struct_inspect_rec(vm, w, recur)
        if t is RString and _builtin(vm, o.cls, "inspect"):
            return vm.inspect(w)
    elif w & 1:
        if _builtin(vm, vm.c_Integer, "inspect"):
            return str(abi.fixnum_value(w)).encode()
    with fake_frames(vm, "_inspect"):
        r = vm.funcall(w, vm.SYM_inspect)
    if vm.is_str(r):
        return bytes(vm.obj(r).value)
    # Array#_inspect joins the parts with Array#join, which takes to_s of a
    # non-String inspect result
    return bytes(vm.obj(vm.obj_as_string(r)).value)


def ary_inspect_rec(vm, w, recur):
    with inspect_frames(vm, "_inspect"):
        items = items_of(vm, w)
        if not items:
            return b"[]"
        key = w >> OBJECT_SHIFT
        if key in recur:
            return b"[...]"
        recur.add(key)
        parts = []
        i = 0
        while i < len(items):
            parts.append(inspect_elem(vm, items[i], recur))
            i += 1
    return b"[" + b", ".join(parts) + b"]"


@method("Array", "inspect", arity=0, aliases=("to_s",))
def ary_inspect(vm, self, args, blk):
    return vm.str_new(ary_inspect_rec(vm, self, set()))


def _recur_seen(vm, recur, w):
    """``recur_list[obj.object_id]`` then ``recur_list[obj.object_id] = true``
    as mrblib's _inspect does on whatever it was given."""
    from .kernel import object_id_value
    oid = object_id_value(vm, w)
    if abi.truthy(vm.funcall(recur, "[]", [oid])):
        return True
    vm.funcall(recur, "[]=", [oid, TRUE])
    return False


def _str_plus(vm, a, b):
    """``a + b`` where a should be a String (String#+ otherwise)."""
    if vm.is_str(a) and vm.is_str(b):
        return vm.str_new(bytes(vm.obj(a).value) + bytes(vm.obj(b).value))
    return vm.funcall(a, "+", [b])


@method("Array", "_inspect", arity=1)
def ary__inspect(vm, self, args, blk):
    """mrblib's Array#_inspect(recur_list), called directly."""
    recur = args[0]
    items = items_of(vm, self)
    if not items:
        return vm.str_new(b"[]")
    if _recur_seen(vm, recur, self):
        return vm.str_new(b"[...]")
    parts = []
    i = 0
    while i < len(items):
        parts.append(vm.funcall(items[i], "_inspect", [recur]))
        i += 1
    joined = vm.funcall(vm.ary_new(parts), "join", [vm.str_new(", ")])
    return _str_plus(vm, _str_plus(vm, vm.str_new(b"["), joined), vm.str_new(b"]"))


# ------------------------------------------------------------- creation
@smethod("Array", "[]", arity=-1)
def ary_s_create(vm, self, args, blk):
    a = RArray(vm.obj(self), list(args))
    return vm.alloc(a)


@method("Array", "initialize", arity=-1, visibility="private")
def ary_initialize(vm, self, args, blk):
    rb_argc(vm, args, 0, 2, False)
    size = args[0] if args else abi.fixnum(0)
    obj = args[1] if len(args) > 1 else NIL
    if vm.is_ary(size) and obj == NIL and blk == NIL:
        ary_replace(vm, self, [size], NIL)
        return self
    n = to_int_arg(vm, size)
    if n < 0:
        vm.raise_error(vm.c_ArgumentError, "negative array size")
    a = vm.obj(self)
    _modify(vm, self)
    a.items = []
    if n > 0:
        with fake_frames(vm, "[]="):      # mrblib: self[size - 1] = nil # allocate
            ary_set(vm, self, n - 1, NIL)
        for i in range(n):
            v = call_block(vm, blk, [vm.int_new(i)]) if blk != NIL else obj
            ary_set(vm, self, i, v)
    return self


@method("Array", "initialize_copy", arity=-1, visibility="private")
def ary_init_copy(vm, self, args, blk):
    return ary_replace(vm, self, args, blk)


@method("Array", "replace", arity=-1)
def ary_replace(vm, self, args, blk):
    other, = c_args(vm, args, 1, 0, (lambda w: to_ary(vm, w),))
    _modify(vm, self)
    if other != self:
        # in place, like mruby: a loop holding the item list sees the change
        items_of(vm, self)[:] = items_of(vm, other)
    return self


# ---------------------------------------------------------- element access
def ary_ref(vm, self, i):
    items = items_of(vm, self)
    n = len(items)
    if i < 0:
        i += n
    if i < 0 or i >= n:
        return NIL
    return items[i]


def ary_set(vm, self, n, v):
    """mrb_ary_set: grows with nil fill."""
    a = vm.obj(self)
    _modify(vm, self)
    items = a.items
    ln = len(items)
    if n < 0:
        n += ln
        if n < 0:
            vm.raise_error(vm.c_IndexError, f"index {n - ln} out of array")
    if n >= ln:
        if n + 1 > ARY_MAX_SIZE:
            vm.raise_error(vm.c_ArgumentError, "array size too big")
        _grow(vm, items, n + 1 - ln)
    items[n] = v


# ARY_MAX_SIZE of mruby 3.1's array.c: SIZE_MAX / sizeof(mrb_value)
ARY_MAX_SIZE = ((1 << 64) - 1) // 8


def _grow(vm, items, count):
    """Append ``count`` nils; an allocation that fails is mruby's
    NoMemoryError ("Out of memory")."""
    try:
        items.extend([NIL] * count)
    except MemoryError:
        from .string import raise_nomem
        raise_nomem(vm)


def ary_splice(vm, self, head, length, rpl):
    a = vm.obj(self)
    _modify(vm, self)
    items = a.items
    alen = len(items)
    if length < 0:
        vm.raise_error(vm.c_IndexError, f"negative length ({length})")
    if head < 0:
        head += alen
        if head < 0:
            vm.raise_error(vm.c_IndexError, f"index {head} is out of array")
    tail = head + length
    if alen < length or alen < tail:
        length = alen - head
        tail = head + length
    if rpl == abi.UNDEF:
        new = []
    elif vm.is_ary(rpl):
        new = list(items_of(vm, rpl))
    else:
        new = [rpl]
    if head >= alen:
        if head > ARY_MAX_SIZE - len(new):
            vm.raise_error(vm.c_IndexError, f"index {head} is out of array")
        _grow(vm, items, head - alen)
        items.extend(new)
    else:
        items[head:tail] = new
    return self


def _aget_index(vm, w):
    """aget_index of array.c: a Float index is C-cast to mrb_int (NaN and
    out-of-range values become INT64_MIN on x86-64: no element)."""
    if vm.is_float(w):
        f = vm.float_value(w)
        if f != f or not (-9.223372036854776e18 <= f < 9.223372036854776e18):
            return -(1 << 63)
        return int(f)
    return as_int(vm, w)


@method("Array", "[]", arity=-1, aliases=("slice",))
def ary_aget(vm, self, args, blk):
    items = items_of(vm, self)
    if len(args) != 1:
        c_args(vm, args, 2, 0, (None, lambda w: as_int(vm, w)))
    if len(args) == 1:
        idx = args[0]
        if idx & 1:
            return ary_ref(vm, self, abi.fixnum_value(idx))
        if vm.is_range(idx):
            r = range_beg_len(vm, idx, len(items), True)
            if r is None:
                return NIL
            beg, n = r
            return vm.ary_new(items[beg:beg + n])
        return ary_ref(vm, self, _aget_index(vm, idx))
    i = _aget_index(vm, args[0])
    n = as_int(vm, args[1])
    alen = len(items)
    if i < 0:
        i += alen
    if i < 0 or alen < i:
        return NIL
    if n < 0:
        return NIL
    if alen == i:
        return vm.ary_new()
    return vm.ary_new(items[i:i + n])


@method("Array", "[]=", arity=-1)
def ary_aset(vm, self, args, blk):
    _modify(vm, self)
    if len(args) != 2:
        c_args(vm, args, 3)
    if len(args) == 2:
        v1, v2 = args
        if vm.is_range(v1):
            r = range_beg_len(vm, v1, len(items_of(vm, self)), False)
            if r is None:
                vm.raise_error(vm.c_RangeError, f"{vm.to_s(v1).decode('utf-8', 'replace')} "
                               "out of range")
            ary_splice(vm, self, r[0], r[1], v2)
        else:
            ary_set(vm, self, as_int(vm, v1), v2)
        return v2
    ary_splice(vm, self, as_int(vm, args[0]), as_int(vm, args[1]), args[2])
    return args[2]


@method("Array", "at", arity=-1)
def ary_at(vm, self, args, blk):
    i, = c_args(vm, args, 1, 0, (lambda w: as_int(vm, w),))
    return ary_ref(vm, self, i)


@method("Array", "fetch", arity=-1)
def ary_fetch(vm, self, args, blk):
    rb_argc(vm, args, 1, 1, False)
    n = args[0]
    items = items_of(vm, self)
    if n & 1:
        idx = abi.fixnum_value(n)
    else:
        idx = n
        if vm.is_int(n):
            idx = vm.int_value(n)
        elif vm.is_float(n):
            idx = vm.float_value(n)
        else:
            # `idx < 0` on a non-number
            vm.funcall(n, "<", [abi.fixnum(0)])
            idx = as_int(vm, n)
    size = len(items)
    if idx < 0:
        idx += size
    if idx < 0 or size <= idx:
        if blk != NIL:
            return call_block(vm, blk, [n])
        if len(args) < 2 or compare_none(vm, args[1], "=="):
            vm.raise_error(vm.c_IndexError, f"index {vm.to_s(n).decode()} outside of array "
                           f"bounds: {-size}...{size}")
        return args[1]
    if isinstance(idx, float):
        return vm.funcall(self, "[]", [vm.float_new(idx)])     # mrblib: self[idx]
    return items[int(idx)]


@method("Array", "first", arity=-1)
def ary_first(vm, self, args, blk):
    items = items_of(vm, self)
    if not args:
        return items[0] if items else NIL
    n, = c_args(vm, args, 0, 1, (lambda w: as_int(vm, w),))
    if n < 0:
        vm.raise_error(vm.c_ArgumentError, "negative array size")
    return vm.ary_new(items[:n])


@method("Array", "last", arity=-1)
def ary_last(vm, self, args, blk):
    items = items_of(vm, self)
    if not args:
        return items[-1] if items else NIL
    n, = c_args(vm, args, 0, 1, (lambda w: as_int(vm, w),))
    if n < 0:
        vm.raise_error(vm.c_ArgumentError, "negative array size")
    if n > len(items):
        n = len(items)
    return vm.ary_new(items[len(items) - n:])


@method("Array", "values_at", arity=-1)
def ary_values_at(vm, self, args, blk):
    return values_at(vm, self, len(items_of(vm, self)), args,
                     lambda i: ary_ref(vm, self, i))


def values_at(vm, obj, olen, args, func):
    """mrb_get_values_at."""
    out = []
    for a in args:
        if vm.is_int(a):
            out.append(func(vm.int_value(a)))
        elif vm.is_range(a):
            r = range_beg_len(vm, a, olen, False)
            if r is None:
                vm.raise_error(vm.c_TypeError,
                               f"invalid values selector: {vm.to_s(a).decode()}")
            beg, n = r
            end = min(olen, beg + n)
            j = beg
            while j < end:
                out.append(func(j))
                j += 1
            while j < beg + n:
                out.append(NIL)
                j += 1
        else:
            vm.raise_error(vm.c_TypeError, f"invalid values selector: {vm.to_s(a).decode()}")
    return vm.ary_new(out)


@method("Array", "dig", arity=-1)
def ary_dig(vm, self, args, blk):
    rb_argc(vm, args, 1, 0, True)
    if not args:
        vm.argc_error(0, 1, -1)
    n = vm.funcall(self, "[]", [args[0]])
    if len(args) > 1:
        if n == NIL:
            return NIL
        return vm.funcall(n, "dig", args[1:])
    return n


@method("Array", "assoc", arity=1)
def ary_assoc(vm, self, args, blk):
    k = args[0]
    items = items_of(vm, self)
    i = 0
    while i < len(items):
        v = items[i]
        if vm.is_ary(v):
            vi = items_of(vm, v)
            if vi and eq(vm, vi[0], k):
                return v
        i += 1
    return NIL


@method("Array", "rassoc", arity=1)
def ary_rassoc(vm, self, args, blk):
    k = args[0]
    items = items_of(vm, self)
    i = 0
    while i < len(items):
        v = items[i]
        if vm.is_ary(v):
            vi = items_of(vm, v)
            if len(vi) > 1 and eq(vm, vi[1], k):
                return v
        i += 1
    return NIL


# --------------------------------------------------------------- size
@method("Array", "length", arity=0, aliases=("size",))
def ary_size(vm, self, args, blk):
    return vm.int_new(len(items_of(vm, self)))


@method("Array", "empty?", arity=0)
def ary_empty(vm, self, args, blk):
    return TRUE if not items_of(vm, self) else FALSE


# -------------------------------------------------------- adding, removing
@method("Array", "push", arity=-1, aliases=("append",))
def ary_push(vm, self, args, blk):
    _modify(vm, self)
    items_of(vm, self).extend(args)
    return self


@method("Array", "<<", arity=-1)
def ary_lshift(vm, self, args, blk):
    # mrb_ary_push_m: any number of values, though declared with one
    _modify(vm, self)
    items_of(vm, self).extend(args)
    return self


@method("Array", "pop", arity=0)
def ary_pop(vm, self, args, blk):
    _modify(vm, self)
    items = items_of(vm, self)
    if not items:
        return NIL
    return items.pop()


@method("Array", "shift", arity=-1)
def ary_shift(vm, self, args, blk):
    c_args(vm, args, 0, 1, (lambda w: as_int(vm, w),))
    if not args:
        _modify(vm, self)
        items = items_of(vm, self)
        if not items:
            return NIL
        return items.pop(0)
    n = as_int(vm, args[0])
    _modify(vm, self)
    items = items_of(vm, self)
    if not items or n == 0:
        return vm.ary_new()
    if n < 0:
        vm.raise_error(vm.c_ArgumentError, "negative array shift")
    out = items[:n]
    del items[:n]
    return vm.ary_new(out)


@method("Array", "unshift", arity=-1, aliases=("prepend",))
def ary_unshift(vm, self, args, blk):
    _modify(vm, self)
    items = items_of(vm, self)
    items[0:0] = args
    return self


@method("Array", "insert", arity=-1)
def ary_insert(vm, self, args, blk):
    rb_argc(vm, args, 1, 0, True)
    if not args:
        vm.argc_error(0, 1, -1)
    idx = args[0]
    rest = args[1:]
    if idx & 1:
        i = abi.fixnum_value(idx)
        if i < 0:
            i += len(items_of(vm, self)) + 1
        idx = vm.int_new(i)
    else:
        if abi.truthy(vm.funcall(idx, "<", [abi.fixnum(0)])):
            idx = vm.funcall(idx, "+", [vm.int_new(len(items_of(vm, self)) + 1)])
    with fake_frames(vm, "[]="):
        ary_splice(vm, self, as_int(vm, idx), 0, vm.ary_new(rest))
    return self


@method("Array", "concat", arity=-1)
def ary_concat(vm, self, args, blk):
    other, = c_args(vm, args, 1, 0, (lambda w: to_ary(vm, w),))
    _modify(vm, self)
    items_of(vm, self).extend(list(items_of(vm, other)))
    return self


@method("Array", "delete_at", arity=-1)
def ary_delete_at(vm, self, args, blk):
    index, = c_args(vm, args, 1, 0, (lambda w: as_int(vm, w),))
    items = items_of(vm, self)
    alen = len(items)
    if index < 0:
        index += alen
    if index < 0 or alen <= index:
        return NIL
    _modify(vm, self)
    return items.pop(index)


@method("Array", "delete", arity=1)
def ary_delete(vm, self, args, blk):
    key = args[0]
    ret = NIL
    while True:
        with fake_frames(vm, "index"):     # mrblib's delete calls index(key)
            compare_none(vm, key, "==")
            with fake_frames(vm, "__ary_index"):
                i = _index_of(vm, self, key)
        if i is None:
            break
        with fake_frames(vm, "delete_at"):
            _modify(vm, self)
        items_of(vm, self).pop(i)
        ret = key
    if ret == NIL and blk != NIL:       # `return block.call if ret.nil? && block`
        return call_block(vm, blk, [])
    return ret


@method("Array", "clear", arity=0)
def ary_clear(vm, self, args, blk):
    _modify(vm, self)
    items_of(vm, self).clear()
    return self


@method("Array", "slice!", arity=-1)
def ary_slice_bang(vm, self, args, blk):
    _modify(vm, self)
    if len(args) != 1:
        c_args(vm, args, 2, 0, (lambda w: as_int(vm, w), lambda w: as_int(vm, w)))
    items = items_of(vm, self)
    if len(args) == 1:
        index = args[0]
        if vm.is_range(index):
            r = range_beg_len(vm, index, len(items), True)
            if r is None:
                return NIL
            i, n = r
        else:
            return vm.funcall(self, "delete_at", [index])
    else:
        i = as_int(vm, args[0])
        n = as_int(vm, args[1])
    alen = len(items)
    if i < 0:
        i += alen
    if i < 0 or alen < i:
        return NIL
    if n < 0:
        return NIL
    if alen == i:
        return vm.ary_new()
    if n > alen - i:
        n = alen - i
    out = items[i:i + n]
    del items[i:i + n]
    return vm.ary_new(out)


@method("Array", "compact", arity=0)
def ary_compact(vm, self, args, blk):
    return vm.ary_new([x for x in items_of(vm, self) if x != NIL])


@method("Array", "compact!", arity=0)
def ary_compact_bang(vm, self, args, blk):
    _modify(vm, self)
    items = items_of(vm, self)
    new = [x for x in items if x != NIL]
    if len(new) == len(items):
        return NIL
    vm.obj(self).items = new
    return self


# -------------------------------------------------------------- operators
@method("Array", "+", arity=-1)
def ary_plus(vm, self, args, blk):
    other, = c_args(vm, args, 1, 0, (lambda w: to_ary(vm, w),))
    return vm.ary_new(items_of(vm, self) + items_of(vm, other))


@method("Array", "*", arity=-1)
def ary_times(vm, self, args, blk):
    times, = c_args(vm, args, 1, 0, (lambda w: as_int(vm, w),))
    if times < 0:
        vm.raise_error(vm.c_ArgumentError, "negative argument")
    if times == 0:
        return vm.ary_new()
    items = items_of(vm, self)
    if ARY_MAX_SIZE // times < len(items):
        vm.raise_error(vm.c_ArgumentError, "array size too big")
    try:
        out = items * times
    except MemoryError:
        from .string import raise_nomem
        raise_nomem(vm)
    return vm.ary_new(out)


def _hash_of_items(vm, items, val=TRUE):
    hw = vm.hash_new()
    h = vm.obj(hw)
    for x in items:
        _hx.h_store(vm, h, x, val if val is not None else x)
    return hw, h


@method("Array", "-", arity=1)
def ary_minus(vm, self, args, blk):
    elem = args[0]
    if vm.real_class(elem) is not vm.c_Array:
        vm.raise_error(vm.c_TypeError, f"can't convert {vm.class_name(vm.real_class(elem))} "
                       "into Array")
    _, h = _hash_of_items(vm, list(items_of(vm, elem)))
    out = []
    items = items_of(vm, self)
    i = 0
    while i < len(items):
        v = items[i]
        g = _hx.h_lookup(vm, h, v)
        if g is None or not abi.truthy(g):
            out.append(v)
        i += 1
    return vm.ary_new(out)


@method("Array", "difference", arity=-1)
def ary_difference(vm, self, args, blk):
    ary = self
    for x in args:
        ary = vm.funcall(ary, "-", [x])
    return ary


@method("Array", "|", arity=1)
def ary_or(vm, self, args, blk):
    elem = args[0]
    if vm.real_class(elem) is not vm.c_Array:
        vm.raise_error(vm.c_TypeError, f"can't convert {vm.class_name(vm.real_class(elem))} "
                       "into Array")
    ary = vm.ary_new(items_of(vm, self) + items_of(vm, elem))
    r = ary_uniq_bang(vm, ary, [], NIL)
    return r if r != NIL else ary


@method("Array", "union", arity=-1)
def ary_union(vm, self, args, blk):
    ary = vm.ary_new(list(items_of(vm, self)))
    for x in args:
        vm.funcall(ary, "concat", [x])
        ary_uniq_bang(vm, ary, [], NIL)
    return ary


@method("Array", "&", arity=1)
def ary_and(vm, self, args, blk):
    elem = args[0]
    if vm.real_class(elem) is not vm.c_Array:
        vm.raise_error(vm.c_TypeError, f"cannot convert {vm.class_name(vm.real_class(elem))} "
                       "into Array")
    _, h = _hash_of_items(vm, list(items_of(vm, elem)))
    out = []
    items = items_of(vm, self)
    i = 0
    while i < len(items):
        v = items[i]
        g = _hx.h_lookup(vm, h, v)
        if g is not None and abi.truthy(g):
            out.append(v)
            _hx.h_remove(vm, h, v)
        i += 1
    return vm.ary_new(out)


@method("Array", "intersection", arity=-1)
def ary_intersection(vm, self, args, blk):
    ary = self
    for x in args:
        ary = vm.funcall(ary, "&", [x])
    return ary


@method("Array", "intersect?", arity=1)
def ary_intersect_p(vm, self, args, blk):
    other = args[0]
    if vm.real_class(other) is not vm.c_Array:
        vm.raise_error(vm.c_TypeError, f"cannot convert {vm.class_name(vm.real_class(other))} "
                       "into Array")
    a = items_of(vm, self)
    b = items_of(vm, other)
    if len(a) > len(b):
        shorter, longer = b, a
    else:
        shorter, longer = a, b
    _, h = _hash_of_items(vm, list(shorter))
    n = len(a)      # mruby iterates `size` (self's) over `longer`
    i = 0
    while i < n:
        v = longer[i] if i < len(longer) else NIL
        g = _hx.h_lookup(vm, h, v)
        if g is not None and abi.truthy(g):
            return TRUE
        i += 1
    return FALSE


def ary_equal(vm, a, b, eql=False):
    if a == b:
        return True
    if not vm.is_ary(b):
        return False
    x = items_of(vm, a)
    y = items_of(vm, b)
    if len(x) != len(y):
        return False
    if len(vm.frames) >= vm.ci_max - 2:
        # mrblib's `return false if other == false` runs Array#== on the
        # other array, whose __ary_eq call is the deepest record
        with inspect_frames(vm, "=="):
            pass
    i = 0
    while i < len(x):
        if i >= len(y):
            yy = NIL
        else:
            yy = y[i]
        if eql:
            if not vm.eql(x[i], yy):
                return False
        elif not _elem_eq(vm, x[i], yy):
            return False
        i += 1
    return True


def _elem_eq(vm, a, b):
    """mrblib's ``self[i] != other[i]`` in Array#==: Kernel#!= runs ``==``
    in a frame of its own (seen in backtraces and in the nesting depth
    that overflows the call-info stack)."""
    if a & OBJECT_MASK == OBJECT_TAG and a != b and type(vm.obj(a)) not in (RString, RFloat):
        with fake_frames(vm, "!="):
            return vm.equal(a, b)
    return eq(vm, a, b)


@method("Array", "==", arity=1)
def ary_eq(vm, self, args, blk):
    return TRUE if ary_equal(vm, self, args[0]) else FALSE


@method("Array", "eql?", arity=1)
def ary_eql(vm, self, args, blk):
    return TRUE if ary_equal(vm, self, args[0], True) else FALSE


@method("Array", "__ary_eq", arity=1)
def ary___ary_eq(vm, self, args, blk):
    o = args[0]
    if o == self:
        return TRUE
    if not vm.is_ary(o):
        return FALSE
    if len(items_of(vm, self)) != len(items_of(vm, o)):
        return FALSE
    return o


@method("Array", "__ary_cmp", arity=1)
def ary___ary_cmp(vm, self, args, blk):
    o = args[0]
    if o == self:
        return abi.fixnum(0)
    if not vm.is_ary(o):
        return NIL
    return o


@method("Array", "__svalue", arity=0)
def ary___svalue(vm, self, args, blk):
    items = items_of(vm, self)
    if len(items) == 0:
        return NIL
    if len(items) == 1:
        return items[0]
    return self


def ary_cmp(vm, self, other):
    if other == self:
        return abi.fixnum(0)
    if not vm.is_ary(other):
        return NIL
    # mrblib's loop: the common length is read once, the elements afresh
    # (a <=> that shrinks an array compares nil next, as mruby does)
    n = min(len(items_of(vm, self)), len(items_of(vm, other)))
    i = 0
    while i < n:
        r = spaceship(vm, ary_ref(vm, self, i), ary_ref(vm, other, i))
        if r != abi.fixnum(0) and not _is_zero(vm, r):
            return r
        i += 1
    d = len(items_of(vm, self)) - len(items_of(vm, other))
    return abi.fixnum((d > 0) - (d < 0))


def _is_zero(vm, r):
    if r == abi.fixnum(0):
        return True
    if vm.is_float(r):
        return vm.float_value(r) == 0.0
    if vm.is_int(r) or r == NIL:
        return False
    return not abi.truthy(vm.funcall(r, "!=", [abi.fixnum(0)]))


@method("Array", "<=>", arity=1)
def ary_spaceship(vm, self, args, blk):
    return ary_cmp(vm, self, args[0])


# ----------------------------------------------------------------- search
def _index_of(vm, self, obj):
    items = items_of(vm, self)
    i = 0
    while i < len(items):
        if eq(vm, items[i], obj):
            return i
        i += 1
    return None


@method("Array", "__ary_index", arity=1)
def ary___ary_index(vm, self, args, blk):
    i = _index_of(vm, self, args[0])
    return NIL if i is None else vm.int_new(i)


@method("Array", "index", arity=-1)
def ary_index(vm, self, args, blk):
    rb_argc(vm, args, 0, 1, False)
    if blk == NIL and (not args or compare_none(vm, args[0], "==")):
        return to_enum(vm, self, "find_index", [args[0] if args else _enum_none(vm)])
    if blk != NIL:
        # mruby-array-ext: the length is read once, each element afresh
        n = len(items_of(vm, self))
        idx = 0
        while idx < n:
            if abi.truthy(call_block(vm, blk, [ary_ref(vm, self, idx)])):
                return vm.int_new(idx)
            idx += 1
        return NIL
    with fake_frames(vm, "__ary_index"):
        i = _index_of(vm, self, args[0])
    return NIL if i is None else vm.int_new(i)


def _enum_none(vm):
    return vm.c_Enumerable.ivars.get(vm.intern("NONE"), NIL)


@method("Array", "rindex", arity=1)
def ary_rindex(vm, self, args, blk):
    """Re-reads the items after each ``==``: the comparison may replace them."""
    obj = args[0]
    i = len(items_of(vm, self)) - 1
    while i >= 0:
        items = items_of(vm, self)
        if i < len(items) and eq(vm, items[i], obj):
            return vm.int_new(i)
        n = len(items_of(vm, self))
        if i > n:
            i = n
        i -= 1
    return NIL


@method("Array", "bsearch", arity=0)
def ary_bsearch(vm, self, args, blk):
    if blk == NIL:
        return to_enum(vm, self, "bsearch")
    with fake_frames(vm, "bsearch_index"):
        idx = _bsearch_index(vm, self, blk, ("bsearch", "bsearch_index"))
    if idx is None:
        return NIL
    return ary_ref(vm, self, idx)


@method("Array", "bsearch_index", arity=0)
def ary_bsearch_index(vm, self, args, blk):
    if blk == NIL:
        return to_enum(vm, self, "bsearch_index")
    idx = _bsearch_index(vm, self, blk, ("bsearch_index",))
    return NIL if idx is None else vm.int_new(idx)


def _bsearch_index(vm, self, blk, frames):
    low = 0
    high = len(items_of(vm, self))
    satisfied = False
    while low < high:
        mid = (low + high) // 2
        res = call_block(vm, blk, [ary_ref(vm, self, mid)])
        if res == abi.fixnum(0) or (vm.is_float(res) and vm.float_value(res) == 0.0):
            return mid
        if vm.is_int(res) or vm.is_float(res):
            v = vm.int_value(res) if vm.is_int(res) else vm.float_value(res)
            lower = v < 0
        elif res == TRUE:
            lower = True
            satisfied = True
        elif res == FALSE or res == NIL:
            lower = False
        else:
            vm.raise_error(vm.c_TypeError,
                           "invalid block result (must be numeric, true, false or nil)")
        if lower:
            high = mid
        else:
            low = mid + 1
    return low if satisfied else None


# -------------------------------------------------------------- iteration
@method("Array", "each", arity=0)
def ary_each(vm, self, args, blk):
    if blk == NIL:
        return to_enum(vm, self, "each")
    a = vm.obj(self)
    i = 0
    while i < len(a.items):
        vm.yield_block(blk, [a.items[i]])
        i += 1
    return self


@method("Array", "each_index", arity=0)
def ary_each_index(vm, self, args, blk):
    if blk == NIL:
        return to_enum(vm, self, "each_index")
    a = vm.obj(self)
    i = 0
    while i < len(a.items):
        vm.yield_block(blk, [vm.int_new(i)])
        i += 1
    return self


@method("Array", "reverse_each", arity=0)
def ary_reverse_each(vm, self, args, blk):
    if blk == NIL:
        return to_enum(vm, self, "reverse_each")
    a = vm.obj(self)
    i = len(a.items) - 1
    while i >= 0:
        vm.yield_block(blk, [ary_ref(vm, self, i)])
        i -= 1
    return self


@method("Array", "collect!", arity=0, aliases=("map!",))
def ary_collect_bang(vm, self, args, blk):
    if blk == NIL:
        return to_enum(vm, self, "collect!")
    a = vm.obj(self)
    n = len(a.items)
    i = 0
    while i < n:
        v = call_block(vm, blk, [ary_ref(vm, self, i)])
        with fake_frames(vm, "[]="):
            ary_set(vm, self, i, v)
        i += 1
    return self


@method("Array", "delete_if", arity=0)
def ary_delete_if(vm, self, args, blk):
    if blk == NIL:
        return to_enum(vm, self, "delete_if")
    a = vm.obj(self)
    idx = 0
    while idx < len(a.items):
        if abi.truthy(call_block(vm, blk, [a.items[idx]])):
            with fake_frames(vm, "delete_at"):
                _modify(vm, self)
            if idx < len(a.items):
                a.items.pop(idx)
        else:
            idx += 1
    return self


@method("Array", "reject!", arity=0)
def ary_reject_bang(vm, self, args, blk):
    if blk == NIL:
        return to_enum(vm, self, "reject!")
    a = vm.obj(self)
    n = len(a.items)
    idx = 0
    while idx < len(a.items):
        if abi.truthy(call_block(vm, blk, [a.items[idx]])):
            with fake_frames(vm, "delete_at"):
                _modify(vm, self)
            if idx < len(a.items):
                a.items.pop(idx)
        else:
            idx += 1
    return NIL if len(a.items) == n else self


@method("Array", "keep_if", arity=0)
def ary_keep_if(vm, self, args, blk):
    if blk == NIL:
        return to_enum(vm, self, "keep_if")
    a = vm.obj(self)
    idx = 0
    while idx < len(a.items):
        if abi.truthy(call_block(vm, blk, [a.items[idx]])):
            idx += 1
        else:
            with fake_frames(vm, "delete_at"):
                _modify(vm, self)
            if idx < len(a.items):
                a.items.pop(idx)
    return self


@method("Array", "select!", arity=0, aliases=("filter!",))
def ary_select_bang(vm, self, args, blk):
    if blk == NIL:
        return to_enum(vm, self, "select!")
    a = vm.obj(self)
    result = []
    n = len(a.items)
    idx = 0
    while idx < n:
        elem = ary_ref(vm, self, idx)
        if abi.truthy(call_block(vm, blk, [elem])):
            result.append(elem)
        idx += 1
    if n == len(result):
        return NIL
    with fake_frames(vm, "replace"):
        _modify(vm, self)
    a.items = result
    return self


# ---------------------------------------------------------------- join
def join_ary(vm, ary, sep, stack):
    for x in stack:
        if x == ary:
            vm.raise_error(vm.c_ArgumentError, "recursive array join")
    stack.append(ary)
    out = bytearray()
    items = items_of(vm, ary)
    i = 0
    while i < len(items):
        if i > 0 and sep is not None:
            out += sep
        val = items[i]
        if vm.is_ary(val):
            out += join_ary(vm, val, sep, stack)
        elif vm.is_str(val):
            out += vm.obj(val).value
        elif val & 1 and _builtin(vm, vm.c_Integer, "to_s"):
            out += str(abi.fixnum_value(val)).encode()
        else:
            s = vm.obj_as_string(val)
            out += vm.obj(s).value
        i += 1
    stack.pop()
    return bytes(out)


def _join_sep(vm, w):
    if w != NIL and not vm.is_str(w):
        vm.raise_error(vm.c_TypeError, f"{vm.type_name_for_error(w)} cannot be converted to String")
    return w


@method("Array", "join", arity=-1)
def ary_join(vm, self, args, blk):
    c_args(vm, args, 0, 1, (lambda w: _join_sep(vm, w),))
    sep = None
    if args and args[0] != NIL:
        if not vm.is_str(args[0]):
            vm.raise_error(vm.c_TypeError,
                           f"{vm.type_name_for_error(args[0])} cannot be converted to String")
        sep = bytes(vm.obj(args[0]).value)
    return vm.str_new(join_ary(vm, self, sep, []))


# -------------------------------------------------------------- reordering
@method("Array", "reverse", arity=0)
def ary_reverse(vm, self, args, blk):
    return vm.ary_new(items_of(vm, self)[::-1])


@method("Array", "reverse!", arity=0)
def ary_reverse_bang(vm, self, args, blk):
    items = items_of(vm, self)
    if len(items) > 1:
        _modify(vm, self)
        items.reverse()
    return self


def _rot_idx(count, n):
    if count < 0:
        return n - ((~count) % n) - 1
    return count % n


@method("Array", "rotate", arity=-1)
def ary_rotate(vm, self, args, blk):
    r = c_args(vm, args, 0, 1, (lambda w: as_int(vm, w),))
    count = r[0] if r else 1
    items = items_of(vm, self)
    n = len(items)
    if n <= 0:
        return vm.ary_new()
    idx = _rot_idx(count, n)
    return vm.ary_new(items[idx:] + items[:idx])


@method("Array", "rotate!", arity=-1)
def ary_rotate_bang(vm, self, args, blk):
    r = c_args(vm, args, 0, 1, (lambda w: as_int(vm, w),))
    count = r[0] if r else 1
    _modify(vm, self)
    a = vm.obj(self)
    n = len(a.items)
    if n == 0 or count == 0:
        return self
    idx = _rot_idx(count, n)
    a.items[:] = a.items[idx:] + a.items[:idx]
    return self


def _cmp_fail(vm, lhs, rhs):
    a, b = (vm.inspect(w).decode("utf-8", "replace") for w in (lhs, rhs))
    vm.raise_error(vm.c_ArgumentError, f"comparison of {a} and {b} failed")


def _sort_cmp(vm, blk, lhs, rhs):
    if blk != NIL:
        c = call_block(vm, blk, [lhs, rhs])
    elif vm.is_ary(lhs) and _builtin(vm, vm.obj(lhs).cls, "<=>"):
        with fake_frames(vm, "<=>"):
            c = ary_cmp(vm, lhs, rhs)
    else:
        c = spaceship(vm, lhs, rhs)
    if c == NIL:
        _cmp_fail(vm, lhs, rhs)
    return c


def _cmp_gt0(vm, c):
    if c & 1:
        return abi.fixnum_value(c) > 0
    return num_gt0(vm, c)


def _cmp_le0(vm, c):
    if c & 1:
        return abi.fixnum_value(c) <= 0
    return abi.truthy(vm.funcall(c, "<=", [abi.fixnum(0)]))


def _aset_checked(vm, self, i, v):
    """self[i] = v from sort!'s Ruby code."""
    if vm.obj(self).frozen:
        check_frozen_in(vm, self, "[]=")
    ary_set(vm, self, i, v)


def plain_sort_keys(vm, items):
    """Python sort keys for ``items`` when their order is fully decided by
    core ``<=>`` with no side effects and no failures: all Integers, all
    Strings, or Integers and Floats without NaN.  None otherwise."""
    if not items:
        return []
    first = items[0]
    if first & 1 or vm.is_int(first) or vm.is_float(first):
        if not (_builtin(vm, vm.c_Integer, "<=>") and _builtin(vm, vm.c_Float, "<=>")):
            return None
        keys = []
        for w in items:
            if w & 1:
                keys.append(abi.fixnum_value(w))
            elif vm.is_int(w):
                keys.append(vm.int_value(w))
            elif vm.is_float(w):
                f = vm.float_value(w)
                if f != f:
                    return None
                keys.append(f)
            else:
                return None
        return keys
    if vm.is_str(first):
        sc = vm.c_String
        if not _builtin(vm, sc, "<=>"):
            return None
        keys = []
        for w in items:
            if w & OBJECT_MASK != OBJECT_TAG:
                return None
            o = vm.obj(w)
            if type(o) is not RString or o.cls is not sc:
                return None
            keys.append(bytes(o.value))
        return keys
    return None


@method("Array", "sort!", arity=0)
def ary_sort_bang(vm, self, args, blk):
    """mrblib/array.rb's merge sort: the same comparisons in the same order.
    (Stable; when core <=> alone decides the order, Python's stable sort
    gives the same result.)"""
    a = vm.obj(self)
    if blk == NIL and not a.frozen and len(a.items) > 1:
        keys = plain_sort_keys(vm, a.items)
        if keys is not None:
            order = sorted(range(len(keys)), key=keys.__getitem__)
            items = a.items
            a.items[:] = [items[i] for i in order]
            return self
    stack = [(0, len(a.items) - 1, None)]
    while stack:
        left, mid, right = stack.pop()
        if right is None:
            right = mid
            if left < right:
                if left + 1 == right:
                    lval = ary_ref(vm, self, left)
                    rval = ary_ref(vm, self, right)
                    cmp = _sort_cmp(vm, blk, lval, rval)
                    if _cmp_gt0(vm, cmp):
                        _aset_checked(vm, self, left, rval)
                        _aset_checked(vm, self, right, lval)
                else:
                    mid = (left + right + 1) // 2
                    stack.append((left, mid, right))
                    stack.append((mid, right, None))
                    if left < mid - 1:
                        stack.append((left, mid - 1, None))
        else:
            lary = a.items[left:mid]
            lsize = len(lary)
            lidx = 0
            ridx = mid
            with fake_frames(vm, "each", "sort!"):
                for i in range(left, right + 1):
                    if lidx >= lsize:
                        break
                    elif ridx > right:
                        if a.frozen:
                            check_frozen_in(vm, self, "[]=")
                        a.items[i:i + lsize - lidx] = lary[lidx:]
                        break
                    else:
                        lval = lary[lidx]
                        rval = ary_ref(vm, self, ridx)
                        cmp = _sort_cmp(vm, blk, lval, rval)
                        if _cmp_le0(vm, cmp):
                            _aset_checked(vm, self, i, lval)
                            lidx += 1
                        else:
                            _aset_checked(vm, self, i, rval)
                            ridx += 1
    return self


@method("Array", "sort", arity=0)
def ary_sort(vm, self, args, blk):
    d = vm.funcall(self, "dup")
    return vm.funcall(d, "sort!", [], blk)


@method("Array", "to_a", arity=0, aliases=("entries",))
def ary_to_a(vm, self, args, blk):
    return self


@method("Array", "to_h", arity=0)
def ary_to_h(vm, self, args, blk):
    hw = vm.hash_new()
    h = vm.obj(hw)
    items = items_of(vm, self)
    i = 0
    while i < len(items):
        v = items[i]
        if blk != NIL:
            with fake_frames(vm, "each", "to_h"):
                v = call_block(vm, blk, [v])
        if not vm.is_ary(v):
            raise_in(vm, ("each", "to_h"), vm.c_TypeError,
                     f"wrong element type {vm.class_name(vm.real_class(v))}")
        vi = items_of(vm, v)
        if len(vi) != 2:
            raise_in(vm, ("each", "to_h"), vm.c_ArgumentError,
                     f"wrong array length (expected 2, was {len(vi)})")
        _hx.h_store(vm, h, vi[0], vi[1])
        i += 1
    return hw


# ---------------------------------------------------------- uniq, flatten
@method("Array", "uniq!", arity=0)
def ary_uniq_bang(vm, self, args, blk):
    hw = vm.hash_new()
    h = vm.obj(hw)
    items = list(items_of(vm, self))
    if blk != NIL:
        with fake_frames(vm, "each", "uniq!"):
            for val in items:
                key = call_block(vm, blk, [val])
                if not _hx.h_has(vm, h, key):
                    _hx.h_store(vm, h, key, val)
        result = h.values()
    else:
        for val in items:
            _hx.h_store(vm, h, val, val)
        result = h.keys()
    if len(result) == len(items_of(vm, self)):
        return NIL
    with fake_frames(vm, "replace"):
        _modify(vm, self)
    vm.obj(self).items = list(result)
    return self


@method("Array", "uniq", arity=0)
def ary_uniq(vm, self, args, blk):
    ary = vm.ary_new(list(items_of(vm, self)))
    with fake_frames(vm, "uniq!"):
        ary_uniq_bang(vm, ary, [], blk)
    return ary


def _flatten(vm, items, depth, out):
    modified = False
    i = 0
    while i < len(items):
        e = items[i]
        if vm.is_ary(e) and (depth is None or depth > 0):
            # mrblib: ar += e.flatten(depth - 1), and flatten is
            # Array.new(self) then flatten!: frames that nest per level (a
            # recursive array overflows the call-info stack as in mruby)
            with fake_frames(vm, "flatten"):
                _flatten_copy_frames(vm)
                with fake_frames(vm, "flatten!"):
                    _flatten(vm, items_of(vm, e), None if depth is None else depth - 1, out)
            modified = True
        else:
            out.append(e)
        i += 1
    return modified


def _flatten_copy_frames(vm):
    """flatten's ``Array.new(self)``: new, initialize and its first call."""
    with inspect_frames(vm, "new", "initialize"):
        pass


def _flatten_top(vm, self, args):
    """flatten!'s loop: (modified, new items)."""
    items = items_of(vm, self)
    d = args[0] if args else NIL
    if d == NIL or d & 1:
        depth = None if d == NIL else abi.fixnum_value(d)
        out = []
        modified = _flatten(vm, items, depth, out)
        return modified, out
    # another depth object: Ruby's `depth > 0`, then e.flatten(depth - 1)
    out = []
    modified = False
    for e in list(items):
        if vm.is_a(e, vm.c_Array) and abi.truthy(vm.funcall(d, ">", [abi.fixnum(0)])):
            sub = vm.funcall(e, "flatten", [vm.funcall(d, "-", [abi.fixnum(1)])])
            out.extend(items_of(vm, sub))
            modified = True
        else:
            out.append(e)
    return modified, out


@method("Array", "flatten", arity=-1)
def ary_flatten(vm, self, args, blk):
    rb_argc(vm, args, 0, 1, False)
    _flatten_copy_frames(vm)
    with fake_frames(vm, "flatten!"):
        modified, out = _flatten_top(vm, self, args)
    return vm.ary_new(out if modified else list(items_of(vm, self)))


@method("Array", "flatten!", arity=-1)
def ary_flatten_bang(vm, self, args, blk):
    rb_argc(vm, args, 0, 1, False)
    modified, out = _flatten_top(vm, self, args)
    if not modified:
        return NIL
    with fake_frames(vm, "replace"):
        _modify(vm, self)
    vm.obj(self).items = out
    return self


# ------------------------------------------------------------------- fill
def rb_lt(vm, a, b):
    """Ruby ``a < b``."""
    if a & 1 and b & 1:
        return abi.fixnum_value(a) < abi.fixnum_value(b)
    return abi.truthy(vm.funcall(a, "<", [b]))


def rb_le(vm, a, b):
    if a & 1 and b & 1:
        return abi.fixnum_value(a) <= abi.fixnum_value(b)
    return abi.truthy(vm.funcall(a, "<=", [b]))


def rb_add(vm, a, b):
    """Ruby ``a + b``."""
    if a & 1 and b & 1:
        return vm.int_new(abi.fixnum_value(a) + abi.fixnum_value(b))
    return vm.funcall(a, "+", [b])


def rb_eq(vm, a, b):
    if a & 1 and b & 1:
        return a == b
    return abi.truthy(vm.funcall(a, "==", [b]))


@method("Array", "fill", arity=-1)
def ary_fill(vm, self, args, blk):
    """mruby-array-ext's Array#fill, step by step (Ruby operators on the
    arguments, so non-Integer bounds fail as they do there)."""
    rb_argc(vm, args, 0, 3, False)
    a0 = args[0] if len(args) > 0 else NIL
    a1 = args[1] if len(args) > 1 else NIL
    a2 = args[2] if len(args) > 2 else NIL
    if a0 == NIL and a1 == NIL and a2 == NIL and blk == NIL:
        vm.raise_error(vm.c_ArgumentError, "wrong number of arguments (given 0, expected 1..3)")
    zero = abi.fixnum(0)

    def size():
        return vm.int_new(len(items_of(vm, self)))

    def rng(r):
        o = vm.obj(r)
        b = o.first
        if rb_lt(vm, b, zero):
            b = rb_add(vm, b, size())
        e = o.last
        if rb_lt(vm, e, zero):
            e = rb_add(vm, e, size())
        if not o.excl:
            e = rb_add(vm, e, abi.fixnum(1))
        return b, e

    beg = ln = zero
    if blk != NIL:
        if a0 == NIL and a1 == NIL and a2 == NIL:
            beg, ln = zero, size()
        elif a0 != NIL and vm.is_a(a0, vm.c_Range):
            beg, ln = rng(a0)
        elif a0 != NIL:
            beg = a0
            if rb_lt(vm, beg, zero):
                beg = rb_add(vm, beg, size())
            ln = size() if a1 == NIL else rb_add(vm, a0, a1)
    else:
        if a0 != NIL and a1 == NIL and a2 == NIL:
            beg, ln = zero, size()
        elif a0 != NIL and a1 != NIL and vm.is_a(a1, vm.c_Range):
            beg, ln = rng(a1)
        elif a0 != NIL and a1 != NIL:
            beg = a1
            if rb_lt(vm, beg, zero):
                beg = rb_add(vm, beg, size())
            ln = size() if a2 == NIL else rb_add(vm, beg, a2)
    i = beg
    while rb_lt(vm, i, ln):
        v = call_block(vm, blk, [i]) if blk != NIL else a0
        with fake_frames(vm, "[]="):
            ary_set(vm, self, as_int(vm, i), v)
        i = rb_add(vm, i, abi.fixnum(1))
    return self


# ------------------------------------------------- combinatorics, product
@method("Array", "permutation", arity=-1)
def ary_permutation(vm, self, args, blk):
    rb_argc(vm, args, 0, 1, False)
    n = args[0] if args else vm.int_new(len(items_of(vm, self)))
    if blk == NIL:
        return to_enum(vm, self, "permutation", [n])
    size = vm.int_new(len(items_of(vm, self)))
    if rb_eq(vm, n, abi.fixnum(0)):
        vm.yield_block(blk, [vm.ary_new()])
    elif rb_lt(vm, abi.fixnum(0), n) and rb_le(vm, n, size):
        _permute(vm, list(items_of(vm, self)), as_int(vm, n), _yielder(vm, blk))
    return self


def _yielder(vm, blk):
    return lambda items: vm.yield_block(blk, [vm.ary_new(items)])


def _nested(vm, name, emit, result):
    """The ``do |c| yield result + c end`` block of mrblib's recursive
    permutation/combination: it runs in a frame named after the method."""
    def inner(c):
        with fake_frames(vm, name):
            emit(result + c)
    return inner


def _permute(vm, items, n, emit):
    # mrblib: each element, then ary.permutation(n-1) on the others, whose
    # method and block frames show in backtraces
    size = len(items)
    for i in range(size):
        result = [items[i]]
        if n - 1 > 0:
            with fake_frames(vm, "permutation"):
                _permute(vm, items[:i] + items[i + 1:], n - 1,
                         _nested(vm, "permutation", emit, result))
        else:
            emit(result)


@method("Array", "combination", arity=1)
def ary_combination(vm, self, args, blk):
    n = args[0]
    if blk == NIL:
        return to_enum(vm, self, "combination", [n])
    size = vm.int_new(len(items_of(vm, self)))
    if rb_eq(vm, n, abi.fixnum(0)):
        vm.yield_block(blk, [vm.ary_new()])
    elif rb_eq(vm, n, abi.fixnum(1)) or rb_le(vm, n, size):
        _combine(vm, list(items_of(vm, self)), as_int(vm, n), _yielder(vm, blk))
    return self


def _combine(vm, items, n, emit):
    size = len(items)
    if n == 0:
        emit([])
    elif n == 1:
        for i in range(size):
            emit([items[i]])
    elif n <= size:
        for i in range(size):
            with fake_frames(vm, "combination"):
                _combine(vm, items[i + 1:], n - 1,
                         _nested(vm, "combination", emit, [items[i]]))


def yield_short_tuples(vm, items: list, n: int, blk) -> bool:
    """mrblib's first cases of the repeated combinatorics: for ``n`` 0 one
    empty tuple, for 1 one tuple per element (the list read again each
    round); False for any other ``n``."""
    if n == 0:
        vm.yield_block(blk, [vm.ary_new()])
        return True
    if n == 1:
        i = 0
        while i < len(items):
            vm.yield_block(blk, [vm.ary_new([items[i]])])
            i += 1
        return True
    return False


def _repeated(vm, self, n, perm, blk):
    items = items_of(vm, self)
    if not yield_short_tuples(vm, items, n, blk) and n > 0:
        with fake_frames(vm, "*"):      # mrblib: v = [0] * n
            if n > ARY_MAX_SIZE:
                vm.raise_error(vm.c_ArgumentError, "array size too big")
            v = []
            _grow(vm, v, n)
        v = [0] * n
        while True:
            tmp = [ary_ref(vm, self, v[i]) for i in range(n)]
            vm.yield_block(blk, [vm.ary_new(tmp)])
            size = len(items)
            i = n - 1
            while i >= 0:
                v[i] += 1
                if v[i] < size:
                    break
                i -= 1
            if not v[0] < size:
                break
            for i in range(1, n):
                if not v[i] < size:
                    v[i] = 0 if perm else v[i - 1]
    return self


@method("Array", "__repeated_combination", arity=2)
def ary___repeated_combination(vm, self, args, blk):
    return _repeated(vm, self, as_int(vm, args[0]), abi.truthy(args[1]), blk)


def _repeated_check(vm, n):
    # mrblib: raise TypeError, "..." unless 0 <=> n
    if not (n & 1) and vm.cmp(abi.fixnum(0), n) is None:
        vm.raise_error(vm.c_TypeError, "no implicit conversion into Integer")


@method("Array", "repeated_combination", arity=1)
def ary_repeated_combination(vm, self, args, blk):
    n = args[0]
    _repeated_check(vm, n)
    if blk == NIL:
        return to_enum(vm, self, "repeated_combination", [n])
    with fake_frames(vm, "__repeated_combination"):
        return _repeated(vm, self, as_int(vm, n), False, blk)


@method("Array", "repeated_permutation", arity=1)
def ary_repeated_permutation(vm, self, args, blk):
    n = args[0]
    _repeated_check(vm, n)
    if blk == NIL:
        return to_enum(vm, self, "repeated_permutation", [n])
    with fake_frames(vm, "__repeated_combination"):
        return _repeated(vm, self, as_int(vm, n), True, blk)


@method("Array", "product", arity=-1)
def ary_product(vm, self, args, blk):
    for a in reversed(args):
        if not vm.is_a(a, vm.c_Array):
            vm.raise_error(vm.c_TypeError, "no implicit conversion into Array")
    arys = [items_of(vm, a) for a in args]
    total = len(items_of(vm, self))
    for a in arys:
        total *= len(a)
    size = len(arys)
    result = [] if blk == NIL else None
    for i in range(total):
        group = [NIL] * (size + 1)
        n = i
        j = size
        while j > 0:
            j -= 1
            a = arys[j]
            b = len(a)
            group[j + 1] = a[n % b]
            n //= b
        group[0] = ary_ref(vm, self, n)
        if result is None:
            with fake_frames(vm, "product"):     # the ->(*, e) { block.call e } lambda
                call_block(vm, blk, [vm.ary_new(group)])
        else:
            result.append(vm.ary_new(group))
    return self if result is None else vm.ary_new(result)


@method("Array", "transpose", arity=0)
def ary_transpose(vm, self, args, blk):
    items = items_of(vm, self)
    if not items:
        return vm.ary_new()
    column_count = None
    for row in list(items):
        if not vm.is_a(row, vm.c_Array):
            raise_in(vm, ("each", "transpose"), vm.c_TypeError, None)
        n = len(items_of(vm, row))
        if column_count is None:
            column_count = n
        if column_count != n:
            raise_in(vm, ("each", "transpose"), vm.c_IndexError, "element size differs")
    out = []
    for c in range(column_count):
        out.append(vm.ary_new([ary_ref(vm, r, c) for r in items]))
    return vm.ary_new(out)
