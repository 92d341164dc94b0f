"""The semantics of every RITE0300 opcode, written once.

Each function has the signature ``fn(vm, frame, ins) -> None | int``:
``None`` falls through to the next instruction, a pc >= 0 jumps there,
``abi.OP_RETURN`` ends the frame (value in ``frame.retval``).  Ruby
exceptions are raised as ``RubyError``; break / non-local return / ensure
jumps as ``Unwind`` subclasses.  While a function runs, ``frame.pc`` is the
offset of the next instruction (mruby's ``ci->pc``), which is what catch
handler lookup and backtraces use.  Functions touch only ``vm``, ``frame``
and ``ins``, so the native engine can call any of them as a slow path.

Each function starts with the line of mruby 3.1's ``include/mruby/ops.h``
that it implements; the semantics follow ``src/vm.c`` (``mrb_vm_exec``).
"""

from __future__ import annotations

import math

from . import abi
from .abi import CALL_MAXARGS, FLONUM_MASK, FLONUM_TAG, OBJECT_MASK, OBJECT_SHIFT, OBJECT_TAG
from .calls import CATCH_FILTER_ENSURE
from .errors import BreakUnwind, JumpUnwind, ReturnUnwind, RubyError, StopUnwind
from .fastfloat import flonum_value
from .frames import CINFO_NONE, bidx
from .objects import (
    TT_CLASS,
    TT_ICLASS,
    TT_MODULE,
    TT_SCLASS,
    MethodEntry,
    RArray,
    RBreak,
    RClass,
    RFloat,
    RHash,
    RInteger,
    RProc,
    RString,
)

NIL = abi.NIL
TRUE = abi.TRUE
FALSE = abi.FALSE
OP_RETURN = abi.OP_RETURN
MASK64 = abi.MASK64
FIXMIN = abi.FIXNUM_MIN
FIXMAX = abi.FIXNUM_MAX
INTMIN = abi.MRB_INT_MIN
INTMAX = abi.MRB_INT_MAX
_fixval = abi.fixnum_value
_floval = flonum_value


def _s16(x: int) -> int:
    return x - 0x10000 if x & 0x8000 else x


def _int_word(vm, n: int) -> int:
    if FIXMIN <= n <= FIXMAX:
        return ((n << 1) | 1) & MASK64
    if INTMIN <= n <= INTMAX:
        return vm.alloc(RInteger(vm.c_Integer, n))
    return vm.int_new(n)        # past 64 bits: the dialect's (RangeError in mruby 3.1)


def bigint_value(raw: bytes) -> int:
    """The integer of an IREP_TT_BIGINT pool entry: [len][base][len digits],
    a negative base for a negative number (mrb_bint_new_str)."""
    base = raw[1] - 256 if raw[1] & 0x80 else raw[1]
    n = int(raw[2:2 + raw[0]].decode("ascii"), abs(base))
    return -n if base < 0 else n


def _num(vm, w):
    """(kind, value) of a number word: kind 'i', 'f' or None."""
    if w & 1:
        return "i", _fixval(w)
    if w & FLONUM_MASK == FLONUM_TAG:
        return "f", _floval(w)
    if w & OBJECT_MASK == OBJECT_TAG:
        o = vm.objects[w >> OBJECT_SHIFT]
        t = type(o)
        if t is RInteger:
            return "i", o.value
        if t is RFloat:
            return "f", o.value
    return None, None


# --------------------------------------------------------------------- loads
def op_nop(vm, frame, ins):
    # no operation
    return None


def op_move(vm, frame, ins):
    # R[a] = R[b]
    st = vm.stack
    st[frame.base + ins.a] = st[frame.base + ins.b]


def op_loadl(vm, frame, ins):
    # R[a] = Pool[b]
    rt = frame.rt
    cache = rt.lits
    if cache is not None:
        w = cache[ins.b]
        if w is not None:
            vm.stack[frame.base + ins.a] = w
            return None
    else:
        cache = rt.lits = [None] * len(rt.pool)
    pv = rt.pool[ins.b]
    tag = pv.tag
    if tag in ("int32", "int64"):
        w = _int_word(vm, pv.value)
    elif tag == "float":
        w = vm.float_new(pv.value)
    elif tag == "bigint":
        try:
            n = bigint_value(pv.value)
        except (ValueError, IndexError):        # digits mrbc cannot have written
            n = INTMAX + 1
        w = vm.int_new(n)
    else:
        w = NIL
    # immediates only: boxed literals are new objects each time
    if w & OBJECT_MASK != OBJECT_TAG:
        cache[ins.b] = w
    vm.stack[frame.base + ins.a] = w


def op_loadi(vm, frame, ins):
    # R[a] = mrb_int(b)
    vm.stack[frame.base + ins.a] = (ins.b << 1) | 1


def op_loadineg(vm, frame, ins):
    # R[a] = mrb_int(-b)
    vm.stack[frame.base + ins.a] = ((-ins.b << 1) | 1) & MASK64


def op_loadi__1(vm, frame, ins):
    # R[a] = mrb_int(-1)
    vm.stack[frame.base + ins.a] = abi.fixnum(-1)


def op_loadi_0(vm, frame, ins):
    # R[a] = mrb_int(0)
    vm.stack[frame.base + ins.a] = 1


def op_loadi_1(vm, frame, ins):
    # R[a] = mrb_int(1)
    vm.stack[frame.base + ins.a] = 3


def op_loadi_2(vm, frame, ins):
    # R[a] = mrb_int(2)
    vm.stack[frame.base + ins.a] = 5


def op_loadi_3(vm, frame, ins):
    # R[a] = mrb_int(3)
    vm.stack[frame.base + ins.a] = 7


def op_loadi_4(vm, frame, ins):
    # R[a] = mrb_int(4)
    vm.stack[frame.base + ins.a] = 9


def op_loadi_5(vm, frame, ins):
    # R[a] = mrb_int(5)
    vm.stack[frame.base + ins.a] = 11


def op_loadi_6(vm, frame, ins):
    # R[a] = mrb_int(6)
    vm.stack[frame.base + ins.a] = 13


def op_loadi_7(vm, frame, ins):
    # R[a] = mrb_int(7)
    vm.stack[frame.base + ins.a] = 15


def op_loadi16(vm, frame, ins):
    # R[a] = mrb_int(b)
    vm.stack[frame.base + ins.a] = abi.fixnum(_s16(ins.b))


def op_loadi32(vm, frame, ins):
    # R[a] = mrb_int((b<<16)+c)
    v = (ins.b << 16) + ins.c
    if v & 0x80000000:
        v -= 1 << 32
    vm.stack[frame.base + ins.a] = abi.fixnum(v)


def op_loadsym(vm, frame, ins):
    # R[a] = Syms[b]
    vm.stack[frame.base + ins.a] = (frame.rt.syms[ins.b] << 8) | abi.SYMBOL_TAG


def op_loadnil(vm, frame, ins):
    # R[a] = nil
    vm.stack[frame.base + ins.a] = NIL


def op_loadself(vm, frame, ins):
    # R[a] = self
    st = vm.stack
    st[frame.base + ins.a] = st[frame.base]


def op_loadt(vm, frame, ins):
    # R[a] = true
    vm.stack[frame.base + ins.a] = TRUE


def op_loadf(vm, frame, ins):
    # R[a] = false
    vm.stack[frame.base + ins.a] = FALSE


# ----------------------------------------------------------------- variables
def op_getgv(vm, frame, ins):
    # R[a] = getglobal(Syms[b])
    vm.stack[frame.base + ins.a] = vm.gv_get(frame.rt.syms[ins.b])


def op_setgv(vm, frame, ins):
    # setglobal(Syms[b], R[a])
    vm.gv_set(frame.rt.syms[ins.b], vm.stack[frame.base + ins.a])


