"""The templates of RITE0300 (mruby 3.1): the opcodes that do something inline.

Every template has the signature ``gen_NAME(a: Asm, ins: Instruction, cx: Ctx)``
and starts with the ops.h line of its opcode.  ``TEMPLATES`` lists, in ops.h
order, only the opcodes that have a template of their own; every other opcode
of ``riteload.opcodes.table_for("0300")`` runs its Python semantics through
the generic ``gen_python`` (``template_for`` is the lookup; as YJIT's
``get_gen_fn`` returns None for an instruction it does not compile, and the
interpreter runs it).  Tests check the registry against the table, the ops.h
lines and the signature.  A template either

- writes the operation inline with guards, jumping to ``cx.slow(ins)`` (run
  the Python semantics of the instruction, then continue after it) when a
  guard fails or an integer overflows, or
- calls the Python semantics inline with ``cx.call_op(ins)`` (as
  ``gen_python`` does for every instruction) and lets the returned status
  decide where to go (next instruction, a jump or catch handler through the
  pc table, or out of the irep).

Inline fast paths: ENTER when the caller passed exactly the required
positional arguments (no optional, rest, post or keyword parameters);
RETURN in ireps without ensure clauses; MOVE, LOADI*, LOADINEG, LOADI16, LOADI32, LOADL of
fixnum and flonum literals, LOADSYM, LOADNIL, LOADSELF, LOADT, LOADF, JMP,
JMPIF, JMPNOT, JMPNIL; ADD, SUB, MUL, DIV, ADDI, SUBI on fixnums (overflow
of the 63-bit fixnum range goes to the slow path, which boxes the result or
raises RangeError as mruby 3.1 does) and, out of line, on any mix of fixnums
and flonums (a result that is no flonum goes to the slow path, which boxes
it); EQ, LT, LE, GT, GE on fixnums and flonums; GETIV and SETIV on objects
whose ivar block (runtime/shapes.py) has the shape the site's cache holds
(a new variable: the shape transition it holds); GETCONST while no constant
changed since its cache was filled for the frame's proc; STRING of a literal
that fits a String block, ADD of two Strings generated code owns, and
STRCAT of a fixnum or such a String onto one
(runtime/natstring.py).

Value words are those of runtime/abi.py: fixnum ``(n << 1) | 1``, flonum
low bits ``10``, false 0, nil 8, true 0x10, falsy iff ``(w & ~8) == 0``.
In mruby 3.1 the arithmetic and comparison opcodes do not look up
redefined Integer or Float methods, so neither do the fast paths.
"""

from __future__ import annotations

from collections.abc import Callable

from riteload.model import (
    CATCH_ENSURE,
    POOL_FLOAT,
    POOL_INT32,
    POOL_INT64,
    POOL_SSTR,
    POOL_STR,
    Instruction,
)
from runtime import abi

from .asm import (
    AL,
    CL,
    DL,
    EAX,
    ECX,
    EDX,
    ESI,
    R8,
    R8D,
    R9,
    R10,
    R10D,
    R11,
    R11D,
    R12,
    R14,
    R15,
    RAX,
    RBX,
    RCX,
    RDI,
    RDX,
    RSI,
    XMM0,
    XMM1,
    Asm,
    Label,
    Mem,
    Reg,
    byte,
    dword,
    qword,
)
from .ctx import Ctx, TranslateError, makes_closures

_FLONUM_ZERO = 0x8000000000000002
_BAD_DOUBLE = 0x3000000000000000     # the bits flonum decoding of 0.0 yields


# ---------------------------------------------------------------------------
# shared pieces

def _store_const(a: Asm, cx: Ctx, reg: int, word: int) -> None:
    """R[reg] = word (a value word known at translation time)."""
    if word >= 1 << 63:
        word -= 1 << 64
    if -(1 << 31) <= word < (1 << 31):
        a.mov(cx.R(reg), word)
    else:
        a.mov(RAX, word)
        a.mov(cx.R(reg), RAX)


def _load_fixnum(a: Asm, cx: Ctx, reg: int, n: int) -> None:
    _store_const(a, cx, reg, abi.fixnum(n))


def _fixnum_pair(a: Asm, cx: Ctx, ins: Instruction, other: Label) -> None:
    """rax = R[a], rcx = R[a+1]; go to ``other`` unless both are fixnums."""
    a.mov(RAX, cx.R(ins.a))
    a.mov(RCX, cx.R(ins.a + 1))
    a.mov(EDX, _low32(RAX))
    a.and_(EDX, ECX)
    a.test(DL, 1)
    a.jcc("e", other)


def _low32(r: Reg) -> Reg:
    return {"rax": EAX, "rcx": ECX, "rdx": EDX}[r.name]


def _low8(r: Reg) -> Reg:
    return {"rax": AL, "rcx": CL, "rdx": DL}[r.name]


def _to_double(a: Asm, src: Reg, xmm: Reg, fail: Label) -> None:
    """xmm = the Float value of the fixnum or flonum word in ``src``, else go
    to ``fail``.  Clobbers ``src`` and rdx (rb_float_flonum_value in CRuby)."""
    notfix, done, nonzero = a.label(), a.label(), a.label()
    a.test(_low8(src), 1)
    a.jcc("e", notfix)
    a.sar(src, 1)
    a.cvtsi2sd(xmm, src)
    a.jmp(done)
    a.bind(notfix)
    a.mov(EDX, _low32(src))
    a.and_(EDX, 3)
    a.cmp(EDX, abi.FLONUM_TAG)
    a.jcc("ne", fail)
    a.comment("flonum -> double: rotr((2 - b63) | (w & ~3), 3)")
    a.mov(RDX, src)
    a.shr(RDX, 63)
    a.neg(RDX)
    a.add(RDX, 2)
    a.and_(src, -4)
    a.or_(src, RDX)
    a.ror(src, 3)
    a.mov(RDX, _BAD_DOUBLE)
    a.cmp(src, RDX)
    a.jcc("ne", nonzero)
    a.mov(src, 0)                      # the flonum of 0.0
    a.bind(nonzero)
    a.movq(xmm, src)
    a.bind(done)


def _emit_doubles(a: Asm) -> None:
    """Subroutine: xmm0, xmm1 = Float values of the words in rax, rcx;
    carry set when either is neither a fixnum nor a flonum."""
    fail = a.label()
    a.comment("xmm0, xmm1 = Float(rax), Float(rcx), CF=1 if not numbers")
    _to_double(a, RAX, XMM0, fail)
    _to_double(a, RCX, XMM1, fail)
    a.clc()
    a.ret()
    a.bind(fail)
    a.stc()
    a.ret()


def _emit_double(a: Asm) -> None:
    """Subroutine: xmm0 = Float value of the word in rax; carry set if none."""
    fail = a.label()
    a.comment("xmm0 = Float(rax), CF=1 if not a number")
    _to_double(a, RAX, XMM0, fail)
    a.clc()
    a.ret()
    a.bind(fail)
    a.stc()
    a.ret()


def _emit_box(a: Asm, exact: bool = False) -> None:
    """Subroutine: rax = the flonum word of the double in xmm0; carry set when
    the double has no flonum (the slow path boxes it).  Clobbers rcx
    (rb_float_new_inline in CRuby).  ``exact``: the release keeps every bit
    of a Float (mruby 4.0); else its two low significand bits are cleared
    first, as mruby 3.1's word boxing stores a Float."""
    other, fail = a.label(), a.label()
    a.comment("rax = flonum(xmm0): exponent bits 60..62 must be 3 or 4, or the value +0.0")
    a.movq(RAX, XMM0)
    if not exact:
        a.comment("mruby 3.1 word boxing keeps a Float with its two low significand bits cleared")
        a.and_(RAX, -4)
    a.mov(RCX, RAX)
    a.shr(RCX, 60)
    a.and_(ECX, 7)
    a.sub(ECX, 3)
    a.test(ECX, -2)
    a.jcc("ne", other)
    a.mov(RCX, _BAD_DOUBLE)
    a.cmp(RAX, RCX)
    a.jcc("e", fail)
    a.rol(RAX, 3)
    a.and_(RAX, -2)
    a.or_(RAX, abi.FLONUM_TAG)
    a.clc()
    a.ret()
    a.bind(other)
    a.test(RAX, RAX)
    a.jcc("ne", fail)
    a.mov(RAX, _FLONUM_ZERO)
    a.clc()
    a.ret()
    a.bind(fail)
    a.stc()
    a.ret()


def _box(cx: Ctx) -> Label:
    """The irep's ``_emit_box`` subroutine, for its release's Floats."""
    if cx.exact_floats:
        return cx.shared("box_exact", lambda a: _emit_box(a, exact=True))
    return cx.shared("box", _emit_box)


def _float_binop(a: Asm, cx: Ctx, ins: Instruction, entry: Label, slow: Label, op: str,
                 not_numbers: Label | None = None) -> None:
    """Out of line: R[a] = R[a] op R[a+1] on any mix of fixnums and flonums;
    other operands go to ``not_numbers`` (default: ``slow``)."""
    doubles, box = cx.shared("doubles", _emit_doubles), _box(cx)
    with a.cold():
        a.bind(entry)
        a.comment(f"Float {op[:3]}: operands in rax, rcx")
        a.call(doubles)
        a.jcc("b", not_numbers or slow)
        getattr(a, op)(XMM0, XMM1)
        a.call(box)
        a.jcc("b", slow)
        a.mov(cx.R(ins.a), RAX)
        a.jmp(cx.next(ins))


def _float_immop(a: Asm, cx: Ctx, ins: Instruction, entry: Label, slow: Label, n: int) -> None:
    """Out of line: R[a] = R[a] + (double)n with R[a] a flonum."""
    double, box = cx.shared("double", _emit_double), _box(cx)
    with a.cold():
        a.bind(entry)
        a.comment("Float add immediate: operand in rax")
        a.call(double)
        a.jcc("b", slow)
        a.mov(RCX, n)
        a.cvtsi2sd(XMM1, RCX)
        a.addsd(XMM0, XMM1)
        a.call(box)
        a.jcc("b", slow)
        a.mov(cx.R(ins.a), RAX)
        a.jmp(cx.next(ins))


def _store_flag(a: Asm, cx: Ctx, ins: Instruction, cc: str) -> None:
    """R[a] = condition ``cc`` ? true : false  (true 0x10, false 0)."""
    a.setcc(cc, DL)
    a.movzx(EDX, DL)
    a.shl(RDX, 4)
    a.mov(cx.R(ins.a), RDX)


def _compare(a: Asm, cx: Ctx, ins: Instruction, int_cc: str, float_cc: str) -> None:
    """R[a] = R[a] <op> R[a+1] for fixnums inline, fixnum/flonum mixes out of line."""
    floats, slow = a.label(), cx.slow(ins)
    _fixnum_pair(a, cx, ins, floats)
    a.cmp(RAX, RCX)                 # (2x+1) vs (2y+1) orders as x vs y
    _store_flag(a, cx, ins, int_cc)
    doubles = cx.shared("doubles", _emit_doubles)
    with a.cold():
        a.bind(floats)
        a.comment("Float comparison: operands in rax, rcx")
        a.call(doubles)
        a.jcc("b", slow)
        a.ucomisd(XMM0, XMM1)          # flonums are never NaN
        _store_flag(a, cx, ins, float_cc)
        a.jmp(cx.next(ins))


# ---------------------------------------------------------------------------
# the generic template, for every opcode without one of its own

def gen_python(a: Asm, ins: Instruction, cx: Ctx) -> None:
    # OPS[name](vm, frame, ins): the instruction's Python semantics
    cx.call_op(ins)


# ---------------------------------------------------------------------------
# the templates, in opcode order

def gen_NOP(a: Asm, ins: Instruction, cx: Ctx) -> None:
    # no operation
    pass


def gen_MOVE(a: Asm, ins: Instruction, cx: Ctx) -> None:
    # R[a] = R[b]
    a.mov(RAX, cx.R(ins.b))
    a.mov(cx.R(ins.a), RAX)


def gen_LOADL(a: Asm, ins: Instruction, cx: Ctx) -> None:
    # R[a] = Pool[b]
    entry = cx.irep.pool[ins.b] if ins.b < len(cx.irep.pool) else None
    word = None
    if entry is not None and entry.tag in (POOL_INT32, POOL_INT64) and abi.fixable(entry.value):
        word = abi.fixnum(entry.value)
    elif entry is not None and entry.tag == POOL_FLOAT:
        word = abi.flonum(entry.value)
    if word is None:
        cx.call_op(ins)             # boxed integers and floats, bigints (RangeError)
    else:
        _store_const(a, cx, ins.a, word)


def gen_LOADI(a: Asm, ins: Instruction, cx: Ctx) -> None:
    # R[a] = mrb_int(b)
    _load_fixnum(a, cx, ins.a, ins.b)


def gen_LOADINEG(a: Asm, ins: Instruction, cx: Ctx) -> None:
    # R[a] = mrb_int(-b)
    _load_fixnum(a, cx, ins.a, -ins.b)


def gen_LOADI__1(a: Asm, ins: Instruction, cx: Ctx) -> None:
    # R[a] = mrb_int(-1)
    _load_fixnum(a, cx, ins.a, -1)


def gen_LOADI_0(a: Asm, ins: Instruction, cx: Ctx) -> None:
    # R[a] = mrb_int(0)
    _load_fixnum(a, cx, ins.a, 0)


def gen_LOADI_1(a: Asm, ins: Instruction, cx: Ctx) -> None:
    # R[a] = mrb_int(1)
    _load_fixnum(a, cx, ins.a, 1)


def gen_LOADI_2(a: Asm, ins: Instruction, cx: Ctx) -> None:
    # R[a] = mrb_int(2)
    _load_fixnum(a, cx, ins.a, 2)


