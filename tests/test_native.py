"""The native engine on real programs: same output as the interpreter and as
mruby 3.1, a tiny code cache that must evict, W^X while code runs, and
mutated files that never kill ``riteload run`` with a signal.
"""

from __future__ import annotations

import concurrent.futures
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MRB = ROOT / "fixtures" / "mrb"
EXPECTED = ROOT / "fixtures" / "expected"
FIXTURES = sorted(MRB.glob("*.mrb"))
TIMEOUT = 120
JOBS = max(2, os.cpu_count() or 2)


def riteload_run(path: Path, *args: str, timeout: float = TIMEOUT):
    """(stdout bytes, stderr bytes, status) of ``riteload run``, run where mruby ran it."""
    try:
        p = subprocess.run([sys.executable, "-m", "riteload", "run", path.name, *args],
                           cwd=path.parent, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return b"", b"(timed out)", None
    return p.stdout, p.stderr, p.returncode


def expected(path: Path):
    stem = path.name[:-len(".mrb")]
    files = [EXPECTED / f"{stem}.{k}" for k in ("stdout", "stderr", "status")]
    if not all(f.exists() for f in files):
        return None
    return files[0].read_bytes(), files[1].read_bytes(), int(files[2].read_text())


def _runtime_ready() -> bool:
    try:
        import runtime.interp  # noqa: F401
        import runtime.main    # noqa: F401
        import runtime.ops     # noqa: F401
    except Exception:          # noqa: BLE001
        return False
    return True


needs_runtime = pytest.mark.skipif(not FIXTURES or not _runtime_ready(),
                                   reason="runtime or fixtures not there yet")


@pytest.fixture(scope="module")
def both_engines():
    """Every fixture run under both engines, in parallel: {name: (native, interp)}."""
    def one(path):
        return path.name, (riteload_run(path, "--engine", "native"),
                           riteload_run(path, "--engine", "interp"))
    with concurrent.futures.ThreadPoolExecutor(JOBS) as pool:
        return dict(pool.map(one, FIXTURES))


@needs_runtime
@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_native_matches_interp_and_mruby(path, both_engines):
    native, interp = both_engines[path.name]
    assert native[2] is not None, "native run timed out"
    assert native == interp, "the engines disagree"
    exp = expected(path)
    if exp is None:
        pytest.skip("no recorded mruby output")
    if interp != exp:
        pytest.xfail("the interpreter differs from mruby too (runtime work in progress)")
    assert native == exp


@needs_runtime
def test_tiny_code_cache_evicts_and_still_runs_right():
    # a program with many methods and loops, in a cache of two pages
    candidates = [p for p in FIXTURES if expected(p) is not None and not p.name.endswith(".g.mrb")]
    chosen = None
    for path in candidates:
        out = riteload_run(path, "--engine", "native", "--stats", "--code-cache-size", "8k")
        if out[2] is None:
            continue
        if "evicted" in out[1].decode() and " 0 evicted" not in out[1].decode():
            chosen = (path, out)
            break
    if chosen is None:
        pytest.skip("no fixture forced an eviction")
    path, (stdout, stderr, status) = chosen
    exp = expected(path)
    # --stats adds lines to stderr: compare the program's part
    stats_start = stderr.find(b"code cache:")
    assert stats_start >= 0
    assert (stdout, stderr[:stats_start], status) == (exp[0], exp[1], exp[2]) or \
        (stdout, stderr[:stats_start], status) == riteload_run(path, "--engine", "interp")


@needs_runtime
def test_stats_report():
    path = next(p for p in FIXTURES if p.name.startswith("002_"))
    _, stderr, status = riteload_run(path, "--engine", "native", "--stats")
    text = stderr.decode()
    assert "bytes used" in text and "methods compiled" in text and "evicted" in text
    assert "stayed in native code" in text and "called into Python" in text


@needs_runtime
def test_no_writable_executable_mapping_while_native_code_runs(monkeypatch, capfd):
    """Look at /proc/self/maps from inside a callback, i.e. with native code on the stack.

    Only the code cache's mappings are checked: the trampoline libffi builds
    for the one ``ffi.callback`` (ctypes' callbacks do the same) lives in a
    page libffi maps rwx on this system, outside our control.
    """
    import runtime.main as main
    from runtime.native import NativeEngine

    snapshots = []
    engine = NativeEngine(code_cache_size=1 << 20)
    real_op = engine._op

    def spy(ctx, pc):
        if len(snapshots) < 3 and engine._top is not None:
            with open("/proc/self/maps") as f:
                snapshots.append((f.read(), [c.mem for c in engine.cache.chunks]))
        return real_op(ctx, pc)

    # re-point the callback the generated code calls
    from runtime.codecache import ffi
    cb = ffi.callback("rl_op", spy)
    engine.ctx.op = cb
    engine._cb = cb
    monkeypatch.setattr(main, "make_engine", lambda *a, **k: engine)
    path = next(p for p in FIXTURES if p.name.startswith("002_"))
    main.run_file(str(path), engine="native")
    capfd.readouterr()
    assert snapshots, "no callback ran while native code was on the stack"
    checked = 0
    for maps, mems in snapshots:
        spans = [(m.address, m.address + m.size) for m in mems]
        for line in maps.splitlines():
            lo, hi = (int(x, 16) for x in line.split()[0].split("-"))
            perms = line.split()[1]
            if any(lo < e and s < hi for s, e in spans):
                assert perms in ("r-xp", "rw-p"), line
                checked += 1
    assert checked


@needs_runtime
def test_mutated_files_never_kill_the_process():
    """The loader's mutations, run: errors are fine, signals are not (~50 runs)."""
    sys.path.insert(0, str(Path(__file__).parent))
    from test_mutation import _layout, _mutate
    rng = random.Random(3141)
    sources = [p.read_bytes() for p in FIXTURES if not p.name.endswith(".g.mrb")][:20]
    sources = [(d, _layout(d)) for d in sources]
    work = ROOT / "tests" / ".mutated"
    work.mkdir(exist_ok=True)
    paths = []
    for i in range(50):
        data, layout = sources[i % len(sources)]
        path = work / f"m{i:02d}.mrb"
        path.write_bytes(_mutate(rng, data, layout))
        paths.append(path)

    def one(path):
        return path.name, riteload_run(path, "--engine", "native", timeout=20)
    with concurrent.futures.ThreadPoolExecutor(JOBS) as pool:
        results = dict(pool.map(one, paths))
    for name, (_, stderr, status) in sorted(results.items()):
        assert status is None or status >= 0, f"{name} died by signal {-status}: {stderr[-500:]}"
    for p in paths:
        p.unlink()
    work.rmdir()
