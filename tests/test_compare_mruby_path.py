"""Which mruby ``riteload compare`` runs (runtime/compare.py, ``REFERENCE``).

Without ``--mruby`` the reference is the release the .mrb's format names:
``mruby`` on PATH for RITE0300 (Debian's mruby 3.1), mruby 4.0.0 for
RITE0400 (``$MRUBY40``, else ../shared/tools/mruby-4.0.0/bin/mruby, where
tests/test_mruby40.py finds it); ``--mruby PATH`` runs exactly that binary.
A binary that is missing, not executable or not runnable ends compare with
one line on stderr naming it and saying how to get one, status 1.

The identical runs are checked against what mruby printed when the
fixtures were recorded (fixtures/expected, fixtures/mruby40/expected); the
tests that run mruby 3.1 skip without it on PATH, those that run mruby
4.0.0 without its binary; the error lines need neither.
"""

from __future__ import annotations

import errno
import os
import subprocess
from pathlib import Path

import pytest

from mruby_runs import LIVE, ROOT, TOOLS, riteload
from runtime.compare import REFERENCE
from test_mruby40 import MRUBY40

MRB31 = ROOT / "fixtures" / "mrb"
EXPECTED31 = ROOT / "fixtures" / "expected"
MRB40 = ROOT / "fixtures" / "mruby40" / "mrb"
EXPECTED40 = ROOT / "fixtures" / "mruby40" / "expected"
RITE0200 = ROOT / "fixtures" / "versions" / "3.0.0" / "v01_calls.mrb"
MRBC40 = MRUBY40.parent / "mrbc"

needs_31 = pytest.mark.skipif(not LIVE, reason="mruby 3.1 (mruby, mrbc) not on PATH")
needs_40 = pytest.mark.skipif(not MRUBY40.exists(),
                              reason=f"mruby 4.0.0's binary is absent ({MRUBY40})")

APT = "install Debian's mruby (apt-get install -y mruby)"
GIVE = ", or give --mruby the path of an mruby binary"


def _compare(*args, cwd=None, env=None):
    p = riteload("compare", *args, cwd=cwd, env=env, timeout=300)
    return p.stdout.decode(), p.stderr.decode(), p.returncode


def _identical(expected: Path, name: str) -> str:
    """The line compare prints when riteload matches mruby's recording of NAME."""
    status = (expected / f"{name}.status").read_text().strip()
    return f"identical: stdout, stderr and exit status ({status}) match mruby\n"


def _logging_wrapper(tmp_path: Path, real: str) -> tuple[Path, Path]:
    """An executable script that notes its command line in a log, then runs ``real``."""
    log = tmp_path / "calls.log"
    script = tmp_path / "wrapped-mruby"
    script.write_text(f'#!/bin/sh\necho "$*" >> "{log}"\nexec "{real}" "$@"\n')
    script.chmod(0o755)
    return script, log


def _env(**changes) -> dict:
    env = dict(os.environ)
    for k, v in changes.items():
        if v is None:
            env.pop(k, None)
        else:
            env[k] = v
    return env


def test_compare_and_test_mruby40_find_the_same_binary():
    # the tool's lookup and the tests' one (tests/test_mruby40.py) must agree
    assert Path(REFERENCE["4.0"].binary()).resolve() == MRUBY40.resolve()
    assert REFERENCE["3.1"].binary() == "mruby"


# --- --mruby PATH: exactly that binary --------------------------------------

@needs_31
def test_mruby_path_debian_gives_identical():
    out, err, status = _compare("--mruby", TOOLS[1], str(MRB31 / "001_hello.mrb"))
    assert (out, err, status) == (_identical(EXPECTED31, "001_hello"), "", 0)


@needs_31
def test_mruby_path_is_used_even_without_mruby_on_path(tmp_path):
    # with no mruby on PATH the default is an error, and --mruby still runs its binary
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    env = _env(PATH=str(empty))
    prog = str(MRB31 / "001_hello.mrb")
    out, err, status = _compare(prog, env=env)
    assert (out, status) == ("", 1)
    assert err == ("riteload: mruby: not found on PATH (mruby 3.1, which RITE0300 files are "
                   f"compared with): {APT}, or give --mruby PATH\n")
    out, err, status = _compare("--mruby", TOOLS[1], prog, env=env)
    assert (out, err, status) == (_identical(EXPECTED31, "001_hello"), "", 0)


