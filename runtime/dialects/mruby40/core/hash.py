"""mruby 4.0: Hash#merge, #merge! and #update take any number of Hashes;
Hash#compact and #compact! call the C ``Hash#__compact`` (hash.c
``mrb_hash_compact``: frozen check first, only nil values go).

Without a block they hand them to ``Hash#__merge`` (mruby-hash-ext's C
``hash_merge``), which refuses a non-Hash with ``no implicit conversion of
Integer into Hash``; with a block they merge one by one as mrblib does,
refusing a non-Hash with ``Hash required (Integer given)``.
"""

from __future__ import annotations

from runtime import abi
from runtime.core.hash import H, _merge_into, _modify, eq, h_store, hash_get
from runtime.core.support import fake_frames
from runtime.defs import method


@method("Hash", "__merge", arity=-1)
def hash___merge(vm, self, args, blk):
    if not args:
        vm.argc_error(0, 1, -1)
    for other in args:
        if not vm.is_hash(other):
            vm.raise_error(vm.c_TypeError, f"no implicit conversion of "
                           f"{vm.class_name(vm.real_class(other))} into Hash")
        for k in H(vm, other).keys():
            _modify(vm, self)
            h_store(vm, H(vm, self), k, hash_get(vm, other, k))
    return self


def _merge_each(vm, target, args, blk, name):
    if blk == abi.NIL:
        with fake_frames(vm, "__merge"):
            return hash___merge(vm, target, args, abi.NIL)
    for other in args:
        _merge_into(vm, target, target, other, blk, name)
    return target


@method("Hash", "merge", arity=-1)
def hash_merge(vm, self, args, blk):
    return _merge_each(vm, vm.funcall(self, "dup"), args, blk, "merge")


@method("Hash", "merge!", arity=-1, aliases=("update",))
def hash_merge_bang(vm, self, args, blk):
    return _merge_each(vm, self, args, blk, "merge!")


@method("Hash", "__compact", arity=0)
def hash___compact(vm, self, args, blk):
    """mrb_hash_compact: modify check first, then drop the nil values."""
    _modify(vm, self)
    h = H(vm, self)
    keep = [(k, v) for k, v in h.items() if v != abi.NIL]
    if len(keep) == len(h):
        return abi.NIL
    h.table = {}
    for k, v in keep:
        h.set(vm, k, v)
    return self


@method("Hash", "compact!", arity=0)
def hash_compact_bang(vm, self, args, blk):
    with fake_frames(vm, "__compact"):
        return hash___compact(vm, self, args, blk)


@method("Hash", "compact", arity=0)
def hash_compact(vm, self, args, blk):
    h = vm.funcall(self, "dup")
    with fake_frames(vm, "__compact"):
        hash___compact(vm, h, args, blk)
    return h


@method("Hash", "key", arity=1)
def hash_key40(vm, self, args, blk):
    """mruby-hash-ext's hash_key, in C: the first key whose value is
    ``==`` the argument (mrb_equal), no frames of its own but the call."""
    val = args[0]
    for k, v in list(H(vm, self).items()):
        if eq(vm, v, val):
            return k
    return abi.NIL
