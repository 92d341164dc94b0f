"""Coroutines: a body run on its own Python thread and in an execution
context of its own, resumed and suspended strictly in turn (mruby 3.1's
``struct mrb_context`` and the mruby-fiber gem's ``fiber_switch``).

Fibers (``runtime/core/fiber.py``) and the external iteration of
Enumerators (``runtime/core/enumerator.py``: ``next``/``peek``) both run on
a ``Coroutine``; only one thread touches the VM at a time.  It lives apart
from both so that neither core module imports the other for it (mruby's
Enumerator uses Fiber, never the reverse).

A coroutine gets its ``Context`` (runtime/context.py: its own register
stack and call-info stack in a mapping of their own, its frames, pending
exception and GC arena) when it first runs, with a fiber's call-info limit
(the dialect's ``fiber_ci_max``: ``FIBER_CALLINFO_MAX`` for mruby 3.1), and
frees it when its body has ended.  A switch is ``context.switch``: the
resumer's thread puts the coroutine's context on the VM, wakes the
coroutine's thread and waits; when the coroutine suspends or ends, the
resumer puts its own context back.  So whichever thread runs, the VM's
``stack``, ``frames``, ``arena``... are its own.
"""

from __future__ import annotations

import threading

from . import abi
from .context import Context, switch

NIL = abi.NIL

THREAD_STACK = 64 << 20       # Python stack of a coroutine thread


class _Kill(BaseException):
    """Unwinds an abandoned coroutine's Python stack (never seen by Ruby)."""


class Coroutine:
    """A body ``fn(co) -> word`` run as a coroutine; ``co.suspend(v)`` inside
    it hands ``v`` to the resumer and returns the next resume value.

    ``running``: resumed and not suspended or ended since (fiber_switch's
    "double resume" when resumed again meanwhile); ``context``: its
    execution context while it is started and not done (None before and
    after)."""

    def __init__(self, vm, fn):
        self.vm = vm
        self.fn = fn
        self.started = False
        self.done = False
        self.killed = False
        self.running = False
        self.context = None
        self.inbox = NIL
        self.outbox = None
        self.sem_co = threading.Semaphore(0)
        self.sem_main = threading.Semaphore(0)
        self.thread = None

    def _run(self):
        try:
            r = self.fn(self)
            self.outbox = ("done", r)
        except _Kill:
            self.outbox = ("done", NIL)
        except BaseException as e:  # noqa: BLE001 - handed to the resumer's thread
            self.outbox = ("raise", e)
        finally:
            self.done = True
            self.sem_main.release()

    def _start_thread(self):
        old = threading.stack_size()
        threading.stack_size(THREAD_STACK)
        try:
            self.thread = threading.Thread(target=self._run, name="riteload-coroutine",
                                           daemon=True)
            self.thread.riteload_vm = self.vm     # whose threads runtime/gc.py scans
            self.thread.start()
        finally:
            threading.stack_size(old)

    def _switch(self, start=False):
        """Run the coroutine in its context until it suspends or ends."""
        vm = self.vm
        self.running = True
        prev = switch(vm, self.context)
        try:
            if start:
                self._start_thread()
            else:
                self.sem_co.release()
            self.sem_main.acquire()
        finally:
            self.running = False
            switch(vm, prev)
            if self.done or self.thread is None:
                self.done = True
                self._free()

    def _free(self):
        c = self.context
        if c is not None:
            self.context = None
            contexts = self.vm.contexts
            if c in contexts:
                contexts.remove(c)
            c.free()

    def resume(self, value=NIL):
        """('yield', v) or ('done', v); re-raises what the body raised."""
        vm = self.vm
        if self.running:
            vm.raise_error(vm.c_FiberError, "double resume")
        self.inbox = value
        if not self.started:
            self.started = True
            try:
                self.context = Context(vm.dialect.fiber_ci_max)
            except MemoryError:
                self.done = True
                vm.raise_error(vm.c_NoMemoryError, "Out of memory")
            vm.contexts.append(self.context)
            self._switch(start=True)
        else:
            self._switch()
        kind, v = self.outbox
        self.outbox = None
        if kind == "raise":
            raise v
        return kind, v

    def suspend(self, value):
        """Called inside the body: give ``value`` to the resumer."""
        self.outbox = ("yield", value)
        self.sem_main.release()
        self.sem_co.acquire()
        if self.killed:
            raise _Kill()
        return self.inbox

    def close(self):
        """Abandon a suspended coroutine: unwind its thread (no Ruby code
        runs: no ensure clause) and free its context."""
        if self.started and not self.done and not self.running:
            self.killed = True
            self._switch()
            self.outbox = None
