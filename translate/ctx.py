"""What a template sees while one irep is translated: ``Ctx``.

``Ctx`` holds the per-irep state the templates of ``templates.py`` and the
driver of ``compiler.py`` share: the labels of every instruction and of the
stubs (end of iseq, dispatch on ``ctx->pc``, status check, epilogue), the
cold slow paths that call the Python semantics, and the subroutines shared by
the templates of one irep.  ``TranslateEnv`` is what the translator may ask
of a runtime, ``TranslateError`` what it raises.  Both ``compiler.py`` and
``templates.py`` import this module; it imports neither.
"""

from __future__ import annotations

from collections.abc import Callable

from riteload.errors import RiteError
from riteload.model import Instruction, Irep
from runtime import abi

from .asm import (
    R8,
    R9,
    R10,
    R11,
    R11D,
    R12,
    R15,
    RAX,
    RBX,
    RCX,
    RDI,
    RDX,
    RSI,
    RSP,
    Asm,
    Label,
    Mem,
    qword,
)


class TranslateError(RiteError):
    """An instruction the translator cannot turn into machine code."""


class TranslateEnv:
    """What the translator may ask of a runtime: symbol words for LOADSYM.

    The default stands in for a runtime (listings): symbol ids are handed
    out in order of first use, starting at 1.
    """

    def __init__(self):
        self._syms: dict[str, int] = {}
        self._cells: dict[int, int] = {}

    def symbol_word(self, name: str) -> int | None:
        sid = self._syms.setdefault(name, len(self._syms) + 1)
        return abi.symbol_word(sid)

    def entry_cell(self, irep: Irep) -> int | None:
        """The address of the entry cell a call of ``irep``'s code goes
        through (BLOCK writes it in the new Proc's keys); None: BLOCK calls
        the runtime.  The default hands out stand-in addresses, one per
        irep, in order of first use."""
        return self._cells.setdefault(id(irep), 0x7000_0000 + 8 * len(self._cells))


def makes_closures(irep: Irep) -> bool:
    """Does the irep make blocks or lambdas (BLOCK, LAMBDA)?  The RETURN
    and error exit of such an irep unshare the env in the frame's record
    (rl_callinfo.env); a frame of another irep has an env only if Python
    made it (eval, binding), in a view, which then returns through Python."""
    return any(ins.name in ("BLOCK", "LAMBDA") for ins in irep.instructions)


# owners of code that belongs to no single instruction
PROLOGUE = "prologue"
STUBS = "stubs"


