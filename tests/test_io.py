"""Programs that read input, take arguments, touch files and spawn processes:
the mruby-io gem (runtime/core/io.py, file.py) and ``riteload run``'s
command line as mruby's (runtime/program.py, riteload/cli.py).

- the fixture programs with sidecars (tests/fixture_io.py) against live
  mruby, under both engines (the recorded comparisons are in
  test_runtime_programs.py and test_native.py);
- ARGV and ``$0``, ``-e``, ``-`` (the program on standard input), Ruby source
  compiled with mrbc, and the one-line errors for files that are not RITE
  binaries or when mrbc is missing;
- SIGPIPE ends the run as it ends mruby (status 141 in a shell);
- stdout and stderr sharing one pipe interleave as mruby's do, a prompt is
  out before the program waits for input, a large input is read whole.

Every run is bounded by a timeout and happens in a temporary folder.
"""

from __future__ import annotations

import os
import select
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import mruby_runs
from fixture_io import io_program_names, program_io, run_folder
from mruby_runs import LIVE, TOOLS, compile_mrb, riteload

ROOT = Path(__file__).resolve().parent.parent
MRB = ROOT / "fixtures" / "mrb"
TIMEOUT = 120
ENGINES = ("interp", "native")
MRBC = shutil.which("mrbc")
needs_mrbc = pytest.mark.skipif(MRBC is None, reason="mrbc (mruby's compiler) not on PATH")


def run_cli(*args, cwd, stdin: bytes = b"", env=None, timeout=TIMEOUT):
    """(stdout, stderr, status) of ``python -m riteload ARGS`` fed ``stdin``."""
    p = riteload(*args, cwd=cwd, env=env, timeout=timeout, input=stdin)
    return p.stdout, p.stderr, p.returncode


def run_mruby(*args, cwd, stdin: bytes = b"", timeout=TIMEOUT):
    p = subprocess.run([TOOLS[1], *args], cwd=cwd, input=stdin, capture_output=True,
                       timeout=timeout)
    return p.stdout, p.stderr, p.returncode


# ------------------------------------------------- fixtures against live mruby
IO_CASES = [pytest.param(n + g, marks=[pytest.mark.slow] if g else [])
            for n in io_program_names() for g in ("", ".g")]


@pytest.mark.skipif(not LIVE, reason="mruby 3.1 not on PATH (the recorded runs stand in)")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("name", IO_CASES)
def test_io_fixture_matches_live_mruby(name, engine):
    mrb = MRB / f"{name}.mrb"
    pio = program_io(name)
    with run_folder(mrb, pio) as cwd:
        expected = run_mruby("-b", mrb.name, *pio.args, cwd=cwd, stdin=pio.stdin)
    with run_folder(mrb, pio) as cwd:
        got = run_cli("run", "--engine", engine, mrb.name, *pio.args, cwd=cwd, stdin=pio.stdin)
    assert got == expected


def test_fixture_sidecars(tmp_path):
    (tmp_path / "a.rb").write_text("p 1\n")
    (tmp_path / "b.rb").write_text("p 1\n")
    (tmp_path / "b.args").write_bytes(b"16\n\nx y\n")
    (tmp_path / "c.rb").write_text("p 1\n")
    (tmp_path / "c.stdin").write_bytes(b"in\n")
    assert program_io("a", tmp_path).plain
    assert program_io("b.g.mrb", tmp_path).args == ("16", "", "x y")
    assert program_io("c", tmp_path).stdin == b"in\n" and program_io("c", tmp_path).scratch
    assert io_program_names(tmp_path) == ["b", "c"]
    assert {"700_io_stdin_lines", "701_io_argv", "702_io_files"} <= set(io_program_names())


# ------------------------------------------------------------ the command line
ARGV_PROG = "p $0, ARGV, $DEBUG\n"


@pytest.mark.parametrize("engine", ENGINES)
def test_argv_and_program_name(engine, tmp_path):
    mrb = compile_mrb("io_argv", ARGV_PROG, tmp_path)
    words = ["16", "x", "", "--stats", "-v", "with space"]
    got = run_cli("run", "--engine", engine, mrb.name, *words, cwd=tmp_path)
    assert got == (b'"io_argv.mrb"\n["16", "x", "", "--stats", "-v", "with space"]\nfalse\n',
                   b"", 0)
    if LIVE:
        assert got == run_mruby("-b", mrb.name, *words, cwd=tmp_path)


