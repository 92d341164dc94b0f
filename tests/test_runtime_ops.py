"""runtime/ops.py: one semantics function per RITE0300 opcode (STYLE.md 4-5)."""

from __future__ import annotations

import inspect
import io

import pytest

from riteload.format import build_rite
from riteload.model import Irep, RiteFile, RiteHeader
from riteload.opcodes import table_for
from runtime.main import run_file
from runtime.ops import OPS, ops_by_number
from test_verify import asm


def test_every_0300_opcode_has_a_handler():
    table = table_for("0300")
    missing = [op.name for op in table if op.name not in OPS]
    assert missing == []
    assert set(OPS) == {op.name for op in table}


def test_handlers_by_number_follow_the_table():
    table = table_for("0300")
    fns = ops_by_number("0300")
    assert len(fns) == len(table)
    for op, fn in zip(table, fns):
        assert fn is OPS[op.name]


def test_each_handler_quotes_its_ops_h_line_and_has_one_signature():
    table = table_for("0300")
    for op in table:
        fn = OPS[op.name]
        assert list(inspect.signature(fn).parameters) == ["vm", "frame", "ins"], op.name
        src = inspect.getsource(fn).splitlines()
        assert src[1].strip() == "# " + op.summary, (op.name, src[1])


# ---------------------------------------------------------------------------
# Registers of an unexpected type.  The verifier checks indexes, not what a
# register holds at run time; a hand-made or damaged file can hand an opcode
# an Integer where mrbc's code always has an Array, a Hash, a Proc or a
# class.  mruby 3.1 casts without looking (most of these end in SIGSEGV);
# riteload raises the TypeError mruby's own checks word, under both engines,
# and never an internal error.  Where mruby does not crash, it prints the
# same (noted "= mruby").

def _crafted(*insns, nregs=6, nlocals=1, syms=(), reps=(), pool=()):
    return Irep(nlocals=nlocals, nregs=nregs, iseq=asm("0300", *insns), syms=list(syms),
                reps=list(reps), pool=list(pool), format_version="0300")


_DEF_M = (("TCLASS", 1), ("METHOD", 2, 0), ("DEF", 1, 1))     # def m (child irep 0)

MISTYPED = {
    # CALL outside Proc#call: self is main
    "call_top": (_crafted(("CALL",), ("RETURN", 0)),
                 "wrong argument type Object (expected Proc) (TypeError)"),
    # DEF on an Integer target; DEF of an Integer "proc"
    "def_target": (_crafted(("LOADI_1", 1), ("METHOD", 2, 0), ("DEF", 1, 0), ("RETURN", 1),
                            syms=["m"], reps=[_crafted(("RETURN", 0))]),
                   "1 is not a class/module (TypeError)"),
    "def_proc": (_crafted(("TCLASS", 1), ("LOADI_1", 2), ("DEF", 1, 0), ("RETURN", 1),
                          syms=["m"]),
                 "wrong argument type Integer (expected Proc) (TypeError)"),
    "exec_target": (_crafted(("LOADI_1", 1), ("EXEC", 1, 0), ("RETURN", 1),
                             reps=[_crafted(("RETURN", 0))]),
                    "1 is not a class/module (TypeError)"),
    # n = 15: R[a+1] holds the packed arguments (SENDB argc byte 0xFF: n = nk = 15)
    "sendb_ff": (_crafted(("LOADSELF", 1), ("LOADI_1", 2), ("SENDB", 1, 0, 0xFF), ("RETURN", 1),
                          nregs=8, syms=["p"]),
                 "wrong argument type Integer (expected Array) (TypeError)"),
    "super_15": (_crafted(("LOADI_1", 2), ("SUPER", 1, 0x0F), ("RETURN", 1)),
                 "wrong argument type Integer (expected Array) (TypeError)"),
    # ENTER of a method called with 15 (packed) arguments whose R1 was overwritten
    "enter_15": (_crafted(*_DEF_M, ("LOADSELF", 1), ("ARRAY", 2, 0), ("SEND", 1, 1, 0x0F),
                          ("RETURN", 1), syms=["p", "m"],
                          reps=[_crafted(("LOADI_1", 1), ("ENTER", 0x1000), ("RETURN", 1),
                                         nlocals=2, nregs=4)]),
                 "wrong argument type Integer (expected Array) (TypeError)"),
    "arypush": (_crafted(("LOADI_1", 1), ("LOADI_2", 2), ("ARYPUSH", 1, 1), ("RETURN", 1)),
                "wrong argument type Integer (expected Array) (TypeError)"),
    "aset": (_crafted(("LOADI_1", 1), ("LOADI_2", 2), ("ASET", 2, 1, 0), ("RETURN", 1)),
             "wrong argument type Integer (expected Array) (TypeError)"),
    "arycat": (_crafted(("LOADI_1", 1), ("LOADI_2", 2), ("ARYCAT", 1), ("RETURN", 1)),
               "wrong argument type Integer (expected Array) (TypeError)"),
    # = mruby (mrb_ensure_hash_type)
    "hashadd": (_crafted(("LOADI_1", 1), ("LOADI_2", 2), ("LOADI_3", 3), ("HASHADD", 1, 1),
                         ("RETURN", 1)),
                "Integer cannot be converted to Hash (TypeError)"),
    "hashcat": (_crafted(("HASH", 1, 0), ("LOADI_2", 2), ("HASHCAT", 1), ("RETURN", 1)),
                "Integer cannot be converted to Hash (TypeError)"),
}