def gen_LOADI_3(a: Asm, ins: Instruction, cx: Ctx) -> None:
    # R[a] = mrb_int(3)
    _load_fixnum(a, cx, ins.a, 3)


def gen_LOADI_4(a: Asm, ins: Instruction, cx: Ctx) -> None:
    # R[a] = mrb_int(4)
    _load_fixnum(a, cx, ins.a, 4)


def gen_LOADI_5(a: Asm, ins: Instruction, cx: Ctx) -> None:
    # R[a] = mrb_int(5)
    _load_fixnum(a, cx, ins.a, 5)


def gen_LOADI_6(a: Asm, ins: Instruction, cx: Ctx) -> None:
    # R[a] = mrb_int(6)
    _load_fixnum(a, cx, ins.a, 6)


def gen_LOADI_7(a: Asm, ins: Instruction, cx: Ctx) -> None:
    # R[a] = mrb_int(7)
    _load_fixnum(a, cx, ins.a, 7)


def gen_LOADI16(a: Asm, ins: Instruction, cx: Ctx) -> None:
    # R[a] = mrb_int(b)
    n = ins.b - 0x10000 if ins.b >= 0x8000 else ins.b       # (int16_t)b
    _load_fixnum(a, cx, ins.a, n)


def gen_LOADI32(a: Asm, ins: Instruction, cx: Ctx) -> None:
    # R[a] = mrb_int((b<<16)+c)
    n = ((ins.b << 16) + ins.c) & 0xFFFFFFFF
    if n >= 0x80000000:                                     # (int32_t)
        n -= 1 << 32
    _load_fixnum(a, cx, ins.a, n)


def gen_LOADSYM(a: Asm, ins: Instruction, cx: Ctx) -> None:
    # R[a] = Syms[b]
    name = cx.irep.syms[ins.b] if ins.b < len(cx.irep.syms) else None
    word = cx.env.symbol_word(name) if name is not None else None
    if word is None:
        cx.call_op(ins)
    else:
        a.comment(f":{name}")
        _store_const(a, cx, ins.a, word)


def gen_LOADNIL(a: Asm, ins: Instruction, cx: Ctx) -> None:
    # R[a] = nil
    a.mov(cx.R(ins.a), abi.NIL)


def gen_LOADSELF(a: Asm, ins: Instruction, cx: Ctx) -> None:
    # R[a] = self
    a.mov(RAX, cx.R(0))
    a.mov(cx.R(ins.a), RAX)


def gen_LOADT(a: Asm, ins: Instruction, cx: Ctx) -> None:
    # R[a] = true
    a.mov(cx.R(ins.a), abi.TRUE)


def gen_LOADF(a: Asm, ins: Instruction, cx: Ctx) -> None:
    # R[a] = false
    a.mov(cx.R(ins.a), abi.FALSE)


def gen_JMP(a: Asm, ins: Instruction, cx: Ctx) -> None:
    # pc+=a
    a.jmp(cx.jump_target(ins, ins.a))


def gen_JMPIF(a: Asm, ins: Instruction, cx: Ctx) -> None:
    # if R[a] pc+=b
    a.test(cx.R(ins.a), ~abi.NIL)      # truthy iff (w & ~8) != 0
    a.jcc("ne", cx.jump_target(ins, ins.b))


def gen_JMPNOT(a: Asm, ins: Instruction, cx: Ctx) -> None:
    # if !R[a] pc+=b
    a.test(cx.R(ins.a), ~abi.NIL)
    a.jcc("e", cx.jump_target(ins, ins.b))


def gen_JMPNIL(a: Asm, ins: Instruction, cx: Ctx) -> None:
    # if R[a]==nil pc+=b
    a.cmp(cx.R(ins.a), abi.NIL)
    a.jcc("e", cx.jump_target(ins, ins.b))


def gen_SEND(a: Asm, ins: Instruction, cx: Ctx) -> None:
    # R[a] = R[a].send(Syms[b],R[a+1]..,R[a+n+1]:R[a+n+2]..) (c=n|k<<4)
    name = cx.irep.syms[ins.b] if ins.b < len(cx.irep.syms) else None
    if name == "!" and ins.c == 0 and ins.ext != "EXT3":
        _send_not(a, ins, cx)
        return
    bit = abi.INT_BUILTIN_BIT.get(name)
    argc = abi.INT_BUILTINS[bit][1] if bit is not None else -1
    if argc != ins.c or ins.ext == "EXT3":     # EXT3: mruby 3.1 takes a block register
        if bit is None and ins.ext != "EXT3":
            _native_call(a, ins, cx, self_call=False)
        else:
            cx.call_op(ins)
        return
    # An Integer builtin (abi.INT_BUILTINS) on fixnums, while Integer still
    # finds the builtin (its bit of *ctx->redefined clear); else the send
    # through its inline cache (an Array's <<, a Float's %...).
    slow = cx.slow(ins)
    cx.redefinable.append(ins.pc)
    send, done = a.label(), a.label()
    a.mov(RAX, cx.R(ins.a))
    a.test(AL, 1)
    a.jcc("e", send)
    if argc:
        a.mov(RCX, cx.R(ins.a + 1))
        a.test(CL, 1)
        a.jcc("e", send)
    a.mov(RDX, qword(R12, abi.CTX_REDEFINED))
    a.test(qword(RDX, 0), 1 << bit)
    a.jcc("ne", send)
    _INT_SENDS[name](a, slow)
    a.mov(cx.R(ins.a), RAX)
    _store_const(a, cx, ins.a + argc + 1, abi.NIL)    # OP_SEND: regs[bidx] = nil
    a.jmp(done)
    a.bind(send)
    _native_call(a, ins, cx, self_call=False)
    a.bind(done)


def _send_not(a: Asm, ins: Instruction, cx: Ctx) -> None:
    """``!`` (``not x``, a send in mruby 3.1) of nil, false or true inline
    while they find BasicObject#! (abi.NOT_BUILTIN_BIT clear); any other
    receiver through the send's inline cache, whose slow path brings the
    bits up to date after a method-table change (``cx.redefinable``)."""
    cx.redefinable.append(ins.pc)
    send, truthy, done = a.label(), a.label(), a.label()
    a.mov(RDX, qword(R12, abi.CTX_REDEFINED))
    a.test(qword(RDX, 0), 1 << abi.NOT_BUILTIN_BIT)
    a.jcc("ne", send)
    a.mov(RAX, cx.R(ins.a))
    a.cmp(RAX, abi.TRUE)
    a.jcc("e", truthy)
    a.test(RAX, ~abi.NIL)
    a.jcc("ne", send)                   # neither nil nor false
    _store_const(a, cx, ins.a, abi.TRUE)
    a.jmp(done)
    a.bind(truthy)
    _store_const(a, cx, ins.a, abi.FALSE)
    a.jmp(done)
    a.bind(send)
    _native_call(a, ins, cx, self_call=False)
    a.bind(done)
    _store_const(a, cx, ins.a + 1, abi.NIL)        # OP_SEND: regs[bidx] = nil


def gen_SSEND(a: Asm, ins: Instruction, cx: Ctx) -> None:
    # R[a] = self.send(Syms[b],R[a+1]..,R[a+n+1]:R[a+n+2]..) (c=n|k<<4)
    _native_call(a, ins, cx, self_call=True)


def gen_SENDB(a: Asm, ins: Instruction, cx: Ctx) -> None:
    # R[a] = R[a].send(Syms[b],R[a+1]..,R[a+n+1]:R[a+n+2]..,&R[a+n+2k+1])
    _native_call(a, ins, cx, self_call=False, block=True)


def gen_SSENDB(a: Asm, ins: Instruction, cx: Ctx) -> None:
    # R[a] = self.send(Syms[b],R[a+1]..,R[a+n+1]:R[a+n+2]..,&R[a+n+2k+1])
    _native_call(a, ins, cx, self_call=True, block=True)


def _native_call(a: Asm, ins: Instruction, cx: Ctx, self_call: bool, block: bool = False) -> None:
    """A send with positional arguments (OP_SEND/OP_SSEND, and with a block
    OP_SENDB/OP_SSENDB): through the site's inline cache (rl_site) straight
    into the callee's code when the receiver's class and the method serial
    are those the cache was filled at and the callee is compiled Ruby; on a
    miss the runtime fills the cache first (OPK_FILL); a builtin,
    ``method_missing`` and every other case run the Python send (the slow
    path).  A block must be nil or a Proc (anything else needs to_proc:
    Python); the callee's record holds it, and after the callee returns it
    goes in rl_vmstate.orphan_log (see ``_log_orphan``)."""
    n = ins.c & 0xF
    name = cx.irep.syms[ins.b] if ins.b < len(cx.irep.syms) else None
    word = cx.env.symbol_word(name) if name is not None else None
    # mruby 3.1 runs an EXT3-prefixed SEND as a SENDB (runtime/ops.py op_send)
    block = block or ins.name == "SEND" and ins.ext == "EXT3"
    if ins.c >> 4 or n >= abi.CALL_MAXARGS or word is None or ins.a + n + 1 >= cx.irep.nregs \
            or block and ins.ext is not None:
        cx.call_op(ins)
        return
    slow = cx.slow(ins)
    site = cx.site(ins)
    site_disp = site.disp
    fix, flo, have, miss, do_call, failed, refill = (a.label() for _ in range(7))
    a.comment(f"send :{name} with {n} argument(s), {'a' if block else 'no'} block: inline cache")
    if self_call:
        a.mov(RAX, cx.R(0))
        a.mov(cx.R(ins.a), RAX)
    if block:
        _block_is_proc(a, cx.R(ins.a + n + 1), slow)
    else:
        _store_const(a, cx, ins.a + n + 1, abi.NIL)      # OP_SEND: regs[bidx] = nil
    a.mov(RAX, cx.R(ins.a))
    a.test(AL, 1)
    a.jcc("ne", fix)
    a.test(AL, 2)
    a.jcc("ne", flo)                    # low bits 10: a flonum
    a.mov(ECX, EAX)
    a.and_(ECX, abi.OBJECT_MASK)
    a.cmp(ECX, abi.OBJECT_TAG)
    a.jcc("ne", slow)                   # nil, true, false, symbols: Python
    a.comment("class word of the heap object: state->class_words[word >> 3]")
    a.shr(RAX, abi.OBJECT_SHIFT)
    a.mov(RCX, qword(R12, abi.CTX_STATE))
    a.mov(RCX, qword(RCX, abi.STATE_CLASS_WORDS))
    a.mov(RAX, qword(RCX, 0, RAX, 8))
    a.bind(have)
    _site_hit(a, site, miss)
    a.bind(do_call)
    a.mov(RCX, qword(RDX, abi.SITE_CELL))
    a.test(RCX, RCX)
    nocell = a.label() if n <= 2 and not block else slow
    a.jcc("e", nocell)                  # an attr_reader/writer, a leaf, else Python
    new = a.label() if name == "new" and not block else None
    if new is not None:
        a.test(qword(RDX, abi.SITE_FLAGS), abi.SITE_NEW)
        a.jcc("ne", new)
    proc_call = name in ("call", "[]") and not block
    called = a.label()
    if proc_call:
        evicted = a.label()
        _proc_call(a, ins, cx, n, slow, called)
    _room(a, cx, ins, 1, slow)
    a.comment("our pc in our record; push the callee's record")
    a.mov(dword(RAX, abi.CI_PC), ins.next_pc)
    a.mov(qword(R12, abi.CTX_CI), RDI)
    _fill_record(a, n)
    if block:
        a.mov(RAX, cx.R(ins.a + n + 1))
        a.mov(qword(RDI, abi.CI_HELD), RAX)
    if cx.counting:
        a.inc(qword(R12, abi.CTX_CALLS))
    _call_entry(a, n)
    a.bind(called)
    _callee_returned(a, ins, cx, failed)
    if block:
        _log_orphan(a, ins, cx)
    done = a.label()
    a.bind(done)
    with a.cold():
        if n <= 2 and not block:
            a.bind(nocell)
            not_attr = a.label()
            if n <= 1:
                _attr_ivar(a, ins, cx, n, miss, slow, not_attr)
                a.jmp(done)
            a.bind(not_attr)
            if (name, n) == ("sqrt", 1):
                _when_flag(a, abi.SITE_SQRT, done, lambda other: _math_sqrt(a, ins, cx, other))
            if n == 0 and name in abi.NUM_INLINE_SENDS:
                kind = abi.NUM_INLINE_SENDS[name]
                _when_flag(a, abi.SITE_NUM, done,
                           lambda other: _num_inline(a, ins, cx, kind, other))
            if n == 1 and name in abi.LIBM_INLINE:
                index = abi.LIBM_INLINE.index(name)
                _when_flag(a, abi.SITE_LIBM, done,
                           lambda other: _math_libm(a, ins, cx, index, other))
            if (name, n) in (("<<", 1), ("to_s", 0)):
                def string(other: Label) -> None:
                    if n:
                        a.mov(RAX, cx.R(ins.a))
                        a.mov(R8, cx.R(ins.a + 1))
                        _str_append(a, other)
                    else:
                        _int_to_s(a, cx, ins)
                _when_flag(a, abi.SITE_STR, done, string)
            inline = abi.ARRAY_INLINE_SENDS.get(name)
            if inline is not None and inline[0] == n:
                def array(other: Label) -> None:
                    a.mov(RAX, cx.R(ins.a))
                    if n:
                        a.mov(R8, cx.R(ins.a + 1))
                    if inline[1] == abi.ARY_PUSH:
                        _ary_push(a, other)
                    elif inline[1] in (abi.ARY_POP, abi.ARY_SHIFT):
                        _ary_take(a, cx, ins, inline[1], other)
                    else:
                        _ary_read(a, cx, ins, inline[1], other)
                _when_flag(a, abi.SITE_ARY, done, array)
            _leaf_send(a, ins, cx, slow, done)
        if new is not None:
            a.bind(new)
            _class_new(a, ins, cx, n, site_disp, miss, slow, done)
        a.bind(fix)
        a.mov(EAX, abi.SITE_FIXNUM)
        a.jmp(have)
        a.bind(flo)
        a.mov(EAX, abi.SITE_FLONUM)
        a.jmp(have)
        a.bind(miss)
        a.comment("fill the inline cache (rax = 0: it holds a callee now)")
        cx.call_raw(ins, abi.OPK_FILL)
        a.test(RAX, RAX)
        a.jcc("e", refill)
        a.cmp(EAX, abi.ST_ERROR)          # the callback itself failed (an interrupt)
        a.jcc("e", cx.status)
        a.jmp(slow)
        a.bind(refill)
        a.lea(RDX, qword(R15, site_disp))
        a.jmp(do_call)
        a.bind(failed)
        a.cmp(EAX, abi.ST_COMPILE)
        if proc_call:
            a.jcc("e", evicted)
        else:
            a.jcc("e", slow)            # the callee's code was evicted: nothing ran
        cx.call_failed(ins)
        a.jmp(cx.next(ins))
        if proc_call:
            a.bind(evicted)
            a.lea(RDX, qword(R15, site_disp))
            a.test(qword(RDX, abi.SITE_FLAGS), abi.SITE_PROC_CALL)
            a.jcc("e", slow)
            _proc_evicted(a, ins, cx, slow)


