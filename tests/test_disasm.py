"""riteload.disasm against the listings mruby itself printed.

Tiers (STYLE.md 9): the recorded listings of four mruby releases
(fixtures/versions), the project's programs recorded with mruby 3.1
(fixtures/mrb + fixtures/expected), a live comparison with the ``mruby``
on PATH, hand-built ireps for the opcodes no compiler emits, JSON and CLI.
Irep addresses (``0x...``) are masked on both sides.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import riteload
from fixture_cases import is_slow
from riteload.cli import main as cli_main
from riteload.disasm import DIALECTS, listing, listing_json, release_for, sym_dump
from riteload.model import (
    POOL_BIGINT,
    POOL_FLOAT,
    POOL_INT64,
    POOL_STR,
    CatchHandler,
    Irep,
    PoolValue,
    RiteFile,
    RiteHeader,
)
from riteload.opcodes import EXT_WIDENS, table_for

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
VERSIONS = FIXTURES / "versions"

# release folder under fixtures/versions -> listing dialect
VERSION_DIRS = {"3.0.0": "3.0", "3.1.0": "3.1", "3.4.0": "3.4", "4.0.0": "4.0"}

_ADDRESS = re.compile(r"0x[0-9a-f]+")


def mask(text: str) -> str:
    return _ADDRESS.sub("0x?", text)


def read_text(path: Path) -> str:
    return path.read_bytes().decode("utf-8", "surrogateescape")


def load(path: Path) -> RiteFile:
    return riteload.parse(path.read_bytes(), filename=str(path))


def assert_same_listing(got: str, expected: str) -> None:
    got, expected = mask(got), mask(expected)
    if got != expected:
        got_lines, exp_lines = got.splitlines(True), expected.splitlines(True)
        for n, (g, e) in enumerate(zip(got_lines, exp_lines), 1):
            if g != e:
                pytest.fail(f"first difference at line {n}:\n  mruby:    {e!r}\n"
                            f"  riteload: {g!r}")
        pytest.fail(f"mruby printed {len(exp_lines)} lines, riteload {len(got_lines)}")


# ---------------------------------------------------------------------------
# Recorded listings of mruby 3.0.0, 3.1.0, 3.4.0 and 4.0.0

def _version_cases():
    cases = []
    for folder, release in VERSION_DIRS.items():
        for mrb in sorted((VERSIONS / folder).glob("*.mrb")):
            cases.append(pytest.param(mrb, release, id=f"{folder}/{mrb.name}"))
    return cases


def test_version_fixtures_present():
    for folder in VERSION_DIRS:
        files = list((VERSIONS / folder).glob("*.mrb"))
        assert files, f"no .mrb files in {VERSIONS / folder}"
        for mrb in files:
            assert mrb.with_suffix(".disasm").exists(), f"{mrb} has no recorded listing"


@pytest.mark.parametrize("mrb, release", _version_cases())
def test_recorded_listing(mrb: Path, release: str):
    rite = load(mrb)
    assert release_for(rite.format_version, release) == release
    assert_same_listing(listing(rite, release=release), read_text(mrb.with_suffix(".disasm")))


def test_rite0300_listing_depends_on_release():
    mrb = VERSIONS / "3.4.0" / "v01_calls.mrb"
    rite = load(mrb)
    assert listing(rite, release="3.1") != listing(rite, release="3.4")
    # a release that does not write the format falls back to the one that does
    rite30 = load(VERSIONS / "3.0.0" / "v01_calls.mrb")
    assert listing(rite30, release="3.4") == listing(rite30)


# ---------------------------------------------------------------------------
# The project's programs, recorded with mruby 3.1

def _program_cases():
    return [pytest.param(m, id=m.name, marks=[pytest.mark.slow] if is_slow(m.name) else [])
            for m in sorted((FIXTURES / "mrb").glob("*.mrb"))]


def test_program_fixtures_present():
    mrbs = list((FIXTURES / "mrb").glob("*.mrb"))
    assert mrbs, "fixtures/programs exists but fixtures/mrb holds no .mrb"
    missing = [m.name for m in mrbs if not (FIXTURES / "expected" / (m.stem + ".disasm")).exists()]
    assert not missing, f"no fixtures/expected/NAME.disasm for {missing}"


@pytest.mark.parametrize("mrb", _program_cases())
def test_program_listing(mrb: Path):
    expected = FIXTURES / "expected" / (mrb.stem + ".disasm")
    assert expected.exists(), f"{expected} missing"
    assert_same_listing(listing(load(mrb), release="3.1"), read_text(expected))


# ---------------------------------------------------------------------------
# Live: compile snippets with mrbc and compare with `mruby -v -b`

SNIPPETS = {
    "values": """\
