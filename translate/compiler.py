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
    r15  the irep's inline caches (one rl_site per native call site)
    rax, rcx, rdx, rsi, rdi, r8-r11, xmm0-3: scratch inside one template
"""

from __future__ import annotations

from riteload.model import Irep
from riteload.record import Record
from riteload.versions import TRANSLATED
from runtime import abi

from . import templates, templates40
from .asm import (
    R8,
    R9,
    R12,
    R13,
    R14,
    R15,
    RAX,
    RBX,
    RCX,
    RDI,
    RDX,
    RSI,
    RSP,
    Asm,
    AsmError,
    Assembled,
    dword,
    qword,
    rip,
)
from .ctx import PROLOGUE, STUBS, Ctx, TranslateEnv, TranslateError, makes_closures
from .templates import template_for

FAKE_BASE = 0x1000_0000     # where translations are assembled; the code is position-independent

#: format version -> (the templates of its opcodes, whether its Floats keep every bit)
TEMPLATE_SETS = {
    "0300": (templates.TEMPLATES, False),
    "0400": (templates40.TEMPLATES, templates40.EXACT_FLOATS),
}


class Translation(Record):
    """Machine code of one irep, ready to copy anywhere (see the module doc)."""

    _FIELDS = ("irep", "blob", "entry", "assembled", "python_sites", "inline_ops", "counting",
               "redefinable", "sites")

    def __init__(self, irep: Irep, blob: bytes, entry: int, assembled: Assembled,
                 python_sites: int = 0, inline_ops: int = 0, counting: bool = False,
                 redefinable: tuple = (), sites: tuple = ()):
        self.irep = irep
        self.blob = blob                    # pc table followed by code
        self.entry = entry                  # offset of the entry in ``blob``
        self.assembled = assembled          # for listings: per machine instruction offsets/owners
        self.python_sites = python_sites
        self.inline_ops = inline_ops        # instructions with an inline fast path
        self.counting = counting
        self.redefinable = redefinable      # pcs guarded by *ctx->redefined (Ctx.redefinable)
        self.sites = sites                  # pcs of native call sites, in rl_site order

    @property
    def code(self) -> bytes:
        return self.blob[self.entry:]

    @property
    def size(self) -> int:
        return len(self.blob)


def _prologue(a: Asm, cx: Ctx) -> None:
    a.owner = PROLOGUE
    a.comment("rl_entry(ctx, regs, counters, start_pc, argc, sites): save callee-saved registers")
    for r in (RBX, R12, R13, R14, R15):
        a.push(r)                       # 5 pushes + return address: rsp 16-aligned
    a.mov(R12, RDI)
    a.mov(RBX, RSI)
    a.mov(R13, RDX)
    a.mov(R14, R8)
    a.mov(R15, R9)
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
    leave = cx.exit
    if makes_closures(cx.irep):
        leave = a.label("leave")
        with a.cold():
            a.bind(leave)
            a.comment("an exception leaves the frame: unshare the env its record holds")
            a.cmp(RAX, abi.ST_ERROR)
            a.jcc("ne", cx.exit)
            a.mov(RCX, qword(R12, abi.CTX_CI))
            a.mov(RCX, qword(RCX, abi.CI_ENV))
            a.test(RCX, RCX)
            a.jcc("e", cx.exit)
            a.call(cx.unshare_env())
            a.jmp(cx.exit)
    a.jcc("ne", leave)
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


def translate_irep(irep: Irep, *, env: TranslateEnv | None = None,
                   counting: bool = False) -> Translation:
    """Translate a verified irep; raise TranslateError on the first failure."""
    chosen = TEMPLATE_SETS.get(irep.format_version)
    if chosen is None:
        only = ", ".join(v.ident for v in TRANSLATED)
        raise TranslateError(f"RITE{irep.format_version} is not translated (only {only})",
                             irep=irep)
    table, exact_floats = chosen
    env = env or TranslateEnv()
    a = Asm()
    cx = Ctx(a, irep, env, counting, exact_floats)
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
        before = cx.op_calls
        try:
            handled = template_for(ins.name, table)(a, ins, cx)
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
    sites = tuple(sorted(cx.sites, key=cx.sites.__getitem__))
    return Translation(irep, raw + asm.code, table_size, asm, cx.python_sites, inline, counting,
                       tuple(cx.redefinable), sites)


def compile_me_stub() -> bytes:
    """The code behind the entry cell of an irep without code (the runtime's
    code cache maps it once, outside its bound): return ST_COMPILE, so the
    engine translates or reinstalls the irep."""
    a = Asm()
    a.comment("entry of a method without code: ask the engine to compile it")
    a.mov(RAX, abi.ST_COMPILE)
    a.ret()
    return a.assemble(0).code


# the C functions the Python callback trampoline calls (names of CPython's C API)
TRAMPOLINE_CALLS = ("PyGILState_Ensure", "PyGILState_Release", "PyLong_FromLongLong",
                    "PyObject_CallOneArg", "PyLong_AsLongLong", "Py_DecRef", "PyErr_Fetch")


def python_trampoline(calls: dict[str, int], callable_address: int, stray_address: int) -> bytes:
    """``int64_t op(rl_ctx *ctx, int64_t pc)``, the callback generated code
    makes through ``ctx->op``: it returns ``callable(pc)`` (a Python int), the
    GIL held around the call.  ``calls`` maps each TRAMPOLINE_CALLS name to
    its address, ``callable_address`` is the Python callable (kept alive by
    the runtime).  Should the call itself fail (a KeyboardInterrupt before
    the callable's first line), the exception is moved, with PyErr_Fetch,
    to the three words at ``stray_address`` and the status is ST_ERROR.

    The runtime maps this code read-execute like any translation: unlike a
    libffi closure (cffi's ``ffi.callback``), it needs no page that is
    writable and executable."""
    def c_call(name: str) -> None:
        a.mov(RAX, calls[name])
        a.call(RAX)

    a = Asm()
    fail, out = a.label("fail"), a.label("out")
    a.comment("int64_t op(rl_ctx *ctx, int64_t pc): status = callable(pc), GIL held")
    for r in (RBX, R12, R13, R14):
        a.push(r)
    a.sub(RSP, 8)                       # 4 pushes + return address: realign to 16
    a.mov(R12, RSI)                     # pc
    c_call("PyGILState_Ensure")
    a.mov(R13, RAX)                     # the GIL state, for PyGILState_Release
    a.mov(RDI, R12)
    c_call("PyLong_FromLongLong")
    a.test(RAX, RAX)
    a.jcc("e", fail)
    a.mov(RBX, RAX)                     # the argument
    a.mov(RDI, callable_address)
    a.mov(RSI, RBX)
    c_call("PyObject_CallOneArg")
    a.mov(R14, RAX)                     # the result, or NULL
    a.mov(RDI, RBX)
    c_call("Py_DecRef")
    a.test(R14, R14)
    a.jcc("e", fail)
    a.mov(RDI, R14)
    c_call("PyLong_AsLongLong")
    a.mov(R12, RAX)                     # the status
    a.mov(RDI, R14)
    c_call("Py_DecRef")
    a.jmp(out)
    a.bind(fail)
    a.comment("PyErr_Fetch(&stray[0], &stray[1], &stray[2]); status = ST_ERROR")
    a.mov(RDI, stray_address)
    a.mov(RSI, stray_address + 8)
    a.mov(RDX, stray_address + 16)
    c_call("PyErr_Fetch")
    a.mov(R12, abi.ST_ERROR)
    a.bind(out)
    a.mov(RDI, R13)
    c_call("PyGILState_Release")
    a.mov(RAX, R12)
    a.add(RSP, 8)
    for r in (R14, R13, R12, RBX):
        a.pop(r)
    a.ret()
    return a.assemble(0).code