def _when_flag(a: Asm, flag: int, done: Label, body: Callable[[Label], None]) -> None:
    """When the site in rdx has ``flag`` (abi.SITE_*): what ``body(other)``
    emits, then to ``done``; without the flag, or when ``body`` goes to
    ``other``, on to what the caller emits next (rdx the site again)."""
    other = a.label()
    a.test(qword(RDX, abi.SITE_FLAGS), flag)
    a.jcc("e", other)
    body(other)
    a.jmp(done)
    a.bind(other)


def _site_hit(a: Asm, site: Mem, miss: Label) -> None:
    """rdx = the site; to ``miss`` unless it was filled for the class word
    in rax at the current method serial."""
    a.lea(RDX, site)
    a.cmp(RAX, qword(RDX, abi.SITE_KLASS))
    a.jcc("ne", miss)
    a.mov(RCX, qword(R12, abi.CTX_REDEFINED))
    a.mov(RCX, qword(RCX, 8 * abi.METHOD_SERIAL))
    a.cmp(RCX, qword(RDX, abi.SITE_SERIAL))
    a.jcc("ne", miss)


def _math_sqrt(a: Asm, ins: Instruction, cx: Ctx, other: Label) -> None:
    """``Math.sqrt`` of a fixnum or flonum >= 0 (sqrtsd: the correctly
    rounded root libm's sqrt gives) whose root is a flonum: R[a]; anything
    else (a negative or NaN argument, a boxed Float, a root with no flonum)
    to ``other``, the leaf call, with rdx the site again."""
    def root(a: Asm, fail: Label) -> None:
        a.xor(EAX, EAX)
        a.movq(XMM1, RAX)
        a.ucomisd(XMM0, XMM1)
        a.jcc("b", fail)                # below zero, or NaN (unordered sets CF)
        a.sqrtsd(XMM0, XMM0)
    _float_op(a, ins, cx, ins.a + 1, other, root)


def _num_inline(a: Asm, ins: Instruction, cx: Ctx, kind: int, other: Label) -> None:
    """R[a] = the conversion ``kind`` (abi.NUM_*) of the number R[a], the
    receiver the site's cache was filled for (a fixnum for to_f, else a
    flonum): Integer#to_f (what cvtsi2sd rounds to, as the C cast), Float#to_f,
    ``-@`` (mruby 3.1's ``0 - self``: -0.0 of 0.0 is 0.0), ``abs`` (the
    sign bit cleared), ``to_i``/``truncate``, ``floor`` and ``ceil`` whose
    value is a fixnum.  Anything else (a value with no flonum or beyond the
    fixnums, NaN, infinities) to ``other`` with rdx the site again."""
    def convert(a: Asm, fail: Label) -> None:
        if kind == abi.NUM_NEG:
            a.movq(RAX, XMM0)
            a.xor(ECX, ECX)
            a.movq(XMM0, RCX)
            a.movq(XMM1, RAX)
            a.subsd(XMM0, XMM1)         # 0.0 - x
        elif kind == abi.NUM_ABS:
            a.movq(RAX, XMM0)
            a.shl(RAX, 1)
            a.shr(RAX, 1)
            a.movq(XMM0, RAX)
        elif kind != abi.NUM_TO_F:
            a.comment("truncate (NaN, infinities, beyond 2**63: 0x8000...), then a step down or up")
            a.cvttsd2si(RAX, XMM0)
            if kind != abi.NUM_TRUNC:
                same = a.label()
                a.cvtsi2sd(XMM1, RAX)
                a.ucomisd(XMM0, XMM1)
                if kind == abi.NUM_FLOOR:
                    a.jcc("ae", same)
                    a.sub(RAX, 1)
                else:
                    a.jcc("be", same)
                    a.add(RAX, 1)
                a.bind(same)
            a.mov(RCX, RAX)
            a.add(RCX, RAX)
            a.jcc("o", fail)            # beyond the fixnums
            a.or_(RCX, 1)
            a.mov(cx.R(ins.a), RCX)
    integral = kind in (abi.NUM_TRUNC, abi.NUM_FLOOR, abi.NUM_CEIL)
    if kind == abi.NUM_TO_F:
        itself = a.label()
        a.test(cx.R(ins.a), 1)
        a.jcc("e", itself)              # a flonum's to_f is itself
        _float_op(a, ins, cx, ins.a, other, convert)
        a.bind(itself)
    else:
        _float_op(a, ins, cx, ins.a, other, convert, box_result=not integral)


def _math_libm(a: Asm, ins: Instruction, cx: Ctx, index: int, other: Label) -> None:
    """A Math function defined everywhere (abi.LIBM_INLINE[index]) of a
    fixnum or flonum: R[a] = the C library's function of it, called
    through rl_vmstate.libm (the function math.c calls, so the bits are
    mruby's).  Our frame's registers are callee-saved (r12-r15, rbx) and
    rsp is 16-aligned here, as the C calling convention wants."""
    def call(a: Asm, fail: Label) -> None:
        a.mov(RAX, qword(R12, abi.CTX_STATE))
        a.mov(RAX, qword(RAX, abi.STATE_LIBM))
        a.call(qword(RAX, 8 * index))   # xmm0 = f(xmm0)
    _float_op(a, ins, cx, ins.a + 1, other, call)


def _float_op(a: Asm, ins: Instruction, cx: Ctx, src: int, other: Label,
              op: Callable[[Asm, Label], None], box_result: bool = True) -> None:
    """R[a] = the flonum of what ``op`` makes of xmm0, the double of
    R[src] (a fixnum or flonum); ``op`` may go to its label when it cannot,
    and without ``box_result`` stores R[a] itself.  A boxed Float, a
    result with no flonum, or ``op``'s failure go to ``other``, the send's
    leaf call, with rdx the site again."""
    double, box = cx.shared("double", _emit_double), _box(cx)
    fail, done = a.label(), a.label()
    a.mov(RAX, cx.R(src))
    a.call(double)                      # clobbers rdx
    a.jcc("b", fail)
    op(a, fail)
    if box_result:
        a.call(box)
        a.jcc("b", fail)
        a.mov(cx.R(ins.a), RAX)
    a.jmp(done)
    a.bind(fail)
    a.lea(RDX, cx.site(ins))
    a.jmp(other)
    a.bind(done)


def _block_is_proc(a: Asm, blk: Mem, slow: Label) -> None:
    """To ``slow`` unless the block word ``blk`` is nil or a Proc (exactly:
    its class word is rl_vmstate.proc_class); what OP_SENDB converts with
    to_proc is Python's."""
    ok = a.label()
    a.mov(RAX, blk)
    a.cmp(RAX, abi.NIL)
    a.jcc("e", ok)
    _handle_block(a, abi.STATE_CLASS_WORDS, slow)      # rcx = its class word
    a.mov(RAX, qword(R12, abi.CTX_STATE))
    a.cmp(RCX, qword(RAX, abi.STATE_PROC_CLASS))
    a.jcc("ne", slow)
    a.bind(ok)


def _log_orphan(a: Asm, ins: Instruction, cx: Ctx) -> None:
    """After a native SENDB's callee returned: mruby marks the block
    orphan (a later ``break`` from it is a LocalJumpError) when it is no
    lambda and its env is the caller's.  A Proc Python has no RProc of
    (its call data's flags, abi.PROC_*) is marked here, its env's cell
    against our record's; any other block that is an object goes, with our
    register base, in rl_vmstate.orphan_log, which Python replays
    (runtime/natlogs.py) whenever control enters it, before anything can
    break; with the log full, a callback (OPK_ORPHAN) marks it at once."""
    done, full, log = a.label(), a.label(), a.label()
    a.comment("the block (our callee's record kept it): orphan when its env is ours")
    a.mov(RAX, qword(R12, abi.CTX_CI))
    a.mov(RCX, qword(RAX, abi.CI_SIZE + abi.CI_HELD))
    a.cmp(RCX, abi.NIL)
    a.jcc("e", done)
    a.mov(R8, qword(R12, abi.CTX_STATE))
    a.mov(EDX, ECX)
    a.and_(EDX, abi.OBJECT_MASK)
    a.cmp(EDX, abi.OBJECT_TAG)
    a.jcc("ne", log)
    a.mov(RDX, RCX)
    a.shr(RDX, abi.OBJECT_SHIFT)
    a.mov(R9, qword(R8, abi.STATE_PROC_CALLS))
    a.mov(R9, qword(R9, 0, RDX, 8))         # its call data, if it is a Proc with some
    a.test(R9, R9)
    a.jcc("e", log)
    a.test(qword(R9, abi.PROC_FLAGS), abi.PROC_SEEN)
    a.jcc("ne", log)                        # Python has its RProc: Python marks it
    a.test(qword(R9, abi.PROC_FLAGS), abi.PROC_STRICT)
    a.jcc("ne", done)
    a.mov(R10, qword(R9, abi.PROC_ENV))
    a.test(R10, R10)
    a.jcc("e", done)
    a.cmp(R10, qword(RAX, abi.CI_ENV))
    a.jcc("ne", done)
    a.or_(qword(R9, abi.PROC_FLAGS), abi.PROC_ORPHAN)
    a.jmp(done)
    a.bind(log)
    a.comment("to the orphan log")
    a.mov(R9, qword(R8, abi.STATE_ORPHAN_LOG_N))
    a.cmp(R9, qword(R8, abi.STATE_ORPHAN_LOG_CAP))
    a.jcc("ae", full)
    a.mov(R10, R9)
    a.shl(R10, 4)
    a.add(R10, qword(R8, abi.STATE_ORPHAN_LOG))
    a.mov(qword(R10, 0), RCX)
    a.mov(EDX, dword(RAX, abi.CI_STACK))
    a.mov(qword(R10, 8), RDX)
    a.add(R9, 1)
    a.mov(qword(R8, abi.STATE_ORPHAN_LOG_N), R9)
    a.mov(qword(R8, abi.STATE_LOGGED), 1)
    a.bind(done)
    with a.cold():
        a.bind(full)
        cx.call_raw(ins, abi.OPK_ORPHAN)
        a.cmp(EAX, abi.ST_ERROR)          # the callback itself failed (an interrupt)
        a.jcc("e", cx.status)
        a.jmp(done)


def _call_data(a: Asm, dst: Reg, proc: Mem, state: Reg, none: Label) -> None:
    """dst = the call data (abi.PROC_*) of the Proc whose word is at
    ``proc`` (rl_vmstate.proc_calls; ``state`` holds ctx->state, and may be
    ``dst``); to ``none`` when it has none.  Clobbers rax."""
    a.mov(RAX, proc)
    a.shr(RAX, abi.OBJECT_SHIFT)
    a.mov(dst, qword(state, abi.STATE_PROC_CALLS))
    a.mov(dst, qword(dst, 0, RAX, 8))
    a.test(dst, dst)
    a.jcc("e", none)


def _proc_call(a: Asm, ins: Instruction, cx: Ctx, n: int, slow: Label, called: Label) -> None:
    """The site (rdx) holds Proc#call (SITE_PROC_CALL): what OP_CALL does,
    for the Proc in R[a] through its call data (rl_vmstate.proc_calls,
    abi.PROC_*): its code's entry cell (whose other words give the counters,
    caches and register count), its env's cell (self, the frame's name and
    target class, level-0 upvars) and the level-1 env's cell.  Pushes the
    record, R[a] = self, calls, and goes on at ``called`` with the status
    in eax; a Proc without call data, a dead env or no room: ``slow``."""
    other, enough = a.label(), a.label()
    a.test(qword(RDX, abi.SITE_FLAGS), abi.SITE_PROC_CALL)
    a.jcc("e", other)
    a.comment("Proc#call (a yield): the code, env and upvars the Proc's call data name")
    a.mov(R8, qword(R12, abi.CTX_STATE))
    _call_data(a, R8, cx.R(ins.a), R8, slow)
    a.mov(RCX, qword(R8, abi.PROC_ENTRY))
    a.test(RCX, RCX)
    a.jcc("e", slow)
    a.mov(R9, qword(R8, abi.PROC_ENV))
    a.mov(R10, qword(R9, abi.ENV_REGS))
    a.test(R10, R10)
    a.jcc("e", slow)
    a.comment("room for its registers (the cell's count, at least n + 2) and a record")
    a.lea(RSI, cx.R(ins.a))
    a.mov(RAX, qword(RCX, abi.CELL_NREGS))
    a.cmp(RAX, n + 2)
    a.jcc("ae", enough)
    a.mov(EAX, n + 2)
    a.bind(enough)
    _room_for(a, 1, slow)
    a.mov(dword(RAX, abi.CI_PC), ins.next_pc)
    a.mov(qword(R12, abi.CTX_CI), RDI)
    a.mov(dword(RDI, abi.CI_N), n)
    a.mov(RAX, qword(R9, abi.ENV_MID))
    a.mov(dword(RDI, abi.CI_MID), EAX)
    _record_stack(a)
    a.mov(RAX, cx.R(ins.a))
    a.mov(qword(RDI, abi.CI_PROC), RAX)
    a.mov(RAX, qword(R9, abi.ENV_TC))
    a.mov(qword(RDI, abi.CI_TARGET_CLASS), RAX)
    a.mov(qword(RDI, abi.CI_VIEW), 0)
    a.mov(qword(RDI, abi.CI_UPVARS), R9)
    a.mov(RAX, qword(R8, abi.PROC_ENV1))
    a.mov(qword(RDI, abi.CI_UPVARS1), RAX)
    a.mov(qword(RDI, abi.CI_HELD), abi.NIL)
    a.mov(qword(RDI, abi.CI_ENV), 0)
    a.comment("OP_CALL: the block's self (R[0] of its env) in R[a]")
    a.mov(RAX, qword(R10, 0))
    a.mov(cx.R(ins.a), RAX)
    if cx.counting:
        a.inc(qword(R12, abi.CTX_CALLS))
    _call_entry(a, n, RCX, abi.CELL_SITES, abi.CELL_COUNTERS)
    a.jmp(called)
    a.bind(other)


