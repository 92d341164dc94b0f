"""riteload.format: round trips, known values, one test per declaration, errors."""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import time
from pathlib import Path

import pytest
from construct import ConstructError, SizeofError

from fixture_cases import sampled
from riteload import format as fmt
from riteload.errors import ParseError, RiteError
from riteload.format import build_rite, parse_rite
from riteload.model import CatchHandler, DebugFile, Irep, IrepDebug, PoolValue, RiteFile, RiteHeader

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
VERSIONS = FIXTURES / "versions"
SHARED = ROOT.parent / "shared" / "mrb"          # CI: ../shared beside the repo


def _all_mrb() -> list[Path]:
    files = sorted(FIXTURES.rglob("*.mrb"))
    if SHARED.is_dir():
        files += sorted(SHARED.rglob("*.mrb"))
    return files


ALL_MRB = _all_mrb()
RELEASE_MRB = sorted(p for p in VERSIONS.glob("[0-9]*/*.mrb"))


def _id(p: Path) -> str:
    try:
        return str(p.relative_to(ROOT))
    except ValueError:
        return str(p)


def test_fixtures_are_there():
    # the shared files of every release are copied into fixtures/versions
    for release in ("3.0.0", "3.1.0", "3.4.0", "4.0.0"):
        assert list((VERSIONS / release).glob("*.mrb")), release
    assert len(ALL_MRB) >= 40


# ---------------------------------------------------------------------------
# Round trips

@pytest.mark.parametrize("path", sampled(ALL_MRB), ids=_id)
def test_round_trip_byte_identical(path):
    data = path.read_bytes()
    rite = parse_rite(data, str(path))
    assert build_rite(rite) == data


@pytest.mark.parametrize("path", sampled(ALL_MRB), ids=_id)
def test_round_trip_after_edit_recomputes_sizes(path):
    """Growing a symbol changes the record, section and binary sizes: build recomputes them."""
    rite = parse_rite(path.read_bytes(), str(path))
    irep = next(i for i in rite.ireps() if any(s is not None for s in i.syms))
    k = next(k for k, s in enumerate(irep.syms) if s is not None)
    irep.syms[k] = irep.syms[k] + "_longer_name"
    again = parse_rite(build_rite(rite))
    assert [i.syms for i in again.ireps()] == [i.syms for i in rite.ireps()]
    assert again.header.size == len(build_rite(rite))


@pytest.mark.parametrize("path", RELEASE_MRB, ids=_id)
def test_format_version_reaches_every_irep(path):
    rite = parse_rite(path.read_bytes(), str(path))
    want = {"3.0.0": "0200", "3.1.0": "0300", "3.4.0": "0300", "4.0.0": "0400"}[path.parent.name]
    assert rite.format_version == want
    assert {i.format_version for i in rite.ireps()} == {want}
    for irep in rite.ireps():
        assert irep.instructions            # the decoder picks the right table
    paths = [i.path for i in rite.ireps()]
    assert paths[0] == () and len(set(paths)) == len(paths)


# ---------------------------------------------------------------------------
# Known values, from the listings mruby printed of the same files

_HEAD_RE = re.compile(r"^irep 0x[0-9a-f]+ nregs=(\d+) nlocals=(\d+) pools=(\d+) syms=(\d+) "
                      r"reps=(\d+) (?:ilen|iseq)=(\d+)")
_CATCH_RE = re.compile(r"^catch type: (\w+)\s+begin: (\d+) end: (\d+) target: (\d+)")
_LVAR_RE = re.compile(r"^  R(\d+):(.*)$")


def _listing_facts(text: str):
    """Per irep, in the listing's (depth-first) order: header numbers, catch
    handlers and local variable names."""
    ireps = []
    in_lvars = False
    for line in text.splitlines():
        m = _HEAD_RE.match(line)
        if m:
            ireps.append({"head": tuple(map(int, m.groups())), "catch": [], "lvars": {}})
            in_lvars = False
            continue
        if not ireps:
            continue
        if line.startswith("local variable names:"):
            in_lvars = True
            continue
        m = _LVAR_RE.match(line) if in_lvars else None
        if m:
            ireps[-1]["lvars"][int(m.group(1))] = m.group(2)
            continue
        in_lvars = False
        m = _CATCH_RE.match(line)
        if m:
            ireps[-1]["catch"].append((m.group(1), int(m.group(2)), int(m.group(3)),
                                       int(m.group(4))))
    return ireps