def op_getsv(vm, frame, ins):
    # R[a] = Special[Syms[b]]
    # mruby 3.1's mrb_vm_special_get returns 0 for every name
    vm.stack[frame.base + ins.a] = abi.fixnum(0)


def op_setsv(vm, frame, ins):
    # Special[Syms[b]] = R[a]
    # mruby 3.1's mrb_vm_special_set does nothing
    return None


def op_getiv(vm, frame, ins):
    # R[a] = ivget(Syms[b])
    st = vm.stack
    st[frame.base + ins.a] = vm.ivar_get(st[frame.base], frame.rt.syms[ins.b])


def op_setiv(vm, frame, ins):
    # ivset(Syms[b],R[a])
    st = vm.stack
    vm.ivar_set(st[frame.base], frame.rt.syms[ins.b], st[frame.base + ins.a])


def op_getcv(vm, frame, ins):
    # R[a] = cvget(Syms[b])
    c = vm.cv_lookup_class(frame)
    vm.stack[frame.base + ins.a] = vm.cv_get(c, frame.rt.syms[ins.b])


def op_setcv(vm, frame, ins):
    # cvset(Syms[b],R[a])
    c = vm.cv_lookup_class(frame)
    vm.cv_set(c, frame.rt.syms[ins.b], vm.stack[frame.base + ins.a])


def op_getconst(vm, frame, ins):
    # R[a] = constget(Syms[b])
    vm.stack[frame.base + ins.a] = vm.const_get_lexical(frame, frame.rt.syms[ins.b])


def op_setconst(vm, frame, ins):
    # constset(Syms[b],R[a])
    p = frame.proc
    c = p.target_class if p is not None else None
    if c is None:
        c = vm.c_Object
    vm.const_set(c, frame.rt.syms[ins.b], vm.stack[frame.base + ins.a])


def _check_class(vm, w):
    if not vm.is_class(w) or vm.obj(w).tt == TT_ICLASS:
        vm.raise_error(vm.c_TypeError, "constant look-up for non class/module")
    return vm.obj(w)


def op_getmcnst(vm, frame, ins):
    # R[a] = R[a]::Syms[b]
    st = vm.stack
    i = frame.base + ins.a
    c = _check_class(vm, st[i])
    st[i] = vm.const_get_from(c, frame.rt.syms[ins.b])


def op_setmcnst(vm, frame, ins):
    # R[a+1]::Syms[b] = R[a]
    st = vm.stack
    i = frame.base + ins.a
    c = _check_class(vm, st[i + 1])
    vm.const_set(c, frame.rt.syms[ins.b], st[i])


def uvenv(vm, frame, up: int):
    """The env ``up`` levels out of the running block (vm.c uvenv)."""
    proc = frame.proc
    while up > 0:
        if proc is None:
            return None
        proc = proc.upper
        up -= 1
    if proc is None:
        return None
    e = proc.env
    if e is not None:
        return e
    for f in reversed(vm.frames):
        if f.proc is proc:
            return f.env
    return None


def _env_ref(e, i: int) -> int:
    """Slot ``i`` of env ``e``, nil past its end (ARGARY and BLKPUSH check
    the env's length against m1+r+m2+1 only, then read the kd slot after it)."""
    return e.get(i) if i < e.length else NIL


def op_getupvar(vm, frame, ins):
    # R[a] = uvget(b,c)
    e = uvenv(vm, frame, ins.c)
    if e is not None and ins.b < e.length:
        v = e.get(ins.b)
    else:
        v = NIL
    vm.stack[frame.base + ins.a] = v


def op_setupvar(vm, frame, ins):
    # uvset(b,c,R[a])
    e = uvenv(vm, frame, ins.c)
    if e is not None and ins.b < e.length:
        e.set(ins.b, vm.stack[frame.base + ins.a])


def op_getidx(vm, frame, ins):
    # R[a] = R[a][R[a+1]]
    st = vm.stack
    i = frame.base + ins.a
    va = st[i]
    vb = st[i + 1]
    if va & OBJECT_MASK == OBJECT_TAG:
        o = vm.objects[va >> OBJECT_SHIFT]
        t = type(o)
        if t is RArray and vb & 1:
            n = _fixval(vb)
            items = o.items
            if n < 0:
                n += len(items)
            st[i] = items[n] if 0 <= n < len(items) else NIL
            return None
        if t is RHash:
            v = o.get(vm, vb)
            if v is None:
                v = vm.hash_default(va, vb)
            st[i] = v
            return None
    st[i + 2] = NIL
    st[i] = vm.call_at(frame, ins.a, va, vm.SYM_aref, 1, 0, NIL)


def op_setidx(vm, frame, ins):
    # R[a][R[a+1]] = R[a+2]
    st = vm.stack
    i = frame.base + ins.a
    st[i + 3] = NIL
    st[i] = vm.call_at(frame, ins.a, st[i], vm.SYM_aset, 2, 0, NIL)


# --------------------------------------------------------------------- jumps
def op_jmp(vm, frame, ins):
    # pc+=a
    return ins.pc + ins.size + _s16(ins.a)


def op_jmpif(vm, frame, ins):
    # if R[a] pc+=b
    if vm.stack[frame.base + ins.a] & ~NIL:
        return ins.pc + ins.size + _s16(ins.b)
    return None


def op_jmpnot(vm, frame, ins):
    # if !R[a] pc+=b
    if not (vm.stack[frame.base + ins.a] & ~NIL):
        return ins.pc + ins.size + _s16(ins.b)
    return None


def op_jmpnil(vm, frame, ins):
    # if R[a]==nil pc+=b
    if vm.stack[frame.base + ins.a] == NIL:
        return ins.pc + ins.size + _s16(ins.b)
    return None


def op_jmpuw(vm, frame, ins):
    # unwind_and_jump_to(a)
    target = ins.pc + ins.size + _s16(ins.a)
    h = vm.find_handler(frame, CATCH_FILTER_ENSURE)
    if h is not None and vm.jump_leaves(h, target):
        raise JumpUnwind(frame, target)
    vm.exc = None
    return target


# ---------------------------------------------------------------- exceptions
def op_except(vm, frame, ins):
    # R[a] = exc
    e = vm.exc
    vm.stack[frame.base + ins.a] = NIL if e is None else e
    vm.exc = None


def op_rescue(vm, frame, ins):
    # R[b] = R[a].isa?(R[b])
    st = vm.stack
    exc = st[frame.base + ins.a]
    e = st[frame.base + ins.b]
    if not vm.is_class(e) or vm.obj(e).tt not in (TT_CLASS, TT_MODULE, TT_SCLASS):
        vm.raise_error(vm.c_TypeError, "class or module required for rescue clause")
    st[frame.base + ins.b] = TRUE if vm.is_a(exc, vm.obj(e)) else FALSE


def op_raiseif(vm, frame, ins):
    # raise(R[a]) if R[a]
    w = vm.stack[frame.base + ins.a]
    if w & OBJECT_MASK == OBJECT_TAG:
        o = vm.objects[w >> OBJECT_SHIFT]
        if type(o) is RBreak:
            raise o.unwind
        vm.raise_exc(w)
    return None


def op_err(vm, frame, ins):
    # raise(LocalJumpError, Pool[a])
    msg = frame.rt.pool[ins.a].value
    vm.raise_error(vm.c_LocalJumpError, msg)


