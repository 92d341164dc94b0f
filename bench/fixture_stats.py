#!/usr/bin/env python3
"""Sum ``riteload run --stats`` over the fixture programs.

Usage: python bench/fixture_stats.py [--code-cache-size N] [--jobs J] [GLOB]

Runs every ``fixtures/mrb/GLOB`` (default ``*.mrb`` without the ``.g``
variants) with ``--engine native --stats`` and prints, per program and in
total: instructions executed by native code, how many stayed native (no
Python call), how many called into Python, bytes of code used, methods
compiled, methods evicted and activations the interpreter ran instead.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MRB = ROOT / "fixtures" / "mrb"

PATTERNS = {
    "executed": r"native: (\d+) instructions executed",
    "native": r"(\d+) stayed in native code",
    "python": r"(\d+) called into Python",
    "bytes": r"code cache: (\d+) bytes used",
    "peak": r"\(peak (\d+),",
    "compiled": r"(\d+) methods compiled",
    "evicted": r"(\d+) evicted",
    "refused": r"(\d+) installs refused",
    "interp_runs": r"(\d+) run by the interpreter",
    "translated": r"(\d+) ireps translated",
}


def run(path: Path, cache: str) -> tuple[str, dict]:
    p = subprocess.run([sys.executable, "-m", "riteload", "run", "--engine", "native",
                        "--stats", "--code-cache-size", cache, path.name],
                       cwd=path.parent, capture_output=True, timeout=600)
    text = p.stderr.decode(errors="replace")
    figures = {}
    for key, pat in PATTERNS.items():
        m = re.search(pat, text)
        figures[key] = int(m.group(1)) if m else 0
    return path.name, figures


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("glob", nargs="?", default="*.mrb")
    ap.add_argument("--code-cache-size", default="16M")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--quiet", action="store_true", help="totals only")
    args = ap.parse_args(argv)
    paths = sorted(p for p in MRB.glob(args.glob)
                   if args.glob != "*.mrb" or not p.name.endswith(".g.mrb"))
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        results = list(pool.map(lambda p: run(p, args.code_cache_size), paths))
    total = dict.fromkeys(PATTERNS, 0)
    if not args.quiet:
        print(f"{'program':<32} {'executed':>10} {'native%':>8} {'python':>8} {'bytes':>8} "
              f"{'compiled':>8} {'evicted':>7}")
    for name, f in results:
        for k in total:
            total[k] += f[k]
        if not args.quiet:
            share = 100.0 * f["native"] / f["executed"] if f["executed"] else 0.0
            print(f"{name:<32} {f['executed']:>10} {share:>7.1f}% {f['python']:>8} "
                  f"{f['bytes']:>8} {f['compiled']:>8} {f['evicted']:>7}")
    share = 100.0 * total["native"] / total["executed"] if total["executed"] else 0.0
    print(f"\n{len(results)} programs, code cache {args.code_cache_size}:")
    print(f"  instructions executed by native code: {total['executed']}")
    print(f"  stayed native: {total['native']} ({share:.1f}%), called into Python: "
          f"{total['python']}")
    print(f"  code bytes used (sum of per-program final): {total['bytes']}, "
          f"sum of per-program peaks: {total['peak']}")
    print(f"  ireps translated: {total['translated']}, methods compiled (installs): "
          f"{total['compiled']}, evicted: {total['evicted']}, installs refused: "
          f"{total['refused']}, activations run by the interpreter: {total['interp_runs']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