def test_options_go_before_the_program(tmp_path):
    mrb = compile_mrb("io_argv", ARGV_PROG, tmp_path)
    out, err, status = run_cli("run", "--engine", "interp", "-v", "--code-cache-size", "64k",
                               mrb.name, "a", cwd=tmp_path)
    assert status == 0 and err == b""
    assert out.startswith(b"mruby 3.1.0 (2022-05-12)\nirep ") and b"SSEND" in out
    assert out.endswith(b'"io_argv.mrb"\n["a"]\nfalse\n')


@pytest.mark.parametrize("engine", ENGINES)
def test_program_on_stdin(engine, tmp_path):
    mrb = compile_mrb("io_argv", ARGV_PROG, tmp_path)
    got = run_cli("run", "--engine", engine, "-", "a", cwd=tmp_path, stdin=mrb.read_bytes())
    assert got == (b'"-"\n["a"]\nfalse\n', b"", 0)
    if LIVE:
        assert got == run_mruby("-", "a", cwd=tmp_path, stdin=mrb.read_bytes())


@needs_mrbc
@pytest.mark.parametrize("engine", ENGINES)
def test_ruby_source_is_compiled_as_mruby_runs_it(engine, tmp_path):
    (tmp_path / "prog.rb").write_text("p $0, ARGV\ndef f\n  raise 'boom'\nend\nf\n")
    got = run_cli("run", "--engine", engine, "prog.rb", "q", cwd=tmp_path)
    assert got[0] == b'"prog.rb"\n["q"]\n' and got[2] == 1
    assert got[1].endswith(b"prog.rb:3:in f: boom (RuntimeError)\n")
    if LIVE:
        assert got == run_mruby("prog.rb", "q", cwd=tmp_path)
    # the same source on standard input is "-"
    src = (tmp_path / "prog.rb").read_bytes()
    got = run_cli("run", "--engine", engine, cwd=tmp_path, stdin=src)
    assert got[0] == b'"-"\n[]\n' and got[1].endswith(b"-:3:in f: boom (RuntimeError)\n")
    if LIVE:
        assert got == run_mruby(cwd=tmp_path, stdin=src)
    assert not (tmp_path / "prog.mrb").exists()         # compiled into a temporary folder


@needs_mrbc
@pytest.mark.parametrize("engine", ENGINES)
def test_e_code(engine, tmp_path):
    args = ("-e", "p $0, ARGV", "-e", "raise 'x'", "a", "b")
    got = run_cli("run", "--engine", engine, *args, cwd=tmp_path)
    assert got == (b'"-e"\n["a", "b"]\n', b"-e:2: x (RuntimeError)\n", 1)
    if LIVE:
        assert got == run_mruby(*args, cwd=tmp_path)


@needs_mrbc
def test_verbose_source_prints_what_mruby_v_prints(tmp_path):
    """``mruby -v prog.rb`` prints the version, the parse tree and the listing
    (irep addresses aside): mrbc -v prints the same."""
    import re
    (tmp_path / "prog.rb").write_text("x = 1\np x\n")
    out, err, status = run_cli("run", "-v", "--engine", "interp", "prog.rb", cwd=tmp_path)
    assert status == 0 and err == b""
    assert out.startswith(b"mruby 3.1.0 (2022-05-12)\n00001 NODE_SCOPE:\n")
    assert b"\nfile: prog.rb\n" in out and out.endswith(b"\n1\n")
    if LIVE:
        live = run_mruby("-v", "prog.rb", cwd=tmp_path)
        mask = re.compile(rb"0x[0-9a-f]+")
        assert mask.sub(b"ADDR", out) == mask.sub(b"ADDR", live[0])


@needs_mrbc
def test_syntax_error_is_mrbcs_message(tmp_path):
    (tmp_path / "bad.rb").write_text("p 1\nx = (\n")
    out, err, status = run_cli("run", "bad.rb", cwd=tmp_path)
    assert out == b"" and status == 1 and err.startswith(b"bad.rb:3:") and b"syntax error" in err
    if LIVE:
        assert (out, err, status) == run_mruby("bad.rb", cwd=tmp_path)
    out, err, status = run_cli("run", "-e", "p(", cwd=tmp_path)
    assert status == 1 and err.startswith(b"-e:1:")


