"""What the fixture-program tests share: the known mismatches and the quick sample.

Both engines' program tests mark the fixtures listed in
tests/known_mismatches.txt xfail(strict=True), so a fix shows up as an XPASS
that fails until its line is removed.

The quick tier (``pytest -m "not slow"``, README.md) runs every
``QUICK_EVERY``-th program of fixtures/programs, plain and ``-g`` build,
under both engines and through the per-file format, disasm and verify tests
(and every file of fixtures/versions), and the plain build of every program
with arguments or standard input; the other programs' cases are marked ``slow``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from fixture_io import program_io

KNOWN_FILE = Path(__file__).parent / "known_mismatches.txt"
PROGRAMS = Path(__file__).resolve().parent.parent / "fixtures" / "programs"

#: one program in QUICK_EVERY is in the quick tier, starting with the QUICK_FIRST-th
#: (11: a sample of cheap programs that still spans blocks, fibers, floats,
#: formats, hashes and uncaught errors; 0 would bring 101_memoization_cache, 20 s)
QUICK_EVERY = 20
QUICK_FIRST = 11


def known_mismatches() -> dict[str, str]:
    """name (NAME or NAME.g) -> why riteload still differs from mruby."""
    known = {}
    for line in KNOWN_FILE.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, why = line.partition(" ")
            known[name] = why.strip()
    return known


def quick_sample() -> frozenset[str]:
    """The names (``NNN_title``) of the programs the quick tier runs."""
    return frozenset(sorted(p.stem for p in PROGRAMS.glob("*.rb"))[QUICK_FIRST::QUICK_EVERY])


def is_slow(name: str) -> bool:
    """Is this fixture (a name or file name) a program outside the quick sample?
    Files that are not programs of fixtures/programs (fixtures/versions...) are
    not, nor are the programs with arguments or standard input (tests/fixture_io.py),
    which the quick tier runs all (their plain build)."""
    program = program_of(name)
    if not program_io(program).plain:
        return Path(name).name.removesuffix(".mrb").endswith(".g")
    return (PROGRAMS / f"{program}.rb").exists() and program not in quick_sample()


def program_of(name: str) -> str:
    """``NNN_title`` of a fixture name or file name: ``NNN_title[.g][.mrb]``."""
    name = Path(name).name
    for suffix in (".mrb", ".g"):
        name = name.removesuffix(suffix)
    return name


def mark_known(values, name_of) -> list:
    """``values`` as pytest params: the known mismatches marked strict xfail,
    and the programs outside the quick sample marked ``slow``.  ``name_of(v)``
    is the fixture name of a value (``NNN_title`` or ``NNN_title.g``)."""
    known = known_mismatches()
    out = []
    for v in values:
        name = name_of(v)
        marks = []
        if name in known:
            marks.append(pytest.mark.xfail(strict=True, reason=known[name]))
        if is_slow(name):
            marks.append(pytest.mark.slow)
        out.append(pytest.param(v, marks=marks))
    return out


def sampled(paths) -> list:
    """.mrb paths as pytest params, the programs outside the quick sample marked ``slow``."""
    return [pytest.param(p, marks=[pytest.mark.slow] if is_slow(p.name) else []) for p in paths]