# = mruby: a keyword "dict" that is no Hash (packed count nk = 15) is no
# keywords: p gets 7 alone, m(a, **kw, &b) gets 7, {} and nil
KW_NOT_A_HASH = {
    "kw_builtin": (_crafted(("LOADSELF", 1), ("LOADI_7", 2), ("LOADSYM", 3, 1),
                            ("SEND", 1, 0, 0xF1), ("RETURN", 1), syms=["p", "k"]), b"7\n"),
    "kw_method": (_crafted(*_DEF_M, ("LOADSELF", 1), ("LOADI_7", 2), ("LOADSYM", 3, 1),
                           ("SEND", 1, 1, 0xF1), ("LOADSELF", 2), ("MOVE", 3, 1),
                           ("SEND", 2, 0, 1), ("RETURN", 1), syms=["p", "m"],
                           reps=[_crafted(("ENTER", (1 << 18) | 3), ("ARRAY", 1, 3),
                                          ("RETURN", 1), nlocals=4)]),
                  b"[7, {}, nil]\n"),
}


def _run_crafted(tmp_path, name, irep, engine):
    rite = RiteFile(header=RiteHeader(format_version="0300"), irep=irep,
                    irep_section_version="0300", filename=f"{name}.mrb")
    path = tmp_path / f"{name}.mrb"
    path.write_bytes(build_rite(rite))
    out, err = io.BytesIO(), io.BytesIO()
    status = run_file(str(path), engine=engine, stdout=out, stderr=err, timeout=60)
    return status, out.getvalue(), err.getvalue().decode()


@pytest.mark.parametrize("engine", ["interp", "native"])
@pytest.mark.parametrize("name", sorted(MISTYPED))
def test_mistyped_register_raises_a_type_error(tmp_path, name, engine):
    irep, message = MISTYPED[name]
    status, out, err = _run_crafted(tmp_path, name, irep, engine)
    assert status == 1 and out == b"", (out, err)
    assert err.splitlines()[-1].endswith(message), err
    assert "internal error" not in err and "Traceback" not in err


@pytest.mark.parametrize("engine", ["interp", "native"])
@pytest.mark.parametrize("name", sorted(KW_NOT_A_HASH))
def test_keyword_dict_that_is_no_hash_is_dropped(tmp_path, name, engine):
    irep, want = KW_NOT_A_HASH[name]
    assert _run_crafted(tmp_path, name, irep, engine) == (0, want, "")