LISTED = sorted(p for p in VERSIONS.glob("[0-9]*/*.mrb") if p.with_suffix(".disasm").exists())


@pytest.mark.parametrize("path", LISTED, ids=_id)
def test_parse_matches_mruby_listing(path):
    facts = _listing_facts(path.with_suffix(".disasm").read_text())
    rite = parse_rite(path.read_bytes(), str(path))
    ireps = list(rite.ireps())
    assert len(ireps) == len(facts)
    for irep, fact in zip(ireps, facts):
        head = (irep.nregs, irep.nlocals, len(irep.pool), len(irep.syms), len(irep.reps),
                len(irep.iseq))
        assert head == fact["head"], irep.path_name
        kinds = {0: "rescue", 1: "ensure"}
        got = [(kinds[h.type], h.begin, h.end, h.target) for h in irep.handlers]
        if fact["catch"]:
            assert got == fact["catch"], irep.path_name
        if fact["lvars"]:
            for reg, name in fact["lvars"].items():
                assert irep.lvars[reg - 1] == name, irep.path_name


def _load(rel: str):
    return parse_rite((VERSIONS / rel).read_bytes(), rel)


def test_known_pool_and_syms_3_1():
    rite = _load("3.1.0/v04_numbers.mrb")
    pool = rite.irep.pool
    assert [p.tag for p in pool] == ["float", "float", "float", "int64", "int64", "int64",
                                     "str", "str", "float", "float"]
    assert pool[0].value == 10.0 and pool[1].value == 1e20
    assert pool[5] == PoolValue("int64", 9223372036854775807)
    assert pool[6] == PoolValue("str", b"overflow ")
    assert pool[9].value == -3.5
    assert rite.irep.syms == ["**", "p", "StandardError", "$!", "class", "to_s", "to_i",
                              "round", "divmod"]
    assert rite.irep.lvars == ["big"] and rite.lvar_syms == ["big"]
    assert rite.irep.handlers == [CatchHandler(0, 54, 61, 64)]
    assert rite.debug_filenames is None and rite.irep.debug is None


def test_known_bigint_4_0():
    pool = _load("4.0.0/v04_numbers.mrb").irep.pool
    big = [p for p in pool if p.tag == "bigint"]
    assert big[0].value == b"\x13\x0a4611686018427387903"      # [len][base][digits]
    assert not big[0].terminated


def test_bigint_3_1_keeps_its_nul():
    rite = _load("extra/3.1.0/bigint_args.mrb")
    big = [p for p in rite.irep.pool if p.tag == "bigint"]
    assert big and all(p.terminated for p in big)
    assert big[0].value == b"\x1e\x0a123456789012345678901234567890"


def test_debug_info_packed_3_1():
    rite = _load("3.1.0/v04_numbers.g.mrb")
    assert rite.debug_filenames == ["v04_numbers.rb"]
    f = rite.irep.debug.files[0]
    assert f.line_type == "packed" and f.filename == "v04_numbers.rb"
    assert f.lines[:3] == [(0, 2), (40, 3), (47, 4)]
    assert rite.irep.debug.location(0) == ("v04_numbers.rb", 2)
    assert rite.irep.debug.location(43) == ("v04_numbers.rb", 3)
    assert f.line_at(99) == 6


def test_debug_info_ary_3_0():
    rite = _load("3.0.0/v04_numbers.g.mrb")
    f = rite.irep.debug.files[0]
    assert f.line_type == "ary"
    assert len(f.lines) == len(rite.irep.iseq)
    assert rite.irep.debug.location(0) == ("v04_numbers.rb", 2)


def test_sections_recorded():
    rite = _load("3.1.0/v01_calls.g.mrb")
    assert [s.ident for s in rite.sections] == ["IREP", "DBG", "LVAR", "END"]
    assert rite.sections[0].offset == 20
    assert sum(s.size for s in rite.sections) + 20 == rite.header.size


# ---------------------------------------------------------------------------
# One test per declaration: parse, build and size agree (construct's common())

