"""Check an irep tree before anything runs it (DESIGN.md section 2).

``verify_rite(rite)`` walks every irep and raises ``VerifyError`` (naming the
irep's index path and the pc) on the first fault:

* the iseq decodes (known opcodes, operands inside the iseq);
* ``nlocals <= nregs`` and ``nregs >= 1`` (R0 is self);
* every register an instruction reads or writes is ``< nregs``;
* pool, symbol and child-irep operands index existing entries, and the
  pool entry has the kind the instruction needs (a string for STRING, ...);
* jump targets (JMP, JMPIF, JMPNOT, JMPNIL, JMPUW: ``pc`` after the
  instruction plus a signed 16-bit offset, in every format version) lie inside
  the iseq on an instruction boundary;
* catch handlers: known type, ``begin <= end <= ilen`` on boundaries, the
  target an EXCEPT instruction of the iseq (mrbc starts every rescue and
  ensure clause by taking the exception; one that does not leaves it pending,
  and mruby re-raises a pending exception at its next C-method call);
* ENTER with ``o`` optional arguments is followed by the ``o + 1`` JMPs of
  the jump table mrbc writes there: the VM skips ``3 * k`` bytes past ENTER
  (k optional arguments given), which must land on one of them;
* the last instruction does not fall off the end of the iseq.

Each check is one rule of ``RULES``; the ``VerifyError`` of a fault names
the rule it broke in ``rule`` (``riteload verify --json`` reports it).

Not checked statically: GETUPVAR/SETUPVAR's ``b`` indexes the frame of an
enclosing proc found at run time (``c`` levels up), and mruby's own compiler
emits depths and indexes that no enclosing irep has (a zsuper inside a block,
for one), so the runtime must check them against the environment it finds,
as mruby's uvget/uvset do (a missing env or index reads nil).

Which operands are registers, pool, symbol or irep indexes, and jump offsets
is read from the semantics column of the opcode table (``R[a+1]``,
``Pool[b]``, ``Syms[b]``, ``Irep[b]``, ``pc+=b``; ``R(a)``, ``Lit(b)``,
``SEQ[b]`` in RITE0200); the few instructions whose register footprint the
text cannot express (the SEND family's packed argument counts, ENTER's
aspec, ARGARY/BLKPUSH's argument spec, SUPER) are spelled out below.

One register past ``nregs`` is tolerated (``REGISTER_SLACK``), because
mruby 3.1's own compiler writes there: it bumps nregs when it pushes a value,
and a value it leaves at the stack top without pushing lands in
``R[nregs]`` (``def self.x`` at the top level puts METHOD/DEF's operands
there, an unused ``{}`` puts HASH's, APOST's last post value lands there).
The runtime must therefore give every frame ``nregs + REGISTER_SLACK``
registers of room; everything beyond that is rejected.

The register footprint includes what the VM writes behind the operands: the
block slot a call clears or fills (``a + bidx``), and the slot ``R[a+2]``
that an arithmetic or index instruction's method-call fallback clears.
"""

from __future__ import annotations

import re
from functools import cache

from .errors import DecodeError, VerifyError
from .model import CATCH_ENSURE, CATCH_RESCUE, POOL_SSTR, POOL_STR, Irep, RiteFile
from .opcodes import table_for
from .versions import RiteVersion, rite_version

# ---------------------------------------------------------------------------
# Operand kinds, read from the semantics text of the opcode tables

_REG_RE = re.compile(r"\bR[\[(]([^\])]+)[\])]")
_RANGE_RE = re.compile(r"\bR[\[(]([^\])]+)[\])]\.\.R[\[(]([^\])]+)[\])]")
_POOL_RE = re.compile(r"\b(?:Pool|Lit)[\[(]([abc])[\])]")
_SYM_RE = re.compile(r"\bSyms[\[(]([abc])[\])]")
_IREP_RE = re.compile(r"\b(?:Irep|SEQ)[\[(]([abc])[\])]")
_JUMP_RE = re.compile(r"pc\+=([abc])|unwind_and_jump_to\(([abc])\)")
_EXPR_RE = re.compile(r"^[abc0-9+\-*]+$")

#: registers a frame needs beyond nregs, for what mruby's compiler writes there
REGISTER_SLACK = 1

