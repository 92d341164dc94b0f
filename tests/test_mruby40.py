"""RITE0400 files run as mruby 4.0.0 runs them (runtime/dialects/mruby40).

For every fixtures/programs/NAME.rb that mruby 4.0.0's mrbc compiled,
fixtures/mruby40/mrb/NAME.mrb and NAME.g.mrb run under the interp engine
(in-process, in fixtures/mruby40/mrb; a program with arguments or standard
input through the command line in a scratch folder) and under the native
engine translating every irep on first use (translate/templates40.py), and
must print what mruby 4.0.0 printed, recorded in fixtures/mruby40/expected
by ``python scripts/record_fixtures.py --release 4.0``.  When mruby 4.0.0's
binary is at hand (../shared/tools/mruby-4.0.0/bin/mruby, or $MRUBY40) a
sample is also compared live.

The programs still known to differ are in tests/known_mismatches40.txt,
marked xfail(strict=True) as tests/known_mismatches.txt does for mruby 3.1.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from fixture_cases import is_slow
from fixture_io import program_io, run_folder
from native_runs import EAGER, run_many
from runtime.main import run_file

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures" / "mruby40"
MRB = FIXTURES / "mrb"
EXPECTED = FIXTURES / "expected"
KNOWN_FILE = Path(__file__).parent / "known_mismatches40.txt"
MRUBY40 = Path(os.environ.get("MRUBY40", ROOT.parent / "shared" / "tools" / "mruby-4.0.0"
                              / "bin" / "mruby"))
LIVE = MRUBY40.exists()
TIMEOUT = 300


def _cases() -> list[str]:
    out = []
    for rb in sorted((ROOT / "fixtures" / "programs").glob("*.rb")):
        for suffix in ("", ".g"):
            name = rb.stem + suffix
            if (MRB / f"{name}.mrb").exists() and (EXPECTED / f"{name}.status").exists():
                out.append(name)
    return out


def known_mismatches() -> dict[str, str]:
    known = {}
    if KNOWN_FILE.exists():
        for line in KNOWN_FILE.read_text().splitlines():
            if line.strip() and not line.startswith("#"):
                name, _, why = line.partition(" ")
                known[name] = why.strip()
    return known


CASES = _cases()
KNOWN = known_mismatches()


def _params(names):
    out = []
    for n in names:
        marks = []
        if n in KNOWN:
            marks.append(pytest.mark.xfail(strict=True, reason=KNOWN[n]))
        if is_slow(n):
            marks.append(pytest.mark.slow)
        out.append(pytest.param(n, marks=marks))
    return out


def run_interp(name: str):
    """(stdout, stderr, status) of NAME.mrb as scripts/record_fixtures.py ran mruby."""
    pio = program_io(name)
    if pio.scratch:
        with run_folder(MRB / f"{name}.mrb", pio) as cwd:
            env = {**os.environ, "PYTHONPATH": str(ROOT)}
            try:
                p = subprocess.run([sys.executable, "-m", "riteload", "run", "--engine", "interp",
                                    f"{name}.mrb", *pio.args], cwd=cwd, input=pio.stdin,
                                   capture_output=True, timeout=TIMEOUT, env=env)
            except subprocess.TimeoutExpired:
                return b"", b"", -1
        return p.stdout, p.stderr, p.returncode
    out, err = io.BytesIO(), io.BytesIO()
    old = os.getcwd()
    os.chdir(MRB)
    try:
        status = run_file(f"{name}.mrb", engine="interp", stdout=out, stderr=err,
                          timeout=TIMEOUT, stdin=b"")
    finally:
        os.chdir(old)
    return out.getvalue(), err.getvalue(), status


def _show(what, expected: bytes, got: bytes) -> str:
    e = expected.decode("utf-8", "replace").splitlines()
    g = got.decode("utf-8", "replace").splitlines()
    for i, (a, b) in enumerate(zip(e, g), 1):
        if a != b:
            return f"{what} differs at line {i}:\n  mruby 4.0: {a!r}\n  riteload:  {b!r}"
    return f"{what}: mruby 4.0 printed {len(e)} lines, riteload {len(g)}"


def test_recordings_are_mruby_40():
    assert (EXPECTED / "VERSION").read_text().startswith("mruby 4.0.0 ")
    assert len(CASES) > 500


@pytest.mark.parametrize("name", _params(CASES))
def test_program_matches_recorded_mruby40(name):
    out, err, status = run_interp(name)
    assert status != -1, f"{name} did not finish in {TIMEOUT}s"
    exp_out = (EXPECTED / f"{name}.stdout").read_bytes()
    exp_err = (EXPECTED / f"{name}.stderr").read_bytes()
    assert out == exp_out, _show("stdout", exp_out, out)
    assert err == exp_err, _show("stderr", exp_err, err)
    assert status == int((EXPECTED / f"{name}.status").read_text())


@pytest.mark.parametrize("name", _params(CASES))
def test_native_matches_recorded_mruby40(name):
    [(out, err, status)] = run_many([(MRB / f"{name}.mrb", ("--engine", "native"),
                                      program_io(name))], timeout=TIMEOUT, env=EAGER)
    assert status is not None, f"{name} did not finish in {TIMEOUT}s"
    exp_out = (EXPECTED / f"{name}.stdout").read_bytes()
    exp_err = (EXPECTED / f"{name}.stderr").read_bytes()
    assert out == exp_out, _show("stdout", exp_out, out)
    assert err == exp_err, _show("stderr", exp_err, err)
    assert status == int((EXPECTED / f"{name}.status").read_text())


# a sample that passes against the recordings, compared with mruby 4.0.0 itself
LIVE_SAMPLE = [n for n in CASES if n not in KNOWN and program_io(n).plain][:20]


@pytest.mark.skipif(not LIVE, reason="mruby 4.0.0 binary not found")
@pytest.mark.parametrize("name", LIVE_SAMPLE)
def test_program_matches_live_mruby40(name):
    p = subprocess.run([str(MRUBY40), "-b", f"{name}.mrb"], cwd=MRB, capture_output=True,
                       timeout=TIMEOUT)
    out, err, status = run_interp(name)
    assert out == p.stdout, _show("stdout", p.stdout, out)
    assert err == p.stderr, _show("stderr", p.stderr, err)
    assert status == p.returncode


def test_every_rite0400_opcode_has_semantics():
    from riteload.versions import RITE0400
    from runtime.dialects import dialect_for
    d = dialect_for(RITE0400.version)
    assert d.release == "4.0"
    missing = [op.name for op in RITE0400.opcodes if op.name not in d.ops]
    assert missing == []


def test_dialect_follows_the_format():
    from runtime.dialects import dialect_for
    assert dialect_for("0300").release == "3.1"
    assert dialect_for("0400").release == "4.0"
    assert dialect_for("0300").ops is not dialect_for("0400").ops
