"""riteload.verify: every file mruby writes verifies; crafted faults are caught."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from fixture_cases import sampled
from riteload.errors import VerifyError
from riteload.format import build_rite, parse_rite
from riteload.model import CatchHandler, Irep, PoolValue, RiteFile, RiteHeader
from riteload.opcodes import table_for
from riteload.verify import REGISTER_SLACK, verify_rite

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
SHARED = ROOT.parent / "shared" / "mrb"

ALL_MRB = sorted(FIXTURES.rglob("*.mrb")) + (sorted(SHARED.rglob("*.mrb"))
                                              if SHARED.is_dir() else [])


def _id(p: Path) -> str:
    try:
        return str(p.relative_to(ROOT))
    except ValueError:
        return str(p)


@pytest.mark.parametrize("path", sampled(ALL_MRB), ids=_id)
def test_files_mruby_writes_verify(path):
    verify_rite(parse_rite(path.read_bytes(), str(path)))


# ---------------------------------------------------------------------------
# A tiny assembler over the opcode tables (no opcode numbers in this file)

def asm(version: str, *insns) -> bytes:
    """Encode (name, operand, ...) tuples; a name such as "EXT1" is a prefix
    and widens the next instruction's operands as ops.h says."""
    table = table_for(version)
    out = bytearray()
    ext = None
    for name, *operands in insns:
        op = table[name]
        out.append(op.number)
        if name.startswith("EXT"):
            ext = name
            continue
        widths = op.operand_widths(ext)
        ext = None
        assert len(operands) == len(widths), (name, operands)
        for value, width in zip(operands, widths):
            out += (value & ((1 << (8 * width)) - 1)).to_bytes(width, "big")
    return bytes(out)


def rite_of(version: str, *insns, nregs=4, nlocals=1, pool=(), syms=(), reps=(), handlers=(),
            raw: bytes | None = None) -> RiteFile:
    irep = Irep(nlocals=nlocals, nregs=nregs, iseq=raw if raw is not None else asm(version, *insns),
                pool=list(pool), syms=list(syms), reps=list(reps), handlers=list(handlers),
                format_version=version)
    rite = RiteFile(header=RiteHeader(format_version=version), irep=irep,
                    irep_section_version=version, filename="crafted.mrb")
    # make it a real file and read it back, as a loader would see it
    return parse_rite(build_rite(rite), "crafted.mrb")


def ret(version: str):
    return ("RETURN", 0)


def bad(rite: RiteFile, match: str, pc: int | None = None, path=()):
    with pytest.raises(VerifyError, match=match) as e:
        verify_rite(rite)
    assert e.value.irep_path == path
    if pc is not None:
        assert e.value.pc == pc
    text = str(e.value)
    assert "crafted.mrb" in text and ("irep " + (".".join(map(str, path)) or "root")) in text
    return e.value


VERSIONS = ["0200", "0300", "0400"]


@pytest.mark.parametrize("v", VERSIONS)
def test_minimal_good(v):
    verify_rite(rite_of(v, ("LOADNIL", 1), ("MOVE", 2, 1), ret(v)))


@pytest.mark.parametrize("v", VERSIONS)
def test_register_out_of_range(v):
    bad(rite_of(v, ("LOADNIL", 1), ("MOVE", 5, 1), ret(v), nregs=4),
        "MOVE uses register R5, nregs is 4", pc=2)
    bad(rite_of(v, ("MOVE", 1, 9), ret(v), nregs=4), "R9", pc=0)


@pytest.mark.parametrize("v", VERSIONS)
def test_implicit_registers(v):
    # R[a+1] of ADD, and the block slot R[a+2] its method-call fallback clears
    verify_rite(rite_of(v, ("ADD", 1), ret(v), nregs=4))
    bad(rite_of(v, ("ADD", 3), ret(v), nregs=4), "ADD uses register R5", pc=0)
    # ARRAY reads b registers from R[a]
    verify_rite(rite_of(v, ("ARRAY", 1, 3), ret(v), nregs=4))
    bad(rite_of(v, ("ARRAY", 1, 5), ret(v), nregs=4), "ARRAY uses register R5")


def test_send_footprint_packed_counts():
    v = "0300"
    syms = ["m"]
    # n=2 args: R[a+1], R[a+2], block slot R[a+3]
    verify_rite(rite_of(v, ("SEND", 1, 0, 2), ret(v), nregs=5, syms=syms))
    bad(rite_of(v, ("SEND", 1, 0, 2), ret(v), nregs=3, syms=syms), "SEND uses register R4")
    # n=15 (splat array) + k=1 keyword pair: R[a+1], R[a+2], R[a+3], block R[a+4]
    verify_rite(rite_of(v, ("SENDB", 1, 0, 0x1F), ret(v), nregs=6, syms=syms))
    bad(rite_of(v, ("SENDB", 1, 0, 0x1F), ret(v), nregs=4, syms=syms), "SENDB uses register R5")
    # SUPER packs its count in b: 3 args and the block slot
    verify_rite(rite_of(v, ("SUPER", 1, 3), ret(v), nregs=6))
    bad(rite_of(v, ("SUPER", 1, 3), ret(v), nregs=4), "SUPER uses register R5")


