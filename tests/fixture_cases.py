"""What the fixture-program tests share: tests/known_mismatches.txt.

Both engines' program tests mark the listed fixtures xfail(strict=True), so
a fix shows up as an XPASS that fails until its line is removed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

KNOWN_FILE = Path(__file__).parent / "known_mismatches.txt"


def known_mismatches() -> dict[str, str]:
    """name (NAME or NAME.g) -> why riteload still differs from mruby."""
    known = {}
    for line in KNOWN_FILE.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, why = line.partition(" ")
            known[name] = why.strip()
    return known


def mark_known(values, name_of) -> list:
    """``values`` as pytest params, the known mismatches marked strict xfail."""
    known = known_mismatches()
    return [pytest.param(v, marks=pytest.mark.xfail(strict=True, reason=known[name_of(v)]))
            if name_of(v) in known else v for v in values]
