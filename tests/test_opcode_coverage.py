"""The fixture programs exercise every opcode mruby 3.1's compiler can emit.

Every ``fixtures/mrb/NAME.mrb`` (compiled without ``-g``) is parsed with
``riteload.parse``; the opcodes of the RITE0300 table that appear in any irep
are collected.  An EXT1/EXT2/EXT3 prefix is folded by the decoder into the
instruction it widens, so the prefixes are counted from ``Instruction.ext``.

Opcodes that ``mrbgems/mruby-compiler/core/codegen.c`` of mruby 3.1.0 never
emits are listed in ``NOT_EMITTED`` with the reason; the test fails when an
emittable opcode is missing from every fixture, and also when an opcode of the
exclusion list does show up (the list must stay honest).

The freshness tests check that every program has its compiled files and, when
``mrbc`` 3.1.0 is on PATH, that recompiling gives byte-identical output.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections import Counter

import pytest

import riteload
from fixture_cases import is_slow
from riteload.opcodes import table_for

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "fixtures")
PROGRAMS = os.path.join(FIXTURES, "programs")
MRB = os.path.join(FIXTURES, "mrb")

# Opcodes of the RITE0300 table that mruby 3.1.0's code generator never writes
# (codegen.c = mrbgems/mruby-compiler/core/codegen.c at tag 3.1.0).
NOT_EMITTED: dict[str, str] = {
    "NOP": "codegen.c names OP_NOP only as the placeholder that mrb_last_insn() returns "
           "when pc == 0 (for the peephole optimiser); no genop_* call writes it",
    "GETSV": "codegen.c names OP_GETSV only in gen_move()'s peephole case list; $~ and $1 "
             "(NODE_BACK_REF/NODE_NTH_REF) are compiled to OP_GETGV",
    "SETSV": "codegen.c never mentions OP_SETSV",
    "CALL": "codegen.c never mentions OP_CALL; it lives only in src/proc.c's call_iseq, "
            "the one-instruction irep behind Proc#call, never in a compiled file",
    "ASET": "codegen.c never mentions OP_ASET (multiple assignment uses OP_AREF/OP_APOST "
            "and element assignment sends :[]=)",
    "DEBUG": "codegen.c never mentions OP_DEBUG (vm.c just printf()s its operands)",
}

EXT_PREFIXES = ("EXT1", "EXT2", "EXT3")


def _program_names() -> list[str]:
    return sorted(f[:-3] for f in os.listdir(PROGRAMS) if f.endswith(".rb"))


def _mrb_files() -> list[str]:
    return sorted(os.path.join(MRB, f) for f in os.listdir(MRB)
                  if f.endswith(".mrb") and not f.endswith(".g.mrb"))


def opcode_usage() -> tuple[Counter, dict[str, str]]:
    """How often each opcode name occurs over all fixtures, and one file using each."""
    counts: Counter = Counter()
    where: dict[str, str] = {}
    for path in _mrb_files():
        with open(path, "rb") as f:
            rite = riteload.parse(f.read(), filename=path)
        assert rite.format_version == "0300", path
        for irep in rite.ireps():
            for ins in irep.instructions:
                names = [ins.name] + ([ins.ext] if ins.ext else [])
                for name in names:
                    counts[name] += 1
                    where.setdefault(name, os.path.basename(path))
    return counts, where


@pytest.fixture(scope="module")
def usage():
    return opcode_usage()


def test_exclusions_are_real_opcodes():
    names = {op.name for op in table_for("0300")}
    assert set(NOT_EMITTED) <= names
    assert set(EXT_PREFIXES) <= names


def test_every_emittable_opcode_is_covered(usage):
    counts, _ = usage
    table = table_for("0300")
    missing = [op.name for op in table if op.name not in NOT_EMITTED and counts[op.name] == 0]
    assert not missing, ("opcodes mruby 3.1 can emit but no fixtures/mrb/*.mrb uses: "
                         + ", ".join(missing))


def test_excluded_opcodes_do_not_appear(usage):
    counts, where = usage
    present = {name: where[name] for name in NOT_EMITTED if counts[name]}
    assert not present, ("opcodes listed in NOT_EMITTED appear in fixtures (fix the list): "
                         + ", ".join(f"{n} in {f}" for n, f in present.items()))


def test_only_table_opcodes_appear(usage):
    counts, _ = usage
    names = {op.name for op in table_for("0300")}
    assert set(counts) <= names


def test_every_program_is_compiled():
    names = _program_names()
    assert len(names) >= 125, f"only {len(names)} programs"
    missing = [f"{n}{g}.mrb" for n in names for g in ("", ".g")
               if not os.path.exists(os.path.join(MRB, f"{n}{g}.mrb"))]
    assert not missing, "run python scripts/record_fixtures.py; missing: " + ", ".join(missing)
    stale = sorted({os.path.basename(p)[:-4] for p in _mrb_files()} - set(names))
    assert not stale, "compiled files without a program: " + ", ".join(stale)
    expected = os.path.join(FIXTURES, "expected")
    for n in names:
        for g in ("", ".g"):
            for ext in ("stdout", "stderr", "status", "disasm"):
                assert os.path.exists(os.path.join(expected, f"{n}{g}.{ext}")), f"{n}{g}.{ext}"


def _mrbc_31() -> str | None:
    mrbc = shutil.which("mrbc")
    if not mrbc:
        return None
    p = subprocess.run([mrbc, "--version"], capture_output=True)
    return mrbc if (p.stdout + p.stderr).startswith(b"mruby 3.1.0 ") else None


@pytest.mark.parametrize("name", [pytest.param(n, marks=[pytest.mark.slow] if is_slow(n) else [])
                                  for n in _program_names()])
def test_compiled_fixture_is_fresh(name, tmp_path):
    mrbc = _mrbc_31()
    if mrbc is None:
        pytest.skip("mrbc 3.1.0 not on PATH")
    for g, flags in (("", []), (".g", ["-g"])):
        out = tmp_path / f"{name}{g}.mrb"
        p = subprocess.run([mrbc, *flags, "-o", str(out), f"{name}.rb"], cwd=PROGRAMS,
                           capture_output=True)
        assert p.returncode == 0, p.stderr.decode(errors="replace")
        with open(os.path.join(MRB, f"{name}{g}.mrb"), "rb") as f:
            recorded = f.read()
        assert out.read_bytes() == recorded, (
            f"fixtures/mrb/{name}{g}.mrb is stale: run python scripts/record_fixtures.py")


if __name__ == "__main__":   # python tests/test_opcode_coverage.py: print the figures
    counts, where = opcode_usage()
    table = table_for("0300")
    emittable = [op.name for op in table if op.name not in NOT_EMITTED]
    covered = [n for n in emittable if counts[n]]
    print(f"{len(covered)}/{len(emittable)} emittable opcodes covered "
          f"({len(NOT_EMITTED)} excluded: {', '.join(NOT_EMITTED)})")
    for n in emittable:
        print(f"  {n:12s} {counts[n]:6d}  {where.get(n, '-')}")