def _matches(parsed, want) -> bool:
    """``parsed`` holds every key of ``want`` (recursively) with the same value."""
    if isinstance(want, dict):
        return all(k in parsed and _matches(parsed[k], v) for k, v in want.items())
    if isinstance(want, list):
        return len(parsed) == len(want) and all(_matches(p, w) for p, w in zip(parsed, want))
    return parsed == want


def _common(con, data: bytes, obj: dict, **params):
    parsed = con.parse(data, **params)
    assert _matches(parsed, obj), parsed
    assert con.build(obj, **params) == data
    try:
        size = con.sizeof(**params)
    except SizeofError:     # variable-size declarations have no static size
        return
    assert size == len(data)


def test_rite_binary_header():
    data = b"RITE0300" + struct.pack(">I", 100) + b"MATZ0000"
    _common(fmt.rite_binary_header, data, {"major_version": b"03", "minor_version": b"00",
                                           "binary_size": 100, "compiler_name": b"MATZ",
                                           "compiler_version": b"0000"})


def test_rite_section_headers():
    _common(fmt.rite_section_header, b"LVAR\x00\x00\x00\x10",
            {"section_ident": b"LVAR", "section_size": 16})
    _common(fmt.rite_section_irep_header, b"IREP\x00\x00\x01\x00" + b"0300",
            {"section_size": 256, "rite_version": b"0300"})
    _common(fmt.rite_binary_footer, b"END\x00\x00\x00\x00\x08", {})


def test_irep_record_headers():
    _common(fmt.irep_record_header, bytes.fromhex("00000020 0002 0005 0001 0000 00000010"),
            {"record_size": 32, "nlocals": 2, "nregs": 5, "rlen": 1, "clen": 0, "ilen": 16})
    _common(fmt.irep_record_header_0200, bytes.fromhex("00000020 0002 0005 0001 0000 0010"),
            {"record_size": 32, "nlocals": 2, "nregs": 5, "rlen": 1, "clen": 0, "ilen": 16})


def test_catch_handler():
    _common(fmt.mrb_irep_catch_handler, bytes.fromhex("01 00000004 00000008 0000000c"),
            {"type": 1, "begin": 4, "end": 8, "target": 12})


@pytest.mark.parametrize("con,data,value", [
    (fmt.pool_entry, b"\x00\x00\x03abc\x00", {"tt": 0, "value": {"len": 3, "data": b"abc"}}),
    (fmt.pool_entry, b"\x01\xff\xff\xff\xfe", {"tt": 1, "value": {"value": -2}}),
    (fmt.pool_entry, b"\x03\x40\x00\x00\x00\x00\x00\x00\x00",
     {"tt": 3, "value": {"value": 1 << 62}}),
    (fmt.pool_entry, b"\x05" + struct.pack("<d", 1.5), {"tt": 5, "value": {"value": 1.5}}),
    (fmt.pool_entry, b"\x07\x02\x0a12", {"tt": 7, "value": {"len": 2, "data": b"\x0a12"}}),
    (fmt.pool_entry_bigint_nul, b"\x07\x02\x0a12\x00",
     {"tt": 7, "value": {"len": 2, "data": b"\x0a12"}}),
])
def test_pool_entries(con, data, value):
    _common(con, data, value)


def test_pool_entry_0200_has_no_bigint():
    with pytest.raises(ConstructError, match="unknown pool tag 7"):
        fmt.pool_entry_0200.parse(b"\x07\x02\x0a12")


def test_irep_sym_and_null_symbol():
    _common(fmt.irep_sym, b"\x00\x03foo\x00", {"len": 3, "name": b"foo"})
    _common(fmt.irep_sym, b"\xff\xff", {"len": 0xFFFF, "name": None})


def test_irep_record_body():
    data = (b"\x10\x01" + bytes.fromhex("00 00000000 00000002 00000002")   # iseq, 1 handler
            + b"\x00\x01" + b"\x01\x00\x00\x00\x07"                        # pool: int32 7
            + b"\x00\x02" + b"\x00\x01p\x00" + b"\xff\xff")                 # syms: p, null
    parsed = fmt.irep_record_body.parse(data, ilen=2, clen=1)
    assert parsed.iseq == b"\x10\x01" and parsed.handlers[0].target == 2
    assert parsed.pool[0].value.value == 7 and parsed.syms[1].name is None
    assert fmt.irep_record_body.build(parsed, ilen=2, clen=1) == data


