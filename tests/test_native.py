"""The native engine on real programs: same output as the interpreter and as
mruby 3.1, a tiny code cache that must evict, W^X while code runs, and
mutated files that never kill ``riteload run`` with a signal.
"""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from fixture_cases import mark_known
from fixture_io import program_io, run_folder
from native_runs import EAGER, run_many

ROOT = Path(__file__).resolve().parents[1]
MRB = ROOT / "fixtures" / "mrb"
EXPECTED = ROOT / "fixtures" / "expected"
FIXTURES = [p for p in sorted(MRB.glob("*.mrb"))
            if (EXPECTED / (p.name[:-len(".mrb")] + ".status")).exists()]
TIMEOUT = 120


def riteload_run(path: Path, *args: str, timeout: float = TIMEOUT):
    """(stdout bytes, stderr bytes, status) of ``riteload run``, run where mruby
    ran it (with a fixture's arguments and standard input, tests/fixture_io.py)."""
    pio = program_io(path.name)
    try:
        with run_folder(path, pio) as cwd:
            p = subprocess.run([sys.executable, "-m", "riteload", "run", *args, path.name,
                                *pio.args], cwd=cwd, input=pio.stdin, capture_output=True,
                               timeout=timeout)
    except subprocess.TimeoutExpired:
        return b"", b"(timed out)", None
    return p.stdout, p.stderr, p.returncode


def expected(path: Path):
    stem = path.name[:-len(".mrb")]
    files = [EXPECTED / f"{stem}.{k}" for k in ("stdout", "stderr", "status")]
    if not all(f.exists() for f in files):
        return None
    return files[0].read_bytes(), files[1].read_bytes(), int(files[2].read_text())


def test_fixtures_present():
    assert len(FIXTURES) > 100, "fixtures/mrb and fixtures/expected should hold the programs"


@pytest.mark.parametrize("path", mark_known(FIXTURES, lambda p: p.name[:-len(".mrb")]),
                         ids=lambda p: p.name)
def test_native_matches_mruby(path):
    """The native run translates every irep on first use (no tiering), so that
    as much generated code as possible runs; the interpreter runs only when
    the native engine does not reproduce mruby's recorded output, to tell
    which engine is wrong."""
    pio = program_io(path.name)
    [native] = run_many([(path, ("--engine", "native"), pio)], env=EAGER)
    assert native[2] is not None, "native run timed out"
    if native != expected(path):
        [interp] = run_many([(path, ("--engine", "interp"), pio)])
        assert native == expected(path), ("the interpreter differs from mruby the same way"
                                          if native == interp else "the engines disagree")


@pytest.mark.slow
def test_tiny_code_cache_evicts_and_still_runs_right():
    """The six programs with the most methods, in a four-page cache (chunks of
    one page, every irep translated on first use): code is evicted and
    recompiled, and the programs print what mruby printed."""
    import riteload
    sized = []
    for p in FIXTURES:
        if p.name.endswith(".g.mrb") or expected(p) is None:
            continue
        sized.append((sum(1 for _ in riteload.load(str(p), check=False).ireps()), p))
    chosen = [p for _, p in sorted(sized, key=lambda t: (-t[0], t[1].name))[:6]]
    runs = run_many([(p, ("--engine", "native", "--stats", "--code-cache-size", "16k"))
                     for p in chosen], env=EAGER)
    evictions = 0
    for path, (stdout, stderr, status) in zip(chosen, runs):
        assert status is not None, f"{path.name} timed out"
        cut = stderr.find(b"code cache:")
        assert cut >= 0, (path.name, stdout[-300:], stderr[-500:])
        stats = stderr[cut:].decode()
        evictions += int(stats.split(" evicted")[0].rsplit(" ", 1)[-1])
        exp = expected(path)
        plain = riteload_run(path, "--engine", "native")
        # with a tiny cache the program behaves as with a roomy one (and as mruby, when the
        # runtime already gets that program right)
        assert (stdout, stderr[:cut], status) == plain, path.name
        if plain == exp:
            assert (stdout, stderr[:cut], status) == exp
    assert evictions > 0, "a four-page cache should have evicted something"


def test_stats_report():
    path = next(p for p in FIXTURES if p.name.startswith("002_"))
    _, stderr, status = riteload_run(path, "--engine", "native", "--stats")
    text = stderr.decode()
    assert "bytes used" in text and "methods compiled" in text and "evicted" in text
    assert "stayed in native code" in text and "called into Python" in text


