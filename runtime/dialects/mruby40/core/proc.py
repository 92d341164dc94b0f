"""mruby 4.0: Proc#==, #eql? and #hash (4.0.0's src/proc.c).

Two Procs are equal when they run the same code (the same irep, or the
same builtin) in the same env: the lambdas one ``->{}`` makes in the
rounds of a ``while`` loop are equal, those it makes in the calls of a
block are not (each call has its env).  3.1 has neither method (Kernel's
identity ones answer).  ``hash`` mixes the same two identities.
"""

from __future__ import annotations

from runtime import abi
from runtime.defs import method
from runtime.objects import RProc

_TT_PROC = 13                           # MRB_TT_PROC, mixed into the hash as 4.0 does


def _proc(vm, w):
    if w & abi.OBJECT_MASK != abi.OBJECT_TAG:
        return None
    o = vm.obj(w)
    return o if type(o) is RProc else None


def _body(p: RProc):
    return p.irep if p.irep is not None else p.fn


@method("Proc", "==", arity=1, aliases=("eql?",))
def proc_eql(vm, self, args, blk):
    p1, p2 = _proc(vm, self), _proc(vm, args[0])
    if p1 is None or p2 is None:
        return abi.FALSE
    return vm.bool(_body(p1) is _body(p2) and p1.env is p2.env)


@method("Proc", "hash", arity=0)
def proc_hash(vm, self, args, blk):
    p = vm.obj(self)
    h = id(_body(p)) ^ (id(p.env) >> 2 if p.env is not None else 0) ^ _TT_PROC
    return abi.fixnum(h & abi.FIXNUM_MAX)


def env_names_blocks(vm, env) -> bool:
    """4.0's closure_setup: any closed env (its frame returned, or the one
    of a method alias) names the frames its proc runs in, so the blocks of
    a Fiber's block see the method the block was written in."""
    return not env.on_stack


def eval_under(vm, self_w: int, blk: int, cls, args) -> int:
    """4.0's mrb_yield_with_class (yield_with_attr): the block's frame is
    named after its env (the method it was written in), not after the
    method yielding (Class.new, Module#initialize, Struct.new)."""
    p = vm.obj(blk)
    mid = p.env.mid if p.env is not None else (vm.frames[-1].mid if vm.frames else 0)
    return vm.call_proc(p, list(args), self_w, cls, abi.NIL, mid)


VM_OVERRIDES = {"env_names_blocks": env_names_blocks, "eval_under": eval_under}
