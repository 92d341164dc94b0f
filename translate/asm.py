"""The encoder facade: x86-64 assembly in Python, encoded by iced-x86.

This is the only module of riteload that knows how machine code is encoded
(STYLE.md 6).  Templates write assembly through an ``Asm``::

    asm.mov(RAX, qword(RBX, 8 * b))        # mov rax, [rbx + 8*b]
    asm.add(RAX, RCX)
    asm.jcc("o", slow)                     # jo slow
    asm.bind(label)

Operands are ``Reg`` constants (``RAX`` ... ``R15``, ``EAX``..., ``AL``...,
``XMM0``...), ``Mem`` (``qword(base, disp)``, ``dword(...)``, ``rip(label)``),
Python ints (immediates) and ``Label``s (branch and RIP-relative targets).
Each method picks the iced ``Code`` whose operand forms fit, preferring the
shortest immediate; ``Asm.assemble(base)`` lays out the hot stream, then the
cold stream (slow paths, ``with asm.cold():``), then subroutines (``with
asm.subroutines():``, reached only by ``call``), resolves labels and hands
the whole block to iced's ``BlockEncoder``, which also shortens branches.
Every emitted instruction carries an *owner* (which RiteVM instruction or
stub it belongs to) and an optional comment, for the translate listing.
"""

from __future__ import annotations

import itertools
from contextlib import contextmanager

from iced_x86 import BlockEncoder, Code, Decoder, Instruction, MemoryOperand, Register

from riteload.record import FrozenRecord, Record


class AsmError(Exception):
    """An instruction form the facade cannot encode, or an unbound label."""


# ---------------------------------------------------------------------------
# Operands

class Reg(FrozenRecord):
    _FIELDS = ("name", "iced", "kind")

    def __init__(self, name: str, iced: int, kind: str):
        self._set(name=name, iced=iced, kind=kind)     # kind: "64", "32", "8" or "xmm"

    def __repr__(self):
        return self.name


def _regs(kind: str, names: str) -> list[Reg]:
    return [Reg(n, getattr(Register, n.upper()), kind) for n in names.split()]


(RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI,
 R8, R9, R10, R11, R12, R13, R14, R15) = _regs(
    "64", "rax rcx rdx rbx rsp rbp rsi rdi r8 r9 r10 r11 r12 r13 r14 r15")
EAX, ECX, EDX, EBX, ESI, EDI, R8D, R9D, R10D, R11D = _regs(
    "32", "eax ecx edx ebx esi edi r8d r9d r10d r11d")
AL, CL, DL, BL = _regs("8", "al cl dl bl")
XMM0, XMM1, XMM2, XMM3 = _regs("xmm", "xmm0 xmm1 xmm2 xmm3")


class Label:
    """A code position, bound once with ``Asm.bind``; usable before binding."""

    __slots__ = ("name", "_pos")

    def __init__(self, name: str = ""):
        self.name = name
        self._pos: tuple[int, int] | None = None   # (stream, index in stream)

    @property
    def bound(self) -> bool:
        return self._pos is not None

    def __repr__(self):
        return f"Label({self.name!r})"


class Mem:
    """A memory operand: [base + index*scale + disp], or [rip + label].

    Immutable by convention; a plain class with slots rather than a frozen
    dataclass, because templates make one for nearly every instruction and
    a frozen dataclass's __init__ and __hash__ cost microseconds each (the
    translation of an irep makes thousands).  It keeps its iced operand."""

    __slots__ = ("size", "base", "index", "scale", "disp", "target", "absolute", "_op")

    def __init__(self, size: int, base: Reg | None = None, index: Reg | None = None,
                 scale: int = 1, disp: int = 0, target: Label | None = None,
                 absolute: int | None = None):
        self.size = size                # 8, 32 or 64 (bits) ; 0 for lea-only
        self.base = base
        self.index = index
        self.scale = scale
        self.disp = disp
        self.target = target            # RIP-relative label
        self.absolute = absolute        # RIP-relative absolute address
        self._op = None

    def _fields(self) -> tuple:
        return (self.size, self.base, self.index, self.scale, self.disp, self.target,
                self.absolute)

    def __eq__(self, other):
        return type(other) is Mem and self._fields() == other._fields()

    def __hash__(self):
        return hash(self._fields())

    def __repr__(self):
        return (f"Mem(size={self.size}, base={self.base}, index={self.index}, "
                f"scale={self.scale}, disp={self.disp}, target={self.target}, "
                f"absolute={self.absolute})")

    def _iced(self, resolve) -> MemoryOperand:
        if self.target is not None:
            return MemoryOperand(Register.RIP, displ=resolve(self.target))
        if self.absolute is not None:
            return MemoryOperand(Register.RIP, displ=self.absolute)
        m = self._op
        if m is None:
            m = self._op = MemoryOperand(self.base.iced if self.base else Register.NONE,
                                         self.index.iced if self.index else Register.NONE,
                                         self.scale, self.disp, 1 if self.disp else 0)
        return m


