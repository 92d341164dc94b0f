"""mruby 4.0: Array methods array.c rewrote.

- Array#delete (``mrb_ary_delete``): one pass that compacts the array as
  it compares, returning the last element found equal; a block is called
  with the argument when none is; the frozen check comes only when an
  element has to move.
- Array#uniq, #uniq!, #- and #& (mruby-array-ext: ``__uniq!``, ``ary_sub``...):
  up to ``SET_OP_HASH_THRESHOLD`` elements they compare with ``==``
  (``mrb_equal``), pair by pair; past it they use a hash table
  (``eql?``/``hash``, as 3.1's mrblib did); the elements kept are the
  array's own.
- Enumerable#sort_by is ``to_a.sort_by(&block)`` (mruby-enum-ext): the
  block runs under Array#sort_by, not inside the receiver's ``each``;
  Array#sort_by is 3.1's Enumerable#sort_by on the array, and
  Array#sort_by! replaces the array with it.
"""

from __future__ import annotations

import os

from runtime import abi
from runtime.core import array as core_array
from runtime.core.array import _modify, items_of, to_ary, yield_short_tuples
from runtime.core.enumerable import enum_sort_by, to_enum
from runtime.core.range import range_beg_len
from runtime.core.string import raise_nomem
from runtime.core.support import as_int, c_args, fake_frames, rb_argc, to_int_arg
from runtime.defs import method
from runtime.objects import RData

from ..boxing import mrb_integer
from .compare import mrb_cmp

NIL = abi.NIL
TRUE = abi.TRUE
FALSE = abi.FALSE

#: 3.1's mrblib helpers 4.0's C methods no longer need
REMOVED = (("Array", "__ary_cmp"), ("Array", "__ary_eq"), ("Array", "__ary_index"))


@method("Array", "delete", arity=1)
def ary_delete(vm, self, args, blk):
    obj = args[0]
    items = items_of(vm, self)
    ret = obj
    i = j = 0
    while i < len(items):
        elem = items[i]
        if vm.equal(elem, obj):
            ret = elem
            i += 1
            continue
        if i != j:
            if j >= len(items):
                vm.raise_error(vm.c_RuntimeError, "array modified during delete")
            _modify(vm, self)
            items[j] = elem
        j += 1
        i += 1
    if i == j:
        if blk == abi.NIL:
            return abi.NIL
        return vm.yield_block(blk, [obj])
    del items[j:]
    return ret


#: mruby-array-ext: up to this many elements, set operations compare pairs
SET_OP_HASH_THRESHOLD = 32


@method("Array", "__uniq!", arity=0)
def ary___uniq_bang(vm, self, args, blk):
    items = items_of(vm, self)
    n = len(items)
    if n <= 1:
        return abi.NIL
    _modify(vm, self)
    if n > SET_OP_HASH_THRESHOLD:
        kept = []
        seen = vm.obj(vm.hash_new())
        for v in list(items):
            if seen.get(vm, v) is None:
                seen.set(vm, v, abi.TRUE)
                kept.append(v)
        if len(kept) == n:
            return abi.NIL
        items[:] = kept
        return self
    w = 0
    r = 0
    while r < len(items):
        elem = items[r]
        found = False
        j = 0
        while j < w and j < len(items):
            if vm.equal(elem, items[j]):
                found = True
                break
            j += 1
        if not found:
            if w != r and w < len(items):
                items[w] = elem
            w += 1
        r += 1
    if w == n:
        return abi.NIL
    del items[w:]
    return self


@method("Array", "__uniq", arity=0)
def ary___uniq(vm, self, args, blk):
    a = vm.ary_new(list(items_of(vm, self)))
    ary___uniq_bang(vm, a, [], abi.NIL)
    return a


@method("Array", "uniq!", arity=0)
def ary_uniq_bang(vm, self, args, blk):
    if blk != abi.NIL:
        return core_array.ary_uniq_bang(vm, self, args, blk)
    return ary___uniq_bang(vm, self, args, blk)


@method("Array", "uniq", arity=0)
def ary_uniq(vm, self, args, blk):
    if blk != abi.NIL:
        a = vm.ary_new(list(items_of(vm, self)))
        core_array.ary_uniq_bang(vm, a, args, blk)
        return a
    return ary___uniq(vm, self, args, blk)


