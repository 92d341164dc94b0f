"""The logs generated code writes and Python replays.

Generated code changes things Python keeps in Python objects:

- ``push``/``<<``, ``pop`` and ``shift`` change an Array's native block
  (runtime/natarray.py); the Array's handle goes in ``rl_vmstate.ary_log``
  once, and the replay cuts and extends its Python list;
- a native ``SENDB`` whose callee returned leaves (block, caller's register
  base) in ``rl_vmstate.orphan_log``; the replay marks the block orphan as
  ``call_at`` would have (``VM.orphan_check_at``), so a later ``break``
  from it is mruby's LocalJumpError.

- a frame whose record holds its env's cell (``rl_callinfo.env``) copies
  its registers into the env's buffer when it returns or an exception
  leaves it, and leaves the cell in ``rl_vmstate.env_log``; the replay
  tells the REnv it is unshared (``REnv.unshared_natively``).

- a ``BLOCK``/``LAMBDA`` takes a Proc (and, for a frame with no env yet, an
  env) from the closure pools (runtime/heap.py), which have no Python
  objects, and leaves ``abi.CLOSURE_LOG_WORDS`` in
  ``rl_vmstate.closure_log``; the replay keeps each entry in
  ``vm.lazy_closures`` under the Proc's handle and the new env's, and
  ``closure_object`` makes them what ``make_proc`` makes when Python first
  looks one up (heap.ObjectTable), or at once when the env belongs to a
  Frame Python has (the activation's own, a view).  A closure made and
  dropped in machine code costs Python that one entry.  The replay comes
  first: the other logs may name those envs and Procs.  Generated code
  logs neither the unsharing of an env Python has not seen (its cell says
  it, abi.ENV_SEEN) nor the orphan mark of such a Proc (its call data keep
  it, abi.PROC_FLAGS).

Each sets ``rl_vmstate.logged``.  The native engine calls ``replay``
whenever control enters Python from generated code (each callback, each
return of a native run), so no Python code ever sees the objects before
the log is applied.
"""

from __future__ import annotations

from .abi import (
    CLOSURE_LOG_WORDS,
    CLOSURE_NEW_ENV,
    CLOSURE_STRICT,
    ENV_POOL_WORDS,
    ENV_SEEN,
    OBJECT_MASK,
    OBJECT_SHIFT,
    OBJECT_TAG,
    PROC_FLAGS,
    PROC_ORPHAN,
    PROC_SEEN,
)
from .cdecls import ffi
from .natarray import replay_appends
from .objects import REnv, RProc

ARY_LOG_CAP = 256           # handles
ORPHAN_LOG_CAP = 128        # (block, base) pairs
ENV_LOG_CAP = 256           # env cells
CLOSURE_LOG_CAP = 128       # entries of CLOSURE_LOG_WORDS


def attach(state):
    """Give a VM's ``rl_vmstate`` its logs; returns what keeps them alive."""
    ary = ffi.new("uint64_t[]", ARY_LOG_CAP)
    state.ary_log = ary
    state.ary_log_n = 0
    state.ary_log_cap = ARY_LOG_CAP
    orphans = ffi.new("uint64_t[]", 2 * ORPHAN_LOG_CAP)
    state.orphan_log = orphans
    state.orphan_log_n = 0
    state.orphan_log_cap = ORPHAN_LOG_CAP
    envs = ffi.new("uint64_t[]", ENV_LOG_CAP)
    state.env_log = envs
    state.env_log_n = 0
    state.env_log_cap = ENV_LOG_CAP
    closures = ffi.new("uint64_t[]", CLOSURE_LOG_WORDS * CLOSURE_LOG_CAP)
    state.closure_log = closures
    state.closure_log_n = 0
    state.closure_log_cap = CLOSURE_LOG_CAP
    state.logged = 0
    return ary, orphans, envs, closures


def replay(vm) -> None:
    """Apply and empty the logs of ``vm``'s state."""
    state = vm.state
    state.logged = 0
    if state.closure_log_n:
        _replay_closures(vm, state)
    if state.ary_log_n:
        replay_appends(state, vm.objects)
    n = state.orphan_log_n
    if n:
        words = ffi.unpack(state.orphan_log, 2 * n)
        state.orphan_log_n = 0
        check = vm.orphan_check_at
        for k in range(0, 2 * n, 2):
            check(words[k], words[k + 1])
    n = state.env_log_n
    if n:                               # after the orphan marks: they see the envs on the stack
        log = state.env_log
        state.env_log_n = 0
        objects = vm.objects
        for k in range(n):
            e = objects.get(ffi.cast("uint64_t *", log[k])[3] >> OBJECT_SHIFT)
            if e is not None:           # else a lazy env: its cell says it (closure_object)
                e.unshared_natively()