# ops whose pool operand must be a string (mruby reads it as one)
_STRING_POOL_OPS = {"STRING", "STRING16", "SYMBOL", "ERR"}

# the last instruction of an iseq must be one of these (no fall through)
_TERMINATORS = {"RETURN", "RETURN_BLK", "BREAK", "STOP", "JMP", "JMPUW", "ERR",
                "RETSELF", "RETNIL", "RETTRUE", "RETFALSE"}

# arithmetic, comparison and index ops whose fallback sends a method with one
# argument, clearing R[a+2] (the block slot: L_SEND_SYM in src/vm.c)
_SEND_FALLBACK_OPS = {"ADD", "ADDI", "SUB", "SUBI", "MUL", "DIV", "EQ", "LT", "LE", "GT",
                      "GE", "GETIDX"}


class _Spec:
    """What the operands of one opcode of one format version mean."""

    __slots__ = ("regs", "pool", "syms", "ireps", "jump", "explicit")

    def __init__(self, summary: str):
        # compiled register expressions over a, b, c: (first, last) of each
        # range "R[x]..R[y]" (empty when y < x), (e, e) for a single R[e]
        self.regs = []
        for first, last in _RANGE_RE.findall(summary):
            first, last = first.replace(" ", ""), last.replace(" ", "")
            if _EXPR_RE.match(first) and _EXPR_RE.match(last):
                self.regs.append((compile(first, "<operand>", "eval"),
                                  compile(last, "<operand>", "eval")))
        for expr in _REG_RE.findall(_RANGE_RE.sub("", summary)):
            expr = expr.replace(" ", "")
            if _EXPR_RE.match(expr):
                code = compile(expr, "<operand>", "eval")
                self.regs.append((code, code))
        self.pool = _POOL_RE.findall(summary)
        self.syms = _SYM_RE.findall(summary)
        self.ireps = _IREP_RE.findall(summary)
        m = _JUMP_RE.search(summary)
        self.jump = (m.group(1) or m.group(2)) if m else None


@cache
def _specs(format_version: str) -> dict[str, _Spec]:
    return {op.name: _Spec(op.summary) for op in table_for(format_version)}


# ---------------------------------------------------------------------------
# Register footprints the semantics text cannot express

def _bidx_packed(c: int) -> int:
    """mrb_bidx: registers after R[a] up to the block slot, c = n | k<<4 (3.1+)."""
    n, k = c & 0xF, (c >> 4) & 0xF
    if n == 15:
        n = 1
    n += 1 if k == 15 else 2 * k
    return n + 1


def _aspec_block_pos(aspec: int) -> int:
    """ENTER: the register the block lands in (blk_pos in src/vm.c)."""
    m1 = (aspec >> 18) & 0x1F
    o = (aspec >> 13) & 0x1F
    r = (aspec >> 12) & 0x1
    m2 = (aspec >> 7) & 0x1F
    k = (aspec >> 2) & 0x1F
    kd = 1 if (k or (aspec >> 1) & 0x1) else 0
    return m1 + o + r + m2 + kd + 1


def _argspec_last(b: int) -> int | None:
    """ARGARY/BLKPUSH: last register read from the current frame (lv == 0), else None."""
    m1 = (b >> 11) & 0x3F
    r = (b >> 10) & 0x1
    m2 = (b >> 5) & 0x1F
    kd = (b >> 4) & 0x1
    lv = b & 0xF
    if lv:
        return None     # another frame's registers: the VM checks the env length
    return 1 + m1 + r + m2 + kd


