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
"""

from __future__ import annotations

from runtime import abi
from runtime.core import array as core_array
from runtime.core.array import _modify, items_of
from runtime.defs import method


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
    other = args[0]
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
    other = args[0]
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
