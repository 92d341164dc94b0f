"""The semantics of the RITE0400 opcodes mruby 4.0.0 added or changed.

Every other opcode means what it meant in mruby 3.1 and runs runtime/ops.py's
function (``OPS`` below starts from that table).  Each function starts with
its line of mruby 4.0.0's ``include/mruby/ops.h``; the semantics follow
4.0.0's ``src/vm.c``.
"""

from __future__ import annotations

from ... import abi
from ... import ops as ops31
from ...abi import CALL_MAXARGS, OBJECT_MASK, OBJECT_SHIFT, OBJECT_TAG
from ...errors import ReturnUnwind
from ...frames import CINFO_NONE
from ...objects import TT_ICLASS, TT_MODULE, RArray, RHash, RProc
from ...ops import OPS as OPS31
from ...ops import (
    _class_or_module,
    _normal_return,
    _num,
    _send,
    ary_splat,
    enter,
    frame_target_class,
    make_proc,
    send_fast,
    specialized,
)
from .core.visibility import check_call, default_visibility

NIL = abi.NIL
TRUE = abi.TRUE
FALSE = abi.FALSE
MASK64 = abi.MASK64

#: MRB_ASPEC_NOBLOCK: the 24th bit of ENTER's aspec (``&nil``)
ASPEC_NOBLOCK = 1 << 23


def op_getidx0(vm, frame, ins):
    # R[a] = R[b][0]; a+1 for method call
    st = vm.stack
    base = frame.base
    recv = st[base + ins.b]
    if recv & OBJECT_MASK == OBJECT_TAG:
        o = vm.objects[recv >> OBJECT_SHIFT]
        t = type(o)
        # only for Array and Hash themselves: a subclass may redefine []
        if t is RArray and o.cls is vm.c_Array:
            st[base + ins.a] = o.items[0] if o.items else NIL
            return None
        if t is RHash and o.cls is vm.c_Hash:
            v = o.get(vm, 1)
            st[base + ins.a] = vm.hash_default(recv, 1) if v is None else v
            return None
    a = ins.a
    st[base + a] = recv
    st[base + a + 1] = 1            # Integer 0
    st[base + a + 2] = NIL
    st[base + a] = vm.call_at(frame, a, recv, vm.SYM_aref, 1, 0, NIL)


def op_matcherr(vm, frame, ins):
    # raise NoMatchingPatternError unless R[a]
    if not abi.truthy(vm.stack[frame.base + ins.a]):
        vm.raise_error(vm.cls("NoMatchingPatternError"), "pattern not matched")


def _check(vm, frame, ins, n: int, nk: int) -> None:
    # vm.c: "if (insn == OP_SEND || insn == OP_SEND0 || insn == OP_SENDB)",
    # a call with an explicit receiver checks the method's visibility
    base = frame.base + ins.a
    check_call(vm, base, vm.stack[base], frame.rt.syms[ins.b], n, nk)


def op_send(vm, frame, ins):
    # R[a] = R[a].send(Syms[b],R[a+1]..,R[a+n+1]:R[a+n+2]..) (c=n|k<<4)
    # (4.0.0's OP_EXT3 no longer shadows insn: an EXT3 SEND has no block)
    _check(vm, frame, ins, ins.c & 0xF, (ins.c >> 4) & 0xF)
    _send(vm, frame, ins, False, False)


def op_sendb(vm, frame, ins):
    # R[a] = R[a].send(Syms[b],R[a+1]..,R[a+n+1]:R[a+n+2]..,&R[a+n+2k+1])
    _check(vm, frame, ins, ins.c & 0xF, (ins.c >> 4) & 0xF)
    _send(vm, frame, ins, True, False)


def _send0(vm, frame, ins, self_call: bool):
    st = vm.stack
    base = frame.base
    a = ins.a
    recv = st[base] if self_call else st[base + a]
    if not self_call:
        check_call(vm, base + a, recv, frame.rt.syms[ins.b], 0, 0)
    st[base + a] = recv
    st[base + a + 1] = NIL          # the block
    st[base + a] = vm.call_at(frame, a, recv, frame.rt.syms[ins.b], 0, 0, NIL)


def op_ssend0(vm, frame, ins):
    # R[a] = self.send(Syms[b]) (no args)
    _send0(vm, frame, ins, True)


def op_send0(vm, frame, ins):
    # R[a] = R[a].send(Syms[b]) (no args)
    _send0(vm, frame, ins, False)