# --------------------------------------------------------------------- calls
def _send(vm, frame, ins, with_block: bool, self_call: bool):
    a = ins.a
    c = ins.c
    n = c & 0xF
    nk = (c >> 4) & 0xF
    base = frame.base
    st = vm.stack
    if self_call:
        st[base + a] = st[base]
    if not nk and n < CALL_MAXARGS:
        # the common case: positional arguments only
        bi = base + a + n + 1
        if with_block:
            blk = st[bi]
            if blk != NIL and not (blk & OBJECT_MASK == OBJECT_TAG
                                   and type(vm.objects[blk >> OBJECT_SHIFT]) is RProc):
                blk = vm.convert_to_proc(blk)
        else:
            blk = NIL
        st[bi] = blk
        st[base + a] = vm.call_at(frame, a, st[base + a], frame.rt.syms[ins.b], n, 0, blk)
        return
    old_bidx = a + bidx(n, nk)
    blk = st[base + old_bidx] if with_block else NIL
    nk = _pack_args(vm, base + a, n, nk)
    new_bidx = a + bidx(n, nk)
    if with_block:
        if blk != NIL and not (blk & OBJECT_MASK == OBJECT_TAG
                               and type(vm.objects[blk >> OBJECT_SHIFT]) is RProc):
            blk = vm.convert_to_proc(blk)
    st[base + new_bidx] = blk
    recv = st[base + a]
    st[base + a] = vm.call_at(frame, a, recv, frame.rt.syms[ins.b], n, nk, blk)


def _pack_args(vm, base, n, nk):
    """The argument registers after R[base] of a call with counts n, nk (c =
    n|nk<<4) as the callee reads them: nk pairs packed into one Hash (vm.c's
    hash_new_from_values); return the keyword count, 0 or CALL_MAXARGS.

    Types vm.c does not check, because mrbc's code always has them: n == 15
    means R[base+1] holds the arguments as an Array (TypeError if not: every
    callee would read it as one); a keyword "dict" that is no Hash is no
    keyword arguments (OP_ENTER and mrb_get_args drop it: nk becomes 0)."""
    st = vm.stack
    kidx = base + (1 if n == CALL_MAXARGS else n) + 1
    if n == CALL_MAXARGS:
        vm.check_type(st[base + 1], "Array")
    if 0 < nk < CALL_MAXARGS:
        h = vm.hash_new()
        ho = vm.objects[h >> OBJECT_SHIFT]
        for j in range(nk):
            ho.set(vm, st[kidx + 2 * j], st[kidx + 2 * j + 1])
        st[kidx] = h
        return CALL_MAXARGS
    if nk and not vm.is_hash(st[kidx]):
        return 0
    return nk


def op_ssend(vm, frame, ins):
    # R[a] = self.send(Syms[b],R[a+1]..,R[a+n+1]:R[a+n+2]..) (c=n|k<<4)
    _send(vm, frame, ins, False, True)


def op_ssendb(vm, frame, ins):
    # R[a] = self.send(Syms[b],R[a+1]..,R[a+n+1]:R[a+n+2]..,&R[a+n+2k+1])
    _send(vm, frame, ins, True, True)


def op_send(vm, frame, ins):
    # R[a] = R[a].send(Syms[b],R[a+1]..,R[a+n+1]:R[a+n+2]..) (c=n|k<<4)
    # mruby 3.1.0's OP_EXT3 declares its own `insn`, so the `insn == OP_SEND`
    # test of L_SENDB fails for an EXT3-prefixed SEND: it takes its block
    # register like SENDB does.
    _send(vm, frame, ins, ins.ext == "EXT3", False)


def op_sendb(vm, frame, ins):
    # R[a] = R[a].send(Syms[b],R[a+1]..,R[a+n+1]:R[a+n+2]..,&R[a+n+2k+1])
    _send(vm, frame, ins, True, False)


def send_fast(ins):
    """A SEND/SSEND/SENDB/SSENDB with only positional arguments (n < CALL_MAXARGS, no
    keywords), specialized for this instruction: its operands decoded once.
    Same semantics as ``_send``'s common case; None for other shapes."""
    name = ins.name
    c = ins.c
    n = c & 0xF
    if c >> 4 or n == CALL_MAXARGS:
        return None
    with_block = name in ("SENDB", "SSENDB") or (name == "SEND" and ins.ext == "EXT3")
    self_call = name in ("SSEND", "SSENDB")
    a = ins.a
    b = ins.b
    bo = a + n + 1

    if with_block:
        def op_send_blk(vm, frame, ins):
            st = vm.stack
            base = frame.base
            if self_call:
                st[base + a] = st[base]
            blk = st[base + bo]
            if blk != NIL and not (blk & OBJECT_MASK == OBJECT_TAG
                                   and type(vm.objects[blk >> OBJECT_SHIFT]) is RProc):
                blk = vm.convert_to_proc(blk)
                st[base + bo] = blk
            st[base + a] = vm.call_at(frame, a, st[base + a], frame.rt.syms[b], n, 0, blk)
        return op_send_blk

    if self_call:
        def op_ssend_pos(vm, frame, ins):
            st = vm.stack
            base = frame.base
            st[base + bo] = NIL
            recv = st[base + a] = st[base]
            st[base + a] = vm.call_at(frame, a, recv, frame.rt.syms[b], n, 0, NIL)
        return op_ssend_pos

    def op_send_pos(vm, frame, ins):
        st = vm.stack
        base = frame.base
        st[base + bo] = NIL
        st[base + a] = vm.call_at(frame, a, st[base + a], frame.rt.syms[b], n, 0, NIL)
    return op_send_pos


def upvar_fast(ins):
    """GETUPVAR/SETUPVAR specialized for their operands: the env of the block
    ``c`` levels out, when that block's proc holds it (uvenv's first answer),
    is used without calling uvenv; anything else runs the general op."""
    a, b, c = ins.a, ins.b, ins.c
    get = ins.name == "GETUPVAR"
    general = op_getupvar if get else op_setupvar

    def op_upvar_at(vm, frame, ins):
        proc = frame.proc
        up = c
        while up > 0 and proc is not None:
            proc = proc.upper
            up -= 1
        e = proc.env if proc is not None else None
        if e is None or b >= e.length:
            return general(vm, frame, ins)
        st = vm.stack
        vals = e.values
        # an env on a stack is on its own context's (e.stack): a block may run in a Fiber
        if get:
            st[frame.base + a] = e.stack[e.base + b] if vals is None else vals[b]
        elif vals is None:
            e.stack[e.base + b] = st[frame.base + a]
        else:
            vals[b] = st[frame.base + a]
    return op_upvar_at


SPECIALIZE = {"SEND": send_fast, "SSEND": send_fast, "SENDB": send_fast, "SSENDB": send_fast,
              "GETUPVAR": upvar_fast, "SETUPVAR": upvar_fast}


def specialized(fn, ins):
    """The function an engine's table should run for ``ins``: a version
    specialized for its operands (``SPECIALIZE``) when there is one, else
    ``fn``.  Only for the stock semantics: a table built from other
    functions (tests' stand-ins) keeps them."""
    maker = SPECIALIZE.get(ins.name)
    if maker is None or fn is not OPS.get(ins.name):
        return fn
    return maker(ins) or fn


def op_call(vm, frame, ins):
    # R[0] = self.call(frame.argc, frame.argv)
    st = vm.stack
    recv = st[frame.base]
    # vm.c takes self as the Proc unchecked: mrbc never writes CALL, only
    # Proc#call's own irep (src/proc.c) has it, where self is always a Proc
    p = vm.objects[vm.check_type(recv, "Proc") >> OBJECT_SHIFT]
    if frame.n == CALL_MAXARGS:
        vm.check_type(st[frame.base + 1], "Array")     # the packed arguments
    args = vm.collect_args(frame.base, frame.n, frame.nk)
    blk = st[frame.base + bidx(frame.n, frame.nk)]
    frame.retval = vm.call_proc(p, args, None, None, blk)
    return OP_RETURN


def op_super(vm, frame, ins):
    # R[a] = super(R[a+1],... ,R[a+b+1])
    super_call(vm, frame, ins, _super_target)


