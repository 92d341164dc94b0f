"""mruby's symbol ids and table orders (runtime/symorder.py).

The recorded presym table must be what the installed mruby 3.1 reports; the
orders themselves are checked against mruby by fixture 580_table_order
(instance variables, constants, class variables, method lists, symbol
object ids) through both engines.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from runtime import presym31, symorder

ROOT = Path(__file__).resolve().parent.parent
MRUBY = shutil.which("mruby")


# without mruby there is nothing to compare the recording with: the runtime uses it as is
@pytest.mark.skipif(MRUBY is None, reason="mruby not installed (CI installs it)")
def test_recorded_presym_table_is_what_mruby_reports(tmp_path):
    out = tmp_path / "presym.py"
    subprocess.run([sys.executable, str(ROOT / "scripts" / "record_presym.py"), "--out", str(out)],
                   check=True, capture_output=True)
    assert out.read_text() == (ROOT / "runtime" / "presym31.py").read_text()


def test_presym_names_sorted_as_mruby_sorts_them():
    names = list(presym31.NAMES)
    assert names == sorted(names, key=lambda s: (len(s), s.encode("latin-1")))
    assert presym31.FIRST_DYNAMIC > len(names)


def test_ids_are_presym_inline_then_dynamic_in_intern_order():
    ms = symorder.MrubySymbolIds()
    assert ms.id_of("puts") == presym31.NAMES.index("puts") + 1
    inline = ms.id_of("zq9_x")
    assert inline >= 1 << 24 and ms.known_id("zq9_x") == inline
    assert ms.known_id("not_yet_interned_name") is None
    a, b = ms.id_of("not_yet_interned_name"), ms.id_of("@another_one")
    assert (a, b) == (presym31.FIRST_DYNAMIC, presym31.FIRST_DYNAMIC + 1)


def test_table_replays_keep_every_key_once():
    keys = list(range(presym31.FIRST_DYNAMIC, presym31.FIRST_DYNAMIC + 40))
    for order in (symorder.iv_order, symorder.mt_order, symorder.khash_set_order):
        got = order(keys + keys[:5])
        assert sorted(got) == keys
