"""riteload.versions (one record per format), riteload.symbol and riteload.debug."""

from __future__ import annotations

from pathlib import Path

import pytest

from riteload import load
from riteload.debug import (
    decode_packed_lines,
    encode_packed_lines,
    mrb_debug_get_filename,
    mrb_debug_get_line,
)
from riteload.disasm import DIALECTS, release_for
from riteload.info import format_info
from riteload.model import DebugFile, Irep, IrepDebug, RiteFile, RiteHeader
from riteload.opcodes import table_for
from riteload.symbol import symname_p
from riteload.versions import DEFAULT, TRANSLATED, VERSIONS, rite_version

VERSION_DIRS = Path(__file__).resolve().parents[1] / "fixtures" / "versions"


@pytest.mark.parametrize("spec", list(VERSIONS.values()), ids=list(VERSIONS))
def test_record_is_what_the_rest_reads(spec):
    assert rite_version(spec.version) is spec
    assert table_for(spec.version) is spec.opcodes
    assert spec.ident == "RITE" + spec.version and len(spec.version) == 4
    assert spec.ilen_size in (2, 4)
    assert spec.bigint_pool or not spec.bigint_nul
    for release in spec.dialects:
        assert DIALECTS[release].format_version == spec.version
        assert release in spec.releases
    assert release_for(spec.version) == spec.dialects[0]
    assert release_for(spec.version, "no such release") == spec.dialects[0]


def test_every_dialect_lists_one_format():
    for release, dialect in DIALECTS.items():
        assert [v for v in VERSIONS.values() if release in v.dialects] == \
            [rite_version(dialect.format_version)]


def test_defaults():
    assert Irep(nlocals=1, nregs=1, iseq=b"").format_version == DEFAULT.version
    rite = RiteFile(header=RiteHeader(), irep=Irep(nlocals=1, nregs=1, iseq=b""))
    assert rite.format_version == DEFAULT.version
    assert rite.irep_section_version == DEFAULT.vm_version
    # the native engine translates the formats of mruby 3.1-3.4 and 4.0, not 3.0's
    assert [v.version for v in TRANSLATED] == ["0300", "0400"]
    assert list(TRANSLATED) == [v for v in VERSIONS.values() if v.translated]


@pytest.mark.parametrize("folder", ["3.0.0", "3.1.0", "3.4.0", "4.0.0"])
def test_files_name_their_record(folder):
    for mrb in sorted((VERSION_DIRS / folder).glob("*.mrb"))[:2]:
        rite = load(str(mrb))
        spec = rite_version(rite.format_version)
        assert folder[:3] in spec.releases
        assert rite.irep_section_version == spec.vm_version
        assert f"(written by mruby {', '.join(spec.releases)})" in format_info(rite)


# ---------------------------------------------------------------------------
# symname_p (src/symbol.c), shared by the listing and Symbol#inspect

@pytest.mark.parametrize("name, plain", [
    (b"foo", True), (b"foo?", True), (b"foo=", True), (b"Foo", True), (b"Foo?", False),
    (b"@iv", True), (b"@@cv", True), (b"@", False), (b"$1", True), (b"$-w", True), (b"$~", True),
    (b"$foo", True), (b"[]", True), (b"[]=", True), (b"[", False), (b"<=>", True), (b"===", True),
    (b"=", False), (b"+@", True), (b"!~", True), (b"", False), (b"1a", False), (b"a b", False),
])
def test_symname_p(name, plain):
    assert symname_p(name) is plain


# ---------------------------------------------------------------------------
# The debug line lookup (src/debug.c), shared by the listing and the runtime

def _irep_with(f: DebugFile, ilen: int = 8) -> Irep:
    irep = Irep(nlocals=1, nregs=1, iseq=bytes(ilen))
    irep.debug = IrepDebug(pc_count=ilen, files=[f])
    return irep


def test_packed_lookup_from_bytes_and_from_pairs_agree():
    pairs = [(0, 3), (2, 5), (5, 4)]
    built = DebugFile(0, "a.rb", "packed", pairs)
    parsed = DebugFile(0, "a.rb", "packed", decode_packed_lines(encode_packed_lines(pairs)),
                       raw=encode_packed_lines(pairs))
    want = [3, 3, 5, 5, 5, 4, 4, 4]
    for f in (built, parsed):
        irep = _irep_with(f)
        assert [mrb_debug_get_line(irep, pc) for pc in range(8)] == want
        assert [f.line_at(pc) for pc in range(8)] == want
        assert mrb_debug_get_line(irep, 8) == -1            # past the iseq
        assert irep.debug.location(9) == ("a.rb", 4)        # location does not stop there
        assert mrb_debug_get_filename(irep, 3) == "a.rb"
        assert mrb_debug_get_line(irep, 3, frozenset({"ary"})) == -1


def test_ary_and_flat_lookup():
    irep = _irep_with(DebugFile(2, "b.rb", "ary", [7, 7, 8]), ilen=5)
    assert [mrb_debug_get_line(irep, pc) for pc in range(5)] == [-1, -1, 7, 7, 8]
    assert mrb_debug_get_filename(irep, 1) is None
    irep = _irep_with(DebugFile(0, "c.rb", "flat", [(1, 10), (3, 12)]), ilen=5)
    assert [mrb_debug_get_line(irep, pc) for pc in range(5)] == [-1, 10, 10, 12, 12]


def test_truncated_packed_tail():
    raw = encode_packed_lines([(0, 1), (300, 2)])
    assert decode_packed_lines(raw[:-1]) == [(0, 1)]
    # mruby reads on past the end: the cut varint ends at the end of the bytes
    f = DebugFile(0, "d.rb", "packed", decode_packed_lines(raw[:-1]), raw=raw[:-1])
    assert f.line_at(400) == 1
