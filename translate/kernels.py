"""Machine code for the heap's bulk work on objects Python never sees.

Generated code takes plain objects, Strings, Array literals and Procs
from allocation pools that Python fills, and the collector frees those
Python never looked at (runtime/heap.py's ObjectTable).  Either is a few
word writes per object, which a Python loop spends about half a
microsecond to a microsecond on (bench/programs/points.rb makes and drops
200,000 objects); these kernels do the writes for a whole batch in one
call.  Each is ``void kernel(uint64_t *args)``, ``args`` indexed by
runtime/abi.py's ``SWEEP_*`` or ``FILL_*``; position independent, mapped
read-execute once by runtime/kernels.py.

``sweep_kernel``: most of what a program drops are objects Python never looked at: plain
objects, Array literals and Strings that generated code took from the
allocation pools (runtime/heap.py's ObjectTable).  They are a class word
and a block address in native tables, so freeing one is a few word writes;
a Python loop spends about a microsecond on each (bench/programs/points.rb
drops 200,000 per collection).  ``sweep_kernel`` is that loop for them,
one call per collection: for every handle the collector left unmarked
whose class word is still set (runtime/gc.py first frees the objects
Python made and the closures, clearing theirs) it clears the class word
and the block's table entry, and writes the handle and the block's
address (an ivar block's with its capacity, whose free list it goes back
to, or a Proc's call data, blanked) to output buffers that Python then
extends its free lists with.

``env_sweep_kernel``: the env cells of dead closures generated code made:
each cell's word cleared, its buffer out.

``fill_kernel``: a pool refill's writes (runtime/heap.py's
``_pool_handles``): for each new handle its class word, its entry in a
handle table (the block address of an ivar block, Array literal, String
or Proc call data), and its word after the pool's items.

``env_fill_kernel``: an env pool's refill: each env cell gets its
buffer, its handle's word, and ENV_SEEN cleared.
"""

from __future__ import annotations

from contextlib import contextmanager

from runtime import abi

from .asm import (
    R8,
    R9,
    R10,
    R11,
    R12,
    R13,
    R14,
    R15,
    RAX,
    RBP,
    RBX,
    RCX,
    RDI,
    RDX,
    RSI,
    Asm,
    byte,
    qword,
)

_CURSORS = ((RBX, abi.SWEEP_OUT_HANDLES), (R12, abi.SWEEP_OUT_ARY), (R13, abi.SWEEP_OUT_STR),
            (R14, abi.SWEEP_OUT_IV), (R15, abi.SWEEP_OUT_IV_CAP))


def sweep_kernel() -> bytes:
    a = Asm()
    loop, next_h, done = a.label("loop"), a.label("next"), a.label("done")
    saved = (RBX, RBP, R12, R13, R14, R15)
    a.comment("void sweep(uint64_t *args): free the unmarked objects Python never made")
    for r in saved:
        a.push(r)
    _load_args(a, (RSI, abi.SWEEP_MARKED), (RDX, abi.SWEEP_COUNT),
               (R8, abi.SWEEP_CLASS_WORDS), (R9, abi.SWEEP_IV_BLOCKS),
               (R10, abi.SWEEP_ARY_BLOCKS), (R11, abi.SWEEP_STR_BLOCKS), *_CURSORS)
    a.mov(RCX, 1)                       # handle 0 names no object
    a.bind(loop)
    a.cmp(RCX, RDX)
    a.jcc("ae", done)
    a.cmp(byte(RSI, 0, RCX), 0)
    a.jcc("ne", next_h)                 # marked
    a.mov(RAX, qword(R8, 0, RCX, 8))
    a.test(RAX, RAX)
    a.jcc("e", next_h)                  # a free handle, or one Python freed
    a.comment("free it: class word cleared, handle out")
    a.mov(qword(R8, 0, RCX, 8), 0)
    a.mov(qword(RBX), RCX)
    a.add(RBX, 8)
    for table, out, what in ((R10, R12, "an Array literal: its block out"),
                             (R11, R13, "a String: its byte block out"),
                             (R9, R14, "a plain object: its ivar block out, with the capacity "
                                       "of its free list")):
        other = a.label("other")
        a.mov(RAX, qword(table, 0, RCX, 8))
        a.test(RAX, RAX)
        a.jcc("e", other)
        a.comment(what)
        a.mov(qword(out), RAX)
        a.add(out, 8)
        a.mov(qword(table, 0, RCX, 8), 0)
        if table is R9:
            a.mov(RBP, qword(RAX, abi.IV_CAPACITY))
            a.mov(qword(R15), RBP)
            a.add(R15, 8)
        a.jmp(next_h)
        a.bind(other)
    for table_at, out_at, what in (
            (abi.SWEEP_PROC_BLOCKS, abi.SWEEP_OUT_PROC,
             "a Proc: its call data blank (no code, no flags) and out"),
            (abi.SWEEP_ENV_BLOCKS, abi.SWEEP_OUT_ENV,
             "an env BLOCK made (abi.ENV_CLASS_WORD): its cell out")):
        other = a.label("other")
        a.comment(f"{what}; table and cursor in args")
        a.mov(RBP, qword(RDI, 8 * table_at))
        a.mov(RAX, qword(RBP, 0, RCX, 8))
        a.test(RAX, RAX)
        a.jcc("e", other)
        a.mov(qword(RBP, 0, RCX, 8), 0)
        if table_at == abi.SWEEP_PROC_BLOCKS:
            a.mov(qword(RAX, 0), 0)
            a.mov(qword(RAX, abi.PROC_FLAGS), 0)
        a.mov(RBP, qword(RDI, 8 * out_at))
        a.mov(qword(RBP), RAX)
        a.add(RBP, 8)
        a.mov(qword(RDI, 8 * out_at), RBP)
        a.jmp(next_h)
        a.bind(other)
    a.bind(next_h)
    a.inc(RCX)
    a.jmp(loop)
    a.bind(done)
    for reg, at in _CURSORS:
        a.mov(qword(RDI, 8 * at), reg)
    for r in reversed(saved):
        a.pop(r)
    a.ret()
    return a.assemble(0).code


