"""The record classes (riteload.record) behave as the dataclasses they replaced.

They replaced ``@dataclass`` for start-up time; what callers relied on is
checked here: constructor signatures matching ``_FIELDS``, fresh default
lists, dataclass equality/hash/repr, frozen records refusing assignment, and
that the modules a run imports do not import ``dataclasses``.
"""

from __future__ import annotations

import inspect
import os
import subprocess
import sys

import pytest

from riteload.model import (
    CatchHandler,
    DebugFile,
    Instruction,
    Irep,
    IrepDebug,
    PoolValue,
    RiteFile,
    RiteHeader,
    Section,
)
from riteload.record import FrozenRecord, Record
from riteload.versions import DEFAULT, RITE0300, RITE0400, RiteVersion
from runtime.codecache import Entry
from runtime.dialects import Dialect
from runtime.program import Program
from translate.asm import RAX, Assembled, Emitted, Reg
from translate.compiler import Translation

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RECORDS = [PoolValue, CatchHandler, Instruction, DebugFile, IrepDebug, Irep, Section, RiteHeader,
           RiteFile, RiteVersion, Dialect, Program, Entry, Reg, Emitted, Assembled, Translation]
HIDDEN = {Irep: ("_instructions",)}     # compare=False, repr=False fields


@pytest.mark.parametrize("cls", RECORDS, ids=lambda c: c.__name__)
def test_fields_are_the_constructor_parameters(cls):
    params = list(inspect.signature(cls).parameters)
    assert params == [*cls._FIELDS, *HIDDEN.get(cls, ())]


def test_default_lists_are_fresh():
    a, b = Irep(1, 1, b""), Irep(1, 1, b"")
    for name in ("handlers", "pool", "syms", "reps"):
        assert getattr(a, name) == [] and getattr(a, name) is not getattr(b, name)
    assert IrepDebug(0).files is not IrepDebug(0).files
    assert RiteFile(RiteHeader(), a).sections is not RiteFile(RiteHeader(), b).sections
    assert Assembled(b"", 0, [], [], [], [], []).labels == {}


def test_equality_repr_and_hash_as_dataclasses():
    a, b = Irep(1, 2, b"\x00"), Irep(1, 2, b"\x00")
    assert a.instructions and a._instructions   # the cache is neither compared nor shown
    assert a == b and a != Irep(1, 3, b"\x00")
    assert repr(a) == repr(b) == ("Irep(nlocals=1, nregs=2, iseq=b'\\x00', handlers=[], pool=[], "
                                  "syms=[], reps=[], path=(), debug=None, lvars=None, "
                                  f"format_version={DEFAULT.version!r})")
    assert PoolValue("str", b"x") == PoolValue("str", b"x", False)
    assert CatchHandler(0, 1, 2, 3) != (0, 1, 2, 3)
    assert repr(CatchHandler(0, 1, 2, 3)) == "CatchHandler(type=0, begin=1, end=2, target=3)"
    with pytest.raises(TypeError):
        hash(a)
    assert Record.__hash__ is None and Instruction.__hash__ is None


def test_frozen_records_hash_and_refuse_assignment():
    assert isinstance(RAX, FrozenRecord) and repr(RAX) == "rax"
    assert Reg("rax", RAX.iced, "64") == RAX and hash(Reg("rax", RAX.iced, "64")) == hash(RAX)
    assert len({RITE0300, RITE0300, RITE0400}) == 2
    for obj in (RAX, RITE0300):
        with pytest.raises(AttributeError):
            obj.name = "x"
        with pytest.raises(AttributeError):
            del obj.version


def test_entry_compares_by_identity_and_emitted_has_slots():
    e = Entry("k", None)
    assert e != Entry("k", None) and e == e and hash(e) == object.__hash__(e)
    assert Entry.GC_OPAQUE and e.extra == {} and e.extra is not Entry("k", None).extra
    assert not hasattr(Emitted(1, (), None), "__dict__")
    assert Emitted(1, (), None) == Emitted(1, (), None, "")


def test_run_modules_do_not_import_dataclasses():
    """``import dataclasses`` costs ~13 ms of a run (riteload.record's doc)."""
    code = ("import sys; sys.path[:0] = %r; import riteload, riteload.model, runtime.vm, "
            "runtime.native, runtime.program, runtime.dialects, runtime.codecache, "
            "translate.compiler, translate.templates; print('dataclasses' in sys.modules)"
            % [ROOT, *sys.path])
    p = subprocess.run([sys.executable, "-S", "-c", code], capture_output=True, text=True,
                       cwd=ROOT)
    assert p.returncode == 0, p.stderr[-2000:]
    assert p.stdout.strip() == "False"