@method("Array", "-", arity=1)
def ary_minus(vm, self, args, blk):
    other = to_ary(vm, args[0])
    if vm.real_class(other) is not vm.c_Array or \
            len(items_of(vm, other)) > SET_OP_HASH_THRESHOLD:
        return core_array.ary_minus(vm, self, args, blk)
    out = []
    items = items_of(vm, self)
    i = 0
    while i < len(items):
        p = items[i]
        theirs = items_of(vm, other)
        if not any(vm.equal(p, theirs[k]) for k in range(len(theirs))):
            out.append(p)
        i += 1
    return vm.ary_new(out)


@method("Array", "&", arity=1)
def ary_and(vm, self, args, blk):
    other = to_ary(vm, args[0])
    if vm.real_class(other) is not vm.c_Array or \
            len(items_of(vm, other)) > SET_OP_HASH_THRESHOLD:
        return core_array.ary_and(vm, self, args, blk)
    out = []
    items = items_of(vm, self)
    i = 0
    while i < len(items):
        p = items[i]
        theirs = items_of(vm, other)
        if any(vm.equal(p, theirs[k]) for k in range(len(theirs))) and \
                not any(vm.equal(p, out[k]) for k in range(len(out))):
            out.append(p)
        i += 1
    return vm.ary_new(out)


@method("Array", "|", arity=1)
def ary_or(vm, self, args, blk):
    """mruby-array-ext ``ary_union``: mrb_get_args "A" (``X cannot be
    converted to Array``)."""
    to_ary(vm, args[0])
    return core_array.ary_or(vm, self, args, blk)


@method("Array", "last", arity=(0, 1))
def ary_last(vm, self, args, blk):
    """array.c ``mrb_ary_last``: the count is read with ``mrb_integer``,
    no type check (boxing.py: ``[1].last("x")`` is ``[]``)."""
    items = items_of(vm, self)
    if not args:
        return items[-1] if items else abi.NIL
    n = mrb_integer(vm, args[0])
    if n < 0:
        vm.raise_error(vm.c_ArgumentError, "negative array size")
    return vm.ary_new(items[len(items) - min(n, len(items)):])


#: array.c: up to this many elements sort! is an insertion sort, past it a heap sort
SMALL_ARRAY_SORT_THRESHOLD = 16


def _insertion_sort(a, gt):
    """array.c ``insertion_sort`` over the list ``a`` (``gt``: sort_cmp > 0)."""
    for i in range(1, len(a)):
        key = a[i]
        j = i - 1
        while j >= 0 and gt(a[j], key):
            a[j + 1] = a[j]
            j -= 1
        a[j + 1] = key


def _heapify(a, index, size, gt):
    """array.c ``heapify``: sift ``a[index]`` down within ``a[:size]``."""
    while True:
        top = index
        left = 2 * index + 1
        if left < size and gt(a[left], a[top]):
            top = left
        if left + 1 < size and gt(a[left + 1], a[top]):
            top = left + 1
        if top == index:
            return
        a[top], a[index] = a[index], a[top]
        index = top