@needs_31
def test_mruby_path_runs_that_very_file(tmp_path):
    wrapper, log = _logging_wrapper(tmp_path, TOOLS[1])
    out, err, status = _compare("--mruby", str(wrapper), "fixtures/mrb/701_io_argv.mrb")
    assert (out, err, status) == (_identical(EXPECTED31, "701_io_argv"), "", 0)
    # once, with -b and the program's sidecar arguments (fixtures/programs/701_io_argv.args)
    args = (ROOT / "fixtures" / "programs" / "701_io_argv.args").read_text().splitlines()
    assert log.read_text() == " ".join(["-b", "701_io_argv.mrb", *args]) + "\n"


@needs_31
def test_mruby_path_relative_to_the_callers_folder(tmp_path):
    # the sides run in other folders; a relative --mruby still names the caller's file
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "mruby").symlink_to(TOOLS[1])
    out, err, status = _compare("--mruby", "bin/mruby", str(MRB31 / "001_hello.mrb"),
                                cwd=tmp_path)
    assert (out, err, status) == (_identical(EXPECTED31, "001_hello"), "", 0)


@needs_31
def test_mruby_path_overrides_the_format(tmp_path):
    # mruby 3.1 given a RITE0400 file: it runs, and refuses the file as it does alone
    prog = MRB40 / "001_hello.mrb"
    alone = subprocess.run([TOOLS[1], "-b", str(prog)], capture_output=True, timeout=60)
    assert alone.returncode == 1
    assert alone.stderr == b"(unknown):0: irep load error (ScriptError)\n"
    out, err, status = _compare("--mruby", TOOLS[1], str(prog))
    assert (err, status) == ("", 1)
    lines = out.splitlines()
    assert "-(unknown):0: irep load error (ScriptError)" in lines
    assert "-1" in lines and "+0" in lines      # the status diff: mruby 1, riteload 0
    first = (EXPECTED40 / "001_hello.stdout").read_text().splitlines()[0]
    assert f"+{first}" in lines


# --- errors: one line, status 1 ------------------------------------------------

def _one_line_error(*args, cwd=None, env=None) -> str:
    out, err, status = _compare(*args, cwd=cwd, env=env)
    assert (out, status) == ("", 1)
    assert err.count("\n") == 1 and err.endswith("\n") and "Traceback" not in err
    return err


def test_bogus_mruby_path():
    err = _one_line_error("--mruby", "/nonexistent/bin/mruby", "fixtures/mrb/001_hello.mrb")
    assert err == f"riteload: /nonexistent/bin/mruby: no such file (--mruby): {APT}{GIVE}\n"


def test_bogus_mruby_path_for_rite0400_says_how_to_get_4_0():
    err = _one_line_error("--mruby", "/nonexistent/bin/mruby",
                          "fixtures/mruby40/mrb/001_hello.mrb")
    assert err == (f"riteload: /nonexistent/bin/mruby: no such file (--mruby): "
                   f"{REFERENCE['4.0'].get}{GIVE}\n")
    assert "mruby 4.0.0" in err


def test_mruby_path_not_executable(tmp_path):
    plain = tmp_path / "mruby"
    plain.write_bytes(b"#!/bin/sh\n")
    plain.chmod(0o644)
    err = _one_line_error("--mruby", str(plain), "fixtures/mrb/001_hello.mrb")
    assert err == f"riteload: {plain}: not an executable file (--mruby): {APT}{GIVE}\n"
    err = _one_line_error("--mruby", str(tmp_path), "fixtures/mrb/001_hello.mrb")
    assert err == f"riteload: {tmp_path}: not an executable file (--mruby): {APT}{GIVE}\n"


