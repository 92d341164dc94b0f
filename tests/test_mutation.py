"""Hostile input: mutate real .mrb files thousands of times (fixed seed).

Parsing and verifying a mutated file either succeeds or raises RiteError,
never anything else, and never takes long; what parses also builds.  The CLI
answers a bad file with exit status 1 and one line on stderr.  Running a
mutated file (scripts/fuzz_run.py's mutants, under both engines) ends in
its output, a one-line refusal or a Ruby exception: never an internal error,
a Python traceback, a signal or a hang.
"""

from __future__ import annotations

import gc
import importlib.util
import random
import struct
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from riteload.errors import ParseError, RiteError, VerifyError
from riteload.format import build_rite, parse_rite
from riteload.verify import verify_rite

ROOT = Path(__file__).resolve().parents[1]
VERSIONS = ROOT / "fixtures" / "versions"
SEEDS = {"3.0.0": 30, "3.1.0": 31, "3.4.0": 34, "4.0.0": 40}
MUTATIONS_PER_RELEASE = 700


def _sources(release: str) -> list[bytes]:
    return [p.read_bytes() for p in sorted((VERSIONS / release).glob("*.mrb"))]


def _layout(data: bytes):
    """Where a good file keeps its size, count and length fields ((offset,
    width) pairs) and its iseqs ((start, end) pairs)."""
    rite = parse_rite(data)
    spans = []
    fields = [(8, 4)]                                   # binary_size
    fields += [(s.offset + 4, 4) for s in rite.sections]
    irep_sec = rite.sections[0]
    wide = 2 if rite.format_version == "0200" else 4
    for irep in rite.ireps():
        head = struct.pack(">HHHH", irep.nlocals, irep.nregs, len(irep.reps), len(irep.handlers))
        head += len(irep.iseq).to_bytes(wide, "big")
        pos = data.find(head, irep_sec.offset)
        if pos >= 0:
            fields += [(pos - 4, 4), (pos + 4, 2), (pos + 6, 2), (pos + 8, wide)]
            iseq_start = pos + 8 + wide
            spans.append((iseq_start, iseq_start + len(irep.iseq)))
        names = [s.encode() for s in irep.syms if s is not None]
        names += [p.value for p in irep.pool if p.tag == "str"]
        for name in names:
            pos = data.find(len(name).to_bytes(2, "big") + name, irep_sec.offset)
            if pos >= 0:
                fields.append((pos, 2))
    return fields, spans


def _mutate(rng: random.Random, data: bytes, layout) -> bytes:
    fields, spans = layout
    d = bytearray(data)
    if spans and rng.random() < 0.3:                    # an instruction byte: reaches verify
        start, end = rng.choice(spans)
        if end > start:
            d[rng.randrange(start, end)] = rng.randrange(256)
        return bytes(d)
    for _ in range(rng.randint(1, 3)):
        kind = rng.randrange(6)
        if not d:
            break
        if kind == 0:                                   # truncation
            d = d[:rng.randrange(len(d))]
        elif kind == 1:                                 # bit flips
            for _ in range(rng.randint(1, 4)):
                p = rng.randrange(len(d))
                d[p] ^= 1 << rng.randrange(8)
        elif kind == 2:                                 # insertion
            p = rng.randrange(len(d) + 1)
            d[p:p] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 16)))
        elif kind == 3:                                 # deletion
            p = rng.randrange(len(d))
            del d[p:p + rng.randint(1, 16)]
        elif kind == 4 and fields:                      # 0xFFFF.. at a length field
            off, width = rng.choice(fields)
            if off + width <= len(d):
                d[off:off + width] = b"\xff" * width
        else:                                           # random byte
            p = rng.randrange(len(d))
            d[p] = rng.randrange(256)
    # most mutations would stop at the binary_size check: often keep it right
    if len(d) >= 12 and rng.random() < 0.75:
        d[8:12] = struct.pack(">I", len(d))
    return bytes(d)


# the quick tier mutates the files of the release the runtime targets
@pytest.mark.parametrize("release", [
    pytest.param(r, marks=[] if r == "3.1.0" else [pytest.mark.slow]) for r in sorted(SEEDS)])
def test_mutations_raise_only_rite_errors(release):
    # the times below are the parser's and verifier's: Python's cyclic
    # collector, walking what earlier tests of this worker left, stays out
    gc.collect()
    gc.disable()
    try:
        _mutate_and_check(release)
    finally:
        gc.enable()