def _super_target(vm, frame, mid, recv):
    """3.1's class SUPER searches above: the running proc's target class
    (a method's own; the frame's when that one was prepended to or is a
    module), checked against the receiver."""
    p = frame.proc
    target_class = p.target_class if p is not None else None
    if not mid or target_class is None:
        vm.raise_error(vm.c_NoMethodError, "super called outside of method")
    if target_class.prepended or target_class.tt == TT_MODULE:
        target_class = frame_target_class(frame)
        if target_class is None or target_class.tt != TT_ICLASS:
            vm.raise_error(vm.c_TypeError, "self has wrong type to call super in this context")
    if not (_kind_of_iclass(vm, recv, target_class) if target_class.tt == TT_ICLASS
            else vm.is_a(recv, target_class)):
        vm.raise_error(vm.c_TypeError, "self has wrong type to call super in this context")
    return target_class


def super_call(vm, frame, ins, target):
    """SUPER: the arguments packed as SEND packs them, then the call of the
    method named as the running one, searched from above the class
    ``target(vm, frame, mid, recv)`` gives (it raises what SUPER raises)."""
    a = ins.a
    b = ins.b
    st = vm.stack
    base = frame.base
    p = frame.proc
    mid = frame.mid
    if p is not None and p.env is not None and p.env.mid and p.env.mid != mid:
        mid = p.env.mid
    n = b & 0xF
    nk = (b >> 4) & 0xF
    bi = a + bidx(n, nk)
    blk = st[base + bi]
    if nk or n == CALL_MAXARGS:
        nk = _pack_args(vm, base + a, n, nk)
        bi = a + bidx(n, nk)
        st[base + bi] = blk
    recv = st[base]
    target_class = target(vm, frame, mid, recv)
    if blk != NIL and not vm.is_proc(blk):
        blk = vm.convert_to_proc(blk)
        st[base + bi] = blk
    cls = target_class.superclass
    if cls is None:
        cls = _EMPTY_CHAIN      # a module's origin: nothing above it
    st[base + a] = recv
    st[base + a] = vm.call_at(frame, a, recv, mid, n, nk, blk, cls=cls, is_super=True)


_EMPTY_CHAIN = RClass(TT_ICLASS)    # where SUPER searches when there is no superclass


def _kind_of_iclass(vm, w, ic):
    """mrb_obj_is_kind_of with an iclass (the target class of a method
    defined after a prepend is its origin): a chain entry sharing its table."""
    mt = ic.mt
    c = vm.class_of(w)
    while c is not None:
        if c is ic or c.mt is mt:
            return True
        c = c.superclass
    return False


def frame_target_class(frame):
    e = frame.env
    if e is not None:
        return e.target_class
    return frame.target_class


def op_argary(vm, frame, ins):
    # R[a] = argument array (16=m5:r1:m5:d1:lv4)
    b = ins.b
    m1 = (b >> 11) & 0x3F
    r = (b >> 10) & 0x1
    m2 = (b >> 5) & 0x1F
    kd = (b >> 4) & 0x1
    lv = b & 0xF
    if frame.mid == 0 or frame_target_class(frame) is None:
        vm.raise_error(vm.c_NoMethodError, "super called outside of method")
    st = vm.stack
    if lv == 0:
        base1 = frame.base + 1

        def get(i):
            return st[base1 + i]
    else:
        e = uvenv(vm, frame, lv - 1)
        if e is None or e.length <= m1 + r + m2 + 1:
            vm.raise_error(vm.c_NoMethodError, "super called outside of method")

        def get(i):
            return _env_ref(e, 1 + i)
    if r == 0:
        items = [get(i) for i in range(m1 + m2)]
    else:
        rest = get(m1)
        items = [get(i) for i in range(m1)]
        if vm.is_ary(rest):
            items.extend(vm.obj(rest).items)
        items.extend(get(m1 + 1 + i) for i in range(m2))
    a = frame.base + ins.a
    st[a] = vm.ary_new(items)
    if kd:
        st[a + 1] = get(m1 + r + m2)
        st[a + 2] = get(m1 + r + m2 + 1)
    else:
        st[a + 1] = get(m1 + r + m2)


def op_enter(vm, frame, ins):
    # arg setup according to flags (23=m5:o5:r1:m5:k5:d1:b1)
    return enter(vm, frame, ins, ins.a, True)


def enter(vm, frame, ins, asp: int, dup_kdict: bool):
    """OP_ENTER's argument setup for the aspec ``asp`` (m1:o5:r1:m5:k5:d1:b1
    in its low 23 bits); ``dup_kdict``: a method with keyword parameters
    works on a copy of the keyword Hash (mruby 3.1)."""
    m1 = (asp >> 18) & 0x1F
    if not (asp & 0x3FFFE) and frame.n == m1 != CALL_MAXARGS and not frame.nk:
        # fast path: only required arguments (and &blk), given exactly (15
        # given are packed in an Array: the general path)
        st = vm.stack
        base = frame.base
        for i in range(base + m1 + 2, base + frame.irep.nlocals):
            st[i] = NIL
        return None
    o = (asp >> 13) & 0x1F
    r = (asp >> 12) & 0x1
    m2 = (asp >> 7) & 0x1F
    key = (asp >> 2) & 0x1F
    kd = 1 if (key > 0 or (asp >> 1) & 0x1) else 0
    length = m1 + o + r + m2
    st = vm.stack
    base = frame.base
    argc = frame.n
    kw_pos = length + kd
    blk_pos = kw_pos + 1
    blk = st[base + bidx(frame.n, frame.nk)]
    if argc == CALL_MAXARGS:
        vm.check_type(st[base + 1], "Array")    # vm.c reads it as the packed arguments
    kdict = NIL
    if frame.nk > 0:
        kidx = 2 if frame.n == CALL_MAXARGS else frame.n + 1
        kdict = st[base + kidx]
        if not vm.is_hash(kdict) or len(vm.obj(kdict)) == 0:
            kdict = NIL
            frame.nk = 0
    if not kd and kdict != NIL:
        if argc < 14:
            frame.n += 1
            argc += 1
        elif argc == 14:
            st[base + 1] = vm.ary_new([st[base + 1 + i] for i in range(argc + 1)])
            argc = frame.n = CALL_MAXARGS
        else:
            vm.obj(st[base + 1]).items.append(st[base + 2])
        frame.nk = 0
    if dup_kdict and kd and key > 0 and kdict != NIL:
        kdict = vm.hash_dup(kdict)
    if argc == CALL_MAXARGS:
        argv = list(vm.obj(st[base + 1]).items)
        argc = len(argv)
    else:
        argv = [st[base + 1 + i] for i in range(argc)]
    proc = frame.proc
    if proc is not None and proc.strict:
        if argc < m1 + m2 or (r == 0 and argc > length):
            given = argc
            if given == 0 and frame.nk != 0 and kdict != NIL and len(vm.obj(kdict)):
                given += 1
            vm.raise_error(vm.c_ArgumentError,
                           f"wrong number of arguments (given {given}, expected {m1 + m2})")
    elif length > 1 and argc == 1 and vm.is_ary(argv[0]):
        argv = list(vm.obj(argv[0]).items)
        argc = len(argv)
    jump = 0
    if argc < length:
        mlen = m2
        if argc < m1 + m2:
            mlen = argc - m1 if m1 < argc else 0
        for i in range(argc - mlen):
            st[base + 1 + i] = argv[i]
        for i in range(argc, m1):
            st[base + 1 + i] = NIL
        for i in range(mlen):
            st[base + length - m2 + 1 + i] = argv[argc - mlen + i]
        for i in range(mlen, m2):
            st[base + length - m2 + 1 + i] = NIL
        if r:
            st[base + m1 + o + 1] = vm.ary_new()
        if o > 0 and argc > m1 + m2:
            jump = (argc - m1 - m2) * 3
    else:
        rnum = 0
        for i in range(m1 + o):
            st[base + 1 + i] = argv[i]
        if r:
            rnum = argc - m1 - o - m2
            st[base + m1 + o + 1] = vm.ary_new(argv[m1 + o:m1 + o + rnum])
        if m2 > 0 and argc - m2 > m1:
            for i in range(m2):
                st[base + m1 + o + r + 1 + i] = argv[m1 + o + rnum + i]
        jump = o * 3
    st[base + blk_pos] = blk
    if kd:
        if kdict == NIL:
            kdict = vm.hash_new()
        st[base + kw_pos] = kdict
    frame.n = length
    nlocals = frame.irep.nlocals
    for i in range(blk_pos + 1, nlocals):
        st[base + i] = NIL
    if jump:
        return ins.pc + ins.size + jump
    return None


