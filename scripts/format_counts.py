#!/usr/bin/env python3
"""Count what the loader and the disassembler get right over every .mrb file
the project has: byte-identical round trips (parse, verify, build) and
listings equal to the ones mruby printed (irep addresses masked).

Usage: python scripts/format_counts.py
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import riteload  # noqa: E402
from riteload.disasm import listing  # noqa: E402

_ADDRESS = re.compile(r"0x[0-9a-f]+")
RELEASES = {"3.0.0": "3.0", "3.1.0": "3.1", "3.4.0": "3.4", "4.0.0": "4.0"}


def _text(path: Path) -> str:
    return _ADDRESS.sub("", path.read_bytes().decode("utf-8", "surrogateescape"))


def main() -> int:
    shared = ROOT.parent / "shared" / "mrb"
    files = sorted((ROOT / "fixtures").rglob("*.mrb"))
    if shared.is_dir():
        files += sorted(shared.rglob("*.mrb"))
    same = 0
    for f in files:
        data = f.read_bytes()
        rite = riteload.parse(data, filename=str(f))
        riteload.verify(rite)
        same += riteload.build(rite) == data
    print(f"round trip byte-identical: {same} of {len(files)} files")
    n = ok = 0
    for folder, release in RELEASES.items():
        for mrb in sorted((ROOT / "fixtures" / "versions" / folder).glob("*.mrb")):
            got = listing(riteload.parse(mrb.read_bytes(), filename=str(mrb)), release)
            n += 1
            ok += _ADDRESS.sub("", got) == _text(mrb.with_suffix(".disasm"))
    print(f"listings of mruby 3.0/3.1/3.4/4.0 files equal to that release's: {ok} of {n}")
    n = ok = 0
    for mrb in sorted((ROOT / "fixtures" / "mrb").glob("*.mrb")):
        got = listing(riteload.parse(mrb.read_bytes(), filename=str(mrb)), "3.1")
        n += 1
        want = _text(ROOT / "fixtures" / "expected" / (mrb.stem + ".disasm"))
        ok += _ADDRESS.sub("", got) == want
    print(f"listings of the fixture programs equal to mruby 3.1's: {ok} of {n}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