def test_send_footprint_0200():
    v = "0200"
    verify_rite(rite_of(v, ("SEND", 1, 0, 2), ret(v), nregs=5, syms=["m"]))
    bad(rite_of(v, ("SEND", 1, 0, 2), ret(v), nregs=3, syms=["m"]), "R4")
    bad(rite_of(v, ("SENDV", 2, 0), ret(v), nregs=3, syms=["m"]), "SENDV uses register R4")


@pytest.mark.parametrize("v", VERSIONS)
def test_enter_aspec(v):
    two_required = 2 << 18          # m1=2: R1, R2 and the block in R3
    verify_rite(rite_of(v, ("ENTER", two_required), ret(v), nregs=4))
    bad(rite_of(v, ("ENTER", two_required), ret(v), nregs=2), "ENTER uses register R3", pc=0)


@pytest.mark.parametrize("v", ["0300", "0400"])
def test_ext_prefix_widens_registers(v):
    rite = rite_of(v, ("EXT1",), ("MOVE", 300, 1), ret(v), nregs=4)
    e = bad(rite, "R300")
    assert e.pc == 1            # the instruction, after its prefix


def test_one_register_of_slack():
    """mruby's compiler writes R[nregs] (def self.x, an unused {}): tolerated, no further."""
    v = "0300"
    assert REGISTER_SLACK == 1
    child = Irep(nlocals=1, nregs=1, iseq=asm(v, ret(v)), format_version=v)
    verify_rite(rite_of(v, ("METHOD", 2, 0), ret(v), nregs=2, reps=[child]))
    verify_rite(rite_of(v, ("HASH", 2, 0), ret(v), nregs=2))
    bad(rite_of(v, ("METHOD", 3, 0), ret(v), nregs=2, reps=[child]), "METHOD uses register R3")
    bad(rite_of(v, ("LOADNIL", 3), ret(v), nregs=2), "LOADNIL uses register R3, nregs is 2")


@pytest.mark.parametrize("v", VERSIONS)
def test_nlocals_greater_than_nregs(v):
    bad(rite_of(v, ret(v), nregs=2, nlocals=3), "nlocals 3 > nregs 2")


@pytest.mark.parametrize("v", VERSIONS)
def test_pool_index(v):
    good = rite_of(v, ("LOADL", 1, 0), ret(v), pool=[PoolValue("float", 1.0)])
    verify_rite(good)
    bad(rite_of(v, ("LOADL", 1, 1), ret(v), pool=[PoolValue("float", 1.0)]),
        "pool index 1 out of range", pc=0)
    bad(rite_of(v, ("STRING", 1, 0), ret(v), pool=[PoolValue("float", 1.0)]),
        "STRING needs a string", pc=0)


@pytest.mark.parametrize("v", VERSIONS)
def test_symbol_index(v):
    verify_rite(rite_of(v, ("LOADSYM", 1, 0), ret(v), syms=["a"]))
    bad(rite_of(v, ("LOADSYM", 1, 1), ret(v), syms=["a"]), "symbol index 1 out of range", pc=0)
    bad(rite_of(v, ("LOADSYM", 1, 0), ret(v), syms=[None]), "null symbol", pc=0)


@pytest.mark.parametrize("v", VERSIONS)
def test_child_irep_index(v):
    child = Irep(nlocals=1, nregs=1, iseq=asm(v, ret(v)), format_version=v)
    verify_rite(rite_of(v, ("BLOCK", 1, 0), ret(v), reps=[child]))
    bad(rite_of(v, ("BLOCK", 1, 1), ret(v), reps=[child]), "child irep index 1", pc=0)


@pytest.mark.parametrize("v", VERSIONS)
def test_jumps(v):
    # JMP +2 skips the 2-byte LOADNIL: lands on RETURN
    verify_rite(rite_of(v, ("JMP", 2), ("LOADNIL", 1), ret(v)))
    # backwards to the start
    verify_rite(rite_of(v, ("LOADNIL", 1), ("JMPIF", 1, -6 & 0xFFFF), ret(v)))
    bad(rite_of(v, ("JMP", 1), ("LOADNIL", 1), ret(v)), "not an instruction boundary", pc=0)
    bad(rite_of(v, ("JMP", 100), ret(v)), "outside the iseq", pc=0)
    bad(rite_of(v, ("JMPNOT", 1, -10 & 0xFFFF), ret(v)), "outside the iseq", pc=0)
    bad(rite_of(v, ("LOADNIL", 1), ("JMPUW", 0x7FFF), ret(v)), "JMPUW", pc=2)


@pytest.mark.parametrize("v", VERSIONS)
def test_unknown_opcode(v):
    bad(rite_of(v, raw=asm(v, ("LOADNIL", 1)) + b"\xfe" + asm(v, ret(v))),
        "unknown opcode 0xfe", pc=2)


@pytest.mark.parametrize("v", VERSIONS)
def test_truncated_operands(v):
    raw = asm(v, ret(v), ("MOVE", 1, 2))[:-1]
    bad(rite_of(v, raw=raw), "run past the end", pc=2)