def _kdict(vm, frame):
    kidx = 2 if frame.n == CALL_MAXARGS else frame.n + 1
    w = vm.stack[frame.base + kidx]
    return w if vm.is_hash(w) else None


def op_key_p(vm, frame, ins):
    # R[a] = kdict.key?(Syms[b])
    k = (frame.rt.syms[ins.b] << 8) | abi.SYMBOL_TAG
    h = _kdict(vm, frame)
    vm.stack[frame.base + ins.a] = TRUE if h is not None and vm.obj(h).has(vm, k) else FALSE


def op_keyend(vm, frame, ins):
    # raise unless kdict.empty?
    h = _kdict(vm, frame)
    if h is not None and len(vm.obj(h)):
        k = vm.obj(h).keys()[0]
        vm.raise_error(vm.c_ArgumentError, b"unknown keyword: " + vm.to_s(k))


def op_karg(vm, frame, ins):
    # R[a] = kdict[Syms[b]]; kdict.delete(Syms[b])
    k = (frame.rt.syms[ins.b] << 8) | abi.SYMBOL_TAG
    h = _kdict(vm, frame)
    if h is None or not vm.obj(h).has(vm, k):
        vm.raise_error(vm.c_ArgumentError, "missing keyword: " + vm.syms[k >> 8])
    ho = vm.obj(h)
    vm.stack[frame.base + ins.a] = ho.get(vm, k)
    ho.delete(vm, k)


# ------------------------------------------------------------------- returns
def _normal_return(vm, frame, v):
    if frame.rt.handlers and vm.find_handler(frame, CATCH_FILTER_ENSURE) is not None:
        raise ReturnUnwind(frame, v, own=True)
    frame.retval = v
    return OP_RETURN


def op_return(vm, frame, ins):
    # return R[a] (normal)
    return _normal_return(vm, frame, vm.stack[frame.base + ins.a])


def _top_proc(proc):
    while proc.upper is not None:
        if proc.scope or proc.strict:
            return proc
        proc = proc.upper
    return proc


def op_return_blk(vm, frame, ins):
    # return R[a] (in-block return)
    v = vm.stack[frame.base + ins.a]
    proc = frame.proc
    if frame.cci == CINFO_NONE and proc is not None and proc.env is not None and not proc.strict:
        dst = _top_proc(proc)
        # an aliased method's env (mrb_alias_method) counts as on the stack
        if dst.env is not None and not dst.env.on_stack and not dst.env.is_detached:
            vm.raise_error(vm.c_LocalJumpError, "unexpected return")
        frames = vm.frames
        i = frame.index
        while i >= 0 and frames[i].proc is not dst:
            if frames[i].cci > CINFO_NONE:
                vm.raise_error(vm.c_LocalJumpError, "unexpected return")
            i -= 1
        if i <= 0:
            vm.raise_error(vm.c_LocalJumpError, "unexpected return")
        raise ReturnUnwind(frames[i], v, own=False)
    return _normal_return(vm, frame, v)


def op_break(vm, frame, ins):
    # break R[a]
    v = vm.stack[frame.base + ins.a]
    proc = frame.proc
    if proc is None or proc.strict:
        return _normal_return(vm, frame, v)
    if proc.orphan or proc.env is None or not proc.env.on_stack:
        vm.raise_error(vm.c_LocalJumpError, "break from proc-closure")
    frames = vm.frames
    upper = proc.upper
    i = frame.index
    while i > 0 and frames[i - 1].proc is not upper:
        i -= 1
    if i <= 0:
        vm.raise_error(vm.c_LocalJumpError, "break from proc-closure")
    raise BreakUnwind(proc, v)


def op_blkpush(vm, frame, ins):
    # R[a] = block (16=m5:r1:m5:d1:lv4)
    b = ins.b
    m1 = (b >> 11) & 0x3F
    r = (b >> 10) & 0x1
    m2 = (b >> 5) & 0x1F
    kd = (b >> 4) & 0x1
    lv = b & 0xF
    idx = m1 + r + m2 + kd
    if lv == 0:
        blk = vm.stack[frame.base + 1 + idx]
    else:
        e = uvenv(vm, frame, lv - 1)
        if e is None or (not e.on_stack and e.mid == 0) or e.length <= m1 + r + m2 + 1:
            vm.raise_error(vm.c_LocalJumpError, "unexpected yield")
        blk = _env_ref(e, 1 + idx)
    if blk == NIL:
        vm.raise_error(vm.c_LocalJumpError, "unexpected yield")
    vm.stack[frame.base + ins.a] = blk


# ---------------------------------------------------------------- arithmetic
def _send_op(vm, frame, ins, sid):
    st = vm.stack
    i = frame.base + ins.a
    st[i + 2] = NIL
    st[i] = vm.call_at(frame, ins.a, st[i], sid, 1, 0, NIL)


def _arith(vm, frame, ins, op, sid):
    st = vm.stack
    i = frame.base + ins.a
    x = st[i]
    y = st[i + 1]
    if x & y & 1:
        z = op((x >> 1) - ((x >> 63) << 63), (y >> 1) - ((y >> 63) << 63))
        if FIXMIN <= z <= FIXMAX:
            st[i] = ((z << 1) | 1) & MASK64
            return
        st[i] = _int_word(vm, z)
        return
    if x & FLONUM_MASK == FLONUM_TAG:
        if y & FLONUM_MASK == FLONUM_TAG:
            z = op(_floval(x), _floval(y))
        elif y & 1:
            z = op(_floval(x), float((y >> 1) - ((y >> 63) << 63)))
        else:
            z = None
        if z is not None:
            st[i] = vm.float_new(z)
            return
    elif x & 1 and y & FLONUM_MASK == FLONUM_TAG:
        st[i] = vm.float_new(op(float((x >> 1) - ((x >> 63) << 63)), _floval(y)))
        return
    kx, vx = _num(vm, x)
    if kx is not None:
        ky, vy = _num(vm, y)
        if ky is not None:
            if kx == "i" and ky == "i":
                z = op(vx, vy)
                st[i] = _int_word(vm, z)
            else:
                st[i] = vm.float_new(op(float(vx), float(vy)))
            return
    elif sid == vm.SYM_plus and x & OBJECT_MASK == OBJECT_TAG and y & OBJECT_MASK == OBJECT_TAG:
        ox = vm.objects[x >> OBJECT_SHIFT]
        oy = vm.objects[y >> OBJECT_SHIFT]
        if type(ox) is RString and type(oy) is RString:
            st[i] = vm.alloc(RString(vm.c_String, ox.value + oy.value))
            return
    _send_op(vm, frame, ins, sid)


def _add(x, y):
    return x + y


def _sub(x, y):
    return x - y


def _mul(x, y):
    return x * y


def _fmul(x, y):
    return x * y


def op_add(vm, frame, ins):
    # R[a] = R[a]+R[a+1]
    _arith(vm, frame, ins, _add, vm.SYM_plus)


def op_sub(vm, frame, ins):
    # R[a] = R[a]-R[a+1]
    _arith(vm, frame, ins, _sub, vm.SYM_minus)