def _max_register(ins, fmt: RiteVersion, spec: _Spec) -> int:
    """The highest register index ``ins`` reads or writes."""
    a, b, c = ins.a, ins.b, ins.c
    name = ins.name
    if name == "ARRAY":     # ops.h says R[a+1]..R[a+b]; the VM reads b values from R[a]
        return max(a, a + b - 1)
    if name == "ARRAY2":    # likewise c values from R[b]
        return max(a, b + c - 1)
    top = -1
    env = {"a": a, "b": b, "c": c}
    for first, last in spec.regs:
        lo = eval(first, {"__builtins__": {}}, env)
        hi = eval(last, {"__builtins__": {}}, env)
        if hi >= lo:
            top = max(top, hi)
    if not fmt.packed_argc:         # c (SUPER's b) counts the arguments, 127: one array
        if name in ("SEND", "SENDB"):
            top = max(top, a + 2 if c == 127 else a + c + 1)
        elif name in ("SENDV", "SENDVB"):
            top = max(top, a + 2)
        elif name == "SENDVK":
            top = max(top, a + 3)
        elif name == "SUPER":
            top = a + 2 if b == 127 else a + b + 1
    else:
        if name in ("SEND", "SENDB", "SSEND", "SSENDB"):
            top = max(top, a + _bidx_packed(c))
        elif name in ("SEND0", "SSEND0"):
            top = max(top, a + 1)
        elif name == "SUPER":
            top = a + _bidx_packed(b)
        elif name == "BLKCALL":
            top = max(top, a + b + 1)
        elif name == "GETIDX0":
            top = max(top, a + 2)
        elif name in ("ADDILV", "SUBILV"):
            top = max(top, b + 2)
    if name in _SEND_FALLBACK_OPS:
        top = max(top, a + 2)
    if name == "ENTER":
        top = max(top, _aspec_block_pos(a))
    elif name in ("ARGARY", "BLKPUSH"):
        last = _argspec_last(b)
        if last is not None:
            top = max(top, last)
        if name == "ARGARY":
            top = max(top, a + (2 if (b >> 4) & 1 else 1))
    return top


# ---------------------------------------------------------------------------

def _signed16(v: int) -> int:
    return v - 0x10000 if v & 0x8000 else v


# ---------------------------------------------------------------------------
# The rules, in the order they are checked; every VerifyError carries the
# one it broke in ``rule`` (``riteload verify --json`` reports it)

RULES = {
    "format": "the irep's format version is one riteload knows",
    "nregs": "nregs >= 1 (R0 is self) and nlocals <= nregs",
    "lvars": "the LVAR section names nlocals - 1 locals",
    "decode": "the iseq is not empty and decodes (known opcodes, operands inside it)",
    "registers": "every register an instruction uses is below nregs (+ REGISTER_SLACK)",
    "pool": "pool operands index an entry of the kind the instruction needs",
    "symbols": "symbol operands index a symbol, not the null symbol",
    "child-ireps": "child-irep operands index a child",
    "jumps": "jump targets are instruction boundaries inside the iseq",
    "enter-table": "ENTER with o optional arguments is followed by o + 1 JMPs",
    "fall-through": "the last instruction cannot fall off the end of the iseq",
    "handlers": "catch handlers: known type, begin/end/target on boundaries inside the iseq",
    "handler-except": "every catch handler's target is an EXCEPT",
}


def _error(rule: str, message: str, **where) -> VerifyError:
    """A VerifyError for ``message`` that names the ``rule`` it broke."""
    assert rule in RULES, rule
    e = VerifyError(message, **where)
    e.rule = rule
    return e


def verify_rite(rite: RiteFile) -> None:
    """Verify every irep of ``rite``; raise VerifyError on the first fault."""
    filename = getattr(rite, "filename", None)
    for irep in rite.ireps():
        verify_irep(irep, filename=filename)