def _sort(a, gt):
    n = len(a)
    if n <= SMALL_ARRAY_SORT_THRESHOLD:
        _insertion_sort(a, gt)
        return
    for i in range(n // 2 - 1, -1, -1):
        _heapify(a, i, n, gt)
    for i in range(n - 1, 0, -1):
        a[0], a[i] = a[i], a[0]
        _heapify(a, 0, i, gt)


def _sort_cmp(vm, self, n, blk):
    """array.c ``sort_cmp`` as a ``gt`` test: mrb_cmp without a block (Integers,
    Floats and Strings of one type compared directly), the block's result
    otherwise; anything but an Integer is ``comparison failed``; the array
    changing size under it is ``array modified during sort``."""
    items = items_of(vm, self)

    def gt(x, y):
        if blk == abi.NIL:
            if x & 1 and y & 1:
                vx, vy = abi.fixnum_value(x), abi.fixnum_value(y)
                c = (vx > vy) - (vx < vy)
            elif vm.is_float(x) and vm.is_float(y):
                vx, vy = vm.float_value(x), vm.float_value(y)
                c = (vx > vy) - (vx < vy)
            else:
                c = mrb_cmp(vm, x, y)
        else:
            r = vm.yield_block(blk, [x, y])
            c = abi.fixnum_value(r) if r & 1 else None
        if c is None:
            vm.raise_error(vm.c_ArgumentError, "comparison failed")
        if len(items) != n or items_of(vm, self) is not items:
            vm.raise_error(vm.c_RuntimeError, "array modified during sort")
        return c > 0
    return gt


@method("Array", "sort!", arity=0)
def ary_sort_bang(vm, self, args, blk):
    """array.c ``mrb_ary_sort_bang``: an insertion sort up to 16 elements, a
    heap sort (not stable) past it, in place; the frozen check only when
    there are two elements or more."""
    items = items_of(vm, self)
    n = len(items)
    if n < 2:
        return self
    _modify(vm, self)
    if blk == abi.NIL:
        keys = core_array.plain_sort_keys(vm, items)
        if keys is not None:
            order = list(range(n))
            _sort(order, lambda i, j: keys[i] > keys[j])
            items[:] = [items[i] for i in order]
            return self
    _sort(items, _sort_cmp(vm, self, n, blk))
    return self


@method("Array", "*", arity=1)
def ary_times(vm, self, args, blk):
    """array.c ``mrb_ary_times``: a String argument joins (``[1, 2] * ","``)."""
    if vm.is_str(args[0]):
        return vm.funcall(self, "join", [args[0]])
    return core_array.ary_times(vm, self, args, blk)


@method("Array", "index", arity=(0, 1))
def ary_index(vm, self, args, blk):
    """array.c ``mrb_ary_index_m``: the block, else ``==`` (mrb_equal), the
    array's length read afresh at every step; neither is an Enumerator."""
    if not args and blk == abi.NIL:
        return vm.funcall(self, "to_enum", [vm.sym("index")])
    i = 0
    while i < len(items_of(vm, self)):
        elem = items_of(vm, self)[i]
        if blk != abi.NIL:
            if abi.truthy(vm.yield_block(blk, [elem])):
                return vm.int_new(i)
        elif vm.equal(elem, args[0]):
            return vm.int_new(i)
        i += 1
    return abi.NIL


@method("Array", "rindex", arity=(0, 1))
def ary_rindex(vm, self, args, blk):
    """array.c ``mrb_ary_rindex_m``: from the end, the block, else ``==``;
    an array that shrank under the test resumes from its new end."""
    if not args and blk == abi.NIL:
        return vm.funcall(self, "to_enum", [vm.sym("rindex")])
    i = len(items_of(vm, self)) - 1
    while i >= 0:
        items = items_of(vm, self)
        elem = items[i] if i < len(items) else abi.NIL
        if blk != abi.NIL:
            if abi.truthy(vm.yield_block(blk, [elem])):
                return vm.int_new(i)
        elif vm.equal(elem, args[0]):
            return vm.int_new(i)
        i = min(i, len(items_of(vm, self))) - 1
    return abi.NIL


@method("Enumerable", "sort_by", arity=0)
def enum_sort_by40(vm, self, args, blk):
    if blk == NIL:
        return to_enum(vm, self, "sort_by")
    return vm.funcall(vm.funcall(self, "to_a"), "sort_by", [], blk)


@method("Array", "sort_by", arity=0)
def ary_sort_by(vm, self, args, blk):
    return enum_sort_by(vm, self, args, blk)


@method("Array", "sort_by!", arity=0)
def ary_sort_by_bang(vm, self, args, blk):
    # self.replace(self.sort_by(&block)): without a block, replace gets
    # the Enumerator (TypeError)
    return vm.funcall(self, "replace", [vm.funcall(self, "sort_by", [], blk)])


#: array.c's MRB_ARY_LENGTH_MAX (default build): a push past it raises
ARY_LENGTH_MAX = 131072


def _flatten40(vm, self, args):
    """mruby-array-ext's flatten_internal: a loop over an explicit stack
    (no frames, whatever the nesting); a recursive array grows the stack
    until a push passes ARY_LENGTH_MAX.  (modified, items)."""
    level = as_int(vm, args[0]) if args else -1
    result: list = []
    stack: list = [self, 0, 1]
    modified = False
    while stack:
        depth = stack.pop()
        idx = stack.pop()
        ary = stack.pop()
        while idx < len(items_of(vm, ary)):
            e = items_of(vm, ary)[idx]
            idx += 1
            if vm.is_ary(e) and (level < 0 or depth <= level):
                modified = True
                if len(stack) + 3 > ARY_LENGTH_MAX:
                    vm.raise_error(vm.c_ArgumentError, "array size too big")
                stack += [ary, idx, depth]
                ary, idx, depth = e, 0, depth + 1
            else:
                if len(result) + 1 > ARY_LENGTH_MAX:
                    vm.raise_error(vm.c_ArgumentError, "array size too big")
                result.append(e)
    return modified, result


@method("Array", "flatten", arity=(0, 1))
def ary_flatten40(vm, self, args, blk):
    return vm.ary_new(_flatten40(vm, self, args)[1])


@method("Array", "flatten!", arity=(0, 1))
def ary_flatten_bang40(vm, self, args, blk):
    _modify(vm, self)
    modified, out = _flatten40(vm, self, args)
    if not modified:
        return NIL
    vm.funcall(self, "replace", [vm.ary_new(out)])
    return self


def _recursive_func(vm, mid: int, a: int, b: int) -> bool:
    """mrb_recursive_func_p: a call-info below the caller's running ``mid``
    with this receiver and argument."""
    st = vm.stack
    for f in vm.frames[-3::-1]:
        if f.mid == mid and st[f.base] == a and st[f.base + 1] == b:
            return True
    return False


def _ary_eq40(vm, self, other, name: str):
    """array.c mrb_ary_eq / mrb_ary_eql: a call of ``name`` per pair of
    elements (a call-info each, so deep nesting overflows), false for a
    comparison already running lower down."""
    if other == self:
        return TRUE
    if not vm.is_ary(other) or len(items_of(vm, self)) != len(items_of(vm, other)):
        return FALSE
    mid = vm.intern(name)
    if _recursive_func(vm, mid, self, other):
        return FALSE
    i = 0
    while i < len(items_of(vm, self)):
        o = items_of(vm, other)
        if not abi.truthy(vm.funcall(items_of(vm, self)[i], mid, [o[i] if i < len(o) else NIL])):
            return FALSE
        i += 1
    return TRUE


@method("Array", "==", arity=1)
def ary_eq40(vm, self, args, blk):
    return _ary_eq40(vm, self, args[0], "==")


@method("Array", "eql?", arity=1)
def ary_eql40(vm, self, args, blk):
    return _ary_eq40(vm, self, args[0], "eql?")


# ------------------------------------------------------------------------
# Methods 4.0 moved (wholly or in part) to C: argument conversion is
# mrb_as_int ("X cannot be converted to Integer"), the C helpers' frames
# show in backtraces, mrblib's do not.

def _check_too_big(vm, n: int):
    """array.c ``ary_check_too_big`` (ary_expand_capa, mrb_ary_resize)."""
    if n < 0 or n > ARY_LENGTH_MAX:
        vm.raise_error(vm.c_ArgumentError, "array size too big")


def _fixnum(n: int) -> int:
    """mrb_fixnum_value of an mrb_int: the word keeps 63 bits."""
    return ((n + (1 << 62)) & ((1 << 63) - 1)) - (1 << 62)


@method("Array", "initialize", arity=-1, visibility="private")
def ary_initialize40(vm, self, args, blk):
    """array.c ``mrb_ary_init``: the size through mrb_as_int; a negative
    one makes no element (no error); the capacity is checked first."""
    rb_argc(vm, args, 0, 2, False)
    size = args[0] if args else abi.fixnum(0)
    obj = args[1] if len(args) > 1 else NIL
    if vm.is_ary(size) and obj == NIL and blk == NIL:
        return core_array.ary_replace(vm, self, [size], NIL)
    n = as_int(vm, size)
    if n > 0:
        _check_too_big(vm, n)
    i = 0
    while i < n:
        v = obj if blk == NIL else vm.yield_block(blk, [vm.int_new(i)])
        core_array.ary_set(vm, self, i, v)
        i += 1
    return self


@method("Array", "insert", arity=-1)
def ary_insert40(vm, self, args, blk):
    """mruby-array-ext ``ary_insert`` (mrb_get_args "i*")."""
    rb_argc(vm, args, 1, 0, True)
    idx = as_int(vm, args[0])
    rest = args[1:]
    if not rest:
        return self
    ln = len(items_of(vm, self))
    if idx < 0:
        idx += ln + 1
        if idx < 0:
            vm.raise_error(vm.c_IndexError, f"index {idx - (ln + 1)} outside of array bounds")
    _modify(vm, self)
    _check_too_big(vm, max(idx, ln) + len(rest))
    items = items_of(vm, self)
    if idx > len(items):
        items.extend([NIL] * (idx - len(items)))
    items[idx:idx] = rest
    return self


# ------------------------------------------------- combinatorics, product
@method("Array", "permutation", arity=-1)
def ary_permutation40(vm, self, args, blk):
    """mrblib: ``n = n.__to_int`` first (TypeError for a non-number)."""
    rb_argc(vm, args, 0, 1, False)
    n = vm.int_new(to_int_arg(vm, args[0] if args else vm.int_new(len(items_of(vm, self)))))
    return core_array.ary_permutation(vm, self, [n], blk)


@method("Array", "combination", arity=1)
def ary_combination40(vm, self, args, blk):
    """mrblib: ``n = n.__to_int`` first."""
    return core_array.ary_combination(vm, self, [vm.int_new(to_int_arg(vm, args[0]))], blk)


@method("Array", "repeated_permutation", arity=1)
def ary_repeated_permutation40(vm, self, args, blk):
    """mrblib: ``n = n.__to_int``, then 3.1's checks."""
    n = vm.int_new(to_int_arg(vm, args[0]))
    if blk == NIL:
        return to_enum(vm, self, "repeated_permutation", [n])
    return ary___repeated_combination40(vm, self, [n, TRUE], blk)



# ------------------------------------------------------------------- fill
def _fill_parse_arg(vm, self, argc, a0, a1, a2, blk):
    """mruby-array-ext ``ary_fill_parse_arg`` ("|ooo&"; Array#fill passes
    all three): (start, length) as mrb_int.  A range mrb_range_beg_len
    finds out of bounds leaves C's locals unset; riteload fills nothing."""
    ln = len(items_of(vm, self))
    start = length = 0
    if blk != NIL:
        if argc == 0 or a0 == NIL:
            start, length = 0, ln
        elif vm.is_a(a0, vm.c_Range):
            start, length = range_beg_len(vm, a0, ln, True) or (0, 0)
        else:
            start = as_int(vm, a0)
            if start < 0:
                start = max(start + ln, 0)
            length = ln - start if argc == 1 or a1 == NIL else max(as_int(vm, a1), 0)
    elif argc >= 1 and a0 != NIL:
        if argc == 1 or (a1 == NIL and a2 == NIL):
            start, length = 0, ln
        elif vm.is_a(a1, vm.c_Range):
            start, length = range_beg_len(vm, a1, ln, True) or (0, 0)
        elif a1 != NIL:
            start = as_int(vm, a1)
            if start < 0:
                start = max(start + ln, 0)
            length = ln - start if argc == 2 or a2 == NIL else max(as_int(vm, a2), 0)
    return _fixnum(start), _fixnum(length)


@method("Array", "__fill_parse_arg", arity=-1)
def ary___fill_parse_arg(vm, self, args, blk):
    a0, a1, a2 = (c_args(vm, args, 0, 3) + [NIL] * 3)[:3]
    start, length = _fill_parse_arg(vm, self, len(args), a0, a1, a2, blk)
    return vm.ary_new([vm.int_new(start), vm.int_new(length)])


def _fill_exec(vm, self, start: int, length: int, obj):
    """mruby-array-ext ``ary_fill_exec``."""
    if start < 0:
        vm.raise_error(vm.c_ArgumentError, "negative start index")
    if length < 0:
        vm.raise_error(vm.c_ArgumentError, "negative length")
    items = items_of(vm, self)
    if start + length > len(items):
        _modify(vm, self)
        _check_too_big(vm, start + length)
        items.extend([NIL] * (start + length - len(items)))
    if start >= len(items) or length <= 0:
        return self
    _modify(vm, self)
    items[start:start + length] = [obj] * min(length, len(items) - start)
    return self


@method("Array", "__fill_exec", arity=3)
def ary___fill_exec(vm, self, args, blk):
    return _fill_exec(vm, self, as_int(vm, args[0]), as_int(vm, args[1]), args[2])


@method("Array", "fill", arity=-1)
def ary_fill40(vm, self, args, blk):
    """mruby-array-ext's Array#fill: ``__fill_parse_arg``, then the block
    (``self[i] = block.call(i)``) or ``__fill_exec``."""
    rb_argc(vm, args, 0, 3, False)
    a0, a1, a2 = (list(args) + [NIL] * 3)[:3]
    if a0 == NIL and a1 == NIL and a2 == NIL and blk == NIL:
        vm.raise_error(vm.c_ArgumentError, "wrong number of arguments (given 0, expected 1..3)")
    with fake_frames(vm, "__fill_parse_arg"):
        start, length = _fill_parse_arg(vm, self, 3, a0, a1, a2, blk)
    if blk != NIL:
        i = start
        while i < start + length:
            v = vm.yield_block(blk, [vm.int_new(i)])
            vm.funcall(self, "[]=", [vm.int_new(i), v])
            i += 1
        return self
    with fake_frames(vm, "__fill_exec"):
        return _fill_exec(vm, self, start, length, a0)


# ---------------------------------------------------------- C data helpers
class _CombState:
    """mruby-array-ext's ``mrb_combination_state``."""
    __slots__ = ("n", "size", "perm", "finished", "idx")

    def __init__(self, n, size, perm):
        self.n, self.size, self.perm = n, size, perm
        self.finished = n < 0
        self.idx = [0] * n if n > 0 else []


class _ProductGen:
    """mruby-array-ext's ``ary_product_generator``."""
    __slots__ = ("total", "cursor")

    def __init__(self, total):
        self.total, self.cursor = total, 0


def _data_new(vm, payload) -> int:
    """Data_Make_Struct on Object: an object of class Object carrying C data."""
    return vm.alloc(RData(vm.c_Object, payload))


def _data_get(vm, w, kind, what: str):
    """mrb_data_check_get_ptr-like: TypeError for no C data at all,
    ArgumentError ``invalid <what>`` for C data of another type."""
    o = vm.obj(w) if w & abi.OBJECT_MASK == abi.OBJECT_TAG else None
    if type(o) is not RData:
        vm.wrong_type(w, "C data")
    if not isinstance(o.data, kind):
        vm.raise_error(vm.c_ArgumentError, f"invalid {what}")
    return o.data


def _phys_mem() -> int:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError):
        return 1 << 40


