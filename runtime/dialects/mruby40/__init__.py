"""mruby 4.0.0 (its default build): the release RITE0400 files run as.

- opcodes: runtime/ops.py's semantics where 4.0 kept them, ``ops.py`` here
  for the ones 4.0 added or changed (SEND0, TDEF, BLKCALL, RETSELF...);
- Integers past 64 bits promote (the mruby-bigint gem of the default
  build): ``int_new`` boxes any Python int instead of raising RangeError;
- Floats keep every bit (4.0's word boxing no longer truncates them):
  ``float_new`` stores a double exactly, boxed when no flonum holds it;
- the core library: runtime/core, then the modules of ``core/`` here, in
  ``CORE`` order (what 4.0 changed, added or removed); ``visibility``
  comes last: it gives every builtin installed before it 4.0's visibility,
  and 4.0's SEND/SEND0/SENDB (``ops.py``) check it;
- backtraces leave out the methods 4.0 writes in Ruby (``mrblib40.py``).
"""

from __future__ import annotations

from ...fastfloat import flonum
from ...objects import RFloat, RInteger
from .. import Dialect
from .core.constants import VM_OVERRIDES as CONSTANTS_OVERRIDES
from .core.errno import VM_OVERRIDES as ERRNO_OVERRIDES
from .core.errors import VM_OVERRIDES as ERRORS_OVERRIDES
from .core.integer import VM_OVERRIDES as INTEGER_OVERRIDES
from .core.kernel import VM_OVERRIDES as KERNEL_OVERRIDES
from .core.method import VM_OVERRIDES as METHOD_OVERRIDES
from .core.proc import VM_OVERRIDES as PROC_OVERRIDES
from .ops import OPS, jump_leaves, specialize
from .symorder import VM_OVERRIDES as SYMORDER_OVERRIDES

MASK64 = (1 << 64) - 1


def int_new(vm, n: int) -> int:
    """mrb_int_value, or a bigint (mrb_bint_new_int) past 64 bits."""
    if -(1 << 62) <= n < (1 << 62):
        return ((n << 1) | 1) & MASK64
    return vm.alloc(RInteger(vm.c_Integer, n))


def float_new(vm, x: float) -> int:
    """mrb_float_value: the double as it is, inline when a flonum holds it."""
    w = flonum(x)
    if w is not None:
        return w
    return vm.alloc(RFloat(vm.c_Float, x))


def float_kept(vm, x: float) -> float:
    """4.0 keeps every bit of a double."""
    return x


def none_runs_eq(vm) -> bool:
    """4.0's mrblib tests an optional argument with ``NONE.equal?(obj)``:
    no user ``==`` (or Comparable's ``<=>``) runs."""
    return False


CORE = tuple(f"runtime.dialects.mruby40.core.{m}" for m in (
    "errors", "errno", "binding", "classes", "fiber", "file", "inspect", "integer", "array",
    "compare", "float", "hash", "io", "kernel", "method", "pack", "proc", "random", "range",
    "rational", "readfloat", "set", "sprintf", "string", "struct", "time", "aspec",
    "visibility",
))

DIALECT = Dialect(
    release="4.0",
    version_line="mruby 4.0.0 (2026-04-20)",
    formats=("0400",),
    ops=OPS,
    specialize=specialize,
    listing="4.0",
    core=CORE,
    vm_overrides={"int_new": int_new, "float_new": float_new, "float_kept": float_kept,
                  "none_runs_eq": none_runs_eq,
                  **ERRORS_OVERRIDES, **ERRNO_OVERRIDES,
                  **INTEGER_OVERRIDES, **CONSTANTS_OVERRIDES, **METHOD_OVERRIDES,
                  **SYMORDER_OVERRIDES, **PROC_OVERRIDES,
                  **KERNEL_OVERRIDES,
                  "jump_leaves": jump_leaves},
    # cipush doubles the call-info array up to MRB_CALL_LEVEL_MAX (512) records,
    # from 32 (vm.c) or from a Fiber's 4 (mruby-fiber's FIBER_CI_INIT_SIZE)
    ci_max=512,
    fiber_ci_max=512,
)