def _callee_returned(a: Asm, ins: Instruction, cx: Ctx, failed: Label) -> None:
    """A native callee returned (status in eax): its record popped, and
    R[a] = its value (ST_RETVAL), else to ``failed``."""
    a.sub(qword(R12, abi.CTX_CI), abi.CI_SIZE)
    a.cmp(EAX, abi.ST_RETVAL)
    a.jcc("ne", failed)
    a.mov(RAX, qword(R12, abi.CTX_RETVAL))
    a.mov(cx.R(ins.a), RAX)


def _callee_failed(a: Asm, ins: Instruction, cx: Ctx, evicted: Label) -> None:
    """A native callee's status (eax) was no ST_RETVAL: to ``evicted`` when
    its code was evicted before it ran (ST_COMPILE), else its error raised
    again in this frame (OPK_FAILED), then on after the instruction."""
    a.cmp(EAX, abi.ST_COMPILE)
    a.jcc("e", evicted)
    cx.call_failed(ins)
    a.jmp(cx.next(ins))


def _proc_evicted(a: Asm, ins: Instruction, cx: Ctx, slow: Label) -> None:
    """A called Proc's code was evicted (ST_COMPILE): nothing ran, so R[a]
    is the Proc again (its record kept it), and the slow path runs."""
    a.comment("nothing ran: R[a] is the Proc again (its record kept it), then Python")
    a.mov(RAX, qword(R12, abi.CTX_CI))
    a.mov(RAX, qword(RAX, abi.CI_SIZE + abi.CI_PROC))
    a.mov(cx.R(ins.a), RAX)
    a.jmp(slow)


def _room(a: Asm, cx: Ctx, ins: Instruction, records: int, slow: Label) -> None:
    """rsi = &R[a], rdi = past the last record to push (rdx = the site): to
    the slow path unless the callee's registers (SITE_NREGS from R[a]) and
    ``records`` more call-info records fit under their limits."""
    a.comment("room for the callee's registers and call-info records, else Python")
    a.lea(RSI, cx.R(ins.a))
    a.mov(RAX, qword(RDX, abi.SITE_NREGS))
    _room_for(a, records, slow)


def _room_for(a: Asm, records: int, slow: Label) -> None:
    """``_room`` once rsi = &R[a] and rax = the callee's register count."""
    a.lea(RAX, qword(RSI, 0, RAX, 8))
    a.cmp(RAX, qword(R12, abi.CTX_STACK_LIMIT))
    a.jcc("a", slow)
    a.mov(RAX, qword(R12, abi.CTX_CI))
    a.lea(RDI, qword(RAX, records * abi.CI_SIZE))
    a.cmp(RDI, qword(R12, abi.CTX_CI_LIMIT))
    a.jcc("ae", slow)


def _fill_record(a: Asm, n: int) -> None:
    """The callee's record at rdi from its site (rdx), its registers at rsi
    (&R[a]): argument count, method, register base, pc 0, proc, target
    class, no view, no env cells of upvars (a method has none)."""
    a.mov(dword(RDI, abi.CI_N), n)
    a.mov(RAX, qword(RDX, abi.SITE_MID))
    a.mov(dword(RDI, abi.CI_MID), EAX)
    _record_stack(a)
    a.mov(RAX, qword(RDX, abi.SITE_PROC))
    a.mov(qword(RDI, abi.CI_PROC), RAX)
    a.mov(RAX, qword(RDX, abi.SITE_TARGET_CLASS))
    a.mov(qword(RDI, abi.CI_TARGET_CLASS), RAX)
    a.mov(qword(RDI, abi.CI_VIEW), 0)
    a.mov(qword(RDI, abi.CI_UPVARS), 0)
    a.mov(qword(RDI, abi.CI_UPVARS1), 0)
    a.mov(qword(RDI, abi.CI_HELD), abi.NIL)
    a.mov(qword(RDI, abi.CI_ENV), 0)


def _record_stack(a: Asm) -> None:
    """The record at rdi: register base = (rsi - ctx->stack) / 8, pc 0."""
    a.mov(RAX, RSI)
    a.sub(RAX, qword(R12, abi.CTX_STACK))
    a.shr(RAX, 3)
    a.mov(dword(RDI, abi.CI_STACK), EAX)
    a.mov(dword(RDI, abi.CI_PC), 0)


def _call_entry(a: Asm, n: int, through: Reg = RDX, sites: int = abi.SITE_SITES,
                counters: int = abi.SITE_COUNTERS) -> None:
    """entry(ctx, &R[a], counters, 0, n, sites) through the callee's entry
    cell (rcx), its counters and caches read at those offsets of
    ``through`` (the site in rdx; or the cell itself), &R[a] in rsi; eax =
    its status."""
    a.comment("entry(ctx, &R[a], counters, 0, n, sites) through the callee's entry cell")
    a.mov(RAX, RCX)
    a.mov(R9, qword(through, sites))
    a.mov(RDX, qword(through, counters))
    a.mov(RDI, R12)
    a.xor(ECX, ECX)
    a.mov(R8D, n)
    a.call(qword(RAX, 0))


def _class_new(a: Asm, ins: Instruction, cx: Ctx, n: int, site_disp: int, miss: Label,
               slow: Label, done: Label) -> None:
    """Cold: the site holds ``Class#new`` of the class SITE_SELF with a
    compiled ``initialize`` (SITE_NEW).  The object comes from the class's
    allocation pool (runtime/heap.py; Python allocates it and refills the
    pool, OPK_ALLOC, when it is empty); generated code pushes the ``new`` record
    (a builtin's, as mruby 3.1's new_iseq is a frame of its own in
    backtraces) and initialize's above it, calls initialize's code with the
    object as self, pops both and leaves the object in R[a]."""
    alloc_failed, new_failed, view, result, evicted = (a.label() for _ in range(5))
    empty, allocated = a.label(), a.label()
    a.comment("Class#new of the class the cache holds, initialize compiled")
    a.mov(RAX, cx.R(ins.a))
    a.cmp(RAX, qword(RDX, abi.SITE_SELF))
    a.jcc("ne", miss)
    _room(a, cx, ins, 2, slow)
    a.comment("take an object from the class's pool (runtime/heap.py): [count, refill, word...]")
    a.mov(RCX, qword(RDX, abi.SITE_POOL))
    _pool_take(a, RCX, RAX, empty)
    a.mov(qword(R12, abi.CTX_RETVAL), RAX)
    a.comment("its ivar block, if any, blank: the root shape, writable to its capacity")
    _handle_block(a, abi.STATE_IV_BLOCKS, allocated)
    a.mov(qword(RCX, 0), abi.IV_ROOT_SHAPE)
    a.mov(RAX, qword(RCX, abi.IV_CAPACITY))
    a.mov(qword(RCX, 8), RAX)
    a.bind(allocated)
    a.lea(RSI, cx.R(ins.a))
    a.comment("our pc in our record; push the new record (a builtin's: kind 1, no proc)")
    a.mov(RAX, qword(R12, abi.CTX_CI))
    a.mov(dword(RAX, abi.CI_PC), ins.next_pc)
    a.lea(RDI, qword(RAX, abi.CI_SIZE))
    a.mov(dword(RDI, abi.CI_N), n | 1 << 24)
    a.mov(RAX, qword(RDX, abi.SITE_OUTER_MID))
    a.mov(dword(RDI, abi.CI_MID), EAX)
    _record_stack(a)
    a.mov(qword(RDI, abi.CI_PROC), abi.NIL)
    a.mov(qword(RDI, abi.CI_TARGET_CLASS), 0)
    a.mov(qword(RDI, abi.CI_VIEW), 0)
    a.mov(qword(RDI, abi.CI_UPVARS), 0)
    a.mov(qword(RDI, abi.CI_UPVARS1), 0)
    a.mov(qword(RDI, abi.CI_ENV), 0)
    a.mov(RAX, qword(R12, abi.CTX_RETVAL))
    a.mov(qword(RDI, abi.CI_HELD), RAX)
    a.mov(cx.R(ins.a), RAX)                 # initialize's self
    a.comment("push initialize's record and call its code")
    a.lea(RDI, qword(RDI, abi.CI_SIZE))
    a.mov(qword(R12, abi.CTX_CI), RDI)
    _fill_record(a, n)
    a.mov(RCX, qword(RDX, abi.SITE_CELL))
    if cx.counting:
        a.inc(qword(R12, abi.CTX_CALLS))
    _call_entry(a, n)
    a.sub(qword(R12, abi.CTX_CI), 2 * abi.CI_SIZE)
    a.cmp(EAX, abi.ST_RETVAL)
    a.jcc("ne", new_failed)
    a.mov(RAX, qword(R12, abi.CTX_CI))
    a.test(qword(RAX, abi.CI_SIZE + abi.CI_VIEW), 1)
    a.jcc("ne", view)
    a.bind(result)
    a.comment("R[a] = the object (the new record kept it)")
    a.mov(RAX, qword(R12, abi.CTX_CI))
    a.mov(RAX, qword(RAX, abi.CI_SIZE + abi.CI_HELD))
    a.mov(cx.R(ins.a), RAX)
    a.jmp(done)
    a.bind(view)
    cx.call_raw(ins, abi.OPK_POP_VIEW)      # Python made a Frame of the new record
    a.jmp(result)
    a.bind(empty)
    cx.call_raw(ins, abi.OPK_ALLOC)         # Python allocates it and fills the pool
    a.test(RAX, RAX)
    a.jcc("ne", alloc_failed)
    a.lea(RDX, qword(R15, site_disp))
    a.jmp(allocated)
    a.bind(alloc_failed)
    a.cmp(EAX, abi.ST_ERROR)
    a.jcc("e", cx.status)
    a.jmp(slow)
    a.bind(new_failed)
    _callee_failed(a, ins, cx, evicted)
    a.bind(evicted)
    a.comment("initialize's code was evicted, nothing ran: the class back in R[a], Python's new")
    a.lea(RDX, qword(R15, site_disp))
    a.mov(RAX, qword(RDX, abi.SITE_SELF))
    a.mov(cx.R(ins.a), RAX)
    a.jmp(slow)


def _leaf_send(a: Asm, ins: Instruction, cx: Ctx, slow: Label, done: Label) -> None:
    """The send's cache holds a builtin that may run as a leaf (SITE_LEAF,
    runtime/leaves.py): the light callback OPK_LEAF runs it without Frame
    views when its arguments allow (R[a] = its value); else the Python send."""
    a.test(qword(RDX, abi.SITE_FLAGS), abi.SITE_LEAF)
    a.jcc("e", slow)
    _leaf_call(a, ins, cx, slow, done)


def _leaf_call(a: Asm, ins: Instruction, cx: Ctx, slow: Label, done: Label) -> None:
    """ctx->op(OPK_LEAF): ST_NEXT (R[a] written) goes to ``done``,
    ST_NOT_LEAF to the slow path, any other status to the status stub."""
    cx.call_raw(ins, abi.OPK_LEAF)
    a.test(RAX, RAX)
    a.jcc("e", done)
    a.cmp(EAX, abi.ST_NOT_LEAF)
    a.jcc("e", slow)
    a.jmp(cx.status)


def gen_GETIDX(a: Asm, ins: Instruction, cx: Ctx) -> None:
    # R[a] = R[a][R[a+1]]
    leaf, done = a.label(), a.label()
    slow = cx.slow(ins)                 # made first: its stub is cold code of its own
    a.comment("an Array with a native block and an Integer index: read it; else a leaf call")
    a.mov(RAX, cx.R(ins.a))
    a.mov(R8, cx.R(ins.a + 1))
    _ary_read(a, cx, ins, abi.ARY_AREF, leaf)
    with a.cold():
        a.bind(leaf)
        leaf_call = a.label()
        if ins.a + 2 < cx.irep.nregs:
            _getidx_proc(a, ins, cx, slow, done, leaf_call)
        a.bind(leaf_call)
        _leaf_call(a, ins, cx, slow, done)
    a.bind(done)


