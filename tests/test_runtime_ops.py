"""runtime/ops.py: one semantics function per RITE0300 opcode (STYLE.md 4-5)."""

from __future__ import annotations

import inspect

from riteload.opcodes import table_for
from runtime.ops import OPS, ops_by_number


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
