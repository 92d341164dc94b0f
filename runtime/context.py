"""Execution contexts: mruby 3.1's ``struct mrb_context``.

A ``Context`` is what one line of Ruby execution owns: its register stack
(``stack``, where the registers ``R[i]`` of its frames live: a frame's
``base`` indexes its own context's stack), its call-info stack (``frames``,
the Python list of live ``Frame`` records, mirrored into the native array
``ci`` by ``vm.sync_callinfo``) with its depth limit ``ci_max``, the
pending exception ``exc`` (``mrb->exc``) and its GC arena (``arena``).

The root context (``mrb->root_c``) is made with the VM; each coroutine
(``runtime/coroutine.py``: a Fiber, an Enumerator's external iteration)
gets one of its own when it first runs and frees it when it ends, as the
mruby-fiber gem gives each fiber its own ``stbase`` and ``cibase``.  The VM
runs in one context at a time, ``vm.context``; ``install`` copies its
fields onto the VM (``vm.stack``, ``vm.stack_addr``, ``vm.ci``,
``vm.ci_max``, ``vm.frames``, ``vm.exc``, ``vm.arena`` and ``vm.state``'s
``stack``/``cibase``/``ci``), so the hot paths keep reading one attribute of
the VM, and ``switch`` moves the VM to another context the way
``fiber_switch`` sets ``mrb->c``.  ``vm.contexts`` lists the live ones (the
collector marks each of them, runtime/gc.py).

Memory (``Stacks``): one anonymous private mapping per context holds its
register stack (``STACK_SIZE`` words: ``MRB_STACK_MAX`` and the frame that
overflows it) and its call-info array, each followed by ``GUARD`` bytes of
PROT_NONE pages, so that code running past either end faults instead of
overwriting something else.  The mapping is only reserved
(``MAP_NORESERVE``): the kernel backs a page when it is first touched, so a
coroutine that runs a few frames costs a few pages of memory (about 2.2 MiB
of address space).  ``free`` unmaps it; a ``weakref.finalize`` unmaps a
mapping whose owner was dropped without freeing it.
"""

from __future__ import annotations

import weakref

from .cdecls import ffi, libc
from .execmem import (
    MAP_ANONYMOUS,
    MAP_FAILED,
    MAP_PRIVATE,
    PAGE_SIZE,
    PROT_NONE,
    PROT_READ,
    PROT_WRITE,
)
from .frames import STACK_SIZE

MAP_NORESERVE = 0x4000
GUARD = 16 * PAGE_SIZE          # PROT_NONE bytes after the registers and after the call-info
CALLINFO_SIZE = ffi.sizeof("rl_callinfo")


def _round_up(n: int, to: int) -> int:
    return (n + to - 1) // to * to


def _unmap(addr: int, size: int) -> None:
    # finalizer body: must not reference the Stacks object
    libc.munmap(ffi.cast("void *", addr), size)


class Stacks:
    """The register stack and call-info array of one context, in one mapping::

        [registers: words * 8][guard][call-info: records * 128][guard]

    ``registers`` is a ``uint64_t[words]`` and ``callinfo`` an
    ``rl_callinfo[records]`` cffi array over it; ``address`` is the first
    register's address (what native code adds ``8 * base`` to)."""

    __slots__ = ("address", "size", "registers", "callinfo", "_finalizer", "__weakref__")

    def __init__(self, words: int, records: int):
        reg_bytes = _round_up(words * 8, PAGE_SIZE)
        ci_bytes = _round_up(records * CALLINFO_SIZE, PAGE_SIZE)
        size = reg_bytes + GUARD + ci_bytes + GUARD
        ptr = libc.mmap(ffi.NULL, size, PROT_NONE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0)
        if ptr == MAP_FAILED:
            raise MemoryError(f"mmap of a {size}-byte context stack failed (errno {ffi.errno})")
        addr = int(ffi.cast("uintptr_t", ptr))
        self._finalizer = weakref.finalize(self, _unmap, addr, size)
        self._finalizer.atexit = False      # the process is ending: nothing to give back
        ci_addr = addr + reg_bytes + GUARD
        rw = PROT_READ | PROT_WRITE
        if libc.mprotect(ptr, reg_bytes, rw) == -1 or \
                libc.mprotect(ffi.cast("void *", ci_addr), ci_bytes, rw) == -1:
            err = ffi.errno
            self.free()
            raise MemoryError(f"mprotect of a context stack failed (errno {err})")
        self.address = addr
        self.size = size
        self.registers = ffi.cast(f"uint64_t(*)[{words}]", ptr)[0]
        self.callinfo = ffi.cast(f"rl_callinfo(*)[{records}]", ci_addr)[0]

    @property
    def alive(self) -> bool:
        return self._finalizer.alive

    def free(self) -> None:
        """Unmap now (idempotent); nothing may read the arrays afterwards."""
        self.registers = self.callinfo = None
        if self._finalizer.detach() is not None:
            libc.munmap(ffi.cast("void *", self.address), self.size)


class Context:
    """One execution context (see the module docstring)."""

    __slots__ = ("mem", "stack", "stack_addr", "ci", "ci_size", "ci_max", "frames", "exc",
                 "arena")

    def __init__(self, ci_max: int):
        mem = self.mem = Stacks(STACK_SIZE, ci_max + 2)
        self.stack = mem.registers
        self.stack_addr = mem.address
        self.ci = mem.callinfo
        self.ci_size = ci_max + 2
        self.ci_max = ci_max
        self.frames: list = []
        self.exc = None
        self.arena: list = []

    def free(self) -> None:
        """Give the memory back.  Envs still pointing into the registers
        (none once every frame has been popped) get their values copied out
        first, as ``pop_frame`` does."""
        for f in self.frames:
            if f.env is not None:
                f.env.unshare()
        self.frames = []
        self.arena = []
        self.stack = self.ci = None
        self.mem.free()


def install(vm, c: Context) -> None:
    """Make ``c`` the context the VM runs in (its fields onto the VM)."""
    vm.context = c
    vm.stack = c.stack
    vm.stack_addr = c.stack_addr
    vm.ci = c.ci
    vm.ci_max = c.ci_max
    vm.frames = c.frames
    vm.exc = c.exc
    vm.arena = c.arena
    st = vm.state
    st.stack = c.stack
    st.stack_size = STACK_SIZE
    st.cibase = c.ci
    st.ci = len(c.frames) - 1
    st.ci_size = c.ci_size


def switch(vm, c: Context) -> Context:
    """Leave the running context for ``c`` (fiber_switch_context); return
    the one left, whose VM-side fields are saved back into it."""
    old = vm.context
    old.frames = vm.frames
    old.exc = vm.exc
    old.arena = vm.arena
    install(vm, c)
    return old
