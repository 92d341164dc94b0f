"""The fixture programs under RITELOAD_GC_STRESS=1: a collection before every
allocation (runtime/heap.py ``start_gc_stress``), generated code's objects
included, and every irep translated on first use: each must still print
what mruby 3.1 printed (fixtures/expected).

The native engine runs the plain build of every program but ``HEAVY``; the
interpreter the quick sample (tests/fixture_cases.py).  A program in
``HEAVY`` allocates so much that a collection per allocation takes it past
minutes (each collection marks the whole heap in Python); under stress
with a 30 s limit, every other program ran in time and printed mruby's
output.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from fixture_cases import known_mismatches, mark_known, quick_sample
from fixture_io import program_io
from native_runs import run_many

ROOT = Path(__file__).resolve().parents[1]
MRB = ROOT / "fixtures" / "mrb"
EXPECTED = ROOT / "fixtures" / "expected"
STRESS = {"RITELOAD_GC_STRESS": "1", "RITELOAD_NATIVE_HOT_CALLS": "1"}
TIMEOUT = 300

#: programs that make hundreds of thousands of objects: hours under stress
HEAVY = frozenset("""
057_primes_sieve 058_n_queens 059_game_of_life 069_roman_and_words 070_tic_tac_toe
079_gc_objectspace 093_sudoku 095_hanoi_recursion 096_mandelbrot 097_brainfuck
098_lisp_interpreter 101_memoization_cache 128_mastermind_scoring 367_primes_digits
513_collection_arg_matrix 514_collection_block_matrix 536_enumerable_arg_matrix
546_enumerator_arg_matrix 582_loop_garbage_freed 622_nested_frames_depth
645_c_level_recursion_depth 650_coroutine_stacks
""".split())

PROGRAMS = [p.name[:-len(".mrb")] for p in sorted(MRB.glob("*.mrb"))
            if not p.name.endswith(".g.mrb") and (EXPECTED / (p.name[:-4] + ".status")).exists()]


def _expected(name: str):
    return ((EXPECTED / f"{name}.stdout").read_bytes(), (EXPECTED / f"{name}.stderr").read_bytes(),
            int((EXPECTED / f"{name}.status").read_text()))


def _stressed(name: str, engine: str):
    path = MRB / f"{name}.mrb"
    [got] = run_many([(path, ("--engine", engine), program_io(path.name))], timeout=TIMEOUT,
                     env=STRESS)
    assert got[2] is not None, f"{name} did not finish in {TIMEOUT}s under GC stress"
    assert got == _expected(name)


def test_heavy_programs_are_fixtures():
    assert HEAVY <= set(PROGRAMS), sorted(HEAVY - set(PROGRAMS))


@pytest.mark.parametrize("name", mark_known([n for n in PROGRAMS if n not in HEAVY],
                                            lambda n: n))
def test_native_under_gc_stress(name):
    _stressed(name, "native")


@pytest.mark.parametrize("name", [n for n in sorted(quick_sample())
                                  if n in PROGRAMS and n not in HEAVY
                                  and n not in known_mismatches()])
def test_interp_under_gc_stress(name):
    _stressed(name, "interp")
