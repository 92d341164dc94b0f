#!/usr/bin/env python3
"""Record the symbol ids of the installed mruby 3.1 into runtime/presym31.py
(with --release 4.0, those of mruby 4.0.0 into runtime/presym40.py).

mruby numbers its symbols: the names known when it was built ("presym")
get 1..MRB_PRESYM_MAX, sorted by length and then bytes; names of up to five
characters (four in 4.0) of ``[_a-zA-Z0-9]`` that are not presym are packed into the id
itself; every other name gets the next free id when it is first interned.
Instance variable, constant and method tables are hash tables keyed by
these ids, so the order of ``instance_variables`` or
``instance_methods(false)`` depends on them (runtime/symorder.py).

The presym list is not printed by mruby, so this script asks it: every
printable string of the ``mruby`` binary, and every suffix of one (the
linker shares the tails of string literals), is turned into a symbol by a
probe program, which prints the id (``:sym.object_id >> 32`` under word
boxing) of those below the first id a program's own new symbol gets.  The
ids found must be 1..N without a gap; the ids between N and that first
dynamic id belong to names interned while mruby starts up, which the probe
cannot name (they are reported, and treated as unknown).

Usage: python scripts/record_presym.py [--release 3.1|4.0] [--mruby PATH] [--mrbc PATH]
                                      [--out FILE]
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUTS = {"3.1": ROOT / "runtime" / "presym31.py", "4.0": ROOT / "runtime" / "presym40.py"}
WHOSE = {"3.1": "Debian's mruby 3.1.0", "4.0": "mruby 4.0.0"}
PRINTABLE = re.compile(r"^[\x21-\x7e]+$")
MAX_NAME = 100


def candidates(binary: str) -> list[str]:
    strings = subprocess.run(["strings", "-n", "1", binary], capture_output=True, check=True)
    out = set()
    for s in strings.stdout.decode("latin-1").splitlines():
        for i in range(len(s)):
            t = s[i:]
            if len(t) <= MAX_NAME and PRINTABLE.match(t):
                out.add(t)
    return sorted(out)


def _lit(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("#", "\\#") + '"'


def probe(mruby: str, mrbc: str, names: list[str]) -> tuple[int, dict[int, str]]:
    src = ['first = "zz_riteload_probe_dynamic_symbol".to_sym.object_id >> 32',
           'puts "FIRST #{first}"',
           "c = [", ",\n".join(_lit(s) for s in names), "]",
           'c.each { |s| i = s.to_sym.object_id >> 32; puts "#{i}\\t#{s}" if i < first }']
    with tempfile.TemporaryDirectory() as d:
        rb, mrb = Path(d) / "probe.rb", Path(d) / "probe.mrb"
        rb.write_text("\n".join(src) + "\n")
        subprocess.run([mrbc, "-o", str(mrb), str(rb)], check=True)
        out = subprocess.run([mruby, "-b", str(mrb)], capture_output=True, check=True).stdout
    first, ids = 0, {}
    for line in out.decode("latin-1").splitlines():
        if line.startswith("FIRST "):
            first = int(line.split()[1])
        else:
            i, name = line.split("\t", 1)
            ids[int(i)] = name
    return first, ids


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--release", choices=sorted(OUTS), default="3.1")
    ap.add_argument("--mruby", default=shutil.which("mruby"))
    ap.add_argument("--mrbc", default=shutil.which("mrbc"))
    ap.add_argument("--out")
    args = ap.parse_args(argv)
    out = args.out or str(OUTS[args.release])
    if not args.mruby or not args.mrbc:
        print("record_presym: mruby and mrbc must be installed (apt-get install mruby)",
              file=sys.stderr)
        return 1
    version = subprocess.run([args.mruby, "--version"], capture_output=True,
                             text=True).stdout.strip()
    if not version.startswith(f"mruby {args.release}.0"):
        print(f"record_presym: needs mruby {args.release}.0, found {version!r}",
              file=sys.stderr)
        return 1
    binary = shutil.which(args.mruby) or args.mruby
    first, ids = probe(args.mruby, args.mrbc, candidates(binary))
    n = 0
    while n + 1 in ids:
        n += 1
    if n != len(ids):
        print(f"record_presym: ids found are not 1..N (gap after {n})", file=sys.stderr)
        return 1
    names = [ids[i] for i in range(1, n + 1)]
    if names != sorted(names, key=lambda s: (len(s), s.encode("latin-1"))):
        print("record_presym: the names are not in presym order", file=sys.stderr)
        return 1
    body = ",\n".join(f"    {s!r}" for s in names)
    Path(out).write_text(
        f'"""Symbol ids of {WHOSE[args.release]}, recorded by scripts/record_presym.py.\n\n'
        "NAMES[i - 1] is the name of presym id i; FIRST_DYNAMIC is the id the first\n"
        "name a program interns gets (ids between len(NAMES) and it were interned\n"
        'by mruby itself while starting up and are unknown here)."""\n\n'
        f"VERSION = {version!r}\n"
        f"FIRST_DYNAMIC = {first}\n"
        f"NAMES = (\n{body},\n)\n")
    print(f"{len(names)} presym names, first dynamic id {first} "
          f"({first - 1 - len(names)} unknown start-up ids) -> {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
