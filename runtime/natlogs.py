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
  objects, and writes what makes them into the Proc's call data
  (abi.PROC_UP, PROC_IREP) and the env's cell (abi.ENV_HEAD...):
  ``closure_proc`` and ``closure_env`` make what ``make_proc`` makes when
  Python first looks one up (heap.ObjectTable), so a closure made and
  dropped in machine code costs Python nothing.  Only a new env of a frame
  Python has a Frame of (the activation's own, a view) goes in
  ``rl_vmstate.closure_log``; the replay gives it to that Frame.  It comes
  first: the other logs may name those envs.  Generated code logs neither
  the unsharing of an env Python has not seen (its cell says it,
  abi.ENV_SEEN) nor the orphan mark of such a Proc (its call data keep it,
  abi.PROC_FLAGS).

Each sets ``rl_vmstate.logged``.  The native engine calls ``replay``
whenever control enters Python from generated code (each callback, each
return of a native run), so no Python code ever sees the objects before
the log is applied.
"""

from __future__ import annotations

from .abi import (
    CLOSURE_LOG_WORDS,
    ENV_BASE,
    ENV_BUF,
    ENV_HEAD,
    ENV_LENGTH,
    ENV_POOL_WORDS,
    ENV_REGS,
    ENV_SEEN,
    ENV_STACK,
    ENV_TC,
    ENV_UP,
    ENV_WORD,
    OBJECT_MASK,
    OBJECT_SHIFT,
    OBJECT_TAG,
    PROC_ENV,
    PROC_FLAGS,
    PROC_IREP,
    PROC_ORPHAN,
    PROC_SEEN,
    PROC_STRICT,
    PROC_UP,
)
from .cdecls import ffi
from .natarray import replay_appends
from .objects import REnv, RProc

ARY_LOG_CAP = 256           # handles
ORPHAN_LOG_CAP = 128        # (block, base) pairs
ENV_LOG_CAP = 256           # env cells
CLOSURE_LOG_CAP = 64        # entries of CLOSURE_LOG_WORDS


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
        _replay_new_envs(vm, state)
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
            if e is not None:           # else one Python has not seen: its cell says it
                e.unshared_natively()


_POOL_BUFFER = f"uint64_t(*)[{ENV_POOL_WORDS}]"


def _replay_new_envs(vm, state) -> None:
    """Give each Frame in Python whose record generated code's BLOCK gave a
    new env (its cell, the record's depth, register base and proc logged)
    that env, unless the frame is gone."""
    n = state.closure_log_n
    words = ffi.unpack(state.closure_log, CLOSURE_LOG_WORDS * n)
    state.closure_log_n = 0
    frames = vm.frames
    objects = vm.objects
    for k in range(0, CLOSURE_LOG_WORDS * n, CLOSURE_LOG_WORDS):
        cell, depth, base, up = words[k:k + CLOSURE_LOG_WORDS]
        if depth < len(frames):
            f = frames[depth]           # (a Frame's proc is an RProc: compared by handle)
            if f.base == base and f.env is None and f.proc is not None \
                    and f.proc.handle == up >> OBJECT_SHIFT:
                env = objects[ffi.cast("uint64_t *", cell)[ENV_WORD // 8] >> OBJECT_SHIFT]
                if env.values is None:  # (else its frame returned: unshared natively)
                    f.env = env
                    env.frame = f


def closure_proc(vm, h: int, data):
    """The RProc of handle ``h`` that generated code's BLOCK/LAMBDA made
    (``data`` its call data): what ``ops.make_proc`` would have made."""
    objects = vm.objects
    p = RProc(vm.c_Proc)
    p.handle = h
    objects[h] = p
    up = objects[data[PROC_UP // 8] >> OBJECT_SHIFT]
    env = objects[ffi.cast("uint64_t *", data[PROC_ENV // 8])[ENV_WORD // 8] >> OBJECT_SHIFT]
    flags = data[PROC_FLAGS // 8]
    p.close_over(vm, up, int(data[PROC_IREP // 8]), env, bool(flags & PROC_STRICT))
    p.orphan = bool(flags & PROC_ORPHAN)    # generated code's mark (templates' _log_orphan)
    data[PROC_FLAGS // 8] = flags | PROC_SEEN   # Python keeps the mark from now on
    return p


def closure_env(vm, h: int, cell):
    """The REnv of handle ``h`` that generated code's BLOCK made (``cell``
    its cell): what ``REnv.from_record`` makes, as it is now (an env whose
    frame has returned is unshared).  It leaves the collector's native
    sweep: its class word and env_blocks entry go."""
    objects = vm.objects
    vm.class_words[h] = 0
    vm.env_space.blocks[h] = 0
    cell[ENV_SEEN // 8] = 1             # its unsharing goes in env_log from now on
    e = REnv.pooled(vm, int(cell[ENV_LENGTH // 8]))
    e.handle = h
    objects[h] = e
    e.cell = cell
    e.cell_addr = int(ffi.cast("uintptr_t", cell))
    e.buf = ffi.cast(_POOL_BUFFER, cell[ENV_BUF // 8])[0]   # an array, as ffi.new makes one
    e.pooled_buf = True
    tcw = cell[ENV_TC // 8]
    head = cell[ENV_HEAD // 8]
    e.place(vm, cell[ENV_BASE // 8] & 0xFFFFFFFF, head & 0xFF, (head >> 8) & 0xFF, head >> 32,
            objects[tcw >> OBJECT_SHIFT] if tcw & OBJECT_MASK == OBJECT_TAG else None,
            objects[cell[ENV_UP // 8] >> OBJECT_SHIFT])
    at = cell[ENV_STACK // 8]
    e.stack = next((c.stack for c in vm.contexts if c.stack_addr == at), None)
    if cell[ENV_REGS // 8] == cell[ENV_BUF // 8]:
        e.unshared_natively()           # its frame returned: generated code copied it out
    return e
