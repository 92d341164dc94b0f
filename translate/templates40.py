"""The templates of RITE0400 (mruby 4.0.0): 3.1's where the opcode kept its meaning.

``TEMPLATES`` starts from translate/templates.py's table without the
opcodes 4.0 renamed or dropped (LOADI, LOADT, LOADF, ARYDUP) and adds a
template for each 4.0 opcode that does something inline; every other
opcode calls its Python semantics, the 4.0 dialect's
(runtime/dialects/mruby40/ops.py), as ``gen_python`` does for 3.1.  What
differs from 3.1 in code the templates share:

- Floats keep every bit (``EXACT_FLOATS``): a Float result is a flonum
  with nothing truncated, or the slow path boxes it (templates._emit_box);
- an Integer result past 64 bits goes to the slow path, as in 3.1, and the
  4.0 semantics there make a bigint instead of raising RangeError;
- a send with an explicit receiver checks the method's visibility: the
  inline cache is filled only with public methods for such a site
  (runtime/native.py ``_fill_site``), anything else runs the Python send;
- an EXT3-prefixed SEND has no block (3.1 ran it as SENDB): it runs the
  Python semantics, as every EXT3 send does;
- ENTER's aspec has a 24th bit (``&nil``, no block accepted): an ENTER
  with it set runs the Python semantics, which check the block.

Each template starts with its line of mruby 4.0.0's include/mruby/ops.h;
the semantics follow 4.0.0's src/vm.c.
"""

from __future__ import annotations

from riteload.model import Instruction
from runtime import abi

from .asm import Asm
from .ctx import Ctx
from .templates import TEMPLATES as TEMPLATES31
from .templates import (
    Template,
    _add_imm,
    _native_call,
    _return,
    gen_LOADF,
    gen_LOADI,
    gen_LOADT,
    gen_SEND,
)
from .templates import gen_ENTER as gen_ENTER31

#: Float values keep all 64 bits (4.0's word boxing no longer truncates them)
EXACT_FLOATS = True


def gen_LOADI8(a: Asm, ins: Instruction, cx: Ctx) -> None:
    # R[a] = mrb_int(b)
    gen_LOADI(a, ins, cx)


def gen_LOADTRUE(a: Asm, ins: Instruction, cx: Ctx) -> None:
    # R[a] = true
    gen_LOADT(a, ins, cx)


def gen_LOADFALSE(a: Asm, ins: Instruction, cx: Ctx) -> None:
    # R[a] = false
    gen_LOADF(a, ins, cx)


def gen_SSEND0(a: Asm, ins: Instruction, cx: Ctx) -> None:
    # R[a] = self.send(Syms[b]) (no args)
    _native_call(a, ins, cx, self_call=True)


def gen_SEND0(a: Asm, ins: Instruction, cx: Ctx) -> None:
    # R[a] = R[a].send(Syms[b]) (no args)
    gen_SEND(a, ins, cx)            # c = 0: SEND's Integer builtins (-@, ~) and inline cache


def gen_ENTER(a: Asm, ins: Instruction, cx: Ctx) -> None:
    # arg setup according to flags (24=n1:m5:o5:r1:m5:k5:d1:b1)
    gen_ENTER31(a, ins, cx)         # inline only for required arguments: bit 23 clear


def gen_RETSELF(a: Asm, ins: Instruction, cx: Ctx) -> None:
    # return self
    _return(a, ins, cx, cx.R(0))


def gen_RETNIL(a: Asm, ins: Instruction, cx: Ctx) -> None:
    # return nil
    _return(a, ins, cx, abi.NIL)


def gen_RETTRUE(a: Asm, ins: Instruction, cx: Ctx) -> None:
    # return true
    _return(a, ins, cx, abi.TRUE)


def gen_RETFALSE(a: Asm, ins: Instruction, cx: Ctx) -> None:
    # return false
    _return(a, ins, cx, abi.FALSE)


def gen_ADDILV(a: Asm, ins: Instruction, cx: Ctx) -> None:
    # R[a] = R[a]+mrb_int(c); R[b],R[b+1] for method call
    _add_imm(a, ins, cx, ins.c)


def gen_SUBILV(a: Asm, ins: Instruction, cx: Ctx) -> None:
    # R[a] = R[a]-mrb_int(c); R[b],R[b+1] for method call
    _add_imm(a, ins, cx, -ins.c)


_ADDED: dict[str, Template] = {
    "LOADI8": gen_LOADI8,
    "LOADTRUE": gen_LOADTRUE,
    "LOADFALSE": gen_LOADFALSE,
    "SSEND0": gen_SSEND0,
    "SEND0": gen_SEND0,
    "ENTER": gen_ENTER,
    "RETSELF": gen_RETSELF,
    "RETNIL": gen_RETNIL,
    "RETTRUE": gen_RETTRUE,
    "RETFALSE": gen_RETFALSE,
    "ADDILV": gen_ADDILV,
    "SUBILV": gen_SUBILV,
}


def _in_opcode_order() -> dict[str, Template]:
    from riteload.opcodes import table_for
    mine = {n: g for n, g in TEMPLATES31.items() if n not in ("LOADI", "LOADT", "LOADF")}
    # (templates.py has no ARYDUP, the fourth opcode 4.0 dropped)
    mine.update(_ADDED)
    return {op.name: mine[op.name] for op in table_for("0400") if op.name in mine}


#: RITE0400's opcodes with a template of their own, in ops.h order
TEMPLATES: dict[str, Template] = _in_opcode_order()
