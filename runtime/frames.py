"""Call-info records: the Python ``Frame`` and the native call-info stack.

A ``Frame`` is one ``mrb_callinfo`` (field names kept): ``mid``, ``proc``,
``pc``, ``base`` (mruby's ``stack``: the register base), ``n``/``nk``
(argument counts, 15 = packed into one Array/Hash), ``cci``,
``target_class`` and ``env``.  ``vm.frames`` lists the live frames of the
running context (runtime/context.py), bottom first; ``base`` indexes that
context's register stack.  ``vm.sync_callinfo()`` writes the records into
``vm.ci``, a native array of ``struct rl_callinfo`` (declared in
``runtime/cdecls.py``), so native code and debuggers can read the call
stack without Python.

``pc`` follows mruby's convention: while an instruction runs, ``frame.pc``
is the byte offset of the *next* instruction (``ci->pc``).  Catch handlers
cover an instruction when ``begin < pc <= end``; the source line of a frame
is the line of ``pc - 1``.
"""

from __future__ import annotations

from .abi import CALL_MAXARGS

CINFO_NONE = 0
CINFO_SKIP = 1
CINFO_DIRECT = 2

# The register stack: mruby 3.1's MRB_STACK_MAX plus room for the frame that
# overflows it.
MRB_STACK_GROWTH = 128
MRB_STACK_MAX = 0x40000 - MRB_STACK_GROWTH
STACK_SIZE = 0x40000 + 0x1000

# mruby 3.1 grows its call-info array from 32 records by (size-1)*2 and
# raises SystemStackError when it must grow beyond MRB_CALL_LEVEL_MAX (512):
# 32, 62, 122, 242, 482, 962 records, so at most 962 live records.
CALLINFO_MAX = 962
# A fiber's call-info array (mruby-fiber's fiber_init) starts at 8 records and
# grows the same way: 8, 14, 26, 50, 98, 194, 386, 770.  Coroutines (Fibers,
# Enumerators' external iteration) run in contexts of their own with this limit.
FIBER_CALLINFO_MAX = 770
# mrb_funcall (a C function calling Ruby) refuses to go deeper than this
MRB_CALL_LEVEL_MAX = CALL_LEVEL_MAX = 512


class IrepRT:
    """Per-irep data the engines need, prepared once per VM.

    ``by_pc`` maps a byte offset to its Instruction (None between
    instructions); ``syms`` holds the symbol ids of ``irep.syms``.
    """

    __slots__ = ("irep", "by_pc", "syms", "pool", "instructions", "handlers", "reps",
                 "native", "lines", "lits")

    def __init__(self, vm, irep):
        self.irep = irep
        self.instructions = irep.instructions
        by_pc = [None] * (len(irep.iseq) + 1)
        for ins in self.instructions:
            by_pc[ins.start] = ins
        self.by_pc = by_pc
        self.syms = [vm.intern(s) if s is not None else 0 for s in irep.syms]
        self.pool = irep.pool
        self.handlers = irep.handlers
        self.reps = irep.reps
        self.native = None      # for the native engine's own use
        self.lines = None
        self.lits = None        # LOADL: immediate words of pool literals, once computed


class Frame:
    # ``vis``: the visibility ``def`` gives methods in this scope (mrb_callinfo's
    # ``vis``), for dialects that track it (mruby 4.0's ``private`` without
    # arguments).  Never set by __init__: unset means the dialect's default,
    # read with ``getattr(frame, "vis", None)``, so a call pays nothing for it.
    __slots__ = ("mid", "proc", "irep", "rt", "pc", "base", "n", "nk", "cci",
                 "target_class", "env", "retval", "index", "method", "nregs",
                 "ensure_stop", "kw", "vis")

    def __init__(self, mid, proc, base, n, nk, target_class, cci=CINFO_NONE):
        self.mid = mid
        self.proc = proc
        self.irep = None
        self.rt = None
        self.pc = 0
        self.base = base
        self.n = n
        self.nk = nk
        self.cci = cci
        self.target_class = target_class
        self.env = None
        self.retval = 8     # abi.NIL
        self.index = 0
        self.method = None
        self.nregs = 4
        self.ensure_stop = None
        self.kw = False         # builtin frames: the last argument is a keyword Hash

    @property
    def top(self) -> int:
        """First register past this frame's window."""
        return self.base + self.nregs

    def __repr__(self):
        return f"<Frame mid={self.mid} base={self.base} pc={self.pc}>"


def bidx(n: int, nk: int) -> int:
    """Register index of the block argument for c = n|nk<<4 (mrb_bidx)."""
    if n == CALL_MAXARGS:
        n = 1
    if nk == CALL_MAXARGS:
        n += 1
    else:
        n += nk * 2
    return n + 1