def qword(base: Reg, disp: int = 0, index: Reg | None = None, scale: int = 1) -> Mem:
    return Mem(64, base, index, scale, disp)


def dword(base: Reg, disp: int = 0, index: Reg | None = None, scale: int = 1) -> Mem:
    return Mem(32, base, index, scale, disp)


def byte(base: Reg, disp: int = 0, index: Reg | None = None, scale: int = 1) -> Mem:
    return Mem(8, base, index, scale, disp)


def rip(target: Label | int) -> Mem:
    """[rip + label] (or an absolute address reached RIP-relatively)."""
    if isinstance(target, Label):
        return Mem(64, target=target)
    return Mem(64, absolute=target)


Operand = Reg | Mem | int | Label

# ---------------------------------------------------------------------------
# Operand forms, as they appear in iced's Code names

_CODES = frozenset(n for n in dir(Code) if not n.startswith("_"))


def _forms(op: Operand) -> list[str]:
    if isinstance(op, Reg):
        return {"64": ["R64", "RM64"], "32": ["R32", "RM32"], "8": ["R8", "RM8"],
                "xmm": ["XMM", "XMMM64"]}[op.kind]
    if isinstance(op, Mem):
        return {64: ["RM64", "M", "XMMM64"], 32: ["RM32"], 8: ["RM8"], 0: ["M"]}[op.size]
    if isinstance(op, int):
        forms = []
        if op == 1:
            forms.append("1")
        if -128 <= op <= 127:
            forms.append("IMM8")
        if -(1 << 31) <= op < (1 << 31):
            forms.append("IMM32")
        forms.append("IMM64")
        return forms
    raise AsmError(f"bad operand {op!r}")


def _shape(op: Operand):
    """What of ``op`` decides its forms (``_forms``), cheaply: a register's
    kind, a memory operand's size, an immediate's smallest width."""
    t = type(op)
    if t is Reg:
        return op.kind
    if t is Mem:
        return op.size
    if t is int:
        return "1" if op == 1 else "i8" if -128 <= op <= 127 else \
            "i32" if -(1 << 31) <= op < (1 << 31) else "i64"
    return _forms(op)[0]        # anything else: its forms say it (or it is refused)


_CC = ("o no b ae e ne be a s ns p np l ge le g").split()
_PICKED: dict = {}      # (mnemonic, operand shapes...) -> iced Code
_KINDS = {Reg: "r", Mem: "m", Label: "l"}   # _build's operand letters ("i": immediates)


# ---------------------------------------------------------------------------

class Emitted(Record):
    """One instruction as written by a template, before encoding."""

    __slots__ = _FIELDS = ("code", "ops", "owner", "comment")

    def __init__(self, code: int, ops: tuple, owner: object, comment: str = ""):
        self.code = code
        self.ops = ops
        self.owner = owner
        self.comment = comment


class Assembled(Record):
    """The result of ``Asm.assemble``: bytes, and where each instruction landed."""

    _FIELDS = ("code", "base", "offsets", "sizes", "owners", "comments", "cold", "labels")

    def __init__(self, code: bytes, base: int, offsets: list[int], sizes: list[int],
                 owners: list[object], comments: list[str], cold: list[bool],
                 labels: dict | None = None):
        self.code = code
        self.base = base
        self.offsets = offsets      # byte offset of each instruction, in layout order
        self.sizes = sizes
        self.owners = owners        # owner of each instruction, in layout order
        self.comments = comments
        self.cold = cold            # placed out of line (the cold stream)?
        self.labels = {} if labels is None else labels     # Label -> byte offset

    def offset_of(self, label: Label) -> int:
        return self.labels[label]


