"""Every fixture program through the interp engine, against what mruby 3.1 printed.

For fixtures/programs/NAME.rb, fixtures/mrb/NAME.mrb and NAME.g.mrb (with
debug info) run in-process with fixtures/mrb as the working directory, as
scripts/record_fixtures.py ran ``mruby -b``; stdout, stderr and the exit
status must equal fixtures/expected/NAME[.g].{stdout,stderr,status}.  When
``mruby`` is on PATH the same file is also run live and compared.  A program
with arguments or standard input (tests/fixture_io.py) runs through the
command line in a scratch folder instead (tests/test_io.py compares those
with live mruby).
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from fixture_cases import is_slow, mark_known
from fixture_io import program_io, run_folder
from runtime.main import run_file

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
MRB = FIXTURES / "mrb"
EXPECTED = FIXTURES / "expected"
MRUBY = shutil.which("mruby")
TIMEOUT = 300


def _cases():
    out = []
    for rb in sorted((FIXTURES / "programs").glob("*.rb")):
        for suffix in ("", ".g"):
            name = rb.stem + suffix
            if (MRB / f"{name}.mrb").exists() and (EXPECTED / f"{name}.status").exists():
                out.append(name)
    return out


CASES = _cases()


MARKED = mark_known(CASES, lambda n: n)


def run_interp(name: str):
    """(stdout, stderr, status) of NAME.mrb under the interp engine, run as
    the recording ran mruby (tests/fixture_io.py): a program with sidecars
    (arguments, standard input, files, child processes) through the command
    line in its scratch folder, the others in this process."""
    pio = program_io(name)
    if pio.scratch:
        with run_folder(MRB / f"{name}.mrb", pio) as cwd:
            try:
                p = subprocess.run([sys.executable, "-m", "riteload", "run", "--engine", "interp",
                                    f"{name}.mrb", *pio.args], cwd=cwd, input=pio.stdin,
                                   capture_output=True, timeout=TIMEOUT)
            except subprocess.TimeoutExpired:
                return b"", b"", -1
        return p.stdout, p.stderr, p.returncode
    out, err = io.BytesIO(), io.BytesIO()
    old = os.getcwd()
    os.chdir(MRB)
    try:
        status = run_file(f"{name}.mrb", engine="interp", stdout=out, stderr=err, timeout=TIMEOUT,
                          stdin=b"")
    finally:
        os.chdir(old)
    return out.getvalue(), err.getvalue(), status


def _show(what, expected: bytes, got: bytes) -> str:
    e = expected.decode("utf-8", "replace").splitlines()
    g = got.decode("utf-8", "replace").splitlines()
    for i, (a, b) in enumerate(zip(e, g), 1):
        if a != b:
            return f"{what} differs at line {i}:\n  mruby:    {a!r}\n  riteload: {b!r}"
    return f"{what}: mruby printed {len(e)} lines, riteload {len(g)}"


@pytest.mark.parametrize("name", MARKED)
def test_program_matches_recorded_mruby(name):
    out, err, status = run_interp(name)
    assert status != -1, f"{name} did not finish in {TIMEOUT}s"
    exp_out = (EXPECTED / f"{name}.stdout").read_bytes()
    exp_err = (EXPECTED / f"{name}.stderr").read_bytes()
    exp_status = int((EXPECTED / f"{name}.status").read_text())
    assert out == exp_out, _show("stdout", exp_out, out)
    assert err == exp_err, _show("stderr", exp_err, err)
    assert status == exp_status


# programs heavy in closures, blocks, fibers, enumerators and strings, run with a
# collection every few hundred allocations: a collector that frees a live object
# changes their output
GC_STRESS = [n for n in ("012_procs_lambdas", "013_closures", "026_enumerator", "077_fiber",
                         "098_lisp_interpreter", "069_roman_and_words", "102_exceptions_advanced",
                         "405_string_sub_gsub", "504_array_transform", "540_enumerator_external",
                         "650_coroutine_stacks")
             if n in CASES]


@pytest.mark.parametrize("name", [pytest.param(n, marks=[pytest.mark.slow] if is_slow(n) else [])
                                  for n in GC_STRESS])
def test_program_under_gc_stress(name, monkeypatch):
    import runtime.gc
    monkeypatch.setattr(runtime.gc, "MIN_THRESHOLD", 300)
    out, err, status = run_interp(name)
    assert out == (EXPECTED / f"{name}.stdout").read_bytes(), name
    assert err == (EXPECTED / f"{name}.stderr").read_bytes(), name
    assert status == int((EXPECTED / f"{name}.status").read_text())


# without mruby, test_program_matches_recorded_mruby stands in (fixtures/expected)
@pytest.mark.skipif(MRUBY is None, reason="mruby not on PATH")
@pytest.mark.parametrize("name", CASES[:20])
def test_program_matches_live_mruby(name):
    p = subprocess.run([MRUBY, "-b", f"{name}.mrb"], cwd=MRB, capture_output=True, timeout=TIMEOUT)
    out, err, status = run_interp(name)
    assert out == p.stdout, _show("stdout", p.stdout, out)
    assert err == p.stderr, _show("stderr", p.stderr, err)
    assert status == p.returncode
