"""The environment variables that tune a run, read in one place.

``RITELOAD_GC_THRESHOLD``: allocations before the first collection (a
small value makes every program a stress test of the collector;
runtime/gc.py).  ``RITELOAD_GC_STRESS=1``: collect at every allocation
once the program runs, generated code's included (its allocation pools
hold one object), as mruby's MRB_GC_STRESS does.
``RITELOAD_NATIVE_HOT_CALLS``: activations of an irep without a loop
before the native engine translates it (runtime/native.py).
Unset or empty, each has its default; ``runtime.main.run_file`` checks them
before a run starts, so a bad value is one line naming the variable, not
a traceback from inside the VM.
"""

from __future__ import annotations

import os

GC_THRESHOLD = 200_000
# activations of a loop-free irep before it is translated (1: translate
# everything on first use, as the tests do to run as much generated code as possible)
HOT_CALLS = 2


class SettingError(ValueError):
    """An environment variable holds what its setting cannot be."""


def _positive(name: str, default: int) -> int:
    text = os.environ.get(name, "")
    if not text.strip():
        return default
    try:
        value = int(text, 10)
    except ValueError:
        value = 0
    if value < 1:
        raise SettingError(f"{name} must be a whole number of at least 1, not {text!r}")
    return value


def gc_threshold() -> int:
    return _positive("RITELOAD_GC_THRESHOLD", GC_THRESHOLD)


def gc_stress() -> bool:
    text = os.environ.get("RITELOAD_GC_STRESS", "").strip()
    if text not in ("", "0", "1"):
        raise SettingError(f"RITELOAD_GC_STRESS must be 0 or 1, not {text!r}")
    return text == "1"


def hot_calls() -> int:
    return _positive("RITELOAD_NATIVE_HOT_CALLS", HOT_CALLS)


def check() -> None:
    """Raise SettingError for the first variable set to a bad value."""
    gc_threshold()
    gc_stress()
    hot_calls()
