"""Translate one verified irep into position-independent x86-64 code.

Layout of a translation (all offsets relative to the *entry*)::

    [-T, 0)   pc table: int32 per iseq byte (plus one for ilen), the offset
              from the entry of the code for the instruction starting at that
              pc, or of the bad-pc stub
    0         prologue  (the entry: ``rl_entry`` of runtime/abi.py)
    ...       hot code, one template per RiteVM instruction, in pc order
    ...       stubs: end of iseq, dispatch on ctx->pc, status check, epilogue
    ...       cold code: slow paths (Python calls) and float fast paths

The code reaches nothing by absolute address: branches and the pc table are
RIP-relative, the Python semantics are called through ``ctx->op`` and
counters through ``r13``, so one translation can be copied to any address
(the code cache reinstalls an evicted method from its cached translation,
and the listing needs no executable memory at all).

Machine registers while an irep runs::

    rbx  &R[0] of the running frame  (callee-saved: a frame's window never moves)
    r12  the rl_ctx
    r13  this irep's instruction counters (uint64 per instruction) when counting
    r14  the frame's argument counts at entry, n | nk << 8 (for ENTER)
    rax, rcx, rdx, rsi, rdi, r8-r11, xmm0-3: scratch inside one template
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Optional

from riteload.errors import RiteError
from riteload.model import Instruction, Irep
from runtime import abi

from .asm import (R8, R12, R13, R14, R15, RAX, RBX, RCX, RDI, RDX, RSI, RSP, ESI, Asm, Assembled,
                  AsmError,
                  Label, Mem, dword, qword, rip)

FAKE_BASE = 0x1000_0000     # where translations are assembled; the code is position-independent


class TranslateError(RiteError):
    """An instruction the translator cannot turn into machine code."""


class TranslateEnv:
    """What the translator may ask of a runtime: symbol words for LOADSYM.

    The default stands in for a runtime (listings): symbol ids are handed
    out in order of first use, starting at 1.
    """

    def __init__(self):
        self._syms: dict[str, int] = {}

    def symbol_word(self, name: str) -> Optional[int]:
        sid = self._syms.setdefault(name, len(self._syms) + 1)
        return abi.symbol_word(sid)


# owners of code that belongs to no single instruction
PROLOGUE = "prologue"
STUBS = "stubs"


class Ctx:
    """Per-irep state templates use: labels, slow paths, operand helpers."""

    def __init__(self, asm: Asm, irep: Irep, env: TranslateEnv, counting: bool):
        self.asm = asm
        self.irep = irep
        self.env = env
        self.counting = counting
        self.instructions = irep.instructions
        self.index_of_pc = {ins.pc: i for i, ins in enumerate(self.instructions)}
        self.pc_labels: dict[int, Label] = {}
        for ins in self.instructions:
            lab = asm.label(f"pc{ins.start}")
            self.pc_labels[ins.start] = lab
            if ins.ext:
                self.pc_labels[ins.pc] = lab
        self.end = asm.label("end")           # falling off the iseq
        self.dispatch = asm.label("dispatch")  # jump to ctx->pc
        self.status = asm.label("status")      # rax = nonzero status of a call
        self.exit = asm.label("exit")          # epilogue, rax = status
        self.badpc = asm.label("badpc")
        self._slow: dict[int, Label] = {}
        self._shared: dict[str, Label] = {}
        self.python_sites = 0                  # instructions that may call Python
        self.op_calls = 0                      # instructions that always call Python

    # -- operands and labels --------------------------------------------------
    @staticmethod
    def R(i: int) -> Mem:
        """The register R[i] of the running frame: qword [rbx + 8*i]."""
        return qword(RBX, 8 * i)

    def label_at(self, pc: int) -> Label:
        lab = self.pc_labels.get(pc)
        if lab is None:
            raise TranslateError(f"jump target {pc} is not an instruction boundary",
                                 irep=self.irep, pc=pc)
        return lab

    def next(self, ins: Instruction) -> Label:
        return self.pc_labels.get(ins.next_pc, self.end)

    def jump_target(self, ins: Instruction, offset: int) -> Label:
        """Label of ``next_pc + (int16)offset`` (mruby's ``pc += (int16_t)a``)."""
        if offset >= 0x8000:
            offset -= 0x10000
        return self.label_at(ins.next_pc + offset)

    def shared(self, name: str, emit: Callable[[Asm], None]) -> Label:
        """A subroutine shared by the templates of this irep, emitted once
        (after the cold code, owned by the stubs) the first time it is asked for."""
        lab = self._shared.get(name)
        if lab is None:
            lab = self._shared[name] = self.asm.label(name)
            owner, self.asm.owner = self.asm.owner, STUBS
            with self.asm.subroutines():
                self.asm.bind(lab)
                emit(self.asm)
            self.asm.owner = owner
        return lab

    # -- calls into the Python semantics --------------------------------------
    def _emit_op_call(self, ins: Instruction) -> None:
        a = self.asm
        a.comment(f"OPS[{ins.name!r}](vm, frame, ins@{ins.pc})")
        a.mov(ESI, ins.pc)
        a.call(self._op_call_stub())

    def _op_call_stub(self) -> Label:
        """The subroutine every Python call of this irep goes through (esi = pc):
        ctx->op(ctx, pc) with the stack 16-byte aligned again (our own call
        pushed 8 bytes); it returns on ST_NEXT, and on any other
        status drops its return address and goes to the status stub."""
        def emit(a: Asm) -> None:
            other = a.label()
            a.comment("ctx->op(ctx, pc = esi); return if ST_NEXT (rbx is callee-saved)")
            a.mov(RDI, R12)
            a.sub(RSP, 8)
            a.call(qword(R12, abi.CTX_OP))
            a.add(RSP, 8)
            a.test(RAX, RAX)
            a.jcc("ne", other)
            a.ret()
            a.bind(other)
            a.add(RSP, 8)                   # our return address
            a.jmp(self.status)
        return self.shared("op_call", emit)

    def call_op(self, ins: Instruction) -> None:
        """Inline: run the instruction's Python semantics, then fall through."""
        self.python_sites += 1
        self.op_calls += 1
        self._emit_op_call(ins)

    def slow(self, ins: Instruction) -> Label:
        """A cold stub that runs the Python semantics and resumes after ``ins``."""
        lab = self._slow.get(ins.pc)
        if lab is None:
            self.python_sites += 1
            lab = self._slow[ins.pc] = self.asm.label(f"slow{ins.pc}")
            with self.asm.cold():
                self.asm.bind(lab)
                self._emit_op_call(ins)
                self.asm.jmp(self.next(ins))
        return lab


@dataclass
class Translation:
    """Machine code of one irep, ready to copy anywhere (see the module doc)."""

    irep: Irep
    blob: bytes                   # pc table followed by code
    entry: int                    # offset of the entry in ``blob``
    assembled: Assembled          # for listings: per machine instruction offsets/owners
    python_sites: int = 0
    inline_ops: int = 0           # instructions with an inline fast path
    counting: bool = False

    @property
    def code(self) -> bytes:
        return self.blob[self.entry:]

    @property
    def size(self) -> int:
        return len(self.blob)


def _prologue(a: Asm, cx: Ctx) -> None:
    a.owner = PROLOGUE
    a.comment("rl_entry(ctx, regs, counters, start_pc, argc): save callee-saved registers")
    for r in (RBX, R12, R13, R14, R15):
        a.push(r)                       # 5 pushes + return address: rsp 16-aligned
    a.mov(R12, RDI)
    a.mov(RBX, RSI)
    a.mov(R13, RDX)
    a.mov(R14, R8)
    a.test(RCX, RCX)
    enter_at = a.label("enter_at")
    a.jcc("ne", enter_at)
    with a.cold():
        a.bind(enter_at)
        a.comment("start_pc != 0: continue at that pc")
        a.mov(qword(R12, abi.CTX_PC), RCX)
        a.jmp(cx.dispatch)


def _stubs(a: Asm, cx: Ctx, table_addr: int, ilen: int) -> None:
    a.owner = STUBS
    a.bind(cx.end)
    a.comment("fell off the end of the iseq")
    a.bind(cx.badpc)
    a.mov(RAX, abi.ST_BADPC)
    a.jmp(cx.exit)
    a.bind(cx.status)
    a.comment("status of a Python call: ST_JUMP continues at ctx->pc, others return")
    a.cmp(RAX, abi.ST_JUMP)
    a.jcc("ne", cx.exit)
    a.bind(cx.dispatch)
    a.comment("jump to the code of ctx->pc through the pc table")
    a.mov(RAX, qword(R12, abi.CTX_PC))
    a.cmp(RAX, ilen)
    a.jcc("a", cx.badpc)               # unsigned: negative pcs too
    a.lea(RCX, rip(table_addr))
    a.movsxd(RAX, dword(RCX, 0, RAX, 4))
    a.lea(RCX, rip(FAKE_BASE))
    a.add(RAX, RCX)
    a.jmp(RAX)
    a.bind(cx.exit)
    a.comment("epilogue: return the status")
    for r in (R15, R14, R13, R12, RBX):
        a.pop(r)
    a.ret()


def translate_irep(irep: Irep, *, env: Optional[TranslateEnv] = None,
                   counting: bool = False) -> Translation:
    """Translate a verified irep; raise TranslateError on the first failure."""
    from .templates import TEMPLATES

    if irep.format_version != "0300":
        raise TranslateError(f"RITE{irep.format_version} is not translated (only RITE0300, "
                             "mruby 3.1)", irep=irep)
    env = env or TranslateEnv()
    a = Asm()
    cx = Ctx(a, irep, env, counting)
    ilen = len(irep.iseq)
    table_size = (4 * (ilen + 1) + 15) & ~15
    table_addr = FAKE_BASE - table_size
    inline = 0

    _prologue(a, cx)
    for idx, ins in enumerate(cx.instructions):
        a.owner = idx
        a.bind(cx.pc_labels[ins.start])
        if counting:
            a.comment("count this instruction")
            a.inc(qword(R13, 8 * idx))
        gen = TEMPLATES.get(ins.name)
        if gen is None:
            raise TranslateError(f"no template for {ins.name}", irep=irep, pc=ins.pc)
        before = cx.op_calls
        try:
            handled = gen(a, ins, cx)
        except AsmError as e:
            raise TranslateError(f"{ins.name}: {e}", irep=irep, pc=ins.pc) from None
        if handled is False:
            raise TranslateError(f"cannot translate {ins.name}", irep=irep, pc=ins.pc)
        if cx.op_calls == before:
            inline += 1
    _stubs(a, cx, table_addr, ilen)
    try:
        asm = a.assemble(FAKE_BASE)
    except AsmError as e:
        raise TranslateError(str(e), irep=irep) from None

    bad = asm.offset_of(cx.badpc)
    table = [bad] * (ilen + 1)
    for pc, lab in cx.pc_labels.items():
        table[pc] = asm.offset_of(lab)
    raw = b"".join(int(v).to_bytes(4, "little", signed=True) for v in table)
    raw += b"\0" * (table_size - len(raw))
    return Translation(irep, raw + asm.code, table_size, asm, cx.python_sites, inline, counting)
