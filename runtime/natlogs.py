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

Each sets ``rl_vmstate.logged``.  The native engine calls ``replay``
whenever control enters Python from generated code (each callback, each
return of a native run), so no Python code ever sees the objects before
the log is applied.
"""

from __future__ import annotations

from .abi import OBJECT_SHIFT
from .cdecls import ffi
from .natarray import replay_appends

ARY_LOG_CAP = 256           # handles
ORPHAN_LOG_CAP = 128        # (block, base) pairs
ENV_LOG_CAP = 256           # env cells


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
    state.logged = 0
    return ary, orphans, envs


def replay(vm) -> None:
    """Apply and empty the logs of ``vm``'s state."""
    state = vm.state
    state.logged = 0
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