def test_debug_declarations():
    _common(fmt.debug_filename_table, b"\x00\x01\x00\x04a.rb",
            {"filenames_len": 1, "filenames": [{"len": 4, "name": b"a.rb"}]})
    _common(fmt.mrb_irep_debug_info_line, b"\x00\x00\x00\x04\x00\x07", {"start_pos": 4, "line": 7})
    ary = b"\x00\x00\x00\x00" + b"\x00\x00" + b"\x00\x00\x00\x02" + b"\x00" + b"\x00\x01\x00\x02"
    head = {"start_pos": 0, "filename_idx": 0, "line_entry_count": 2}
    _common(fmt.mrb_irep_debug_info_file, ary, {**head, "line_type": 0, "lines": [1, 2]})
    flat = (b"\x00\x00\x00\x00" + b"\x00\x00" + b"\x00\x00\x00\x01" + b"\x01"
            + b"\x00\x00\x00\x00\x00\x05")
    parsed = fmt.mrb_irep_debug_info_file.parse(flat)
    assert parsed.lines[0].line == 5 and fmt.mrb_irep_debug_info_file.build(parsed) == flat
    packed = b"\x00\x00\x00\x00" + b"\x00\x00" + b"\x00\x00\x00\x02" + b"\x02" + b"\x00\x02"
    _common(fmt.mrb_irep_debug_info_file, packed, {**head, "line_type": 2, "lines": b"\x00\x02"})
    rec = b"\x00\x00\x00\x06\x00\x00"
    _common(fmt.mrb_irep_debug_info, rec, {"record_size": 6, "flen": 0, "files": []})


def test_lvar_declarations():
    _common(fmt.lv_sym_table, b"\x00\x00\x00\x02\x00\x01a\x00\x02bc",
            {"syms_len": 2, "syms": [{"len": 1, "name": b"a"}, {"len": 2, "name": b"bc"}]})
    _common(fmt.lv_record, b"\x00\x01\xff\xff", {"lv": [1, 0xFFFF]}, count=2)


def test_packed_line_map_codec():
    pairs = [(0, 2), (40, 3), (47, 1), (300, 70000)]
    raw = fmt.encode_packed_lines(pairs)
    assert fmt.decode_packed_lines(raw) == pairs
    assert fmt.decode_packed_lines(raw[:-1]) == pairs[:-1]   # truncated tail ignored


# ---------------------------------------------------------------------------
# Building from scratch

def _tiny(version="0300", **irep_kw) -> RiteFile:
    """A one-irep file whose iseq is a single NOP (parsing does not care)."""
    irep = Irep(nlocals=1, nregs=2, iseq=b"\x00", format_version=version, **irep_kw)
    return RiteFile(header=RiteHeader(format_version=version), irep=irep,
                    irep_section_version=version)


@pytest.mark.parametrize("version", ["0200", "0300", "0400"])
def test_build_from_scratch_and_parse_back(version):
    child = Irep(nlocals=2, nregs=3, iseq=b"\x00", syms=["x", None], lvars=["a"],
                 pool=[PoolValue("str", b"hi"), PoolValue("int32", -5),
                       PoolValue("int64", 1 << 40), PoolValue("float", 0.25)],
                 handlers=[CatchHandler(1, 0, 1, 0)], format_version=version)
    rite = _tiny(version, reps=[child], lvars=[])
    data = build_rite(rite)
    assert data[:8] == b"RITE" + version.encode()
    back = parse_rite(data)
    assert back.irep.reps[0].pool == child.pool
    assert back.irep.reps[0].syms == ["x", None]
    assert back.irep.reps[0].lvars == ["a"] and back.lvar_syms == ["a"]
    assert back.irep.reps[0].path == (0,)
    assert build_rite(back) == data