class Asm:
    """Collects instructions in a hot and a cold stream; see the module doc."""

    _ID_BASE = 0x4000_0000_0000_0000   # instruction ids: non-canonical, never an address

    def __init__(self):
        self._streams: list[list[Emitted]] = [[], [], []]   # hot, cold, subroutines
        self._cur = 0
        self.owner: object = None
        self._pending_comment = ""
        self._labels: list[Label] = []

    # -- streams, owners, labels ---------------------------------------------
    @contextmanager
    def cold(self):
        """Emit into the out-of-line stream (placed after all hot code)."""
        prev = self._cur
        self._cur = 1
        try:
            yield
        finally:
            self._cur = prev

    @property
    def in_cold(self) -> bool:
        """Is code going to the out-of-line stream now (``cold``)?"""
        return self._cur == 1

    @contextmanager
    def subroutines(self):
        """Emit into the last stream, after the cold one: code only reached by
        ``call``, which must never be fallen into from other code."""
        prev = self._cur
        self._cur = 2
        try:
            yield
        finally:
            self._cur = prev

    def label(self, name: str = "") -> Label:
        lab = Label(name)
        self._labels.append(lab)
        return lab

    def bind(self, label: Label) -> None:
        if label.bound:
            raise AsmError(f"label {label.name!r} bound twice")
        label._pos = (self._cur, len(self._streams[self._cur]))

    def comment(self, text: str) -> None:
        """Attach ``text`` to the next instruction (shown by the listing)."""
        self._pending_comment = text

    def _emit(self, code: int, *ops) -> None:
        self._streams[self._cur].append(Emitted(code, ops, self.owner, self._pending_comment))
        self._pending_comment = ""

    def _pick(self, mnemonic: str, *ops: Operand) -> int:
        if len(ops) == 2:               # the common case, without a map and a star
            key = (mnemonic, _shape(ops[0]), _shape(ops[1]))
        else:
            key = (mnemonic, *map(_shape, ops))
        code = _PICKED.get(key)
        if code is None:
            forms = [_forms(o) for o in ops]
            for combo in itertools.product(*forms):
                name = "_".join((mnemonic.upper(),) + combo)
                if name in _CODES:
                    code = _PICKED[key] = getattr(Code, name)
                    break
            else:
                raise AsmError(f"cannot encode {mnemonic} {', '.join(map(repr, ops))}")
        return code

    def _op(self, mnemonic: str, *ops: Operand) -> None:
        self._emit(self._pick(mnemonic, *ops), *ops)

    # -- instructions --------------------------------------------------------
    def mov(self, dst, src):
        if isinstance(dst, Reg) and dst.kind == "64" and isinstance(src, int):
            if 0 <= src < (1 << 32):              # mov r32, imm32 zero-extends
                self._emit(Code.MOV_R32_IMM32, _reg32(dst), src)
            elif -(1 << 31) <= src < (1 << 31):
                self._emit(Code.MOV_RM64_IMM32, dst, src)
            else:
                self._emit(Code.MOV_R64_IMM64, dst, src & ((1 << 64) - 1))
            return
        if isinstance(src, int) and isinstance(dst, Mem):
            if not -(1 << 31) <= src < (1 << 31):
                raise AsmError(f"mov to memory: immediate {src:#x} needs a register")
            self._emit({64: Code.MOV_RM64_IMM32, 32: Code.MOV_RM32_IMM32,
                        8: Code.MOV_RM8_IMM8}[dst.size], dst, src)
            return
        if isinstance(src, int) and isinstance(dst, Reg) and dst.kind == "32":
            self._emit(Code.MOV_R32_IMM32, dst, src & 0xFFFFFFFF)
            return
        self._op("mov", dst, src)

    def add(self, dst, src): self._op("add", dst, src)
    def sub(self, dst, src): self._op("sub", dst, src)
    def and_(self, dst, src): self._op("and", dst, src)
    def or_(self, dst, src): self._op("or", dst, src)
    def xor(self, dst, src): self._op("xor", dst, src)
    def cmp(self, dst, src): self._op("cmp", dst, src)

    def test(self, dst, src):
        if isinstance(src, int):
            if isinstance(dst, Reg) and dst.kind == "8" or isinstance(dst, Mem) and dst.size == 8:
                self._emit(Code.TEST_RM8_IMM8, dst, src)
            elif (isinstance(dst, Reg) and dst.kind == "32"
                  or isinstance(dst, Mem) and dst.size == 32):
                self._emit(Code.TEST_RM32_IMM32, dst, src)
            else:
                self._emit(Code.TEST_RM64_IMM32, dst, src)
            return
        self._op("test", dst, src)

    def imul(self, dst, src): self._op("imul", dst, src)
    def sar(self, dst, n): self._shift("sar", dst, n)
    def shl(self, dst, n): self._shift("shl", dst, n)

    def _shift(self, mnemonic: str, dst, n) -> None:
        """A shift by an immediate count, or by ``cl`` (pass ``CL``)."""
        if n is CL:
            self._emit(getattr(Code, f"{mnemonic.upper()}_RM64_CL"), dst, CL)
        else:
            self._op(mnemonic, dst, n)
    def shr(self, dst, n: int): self._op("shr", dst, n)
    def rol(self, dst, n: int): self._op("rol", dst, n)
    def ror(self, dst, n: int): self._op("ror", dst, n)
    def inc(self, dst): self._op("inc", dst)
    def dec(self, dst): self._op("dec", dst)
    def neg(self, dst): self._op("neg", dst)
    def lea(self, dst: Reg, src: Mem): self._emit(Code.LEA_R64_M, dst, src)
    def movsxd(self, dst: Reg, src: Mem): self._emit(Code.MOVSXD_R64_RM32, dst, src)
    def movzx(self, dst: Reg, src: Reg): self._emit(Code.MOVZX_R32_RM8, dst, src)
    def push(self, reg: Reg): self._emit(Code.PUSH_R64, reg)
    def pop(self, reg: Reg): self._emit(Code.POP_R64, reg)
    def call(self, target):
        if isinstance(target, Label):
            self._emit(Code.CALL_REL32_64, target)
        else:
            self._emit(Code.CALL_RM64, target)
    def ret(self): self._emit(Code.RETNQ)
    def stc(self): self._emit(Code.STC)
    def clc(self): self._emit(Code.CLC)
    def cqo(self): self._emit(Code.CQO)
    def idiv(self, src): self._op("idiv", src)
    def ud2(self): self._emit(Code.UD2)
    def rep_movsb(self): self._emit(Code.MOVSB_M8_M8)   # with its rep prefix (_build)
    def rep_movsq(self): self._emit(Code.MOVSQ_M64_M64)
    def nop(self): self._emit(Code.NOPD)

    def setcc(self, cc: str, dst: Reg):
        self._emit(getattr(Code, f"SET{_cc(cc)}_RM8"), dst)

    def cmovcc(self, cc: str, dst: Reg, src):
        self._emit(getattr(Code, f"CMOV{_cc(cc)}_R64_RM64"), dst, src)

    def jmp(self, target):
        if isinstance(target, Label):
            self._emit(Code.JMP_REL32_64, target)
        else:
            self._emit(Code.JMP_RM64, target)

    def jcc(self, cc: str, target: Label):
        self._emit(getattr(Code, f"J{_cc(cc)}_REL32_64"), target)

    # SSE2 scalar doubles
    def movq(self, dst, src): self._op("movq", dst, src)
    def addsd(self, dst, src): self._op("addsd", dst, src)
    def subsd(self, dst, src): self._op("subsd", dst, src)
    def mulsd(self, dst, src): self._op("mulsd", dst, src)
    def divsd(self, dst, src): self._op("divsd", dst, src)
    def sqrtsd(self, dst, src): self._op("sqrtsd", dst, src)
    def ucomisd(self, dst, src): self._op("ucomisd", dst, src)
    def cvtsi2sd(self, dst, src): self._op("cvtsi2sd", dst, src)
    def cvttsd2si(self, dst, src): self._op("cvttsd2si", dst, src)

    # -- encoding ------------------------------------------------------------
    def instructions(self) -> list[Emitted]:
        return [e for stream in self._streams for e in stream]

    def assemble(self, base: int) -> Assembled:
        """Encode hot then cold code as if placed at address ``base``."""
        hot, cold, subs = self._streams
        layout = hot + cold + subs
        starts = (0, len(hot), len(hot) + len(cold))
        ids = [self._ID_BASE + i for i in range(len(layout))]

        def index_of(label: Label) -> int:
            if not label.bound:
                raise AsmError(f"label {label.name!r} used but never bound")
            stream, idx = label._pos
            i = starts[stream] + idx
            if idx >= len(self._streams[stream]) or i >= len(layout):
                raise AsmError(f"label {label.name!r} bound after the last instruction")
            return i

        def resolve(label: Label) -> int:
            return ids[index_of(label)]

        iced = []
        for i, e in enumerate(layout):
            ins = _build(e, resolve)
            ins.ip = ids[i]
            iced.append(ins)
        enc = BlockEncoder(64)
        enc.add_many(iced)
        try:
            code = enc.encode(base)
        except ValueError as exc:
            raise AsmError(f"iced could not encode the block: {exc}") from None
        decoded = list(Decoder(64, code, ip=base))
        if len(decoded) != len(layout):
            raise AsmError(f"encoder produced {len(decoded)} instructions for {len(layout)}")
        offsets = [d.ip - base for d in decoded]
        sizes = [d.len for d in decoded]
        labels = {lab: offsets[index_of(lab)] for lab in self._labels if lab.bound}
        return Assembled(code, base, offsets, sizes, [e.owner for e in layout],
                         [e.comment for e in layout],
                         [False] * len(hot) + [True] * (len(cold) + len(subs)), labels)


