#!/usr/bin/env python3
"""Compile runtime/prelude/*.rb with mruby 3.1's ``mrbc`` into
runtime/prelude/prelude31.mrb (committed with its sources; the runtime
loads it at boot, runtime/prelude/__init__.py).  No ``-g``: like mruby's
own mrblib, the prelude has no debug info, so its frames show the line of
the Ruby frame below them in backtraces, as mruby's mrblib frames do.

Usage: python scripts/build_prelude.py [--check]
(--check: exit 1 when the committed .mrb is not what mrbc makes now)
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

PRELUDE = Path(__file__).resolve().parent.parent / "runtime" / "prelude"
OUT = PRELUDE / "prelude31.mrb"


def build() -> bytes:
    mrbc = shutil.which("mrbc")
    if mrbc is None:
        sys.exit("build_prelude: mrbc (mruby 3.1) is not on PATH")
    sources = sorted(PRELUDE.glob("*.rb"))
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "prelude.mrb"
        subprocess.run([mrbc, "-o", str(out), *map(str, sources)], check=True)
        return out.read_bytes()


def main() -> int:
    data = build()
    if "--check" in sys.argv[1:]:
        return 0 if OUT.exists() and OUT.read_bytes() == data else 1
    OUT.write_bytes(data)
    print(f"wrote {OUT} ({len(data)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
