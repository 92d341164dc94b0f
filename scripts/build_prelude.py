#!/usr/bin/env python3
"""Compile runtime/prelude/*.rb with mruby 3.1's ``mrbc`` into
runtime/prelude/prelude31.mrb, and runtime/prelude/variants/*.rb into
runtime/prelude/variants31.mrb (committed with their sources; the runtime
loads them at boot, runtime/prelude/__init__.py).  No ``-g``: like mruby's
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
# each output and the folder of the sources compiled into it
OUTPUTS = {PRELUDE / "prelude31.mrb": PRELUDE, PRELUDE / "variants31.mrb": PRELUDE / "variants"}


def build(folder: Path) -> bytes:
    mrbc = shutil.which("mrbc")
    if mrbc is None:
        sys.exit("build_prelude: mrbc (mruby 3.1) is not on PATH")
    sources = sorted(folder.glob("*.rb"))
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "prelude.mrb"
        subprocess.run([mrbc, "-o", str(out), *map(str, sources)], check=True)
        return out.read_bytes()


def main() -> int:
    check = "--check" in sys.argv[1:]
    stale = 0
    for out, folder in OUTPUTS.items():
        data = build(folder)
        if check:
            stale += not (out.exists() and out.read_bytes() == data)
            continue
        out.write_bytes(data)
        print(f"wrote {out} ({len(data)} bytes)")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