def _getidx_proc(a: Asm, ins: Instruction, cx: Ctx, slow: Label, done: Label,
                 other: Label) -> None:
    """Cold, in GETIDX: ``f[x]`` of a Proc (exactly class Proc) is the send
    of ``[]`` it is in mruby 3.1 (L_SEND_SYM: R[a+2] = nil), which is
    Proc#call: while the site's cache says Proc#[] is the builtin
    (SITE_PROC_CALL, filled by OPK_FILL), the Proc's code is called as
    ``_proc_call`` calls it.  Anything else goes to ``other``."""
    site = cx.site(ins)
    call, called, fill, failed, evicted = (a.label() for _ in range(5))
    a.mov(RAX, cx.R(ins.a))
    _handle_block(a, abi.STATE_CLASS_WORDS, other)    # rcx = its class word
    a.mov(RAX, qword(R12, abi.CTX_STATE))
    a.cmp(RCX, qword(RAX, abi.STATE_PROC_CLASS))
    a.jcc("ne", other)
    a.mov(RAX, RCX)
    _site_hit(a, site, fill)
    a.bind(call)
    _store_const(a, cx, ins.a + 2, abi.NIL)
    _proc_call(a, ins, cx, 1, slow, called)
    a.jmp(slow)                         # the cache holds no Proc#call
    a.bind(called)
    _callee_returned(a, ins, cx, failed)
    a.jmp(done)
    a.bind(failed)
    _callee_failed(a, ins, cx, evicted)
    a.bind(evicted)
    _proc_evicted(a, ins, cx, slow)
    a.bind(fill)
    cx.call_raw(ins, abi.OPK_FILL)
    a.test(RAX, RAX)
    a.jcc("ne", slow)
    a.lea(RDX, site)
    a.jmp(call)


def _ary_read(a: Asm, cx: Ctx, ins: Instruction, kind: int, other: Label) -> None:
    """R[a] = what reader ``kind`` (abi.ARY_*) reads from the Array whose
    word is in rax, through its native block (runtime/natarray.py:
    length, capacity, elements); the index of ARY_AREF in r8.  To
    ``other`` when rax is no Array with a block or the index no Integer.
    Leaves rdx alone."""
    nil, end = a.label(), a.label()
    _handle_block(a, abi.STATE_ARY_BLOCKS, other)
    a.mov(RAX, qword(RCX, 0))                  # the length
    if kind == abi.ARY_SIZE:
        a.lea(RAX, qword(RAX, 1, RAX, 1))      # as a fixnum
    elif kind == abi.ARY_EMPTY:
        a.test(RAX, RAX)
        a.mov(EAX, abi.FALSE)
        a.mov(R8D, abi.TRUE)
        a.cmovcc("e", RAX, R8)
    elif kind == abi.ARY_FIRST:
        a.test(RAX, RAX)
        a.jcc("e", nil)
        a.mov(RAX, qword(RCX, 8 * abi.ARY_HDR))
    elif kind == abi.ARY_LAST:
        a.test(RAX, RAX)
        a.jcc("e", nil)
        a.mov(RAX, qword(RCX, 8 * abi.ARY_HDR - 8, RAX, 8))
    else:
        pos = a.label()
        a.comment("ary_ref: a negative index counts from the end; out of range: nil")
        a.test(R8, 1)
        a.jcc("e", other)
        a.sar(R8, 1)
        a.jcc("ns", pos)
        a.add(R8, RAX)
        a.bind(pos)
        a.cmp(R8, RAX)
        a.jcc("ae", nil)                       # unsigned: still negative too
        a.mov(RAX, qword(RCX, 8 * abi.ARY_HDR, R8, 8))
    a.mov(cx.R(ins.a), RAX)
    a.jmp(end)
    a.bind(nil)
    a.mov(cx.R(ins.a), abi.NIL)
    a.bind(end)


def _pool_take(a: Asm, pool: Reg, dst: Reg, empty: Label) -> None:
    """dst = the last word of the pool at ``pool`` (runtime/heap.py's
    ``[count, refill, word...]``), taken; to ``empty`` when there is none.
    Clobbers rax."""
    a.mov(RAX, qword(pool, 0))
    a.sub(RAX, 1)
    a.jcc("b", empty)
    a.mov(qword(pool, 0), RAX)
    a.mov(dst, qword(pool, 16, RAX, 8))


def gen_BLOCK(a: Asm, ins: Instruction, cx: Ctx) -> None:
    # R[a] = lambda(Irep[b],L_BLOCK)
    _closure(a, ins, cx, strict=False)


def gen_LAMBDA(a: Asm, ins: Instruction, cx: Ctx) -> None:
    # R[a] = lambda(Irep[b],L_LAMBDA)
    _closure(a, ins, cx, strict=True)


def _closure(a: Asm, ins: Instruction, cx: Ctx, strict: bool) -> None:
    """R[a] = a new Proc of Irep[b] capturing this frame's env, as
    make_proc does, from the closure pools (runtime/heap.py): a blank Proc,
    and a blank env (its cell and buffer made) when the record holds none
    yet, whose cell then points at our registers and goes in our record
    (rl_callinfo.env: our RETURN unshares it).  The Proc's call data
    (rl_vmstate.proc_calls: entry cell, env cell, level-1 env cell, upper
    proc, irep index) and the new env's cell (abi.ENV_HEAD...) hold what
    runtime/natlogs.py makes their Python objects from when Python first
    looks one up, so a closure costs Python nothing until then.  A new env
    of a frame Python has a Frame of (the activation's own, or a view) goes
    in rl_vmstate.closure_log, whose replay gives it to that Frame.  Python
    does it all when a pool is empty, the log is full or the irep has more
    locals than a pooled env's buffer holds."""
    reps = cx.irep.reps
    cell = cx.env.entry_cell(reps[ins.b]) if ins.b < len(reps) else None
    nlocals = cx.irep.nlocals
    if cell is None or nlocals > abi.ENV_POOL_WORDS or ins.b > 0xFFFF:
        cx.call_op(ins)
        return
    slow = cx.slow(ins)
    have_env = a.label()
    a.comment("a Proc (and our env) from the closure pools, unless Python must")
    a.mov(R8, qword(R12, abi.CTX_STATE))
    a.mov(R9, qword(R8, abi.STATE_CLOSURE_LOG_N))
    a.cmp(R9, qword(R8, abi.STATE_CLOSURE_LOG_CAP))
    a.jcc("ae", slow)
    a.mov(RDI, qword(R12, abi.CTX_CI))
    a.mov(RCX, qword(R8, abi.STATE_PROC_POOL))
    a.cmp(qword(RCX, 0), 0)
    a.jcc("e", slow)
    a.mov(RDX, qword(RDI, abi.CI_ENV))
    a.test(RDX, RDX)
    a.jcc("ne", have_env)
    a.comment("no env yet: a pooled one, its registers ours")
    a.mov(R11, qword(R8, abi.STATE_ENV_POOL))
    _pool_take(a, R11, RDX, slow)
    a.mov(qword(RDX, abi.ENV_REGS), RBX)
    a.mov(qword(RDX, abi.ENV_LENGTH), nlocals)
    for field, at in ((abi.CI_TARGET_CLASS, abi.ENV_TC), (0, abi.ENV_HEAD),
                      (abi.CI_STACK, abi.ENV_BASE), (abi.CI_PROC, abi.ENV_UP)):
        a.mov(RSI, qword(RDI, field))   # the record's class, head, register base, proc
        a.mov(qword(RDX, at), RSI)
    a.mov(RSI, qword(R12, abi.CTX_STACK))
    a.mov(qword(RDX, abi.ENV_STACK), RSI)
    named = a.label()
    a.comment("its name: our frame's, or the env's our proc's call data name (a block's,"
              " an aliased method's original name)")
    a.mov(ESI, dword(RDI, abi.CI_MID))
    _call_data(a, R11, qword(RDI, abi.CI_PROC), R8, named)
    a.mov(R11, qword(R11, abi.PROC_ENV))
    a.test(R11, R11)
    a.jcc("e", named)
    a.mov(RSI, qword(R11, abi.ENV_MID))
    a.bind(named)
    a.mov(qword(RDX, abi.ENV_MID), RSI)
    a.mov(qword(RDI, abi.CI_ENV), RDX)
    _log_new_env(a, have_env)
    a.bind(have_env)
    a.comment("the Proc (the pool has one): R[a] and its call data")
    _pool_take(a, RCX, RAX, slow)
    a.mov(cx.R(ins.a), RAX)
    a.shr(RAX, abi.OBJECT_SHIFT)
    a.mov(RSI, qword(R8, abi.STATE_PROC_CALLS))
    a.mov(R11, qword(RSI, 0, RAX, 8))   # its call data (pooled Procs have them)
    a.mov(RSI, cell)
    a.mov(qword(R11, abi.PROC_ENTRY), RSI)
    a.mov(qword(R11, abi.PROC_ENV), RDX)
    a.mov(RSI, qword(RDI, abi.CI_UPVARS))   # our level-0 env: its level 1
    a.mov(qword(R11, abi.PROC_ENV1), RSI)
    a.mov(qword(R11, abi.PROC_FLAGS), abi.PROC_STRICT if strict else 0)
    a.mov(RSI, qword(RDI, abi.CI_PROC))
    a.mov(qword(R11, abi.PROC_UP), RSI)
    a.mov(qword(R11, abi.PROC_IREP), ins.b)


def _log_new_env(a: Asm, done) -> None:
    """The env in rdx is new and our record (rdi) has a Frame in Python
    (it is the activation's own, ctx->act_ci, or a view): log (cell,
    depth, register base, proc) in rl_vmstate.closure_log (r8 the state,
    r9 its entry count, which the caller checked) and set ``logged``; else
    to ``done``.  Clobbers rsi, r11."""
    log = a.label()
    a.cmp(RDI, qword(R12, abi.CTX_ACT_CI))
    a.jcc("e", log)
    a.cmp(qword(RDI, abi.CI_VIEW), 0)
    a.jcc("e", done)
    a.bind(log)
    a.comment("a Frame in Python gets the env when the log is replayed")
    a.mov(R11, R9)
    a.shl(R11, 5)                       # abi.CLOSURE_LOG_WORDS words of 8 bytes
    a.add(R11, qword(R8, abi.STATE_CLOSURE_LOG))
    a.mov(qword(R11, 0), RDX)
    a.mov(RSI, RDI)
    a.sub(RSI, qword(R12, abi.CTX_CIBASE))
    a.shr(RSI, abi.CI_SHIFT)
    a.mov(qword(R11, 8), RSI)           # the record's depth
    a.mov(ESI, dword(RDI, abi.CI_STACK))
    a.mov(qword(R11, 16), RSI)
    a.mov(RSI, qword(RDI, abi.CI_PROC))
    a.mov(qword(R11, 24), RSI)
    a.add(R9, 1)
    a.mov(qword(R8, abi.STATE_CLOSURE_LOG_N), R9)
    a.mov(qword(R8, abi.STATE_LOGGED), 1)


def gen_ARRAY(a: Asm, ins: Instruction, cx: Ctx) -> None:
    # R[a] = ary_new(R[a],R[a+1]..R[a+b])
    _ary_literal(a, ins, cx, ins.a, ins.b)


def gen_ARRAY2(a: Asm, ins: Instruction, cx: Ctx) -> None:
    # R[a] = ary_new(R[b],R[b+1]..R[b+c])
    _ary_literal(a, ins, cx, ins.b, ins.c)


def _ary_literal(a: Asm, ins: Instruction, cx: Ctx, first: int, n: int) -> None:
    """R[a] = a new Array of the ``n`` registers from R[first]: one taken
    from the VM's pool of Arrays (rl_vmstate.ary_pool, runtime/heap.py:
    ``[count, refill, word...]``, each with a native block of
    ARY_LITERAL_MAX words' room), its words and header stored in the block.
    A pooled Array has no Python object (heap.ObjectTable): when Python
    first looks it up, its list is made from the block.  The slow path (a
    longer literal, an empty pool) runs the Python semantics, which then
    refill the pool (runtime/native.py: ``_refilling``)."""
    if n > abi.ARY_LITERAL_MAX:
        cx.call_op(ins)
        return
    slow = cx.slow(ins)
    a.comment(f"an Array of {n} from the pool of Arrays, its words in its block")
    a.mov(R8, qword(R12, abi.CTX_STATE))
    a.mov(RCX, qword(R8, abi.STATE_ARY_POOL))
    _pool_take(a, RCX, RAX, slow)               # the Array's word
    a.mov(R10, RAX)
    a.shr(R10, abi.OBJECT_SHIFT)                # its handle
    a.mov(R11, qword(R8, abi.STATE_ARY_BLOCKS))
    a.mov(R11, qword(R11, 0, R10, 8))           # its block (pooled Arrays have one)
    for j in range(n):
        a.mov(RDX, cx.R(first + j))
        a.mov(qword(R11, 8 * (abi.ARY_HDR + j)), RDX)
    a.comment("its header: the length, room for ARY_LITERAL_MAX, not logged")
    a.mov(qword(R11, abi.ARY_LEN), n)
    a.mov(qword(R11, abi.ARY_CAP), abi.ARY_LITERAL_MAX)
    a.mov(qword(R11, abi.ARY_LOGGED), 0)
    a.mov(cx.R(ins.a), RAX)


def gen_STRING(a: Asm, ins: Instruction, cx: Ctx) -> None:
    # R[a] = str_dup(Pool[b])
    """A String taken from the VM's pool of Strings (``_take_string``), the
    literal's bytes stored in its block as immediates (runtime/natstring.py:
    the String has no Python object until Python looks it up).  A literal
    longer than a block's room runs the Python semantics."""
    lit = cx.irep.pool[ins.b] if ins.b < len(cx.irep.pool) else None
    data = lit.value if lit is not None and lit.tag in (POOL_STR, POOL_SSTR) else None
    if not isinstance(data, bytes) or len(data) > abi.STR_ROOM_BYTES:
        cx.call_op(ins)
        return
    again = a.label()
    a.comment(f"a String of {len(data)} bytes from the pool of Strings, its bytes in its block")
    a.bind(again)
    _take_string(a, cx, ins, again)
    for off in range(0, len(data), 8):
        a.mov(RDX, int.from_bytes(data[off:off + 8], "little"))
        a.mov(qword(R11, 8 * abi.STR_HDR + off), RDX)
    a.mov(qword(R11, abi.STR_LEN), len(data))
    a.mov(qword(R11, abi.STR_ROOM), abi.STR_ROOM_BYTES)
    a.mov(cx.R(ins.a), R10)