def verify_irep(irep: Irep, *, filename: str | None = None) -> None:
    """Verify one irep (not its children)."""

    def fail(rule: str, message: str, pc: int | None = None):
        raise _error(rule, message, filename=filename, irep=irep, pc=pc)

    version = irep.format_version
    try:
        fmt = rite_version(version)
    except KeyError:
        fail("format", f"unknown format version {version!r}")
    specs = _specs(version)

    if irep.nregs < 1:
        fail("nregs", f"nregs {irep.nregs}: an irep needs at least R0 (self)")
    if irep.nlocals > irep.nregs:
        fail("nregs", f"nlocals {irep.nlocals} > nregs {irep.nregs}")
    if irep.lvars is not None and len(irep.lvars) != max(irep.nlocals - 1, 0):
        fail("lvars", f"{len(irep.lvars)} local variable names for nlocals {irep.nlocals}")
    ilen = len(irep.iseq)
    if ilen == 0:
        fail("decode", "empty iseq")

    try:
        insns = irep.instructions
    except DecodeError as e:
        raise _error("decode", e.message, filename=filename, irep=irep, pc=e.pc) from None

    starts = {ins.start: ins for ins in insns}     # instruction boundaries
    npool, nsyms, nreps = len(irep.pool), len(irep.syms), len(irep.reps)
    nregs = irep.nregs

    for k, ins in enumerate(insns):
        spec = specs[ins.name]
        name = ins.name
        ops = {"a": ins.a, "b": ins.b, "c": ins.c}

        top = _max_register(ins, fmt, spec)
        if top >= nregs + REGISTER_SLACK:
            fail("registers", f"{name} uses register R{top}, nregs is {nregs}", ins.pc)

        for operand in spec.pool:
            idx = ops[operand]
            if idx >= npool:
                fail("pool", f"{name} pool index {idx} out of range ({npool} pool entries)",
                     ins.pc)
            if name in _STRING_POOL_OPS and irep.pool[idx].tag not in (POOL_STR, POOL_SSTR):
                fail("pool", f"{name} needs a string, pool entry {idx} is "
                     f"{irep.pool[idx].tag}", ins.pc)
        for operand in spec.syms:
            idx = ops[operand]
            if idx >= nsyms:
                fail("symbols", f"{name} symbol index {idx} out of range ({nsyms} symbols)", ins.pc)
            if irep.syms[idx] is None:
                fail("symbols", f"{name} names the null symbol (index {idx})", ins.pc)
        for operand in spec.ireps:
            idx = ops[operand]
            if idx >= nreps:
                fail("child-ireps",
                     f"{name} child irep index {idx} out of range ({nreps} children)", ins.pc)
        if spec.jump is not None:
            target = ins.next_pc + _signed16(ops[spec.jump])
            if not 0 <= target < ilen:
                fail("jumps", f"{name} jumps to {target}, outside the iseq (ilen {ilen})", ins.pc)
            if target not in starts:
                fail("jumps", f"{name} jumps to {target}, not an instruction boundary", ins.pc)

        if name == "ENTER":
            _check_optional_table(k, insns, fail)

    last = insns[-1]
    if last.name not in _TERMINATORS:
        fail("fall-through", f"the iseq ends with {last.name}, which can fall off its end",
             last.pc)

    for i, h in enumerate(irep.handlers):
        if h.type not in (CATCH_RESCUE, CATCH_ENSURE):
            fail("handlers", f"catch handler {i}: unknown type {h.type}")
        if not (h.begin <= h.end <= ilen):
            fail("handlers", f"catch handler {i}: range {h.begin}..{h.end} not inside the iseq "
                 f"(ilen {ilen})")
        for what, pc in (("begin", h.begin), ("end", h.end)):
            if pc != ilen and pc not in starts:
                fail("handlers",
                     f"catch handler {i}: {what} {pc} is not an instruction boundary")
        if not 0 <= h.target < ilen or h.target not in starts:
            fail("handlers",
                 f"catch handler {i}: target {h.target} is not an instruction of the iseq")
        target = starts[h.target]
        if target.name != "EXCEPT":
            fail("handler-except", f"catch handler {i}: target {h.target} is {target.name}, "
                 "not the EXCEPT that starts every rescue or ensure clause", target.pc)


# the JMP of an ENTER jump table: 3 bytes, as vm.c's ``pc += jump * 3`` counts them
_JMP_SIZE = 3


def _check_optional_table(k: int, insns, fail) -> None:
    """ENTER (``insns[k]``) with o optional arguments: the o+1 JMPs after it
    (codegen.c's "jump table for optional arguments initializer")."""
    ins = insns[k]
    o = (ins.a >> 13) & 0x1F
    if not o:
        return
    table = insns[k + 1:k + 2 + o]
    for j in range(o + 1):
        t = table[j] if j < len(table) else None
        if t is None or t.name != "JMP" or t.ext or t.start != ins.next_pc + _JMP_SIZE * j:
            fail("enter-table", f"ENTER with {o} optional arguments must be followed by "
                 f"{o + 1} JMPs (the table it jumps into), pc {ins.next_pc + _JMP_SIZE * j} "
                 "is not one", ins.pc)