def op_blkcall(vm, frame, ins):
    # R[a] = R[a].call(R[a+1],... ,R[a+b]); direct block call
    st = vm.stack
    i = frame.base + ins.a
    recv = st[i]
    if not (recv & OBJECT_MASK == OBJECT_TAG and type(vm.objects[recv >> OBJECT_SHIFT]) is RProc):
        vm.raise_error(vm.c_TypeError,
                       f"wrong type {vm.class_name(vm.real_class(recv))} (expected Proc)")
    n = ins.b
    if n == CALL_MAXARGS:
        args = list(vm.obj(vm.check_type(st[i + 1], "Array")).items)
    else:
        args = [st[i + 1 + j] for j in range(n)]
    st[i] = vm.call_proc(vm.objects[recv >> OBJECT_SHIFT], args)


def op_enter(vm, frame, ins):
    # arg setup according to flags (24=n1:m5:o5:r1:m5:k5:d1:b1)
    asp = ins.a
    if asp & ASPEC_NOBLOCK:
        from ...frames import bidx
        if vm.stack[frame.base + bidx(frame.n, frame.nk)] != NIL:
            vm.raise_error(vm.c_ArgumentError, "no block accepted")
    return enter(vm, frame, ins, asp & (ASPEC_NOBLOCK - 1), False)


def op_retself(vm, frame, ins):
    # return self
    return _normal_return(vm, frame, vm.stack[frame.base])


def op_retnil(vm, frame, ins):
    # return nil
    return _normal_return(vm, frame, NIL)


def op_rettrue(vm, frame, ins):
    # return true
    return _normal_return(vm, frame, TRUE)


def op_retfalse(vm, frame, ins):
    # return false
    return _normal_return(vm, frame, FALSE)


def _arith_ilv(vm, frame, ins, sign: int, sid: int):
    st = vm.stack
    i = frame.base + ins.a
    x = st[i]
    kx, vx = _num(vm, x)
    if kx == "i":
        st[i] = vm.int_new(vx + sign * ins.c)
    elif kx == "f":
        st[i] = vm.float_new(vx + sign * ins.c)
    else:
        # mrb_funcall_argv: R[b], R[b+1] are the working space of the call
        st[i] = vm.funcall(x, sid, [abi.fixnum(ins.c)])


def op_addilv(vm, frame, ins):
    # R[a] = R[a]+mrb_int(c); R[b],R[b+1] for method call
    _arith_ilv(vm, frame, ins, 1, vm.SYM_plus)


def op_subilv(vm, frame, ins):
    # R[a] = R[a]-mrb_int(c); R[b],R[b+1] for method call
    _arith_ilv(vm, frame, ins, -1, vm.SYM_minus)


def op_arysplat(vm, frame, ins):
    # R[a] = ary_splat(R[a])
    st = vm.stack
    i = frame.base + ins.a
    st[i] = vm.ary_new(ary_splat(vm, st[i]))


def op_div(vm, frame, ins):
    # R[a] = R[a]/R[a+1]
    # (mrb_div_int_value: MRB_INT_MIN / -1 promotes to a bigint)
    st = vm.stack
    i = frame.base + ins.a
    kx, vx = _num(vm, st[i])
    ky, vy = _num(vm, st[i + 1])
    if kx == "i" and ky == "i" and vy == -1 and vx == -(1 << 63):
        st[i] = vm.int_new(1 << 63)
        return None
    return ops31.op_div(vm, frame, ins)


def _def_method(vm, frame, ins, target) -> None:
    p = vm.objects[make_proc(vm, frame, frame.rt.reps[ins.c], True, False) >> OBJECT_SHIFT]
    sid = frame.rt.syms[ins.b]
    vm.define_proc_method(target, sid, p, default_visibility(vm, frame, target, sid))
    vm.method_added(target, sid)
    vm.stack[frame.base + ins.a] = abi.symbol_word(sid)


def op_def(vm, frame, ins):
    # R[a].newmethod(Syms[b],R[a+1]); R[a] = Syms[b]
    st = vm.stack
    i = frame.base + ins.a
    target = _class_or_module(vm, st[i])
    p = vm.obj(vm.check_type(st[i + 1], "Proc"))
    sid = frame.rt.syms[ins.b]
    vm.define_proc_method(target, sid, p, default_visibility(vm, frame, target, sid))
    vm.method_added(target, sid)
    st[i] = abi.symbol_word(sid)


def op_tdef(vm, frame, ins):
    # target_class.newmethod(Syms[b],Irep[c]); R[a] = Syms[b]
    target = frame_target_class(frame)
    if target is None:
        vm.raise_error(vm.c_TypeError, "no target class or module")
    _def_method(vm, frame, ins, target)


def op_sdef(vm, frame, ins):
    # R[a].singleton_class.newmethod(Syms[b],Irep[c]); R[a] = Syms[b]
    _def_method(vm, frame, ins, vm.singleton_class(vm.stack[frame.base + ins.a]))


