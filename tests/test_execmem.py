"""runtime/execmem.py: pages from mmap, written RW, run RX, never both; errors carry errno."""

from __future__ import annotations

import errno
import gc

import pytest
from cffi import FFI

from runtime import execmem
from runtime.execmem import PAGE_SIZE, ExecMemory, ExecMemoryError
from translate.asm import EAX, RDI, RSP, Asm

ffi = FFI()


def _maps_entry(address: int) -> str | None:
    """The /proc/self/maps line of the mapping holding ``address``."""
    with open("/proc/self/maps") as f:
        for line in f:
            lo, hi = (int(x, 16) for x in line.split()[0].split("-"))
            if lo <= address < hi:
                return line
    return None


def _perms(address: int) -> str | None:
    line = _maps_entry(address)
    return line.split()[1] if line else None


def _code(build) -> bytes:
    a = Asm()
    build(a)
    return a.assemble(0).code


def test_write_then_execute():
    code = _code(lambda a: (a.mov(EAX, 42), a.ret()))
    with ExecMemory(len(code)) as mem:
        assert mem.size == PAGE_SIZE
        assert _perms(mem.address) == "rw-p"
        mem.write(0, code)
        mem.protect_exec()
        assert _perms(mem.address) == "r-xp"
        fn = ffi.cast("int(*)(void)", mem.address)
        assert fn() == 42


def test_no_page_is_writable_and_executable_while_code_runs():
    seen = []

    @ffi.callback("void(void)")
    def probe():
        with open("/proc/self/maps") as f:
            seen.append(f.read())

    def build(a):
        a.sub(RSP, 8)             # keep the stack 16-byte aligned for the call
        a.call(RDI)
        a.add(RSP, 8)
        a.ret()

    code = _code(build)
    with ExecMemory(2 * PAGE_SIZE) as mem:
        mem.write(0, code)
        mem.protect_exec(0, len(code))
        ffi.cast("void(*)(void(*)(void))", mem.address)(probe)
        assert seen, "the callback did not run"
        mine = [line for line in seen[0].splitlines()
                if int(line.split("-")[0], 16) <= mem.address + PAGE_SIZE
                and int(line.split()[0].split("-")[1], 16) > mem.address]
        assert mine, "the code's mapping is not in /proc/self/maps"
        for line in mine:
            assert "rwx" not in line.split()[1], line
        assert any(line.split()[1] == "r-xp" for line in mine)


def test_write_to_executable_pages_is_refused():
    with ExecMemory(PAGE_SIZE) as mem:
        mem.protect_exec()
        with pytest.raises(ExecMemoryError, match="W\\^X"):
            mem.write(0, b"\xc3")
        mem.protect_write()
        mem.write(0, b"\xc3")
        assert mem.read(0, 1) == b"\xc3"


def test_protection_is_per_page():
    with ExecMemory(3 * PAGE_SIZE) as mem:
        mem.protect_exec(PAGE_SIZE, PAGE_SIZE + 10)
        assert mem.is_writable(0, PAGE_SIZE)
        assert mem.is_executable(PAGE_SIZE, 2 * PAGE_SIZE)
        assert mem.is_writable(2 * PAGE_SIZE, 3 * PAGE_SIZE)
        assert _perms(mem.address + PAGE_SIZE) == "r-xp"
        assert _perms(mem.address) == "rw-p"


def test_mmap_failure_reports_errno():
    with pytest.raises(ExecMemoryError) as info:
        ExecMemory(1 << 62)
    assert info.value.errno == errno.ENOMEM
    assert "mmap failed" in str(info.value) and "ENOMEM" in str(info.value)


def test_mprotect_failure_reports_errno():
    mem = ExecMemory(PAGE_SIZE)
    # pull the pages away behind the object's back: mprotect must fail, and say why
    assert execmem._libc.munmap(execmem._ffi.cast("void *", mem.address), mem.size) == 0
    try:
        with pytest.raises(ExecMemoryError) as info:
            mem.protect_exec()
        assert info.value.errno == errno.ENOMEM
        assert "mprotect failed" in str(info.value)
    finally:
        mem._finalizer.detach()


def test_free_is_idempotent_and_use_after_free_is_an_error():
    mem = ExecMemory(PAGE_SIZE)
    addr = mem.address
    mem.free()
    mem.free()
    assert _perms(addr) is None or _maps_entry(addr).split()[0] != \
        f"{addr:x}-{addr + PAGE_SIZE:x}"
    with pytest.raises(ExecMemoryError):
        mem.write(0, b"\x90")
    with pytest.raises(ExecMemoryError):
        mem.protect_exec()


def test_finalizer_unmaps_forgotten_memory():
    mem = ExecMemory(5 * PAGE_SIZE)       # an unusual size, to recognise the mapping
    addr, size = mem.address, mem.size
    assert _maps_entry(addr) is not None
    del mem
    gc.collect()
    line = _maps_entry(addr)
    assert line is None or line.split()[0] != f"{addr:x}-{addr + size:x}"


def test_bad_arguments():
    with pytest.raises(ValueError):
        ExecMemory(0)
    with ExecMemory(PAGE_SIZE) as mem:
        with pytest.raises(ValueError):
            mem.protect_exec(0, 2 * PAGE_SIZE)