def _combination_init(vm, self, n: int, perm: bool):
    """mruby-array-ext ``ary_combination_init``: mrb_calloc of n indices
    ("memory allocation overflow" past SIZE_MAX bytes, NoMemoryError for
    more than the machine has)."""
    if n > 0:
        if n > ((1 << 64) - 1) // 8:
            vm.raise_error(vm.c_ArgumentError, "memory allocation overflow")
        if n * 8 > _phys_mem():
            raise_nomem(vm)
    return _data_new(vm, _CombState(n, len(items_of(vm, self)), perm))


@method("Array", "__combination_init", arity=2)
def ary___combination_init(vm, self, args, blk):
    return _combination_init(vm, self, as_int(vm, args[0]), abi.truthy(args[1]))


def _combination_next(vm, self, w):
    """mruby-array-ext ``ary_combination_next``: the next index tuple
    (a Python list) or None."""
    st = _data_get(vm, w, _CombState, "combination state")
    if st.finished:
        return None
    if len(items_of(vm, self)) != st.size:
        vm.raise_error(vm.c_RuntimeError, "array modified during iteration")
    if st.size == 0 or any(i >= st.size for i in st.idx):
        st.finished = True
        return None
    out = list(st.idx)
    idx = st.idx
    # the rightmost index that can still move moves; those after it reset
    pos = st.n - 1
    while pos >= 0 and idx[pos] + 1 >= st.size:
        pos -= 1
    if pos < 0:
        st.finished = True
    else:
        idx[pos] += 1
        for i in range(pos + 1, st.n):
            idx[i] = 0 if st.perm else idx[i - 1]
    return out