def op_mul(vm, frame, ins):
    # R[a] = R[a]*R[a+1]
    _arith(vm, frame, ins, _mul, vm.SYM_mul)


def div_float(x: float, y: float) -> float:
    """mrb_div_float."""
    if y != 0.0:
        return x / y
    if x == 0.0 or x != x:
        return math.nan
    return x * (-1.0 if math.copysign(1.0, y) < 0 else 1.0) * math.inf


def div_int(vm, x: int, y: int) -> int:
    """mrb_div_int: floor division."""
    if y == 0:
        vm.raise_error(vm.c_ZeroDivisionError, "divided by 0")
    if x == INTMIN and y == -1:
        vm.raise_error(vm.c_RangeError, "integer overflow in division")
    return x // y


def op_div(vm, frame, ins):
    # R[a] = R[a]/R[a+1]
    st = vm.stack
    i = frame.base + ins.a
    kx, vx = _num(vm, st[i])
    ky, vy = _num(vm, st[i + 1])
    if kx is None or ky is None:
        _send_op(vm, frame, ins, vm.SYM_div)
        return
    if kx == "i" and ky == "i":
        st[i] = _int_word(vm, div_int(vm, vx, vy))
    else:
        st[i] = vm.float_new(div_float(float(vx), float(vy)))


def _arith_i(vm, frame, ins, sign, sid):
    st = vm.stack
    i = frame.base + ins.a
    x = st[i]
    if x & 1:
        z = (x >> 1) - ((x >> 63) << 63) + sign * ins.b
        if FIXMIN <= z <= FIXMAX:
            st[i] = ((z << 1) | 1) & MASK64
        else:
            st[i] = _int_word(vm, z)
        return
    kx, vx = _num(vm, x)
    if kx == "i":
        st[i] = _int_word(vm, vx + sign * ins.b)
    elif kx == "f":
        st[i] = vm.float_new(vx + sign * ins.b)
    else:
        st[i + 1] = abi.fixnum(ins.b)
        _send_op(vm, frame, ins, sid)


def op_addi(vm, frame, ins):
    # R[a] = R[a]+mrb_int(b)
    _arith_i(vm, frame, ins, 1, vm.SYM_plus)


def op_subi(vm, frame, ins):
    # R[a] = R[a]-mrb_int(b)
    _arith_i(vm, frame, ins, -1, vm.SYM_minus)


def _cmp(vm, frame, ins, test, sid):
    st = vm.stack
    i = frame.base + ins.a
    x = st[i]
    y = st[i + 1]
    if x & y & 1:
        st[i] = TRUE if test((x >> 1) - ((x >> 63) << 63), (y >> 1) - ((y >> 63) << 63)) \
            else FALSE
        return
    if x & FLONUM_MASK == FLONUM_TAG and y & FLONUM_MASK == FLONUM_TAG:
        st[i] = TRUE if test(_floval(x), _floval(y)) else FALSE
        return
    kx, vx = cmp_num(vm, x)
    if kx is not None:
        ky, vy = cmp_num(vm, y)
        if ky is not None:
            st[i] = TRUE if test(vx, vy) else FALSE
            return
    _send_op(vm, frame, ins, sid)


def cmp_num(vm, w):
    """(kind, value) of a number word as OP_CMP reads it.  mruby 3.1 (word
    boxing) reads an Integer there with mrb_fixnum: a heap Integer (beyond
    62 bits) compares as its object's address shifted right by one, not as
    its value, so two equal big Integers are == only when the same object."""
    k, v = _num(vm, w)
    if k == "i" and w & OBJECT_MASK == OBJECT_TAG:
        v = vm.boxed_int_cmp(w)
    return k, v


def _eq(x, y):
    return x == y


def _lt(x, y):
    return x < y


def _le(x, y):
    return x <= y


def _gt(x, y):
    return x > y


def _ge(x, y):
    return x >= y


def op_eq(vm, frame, ins):
    # R[a] = R[a]==R[a+1]
    st = vm.stack
    i = frame.base + ins.a
    x = st[i]
    y = st[i + 1]
    if x == y and not (x & FLONUM_MASK == FLONUM_TAG and _floval(x) != _floval(x)):
        st[i] = TRUE
        return
    if x & OBJECT_MASK == OBJECT_TAG and y & OBJECT_MASK == OBJECT_TAG:
        ox = vm.objects[x >> OBJECT_SHIFT]
        oy = vm.objects[y >> OBJECT_SHIFT]
        if type(ox) is RString and type(oy) is RString and ox.cls is vm.c_String:
            st[i] = TRUE if ox.value == oy.value else FALSE
            return
    _cmp(vm, frame, ins, _eq, vm.SYM_eq)


def op_lt(vm, frame, ins):
    # R[a] = R[a]<R[a+1]
    _cmp(vm, frame, ins, _lt, vm.SYM_lt)


def op_le(vm, frame, ins):
    # R[a] = R[a]<=R[a+1]
    _cmp(vm, frame, ins, _le, vm.SYM_le)


def op_gt(vm, frame, ins):
    # R[a] = R[a]>R[a+1]
    _cmp(vm, frame, ins, _gt, vm.SYM_gt)


def op_ge(vm, frame, ins):
    # R[a] = R[a]>=R[a+1]
    _cmp(vm, frame, ins, _ge, vm.SYM_ge)


# ------------------------------------------------------------ arrays, hashes
def op_array(vm, frame, ins):
    # R[a] = ary_new(R[a],R[a+1]..R[a+b])
    st = vm.stack
    i = frame.base + ins.a
    st[i] = vm.alloc(RArray(vm.c_Array, [st[i + j] for j in range(ins.b)]))


def op_array2(vm, frame, ins):
    # R[a] = ary_new(R[b],R[b+1]..R[b+c])
    st = vm.stack
    j0 = frame.base + ins.b
    st[frame.base + ins.a] = vm.alloc(RArray(vm.c_Array, [st[j0 + j] for j in range(ins.c)]))


def ary_splat(vm, v):
    """mrb_ary_splat."""
    if vm.is_ary(v):
        return list(vm.obj(v).items)
    if not vm.respond_to(v, "to_a"):
        return [v]
    a = vm.funcall(v, "to_a")
    if a == NIL:
        return [v]
    if not vm.is_ary(a):
        vm.raise_error(vm.c_TypeError, f"can't convert {vm.class_name(vm.real_class(v))} to "
                       f"Array ({vm.class_name(vm.real_class(v))}#to_a gives "
                       f"{vm.class_name(vm.real_class(a))})")
    return list(vm.obj(a).items)


def op_arycat(vm, frame, ins):
    # ary_cat(R[a],R[a+1])
    st = vm.stack
    i = frame.base + ins.a
    splat = ary_splat(vm, st[i + 1])
    if st[i] == NIL:
        st[i] = vm.ary_new(splat)
    else:
        # vm.c asserts an Array (mrbc's code always has one); mrb_ary_concat
        # checks that it is not frozen
        vm.check_type(st[i], "Array")
        vm.check_frozen(st[i])
        vm.obj(st[i]).items.extend(splat)


def op_arypush(vm, frame, ins):
    # ary_push(R[a],R[a+1]..R[a+b])
    st = vm.stack
    i = frame.base + ins.a
    if not ins.b:
        return None
    # vm.c asserts an Array; each mrb_ary_push checks that it is not frozen
    vm.check_type(st[i], "Array")
    vm.check_frozen(st[i])
    items = vm.obj(st[i]).items
    for j in range(ins.b):
        items.append(st[i + 1 + j])


def op_arydup(vm, frame, ins):
    # R[a] = ary_dup(R[a])
    st = vm.stack
    i = frame.base + ins.a
    v = st[i]
    if vm.is_ary(v):
        st[i] = vm.ary_new(vm.obj(v).items)
    else:
        st[i] = vm.ary_new([v])


