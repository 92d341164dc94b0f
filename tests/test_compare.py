"""``riteload compare`` (runtime/compare.py) gives both mruby and riteload
the program's arguments and standard input: from its command line
(``compare [--stdin FILE] PROG ARGS...``) or from the fixture sidecars
``NAME.args`` and ``NAME.stdin`` (tests/fixture_io.py), and runs each side
in a folder of its own.  Needs mruby 3.1 on PATH (it is what compare runs).
"""

from __future__ import annotations

import pytest

from mruby_runs import LIVE, riteload

pytestmark = pytest.mark.skipif(not LIVE, reason="mruby 3.1 (mruby, mrbc) not on PATH")

# ends with status 0 only when it got its arguments and input, in a fresh folder
PROGRAM = """\
p ARGV
input = $stdin.read
p input
raise "not a fresh folder" if File.exist?("written.txt")
File.open("written.txt", "w") { |f| f.write "x" }
raise "not its input" unless ARGV == ["1", "two words", "-x"] && input == "in data\\n"
"""


def _compare(*args, cwd, stdin=b""):
    p = riteload("compare", *args, cwd=cwd, input=stdin, timeout=120)
    return p.stdout.decode(), p.stderr.decode(), p.returncode


def test_arguments_and_stdin_file(tmp_path):
    (tmp_path / "prog.rb").write_text(PROGRAM)
    (tmp_path / "in.txt").write_bytes(b"in data\n")
    out, err, status = _compare("--stdin", "in.txt", "prog.rb", "1", "two words", "-x",
                                cwd=tmp_path)
    assert (out, err, status) == (
        "identical: stdout, stderr and exit status (0) match mruby\n", "", 0)
    assert not (tmp_path / "written.txt").exists()


@pytest.mark.slow
def test_stdin_from_compare_own(tmp_path):
    (tmp_path / "prog.rb").write_text(PROGRAM)
    out, err, status = _compare("--stdin", "-", "prog.rb", "1", "two words", "-x",
                                cwd=tmp_path, stdin=b"in data\n")
    assert status == 0 and "exit status (0)" in out


def test_sidecars(tmp_path):
    (tmp_path / "prog.rb").write_text(PROGRAM)
    (tmp_path / "prog.args").write_bytes(b"1\ntwo words\n-x\n")
    (tmp_path / "prog.stdin").write_bytes(b"in data\n")
    out, err, status = _compare("prog.rb", cwd=tmp_path)
    assert status == 0 and "exit status (0)" in out
    # given arguments replace the sidecars: the program then exits 1, on both sides
    out, err, status = _compare("prog.rb", "other", cwd=tmp_path)
    assert status == 0 and "exit status (1)" in out


@pytest.mark.slow
def test_without_arguments_stdin_is_empty(tmp_path):
    (tmp_path / "prog.rb").write_text(PROGRAM)
    out, err, status = _compare("prog.rb", cwd=tmp_path, stdin=b"not for the program\n")
    assert status == 0 and "exit status (1)" in out


@pytest.mark.slow
def test_fixture_mrb_finds_its_sidecars():
    out, err, status = _compare("--engine", "interp", "fixtures/mrb/701_io_argv.mrb", cwd=None)
    assert (err, status) == ("", 0)
    assert "exit status (0)" in out