class Ctx:
    """Per-irep state templates use: labels, slow paths, operand helpers."""

    def __init__(self, asm: Asm, irep: Irep, env: TranslateEnv, counting: bool,
                 exact_floats: bool = False):
        self.asm = asm
        self.irep = irep
        self.env = env
        self.counting = counting
        # the release keeps every bit of a Float (mruby 4.0), not 3.1's truncation
        self.exact_floats = exact_floats
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
        # pcs whose inline path depends on *ctx->redefined (abi.INT_BUILTINS):
        # the runtime makes their slow path refresh those bits
        self.redefinable: list[int] = []
        self.op_calls = 0                      # instructions that always call Python
        # native call sites: pc -> index of its rl_site in the irep's inline caches
        self.sites: dict[int, int] = {}

    def unshare_env(self) -> Label:
        """The subroutine that unshares the running frame's env natively (rcx
        = its cell, abi.ENV_*; rbx = its registers; rax kept): the registers
        copied into the env's buffer, which its cell points at from now on,
        and, when Python has an REnv of it (ENV_SEEN), the cell in
        rl_vmstate.env_log for Python (runtime/natlogs.py), after a callback
        (OPK_FLUSH) that empties the log when it is full.  Nothing to do
        when the cell already points at the buffer."""
        def emit(a: Asm) -> None:
            done, room, copy, copied = a.label(), a.label(), a.label(), a.label()
            a.comment("unshare the env at rcx: registers -> its buffer, cell -> env_log")
            a.push(RAX)                     # the status of an error exit; rsp 16-aligned
            a.mov(RDX, qword(RCX, abi.ENV_BUF))
            a.cmp(qword(RCX, abi.ENV_REGS), RDX)
            a.jcc("e", done)
            a.mov(R8, qword(R12, abi.CTX_STATE))
            a.cmp(qword(RCX, abi.ENV_SEEN), 0)
            a.jcc("e", room)                # no REnv: no log entry, no room needed
            a.mov(R9, qword(R8, abi.STATE_ENV_LOG_N))
            a.cmp(R9, qword(R8, abi.STATE_ENV_LOG_CAP))
            a.jcc("b", room)
            a.comment("the log is full: ctx->op(ctx, OPK_FLUSH | depth) replays it")
            a.push(RCX)
            a.sub(RSP, 8)
            a.mov(RSI, abi.OPK_FLUSH << abi.OPK_SHIFT)
            self._op_arg(a)
            a.call(qword(R12, abi.CTX_OP))
            a.add(RSP, 8)
            a.pop(RCX)
            a.mov(RDX, qword(RCX, abi.ENV_BUF))
            a.mov(R8, qword(R12, abi.CTX_STATE))
            a.mov(R9, qword(R8, abi.STATE_ENV_LOG_N))
            a.bind(room)
            a.mov(R10, qword(RCX, abi.ENV_LENGTH))
            a.xor(R11D, R11D)
            a.bind(copy)
            a.cmp(R11, R10)
            a.jcc("ae", copied)
            a.mov(RAX, qword(RBX, 0, R11, 8))
            a.mov(qword(RDX, 0, R11, 8), RAX)
            a.add(R11, 1)
            a.jmp(copy)
            a.bind(copied)
            a.mov(qword(RCX, abi.ENV_REGS), RDX)
            a.cmp(qword(RCX, abi.ENV_SEEN), 0)
            a.jcc("e", done)
            a.mov(R9, qword(R8, abi.STATE_ENV_LOG_N))
            a.mov(R10, qword(R8, abi.STATE_ENV_LOG))
            a.mov(qword(R10, 0, R9, 8), RCX)
            a.add(R9, 1)
            a.mov(qword(R8, abi.STATE_ENV_LOG_N), R9)
            a.mov(qword(R8, abi.STATE_LOGGED), 1)
            a.bind(done)
            a.pop(RAX)
            a.ret()
        return self.shared("unshare_env", emit)

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
    def site(self, ins: Instruction) -> Mem:
        """The inline cache of the call site ``ins``: its rl_site, at
        ``r15 + SITE_SIZE * index`` (the irep's caches, passed at entry)."""
        idx = self.sites.setdefault(ins.pc, len(self.sites))
        return qword(R15, abi.SITE_SIZE * idx)

    def _emit_op_call(self, ins: Instruction, kind: int = abi.OPK_RUN) -> None:
        a = self.asm
        if kind == abi.OPK_RUN:
            a.comment(f"OPS[{ins.name!r}](vm, frame, ins@{ins.pc})")
        a.mov(RSI, ins.pc | kind << abi.OPK_SHIFT)
        a.call(self._op_call_stub())

    def _op_arg(self, a: Asm) -> None:
        """rdi = ctx, rsi |= the running frame's depth << DEPTH_SHIFT."""
        a.mov(RAX, qword(R12, abi.CTX_CI))
        a.sub(RAX, qword(R12, abi.CTX_CIBASE))
        a.shl(RAX, abi.DEPTH_SHIFT - abi.CI_SHIFT)
        a.or_(RSI, RAX)
        a.mov(RDI, R12)

    def _op_call_stub(self) -> Label:
        """The subroutine every Python call of this irep goes through (rsi =
        pc | kind << OPK_SHIFT): ctx->op(ctx, rsi | depth << DEPTH_SHIFT)
        with the stack 16-byte aligned again (our own call pushed 8 bytes);
        it returns on ST_NEXT, and on any other status drops its return
        address and goes to the status stub."""
        def emit(a: Asm) -> None:
            other = a.label()
            a.comment("ctx->op(ctx, pc | depth | kind); return if ST_NEXT (rbx is callee-saved)")
            self._op_arg(a)
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

    def call_raw(self, ins: Instruction, kind: int) -> None:
        """rax = ctx->op(ctx, pc | depth | kind) for ``ins``, whatever the
        status: the caller decides where to go."""
        def emit(a: Asm) -> None:
            a.comment("rax = ctx->op(ctx, pc | depth | kind)")
            self._op_arg(a)
            a.sub(RSP, 8)
            a.call(qword(R12, abi.CTX_OP))
            a.add(RSP, 8)
            a.ret()
        self.python_sites += 1
        self.asm.mov(RSI, ins.pc | kind << abi.OPK_SHIFT)
        self.asm.call(self.shared("op_raw", emit))

    def call_failed(self, ins: Instruction) -> None:
        """The native callee of the site ``ins`` failed (ST_ERROR): raise it
        again in this frame (a catch handler here, or out of the frame)."""
        self.python_sites += 1
        self._emit_op_call(ins, abi.OPK_FAILED)

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