def op_aref(vm, frame, ins):
    # R[a] = R[b][c]
    st = vm.stack
    v = st[frame.base + ins.b]
    if not vm.is_ary(v):
        st[frame.base + ins.a] = v if ins.c == 0 else NIL
    else:
        items = vm.obj(v).items
        st[frame.base + ins.a] = items[ins.c] if ins.c < len(items) else NIL


def op_aset(vm, frame, ins):
    # R[b][c] = R[a]
    st = vm.stack
    # vm.c asserts an Array; mrb_ary_set checks that it is not frozen
    ary = vm.check_type(st[frame.base + ins.b], "Array")
    vm.check_frozen(ary)
    items = vm.obj(ary).items
    c = ins.c
    while len(items) <= c:
        items.append(NIL)
    items[c] = st[frame.base + ins.a]


def op_apost(vm, frame, ins):
    # *R[a],R[a+1]..R[a+c] = R[a][b..]
    st = vm.stack
    a = frame.base + ins.a
    v = st[a]
    pre = ins.b
    post = ins.c
    items = list(vm.obj(v).items) if vm.is_ary(v) else [v]
    n = len(items)
    if n > pre + post:
        st[a] = vm.ary_new(items[pre:n - post])
        for j in range(post):
            st[a + 1 + j] = items[n - post + j]
    else:
        st[a] = vm.ary_new()
        idx = 0
        while idx + pre < n:
            st[a + 1 + idx] = items[pre + idx]
            idx += 1
        while idx < post:
            st[a + 1 + idx] = NIL
            idx += 1


def op_intern(vm, frame, ins):
    # R[a] = intern(R[a])
    st = vm.stack
    i = frame.base + ins.a
    st[i] = abi.symbol_word(vm.intern(vm.str_bytes(st[i])))


def op_symbol(vm, frame, ins):
    # R[a] = intern(Pool[b])
    vm.stack[frame.base + ins.a] = abi.symbol_word(vm.intern(frame.rt.pool[ins.b].value))


def op_string(vm, frame, ins):
    # R[a] = str_dup(Pool[b])
    vm.stack[frame.base + ins.a] = vm.alloc(RString(vm.c_String, frame.rt.pool[ins.b].value))


def op_strcat(vm, frame, ins):
    # str_cat(R[a],R[a+1])
    st = vm.stack
    i = frame.base + ins.a
    s = st[i]
    o = st[i + 1]
    ow = vm.obj_as_string(o)
    if not vm.is_str(s):
        vm.type_error_conv(s, "String")
    vm.check_frozen(s)
    vm.obj(s).value += vm.obj(ow).value


def op_hash(vm, frame, ins):
    # R[a] = hash_new(R[a],R[a+1]..R[a+b*2-1])
    st = vm.stack
    i = frame.base + ins.a
    pairs = [(st[i + 2 * j], st[i + 2 * j + 1]) for j in range(ins.b)]
    st[i] = vm.hash_new(pairs)


def op_hashadd(vm, frame, ins):
    # hash_push(R[a],R[a+1]..R[a+b*2])
    st = vm.stack
    i = frame.base + ins.a
    h = vm.ensure_hash_type(st[i])
    if ins.b:
        vm.check_frozen(h)              # mrb_hash_set's hash_modify
    ho = vm.obj(h)
    for j in range(ins.b):
        ho.set(vm, st[i + 1 + 2 * j], st[i + 2 + 2 * j])


def op_hashcat(vm, frame, ins):
    # R[a] = hash_cat(R[a],R[a+1])
    st = vm.stack
    i = frame.base + ins.a
    h = vm.ensure_hash_type(st[i])
    vm.check_frozen(h)                  # mrb_hash_merge: hash_modify, then
    o = vm.ensure_hash_type(st[i + 1])  # mrb_ensure_hash_type of the second
    ho = vm.obj(h)
    for k, v in vm.obj(o).items():
        ho.set(vm, k, v)


# -------------------------------------------------------------------- procs
def make_proc(vm, frame, irep, strict: bool, capture: bool) -> int:
    """mrb_proc_new / mrb_closure_new for LAMBDA, BLOCK and METHOD."""
    p = RProc(vm.c_Proc, irep)
    up = frame.proc
    tc = up.target_class if up is not None else None
    if tc is None:
        tc = frame_target_class(frame)
    p.upper = up
    p._target_class = tc
    if capture:
        p.env = vm.env_of(frame)
    else:
        p.scope = True
    p.strict = strict
    return vm.alloc(p)


def op_lambda(vm, frame, ins):
    # R[a] = lambda(Irep[b],L_LAMBDA)
    vm.stack[frame.base + ins.a] = make_proc(vm, frame, frame.rt.reps[ins.b], True, True)


def op_block(vm, frame, ins):
    # R[a] = lambda(Irep[b],L_BLOCK)
    vm.stack[frame.base + ins.a] = make_proc(vm, frame, frame.rt.reps[ins.b], False, True)


def op_method(vm, frame, ins):
    # R[a] = lambda(Irep[b],L_METHOD)
    vm.stack[frame.base + ins.a] = make_proc(vm, frame, frame.rt.reps[ins.b], True, False)


def op_range_inc(vm, frame, ins):
    # R[a] = range_new(R[a],R[a+1],FALSE)
    st = vm.stack
    i = frame.base + ins.a
    st[i] = vm.range_checked(st[i], st[i + 1], False)


def op_range_exc(vm, frame, ins):
    # R[a] = range_new(R[a],R[a+1],TRUE)
    st = vm.stack
    i = frame.base + ins.a
    st[i] = vm.range_checked(st[i], st[i + 1], True)


# ------------------------------------------------------------------ classes
def op_oclass(vm, frame, ins):
    # R[a] = ::Object
    vm.stack[frame.base + ins.a] = vm.c_Object.word


def _outer(vm, frame, base):
    if base == NIL:
        p = frame.proc
        c = p.target_class if p is not None else None
        return c if c is not None else vm.c_Object
    return _class_or_module(vm, base)


def _class_or_module(vm, w):
    """The RClass of a class or module word, else TypeError "X is not a
    class/module" (check_if_class_or_module in src/class.c; OP_EXEC and
    OP_DEF cast their register unchecked, mrbc's code always has one)."""
    if not vm.is_class(w) or vm.obj(w).tt == TT_ICLASS:
        vm.raise_error(vm.c_TypeError, vm.inspect(w) + b" is not a class/module")
    return vm.obj(w)


def op_class(vm, frame, ins):
    # R[a] = newclass(R[a],Syms[b],R[a+1])
    st = vm.stack
    i = frame.base + ins.a
    sid = frame.rt.syms[ins.b]
    sup = st[i + 1]
    s = None
    if sup != NIL:
        if not vm.is_class(sup) or vm.obj(sup).tt != TT_CLASS:
            vm.raise_error(vm.c_TypeError,
                           b"superclass must be a Class (" + vm.inspect(sup) + b" given)")
        s = vm.obj(sup)
    outer = _outer(vm, frame, st[i])
    old = outer.ivars.get(sid)
    if old is not None:
        if not vm.is_class(old) or vm.obj(old).tt != TT_CLASS:
            vm.raise_error(vm.c_TypeError, vm.inspect(old) + b" is not a class")
        c = vm.obj(old)
        if s is not None:
            real = c.superclass
            while real is not None and real.tt in (TT_ICLASS, TT_SCLASS):
                real = real.superclass
            if real is not s:
                vm.raise_error(vm.c_TypeError,
                               b"superclass mismatch for class " + vm.to_s(old))
        st[i] = old
        return
    c = vm.new_class(vm.syms[sid], s or vm.c_Object, outer)
    vm.const_set(outer, sid, c.word)
    vm.class_inherited(s or vm.c_Object, c)
    st[i] = c.word