def test_mruby_path_the_kernel_will_not_run(tmp_path):
    junk = tmp_path / "mruby"
    junk.write_bytes(b"\0\1\2 not a program")
    junk.chmod(0o755)
    err = _one_line_error("--mruby", str(junk), "fixtures/mrb/001_hello.mrb")
    assert err == f"riteload: {junk}: cannot run it: {os.strerror(errno.ENOEXEC)}\n"


def test_mruby_name_not_on_path():
    err = _one_line_error("--mruby", "no-such-mruby-here", "fixtures/mrb/001_hello.mrb")
    assert err == f"riteload: no-such-mruby-here: not found on PATH (--mruby): {APT}{GIVE}\n"


def test_missing_mruby40_names_its_path():
    err = _one_line_error("fixtures/mruby40/mrb/001_hello.mrb",
                          env=_env(MRUBY40="/nonexistent/mruby-4.0.0/bin/mruby"))
    assert err == ("riteload: /nonexistent/mruby-4.0.0/bin/mruby: no such file (mruby 4.0, "
                   "which RITE0400 files are compared with, from $MRUBY40): "
                   f"{REFERENCE['4.0'].get}, or give --mruby PATH\n")


def test_rite0200_needs_mruby_path():
    # no mruby 3.0 is known, and mruby 3.1 refuses RITE0200 files
    err = _one_line_error(str(RITE0200.relative_to(ROOT)))
    assert err == ("riteload: fixtures/versions/3.0.0/v01_calls.mrb: RITE0200 files are "
                   "mruby 3.0's, and compare knows no binary of it: give one with --mruby PATH\n")


def test_bogus_mrbc_path(tmp_path):
    (tmp_path / "prog.rb").write_text("p 1\n")
    err = _one_line_error("--mrbc", "/nonexistent/bin/mrbc", "prog.rb", cwd=tmp_path)
    assert err == f"riteload: /nonexistent/bin/mrbc: no such file (--mrbc): {APT}\n"


# --- RITE0400: mruby 4.0.0 by default ----------------------------------------

@needs_40
def test_rite0400_default_is_mruby40():
    for name in ("001_hello", "001_hello.g"):
        out, err, status = _compare(str(MRB40 / f"{name}.mrb"))
        assert (out, err, status) == (_identical(EXPECTED40, name), "", 0)


@needs_40
def test_rite0400_default_follows_mruby40_variable(tmp_path):
    wrapper, log = _logging_wrapper(tmp_path, str(MRUBY40))
    out, err, status = _compare(str(MRB40 / "002_integer_arith.mrb"),
                                env=_env(MRUBY40=str(wrapper)))
    assert (out, err, status) == (_identical(EXPECTED40, "002_integer_arith"), "", 0)
    assert log.read_text() == f"-b {MRB40 / '002_integer_arith.mrb'}\n"


@needs_40
def test_rite0400_fixture_finds_sidecars_in_fixtures_programs():
    out, err, status = _compare("--engine", "interp", "fixtures/mruby40/mrb/701_io_argv.mrb")
    assert (out, err, status) == (_identical(EXPECTED40, "701_io_argv"), "", 0)


@needs_40
@pytest.mark.skipif(not MRBC40.exists(), reason=f"mruby 4.0.0's mrbc is absent ({MRBC40})")
def test_source_compiled_by_mrbc40_runs_under_mruby40(tmp_path):
    # what --mrbc writes decides the reference: RITE0400, so mruby 4.0.0 (not mruby on PATH)
    src = ROOT / "fixtures" / "programs" / "001_hello.rb"
    (tmp_path / "001_hello.rb").write_bytes(src.read_bytes())
    wrapper, log = _logging_wrapper(tmp_path, str(MRUBY40))
    out, err, status = _compare("--mrbc", str(MRBC40), "001_hello.rb", cwd=tmp_path,
                                env=_env(MRUBY40=str(wrapper)))
    assert (out, err, status) == (_identical(EXPECTED40, "001_hello.g"), "", 0)  # mrbc -g
    assert log.read_text() == "-b 001_hello.mrb\n"