def gen_STRCAT(a: Asm, ins: Instruction, cx: Ctx) -> None:
    # str_cat(R[a],R[a+1])
    """On a String generated code owns (natstring.py), in its block: the
    bytes of another such String (``_str_append``), or the decimal digits
    of a fixnum (mrb_obj_as_string converts an Integer without calling its
    to_s), while they fit its room.  Anything else runs the Python
    semantics (mrb_str_concat)."""
    slow, fix, done = cx.slow(ins), a.label(), a.label()
    a.mov(R8, cx.R(ins.a + 1))
    a.test(R8, 1)
    a.jcc("ne", fix)
    a.mov(RAX, cx.R(ins.a))
    _str_append(a, slow)
    a.jmp(done)
    a.bind(fix)
    _str_block(a, cx.R(ins.a), RSI, R9, slow)
    _append_digits(a, slow)
    a.bind(done)


def _append_digits(a: Asm, other: Label) -> None:
    """Append the decimal digits of the fixnum word in r8 to the String
    block in rsi when 20 bytes (19 digits and a sign) fit its room, else
    go to ``other``.  The digits are written backwards from the room's
    end, then moved down after the bytes (the source lies above)."""
    a.mov(R9, qword(RSI, abi.STR_LEN))
    a.lea(R10, qword(R9, 20))
    a.cmp(R10, qword(RSI, abi.STR_ROOM))
    a.jcc("a", other)
    a.mov(RAX, R8)
    a.mov(R8, RSI)
    a.mov(R10, qword(R8, abi.STR_ROOM))
    a.lea(RDI, qword(R8, 8 * abi.STR_HDR, R10, 1))
    a.mov(R10, RDI)
    _digits_backwards(a, R11D)
    a.mov(RCX, R10)
    a.sub(RCX, RDI)
    a.mov(RSI, RDI)
    a.lea(RDI, qword(R8, 8 * abi.STR_HDR, R9, 1))
    a.add(R9, RCX)
    a.mov(qword(R8, abi.STR_LEN), R9)
    a.rep_movsb()


# -- Strings generated code owns (runtime/natstring.py) ---------------------

def _str_block(a: Asm, word, dst: Reg, tmp: Reg, other: Label) -> None:
    """dst = the block (natstring.py: length, room, bytes) of the String
    whose word is ``word`` (a register or R[i]) while generated code owns
    it; to ``other`` for anything else (no heap object, a String Python
    owns, not a String).  Clobbers ``tmp``."""
    a.mov(dst, word)
    a.lea(tmp, qword(dst, -abi.OBJECT_TAG))
    a.test(tmp, abi.OBJECT_MASK)
    a.jcc("ne", other)
    a.shr(tmp, abi.OBJECT_SHIFT)
    a.mov(dst, qword(R12, abi.CTX_STATE))
    a.mov(dst, qword(dst, abi.STATE_STR_BLOCKS))
    a.mov(dst, qword(dst, 0, tmp, 8))
    a.test(dst, dst)
    a.jcc("e", other)


def _take_string(a: Asm, cx: Ctx, ins: Instruction, again: Label) -> None:
    """r10 = the word of a String taken from the pool of Strings
    (rl_vmstate.str_pool), r11 = its block, whose header the caller
    writes.  An empty pool: the callback OPK_STRINGS fills it, then the
    template starts again at ``again`` (the callback clobbers every scratch
    register).  Clobbers rax, rcx, r8, r9."""
    empty = a.label()
    a.mov(R8, qword(R12, abi.CTX_STATE))
    a.mov(RCX, qword(R8, abi.STATE_STR_POOL))
    _pool_take(a, RCX, R10, empty)
    a.mov(R11, R10)
    a.shr(R11, abi.OBJECT_SHIFT)
    a.mov(R9, qword(R8, abi.STATE_STR_BLOCKS))
    a.mov(R11, qword(R9, 0, R11, 8))
    taken = a.label()
    if a.in_cold:                       # the stub goes here, jumped over
        a.jmp(taken)
    with a.cold():
        a.bind(empty)
        cx.call_raw(ins, abi.OPK_STRINGS)
        a.test(RAX, RAX)
        a.jcc("e", again)
        a.jmp(cx.status)
    a.bind(taken)


def _str_plus(a: Asm, cx: Ctx, ins: Instruction, entry: Label, slow: Label) -> None:
    """Out of line: OP_ADD of two Strings generated code owns (mruby 3.1's
    OP_MATH_CASE_STRING_add: mrb_str_plus, whatever String#+ is) into a new
    String of the pool, when the bytes fit a block; else ``slow``."""
    with a.cold():
        a.bind(entry)
        a.comment("String + String: both blocks, a new String of the pool")
        _str_block(a, cx.R(ins.a), RDX, RAX, slow)
        _str_block(a, cx.R(ins.a + 1), RSI, RAX, slow)
        a.mov(RAX, qword(RDX, abi.STR_LEN))
        a.add(RAX, qword(RSI, abi.STR_LEN))
        a.cmp(RAX, abi.STR_ROOM_BYTES)
        a.jcc("a", slow)
        _take_string(a, cx, ins, entry)
        a.mov(R8, qword(RSI, abi.STR_LEN))
        a.mov(R9, RSI)
        a.mov(RCX, qword(RDX, abi.STR_LEN))
        a.lea(RSI, qword(RDX, 8 * abi.STR_HDR))
        a.lea(RDI, qword(R11, 8 * abi.STR_HDR))
        a.rep_movsb()
        a.mov(RCX, R8)
        a.lea(RSI, qword(R9, 8 * abi.STR_HDR))
        a.rep_movsb()
        a.add(R8, qword(RDX, abi.STR_LEN))
        a.mov(qword(R11, abi.STR_LEN), R8)
        a.mov(qword(R11, abi.STR_ROOM), abi.STR_ROOM_BYTES)
        a.mov(cx.R(ins.a), R10)
        a.jmp(cx.next(ins))


def _str_append(a: Asm, other: Label) -> None:
    """``<<`` of the String whose word is in r8 onto the one in rax (R[a]
    stays the receiver, which is what it returns), both owned by generated
    code (so neither is frozen), while the receiver's block has room.  To
    ``other`` otherwise.  Leaves rdx alone."""
    _str_block(a, RAX, RSI, R9, other)
    _str_block(a, R8, RDI, R9, other)
    a.mov(R9, qword(RSI, abi.STR_LEN))
    a.mov(R10, qword(RDI, abi.STR_LEN))
    a.lea(R11, qword(R9, 0, R10, 1))
    a.cmp(R11, qword(RSI, abi.STR_ROOM))
    a.jcc("a", other)
    a.mov(qword(RSI, abi.STR_LEN), R11)
    a.mov(RCX, R10)
    a.lea(RAX, qword(RDI, 8 * abi.STR_HDR))
    a.lea(RDI, qword(RSI, 8 * abi.STR_HDR, R9, 1))
    a.mov(RSI, RAX)
    a.rep_movsb()


def _int_to_s(a: Asm, cx: Ctx, ins: Instruction) -> None:
    """``Integer#to_s`` of the fixnum in R[a]: a String of the pool
    holding its decimal digits (at most 20 bytes with the sign: a block
    has room), in R[a]."""
    again = a.label()
    a.bind(again)
    _take_string(a, cx, ins, again)
    a.mov(RAX, cx.R(ins.a))
    a.comment("the digits from the block's end backwards, then moved to its start")
    a.lea(RDI, qword(R11, 8 * abi.STR_WORDS))
    _digits_backwards(a, ESI)
    a.lea(RCX, qword(R11, 8 * abi.STR_WORDS))
    a.sub(RCX, RDI)
    a.mov(qword(R11, abi.STR_LEN), RCX)
    a.mov(qword(R11, abi.STR_ROOM), abi.STR_ROOM_BYTES)
    a.mov(RSI, RDI)
    a.lea(RDI, qword(R11, 8 * abi.STR_HDR))
    a.rep_movsb()                       # forward: the source lies above
    a.mov(cx.R(ins.a), R10)


def _digits_backwards(a: Asm, sign: Reg) -> None:
    """The decimal digits (and '-') of the fixnum word in rax, written
    backwards ending before rdi; rdi = their first byte.  Clobbers rax,
    rcx, rdx and the 32-bit register ``sign``."""
    digit, positive, unsigned = a.label(), a.label(), a.label()
    a.sar(RAX, 1)
    a.xor(sign, sign)
    a.test(RAX, RAX)
    a.jcc("ns", positive)
    a.neg(RAX)
    a.mov(sign, 1)
    a.bind(positive)
    a.mov(ECX, 10)
    a.bind(digit)
    a.cqo()
    a.idiv(RCX)
    a.add(EDX, ord("0"))
    a.sub(RDI, 1)
    a.mov(byte(RDI, 0), DL)
    a.test(RAX, RAX)
    a.jcc("ne", digit)
    a.test(sign, sign)
    a.jcc("e", unsigned)
    a.sub(RDI, 1)
    a.mov(byte(RDI, 0), ord("-"))
    a.bind(unsigned)


def _ary_push(a: Asm, other: Label) -> None:
    """``push``/``<<`` of the word in r8 onto the Array whose word is in rax
    (R[a] stays the receiver, which is what push returns) while its block
    has room and is not frozen (writable capacity 0); the first append logs
    the handle in rl_vmstate.ary_log, whose entries Python replays into the
    list (runtime/natlogs.py) before it runs anything.  To ``other`` when
    there is no block, no room or the log is full.  Leaves rdx alone."""
    logged = a.label()
    _handle_block(a, abi.STATE_ARY_BLOCKS, other)     # rcx = block, rax = handle
    a.mov(R9, qword(RCX, abi.ARY_LEN))
    a.cmp(R9, qword(RCX, abi.ARY_CAP))
    a.jcc("ae", other)
    a.cmp(qword(RCX, abi.ARY_LOGGED), 0)
    a.jcc("ne", logged)
    a.comment("first change since Python last looked: log the handle")
    a.lea(R10, qword(R9, 1))
    _log_array(a, RAX, RCX, R10, other)
    a.bind(logged)
    a.mov(qword(RCX, 8 * abi.ARY_HDR, R9, 8), R8)
    a.add(R9, 1)
    a.mov(qword(RCX, abi.ARY_LEN), R9)


def _ary_take(a: Asm, cx: Ctx, ins: Instruction, kind: int, other: Label) -> None:
    """R[a] = ``pop`` (kind ARY_POP) or ``shift`` (ARY_SHIFT) of the Array
    whose word is in rax, on its block: the last word, or the first with
    the rest moved down one (rep movsq) when no longer than a literal, else
    with the block's start moved up (``_ary_shift_in_place``); nil when it
    is empty.  The block's log word keeps the least length it
    had since it was logged, so the replay (natarray.replay_appends) cuts
    the list there before it appends what follows.  To ``other`` when
    there is no block, it is frozen (ary_modify's FrozenError comes even
    when empty) or the log is full.  Leaves rdx alone."""
    empty, end, logged, advance = a.label(), a.label(), a.label(), a.label()
    _handle_block(a, abi.STATE_ARY_BLOCKS, other)     # rcx = block, rax = handle
    a.cmp(qword(RCX, abi.ARY_CAP), 0)
    a.jcc("e", other)
    a.mov(R9, qword(RCX, abi.ARY_LEN))
    a.sub(R9, 1)
    a.jcc("b", empty)
    if kind == abi.ARY_SHIFT:
        a.cmp(R9, abi.ARY_LITERAL_MAX)
        a.jcc("ae", advance)            # longer than any literal block: no words move
    a.comment("1 + the length after the take, or 1 for a shift: the log word if below")
    if kind == abi.ARY_SHIFT:
        a.mov(R10D, 1)
    else:
        a.lea(R10, qword(R9, 1))
    a.mov(R11, qword(RCX, abi.ARY_LOGGED))
    a.test(R11, R11)
    a.jcc("ne", logged)
    _log_array(a, RAX, RCX, R10, other)
    a.mov(R11, R10)
    a.bind(logged)
    a.cmp(R10, R11)
    a.cmovcc("a", R10, R11)
    a.mov(qword(RCX, abi.ARY_LOGGED), R10)
    a.mov(qword(RCX, abi.ARY_LEN), R9)
    if kind == abi.ARY_POP:
        a.mov(RAX, qword(RCX, 8 * abi.ARY_HDR, R9, 8))
    else:
        a.mov(RAX, qword(RCX, 8 * abi.ARY_HDR))
        a.mov(R8, RCX)
        a.mov(RCX, R9)
        a.lea(RDI, qword(R8, 8 * abi.ARY_HDR))
        a.lea(RSI, qword(R8, 8 * abi.ARY_HDR + 8))
        a.rep_movsq()
    a.mov(cx.R(ins.a), RAX)
    a.jmp(end)
    if kind == abi.ARY_SHIFT:
        _ary_shift_in_place(a, cx, ins, advance, other)
        a.jmp(end)
    a.bind(empty)
    a.mov(cx.R(ins.a), abi.NIL)
    a.bind(end)