a = 1.5; b = 2**40; c = -3; d = 300; e = 100000; f = -100000; g = -1
h = 12345678901234567890; k = -0.0
$g = a; x = $g; z = nil; t = true; u = false
class Foo; @@cv = 1; def m; @iv = @@cv; @iv; end; end
Foo::Bar = 3; p Foo::Bar; X = 7; Y = ::X
arr = [1, 2, *[3]]; arr[0] = arr[1]; arr << 4; q, *r = arr; s, (v, w) = 1, [2, 3]
a2, *b2 = 1, 2, 3
hh = {a: 1, "b" => 2, **{c: 3}}; hh[:x] = 5; h2 = {a: 1, **hh, b: 2}
str = "x#{a}y"; sy = :"s#{a}"; sym2 = :"a b"; ss = %s{q q}
obj = nil; obj&.foo
def r(x, y); a = (x..y); b = (x...y)
  [a, b, x + y, x - y, x * y, x / y, x < y, x <= y, x > y, x >= y, x == y]; end
p r(1, 2), %i[a b c], %I[a#{1} b]
""",
    "calls": """\
def kw(a, b = 2, *c, d, e:, f: 6, **g, &h); yield 1; h.call; super; end
def kw2(a:, b: 1); a; end
def zs(*); super; end
def g; return *[1, 2]; end
m = ->(k) { k + 1 }; m.(2)
c = 0; [1].each { c += 1; d = c; [2].each { c = d + 7 } }
[1].each { |i| next i; break 2 }
[1].each do |i| return i end
p(*[1], &m); p(1, 2, x: 3); kw(1, 2, e: 3)
alias foo2 kw2; alias old_p p; alias foobarbaz kw; alias qq7 foobarbaz; alias :"a b" kw
undef qq7
class << self; def sm; end; end
module Mo; end
""",
    "errors": """\
def risky(n)
  raise ArgumentError, "bad #{n}" if n % 2 == 1
  n * 2
ensure
  puts "checked #{n}"
end
[2, 3].each do |n|
  begin
    p risky(n)
  rescue ArgumentError => e
    puts "rescued #{e.message}"
  else
    puts "fine"
  ensure
    puts "done"
  end
end
while true
  begin
    break
  ensure
    p 1
  end
end
x = (Integer("z") rescue -1)
begin; redo; rescue SyntaxError; end rescue nil
""",
    "symbols": """\
p :"x\\0y", :"\\u00e9", :+, :[]=, :a?, :$0, :@@x, :"9a", :"a-b", :"", :<=>, :!, :==,
  :===, :=~, :"=", :**, :"foo=", :"Foo=", :-@, :!~, :>>, :$1, :$_
p "a\\tb\\e\\x01\\x7f\\u00e9#\\{x}", "q\\"\\\\", "", "nul\\0byte", "\\xff\\xfe", :"\\xff"
""",
    # > 255 registers and symbols: EXT1, EXT2 and EXT3 prefixes
    "wide": "def big\n" + "".join(f"  v{i} = :s{i}\n" for i in range(250))
            + "  x = [" + ", ".join(f"v{i}" for i in range(250)) + ", "
            + ", ".join(f":t{i}" for i in range(20)) + "]\n"
            + "  @w = 1.5\nend\n"
            + "y = [" + ", ".join(f"->{{ {i} }}" for i in range(270)) + "]\n",
}


def _live_release():
    if not (shutil.which("mruby") and shutil.which("mrbc")):
        return None
    out = subprocess.run(["mruby", "--version"], capture_output=True, text=True).stdout
    m = re.match(r"mruby (\d+)\.(\d+)", out)
    if not m:
        return None
    release = f"{m.group(1)}.{m.group(2)}"
    return release if release in DIALECTS else None


LIVE_RELEASE = _live_release()
# without them, the recorded listings above stand in (fixtures/versions, fixtures/expected)
live = pytest.mark.skipif(LIVE_RELEASE is None, reason="needs mruby and mrbc of a release "
                          "riteload lists (3.0, 3.1, 3.4, 4.0)")


def mruby_listing(mrb: Path) -> str:
    """`mruby -v -b` without its version line and without the program's stdout."""
    verbose = subprocess.run(["mruby", "-v", "-b", mrb.name], cwd=mrb.parent,
                             capture_output=True, timeout=60).stdout
    plain = subprocess.run(["mruby", "-b", mrb.name], cwd=mrb.parent,
                           capture_output=True, timeout=60).stdout
    first, _, rest = verbose.partition(b"\n")
    assert first.startswith(b"mruby "), first
    assert rest.endswith(plain), "program output differs between runs"
    return rest[:len(rest) - len(plain)].decode("utf-8", "surrogateescape")


@live
@pytest.mark.parametrize("debug", [False, True], ids=["plain", "g"])
@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_live_listing(tmp_path: Path, name: str, debug: bool):
    src = tmp_path / f"{name}.rb"
    src.write_text(SNIPPETS[name])
    mrb = tmp_path / f"{name}.mrb"
    cmd = ["mrbc"] + (["-g"] if debug else []) + ["-o", mrb.name, src.name]
    subprocess.run(cmd, cwd=tmp_path, check=True, capture_output=True, timeout=60)
    rite = load(mrb)
    assert_same_listing(listing(rite, release=LIVE_RELEASE), mruby_listing(mrb))
    if name == "wide":
        exts = {ins.ext for irep in rite.ireps() for ins in irep.instructions}
        assert {"EXT1", "EXT2", "EXT3"} <= exts


# ---------------------------------------------------------------------------
# Every opcode has a template; hand-built ireps for the ones compilers never emit

@pytest.mark.parametrize("release", sorted(DIALECTS))
def test_every_opcode_has_a_template(release: str):
    dialect = DIALECTS[release]
    names = {op.name for op in table_for(dialect.format_version)} - set(EXT_WIDENS)
    assert set(dialect.templates) == names


def _irep(version: str, code: list, **kw) -> Irep:
    """An irep from (opcode name, operand bytes...) rows, numbered by the table."""
    table = table_for(version)
    iseq = bytearray()
    for name, *operands in code:
        iseq.append(table.number(name))
        for v in operands:
            iseq += v if isinstance(v, bytes) else bytes([v])
    kw.setdefault("nlocals", 3)
    kw.setdefault("nregs", 8)
    return Irep(iseq=bytes(iseq), format_version=version, **kw)


def _rite(irep: Irep) -> RiteFile:
    return RiteFile(header=RiteHeader(format_version=irep.format_version), irep=irep)


def _rows(text: str) -> list[str]:
    return [line for line in text.splitlines(True) if re.match(r"^ {6}\d{3} ", line)]


HAND = [
    ("NOP",),
    ("CALL",),
    ("DEBUG", 1, 2, 3),
    ("GETSV", 1, 0),
    ("SETSV", 2, 0),
    ("ASET", 3, 1, 4),
    ("SEND", 4, 1, 0xFF),
    ("SUPER", 5, 0x21),
    ("LOADL", 1, 0),
    ("LOADL", 2, 1),
    ("LOADL", 6, 2),
    ("ERR", 3),
    ("ERR", 2),
    ("ENTER", b"\xff\xff\xff"),
    ("EXT2",), ("SEND", 6, b"\x01\x00", 0x12),
    ("JMP", b"\xff\xe0"),
    ("STOP",),
]
HAND_POOL = [PoolValue(POOL_BIGINT, b"\x03\x0a123"), PoolValue(POOL_FLOAT, -0.0),
             PoolValue(POOL_INT64, -(2**63)), PoolValue(POOL_STR, b"boom\0tail")]
HAND_SYMS = ["$~", "foo"] + [None] * 254 + ["far"]

HAND_31 = """\
      000 NOP
      001 CALL
      002 DEBUG\t\t1\t2\t3
      006 GETSV\t\tR1\t$~\t\t; R1:x
      009 SETSV\t\t$~\tR2\t\t;
      012 ASET\t\tR3\tR1\t4\t; R1:x
      016 SEND\t\tR4\t:foo\tn=*|nk=* (0xff)
      020 SUPER\t\tR5\tn=1|nk=2 (0x21)
      023 LOADL\t\tR1\tL(0)\t\t; R1:x
      026 LOADL\t\tR2\tL(1)\t; -0.000000\t;
      029 LOADL\t\tR6\tL(2)\t; -9223372036854775808
      032 ERR\t\tboom
      034 ERR\tL(2)
      036 ENTER\t\t31:31:1:31:31:1:1 (0xffffff)
      040 EXT2
      041 SEND\t\tR6\t:far\tn=2|nk=1 (0x12)
      046 JMP\t\t017
      049 STOP
"""


def test_hand_built_31():
    irep = _irep("0300", HAND, pool=HAND_POOL, syms=HAND_SYMS, lvars=["x", None])
    text = listing(_rite(irep), release="3.1")
    assert text.startswith("irep 0x")
    assert text.splitlines()[0].endswith("nregs=8 nlocals=3 pools=4 syms=257 reps=0 ilen=50")
    assert text.splitlines()[1:4] == ["local variable names:", "  R1:x", "  R2:"]
    assert "".join(_rows(text)) == HAND_31
    assert text.endswith("STOP\n\n")


def test_hand_built_34_and_40_differences():
    irep = _irep("0300", HAND, pool=HAND_POOL, syms=HAND_SYMS, lvars=["x", None])
    rows34 = _rows(listing(_rite(irep), release="3.4"))
    assert rows34[6] == "      016 SEND\t\tR4\t:foo\tn=*|nk=*\n"
    assert rows34[8] == "      023 LOADL\t\tR1\tL[0]\t\t; R1:x\n"
    assert rows34[12] == "      034 ERR\tL[2]\n"
    # 3.4 lists only the named locals
    assert "  R2:" not in listing(_rite(irep), release="3.4")

    code40 = [("LOADL", 1, 0), ("LOADL", 2, 1), ("SETSV", 2, 0), ("ASET", 3, 1, 4),
              ("ENTER", b"\xff\xff\xff"), ("RETNIL",)]
    irep40 = _irep("0400", code40, pool=HAND_POOL, syms=HAND_SYMS, lvars=["x", None])
    assert "".join(_rows(listing(_rite(irep40)))) == (
        "      000 LOADL\t\tR1\tL[0]\t; R1:x\n"
        "      003 LOADL\t\tR2\tL[1]\t; -0.000000\n"
        "      006 SETSV\t\t$~\tR2\n"
        "      009 ASET\t\tR3\tR1\t4\t; R1:x\n"
        "      013 ENTER\t\t31:31:1:31:31:1:1:1 (0xffffff)\n"
        "      017 RETNIL\n")


def test_rite0200_gaps_print_unknown_and_resync():
    # mruby 3.0's codedump has no case for EXEC16: it prints OP_unknown and
    # reads EXEC16's operand bytes (01 00 05) as opcodes: MOVE R0 R5
    table = table_for("0200")
    iseq = bytes([table.number("EXEC16"), 1, 0, 5, table.number("LOADNIL"), 2,
                  table.number("STOP")])
    irep = Irep(nlocals=1, nregs=6, iseq=iseq, format_version="0200")
    assert [i.name for i in irep.instructions] == ["EXEC16", "LOADNIL", "STOP"]
    assert "".join(_rows(listing(_rite(irep)))) == (
        "      000 OP_unknown (0x%x)\n" % table.number("EXEC16")
        + "      001 OP_MOVE\tR0\tR5\t\n"
        + "      004 OP_LOADNIL\tR2\t\t\n"
        + "      006 OP_STOP\n")


def test_catch_handler_lines():
    irep = _irep("0300", [("NOP",), ("STOP",)],
                 handlers=[CatchHandler(0, 0, 1, 1), CatchHandler(1, 0, 2, 1),
                           CatchHandler(7, 1, 2, 0)])
    lines = listing(_rite(irep)).splitlines()
    assert lines[1:4] == ["catch type: rescue   begin: 0000 end: 0001 target: 0001",
                          "catch type: ensure   begin: 0000 end: 0002 target: 0001",
                          "catch type: 0x07 <unknown> begin: 0001 end: 0002 target: 0000"]


@pytest.mark.parametrize("name, dumped", [
    ("foo", "foo"), ("Foo=", '"Foo="'), ("foo=", "foo="), ("a?", "a?"), ("+", "+"),
    ("[]=", "[]="), ("<=>", "<=>"), ("=", '"="'), ("$0", "$0"), ("$-w", "$-w"),
    ("@@x", "@@x"), ("9a", '"9a"'), ("", '""'), ("a b", '"a b"'), ("x\0y", '"x\\x00y"'),
    ("\u00e9", '"\\xc3\\xa9"'), ("#{", '"\\#{"'), ("a\tb", '"a\\tb"'), (None, "(null)"),
])
def test_sym_dump(name, dumped):
    assert sym_dump(name) == dumped


# ---------------------------------------------------------------------------
# JSON and the command line

def _instruction_rows(text: str) -> list[str]:
    """The instruction rows of a listing, EXT prefix rows left out."""
    rows = re.findall(r"^(?: {6}|[ \d-]{5} )\d{3,} (\S+)", text, flags=re.M)
    return [r for r in rows if r not in EXT_WIDENS]


@pytest.mark.parametrize("mrb, release", _version_cases())
def test_json_matches_listing(mrb: Path, release: str):
    rite = load(mrb)
    data = json.loads(json.dumps(listing_json(rite, release=release)))
    ireps = list(rite.ireps())
    assert len(data["ireps"]) == len(ireps)
    count = sum(len(i["instructions"]) for i in data["ireps"])
    assert count == sum(len(i.instructions) for i in ireps)
    assert count == len(_instruction_rows(listing(rite, release=release)))
    for irep, jirep in zip(ireps, data["ireps"]):
        assert jirep["path"] == list(irep.path)
        assert jirep["nregs"] == irep.nregs and jirep["nlocals"] == irep.nlocals
        assert len(jirep["pool"]) == len(irep.pool) and len(jirep["syms"]) == len(irep.syms)
        assert [i["name"] for i in jirep["instructions"]] == [i.name for i in irep.instructions]


def test_cli_disasm(capsys):
    mrb = VERSIONS / "3.1.0" / "v03_errors.g.mrb"
    assert cli_main(["disasm", str(mrb)]) == 0
    out = capsys.readouterr().out
    assert_same_listing(out, read_text(mrb.with_suffix(".disasm")))


def test_cli_disasm_listing_34(capsys):
    mrb = VERSIONS / "3.4.0" / "v02_blocks.g.mrb"
    assert cli_main(["disasm", "--listing", "3.4", str(mrb)]) == 0
    assert_same_listing(capsys.readouterr().out, read_text(mrb.with_suffix(".disasm")))


def test_cli_disasm_json(capsys):
    mrb = VERSIONS / "4.0.0" / "v06_pattern.g.mrb"
    assert cli_main(["disasm", "--json", str(mrb)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["header"]["format_version"] == "0400"
    rite = load(mrb)
    assert (sum(len(i["instructions"]) for i in data["ireps"])
            == sum(len(i.instructions) for i in rite.ireps()))
    first = data["ireps"][0]["instructions"][0]
    assert first["name"] == "TDEF" and first["line"] == 2 and first["file"] == "v06_pattern.rb"


def test_cli_entry_point():
    mrb = VERSIONS / "3.0.0" / "v02_blocks.mrb"
    proc = subprocess.run([sys.executable, "-m", "riteload", "disasm", str(mrb)],
                          capture_output=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert_same_listing(proc.stdout.decode("utf-8", "surrogateescape"),
                        read_text(mrb.with_suffix(".disasm")))
