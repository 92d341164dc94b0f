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
from runtime.core.hash import H, _merge_into, _modify, eq, h_has, h_remove, h_store, hash_get
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


@method("Hash", "default_proc=", arity=1)
def hash_set_default_proc40(vm, self, args, blk):
    """hash.c ``mrb_hash_set_default_proc``: nil, or a Proc
    (mrb_check_type); a lambda must take two arguments."""
    p = args[0]
    _modify(vm, self)
    if p != abi.NIL:
        vm.check_type(p, "Proc")
        o = vm.obj(p)
        if o.strict:
            n = vm.proc_arity(o)
            if n != 2 and (n >= 0 or n < -3):
                if n < 0:
                    n = -n - 1
                vm.raise_error(vm.c_TypeError, f"default_proc takes two arguments (2 for {n})")
    h = H(vm, self)
    h.default_proc = p
    h.default = abi.NIL
    return p


@method("Hash", "slice!", arity=-1)
def hash_slice_bang(vm, self, args, blk):
    """mruby-hash-ext ``hash_slice_bang``: removes the keys not among the
    arguments and returns them, with their values, in a new Hash."""
    keep = vm.hash_new()
    for k in args:
        h_store(vm, H(vm, keep), k, abi.TRUE)
    gone = [k for k in H(vm, self).keys() if not h_has(vm, H(vm, keep), k)]
    out = vm.hash_new()
    for k in gone:
        _modify(vm, self)           # mrb_hash_delete_key
        v = h_remove(vm, H(vm, self), k)
        h_store(vm, H(vm, out), k, abi.NIL if v is None else v)
    return out