@pytest.mark.parametrize("v", VERSIONS)
def test_falls_off_the_end(v):
    bad(rite_of(v, ("LOADNIL", 1)), "can fall off its end", pc=0)
    bad(rite_of(v, ("LOADSELF", 1), ("JMPIF", 1, -6 & 0xFFFF)), "fall off", pc=2)
    bad(rite_of(v, raw=b""), "empty iseq")


@pytest.mark.parametrize("v", VERSIONS)
def test_catch_handlers(v):
    code = (("LOADNIL", 1), ("LOADNIL", 2), ("EXCEPT", 1), ret(v))
    verify_rite(rite_of(v, *code, handlers=[CatchHandler(0, 0, 4, 4)]))
    verify_rite(rite_of(v, *code, handlers=[CatchHandler(1, 0, 4, 4)]))
    # a handler starts by taking the exception, as every clause mrbc writes does
    bad(rite_of(v, *code, handlers=[CatchHandler(0, 0, 4, 2)]), "target 2 is LOADNIL, not the "
        "EXCEPT", pc=2)
    bad(rite_of(v, *code, handlers=[CatchHandler(0, 0, 4, 5)]), "target 5")
    bad(rite_of(v, *code, handlers=[CatchHandler(0, 0, 4, 40)]), "target 40")
    bad(rite_of(v, *code, handlers=[CatchHandler(0, 1, 4, 4)]), "begin 1")
    bad(rite_of(v, *code, handlers=[CatchHandler(0, 4, 2, 4)]), "not inside the iseq")
    bad(rite_of(v, *code, handlers=[CatchHandler(0, 0, 90, 4)]), "not inside the iseq")
    bad(rite_of(v, *code, handlers=[CatchHandler(7, 0, 4, 4)]), "unknown type 7")


@pytest.mark.parametrize("v", VERSIONS)
def test_enter_jump_table(v):
    # ENTER with o optional arguments skips 3*k bytes (k of them given): o+1 JMPs follow
    aspec = (1 << 18) | (2 << 13)       # m1 = 1, o = 2
    table = [("JMP", 6), ("JMP", 3), ("JMP", 0)]
    body = [("LOADI_1", 2), ("LOADI_2", 3), ret(v)]
    verify_rite(rite_of(v, ("ENTER", aspec), *table, *body))
    bad(rite_of(v, ("ENTER", aspec), *table[1:], *body),
        "ENTER with 2 optional arguments .* followed by 3 JMPs", pc=0)
    bad(rite_of(v, ("ENTER", aspec), ("LOADNIL", 1), ("NOP",), *table, *body),
        "pc 4 is not one", pc=0)


def test_fault_in_a_child_names_its_path():
    v = "0300"
    grandchild = Irep(nlocals=1, nregs=2, iseq=asm(v, ("MOVE", 5, 0), ret(v)), format_version=v)
    child = Irep(nlocals=1, nregs=2, iseq=asm(v, ("BLOCK", 1, 0), ret(v)), reps=[grandchild],
                 format_version=v)
    ok_child = Irep(nlocals=1, nregs=1, iseq=asm(v, ret(v)), format_version=v)
    rite = rite_of(v, ret(v), reps=[ok_child, child])
    bad(rite, "MOVE uses register R5", pc=0, path=(1, 0))


def test_verify_error_from_the_real_file_mutated():
    path = FIXTURES / "versions" / "3.1.0" / "v01_calls.mrb"
    rite = parse_rite(path.read_bytes(), "crafted.mrb")
    irep = rite.irep
    first = irep.instructions[0]
    iseq = bytearray(irep.iseq)
    iseq[first.pc + 1] = 0xFF          # operand a of the first instruction
    irep.iseq = bytes(iseq)
    irep._instructions = None
    with pytest.raises(VerifyError) as e:
        verify_rite(rite)
    assert e.value.irep_path == () and e.value.pc == first.pc


# without mrbc, the recorded files of test_files_mruby_writes_verify stand in
@pytest.mark.skipif(shutil.which("mrbc") is None, reason="mrbc not on PATH")
def test_live_mrbc_output_verifies(tmp_path):
    src = tmp_path / "live.rb"
    src.write_text(
        "def self.sm(*a); a; end\n"
        "class C; def m(a, (b, c), *d, e, f: 1, **g, &h); [a, b, c, d, e, f, g]; end; end\n"
        "a, *b, c = [1, 2, 3, 4]\n"
        "x = 0; 10.times { |i| x += i; next if i.odd?; break if i > 7 }\n"
        "begin; raise 'x'; rescue => e; retry if x < 0; ensure; x = nil; end\n"
        "p C.new.m(1, [2, 3], 4, 5, f: 6, z: 7) { }\n"
        "case [1, 2]; when Array then p :arr; end\n"
        "h = {a: 1, **{b: 2}}; p h, *[1, 2], **{}\n")
    out = tmp_path / "live.mrb"
    subprocess.run(["mrbc", "-o", str(out), str(src)], check=True)
    verify_rite(parse_rite(out.read_bytes(), str(out)))