def _mutate_and_check(release):
    rng = random.Random(SEEDS[release])
    sources = [(d, _layout(d)) for d in _sources(release)]
    outcomes = {"ok": 0, "parse": 0, "verify": 0}
    slowest = 0.0
    start = time.perf_counter()
    for i in range(MUTATIONS_PER_RELEASE):
        data, layout = sources[i % len(sources)]
        mutated = _mutate(rng, data, layout)
        t = time.perf_counter()
        try:
            rite = parse_rite(mutated, "mutated.mrb")
        except ParseError:
            outcomes["parse"] += 1
            continue
        except Exception as e:      # noqa: BLE001 - the failure we look for, reported
            pytest.fail(f"mutation {i}: parse raised {type(e).__name__}: {e}")
        try:
            rebuilt = build_rite(rite)
            parse_rite(rebuilt, "rebuilt.mrb")
        except Exception as e:      # noqa: BLE001 - reported
            pytest.fail(f"mutation {i}: build of a parsed file raised {type(e).__name__}: {e}")
        try:
            verify_rite(rite)
            outcomes["ok"] += 1
        except VerifyError:
            outcomes["verify"] += 1
        except RiteError as e:      # pragma: no cover
            pytest.fail(f"mutation {i}: verify raised {type(e).__name__} instead of VerifyError")
        except Exception as e:      # noqa: BLE001 - reported
            pytest.fail(f"mutation {i}: verify raised {type(e).__name__}: {e}")
        slowest = max(slowest, time.perf_counter() - t)
    assert time.perf_counter() - start < 30      # a hang, not a slow machine
    assert slowest < 2.0
    # the mutations reach every stage
    assert outcomes["parse"] and outcomes["verify"] and outcomes["ok"], outcomes


def test_layout_found():
    data = (VERSIONS / "3.1.0" / "v01_calls.g.mrb").read_bytes()
    fields, spans = _layout(data)
    assert len(fields) > 20
    assert len(spans) == len(list(parse_rite(data).ireps()))
    # every field of a good file, set to all ones, is caught
    for off, width in fields:
        d = bytearray(data)
        d[off:off + width] = b"\xff" * width
        try:
            verify_rite(parse_rite(bytes(d)))
        except RiteError:
            pass


def _failing_samples(count: int):
    """A few mutated files that fail to parse, and a few that parse but fail to verify."""
    rng = random.Random(7)
    data = (VERSIONS / "3.1.0" / "v02_blocks.g.mrb").read_bytes()
    layout = _layout(data)
    parse_bad, verify_bad = [], []
    while len(parse_bad) < count or len(verify_bad) < count:
        mutated = _mutate(rng, data, layout)
        try:
            verify_rite(parse_rite(mutated))
        except ParseError:
            if len(parse_bad) < count:
                parse_bad.append(mutated)
        except VerifyError:
            if len(verify_bad) < count:
                verify_bad.append(mutated)
    return parse_bad, verify_bad


def _run(*args):
    return subprocess.run([sys.executable, "-m", "riteload", *args], capture_output=True,
                          text=True, timeout=60, cwd=ROOT)


def test_cli_on_mutated_files(tmp_path):
    parse_bad, verify_bad = _failing_samples(2)
    runs = []
    for i, data in enumerate(parse_bad):
        f = tmp_path / f"parse_bad{i}.mrb"
        f.write_bytes(data)
        runs += [("info", f), ("verify", f)]
    for i, data in enumerate(verify_bad):
        f = tmp_path / f"verify_bad{i}.mrb"
        f.write_bytes(data)
        runs.append(("verify", f))
    for command, f in runs:
        r = _run(command, str(f))
        assert r.returncode == 1, (command, f.name, r.stdout, r.stderr)
        assert "Traceback" not in r.stderr
        lines = r.stderr.splitlines()
        assert len(lines) == 1, r.stderr
        assert lines[0].startswith("riteload: ") and f.name in lines[0]


# ---------------------------------------------------------------------------
# Running mutated programs (scripts/fuzz_run.py; README.md, "What riteload
# refuses that mruby accepts").  The quick tier runs a small sample under
# each engine, the full suite RUN_MUTATIONS more (other seeds).  The seeds
# draw no mutant that loops forever, so a timeout is a hang of riteload.

RUN_MUTATIONS = 100
RUN_SAMPLE = 12


def _fuzz_run():
    """scripts/fuzz_run.py, loaded by path (a script, not a package module)."""
    spec = importlib.util.spec_from_file_location("fuzz_run", ROOT / "scripts" / "fuzz_run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("engine", ["interp", "native"])
@pytest.mark.parametrize("seed,count", [
    pytest.param(101, RUN_SAMPLE, id="sample"),
    pytest.param(202, RUN_MUTATIONS, id="many", marks=pytest.mark.slow)])
def test_run_mutations(engine, seed, count, tmp_path):
    fuzz = _fuzz_run()
    paths = fuzz.make_cases([ROOT / p for p in fuzz.DEFAULT_PROGRAMS], count, seed, tmp_path)
    start = time.perf_counter()
    results = fuzz.run_cases(paths, engine, timeout=10)
    assert len(results) == count
    bad = [r for r in results if r["outcome"] in fuzz.BUGS or r["outcome"] == "timeout"]
    assert not bad, "\n".join(
        f"{r['outcome']}: {Path(r['path']).name} (riteload run --engine {engine}; "
        f"seed {seed}): {r['err'].strip()[-300:]}" for r in bad)
    counts = Counter(r["outcome"] for r in results)
    if count >= 100:        # the mutants reach every outcome
        assert counts["ok"] and counts["ruby"] and counts["clean"], counts
    assert time.perf_counter() - start < 4 * count
