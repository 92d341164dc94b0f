"""`riteload info --json`, `riteload verify --json`, verify of several files
at once (worker processes), and the one-line errors of the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import riteload
from riteload import Irep, RiteFile
from riteload.cli import main
from riteload.format import MAX_IREP_DEPTH
from riteload.info import format_info
from riteload.model import RiteHeader
from riteload.opcodes import table_for
from riteload.verify import RULES

ROOT = Path(__file__).resolve().parents[1]
VERSIONS = ROOT / "fixtures" / "versions"
HELLO = ROOT / "fixtures" / "mrb" / "001_hello.mrb"
OPS = table_for("0300")


def _run(*args):
    return subprocess.run([sys.executable, "-m", "riteload", *args], capture_output=True,
                          text=True, timeout=120, cwd=ROOT)


def _write(path: Path, *code, nregs=3, reps=()) -> Path:
    """A one-irep RITE0300 file of ``code`` ((name, operands...) tuples)."""
    iseq = bytes(b for name, *operands in code for b in (OPS.number(name), *operands))
    irep = Irep(nlocals=1, nregs=nregs, iseq=iseq, reps=list(reps))
    path.write_bytes(riteload.build(RiteFile(RiteHeader(), irep)))
    return path


@pytest.fixture
def bad_register(tmp_path):
    return _write(tmp_path / "bad.mrb", ("LOADI_1", 9), ("STOP",))


@pytest.fixture
def truncated(tmp_path):
    path = tmp_path / "cut.mrb"
    path.write_bytes((VERSIONS / "3.1.0" / "v01_calls.mrb").read_bytes()[:100])
    return path


@pytest.fixture
def too_deep(tmp_path):
    leaf = Irep(nlocals=1, nregs=1, iseq=bytes([OPS.number("STOP")]))
    for _ in range(MAX_IREP_DEPTH + 5):
        leaf = Irep(nlocals=1, nregs=1, iseq=bytes([OPS.number("STOP")]), reps=[leaf])
    path = tmp_path / "deep.mrb"
    path.write_bytes(riteload.build(RiteFile(RiteHeader(), leaf)))
    return path


# --------------------------------------------------------------------- info --json

@pytest.mark.parametrize("release", ["3.0.0", "3.1.0", "4.0.0"])
def test_info_json_has_the_facts_of_the_text(release, capsys):
    path = VERSIONS / release / "v01_calls.g.mrb"
    assert main(["info", "--json", str(path)]) == 0
    facts = json.loads(capsys.readouterr().out)
    rite = riteload.load(str(path), check=False)
    ireps = list(rite.ireps())
    assert facts["file"] == str(path)
    assert facts["format"] == f"RITE{rite.format_version}"
    assert facts["binary_size"] == path.stat().st_size
    assert facts["compiler"] == {"name": "MATZ", "version": "0000"}
    assert [s["ident"] for s in facts["sections"]] == ["IREP", "DBG", "LVAR", "END"]
    assert facts["sections"][0]["offset"] == 0x14
    assert sum(s["size"] for s in facts["sections"]) + 0x14 == facts["binary_size"]
    assert facts["ireps"] == len(ireps) == 11
    assert facts["iseq_bytes"] == sum(len(i.iseq) for i in ireps)
    assert facts["symbols"] == sum(len(i.syms) for i in ireps)
    assert facts["max_nregs"] == max(i.nregs for i in ireps)
    assert facts["debug_files"] == ["v01_calls.rb"]
    assert facts["lvar_names"] == len(rite.lvar_syms)
    # the text is the same facts laid out
    text = format_info(rite)
    assert f"binary size:      {facts['binary_size']}\n" in text
    assert f"instructions:     {facts['iseq_bytes']} bytes of iseq\n" in text
    assert "releases" not in text and ", ".join(facts["releases"]) in text


def test_info_json_without_debug(capsys):
    assert main(["info", "--json", str(VERSIONS / "3.1.0" / "v01_calls.mrb")]) == 0
    facts = json.loads(capsys.readouterr().out)
    assert facts["debug_files"] is None and facts["lvar_names"] == 5
    assert facts["releases"] == ["3.1", "3.2", "3.3", "3.4"]


def test_info_json_bad_file_is_one_line(truncated):
    r = _run("info", "--json", str(truncated))
    assert r.returncode == 1 and r.stdout == ""
    assert r.stderr.count("\n") == 1 and r.stderr.startswith(f"riteload: {truncated}, ")


# ------------------------------------------------------------- verify --json, one file

def test_verify_json_ok(capsys):
    assert main(["verify", "--json", str(HELLO)]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result == {"file": str(HELLO), "ok": True, "format": "RITE0300", "ireps": 1,
                      "checks": list(RULES), "error": None}


def test_verify_json_failure(bad_register, capsys):
    assert main(["verify", "--json", str(bad_register)]) == 1
    out, err = capsys.readouterr()
    assert err == ""                    # the failure is in the document
    result = json.loads(out)
    assert result["ok"] is False and result["checks"] == list(RULES)
    assert result["error"] == {
        "kind": "VerifyError", "rule": "registers", "section": "IREP", "irep": "root",
        "irep_path": [], "offset": None, "pc": 0,
        "message": "LOADI_1 uses register R9, nregs is 3",
        "line": f"{bad_register}, irep root, pc 0: LOADI_1 uses register R9, nregs is 3"}


@pytest.mark.parametrize("code,rule,pc", [
    ((("LOADI_1", 1), ("JMP", 0, 9), ("STOP",)), "jumps", 2),
    ((("LOADI_1", 1),), "fall-through", 0),
    ((("LOADI_1", 1), (0xFE,)), "decode", 2),
])
def test_verify_json_rules(tmp_path, capsys, code, rule, pc):
    iseq = bytes(b for name, *operands in code
                 for b in ((OPS.number(name) if isinstance(name, str) else name), *operands))
    path = tmp_path / f"{rule}.mrb"
    path.write_bytes(riteload.build(RiteFile(RiteHeader(), Irep(nlocals=1, nregs=3,
                                                                 iseq=iseq))))
    assert main(["verify", "--json", str(path)]) == 1
    err = json.loads(capsys.readouterr().out)["error"]
    assert (err["rule"], err["pc"], err["irep"]) == (rule, pc, "root"), err
    assert rule in RULES


def test_verify_json_parse_failure(truncated, capsys):
    assert main(["verify", "--json", str(truncated)]) == 1
    result = json.loads(capsys.readouterr().out)
    assert result["ok"] is False and result["checks"] == []    # the verifier never ran
    assert result["format"] is None and result["ireps"] is None
    err = result["error"]
    assert (err["kind"], err["rule"], err["section"], err["offset"]) == (
        "ParseError", "parse", "header", 8)


def test_verify_json_missing_file(capsys):
    assert main(["verify", "--json", "/nonexistent/x.mrb"]) == 1
    err = json.loads(capsys.readouterr().out)["error"]
    assert (err["kind"], err["rule"]) == ("RiteError", "read")
    assert err["message"].startswith("cannot read file")


def test_deep_nesting_named_by_depth_and_ends(too_deep, capsys):
    depth = MAX_IREP_DEPTH + 1
    assert main(["verify", "--json", str(too_deep)]) == 1
    err = json.loads(capsys.readouterr().out)["error"]
    assert err["irep"] == f"0.0.0...0.0.0 (depth {depth})"
    assert len(err["irep_path"]) == depth
    assert "nested deeper than 256" in err["message"] and len(err["line"]) < 200
    for command in ("verify", "info", "disasm"):
        r = _run(command, str(too_deep))
        assert r.returncode == 1 and r.stdout == ""
        assert r.stderr == (f"riteload: {too_deep}, section IREP, irep 0.0.0...0.0.0 "
                            f"(depth {depth}), offset {err['offset']:#x}: ireps nested deeper "
                            f"than {MAX_IREP_DEPTH}, the most riteload accepts\n")


# --------------------------------------------------------------- several files

def test_verify_batch_text(bad_register, truncated):
    files = [str(HELLO), str(bad_register), str(VERSIONS / "3.0.0" / "v02_blocks.mrb"),
             str(truncated), "/nonexistent/x.mrb"]
    r = _run("verify", "-j", "2", *files)
    assert r.returncode == 1 and r.stderr == ""
    lines = r.stdout.splitlines()
    assert lines == [
        f"{HELLO}: OK (RITE0300, 1 ireps)",
        f"{bad_register}: FAIL (registers): irep root, pc 0: LOADI_1 uses register R9, "
        "nregs is 3",
        f"{files[2]}: OK (RITE0200, {sum(1 for _ in riteload.load(files[2]).ireps())} ireps)",
        f"{truncated}: FAIL (parse): section header, offset 0x8: binary_size "
        f"{(VERSIONS / '3.1.0' / 'v01_calls.mrb').stat().st_size} does not match the file "
        "size 100",
        "/nonexistent/x.mrb: FAIL (read): cannot read file: No such file or directory",
        "5 files: 2 OK, 3 failed",
    ]
    # in this process, the same lines
    assert _run("verify", "-j", "1", *files).stdout == r.stdout


def test_verify_batch_all_ok():
    files = sorted(str(p) for p in (VERSIONS / "3.1.0").glob("*.mrb"))
    assert len(files) > 4
    r = _run("verify", "--jobs", "2", *files)
    assert r.returncode == 0 and r.stderr == ""
    lines = r.stdout.splitlines()
    assert [line.split(": OK (")[0] for line in lines[:-1]] == files
    assert lines[-1] == f"{len(files)} files: {len(files)} OK, 0 failed"


def test_verify_batch_json(bad_register):
    r = _run("verify", "--json", "-j", "2", str(HELLO), str(bad_register), str(HELLO))
    assert r.returncode == 1 and r.stderr == ""
    doc = json.loads(r.stdout)
    assert doc["summary"] == {"files": 3, "ok": 2, "failed": 1}
    assert [f["file"] for f in doc["files"]] == [str(HELLO), str(bad_register), str(HELLO)]
    assert [f["ok"] for f in doc["files"]] == [True, False, True]
    assert doc["files"][1]["error"]["rule"] == "registers"


def test_verify_jobs_must_be_positive():
    r = _run("verify", "-j", "0", str(HELLO))
    assert r.returncode == 2 and "must be at least 1" in r.stderr


def test_help_names_the_new_options():
    for command in ("info", "verify"):
        r = _run(command, "--help")
        assert r.returncode == 0 and "--json" in r.stdout
    assert "--jobs" in _run("verify", "--help").stdout


# ------------------------------------------------------------------ messages

def test_translate_raw_to_a_missing_folder_fails_first(tmp_path):
    out = tmp_path / "no" / "such" / "x.bin"
    for args in (("--raw", str(out), str(HELLO)), (str(HELLO), "--raw", str(out))):
        r = _run("translate", *args)
        assert r.returncode == 1
        assert r.stdout == ""           # before any of the listing
        assert r.stderr == f"riteload: {out}: cannot write the code: No such file or directory\n"