def op_return_blk(vm, frame, ins):
    # return R[a] (in-block return)
    """4.0.0 returns from the activation whose env the block's outermost
    enclosing block captured (top_proc's env, mruby issue #6411), where
    3.1 returns from the innermost frame running that method: a block
    made in one call of a recursive method and called in a deeper one
    returns from the call that made it.  The activation is the frame of
    the method's proc whose registers start where that env's do."""
    proc = frame.proc
    if frame.cci != CINFO_NONE or proc is None or proc.env is None or proc.strict:
        return ops31.op_return_blk(vm, frame, ins)
    env, dst = None, proc
    while dst.upper is not None and not (dst.scope or dst.strict):
        env, dst = dst.env, dst.upper
    if dst.env is not None and not dst.env.on_stack and not dst.env.is_detached:
        vm.raise_error(vm.c_LocalJumpError, "unexpected return")
    base = frame.base if env is None else env.base
    frames = vm.frames
    i = frame.index
    while i >= 0 and not (frames[i].proc is dst and frames[i].base == base):
        if frames[i].cci > CINFO_NONE:
            vm.raise_error(vm.c_LocalJumpError, "unexpected return")
        i -= 1
    if i <= 0:
        vm.raise_error(vm.c_LocalJumpError, "unexpected return")
    raise ReturnUnwind(frames[i], vm.stack[frame.base + ins.a], own=False)


def jump_leaves(vm, h, target: int) -> bool:
    """OP_JMPUW (VM method ``jump_leaves``): only a target outside [begin,
    end] leaves ensure handler ``h`` in 4.0 (3.1: outside [begin, end)).
    4.0's mrbc makes a ``break`` out of a loop in a begin/ensure body jump
    to the ensure clause's first instruction, the handler's end, to run
    it as plain code once."""
    return target < h.begin or target > h.end


def op_super(vm, frame, ins):
    # R[a] = super(R[a+1],... ,R[a+b+1])
    ops31.super_call(vm, frame, ins, _super_target)


def _super_target(vm, frame, mid, recv):
    """4.0's SUPER searches above the class the running method was found
    in (CI_TARGET_CLASS: the call's, or its env's in a block), not above
    the method's own target class as 3.1 did: a module method defined
    after the module's own prepend supers into the including class's
    chain (3.1 found nothing above the module's origin)."""
    target_class = frame_target_class(frame)
    if not mid or target_class is None:
        vm.raise_error(vm.c_NoMethodError, "super called outside of method")
    if (target_class.prepended or target_class.tt == TT_MODULE
            or not (ops31._kind_of_iclass(vm, recv, target_class)
                    if target_class.tt == TT_ICLASS else vm.is_a(recv, target_class))):
        vm.raise_error(vm.c_TypeError, "self has wrong type to call super in this context")
    return target_class


#: RITE0400's opcodes by name: mruby 3.1's semantics where nothing changed
OPS = {name: fn for name, fn in OPS31.items() if name not in ("LOADI", "LOADT", "LOADF", "ARYDUP")}
OPS.update({
    "LOADI8": ops31.op_loadi,
    "LOADTRUE": ops31.op_loadt,
    "LOADFALSE": ops31.op_loadf,
    "GETIDX0": op_getidx0,
    "MATCHERR": op_matcherr,
    "SSEND0": op_ssend0,
    "SEND": op_send,
    "SENDB": op_sendb,
    "SEND0": op_send0,
    "DEF": op_def,
    "DIV": op_div,
    "BLKCALL": op_blkcall,
    "ENTER": op_enter,
    "RETSELF": op_retself,
    "RETNIL": op_retnil,
    "RETTRUE": op_rettrue,
    "RETFALSE": op_retfalse,
    "RETURN_BLK": op_return_blk,
    "ADDILV": op_addilv,
    "SUBILV": op_subilv,
    "ARYSPLAT": op_arysplat,
    "TDEF": op_tdef,
    "SDEF": op_sdef,
    "SUPER": op_super,
})


def _checked(fast, n: int):
    """A specialized SEND/SENDB (positional arguments only) preceded by the
    visibility check."""
    def op_send_public(vm, frame, ins):
        base = frame.base + ins.a
        check_call(vm, base, vm.stack[base], frame.rt.syms[ins.b], n, 0)
        return fast(vm, frame, ins)
    return op_send_public


def specialize(fn, ins):
    """runtime/ops.py's specializations, for the functions 4.0 shares with
    3.1 (an EXT3 SEND has no block here, which send_fast would give it),
    and for SEND/SENDB behind their visibility check."""
    if fn is OPS31.get(ins.name):
        return specialized(fn, ins)
    if (fn is op_send and ins.ext != "EXT3") or fn is op_sendb:
        fast = send_fast(ins)
        return _checked(fast, ins.c & 0xF) if fast is not None else fn
    return fn
