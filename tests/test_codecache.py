"""runtime/codecache.py: chunks, entry cells, bounded size, eviction of idle code only."""

from __future__ import annotations

import pytest

from riteload.model import Irep
from runtime import abi
from runtime.codecache import CodeCache, ffi
from runtime.execmem import PAGE_SIZE
from test_translate import iseq
from translate.compiler import compile_me_stub, translate_irep

STUB = compile_me_stub()


def code_cache(limit: int, **kw) -> CodeCache:
    """A cache as the native engine makes one: the stub's bytes come from translate."""
    return CodeCache(limit, stub=STUB, **kw)


def translation(n_moves: int = 1):
    ops = [("MOVE", 1, 2)] * n_moves + [("RETURN", 1)]
    return translate_irep(Irep(nlocals=1, nregs=4, iseq=iseq(*ops)))


def _perms(address: int) -> str:
    with open("/proc/self/maps") as f:
        for line in f:
            lo, hi = (int(x, 16) for x in line.split()[0].split("-"))
            if lo <= address < hi:
                return line.split()[1]
    return "unmapped"


def test_install_points_the_cell_at_the_code():
    cache = code_cache(1 << 20)
    e = cache.entry("m")
    assert e.cell[0] == cache.stub_address and not e.installed
    tr = translation()
    assert cache.install(e, tr)
    assert e.cell[0] == e.address and e.installed
    assert ffi.buffer(ffi.cast("char *", e.address), len(tr.code))[:] == tr.code
    assert _perms(e.address) == "r-xp"
    assert cache.entry("m") is e
    assert cache.installs == 1 and cache.bytes_used >= tr.size


def test_methods_share_chunks():
    cache = code_cache(1 << 20)
    entries = [cache.entry(i) for i in range(20)]
    for e in entries:
        assert cache.install(e, translation())
    assert len(cache.chunks) == 1
    addrs = [e.address for e in entries]
    assert len(set(addrs)) == 20
    # appending flipped pages back to read-execute every time
    for a in addrs:
        assert _perms(a) == "r-xp"


def test_stub_answers_compile_me():
    cache = code_cache(1 << 20)
    e = cache.entry("m")
    fn = ffi.cast("rl_entry", e.cell[0])
    ctx = ffi.new("rl_ctx *")
    assert fn(ctx, 0, 0, 0, 0, 0) == abi.ST_COMPILE


def test_full_cache_evicts_idle_methods_and_resets_their_cells():
    cache = code_cache(2 * PAGE_SIZE, chunk_size=PAGE_SIZE)
    tr = translation(60)                    # a few hundred bytes
    entries = [cache.entry(i) for i in range(40)]
    for e in entries:
        assert cache.install(e, tr)
        assert cache.bytes_mapped <= cache.limit
    assert cache.evictions > 0 and cache.flushes > 0
    evicted = [e for e in entries if not e.installed]
    assert evicted
    for e in evicted:
        assert e.cell[0] == cache.stub_address
    # an evicted method is reinstalled from its translation
    e = evicted[0]
    assert cache.install(e, e.translation)
    assert e.cell[0] == e.address


def test_running_code_is_never_evicted():
    cache = code_cache(2 * PAGE_SIZE, chunk_size=PAGE_SIZE)
    tr = translation(60)
    busy = cache.entry("busy")
    assert cache.install(busy, tr)
    busy.active = 1                         # as the engine does around a native call
    for i in range(40):
        cache.install(cache.entry(i), tr)
    assert busy.installed and busy.cell[0] == busy.address
    assert _perms(busy.address) == "r-xp"
    assert cache.evictions > 0


def test_install_fails_when_everything_runs():
    cache = code_cache(PAGE_SIZE, chunk_size=PAGE_SIZE)
    tr = translation(60)
    installed = []
    for i in range(40):
        e = cache.entry(i)
        if not cache.install(e, tr):
            break
        e.active = 1
        installed.append(e)
    else:
        pytest.fail("a one-page cache took 40 methods")
    assert cache.failed == 1
    assert all(e.installed for e in installed)


def test_oversized_method_gets_its_own_chunk():
    cache = code_cache(1 << 20, chunk_size=PAGE_SIZE)
    tr = translation(800)                   # several pages
    assert tr.size > PAGE_SIZE
    e = cache.entry("big")
    assert cache.install(e, tr)
    assert e.chunk.size >= tr.size


def test_close_unmaps():
    cache = code_cache(1 << 20)
    e = cache.entry("m")
    cache.install(e, translation())
    addr = e.address
    cache.close()
    assert not e.installed
    assert _perms(addr) == "unmapped"