# where an entry of the closure log keeps what it says (translate/templates.py's
# _closure): the Proc's word, the env's cell, b | flags, the record's head and
# register base (the env's handle in the upper half), its proc and target
# class, its depth; then what the replay adds
_PROC, _CELL, _FLAGS, _HEAD, _BASE, _UP, _TC, _DEPTH, _STACK = range(9)
_POOL_BUFFER = f"uint64_t(*)[{ENV_POOL_WORDS}]"


def _replay_closures(vm, state) -> None:
    """Keep the entries generated code's BLOCK/LAMBDA logged: the Proc (and
    new env) each names is made when Python first looks it up
    (``closure_object``), except an env of a frame Python has a Frame of,
    which gets it now."""
    n = state.closure_log_n
    words = ffi.unpack(state.closure_log, CLOSURE_LOG_WORDS * n)
    state.closure_log_n = 0
    lazy = vm.lazy_closures
    frames = vm.frames
    stack = vm.stack
    objects = vm.objects
    for k in range(0, CLOSURE_LOG_WORDS * n, CLOSURE_LOG_WORDS):
        # a tuple of ints and the running stack: the cyclic collector stops
        # tracking it, where 100,000 lists of live closures made each of its
        # full collections walk them (bench/programs/lambdas.rb: a third of its time)
        entry = (*words[k:k + CLOSURE_LOG_WORDS], stack)
        h = entry[_PROC] >> OBJECT_SHIFT
        lazy[h] = entry
        if entry[_FLAGS] & CLOSURE_NEW_ENV:
            env_h = entry[_BASE] >> 32  # the template put it there
            lazy[env_h] = entry
            depth = entry[_DEPTH]
            if depth < len(frames):     # the activation's own frame, a view: its env now
                f = frames[depth]       # (a Frame's proc is an RProc: compared by handle)
                if f.base == entry[_BASE] & 0xFFFFFFFF and f.env is None \
                        and f.proc is not None and f.proc.handle == entry[_UP] >> OBJECT_SHIFT:
                    env = objects[env_h]
                    f.env = env
                    env.frame = f
        if objects.get(h) is not None:  # Python made the pooled Proc: complete it now
            closure_object(vm, h, entry)


def closure_object(vm, h: int, entry: tuple):
    """The Proc or env of handle ``h`` that generated code made (``entry``
    is its closure-log entry, kept in ``vm.lazy_closures``): what
    ``ops.make_proc`` and ``REnv.from_record`` would have made, as it is
    now (an env whose frame has returned is unshared)."""
    objects = vm.objects
    del vm.lazy_closures[h]
    if entry[_PROC] >> OBJECT_SHIFT == h:
        p = objects.get(h)              # a pooled Proc Python made blank (heap.ObjectTable)
        if p is None:
            p = RProc(vm.c_Proc)
            p.handle = h
            objects[h] = p
        up = objects[entry[_UP] >> OBJECT_SHIFT]
        env = objects[ffi.cast("uint64_t *", entry[_CELL])[3] >> OBJECT_SHIFT]
        flags = entry[_FLAGS]
        p.close_over(vm, up, flags & 0xFFFF, env, bool(flags & CLOSURE_STRICT))
        data = ffi.cast("uint64_t *", vm.proc_calls.blocks[h])
        marks = data[PROC_FLAGS // 8]   # generated code's orphan mark (templates' _log_orphan)
        p.orphan = bool(marks & PROC_ORPHAN)
        data[PROC_FLAGS // 8] = marks | PROC_SEEN       # Python keeps the mark from now on
        return p
    cell = ffi.cast("uint64_t *", entry[_CELL])
    cell[ENV_SEEN // 8] = 1             # its unsharing goes in env_log from now on
    e = REnv.pooled(vm, int(cell[2]))
    e.handle = h
    objects[h] = e
    e.cell = cell
    e.cell_addr = entry[_CELL]
    e.buf = ffi.cast(_POOL_BUFFER, cell[1])[0]     # an array, as ffi.new makes one
    e.pooled_buf = True
    tcw = entry[_TC]
    head = entry[_HEAD]
    e.place(vm, entry[_BASE] & 0xFFFFFFFF, head & 0xFF, (head >> 8) & 0xFF, head >> 32,
            objects[tcw >> OBJECT_SHIFT] if tcw & OBJECT_MASK == OBJECT_TAG else None,
            objects[entry[_UP] >> OBJECT_SHIFT])
    e.stack = entry[_STACK]
    if cell[0] == cell[1]:
        e.unshared_natively()           # its frame returned: generated code copied it out
    return e