@method("Array", "__combination_next", arity=1)
def ary___combination_next(vm, self, args, blk):
    out = _combination_next(vm, self, args[0])
    return NIL if out is None else vm.ary_new([vm.int_new(i) for i in out])


@method("Array", "__repeated_combination", arity=2)
def ary___repeated_combination40(vm, self, args, blk):
    """mrblib's loop over ``__combination_init``/``__combination_next``
    that builds each tuple with ``[nil] * n`` and ``self[i]``."""
    n = to_int_arg(vm, args[0])
    items = items_of(vm, self)
    if not yield_short_tuples(vm, items, n, blk) and n > 0:
        with fake_frames(vm, "__combination_init"):
            state = _combination_init(vm, self, n, abi.truthy(args[1]))
        while True:
            with fake_frames(vm, "__combination_next"):
                idx = _combination_next(vm, self, state)
            if idx is None:
                break
            with fake_frames(vm, "*"):
                _check_too_big(vm, n)
            vm.yield_block(blk, [vm.ary_new([core_array.ary_ref(vm, self, i) for i in idx])])
    return self


@method("Array", "repeated_combination", arity=1)
def ary_repeated_combination40(vm, self, args, blk):
    n = args[0]
    core_array._repeated_check(vm, n)
    if blk == NIL:
        return to_enum(vm, self, "repeated_combination", [n])
    return ary___repeated_combination40(vm, self, [n, FALSE], blk)


