#!/usr/bin/env python3
"""Run mruby's own core tests (test/t/*.rb) under riteload and under mruby.

Each test file is compiled by ``mrbc`` together with mruby's test/assert.rb,
as mruby's test runner (mrbtest) loads them: a small prelude defines
``t_print`` (a C function of mrbtest's driver), then assert.rb, the test file
and a last line calling ``report``.  The .mrb runs under ``mruby -b`` and
under ``riteload run --engine interp``; the counts of assertions passed
(``OK``), failed (``KO``) and crashed are read from assert.rb's report (or,
when a run dies before it, from the progress characters: ``.`` for each
assertion passed).

The sources come from a git repository of mruby (default: the bare mirror
../.mirror/mruby+mruby/repo... as found below) at a tag (default 4.0.0), or
from a folder holding test/assert.rb and test/t/ (``--source``).

Usage: python scripts/mruby_tests.py [--tag 4.0.0] [--mrbc PATH] [--mruby PATH]
                                     [--source DIR] [-j JOBS] [NAME ...]
"""

from __future__ import annotations

import argparse
import concurrent.futures
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MIRROR = Path("/work/.mirror/mruby+mruby/repo")
TOOLS_40 = ROOT.parent / "shared" / "tools" / "mruby-4.0.0" / "bin"
PRELUDE = "def t_print(*args)\n  print(*args)\n  nil\nend\n"
TIMEOUT = 300


class Sources:
    """test/assert.rb and test/t/*.rb of one mruby release."""

    def __init__(self, repo: Path | None, tag: str, folder: Path | None):
        self.repo, self.tag, self.folder = repo, tag, folder

    def read(self, path: str) -> bytes:
        if self.folder is not None:
            return (self.folder / path).read_bytes()
        return subprocess.run(["git", "-C", str(self.repo), "show", f"{self.tag}:{path}"],
                              capture_output=True, check=True).stdout

    def tests(self) -> list[str]:
        if self.folder is not None:
            return sorted(p.stem for p in (self.folder / "test" / "t").glob("*.rb"))
        out = subprocess.run(["git", "-C", str(self.repo), "ls-tree", "--name-only",
                              f"{self.tag}:test/t/"], capture_output=True, check=True).stdout
        return sorted(n[:-3] for n in out.decode().split() if n.endswith(".rb"))


_REPORT = {k: re.compile(rf"^\s*{k}: (\d+)$".encode(), re.M)
           for k in ("Total", "OK", "KO", "Crash", "Warning", "Skip")}


def counts(out: bytes) -> dict:
    """Assertion counts from a run's output; ``report`` False when it died first."""
    m = _REPORT["OK"].search(out)
    if m is not None:
        got = {k: int(r.search(out).group(1)) if r.search(out) else 0 for k, r in _REPORT.items()}
        got["report"] = True
        return got
    progress = out.split(b"\n", 1)[0]
    return {"Total": None, "OK": progress.count(b"."), "KO": progress.count(b"F"),
            "Crash": progress.count(b"X"), "Warning": progress.count(b"W"),
            "Skip": progress.count(b"?"), "report": False}


def run_one(name: str, src: Sources, mrbc: str, mruby: str, work: Path) -> dict:
    folder = work / name
    folder.mkdir()
    files = []
    for fname, text in (("prelude.rb", PRELUDE.encode()), ("assert.rb", src.read("test/assert.rb")),
                        (f"{name}.rb", src.read(f"test/t/{name}.rb")), ("report.rb", b"report\n")):
        (folder / fname).write_bytes(text)
        files.append(fname)
    p = subprocess.run([mrbc, "-g", "-o", f"{name}.mrb", *files], cwd=folder, capture_output=True)
    if p.returncode != 0:
        return {"name": name, "error": (p.stdout + p.stderr).decode("utf-8", "replace")}
    res = {"name": name}
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for who, cmd in (("mruby", [mruby, "-b", f"{name}.mrb"]),
                     ("riteload", [sys.executable, "-m", "riteload", "run", "--engine", "interp",
                                   f"{name}.mrb"])):
        try:
            r = subprocess.run(cmd, cwd=folder, capture_output=True, timeout=TIMEOUT, env=env,
                               stdin=subprocess.DEVNULL)
            res[who] = counts(r.stdout)
            res[who]["status"] = r.returncode
            res[who]["stderr"] = r.stderr.decode("utf-8", "replace").strip().splitlines()[-1:]
        except subprocess.TimeoutExpired:
            res[who] = {"OK": 0, "KO": 0, "Crash": 0, "report": False, "status": "timeout",
                        "stderr": []}
    return res


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("names", nargs="*")
    ap.add_argument("--tag", default="4.0.0")
    ap.add_argument("--repo", type=Path, default=MIRROR)
    ap.add_argument("--source", type=Path, default=None)
    ap.add_argument("--mrbc", default=str(TOOLS_40 / "mrbc"))
    ap.add_argument("--mruby", default=str(TOOLS_40 / "mruby"))
    ap.add_argument("-j", "--jobs", type=int, default=2)
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)
    src = Sources(args.repo, args.tag, args.source)
    names = args.names or src.tests()
    total = {"mruby": 0, "riteload": 0}
    with tempfile.TemporaryDirectory(prefix="mruby-tests-") as tmp:
        with concurrent.futures.ThreadPoolExecutor(max(1, args.jobs)) as ex:
            results = list(ex.map(lambda n: run_one(n, src, args.mrbc, args.mruby, Path(tmp)),
                                  names))
    print(f"{'test':<20} {'mruby OK':>9} {'riteload OK':>12}  notes")
    for r in results:
        if "error" in r:
            print(f"{r['name']:<20} {'-':>9} {'-':>12}  mrbc failed: {r['error'].strip()[:80]}")
            continue
        m, g = r["mruby"], r["riteload"]
        total["mruby"] += m["OK"]
        total["riteload"] += g["OK"]
        note = ""
        if not g["report"]:
            note = "riteload died: " + " ".join(g["stderr"])[:100]
        elif g["KO"] or g["Crash"]:
            note = f"KO {g['KO']} crash {g['Crash']}"
        print(f"{r['name']:<20} {m['OK']:>9} {g['OK']:>12}  {note}")
    print(f"{'total':<20} {total['mruby']:>9} {total['riteload']:>12}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