def _path_without_mrbc(tmp_path) -> dict:
    bindir = tmp_path / "bin"
    bindir.mkdir()
    (bindir / "python").symlink_to(sys.executable)
    env = dict(os.environ, PATH=str(bindir), PYTHONPATH=str(ROOT))
    return env


def test_ruby_source_without_mrbc_says_how_to_get_it(tmp_path):
    env = _path_without_mrbc(tmp_path)
    (tmp_path / "prog.rb").write_text("class Foo\nend\n")
    for args, name in ((("prog.rb",), b"prog.rb"), (("-e", "p 1"), b"-e")):
        out, err, status = run_cli("run", *args, cwd=tmp_path, env=env)
        assert out == b"" and status == 1
        assert err.count(b"\n") == 1 and err.startswith(b"riteload: " + name + b": ")
        assert b"mrbc" in err and b"apt-get install mruby" in err


def test_non_rite_files_get_one_line_naming_what_they_look_like(tmp_path):
    fixture = next(p for p in sorted(MRB.glob("*.mrb")) if p.stat().st_size > 400)
    files = {
        "empty.mrb": (b"", b"empty file"),
        "short.mrb": (b"RITE03", b"truncated RITE binary: 6 bytes"),
        "cut.mrb": (fixture.read_bytes()[:200], b"truncated RITE binary: 200 of the"),
        "elf.mrb": (b"\x7fELF\x02\x01\x01" + bytes(100), b"an ELF executable"),
        "blob.mrb": (b"\x00\x01\x02garbage" * 10, b"binary data"),
    }
    for name, (data, words) in files.items():
        (tmp_path / name).write_bytes(data)
        out, err, status = run_cli("run", name, cwd=tmp_path)
        assert (out, status) == (b"", 1), name
        assert err.count(b"\n") == 1 and err.startswith(b"riteload: " + name.encode()), err
        assert words in err and b"Traceback" not in err, err


# ----------------------------------------------------------- signals, streams
ENDLESS = 'i = 0\nloop { puts "line #{i}"; i += 1 }\n'