# ---------------------------------------------------------------- product
def _product_group(vm, self, arys, n: int):
    """mruby-array-ext ``ary_product_fetch``: the ``n``-th tuple."""
    j = len(arys)
    group = [NIL] * (j + 1)
    while j > 0:
        j -= 1
        a = items_of(vm, vm.check_type(arys[j], "Array"))
        if not a:
            vm.raise_error(vm.c_ArgumentError, "cannot compute product with an empty array")
        group[j + 1] = a[n % len(a)]
        n //= len(a)
    if n >= len(items_of(vm, self)):
        vm.raise_error(vm.c_IndexError, "index out of range")
    group[0] = items_of(vm, self)[n]
    return vm.ary_new(group)


def _product_generate(vm, self, arys, blk):
    """mruby-array-ext ``ary_product_generate``: every argument an Array
    (mrb_check_type); without a block all the tuples, with one a
    generator (nil when there are none)."""
    arys = list(items_of(vm, arys))
    total = len(items_of(vm, self))
    for a in arys:
        k = len(items_of(vm, vm.check_type(a, "Array")))
        if k == 0:
            total = 0
            break
        total *= k
        if total > (1 << 63) - 1:
            vm.raise_error(vm.c_ArgumentError, "result too big")
    if blk == NIL:
        return vm.ary_new([_product_group(vm, self, arys, i) for i in range(total)])
    return _data_new(vm, _ProductGen(total)) if total > 0 else NIL


