"""The logs generated code writes and Python replays.

Generated code changes things Python keeps in Python objects:

- ``push``/``<<`` append to an Array's native block (runtime/natarray.py);
  the Array's handle goes in ``rl_vmstate.ary_log`` once, and the replay
  extends its Python list;
- a native ``SENDB`` whose callee returned leaves (block, caller's register
  base) in ``rl_vmstate.orphan_log``; the replay marks the block orphan as
  ``call_at`` would have (``VM.orphan_check_at``), so a later ``break``
  from it is mruby's LocalJumpError.

- a frame whose record holds its env's cell (``rl_callinfo.env``) copies
  its registers into the env's buffer when it returns or an exception
  leaves it, and leaves the cell in ``rl_vmstate.env_log``; the replay
  tells the REnv it is unshared (``REnv.unshared_natively``).

- a ``BLOCK``/``LAMBDA`` takes a blank Proc (and, for a frame with no env
  yet, a blank env) from the closure pools (runtime/heap.py) and leaves
  ``abi.CLOSURE_LOG_WORDS`` in ``rl_vmstate.closure_log``; the replay makes
  them what ``make_proc`` makes (it comes first: the other logs may name
  those envs and Procs).

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
    OBJECT_MASK,
    OBJECT_SHIFT,
    OBJECT_TAG,
)
from .cdecls import ffi
from .natarray import replay_appends

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
        log = state.orphan_log
        state.orphan_log_n = 0
        for k in range(0, 2 * n, 2):
            vm.orphan_check_at(log[k], log[k + 1])
    n = state.env_log_n
    if n:                               # after the orphan marks: they see the envs on the stack
        log = state.env_log
        state.env_log_n = 0
        objects = vm.objects
        for k in range(n):
            cell = ffi.cast("uint64_t *", log[k])
            objects[cell[3] >> OBJECT_SHIFT].unshared_natively()


def _replay_closures(vm, state) -> None:
    """The Procs (and envs) generated code's BLOCK/LAMBDA made: what
    ``ops.make_proc`` and ``REnv.from_record`` would have made of them
    (``RProc.close_over``, ``REnv.place``)."""
    n = state.closure_log_n
    log = state.closure_log
    state.closure_log_n = 0
    objects = vm.objects
    frames = vm.frames
    for k in range(0, CLOSURE_LOG_WORDS * n, CLOSURE_LOG_WORDS):
        p = objects[log[k] >> OBJECT_SHIFT]
        cell = ffi.cast("uint64_t *", log[k + 1])
        env = objects[cell[3] >> OBJECT_SHIFT]
        flags = log[k + 2]
        up = objects[log[k + 5] >> OBJECT_SHIFT]
        tcw = log[k + 6]
        frame_tc = objects[tcw >> OBJECT_SHIFT] if tcw & OBJECT_MASK == OBJECT_TAG else None
        if flags & CLOSURE_NEW_ENV:
            head = log[k + 3]           # n, nk, cci, kind; mid
            base = log[k + 4] & 0xFFFFFFFF
            env.length = int(cell[2])   # what the code stored
            env.place(vm, base, head & 0xFF, (head >> 8) & 0xFF, head >> 32, frame_tc, up)
            depth = log[k + 7]
            if depth < len(frames):     # the activation's own frame: its Frame holds the env
                f = frames[depth]
                if f.base == base and f.proc is up and f.env is None:
                    f.env = env
                    env.frame = f
        p.close_over(vm, up, flags & 0xFFFF, env, bool(flags & CLOSURE_STRICT))
