"""Coroutines: a body run on its own Python thread, with its own call-info
stack and its own window of the register stack, resumed and suspended
strictly in turn (the execution contexts of mruby 3.1: ``struct
mrb_context`` and the mruby-fiber gem's fiber_switch).

Fibers (``runtime/core/fiber.py``) and the external iteration of
Enumerators (``runtime/core/enumerator.py``: ``next``/``peek``) both run on
a ``Coroutine``; only one thread touches the VM at a time.  It lives apart
from both so that neither core module imports the other for it (mruby's
Enumerator uses Fiber, never the reverse).
"""

from __future__ import annotations

import threading

from . import abi
from .cdecls import ffi
from .frames import CINFO_SKIP, MRB_STACK_MAX, Frame

NIL = abi.NIL

THREAD_STACK = 64 << 20       # Python stack of a coroutine thread
# Each coroutine runs in a window at the top of the register stack, far above
# what the main program reaches before SystemStackError (962 call-info
# records): _SLOTS windows of _REGION words, shared when more coroutines are
# alive (see _Windows).
_REGION = 8192
_SLOTS = 28


# ---------------------------------------------------------------- coroutines
class _Kill(BaseException):
    """Unwinds an abandoned coroutine's Python stack (never seen by Ruby)."""


_ENGINE_ATTRS = ("_top", "_stray")


def _engine_save(vm):
    """The per-context state an engine keeps outside the frames (the native
    engine's activation chain and its ctx register window)."""
    eng = vm.engine
    st = {a: getattr(eng, a) for a in _ENGINE_ATTRS if hasattr(eng, a)}
    ctx = getattr(eng, "ctx", None)
    if ctx is not None and hasattr(ctx, "regs"):
        st["ctx.regs"] = ctx.regs
    return st


def _engine_restore(vm, st):
    eng = vm.engine
    for a in _ENGINE_ATTRS:
        if hasattr(eng, a):
            setattr(eng, a, st.get(a))
    if "ctx.regs" in st:
        eng.ctx.regs = st["ctx.regs"]


class _Windows:
    """The register-stack windows coroutines run in.

    A window is shared when there are more live coroutines than windows: its
    ``resident`` coroutine's registers are in the stack, the others' are
    saved in Python and copied back when they resume (a suspended one whose
    window is taken cannot have live registers anywhere else)."""

    def __init__(self):
        self.owners = [0] * _SLOTS          # live coroutines assigned to each window
        self.resident = [None] * _SLOTS
        self.chain = []                     # coroutines running now, outermost first
        self.clock = 0


def _windows(vm):
    w = getattr(vm, "_coroutine_windows", None)
    if w is None:
        w = vm._coroutine_windows = _Windows()
    return w


def _base(i):
    return MRB_STACK_MAX - (i + 1) * _REGION


class Coroutine:
    """A body ``fn(co) -> word`` run as a coroutine; ``co.suspend(v)`` inside
    it hands ``v`` to the resumer and returns the next resume value."""

    def __init__(self, vm, fn):
        self.vm = vm
        self.fn = fn
        self.started = False
        self.done = False
        self.killed = False
        self.frames = []
        self.exc = None
        self.inbox = NIL
        self.outbox = None
        self.sem_co = threading.Semaphore(0)
        self.sem_main = threading.Semaphore(0)
        self.thread = None
        self.slot = None
        self.saved = None           # window contents while another coroutine uses it
        self.last_used = 0
        self.engine_state = {}

    def _take_slot(self):
        """A window for a new coroutine: a free one, else the one whose
        resident was used least recently (and is not running)."""
        w = _windows(self.vm)
        pick = None
        for i in range(_SLOTS):
            if w.owners[i] == 0:
                pick = i
                break
        if pick is None:
            best = None
            for i in range(_SLOTS):
                r = w.resident[i]
                if r is not None and r in w.chain:
                    continue
                lu = r.last_used if r is not None else -1
                if best is None or lu < best:
                    best, pick = lu, i
            if pick is None:
                return None
            self._evict(pick)
        w.owners[pick] += 1
        w.resident[pick] = self
        self.slot = pick
        return _base(pick)

    def _evict(self, i):
        """Save the registers of window i's resident."""
        vm = self.vm
        w = _windows(vm)
        r = w.resident[i]
        if r is not None and r is not self:
            base = _base(i)
            r.saved = bytes(ffi.buffer(vm.stack + base, _REGION * 8))
        w.resident[i] = None

    def _make_resident(self):
        w = _windows(self.vm)
        i = self.slot
        r = w.resident[i]
        if r is self:
            return
        if r is not None and r in w.chain:
            self.vm.raise_error(self.vm.c_FiberError, "too many fibers")
        self._evict(i)
        if self.saved is not None:
            ffi.memmove(self.vm.stack + _base(i), self.saved, _REGION * 8)
            self.saved = None
        w.resident[i] = self

    def _free_slot(self):
        if self.slot is not None:
            w = _windows(self.vm)
            w.owners[self.slot] -= 1
            if w.resident[self.slot] is self:
                w.resident[self.slot] = None
            self.slot = None
            self.saved = None

    def _run(self, base):
        vm = self.vm
        f = Frame(0, None, base, 0, 0, None, CINFO_SKIP)
        f.nregs = 0
        try:
            vm.push_frame(f)
            try:
                r = self.fn(self)
            finally:
                vm.pop_frame(f)
            self.outbox = ("done", r)
        except _Kill:
            self.outbox = ("done", NIL)
        except BaseException as e:  # noqa: BLE001 - handed to the resumer's thread
            self.outbox = ("raise", e)
        finally:
            self.done = True
            self._free_slot()
            self.sem_main.release()

    def _switch(self, start_base=None):
        vm = self.vm
        w = _windows(vm)
        if start_base is None and not self.done:
            self._make_resident()
        w.clock += 1
        self.last_used = w.clock
        w.chain.append(self)
        saved = (vm.frames, vm.exc, _engine_save(vm))
        vm.frames = self.frames
        vm.exc = self.exc
        _engine_restore(vm, self.engine_state)
        try:
            if start_base is not None:
                old = threading.stack_size()
                threading.stack_size(THREAD_STACK)
                try:
                    self.thread = threading.Thread(target=self._run, args=(start_base,),
                                                   name="riteload-coroutine", daemon=True)
                    self.thread.riteload_vm = vm      # whose arena it shares (runtime/gc.py)
                    self.thread.start()
                finally:
                    threading.stack_size(old)
            else:
                self.sem_co.release()
            self.sem_main.acquire()
        finally:
            w.chain.pop()
            self.exc = vm.exc
            self.engine_state = _engine_save(vm)
            vm.frames, vm.exc = saved[0], saved[1]
            _engine_restore(vm, saved[2])

    def resume(self, value=NIL):
        """('yield', v) or ('done', v); re-raises what the body raised."""
        if self in _windows(self.vm).chain:
            self.vm.raise_error(self.vm.c_FiberError, "double resume")
        self.inbox = value
        if not self.started:
            self.started = True
            base = self._take_slot()
            if base is None:
                self.vm.raise_error(self.vm.c_FiberError, "too many fibers")
            self._switch(base)
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
        if self.started and not self.done:
            self.killed = True
            self._switch()
            self.outbox = None
