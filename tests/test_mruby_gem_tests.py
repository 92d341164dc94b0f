"""mruby 3.1.0's own tests of the mruby-eval, mruby-socket and mruby-io gems
(mrbgems/NAME/test/*.rb, with test/assert.rb), as scripts/mruby_tests.py
runs them: each file under Debian's ``mruby -b`` and under ``riteload run``
with each engine must pass, fail and crash as many assertions as mruby's.

The test files are read from a git repository of mruby (the mirror
scripts/mruby_tests.py looks in); mruby's sources are not part of this
project, so without that repository, or without mruby 3.1 on PATH, these
tests are skipped.  Same figures by hand:
``python scripts/mruby_tests.py --tag 3.1.0 --gem mruby-socket --engine both``.
"""

from __future__ import annotations

import importlib.util
import subprocess

import pytest

from mruby_runs import LIVE, ROOT

_spec = importlib.util.spec_from_file_location("mruby_tests", ROOT / "scripts" / "mruby_tests.py")
mruby_tests = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mruby_tests)

TAG = "3.1.0"


def _has_tag() -> bool:
    if not mruby_tests.MIRROR.exists():
        return False
    p = subprocess.run(["git", "-C", str(mruby_tests.MIRROR), "rev-parse", "--verify", "-q",
                        f"{TAG}^{{commit}}"], capture_output=True)
    return p.returncode == 0


pytestmark = [pytest.mark.skipif(not LIVE, reason="mruby 3.1 (mruby, mrbc) not on PATH"),
              pytest.mark.skipif(LIVE and not _has_tag(),
                                 reason=f"no mruby repository with tag {TAG}")]


@pytest.mark.parametrize("engine", ["interp", pytest.param("native", marks=pytest.mark.slow)])
@pytest.mark.parametrize("gem", ["mruby-eval", "mruby-socket", "mruby-io"])
def test_gem_tests_count_as_mruby(gem, engine, tmp_path):
    src = mruby_tests.Sources(mruby_tests.MIRROR, TAG, None, gem)
    mrbc, mruby = mruby_tests.reference_tools(TAG, None, None)
    keys = ("OK", "KO", "Crash", "Total", "report")
    for name in src.tests():
        r = mruby_tests.run_one(name, src, mrbc, mruby, tmp_path, (engine,))
        assert "error" not in r, r.get("error")
        want = {k: r["mruby"][k] for k in keys}
        got = {k: r[engine][k] for k in keys}
        assert got == want, (name, r[engine].get("failures"), r[engine].get("stderr"))
