"""Python exceptions that carry Ruby control flow through the runtime.

``RubyError`` is a Ruby exception in flight (its ``exc`` is the exception
word).  ``Unwind`` and its subclasses are the non-local jumps of mruby 3.1's
``vm.c`` (``RBreak`` tags): ``break`` out of a block, ``return`` from a block
to its home method, and a ``JMPUW`` jump that must first run ``ensure``
clauses.  Engines catch both at the instruction that was running and look
for a catch handler (``VM.find_handler``); builtins let them pass.
"""

from __future__ import annotations


class RubyError(Exception):
    """A Ruby exception; ``exc`` is the exception object's word."""

    def __init__(self, exc: int):
        super().__init__(exc)
        self.exc = exc


class Unwind(Exception):
    """Base of the non-local jumps (mruby's RBreak objects)."""

    value: int = 0


class BreakUnwind(Unwind):
    """``break`` from the block ``proc``: the call made by the frame running
    ``proc.upper`` returns ``value`` (vm.c OP_BREAK, RBREAK_TAG_BREAK)."""

    def __init__(self, proc, value: int):
        super().__init__()
        self.proc = proc
        self.value = value


class ReturnUnwind(Unwind):
    """``return`` from a block: frame ``target`` returns ``value``
    (vm.c OP_RETURN_BLK, RBREAK_TAG_RETURN_BLOCK)."""

    def __init__(self, target, value: int, own: bool = False):
        super().__init__()
        self.target = target
        self.value = value
        self.own = own      # a plain RETURN inside an ensure-covered region of ``target``


class JumpUnwind(Unwind):
    """``JMPUW`` out of a region covered by an ensure handler: run the
    ensure code, then jump to ``pc`` in ``frame`` (RBREAK_TAG_JUMP)."""

    def __init__(self, frame, pc: int):
        super().__init__()
        self.frame = frame
        self.pc = pc


class StopUnwind(Unwind):
    """``STOP`` (or a top-level return) leaving a region covered by an ensure
    handler: run the ensure code, then stop (RBREAK_TAG_STOP)."""

    def __init__(self, frame, value: int):
        super().__init__()
        self.frame = frame
        self.value = value