def _first_line_then_close(cmd, cwd) -> tuple[bytes, int]:
    p = subprocess.Popen(cmd, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    try:
        line = p.stdout.readline()
        p.stdout.close()                    # as `| head -1` does
        p.wait(timeout=TIMEOUT)
        err = p.stderr.read()
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    assert err == b"", err
    return line, p.returncode


@pytest.mark.parametrize("engine", ENGINES)
def test_sigpipe_ends_the_run_as_it_ends_mruby(engine, tmp_path):
    mrb = compile_mrb("io_endless", ENDLESS, tmp_path)
    got = _first_line_then_close([sys.executable, "-m", "riteload", "run", "--engine", engine,
                                  mrb.name], tmp_path)
    assert got == (b"line 0\n", -signal.SIGPIPE)        # 141 in a shell
    if LIVE:
        assert got == _first_line_then_close([TOOLS[1], "-b", mrb.name], tmp_path)


INTERLEAVED = """\
puts "out 1"
$stderr.puts "err 1"
print "out 2 "
STDERR.write "err 2\\n"
p :out3
$stdout.write "out 4\\n"
$stderr.print "err 3\\n"
STDOUT.syswrite "out 5\\n"
warn_io = IO.new(2, "w")
warn_io.puts "err 4"
$stdout.printf("%s\\n", "out 6")
IO.popen("echo child out; echo child err >&2") { |io| print io.read }
$stdout << "out 7\\n"
STDERR << "err 5\\n"
puts `echo back; echo back err >&2`
def deep(n) = n == 0 ? raise("uncaught") : deep(n - 1)
deep(2)
"""


def _merged(cmd, cwd) -> tuple[bytes, int]:
    p = subprocess.run(cmd, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=TIMEOUT)
    return p.stdout, p.returncode


@pytest.mark.parametrize("engine", ENGINES)
def test_stdout_and_stderr_on_one_pipe_interleave_as_mruby(engine, tmp_path):
    mrb = compile_mrb("io_interleaved", INTERLEAVED, tmp_path, debug=True)
    got = _merged([sys.executable, "-m", "riteload", "run", "--engine", engine, mrb.name],
                  tmp_path)
    if LIVE:
        out, status = _merged([TOOLS[1], "-b", mrb.name], tmp_path)
        mruby_runs._check_or_record("io_interleaved", {"merged": out,
                                                       "status": f"{status}\n".encode()})
    expected = (mruby_runs._recorded("io_interleaved", "merged"),
                int(mruby_runs._recorded("io_interleaved", "status")))
    assert got == expected
    assert expected[0].startswith(b"out 1\nerr 1\nout 2 err 2\n")


def _read_until(stream, want: bytes, timeout: float) -> bytes:
    got = b""
    deadline = time.monotonic() + timeout
    while want not in got:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([stream], [], [], left)[0]:
            break
        chunk = os.read(stream.fileno(), 4096)
        if not chunk:
            break
        got += chunk
    return got


@pytest.mark.parametrize("engine", ENGINES)
def test_prompt_is_out_before_the_program_waits_for_input(engine, tmp_path):
    mrb = compile_mrb("io_prompt", 'print "name? "\nname = gets\nputs "hi #{name}"\n', tmp_path)
    p = subprocess.Popen([sys.executable, "-m", "riteload", "run", "--engine", engine, mrb.name],
                         cwd=tmp_path, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    try:
        first = _read_until(p.stdout, b"name? ", 60)
        assert first == b"name? "           # while the program waits in gets
        p.stdin.write(b"Bob\n")
        p.stdin.close()
        rest = p.stdout.read()
        assert p.wait(timeout=TIMEOUT) == 0
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    assert rest == b"hi Bob\n"


@pytest.mark.parametrize("engine", ENGINES)
def test_large_input_is_read_whole(engine, tmp_path):
    src = ("s = 0\nn = 0\nwhile line = gets\n  s += line.to_i\n  n += 1\nend\n"
           "p [n, s]\np $stdin.read, STDIN.eof?\n")
    mrb = compile_mrb("io_sum", src, tmp_path)
    data = b"".join(b"%d\n" % (i * 7 % 1000) for i in range(5000))
    got = run_cli("run", "--engine", engine, mrb.name, cwd=tmp_path, stdin=data)
    want = sum(i * 7 % 1000 for i in range(5000))
    assert got == (f"[5000, {want}]\n\"\"\ntrue\n".encode(), b"", 0)


# ----------------------------------------------------------------- helpers
def test_posix_basename_and_dirname_are_glibcs():
    from runtime.core.file import posix_basename, posix_dirname
    cases = {b"": (b".", b"."), b"/": (b"/", b"/"), b"//": (b"/", b"//"), b"///": (b"/", b"/"),
             b"a": (b"a", b"."), b"a/": (b"a", b"."), b"/a": (b"a", b"/"),
             b"//a": (b"a", b"//"), b"/a/b/": (b"b", b"/a"), b"a//b//": (b"b", b"a"),
             b"./x": (b"x", b".")}
    for path, (base, dirname) in cases.items():
        assert (posix_basename(path), posix_dirname(path)) == (base, dirname), path


def test_open_modes():
    from runtime.core.io import _readable, _writable, modestr_to_flags
    from runtime.vm import VM
    vm = VM()
    for mode, r, w, extra in ((b"r", True, False, 0), (b"w", False, True, os.O_CREAT | os.O_TRUNC),
                              (b"a", False, True, os.O_APPEND), (b"r+", True, True, 0),
                              (b"w+b", True, True, os.O_TRUNC), (b"ab+", True, True, os.O_APPEND)):
        flags = modestr_to_flags(vm, mode)
        assert (_readable(flags), _writable(flags)) == (r, w), mode
        assert flags & extra == extra, mode


@pytest.mark.parametrize("engine", ENGINES)
def test_collected_files_give_their_descriptors_back(engine, tmp_path):
    """mruby's collector closes the descriptor of an IO nothing refers to, and
    an open(2) out of descriptors collects and tries again: 1000 files
    opened and dropped under a limit of 64 descriptors."""
    import resource
    src = ('File.open("f.txt", "w") { |f| f.puts "x" }\n'
           '1000.times { File.open("f.txt").gets }\np :ok\n')
    mrb = compile_mrb("io_many_files", src, tmp_path)

    def limit():
        resource.setrlimit(resource.RLIMIT_NOFILE, (64, 64))

    p = subprocess.run([sys.executable, "-m", "riteload", "run", "--engine", engine, mrb.name],
                       cwd=tmp_path, capture_output=True, timeout=TIMEOUT, preexec_fn=limit)
    assert (p.stdout, p.stderr, p.returncode) == (b":ok\n", b"", 0)