def _ary_shift_in_place(a: Asm, cx: Ctx, ins: Instruction, here: Label, other: Label) -> None:
    """At ``here``: R[a] = ``shift`` of the block in rcx (the Array's handle
    in rax, its length less one in r9) by moving the block's start one word
    up, as natarray.py describes: the new header (length, capacity less one,
    log word) over the first element's slot, ``ary_blocks`` pointing at it.
    The log word, 1 + the least length in the block's own indexing, drops
    by one with it (1 at least); a first change logs the handle with 1 + the
    whole length."""
    logged = a.label()
    a.bind(here)
    a.mov(R11, qword(RCX, abi.ARY_LOGGED))
    a.test(R11, R11)
    a.jcc("ne", logged)
    a.lea(R10, qword(R9, 2))
    _log_array(a, RAX, RCX, R10, other)
    a.mov(R11, R10)
    a.bind(logged)
    a.sub(R11, 1)
    a.mov(R10D, 1)
    a.cmp(R11, 1)
    a.cmovcc("ae", R10, R11)
    a.mov(R8, qword(RCX, abi.ARY_CAP))
    a.sub(R8, 1)
    a.mov(RSI, qword(RCX, 8 * abi.ARY_HDR))     # the first element
    a.mov(qword(RCX, 8 + abi.ARY_LEN), R9)
    a.mov(qword(RCX, 8 + abi.ARY_CAP), R8)
    a.mov(qword(RCX, 8 + abi.ARY_LOGGED), R10)
    a.lea(R8, qword(RCX, 8))
    a.mov(RDI, qword(R12, abi.CTX_STATE))
    a.mov(RDI, qword(RDI, abi.STATE_ARY_BLOCKS))
    a.mov(qword(RDI, 0, RAX, 8), R8)
    a.mov(cx.R(ins.a), RSI)


def _log_array(a: Asm, handle: Reg, blk: Reg, mark: Reg, full: Label) -> None:
    """rl_vmstate.ary_log gets the Array ``handle`` whose block is in
    ``blk``, whose log word becomes ``mark`` (1 + the least length Python's
    list keeps), so runtime/natlogs.py gives the Array's list what its block
    gained or lost; to ``full`` when the log has no room.  Clobbers
    r11 and rdi."""
    a.mov(RDI, qword(R12, abi.CTX_STATE))
    a.mov(R11, qword(RDI, abi.STATE_ARY_LOG_N))
    a.cmp(R11, qword(RDI, abi.STATE_ARY_LOG_CAP))
    a.jcc("ae", full)
    a.mov(qword(blk, abi.ARY_LOGGED), mark)
    a.add(qword(RDI, abi.STATE_ARY_LOG_N), 1)
    a.mov(qword(RDI, abi.STATE_LOGGED), 1)
    a.mov(RDI, qword(RDI, abi.STATE_ARY_LOG))
    a.mov(qword(RDI, 0, R11, 8), handle)


def gen_SETIDX(a: Asm, ins: Instruction, cx: Ctx) -> None:
    # R[a][R[a+1]] = R[a+2]
    _leaf_op(a, ins, cx)


def _leaf_op(a: Asm, ins: Instruction, cx: Ctx) -> None:
    """The light callback OPK_LEAF (runtime/leaves.py: an Array or Hash
    element without Ruby code, no Frame views), else the Python semantics."""
    done = a.label()
    _leaf_call(a, ins, cx, cx.slow(ins), done)
    a.bind(done)


def _attr_ivar(a: Asm, ins: Instruction, cx: Ctx, n: int, miss: Label, slow: Label,
               not_attr: Label) -> None:
    """The send's cache holds an attr_reader (n = 0) or attr_writer (n = 1)
    of the receiver's class (rdx = the site): GETIV or SETIV on the
    receiver's ivar block when its shape is the cache's, as gen_GETIV and
    gen_SETIV do; another builtin goes to ``not_attr``."""
    a.test(qword(RDX, abi.SITE_FLAGS), abi.SITE_IVAR_WRITER if n else abi.SITE_IVAR_READER)
    a.jcc("e", not_attr)
    a.mov(RAX, cx.R(ins.a))
    _ivar_slot(a, cx, miss, slow, store=bool(n))
    if n == 0:
        a.mov(RAX, qword(RCX, 8 * abi.IV_HDR, RAX, 8))
        a.mov(cx.R(ins.a), RAX)
        return
    a.mov(R8, cx.R(ins.a + 1))
    a.mov(qword(RCX, 8 * abi.IV_HDR, RAX, 8), R8)
    a.mov(cx.R(ins.a), R8)                 # the writer's value: its argument


def _upvar_address(a: Asm, ins: Instruction, cx: Ctx) -> bool:
    """rax = the address of the registers of the env of level 0 or 1 (the
    record's env cell, abi.CI_UPVARS or CI_UPVARS1) when it has R[b], else
    the slow path; False when only Python can (a deeper level: uvenv walks
    the procs)."""
    if ins.c > 1:
        return False
    slow = cx.slow(ins)
    a.comment(f"the env's registers: *ctx->ci->upvars (level {ins.c}), if the env has R[b]")
    _env_cell(a, ins.c, ins.b, slow)    # uvget of an index the env has not: nil, in Python
    a.mov(RAX, qword(RAX, abi.ENV_REGS))
    a.test(RAX, RAX)
    a.jcc("e", slow)
    return True


def _env_cell(a: Asm, level: int, index: int, slow: Label) -> None:
    """rax = the cell (abi.ENV_*) of the env of upvar level 0 or 1 the
    running record names (rl_callinfo.upvars, upvars1), when it has
    register ``index``; else to ``slow``."""
    a.mov(RAX, qword(R12, abi.CTX_CI))
    a.mov(RAX, qword(RAX, abi.CI_UPVARS1 if level else abi.CI_UPVARS))
    a.test(RAX, RAX)
    a.jcc("e", slow)
    a.cmp(qword(RAX, abi.ENV_LENGTH), index)
    a.jcc("be", slow)


def gen_GETUPVAR(a: Asm, ins: Instruction, cx: Ctx) -> None:
    # R[a] = uvget(b,c)
    if not _upvar_address(a, ins, cx):
        cx.call_op(ins)
        return
    a.mov(RCX, qword(RAX, 8 * ins.b))
    a.mov(cx.R(ins.a), RCX)


def gen_SETUPVAR(a: Asm, ins: Instruction, cx: Ctx) -> None:
    # uvset(b,c,R[a])
    if not _upvar_address(a, ins, cx):
        cx.call_op(ins)
        return
    a.mov(RCX, cx.R(ins.a))
    a.mov(qword(RAX, 8 * ins.b), RCX)


def gen_BLKPUSH(a: Asm, ins: Instruction, cx: Ctx) -> None:
    # R[a] = block (16=m5:r1:m5:d1:lv4)
    b = ins.b
    idx = ((b >> 11) & 0x3F) + ((b >> 10) & 0x1) + ((b >> 5) & 0x1F) + ((b >> 4) & 0x1)
    lv = b & 0xF
    slow = cx.slow(ins)
    if lv in (1, 2):
        a.comment(f"the block argument of the frame {lv} level(s) out: R[{1 + idx}] of the env"
                  " our record's upvars name, when it has it and is not a finished top level")
        _env_cell(a, lv - 1, 1 + idx, slow)
        a.cmp(qword(RAX, abi.ENV_MID), 0)
        a.jcc("e", slow)                # mruby's check of a top-level env is Python's
        a.mov(RAX, qword(RAX, abi.ENV_REGS))
        a.mov(RAX, qword(RAX, 8 * (1 + idx)))
    elif lv or 1 + idx >= cx.irep.nregs:
        cx.call_op(ins)             # the block of a method further out: through its env
        return
    else:
        a.comment("this method's block argument")
        a.mov(RAX, cx.R(1 + idx))
    a.comment("nil: Python raises LocalJumpError")
    a.cmp(RAX, abi.NIL)
    a.jcc("e", slow)
    a.mov(cx.R(ins.a), RAX)


def _ivar_block(a: Asm, cx: Ctx, slow: Label) -> None:
    """rcx = the ivar block (runtime/shapes.py) of the object whose word is
    in rax; the slow path for anything else (a special constant, a class,
    an object without a block)."""
    _handle_block(a, abi.STATE_IV_BLOCKS, slow)


def _handle_block(a: Asm, table: int, other: Label) -> None:
    """rcx = state->table[word >> 3] for the heap object whose word is in
    rax (a block address by handle, runtime/shapes.HandleTable); to
    ``other`` for a special constant or a 0 entry."""
    a.mov(ECX, EAX)
    a.and_(ECX, abi.OBJECT_MASK)
    a.cmp(ECX, abi.OBJECT_TAG)
    a.jcc("ne", other)
    a.shr(RAX, abi.OBJECT_SHIFT)
    a.mov(RCX, qword(R12, abi.CTX_STATE))
    a.mov(RCX, qword(RCX, table))
    a.mov(RCX, qword(RCX, 0, RAX, 8))
    a.test(RCX, RCX)
    a.jcc("e", other)


def _fill_or_slow(a: Asm, ins: Instruction, cx: Ctx, retry: Label, slow: Label) -> None:
    """Cold: fill the site's cache (OPK_FILL) and try again, or run the
    Python semantics when the runtime says the fast path cannot serve."""
    cx.call_raw(ins, abi.OPK_FILL)
    a.test(RAX, RAX)
    a.jcc("e", retry)
    a.cmp(EAX, abi.ST_ERROR)          # the callback itself failed (an interrupt)
    a.jcc("e", cx.status)
    a.jmp(slow)


def _ivar_slot(a: Asm, cx: Ctx, miss: Label, slow: Label, store: bool) -> None:
    """With rax = an object's word and rdx = the site: rcx = its ivar block,
    rax = the slot the cache names, when the block's shape is the cache's;
    for a store (``store``) the slot must also be below the writable
    capacity (0 while frozen), and the block takes the shape after it."""
    _ivar_block(a, cx, slow)
    a.mov(R8, qword(RCX, 0))
    a.cmp(R8, qword(RDX, abi.SITE_IV_SHAPE))
    a.jcc("ne", miss)
    a.mov(RAX, qword(RDX, abi.SITE_IV_SLOT))
    if store:
        a.cmp(RAX, qword(RCX, 8))
        a.jcc("ae", miss)
        a.comment("the shape after the store (a new variable: the next shape)")
        a.mov(R8, qword(RDX, abi.SITE_IV_NEXT))
        a.mov(qword(RCX, 0), R8)


def gen_GETIV(a: Asm, ins: Instruction, cx: Ctx) -> None:
    # R[a] = ivget(Syms[b])
    _ivar_op(a, ins, cx, store=False)


def gen_SETIV(a: Asm, ins: Instruction, cx: Ctx) -> None:
    # ivset(Syms[b],R[a])
    _ivar_op(a, ins, cx, store=True)


def _ivar_op(a: Asm, ins: Instruction, cx: Ctx, store: bool) -> None:
    """GETIV (R[a] = the slot) or SETIV (the slot = R[a]) on self's ivar
    block when its shape is the cache's (a store: the slot writable, the
    block taking the shape after it); a miss fills the cache and tries
    again, and what the cache cannot serve runs the Python semantics."""
    slow = cx.slow(ins)
    retry, miss = a.label(), a.label()
    a.comment("self's ivar block in the cache's shape: the slot the cache names")
    a.bind(retry)
    a.mov(RAX, cx.R(0))
    a.lea(RDX, cx.site(ins))
    _ivar_slot(a, cx, miss, slow, store=store)
    if store:
        a.mov(R8, cx.R(ins.a))
        a.mov(qword(RCX, 8 * abi.IV_HDR, RAX, 8), R8)
    else:
        a.mov(RAX, qword(RCX, 8 * abi.IV_HDR, RAX, 8))
        a.mov(cx.R(ins.a), RAX)
    with a.cold():
        a.bind(miss)
        _fill_or_slow(a, ins, cx, retry, slow)


def gen_GETCONST(a: Asm, ins: Instruction, cx: Ctx) -> None:
    # R[a] = constget(Syms[b])
    slow = cx.slow(ins)
    site = cx.site(ins)
    retry, miss = a.label(), a.label()
    a.comment("the value the cache holds while no constant changed and the frame's proc is its")
    a.bind(retry)
    a.lea(RDX, site)
    a.mov(RAX, qword(R12, abi.CTX_CONST_SERIAL))
    a.mov(RAX, qword(RAX, 0))
    a.cmp(RAX, qword(RDX, abi.SITE_SERIAL))
    a.jcc("ne", miss)
    a.mov(RAX, qword(R12, abi.CTX_CI))
    a.mov(RAX, qword(RAX, abi.CI_PROC))
    a.cmp(RAX, qword(RDX, abi.SITE_PROC))
    a.jcc("ne", miss)
    a.mov(RAX, qword(RDX, abi.SITE_VALUE))
    a.mov(cx.R(ins.a), RAX)
    with a.cold():
        a.bind(miss)
        _fill_or_slow(a, ins, cx, retry, slow)


def _int_and(a: Asm, slow: Label) -> None:
    a.comment("int_and: (2x+1) & (2y+1) = 2(x&y)+1")
    a.and_(RAX, RCX)


def _int_or(a: Asm, slow: Label) -> None:
    a.comment("int_or: (2x+1) | (2y+1) = 2(x|y)+1")
    a.or_(RAX, RCX)


def _int_xor(a: Asm, slow: Label) -> None:
    a.comment("int_xor: (2x+1) ^ (2y+1) = 2(x^y), tag it again")
    a.xor(RAX, RCX)
    a.or_(RAX, 1)


def _int_lshift(a: Asm, slow: Label) -> None:
    a.comment("int_lshift: 0 <= width <= 63 and the result a fixnum, else Python")
    a.sar(RCX, 1)
    a.cmp(RCX, 63)
    a.jcc("a", slow)                   # unsigned: negative widths too
    a.sub(RAX, 1)                      # 2x
    a.mov(RDX, RAX)
    a.shl(RDX, CL)
    a.mov(R8, RDX)
    a.sar(R8, CL)
    a.cmp(R8, RAX)
    a.jcc("ne", slow)                  # bits lost: a bigger Integer or RangeError
    a.lea(RAX, qword(RDX, 1))