def op_module(vm, frame, ins):
    # R[a] = newmodule(R[a],Syms[b])
    st = vm.stack
    i = frame.base + ins.a
    sid = frame.rt.syms[ins.b]
    outer = _outer(vm, frame, st[i])
    old = outer.ivars.get(sid)
    if old is not None:
        if not vm.is_class(old) or vm.obj(old).tt != TT_MODULE:
            vm.raise_error(vm.c_TypeError, vm.inspect(old) + b" is not a module")
        st[i] = old
        return
    m = vm.new_module(vm.syms[sid], outer)
    vm.const_set(outer, sid, m.word)
    st[i] = m.word


def op_exec(vm, frame, ins):
    # R[a] = blockexec(R[a],Irep[b])
    st = vm.stack
    i = frame.base + ins.a
    recv = st[i]
    cls = _class_or_module(vm, recv)
    st[i] = vm.exec_irep(frame.rt.reps[ins.b], recv, cls, upper=frame.proc,
                         base=frame.base + ins.a)


def op_def(vm, frame, ins):
    # R[a].newmethod(Syms[b],R[a+1]); R[a] = Syms[b]
    st = vm.stack
    i = frame.base + ins.a
    target = _class_or_module(vm, st[i])
    p = vm.obj(vm.check_type(st[i + 1], "Proc"))
    sid = frame.rt.syms[ins.b]
    vm.define_proc_method(target, sid, p)
    vm.method_added(target, sid)
    st[i] = abi.symbol_word(sid)


def op_alias(vm, frame, ins):
    # alias_method(target_class,Syms[a],Syms[b])
    target = frame_target_class(frame)
    if target is None:
        vm.raise_error(vm.c_TypeError, "no target class or module")
    vm.alias_method(target, frame.rt.syms[ins.a], frame.rt.syms[ins.b])
    vm.method_added(target, frame.rt.syms[ins.a])


def op_undef(vm, frame, ins):
    # undef_method(target_class,Syms[a])
    target = frame_target_class(frame)
    if target is None:
        vm.raise_error(vm.c_TypeError, "no target class or module")
    vm.undef_method(target, frame.rt.syms[ins.a])


def op_sclass(vm, frame, ins):
    # R[a] = R[a].singleton_class
    st = vm.stack
    i = frame.base + ins.a
    st[i] = vm.singleton_class(st[i]).word


def op_tclass(vm, frame, ins):
    # R[a] = target_class
    target = frame_target_class(frame)
    if target is None:
        vm.raise_error(vm.c_TypeError, "no target class or module")
    vm.stack[frame.base + ins.a] = target.word


# ---------------------------------------------------------------------- misc
def op_debug(vm, frame, ins):
    # print a,b,c
    vm.write_out(f"OP_DEBUG {ins.a} {ins.b} {ins.c}\n".encode())


def op_ext1(vm, frame, ins):
    # make 1st operand (a) 16bit
    raise AssertionError("EXT1 is folded into the next instruction by the decoder")


def op_ext2(vm, frame, ins):
    # make 2nd operand (b) 16bit
    raise AssertionError("EXT2 is folded into the next instruction by the decoder")


def op_ext3(vm, frame, ins):
    # make 1st and 2nd operands 16bit
    raise AssertionError("EXT3 is folded into the next instruction by the decoder")


def op_stop(vm, frame, ins):
    # stop VM
    if frame.rt.handlers and vm.find_handler(frame, CATCH_FILTER_ENSURE) is not None:
        raise StopUnwind(frame, NIL)
    frame.retval = NIL
    return OP_RETURN


OPS = {
    "NOP": op_nop,
    "MOVE": op_move,
    "LOADL": op_loadl,
    "LOADI": op_loadi,
    "LOADINEG": op_loadineg,
    "LOADI__1": op_loadi__1,
    "LOADI_0": op_loadi_0,
    "LOADI_1": op_loadi_1,
    "LOADI_2": op_loadi_2,
    "LOADI_3": op_loadi_3,
    "LOADI_4": op_loadi_4,
    "LOADI_5": op_loadi_5,
    "LOADI_6": op_loadi_6,
    "LOADI_7": op_loadi_7,
    "LOADI16": op_loadi16,
    "LOADI32": op_loadi32,
    "LOADSYM": op_loadsym,
    "LOADNIL": op_loadnil,
    "LOADSELF": op_loadself,
    "LOADT": op_loadt,
    "LOADF": op_loadf,
    "GETGV": op_getgv,
    "SETGV": op_setgv,
    "GETSV": op_getsv,
    "SETSV": op_setsv,
    "GETIV": op_getiv,
    "SETIV": op_setiv,
    "GETCV": op_getcv,
    "SETCV": op_setcv,
    "GETCONST": op_getconst,
    "SETCONST": op_setconst,
    "GETMCNST": op_getmcnst,
    "SETMCNST": op_setmcnst,
    "GETUPVAR": op_getupvar,
    "SETUPVAR": op_setupvar,
    "GETIDX": op_getidx,
    "SETIDX": op_setidx,
    "JMP": op_jmp,
    "JMPIF": op_jmpif,
    "JMPNOT": op_jmpnot,
    "JMPNIL": op_jmpnil,
    "JMPUW": op_jmpuw,
    "EXCEPT": op_except,
    "RESCUE": op_rescue,
    "RAISEIF": op_raiseif,
    "SSEND": op_ssend,
    "SSENDB": op_ssendb,
    "SEND": op_send,
    "SENDB": op_sendb,
    "CALL": op_call,
    "SUPER": op_super,
    "ARGARY": op_argary,
    "ENTER": op_enter,
    "KEY_P": op_key_p,
    "KEYEND": op_keyend,
    "KARG": op_karg,
    "RETURN": op_return,
    "RETURN_BLK": op_return_blk,
    "BREAK": op_break,
    "BLKPUSH": op_blkpush,
    "ADD": op_add,
    "ADDI": op_addi,
    "SUB": op_sub,
    "SUBI": op_subi,
    "MUL": op_mul,
    "DIV": op_div,
    "EQ": op_eq,
    "LT": op_lt,
    "LE": op_le,
    "GT": op_gt,
    "GE": op_ge,
    "ARRAY": op_array,
    "ARRAY2": op_array2,
    "ARYCAT": op_arycat,
    "ARYPUSH": op_arypush,
    "ARYDUP": op_arydup,
    "AREF": op_aref,
    "ASET": op_aset,
    "APOST": op_apost,
    "INTERN": op_intern,
    "SYMBOL": op_symbol,
    "STRING": op_string,
    "STRCAT": op_strcat,
    "HASH": op_hash,
    "HASHADD": op_hashadd,
    "HASHCAT": op_hashcat,
    "LAMBDA": op_lambda,
    "BLOCK": op_block,
    "METHOD": op_method,
    "RANGE_INC": op_range_inc,
    "RANGE_EXC": op_range_exc,
    "OCLASS": op_oclass,
    "CLASS": op_class,
    "MODULE": op_module,
    "EXEC": op_exec,
    "DEF": op_def,
    "ALIAS": op_alias,
    "UNDEF": op_undef,
    "SCLASS": op_sclass,
    "TCLASS": op_tclass,
    "DEBUG": op_debug,
    "ERR": op_err,
    "EXT1": op_ext1,
    "EXT2": op_ext2,
    "EXT3": op_ext3,
    "STOP": op_stop,
}


def ops_by_number(format_version: str = "0300") -> list:
    """The semantics indexed by opcode number of a format's table: its
    dialect's (runtime/dialects; OPS for RITE0300)."""
    from .dialects import ops_by_number as by_number
    return by_number(format_version)


__all__ = ["OPS", "ops_by_number", "specialized", "uvenv", "div_int", "div_float", "RubyError",
           "RClass",
           "MethodEntry", "TT_SCLASS"]