def _cc(cc: str) -> str:
    cc = cc.lower()
    if cc not in _CC:
        raise AsmError(f"unknown condition code {cc!r}")
    return cc.upper()


def _reg32(r: Reg) -> Reg:
    name = {"rax": "eax", "rcx": "ecx", "rdx": "edx", "rbx": "ebx", "rsi": "esi", "rdi": "edi",
            "r8": "r8d", "r9": "r9d", "r10": "r10d", "r11": "r11d"}.get(r.name)
    if name is None:
        return Reg(r.name + "d", getattr(Register, (r.name + "d").upper()), "32")
    return Reg(name, getattr(Register, name.upper()), "32")


def _build(e: Emitted, resolve) -> Instruction:
    """The iced Instruction of one emitted instruction (labels resolved to
    ids), by its operands' types (the hottest function of a translation)."""
    ops, code = e.ops, e.code
    I = Instruction  # noqa: E741 - iced's Instruction, short for the factory calls
    n = len(ops)
    if n == 0:
        if code == Code.MOVSB_M8_M8:
            return I.create_rep_movsb(64)
        if code == Code.MOVSQ_M64_M64:
            return I.create_rep_movsq(64)
        return I.create(code)
    a = ops[0]
    ta = type(a)
    if n == 1:
        if ta is Label:
            return I.create_branch(code, resolve(a))
        if ta is Reg:
            return I.create_reg(code, a.iced)
        if ta is Mem:
            return I.create_mem(code, a._iced(resolve))
    elif n == 2:
        b = ops[1]
        tb = type(b)
        if ta is Reg:
            if tb is Reg:
                return I.create_reg_reg(code, a.iced, b.iced)
            if tb is Mem:
                return I.create_reg_mem(code, a.iced, b._iced(resolve))
            if tb is int:
                if code == Code.MOV_R64_IMM64:
                    return I.create_reg_u64(code, a.iced, b)
                if code == Code.MOV_R32_IMM32:
                    return I.create_reg_u32(code, a.iced, b)
                return I.create_reg_i32(code, a.iced, b)
        elif ta is Mem:
            if tb is Reg:
                return I.create_mem_reg(code, a._iced(resolve), b.iced)
            if tb is int:
                return I.create_mem_i32(code, a._iced(resolve), b)
    kinds = "".join([_KINDS.get(type(o), "i") for o in ops])
    raise AsmError(f"operand kinds {kinds!r} not supported")