def test_build_debug_sections_in_each_encoding():
    rite = _tiny()
    rite.irep.debug = IrepDebug(pc_count=3, files=[
        DebugFile(0, "a.rb", "packed", [(0, 1), (2, 5)]),
    ])
    back = parse_rite(build_rite(rite))
    assert back.debug_filenames == ["a.rb"]
    assert back.irep.debug.files[0].lines == [(0, 1), (2, 5)]
    assert back.irep.debug.location(2) == ("a.rb", 5)
    for line_type, lines in (("ary", [1, 1, 5]), ("flat", [(0, 1), (2, 5)])):
        rite.irep.debug.files = [DebugFile(0, "b.rb", line_type, lines)]
        back = parse_rite(build_rite(rite))
        assert back.irep.debug.files[0].line_type == line_type
        assert back.irep.debug.location(2) == ("b.rb", 5)


def test_edited_packed_lines_are_reencoded():
    rite = _load("3.1.0/v04_numbers.g.mrb")
    f = rite.irep.debug.files[0]
    f.lines = [(0, 9)] + f.lines[1:]
    back = parse_rite(build_rite(rite))
    assert back.irep.debug.files[0].lines[0] == (0, 9)


# ---------------------------------------------------------------------------
# Errors name the file, section, irep and offset; hostile input fails fast

def _bytes(rel: str) -> bytearray:
    return bytearray((VERSIONS / rel).read_bytes())


def test_truncated_file_names_header():
    data = _bytes("3.1.0/v01_calls.mrb")[:300]
    with pytest.raises(ParseError) as e:
        parse_rite(bytes(data), "cut.mrb")
    assert e.value.filename == "cut.mrb" and "binary_size" in str(e.value)
    with pytest.raises(ParseError, match="too short"):
        parse_rite(b"RITE", "x")


def test_truncated_section_names_section_and_irep():
    data = _bytes("3.1.0/v01_calls.mrb")
    # cut inside the IREP section but keep the sizes consistent with the file
    cut = data[:200]
    cut[8:12] = struct.pack(">I", len(cut))
    cut[24:28] = struct.pack(">I", len(cut) - 20)
    with pytest.raises(ParseError) as e:
        parse_rite(bytes(cut), "cut.mrb")
    assert e.value.section == "IREP"
    assert e.value.irep_path is not None and e.value.offset is not None
    assert "section IREP" in str(e.value) and "offset 0x" in str(e.value)


def test_bad_magic_and_version():
    data = _bytes("3.1.0/v01_calls.mrb")
    bad = bytearray(data)
    bad[0:4] = b"RITF"
    with pytest.raises(ParseError, match="binary_ident"):
        parse_rite(bytes(bad))
    bad = bytearray(data)
    bad[4:8] = b"0100"
    with pytest.raises(ParseError, match="unsupported format version"):
        parse_rite(bytes(bad))


def test_unknown_section_and_missing_end():
    data = _bytes("3.1.0/v01_calls.g.mrb")
    rite = parse_rite(bytes(data))
    dbg = next(s for s in rite.sections if s.ident == "DBG")
    bad = bytearray(data)
    bad[dbg.offset:dbg.offset + 4] = b"XYZW"
    with pytest.raises(ParseError, match="unknown section") as e:
        parse_rite(bytes(bad))
    assert e.value.offset == dbg.offset
    no_end = bytearray(data[:-8])
    no_end[8:12] = struct.pack(">I", len(no_end))
    with pytest.raises(ParseError, match="no END"):
        parse_rite(bytes(no_end))


def test_bad_pool_tag_names_irep():
    rite = _tiny(pool=[PoolValue("int32", 1)])
    data = bytearray(build_rite(rite))
    pos = data.index(b"\x00\x01\x01\x00\x00\x00\x01")      # plen 1, tag INT32, 1
    data[pos + 2] = 9
    with pytest.raises(ParseError, match="unknown pool tag 9") as e:
        parse_rite(bytes(data), "p.mrb")
    assert e.value.irep_path == () and e.value.section == "IREP"


def test_record_size_checked():
    data = bytearray(build_rite(_tiny()))
    data[32:36] = struct.pack(">I", 99)        # the root irep's record_size
    with pytest.raises(ParseError, match="record_size 99"):
        parse_rite(bytes(data))


