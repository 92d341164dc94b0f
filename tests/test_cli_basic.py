"""`riteload info`, `riteload verify` and the --help of every subcommand."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import mruby_runs
from mruby_runs import compile_mrb
from riteload.cli import main

ROOT = Path(__file__).resolve().parents[1]
VERSIONS = ROOT / "fixtures" / "versions"
SUBCOMMANDS = ("run", "disasm", "info", "verify", "translate", "compare")


def _run(*args):
    return subprocess.run([sys.executable, "-m", "riteload", *args], capture_output=True,
                          text=True, timeout=60, cwd=ROOT)


@pytest.mark.parametrize("release,version,releases", [
    ("3.0.0", "0200", "3.0"),
    ("3.1.0", "0300", "3.1, 3.2, 3.3, 3.4"),
    ("3.4.0", "0300", "3.1, 3.2, 3.3, 3.4"),
    ("4.0.0", "0400", "4.0"),
])
def test_info(release, version, releases, capsys):
    path = VERSIONS / release / "v01_calls.g.mrb"
    assert main(["info", str(path)]) == 0
    out = capsys.readouterr().out
    assert f"RITE{version} (written by mruby {releases})" in out
    assert f"binary size:      {path.stat().st_size}" in out
    assert "compiler:         MATZ 0000" in out
    for ident in ("IREP", "DBG", "LVAR", "END"):
        assert f"  {ident} " in out
    assert "  IREP  offset 0x000014" in out
    assert "ireps:            11" in out
    assert "debug info:       yes (1 file(s): v01_calls.rb)" in out
    assert "local variables:  yes" in out


def test_info_without_debug(capsys):
    assert main(["info", str(VERSIONS / "3.1.0" / "v01_calls.mrb")]) == 0
    out = capsys.readouterr().out
    assert "debug info:       no" in out
    assert "  DBG " not in out


def test_info_subprocess():
    r = _run("info", str(VERSIONS / "4.0.0" / "v06_pattern.mrb"))
    assert r.returncode == 0 and r.stderr == ""
    assert "RITE0400" in r.stdout


@pytest.mark.parametrize("release", ["3.0.0", "3.1.0", "3.4.0", "4.0.0"])
def test_verify_ok(release, capsys):
    path = VERSIONS / release / "v02_blocks.mrb"
    assert main(["verify", str(path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"{path}: OK (RITE")
    assert "ireps)" in out


def test_verify_subprocess_bad_file(tmp_path):
    data = bytearray((VERSIONS / "3.1.0" / "v01_calls.mrb").read_bytes())
    bad = tmp_path / "bad.mrb"
    bad.write_bytes(bytes(data[:100]))
    for command in ("info", "verify"):
        r = _run(command, str(bad))
        assert r.returncode == 1
        assert r.stdout == ""
        assert r.stderr.count("\n") == 1 and "Traceback" not in r.stderr
        assert r.stderr.startswith("riteload: ") and "bad.mrb" in r.stderr


def test_missing_file():
    r = _run("verify", "/nonexistent/x.mrb")
    assert r.returncode == 1 and r.stderr.count("\n") == 1
    assert "cannot read file" in r.stderr


def test_help():
    r = _run("--help")
    assert r.returncode == 0
    for sub in SUBCOMMANDS:
        assert sub in r.stdout


@pytest.mark.parametrize("sub", SUBCOMMANDS)
def test_subcommand_help(sub):
    r = _run(sub, "--help")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith(f"usage: riteload {sub}")
    assert "Traceback" not in r.stderr


def _interrupted_status(cmd, cwd) -> int:
    """Start cmd with SIGINT at its default, let it run, press Ctrl-C."""
    p = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                         preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    time.sleep(1.5)             # past start-up: inside the Ruby loop
    p.send_signal(signal.SIGINT)
    try:
        p.wait(timeout=30)
    finally:
        if p.poll() is None:
            p.kill()
    return p.returncode


@pytest.mark.parametrize("engine", ["native", "interp"])
def test_ctrl_c_ends_the_run_as_it_ends_mruby(engine, tmp_path):
    mrb = compile_mrb("cli_loop", "i = 0\nloop { i += 1 }\n", tmp_path)
    expected = -signal.SIGINT           # mruby 3.1 has no SIGINT handler: the signal kills it
    if mruby_runs.LIVE:
        assert _interrupted_status([mruby_runs.TOOLS[1], "-b", mrb.name], tmp_path) == expected
    got = _interrupted_status([sys.executable, "-m", "riteload", "run", "--engine", engine,
                               mrb.name], tmp_path)
    assert got == expected      # killed by SIGINT, not a crash of the native code


def test_run_runs_rite0400_as_mruby_40():
    # mruby 4.0's RITE0400 adds opcodes (TDEF, SEND0, LOADI8...): its dialect
    # (runtime/dialects/mruby40) gives them their semantics
    r = _run("run", str(VERSIONS / "4.0.0" / "v01_calls.mrb"))
    assert r.returncode == 0 and r.stderr == ""
    assert r.stdout == (VERSIONS / "4.0.0" / "v01_calls.stdout").read_text()


@pytest.mark.parametrize("args, status", [(["--version"], 0), (["--help"], 0), (["bogus"], 2),
                                          (["run", "/nonexistent.mrb"], 1)])
def test_entry_exit_status(args, status):
    """``python -m riteload`` ends through cli.entry (os._exit, no teardown):
    argparse's exits and main's statuses come out unchanged."""
    p = subprocess.run([sys.executable, "-m", "riteload", *args], capture_output=True,
                       timeout=120)
    assert p.returncode == status, p.stderr
    assert (p.stdout if status == 0 else p.stderr) != b""


def test_entry_flushes_everything_before_it_exits(tmp_path):
    """What a run wrote to a pipe is all there though the process skips
    Python's teardown, and so is what a listing printed."""
    mrb = compile_mrb("cli_many_lines", "30_000.times { |i| puts i }\nputs :done\n", tmp_path)
    p = subprocess.run([sys.executable, "-m", "riteload", "run", str(mrb)],
                       capture_output=True, timeout=120)
    lines = p.stdout.split(b"\n")
    assert (p.returncode, p.stderr) == (0, b"")
    assert lines[:3] == [b"0", b"1", b"2"] and lines[-3:] == [b"29999", b"done", b""]
    assert len(lines) == 30_002
    p = subprocess.run([sys.executable, "-m", "riteload", "disasm", str(mrb)],
                       capture_output=True, timeout=120)
    assert p.returncode == 0 and p.stdout.startswith(b"irep ") and p.stdout.endswith(b"\n")
