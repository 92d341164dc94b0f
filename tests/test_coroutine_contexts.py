"""Execution contexts (runtime/context.py) and the coroutines that run in
them (runtime/coroutine.py): each coroutine has a register stack and a
call-info stack of its own, in a lazily backed mapping with guard pages;
the VM switches to it on resume and back on suspend; the collector marks
every live context; the memory goes back when the coroutine ends.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from runtime import abi
from runtime.cdecls import ffi
from runtime.context import GUARD, Context, Stacks
from runtime.coroutine import Coroutine
from runtime.errors import RubyError
from runtime.frames import CALLINFO_MAX, FIBER_CALLINFO_MAX, STACK_SIZE, Frame
from runtime.objects import RString
from runtime.vm import VM

NIL = abi.NIL
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture
def vm():
    return VM()


def fx(n):
    return abi.fixnum(n)


def test_root_context_is_on_the_vm(vm):
    c = vm.root_context
    assert vm.context is c and vm.contexts == [c]
    assert vm.stack is c.stack and vm.frames is c.frames and vm.arena is c.arena
    assert vm.ci_max == CALLINFO_MAX and len(vm.stack) == STACK_SIZE
    assert vm.stack_addr == int(ffi.cast("uintptr_t", vm.state.stack))


def test_coroutine_runs_in_a_context_of_its_own(vm):
    seen = {}

    def body(co):
        seen["addr"] = vm.stack_addr
        seen["frames"] = vm.frames
        seen["ci_max"] = vm.ci_max
        seen["context"] = vm.context
        vm.stack[0] = fx(41)
        co.suspend(NIL)
        seen["again"] = (vm.stack_addr, vm.stack[0])
        return fx(1)

    co = Coroutine(vm, body)
    assert co.resume() == ("yield", NIL)
    assert seen["addr"] != vm.root_context.stack_addr
    assert seen["frames"] is not vm.root_context.frames
    assert seen["ci_max"] == FIBER_CALLINFO_MAX
    assert seen["context"] is co.context and co.context in vm.contexts
    assert vm.context is vm.root_context and vm.ci_max == CALLINFO_MAX
    assert vm.stack_addr == vm.root_context.stack_addr
    assert co.resume() == ("done", fx(1))
    assert seen["again"] == (seen["addr"], fx(41))


def test_context_is_freed_when_the_body_ends(vm):
    def body(co):
        co.suspend(NIL)
        return fx(2)

    co = Coroutine(vm, body)
    co.resume()
    c = co.context
    mem = c.mem
    assert mem.alive and c in vm.contexts
    assert co.resume() == ("done", fx(2))
    assert co.done and co.context is None and c not in vm.contexts and not mem.alive


def test_close_unwinds_and_frees(vm):
    def body(co):
        f = Frame(0, None, 0, 0, 0, None)
        f.nregs = 3
        vm.push_frame(f)
        try:
            co.suspend(NIL)
        finally:
            vm.pop_frame(f)
        return NIL

    co = Coroutine(vm, body)
    co.resume()
    mem = co.context.mem
    co.close()
    assert co.done and co.context is None and not mem.alive
    assert vm.contexts == [vm.root_context] and vm.frames == []


def test_many_coroutines_keep_their_registers(vm):
    """Live coroutines far beyond the 28 windows there used to be, while the
    root context fills 100,000 registers in between."""
    n = 100

    def make(k):
        def body(co):
            for i in range(64):
                vm.stack[i] = fx(k * 1000 + i)
            total = 0
            for _ in range(3):
                got = co.suspend(vm.stack[k % 64])
                total += abi.fixnum_value(got)
            assert [vm.stack[i] for i in range(64)] == [fx(k * 1000 + i) for i in range(64)]
            return fx(total)
        return body

    cos = [Coroutine(vm, make(k)) for k in range(n)]
    for k, co in enumerate(cos):
        assert co.resume() == ("yield", fx(k * 1000 + k % 64))
    for i in range(100_000):
        vm.stack[i] = NIL
    for k in reversed(range(n)):
        assert cos[k].resume(fx(1)) == ("yield", fx(k * 1000 + k % 64))
    for co in cos:
        assert co.resume(fx(1))[0] == "yield"
        assert co.resume(fx(2)) == ("done", fx(4))
    assert vm.contexts == [vm.root_context]


def test_depth_limit_is_the_fibers(vm):
    def body(co):
        depth = 0
        try:
            while True:
                f = Frame(0, None, depth, 0, 0, None)
                f.nregs = 1
                vm.push_frame(f)
                depth += 1
        except RubyError as e:
            assert vm.class_name(vm.real_class(e.exc)) == "SystemStackError"
        del vm.frames[:]
        return fx(depth)

    co = Coroutine(vm, body)
    assert co.resume() == ("done", fx(FIBER_CALLINFO_MAX))


def test_gc_marks_suspended_contexts_precisely(vm):
    """A suspended coroutine's registers below its top keep their objects;
    words above its top are dead and keep nothing.  The collector runs
    while coroutines are suspended."""
    handles = {}

    def body(co):
        f = Frame(0, None, 0, 0, 0, None)
        f.nregs = 2
        vm.push_frame(f)
        live = vm.str_new("live")
        dead = vm.str_new("dead")
        vm.stack[1] = live
        vm.stack[5] = dead          # past the frame's window
        handles["live"], handles["dead"] = live >> 3, dead >> 3
        vm.arena.clear()            # nothing else holds them
        del live, dead
        co.suspend(NIL)
        try:
            return vm.stack[1]
        finally:
            vm.pop_frame(f)

    co = Coroutine(vm, body)
    co.resume()
    vm.gc()
    assert isinstance(vm.objects[handles["live"]], RString)
    assert vm.objects[handles["dead"]] is None
    kind, w = co.resume()
    assert kind == "done" and vm.str_bytes(w) == b"live"


def test_stacks_are_lazily_backed():
    """Reserving a context's stacks backs no memory until pages are touched."""
    def rss():
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

    before = rss()
    many = [Stacks(STACK_SIZE, FIBER_CALLINFO_MAX + 2) for _ in range(200)]
    grown = rss() - before
    assert grown < 8 << 20, grown           # committed: 200 * 2 MiB would be 400 MiB
    for s in many:
        s.free()
    assert not many[0].alive


def test_guard_page_after_the_registers_faults():
    """Writing one word past a context's register stack is a fault, not a
    write into something else."""
    code = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {ROOT!r})
        from runtime.context import Context
        from runtime.cdecls import ffi
        c = Context(8)
        end = c.stack_addr + len(c.stack) * 8
        c.stack[len(c.stack) - 1] = 1                   # the last register is fine
        end = (end + 4095) // 4096 * 4096
        print("ok", flush=True)
        ffi.cast("uint64_t *", end)[0] = 1              # the guard: SIGSEGV
        print("not reached", flush=True)
    """)
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert p.stdout == "ok\n"
    assert p.returncode == -11, (p.returncode, p.stderr[-500:])


def test_guard_size():
    assert GUARD >= 4096
    c = Context(8)
    try:
        assert len(c.stack) == STACK_SIZE and len(c.ci) == 10
    finally:
        c.free()