def test_stats_count_crossings(tmp_path):
    """fib(10) makes 177 calls of fib.  The first runs in the interpreter (fib
    is not hot yet); it calls fib(9) and fib(8) through Python, which run
    as native code (2 calls into native code), and the other 174 calls go
    from native code straight to native code: each of fib's two call sites
    misses its inline cache once (a fill is a callback), then hits."""
    src = tmp_path / "fib.rb"
    src.write_text("def fib(n)\n  n < 2 ? n : fib(n - 1) + fib(n - 2)\nend\np fib(10)\n")
    mrb = tmp_path / "fib.mrb"
    subprocess.run(["mrbc", "-o", str(mrb), str(src)], check=True) if shutil.which("mrbc") \
        else mrb.write_bytes((ROOT / "tests" / "recorded" / "stats_fib.mrb").read_bytes())
    out, err, status = riteload_run(mrb, "--engine", "native", "--stats")
    assert (out, status) == (b"55\n", 0)
    lines = err.decode().splitlines()
    calls = next(ln for ln in lines if " calls made natively" in ln)
    # entered through Python: the top level, the interpreted fib, its two
    # native callees, and seven at boot (the prelude's top level, its class
    # bodies of Array, Hash, Integer and Range and its module body of
    # Kernel; the variants' top level)
    assert calls == ("native: 174 calls made natively, 11 entered through Python; "
                     "inline caches: 172 hits, 2 misses")
    line = next(ln for ln in lines if " crossings " in ln)
    assert line.startswith("native: 4 crossings (2 callbacks into Python, "
                           "2 calls into native code), ")


_WX_PROBE = """
import sys
import runtime.main as main
from runtime.native import NativeEngine

snapshots = []
engine = NativeEngine(code_cache_size=1 << 20)
real_op = engine._op

def spy(pc):
    if len(snapshots) < 3 and engine._tls.top is not None:
        with open("/proc/self/maps") as f:
            snapshots.append((f.read(), [c.mem for c in engine.cache.chunks]))
    return real_op(pc)

engine._op = spy          # what the trampoline calls (bound when the cache is made)
main.make_engine = lambda *a, **k: engine
main.run_file(sys.argv[1], engine="native")
assert snapshots, "no callback ran while native code was on the stack"
checked = 0
for maps, mems in snapshots:
    spans = [(m.address, m.address + m.size) for m in mems]
    for line in maps.splitlines():
        lo, hi = (int(x, 16) for x in line.split()[0].split("-"))
        perms = line.split()[1]
        assert not perms.startswith("rwx"), line
        if any(lo < e and s < hi for s, e in spans):
            assert perms in ("r-xp", "rw-p"), line
            checked += 1
assert checked
print("checked", checked, file=sys.stderr)
"""


def test_no_writable_executable_mapping_while_native_code_runs():
    """Look at /proc/self/maps from inside a callback, i.e. with native code
    on the stack: no mapping of the whole process is writable and executable
    (the callback trampoline is our own read-execute code, not a libffi
    closure), and the code cache's pages are read-execute or read-write.
    A process of its own: other tests (test_execmem's probe) make libffi
    closures, which do live in rwx pages."""
    path = next(p for p in FIXTURES if p.name.startswith("002_"))
    p = subprocess.run([sys.executable, "-c", _WX_PROBE, str(path)], cwd=ROOT,
                       capture_output=True, text=True, timeout=TIMEOUT)
    assert p.returncode == 0, p.stderr[-3000:]
    assert "checked" in p.stderr


def test_interrupt_before_the_callback_runs_reaches_the_program(tmp_path):
    """A KeyboardInterrupt raised as the trampoline calls into Python (before
    _op's first line, where nothing can catch it) is kept by PyErr_Fetch and
    re-raised by the engine: the run ends as mruby's does on SIGINT."""
    from runtime.native import NativeEngine
    engine = NativeEngine(code_cache_size=1 << 20)
    calls = []

    def interrupted(pc):
        calls.append(pc)
        raise KeyboardInterrupt
    engine._op = interrupted
    src = tmp_path / "loop.rb"
    src.write_text("i = 0\nwhile i < 3\n  puts i\n  i += 1\nend\n")
    mrb = tmp_path / "loop.mrb"
    if shutil.which("mrbc"):
        subprocess.run(["mrbc", "-o", str(mrb), str(src)], check=True)
    else:
        mrb.write_bytes((ROOT / "tests" / "recorded" / "loop3.mrb").read_bytes())
    import riteload
    from runtime.vm import VM
    rite = riteload.parse(mrb.read_bytes())
    vm = VM(engine=engine)
    with pytest.raises(KeyboardInterrupt):
        vm.run_main(rite)
    assert len(calls) == 1


def test_mutated_files_never_kill_the_process(tmp_path):
    """The loader's mutations, run: errors are fine, signals are not (~50 runs)."""
    from test_mutation import _layout, _mutate
    rng = random.Random(3141)
    sources = [p.read_bytes() for p in FIXTURES if not p.name.endswith(".g.mrb")][:20]
    sources = [(d, _layout(d)) for d in sources]
    paths = []
    for i in range(50):
        data, layout = sources[i % len(sources)]
        path = tmp_path / f"m{i:02d}.mrb"
        path.write_bytes(_mutate(rng, data, layout))
        paths.append(path)

    results = run_many([(p, ("--engine", "native")) for p in paths], timeout=30)
    for path, (_, stderr, status) in zip(paths, results):
        assert status is None or status >= 0, \
            f"{path.name} died by signal {-status}: {stderr[-500:]}"