def _int_rshift(a: Asm, slow: Label) -> None:
    a.comment("int_rshift: width >= 0 (widths past 63 shift out every bit), else Python")
    a.sar(RCX, 1)
    a.jcc("s", slow)
    a.mov(EDX, 63)
    a.cmp(RCX, RDX)
    a.cmovcc("a", RCX, RDX)
    a.sar(RAX, 1)
    a.sar(RAX, CL)
    a.add(RAX, RAX)
    a.or_(RAX, 1)


def _int_mod(a: Asm, slow: Label) -> None:
    a.comment("int_mod: the remainder takes the divisor's sign; 0 goes to Python")
    done = a.label()
    a.sar(RAX, 1)
    a.sar(RCX, 1)
    a.test(RCX, RCX)
    a.jcc("e", slow)                   # ZeroDivisionError
    a.cqo()
    a.idiv(RCX)                        # 63-bit operands: never the INT64_MIN/-1 trap
    a.test(RDX, RDX)
    a.jcc("e", done)
    a.mov(RAX, RDX)
    a.xor(RAX, RCX)
    a.jcc("ns", done)
    a.add(RDX, RCX)
    a.bind(done)
    a.lea(RAX, qword(RDX, 1, RDX, 1))


def _int_neq(a: Asm, slow: Label) -> None:
    a.comment("BasicObject#!= of two fixnums: !(x == y)")
    a.cmp(RAX, RCX)
    a.mov(EAX, abi.TRUE)
    a.mov(EDX, abi.FALSE)
    a.cmovcc("e", RAX, RDX)


def _int_cmp(a: Asm, slow: Label) -> None:
    a.comment("num_cmp of two fixnums: -1, 0 or 1")
    a.cmp(RAX, RCX)
    a.mov(EAX, abi.fixnum(0))
    a.mov(RDX, abi.fixnum(-1) - (1 << 64))
    a.cmovcc("l", RAX, RDX)
    a.mov(EDX, abi.fixnum(1))
    a.cmovcc("g", RAX, RDX)


def _int_neg(a: Asm, slow: Label) -> None:
    a.comment("-x: 2 - (2x+1) = 2(-x)+1; -(-2**62) is not a fixnum")
    a.mov(EDX, 2)
    a.sub(RDX, RAX)
    a.jcc("o", slow)
    a.mov(RAX, RDX)


def _int_rev(a: Asm, slow: Label) -> None:
    a.comment("int_rev: ~(2x+1) ^ 1 = 2(~x)+1")
    a.xor(RAX, -2)


_INT_SENDS: dict[str, Callable[[Asm, Label], None]] = {
    "&": _int_and, "|": _int_or, "^": _int_xor, "<<": _int_lshift, ">>": _int_rshift,
    "%": _int_mod, "!=": _int_neq, "<=>": _int_cmp, "-@": _int_neg, "~": _int_rev,
}


def gen_ENTER(a: Asm, ins: Instruction, cx: Ctx) -> None:
    # arg setup according to flags (23=m5:o5:r1:m5:k5:d1:b1)
    m1 = (ins.a >> 18) & 0x1F
    only_required = (ins.a & ~((0x1F << 18) | 0x1)) == 0     # o, r, m2, k, d all 0
    if not only_required or m1 >= abi.CALL_MAXARGS:
        cx.call_op(ins)
        return
    # Exactly m1 positional arguments and no keywords: the arguments and the
    # block are where the caller put them, nothing to convert or check; what
    # is left of op_enter is clearing the locals after the block slot.
    a.comment(f"inline when the caller passed exactly {m1} arguments, no keywords")
    a.cmp(R14, m1)
    a.jcc("ne", cx.slow(ins))
    for i in range(m1 + 2, cx.irep.nlocals):
        a.mov(cx.R(i), abi.NIL)


def gen_RETURN(a: Asm, ins: Instruction, cx: Ctx) -> None:
    # return R[a] (normal)
    _return(a, ins, cx, cx.R(ins.a))


def _return(a: Asm, ins: Instruction, cx: Ctx, value) -> None:
    """Return ``value`` (a register or memory operand, or a value word)
    from the frame: the RETURN of an irep without ensure clauses."""
    if any(h.type == CATCH_ENSURE for h in cx.irep.handlers):
        cx.call_op(ins)             # an ensure clause may have to run first
        return
    a.comment("no ensure clause in this irep: return it in ctx->retval; a Frame view")
    a.comment("Python holds of this record goes stale (Python drops it: native.py _drop)")
    a.mov(RAX, qword(R12, abi.CTX_CI))
    if not makes_closures(cx.irep):
        a.comment("unless Python made our env (eval, binding): it unshares it, in Python")
        a.test(qword(RAX, abi.CI_VIEW), 1)
        a.jcc("ne", cx.slow(ins))
    else:
        unshare, back = a.label(), a.label()
        a.comment("our env in our record: unshare it first")
        a.mov(RCX, qword(RAX, abi.CI_ENV))
        a.test(RCX, RCX)
        a.jcc("ne", unshare)
        a.bind(back)
        with a.cold():
            a.bind(unshare)
            a.call(cx.unshare_env())
            a.jmp(back)
    a.mov(RAX, value)
    a.mov(qword(R12, abi.CTX_RETVAL), RAX)
    a.mov(RAX, abi.ST_RETVAL)
    a.jmp(cx.exit)


def gen_ADD(a: Asm, ins: Instruction, cx: Ctx) -> None:
    # R[a] = R[a]+R[a+1]
    floats, slow = a.label(), cx.slow(ins)
    _fixnum_pair(a, cx, ins, floats)
    a.sub(RAX, 1)                      # 2x + (2y+1): OF iff x+y leaves the fixnum range
    a.add(RAX, RCX)
    a.jcc("o", slow)
    a.mov(cx.R(ins.a), RAX)
    strings = a.label()
    _float_binop(a, cx, ins, floats, slow, "addsd", strings)
    _str_plus(a, cx, ins, strings, slow)


def gen_ADDI(a: Asm, ins: Instruction, cx: Ctx) -> None:
    # R[a] = R[a]+mrb_int(b)
    _add_imm(a, ins, cx, ins.b)


def _add_imm(a: Asm, ins: Instruction, cx: Ctx, n: int) -> None:
    """R[a] = R[a] + n (ADDI, SUBI with -n): fixnums inline, flonums out of line."""
    floats, slow = a.label(), cx.slow(ins)
    a.mov(RAX, cx.R(ins.a))
    a.test(AL, 1)
    a.jcc("e", floats)
    a.add(RAX, 2 * n)
    a.jcc("o", slow)
    a.mov(cx.R(ins.a), RAX)
    _float_immop(a, cx, ins, floats, slow, n)


def gen_SUB(a: Asm, ins: Instruction, cx: Ctx) -> None:
    # R[a] = R[a]-R[a+1]
    floats, slow = a.label(), cx.slow(ins)
    _fixnum_pair(a, cx, ins, floats)
    a.sub(RAX, RCX)                    # (2x+1) - (2y+1) = 2(x-y)
    a.jcc("o", slow)
    a.or_(RAX, 1)
    a.mov(cx.R(ins.a), RAX)
    _float_binop(a, cx, ins, floats, slow, "subsd")


def gen_SUBI(a: Asm, ins: Instruction, cx: Ctx) -> None:
    # R[a] = R[a]-mrb_int(b)
    _add_imm(a, ins, cx, -ins.b)


def gen_MUL(a: Asm, ins: Instruction, cx: Ctx) -> None:
    # R[a] = R[a]*R[a+1]
    floats, slow = a.label(), cx.slow(ins)
    _fixnum_pair(a, cx, ins, floats)
    a.sar(RAX, 1)                      # x
    a.sub(RCX, 1)                      # 2y
    a.imul(RAX, RCX)                   # 2xy: OF iff x*y leaves the fixnum range
    a.jcc("o", slow)
    a.or_(RAX, 1)
    a.mov(cx.R(ins.a), RAX)
    _float_binop(a, cx, ins, floats, slow, "mulsd")


def gen_DIV(a: Asm, ins: Instruction, cx: Ctx) -> None:
    # R[a] = R[a]/R[a+1]
    floats, slow, done = a.label(), cx.slow(ins), a.label()
    _fixnum_pair(a, cx, ins, floats)
    a.sar(RAX, 1)
    a.sar(RCX, 1)
    a.test(RCX, RCX)
    a.jcc("e", slow)                   # ZeroDivisionError from the Python semantics
    a.mov(R8, RAX)
    a.cqo()
    a.idiv(RCX)                        # 63-bit operands: never the INT64_MIN/-1 trap
    a.comment("mrb_div_int: round toward negative infinity")
    a.test(RDX, RDX)
    a.jcc("e", done)
    a.xor(R8, RCX)
    a.jcc("ns", done)
    a.sub(RAX, 1)
    a.bind(done)
    a.add(RAX, RAX)                    # only -2**62 / -1 leaves the fixnum range
    a.jcc("o", slow)
    a.or_(RAX, 1)
    a.mov(cx.R(ins.a), RAX)
    _float_binop(a, cx, ins, floats, slow, "divsd")


def gen_EQ(a: Asm, ins: Instruction, cx: Ctx) -> None:
    # R[a] = R[a]==R[a+1]
    _compare(a, cx, ins, "e", "e")


def gen_LT(a: Asm, ins: Instruction, cx: Ctx) -> None:
    # R[a] = R[a]<R[a+1]
    _compare(a, cx, ins, "l", "b")


def gen_LE(a: Asm, ins: Instruction, cx: Ctx) -> None:
    # R[a] = R[a]<=R[a+1]
    _compare(a, cx, ins, "le", "be")


def gen_GT(a: Asm, ins: Instruction, cx: Ctx) -> None:
    # R[a] = R[a]>R[a+1]
    _compare(a, cx, ins, "g", "a")


def gen_GE(a: Asm, ins: Instruction, cx: Ctx) -> None:
    # R[a] = R[a]>=R[a+1]
    _compare(a, cx, ins, "ge", "ae")


def gen_EXT1(a: Asm, ins: Instruction, cx: Ctx) -> None:
    # make 1st operand (a) 16bit
    _prefix(ins, cx)


def gen_EXT2(a: Asm, ins: Instruction, cx: Ctx) -> None:
    # make 2nd operand (b) 16bit
    _prefix(ins, cx)


def gen_EXT3(a: Asm, ins: Instruction, cx: Ctx) -> None:
    # make 1st and 2nd operands 16bit
    _prefix(ins, cx)


def _prefix(ins: Instruction, cx: Ctx) -> None:
    # The decoder folds EXT prefixes into the instruction they widen (its
    # operands arrive 16 bits wide), so a prefix never reaches a template.
    raise TranslateError(f"{ins.name} prefix was not folded by the decoder",
                         irep=cx.irep, pc=ins.pc)


Template = Callable[[Asm, Instruction, Ctx], None]

TEMPLATES: dict[str, Template] = {
    "NOP": gen_NOP,
    "MOVE": gen_MOVE,
    "LOADL": gen_LOADL,
    "LOADI": gen_LOADI,
    "LOADINEG": gen_LOADINEG,
    "LOADI__1": gen_LOADI__1,
    "LOADI_0": gen_LOADI_0,
    "LOADI_1": gen_LOADI_1,
    "LOADI_2": gen_LOADI_2,
    "LOADI_3": gen_LOADI_3,
    "LOADI_4": gen_LOADI_4,
    "LOADI_5": gen_LOADI_5,
    "LOADI_6": gen_LOADI_6,
    "LOADI_7": gen_LOADI_7,
    "LOADI16": gen_LOADI16,
    "LOADI32": gen_LOADI32,
    "LOADSYM": gen_LOADSYM,
    "LOADNIL": gen_LOADNIL,
    "LOADSELF": gen_LOADSELF,
    "LOADT": gen_LOADT,
    "LOADF": gen_LOADF,
    "GETIV": gen_GETIV,
    "SETIV": gen_SETIV,
    "GETCONST": gen_GETCONST,
    "GETUPVAR": gen_GETUPVAR,
    "SETUPVAR": gen_SETUPVAR,
    "GETIDX": gen_GETIDX,
    "SETIDX": gen_SETIDX,
    "JMP": gen_JMP,
    "JMPIF": gen_JMPIF,
    "JMPNOT": gen_JMPNOT,
    "JMPNIL": gen_JMPNIL,
    "SSEND": gen_SSEND,
    "SSENDB": gen_SSENDB,
    "SEND": gen_SEND,
    "SENDB": gen_SENDB,
    "ENTER": gen_ENTER,
    "RETURN": gen_RETURN,
    "BLKPUSH": gen_BLKPUSH,
    "ADD": gen_ADD,
    "ADDI": gen_ADDI,
    "SUB": gen_SUB,
    "SUBI": gen_SUBI,
    "MUL": gen_MUL,
    "DIV": gen_DIV,
    "EQ": gen_EQ,
    "LT": gen_LT,
    "LE": gen_LE,
    "GT": gen_GT,
    "GE": gen_GE,
    "ARRAY": gen_ARRAY,
    "ARRAY2": gen_ARRAY2,
    "STRING": gen_STRING,
    "STRCAT": gen_STRCAT,
    "LAMBDA": gen_LAMBDA,
    "BLOCK": gen_BLOCK,
    "EXT1": gen_EXT1,
    "EXT2": gen_EXT2,
    "EXT3": gen_EXT3,
}


def template_for(name: str, table: dict[str, Template] | None = None) -> Template:
    """The template of opcode ``name``: its own in ``table`` (default: this
    module's ``TEMPLATES``; templates40.py has RITE0400's), else the generic
    call of its Python semantics."""
    return (TEMPLATES if table is None else table).get(name, gen_python)
