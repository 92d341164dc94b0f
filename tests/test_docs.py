"""Docs that run (STYLE.md 10): every ``>>>`` example of docs/*.md, with doctest.

An example's expected output is compared as doctest compares it (exact text;
``...`` in a traceback stands for its frames), from the repository root.
"""

from __future__ import annotations

import doctest
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = sorted((ROOT / "docs").glob("*.md"))


def test_docs_have_examples():
    assert any(">>> " in d.read_text() for d in DOCS), "docs/riteload.md's examples are gone"


@pytest.mark.parametrize("doc", [d for d in DOCS if ">>> " in d.read_text()],
                         ids=lambda d: d.name)
def test_doc_examples_run(doc, monkeypatch):
    monkeypatch.chdir(ROOT)
    parser = doctest.DocTestParser()
    test = parser.get_doctest(doc.read_text(), {}, doc.name, str(doc), 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    out = []
    runner.run(test, out=out.append)
    assert runner.failures == 0, "".join(out)
    assert runner.tries > 0