@method("Array", "__product_generate", arity=1)
def ary___product_generate(vm, self, args, blk):
    return _product_generate(vm, self, to_ary(vm, args[0]), blk)


def _product_next(vm, self, arys, gen):
    g = _data_get(vm, gen, _ProductGen, "product generator")
    if g.cursor >= g.total:
        return NIL
    g.cursor += 1
    return _product_group(vm, self, items_of(vm, arys), g.cursor - 1)


@method("Array", "__product_next", arity=2)
def ary___product_next(vm, self, args, blk):
    return _product_next(vm, self, to_ary(vm, args[0]), args[1])


@method("Array", "product", arity=-1)
def ary_product40(vm, self, args, blk):
    """mrblib over ``__product_generate`` and ``__product_next``."""
    arys = vm.ary_new(list(args))
    with fake_frames(vm, "__product_generate"):
        gen = _product_generate(vm, self, arys, blk)
    if blk == NIL:
        return gen
    while gen != NIL:
        with fake_frames(vm, "__product_next"):
            group = _product_next(vm, self, arys, gen)
        if group == NIL:
            break
        vm.yield_block(blk, [group])
    return self


# ------------------------------------------------------------------ fetch
def _normalize_index(vm, self, n):
    """mruby-array-ext ``ary_normalize_index``: the index in bounds, or None."""
    i = as_int(vm, n)
    size = len(items_of(vm, self))
    if i < 0:
        i += size
    return i if 0 <= i < size else None


@method("Array", "__normalize_index", arity=1)
def ary___normalize_index(vm, self, args, blk):
    i = _normalize_index(vm, self, args[0])
    return NIL if i is None else vm.int_new(i)


def _fetch(vm, self, n, ifnone, none):
    """mruby-array-ext ``ary_fetch`` (``__fetch``): IndexError when the
    default is the ``none`` sentinel itself."""
    index = as_int(vm, n)
    items = items_of(vm, self)
    size = len(items)
    i = index + size if index < 0 else index
    if i < 0 or i >= size:
        if ifnone == none:
            vm.raise_error(vm.c_IndexError,
                           f"index {index} outside of array bounds: {-size}...{size}")
        return ifnone
    return items[i]