@pytest.mark.parametrize("field", ["rlen", "clen", "ilen", "plen", "slen"])
def test_huge_counts_fail_fast(field):
    rite = _tiny(syms=["a"], pool=[PoolValue("int32", 1)])
    data = bytearray(build_rite(rite))
    base = 32      # header 20 + irep section header 12
    offsets = {"rlen": base + 8, "clen": base + 10, "ilen": base + 12,
               "plen": base + 16 + 1, "slen": base + 16 + 1 + 2 + 5}
    off = offsets[field]
    width = 4 if field == "ilen" else 2
    data[off:off + width] = b"\xff" * width
    t = time.perf_counter()
    with pytest.raises(ParseError):
        parse_rite(bytes(data))
    assert time.perf_counter() - t < 0.5


def test_huge_debug_and_lvar_counts_fail_fast():
    data = _bytes("3.1.0/v01_calls.g.mrb")
    rite = parse_rite(bytes(data))
    for ident, rel in (("DBG", 8), ("LVAR", 8)):
        sec = next(s for s in rite.sections if s.ident == ident)
        bad = bytearray(data)
        bad[sec.offset + rel:sec.offset + rel + 4] = b"\xff\xff\xff\xff"
        t = time.perf_counter()
        with pytest.raises(ParseError) as e:
            parse_rite(bytes(bad))
        assert e.value.section == ident
        assert time.perf_counter() - t < 0.5


def test_section_size_beyond_file():
    data = _bytes("3.1.0/v01_calls.mrb")
    data[24:28] = b"\x7f\xff\xff\xff"
    with pytest.raises(ParseError, match="section size") as e:
        parse_rite(bytes(data))
    assert e.value.offset == 24


def test_nesting_depth_capped():
    version = "0300"
    leaf = Irep(nlocals=1, nregs=1, iseq=b"\x00", format_version=version)
    for _ in range(fmt.MAX_IREP_DEPTH + 5):
        leaf = Irep(nlocals=1, nregs=1, iseq=b"\x00", reps=[leaf], format_version=version)
    rite = RiteFile(header=RiteHeader(format_version=version), irep=leaf)
    data = build_rite(rite)
    with pytest.raises(ParseError, match="nested deeper") as e:
        parse_rite(data, "deep.mrb")
    assert len(e.value.irep_path) == fmt.MAX_IREP_DEPTH + 1
    # one readable line: the depth and the first and last indexes, not the whole path
    text = str(e.value)
    assert f"irep 0.0.0...0.0.0 (depth {fmt.MAX_IREP_DEPTH + 1})" in text, text
    assert text.startswith("deep.mrb, ") and len(text) < 200, text


def test_errors_are_one_line():
    data = _bytes("3.1.0/v01_calls.mrb")
    data[30:31] = b"\n"
    data[8:12] = struct.pack(">I", len(data))
    try:
        parse_rite(bytes(data), "nl.mrb")
    except RiteError as e:
        assert "\n" not in str(e)


def test_lvar_with_nlocals_zero_rejected():
    rite = _tiny(lvars=[])
    rite.irep.nlocals = 0
    rite.irep.lvars = None
    rite.irep.reps = [Irep(nlocals=2, nregs=2, iseq=b"\x00", lvars=["x"])]
    data = build_rite(rite)
    with pytest.raises(ParseError, match="nlocals 0"):
        parse_rite(data)


# ---------------------------------------------------------------------------
# Live: files compiled now by the installed mrbc round-trip too

# without mrbc, the round trips of the recorded files above stand in
@pytest.mark.skipif(shutil.which("mrbc") is None, reason="mrbc not on PATH")
def test_live_mrbc_round_trip(tmp_path):
    src = tmp_path / "live.rb"
    src.write_text(
        "def m(a, b=2, *r, c:, d: 4, **k, &blk)\n"
        "  [a, b, r, c, d, k].each_with_index { |x, i| yield x, i if blk }\n"
        "rescue ArgumentError => e\n  p e\nensure\n  p 1.5, 2**70, -2**31, 'x' * 3\nend\n"
        "class A; def initialize; @x = {a: 1, 'b' => [1, 2.0]}; end; end\n"
        "m(1, c: 3) { |x, i| p [x, i] }\n")
    for flags in ([], ["-g"]):
        out = tmp_path / ("live%s.mrb" % "".join(flags))
        subprocess.run(["mrbc", *flags, "-o", str(out), str(src)], check=True)
        data = out.read_bytes()
        rite = parse_rite(data, str(out))
        assert build_rite(rite) == data
        assert (rite.irep.debug is not None) == bool(flags)
