"""The ``interp`` engine: a loop over pre-decoded instructions calling ``OPS``.

It is the reference for the native engine: every opcode goes through the
one Python function of ``runtime/ops.py``.  Catch handlers are found here
(``VM.find_handler``) when an opcode raises.  The native engine's callback
uses the same pieces: ``op_table`` (pc -> the function to run),
``handle_raise`` and ``handle_unwind`` (where a frame goes on after an
exception).
"""

from __future__ import annotations

from . import abi
from .calls import CATCH_FILTER_ALL, CATCH_FILTER_ENSURE
from .dialects import dialect_for
from .errors import JumpUnwind, ReturnUnwind, RubyError, StopUnwind, Unwind
from .ops import specialized

OP_RETURN = abi.OP_RETURN


class InterpEngine:
    """Runs one frame to completion: ``run(vm, frame) -> value word``."""

    name = "interp"

    def __init__(self):
        self._ops = {}

    def _code(self, rt):
        """The irep's ``op_table``, cached on the IrepRT."""
        code = rt.native
        if code is None or code[0] != "interp":
            fmt = rt.irep.format_version
            ops = self._ops.get(fmt)
            if ops is None:
                ops = self._ops[fmt] = dialect_for(fmt).ops_by_number(fmt)
            code = ("interp", op_table(rt.irep, lambda ins: ops[ins.opcode],
                                       dialect_for(fmt).specialize))
            rt.native = code
        return code[1]

    @staticmethod
    def native_roots(vm):
        """(register top, words) of frames only native code knows: none here."""
        return 0, ()

    def run(self, vm, frame) -> int:
        table = self._code(frame.rt)
        pc = frame.pc
        arena = vm.arena
        mark = len(arena)
        while True:
            fn, ins, npc = table[pc]
            frame.pc = npc
            try:
                r = fn(vm, frame, ins)
            except RubyError as e:
                pc = handle_raise(vm, frame, e)
                if pc is None:
                    raise
                continue
            except Unwind as u:
                r = handle_unwind(vm, frame, u)
                if r == OP_RETURN:
                    return frame.retval
                pc = r
                continue
            if len(arena) > mark:
                del arena[mark:]    # what the instruction made is in registers now
            if r is None:
                pc = npc
            elif r >= 0:
                pc = r
            else:
                return frame.retval


def op_table(irep, semantics, specialize=specialized) -> list:
    """pc -> (function, instruction, next pc) for the instructions of
    ``irep``: what an engine runs for the instruction at a pc (this loop,
    the native engine's callback).  ``semantics(ins)`` is the Python
    function of the instruction's opcode, which ``specialize`` (the
    dialect's: runtime/dialects) may replace by one made for its operands.
    An instruction after an EXT prefix is found at its start (where jumps
    land) and at its opcode byte (the pc generated code passes to the
    callback)."""
    table = [None] * (len(irep.iseq) + 1)
    for ins in irep.instructions:
        table[ins.start] = table[ins.pc] = (specialize(semantics(ins), ins), ins,
                                            ins.pc + ins.size)
    return table


def handle_raise(vm, frame, e: RubyError) -> int | None:
    """The pc of frame's catch handler for the Ruby exception ``e`` raised
    by the instruction before frame.pc (``vm.exc`` then holds it), or None
    when no handler covers it and it leaves the frame."""
    h = vm.find_handler(frame, CATCH_FILTER_ALL)
    if h is None:
        return None
    vm.exc = e.exc
    return h.target


def handle_unwind(vm, frame, u) -> int:
    """What frame does with an Unwind raised while it ran: a pc to go on at,
    or OP_RETURN (value in frame.retval); re-raises when it passes through."""
    t = type(u)
    if t is ReturnUnwind and u.target is frame:
        if u.own:
            h = vm.find_handler(frame, CATCH_FILTER_ENSURE)
            if h is not None:
                vm.exc = vm.break_word(u)
                return h.target
        vm.exc = None
        frame.retval = u.value
        return OP_RETURN
    if t is JumpUnwind and u.frame is frame:
        h = vm.find_handler(frame, CATCH_FILTER_ENSURE)
        if h is not None and vm.jump_leaves(h, u.pc):
            vm.exc = vm.break_word(u)
            return h.target
        vm.exc = None
        return u.pc
    if t is StopUnwind and u.frame is frame:
        h = vm.find_handler(frame, CATCH_FILTER_ENSURE)
        if h is not None:
            vm.exc = vm.break_word(u)
            return h.target
        vm.exc = None
        frame.retval = u.value
        return OP_RETURN
    h = vm.find_handler(frame, CATCH_FILTER_ENSURE)
    if h is None:
        raise u
    vm.exc = vm.break_word(u)
    return h.target