@method("Array", "__fetch", arity=3)
def ary___fetch(vm, self, args, blk):
    return _fetch(vm, self, args[0], args[1], args[2])


_NONE = object()


@method("Array", "fetch", arity=-1)
def ary_fetch40(vm, self, args, blk):
    """mrblib: with a block ``__normalize_index(n)`` then ``self[i]`` or
    ``block.call(n)``; without one ``__fetch(n, ifnone, NONE)``."""
    rb_argc(vm, args, 1, 1, False)
    n = args[0]
    if blk != NIL:
        with fake_frames(vm, "__normalize_index"):
            i = _normalize_index(vm, self, n)
        if i is not None:
            return vm.funcall(self, "[]", [vm.int_new(i)])
        return vm.yield_block(blk, [n])
    with fake_frames(vm, "__fetch"):
        return _fetch(vm, self, n, args[1] if len(args) > 1 else _NONE, _NONE)


@method("Array", "fetch_values", arity=-1)
def ary_fetch_values40(vm, self, args, blk):
    """mrblib: ``idx.map { |i| fetch(i, &block) }``, or ``__fetch(i,
    NONE, NONE)`` per index without a block."""
    out = []
    for i in list(args):
        if blk != NIL:
            out.append(vm.funcall(self, "fetch", [i], blk))
        else:
            with fake_frames(vm, "__fetch"):
                out.append(_fetch(vm, self, i, _NONE, _NONE))
    return vm.ary_new(out)


# ------------------------------------------------------- dig, find, rfind
@method("Array", "dig", arity=-1)
def ary_dig40(vm, self, args, blk):
    """mrblib: ``idx = idx.__to_int`` before ``self[idx]``."""
    rb_argc(vm, args, 1, 0, True)
    n = vm.funcall(self, "[]", [vm.int_new(to_int_arg(vm, args[0]))])
    if len(args) > 1:
        return NIL if n == NIL else vm.funcall(n, "dig", list(args[1:]))
    return n


def _find(vm, self, args, blk, name, backward):
    rb_argc(vm, args, 0, 1, False)
    ifnone = args[0] if args else NIL
    if blk == NIL:
        return to_enum(vm, self, name, [ifnone])
    i = len(items_of(vm, self)) - 1 if backward else 0
    while 0 <= i < len(items_of(vm, self)):
        elem = vm.funcall(self, "[]", [vm.int_new(i)])
        if abi.truthy(vm.yield_block(blk, [elem])):
            return elem
        i += -1 if backward else 1
    return NIL if ifnone == NIL else vm.funcall(ifnone, "call", [])


@method("Array", "find", arity=-1)
def ary_find40(vm, self, args, blk):
    """mruby-array-ext's Array#find: an index loop (``self[idx]``), then
    ``ifnone&.call``."""
    return _find(vm, self, args, blk, "find", False)


@method("Array", "rfind", arity=-1)
def ary_rfind40(vm, self, args, blk):
    """mruby-array-ext's Array#rfind: #find from the last element."""
    return _find(vm, self, args, blk, "rfind", True)


# ----------------------------------------------------------- intersection
@method("Array", "intersection", arity=-1)
def ary_intersection40(vm, self, args, blk):
    """mruby-array-ext ``ary_intersection_multi``: no argument gives [];
    each must be an Array ("can't convert passed argument to Array"); up
    to SET_OP_HASH_THRESHOLD elements in all, one pass comparing with
    ``==``, else a hash set (as ``&`` over each in turn)."""
    for a in args:
        if not vm.is_ary(a):
            vm.raise_error(vm.c_TypeError, "can't convert passed argument to Array")
    if not args:
        return vm.ary_new()
    if sum(len(items_of(vm, a)) for a in args) > SET_OP_HASH_THRESHOLD:
        ary = self
        for a in args:
            ary = core_array.ary_and(vm, ary, [a], NIL)
        return ary
    out: list = []
    items = items_of(vm, self)
    i = 0
    while i < len(items):
        p = items[i]
        if all(any(vm.equal(p, x) for x in list(items_of(vm, a))) for a in args) and \
                not any(vm.equal(p, x) for x in list(out)):
            out.append(p)
        i += 1
    return vm.ary_new(out)
