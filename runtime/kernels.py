"""The heap's bulk kernels (translate/kernels.py), mapped once per process.

``sweep()``, ``env_sweep()``, ``fill()`` and ``env_fill()`` give the cffi function of each, ``void
kernel(uint64_t *args)``; the code is mapped read-execute like a
translation, on first use, so a run that never refills an allocation pool
nor collects imports no assembler.  The kernels hold no state: every VM
of the process shares them.
"""

from __future__ import annotations

from .cdecls import ffi
from .execmem import ExecMemory

_mapped: dict = {}      # kernel name -> (ExecMemory, cffi function)


def _kernel(name: str):
    got = _mapped.get(name)
    if got is None:
        from translate import kernels
        code = getattr(kernels, f"{name}_kernel")()
        mem = ExecMemory(len(code))
        mem.write(0, code)
        mem.protect_exec()
        got = _mapped[name] = (mem, ffi.cast("void (*)(uint64_t *)", mem.address))
    return got[1]


def sweep():
    return _kernel("sweep")


def fill():
    return _kernel("fill")


def env_fill():
    return _kernel("env_fill")


def env_sweep():
    return _kernel("env_sweep")