def fill_kernel() -> bytes:
    a = Asm()
    no_cw, no_table = a.label("no_cw"), a.label("no_table")
    a.comment("void fill(uint64_t *args): class words, table entries and words of new handles")
    a.push(RBX)
    _load_args(a, (RSI, abi.FILL_HANDLES), (RDX, abi.FILL_COUNT),
               (R8, abi.FILL_CLASS_WORDS), (R9, abi.FILL_CLASS_WORD), (R10, abi.FILL_TABLE),
               (R11, abi.FILL_ADDRESSES), (RDI, abi.FILL_WORDS))
    with _each(a, RCX, RDX):
        a.mov(RAX, qword(RSI, 0, RCX, 8))
        a.test(R9, R9)
        a.jcc("e", no_cw)
        a.comment("its class word (none for an env)")
        a.mov(qword(R8, 0, RAX, 8), R9)
        a.bind(no_cw)
        a.test(R10, R10)
        a.jcc("e", no_table)
        a.comment("its block in the handle table")
        a.mov(RBX, qword(R11, 0, RCX, 8))
        a.mov(qword(R10, 0, RAX, 8), RBX)
        a.bind(no_table)
        a.comment("its word, (handle << 3) | 4, after the pool's items")
        _word_of(a, RAX)
        a.mov(qword(RDI, 0, RCX, 8), RAX)
    a.pop(RBX)
    a.ret()
    return a.assemble(0).code


def env_fill_kernel() -> bytes:
    a = Asm()
    a.comment("void env_fill(uint64_t *args): each cell's buffer, word and ENV_SEEN")
    _load_args(a, (RSI, abi.ENV_FILL_HANDLES), (R8, abi.ENV_FILL_CELLS),
               (R9, abi.ENV_FILL_BUFFERS), (RDX, abi.ENV_FILL_COUNT))
    with _each(a, RCX, RDX):
        a.mov(RDI, qword(R8, 0, RCX, 8))        # the cell
        a.mov(RAX, qword(R9, 0, RCX, 8))
        a.mov(qword(RDI, abi.ENV_BUF), RAX)
        a.mov(RAX, qword(RSI, 0, RCX, 8))
        _word_of(a, RAX)
        a.mov(qword(RDI, abi.ENV_WORD), RAX)
        a.mov(qword(RDI, abi.ENV_SEEN), 0)
    a.ret()
    return a.assemble(0).code


def _load_args(a: Asm, *pairs) -> None:
    """Each (register, word index) of ``pairs``: the register = args[index]
    (args in rdi, which may come last)."""
    for reg, at in pairs:
        a.mov(reg, qword(RDI, 8 * at))


@contextmanager
def _each(a: Asm, i, count):
    """for (i = 0; i < count; i++) { the body written inside the with }"""
    loop, done = a.label("loop"), a.label("done")
    a.xor(i, i)
    a.bind(loop)
    a.cmp(i, count)
    a.jcc("ae", done)
    yield
    a.inc(i)
    a.jmp(loop)
    a.bind(done)


def _word_of(a: Asm, reg) -> None:
    """reg = the word of the object of handle reg: (handle << 3) | 4."""
    a.shl(reg, abi.OBJECT_SHIFT)
    a.or_(reg, abi.OBJECT_TAG)


def env_sweep_kernel() -> bytes:
    a = Asm()
    a.comment("void env_sweep(uint64_t *args): clear each cell's word, its buffer out")
    _load_args(a, (RSI, abi.ENV_SWEEP_CELLS), (RDX, abi.ENV_SWEEP_COUNT),
               (R8, abi.ENV_SWEEP_OUT_BUFFERS))
    with _each(a, RCX, RDX):
        a.mov(RAX, qword(RSI, 0, RCX, 8))
        a.mov(qword(RAX, abi.ENV_REGS), 0)
        a.mov(RAX, qword(RAX, abi.ENV_BUF))
        a.mov(qword(R8, 0, RCX, 8), RAX)
    a.ret()
    return a.assemble(0).code
