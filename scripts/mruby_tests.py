#!/usr/bin/env python3
"""Run mruby's own tests (test/t/*.rb, or a gem's) under riteload and under mruby.

Each test file is compiled by ``mrbc`` together with mruby's test/assert.rb,
as mruby's test runner (mrbtest) loads them: a small prelude defines
``t_print`` (a C function of mrbtest's driver), then assert.rb, the test file
and a last line calling ``report``.  The .mrb runs under ``mruby -b`` and
under ``riteload run --engine E`` (``--engine interp``, ``native`` or
``both``); the counts of assertions passed (``OK``), failed (``KO``) and
crashed are read from assert.rb's report (or, when a run dies before it,
from the progress characters: ``.`` for each assertion passed).

``--gem NAME`` runs the files of mrbgems/NAME/test/ instead, each on its own
as mrbtest runs them (a fresh state per file, ``GEMNAME`` set).  The C
helpers mrbtest links into a gem's tests (mruby-socket's ``SocketTest``,
mruby-io's ``MRubyIOTestUtil``) are stood in for by Ruby in the prelude
(``GEM_PRELUDES``), the same for mruby and for riteload, so the counts
compare.

The sources come from a git repository of mruby (default: the bare mirror
../.mirror/mruby+mruby/repo... as found below) at a tag (default 4.0.0), or
from a folder holding test/assert.rb and test/t/ (``--source``).  The
reference binaries default to mruby 4.0.0's (../shared/tools) for a 4.x tag
and to ``mrbc``/``mruby`` on PATH (Debian's mruby 3.1) for another.

Usage: python scripts/mruby_tests.py [--tag 4.0.0] [--gem NAME] [--mrbc PATH]
                                     [--mruby PATH] [--engine interp|native|both]
                                     [--source DIR] [-j JOBS] [NAME ...]

For example ``python scripts/mruby_tests.py --tag 3.1.0 --gem mruby-socket
--engine both``.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MIRROR = Path("/work/.mirror/mruby+mruby/repo")
TOOLS_40 = ROOT.parent / "shared" / "tools" / "mruby-4.0.0" / "bin"
# mrbtest's driver (mrbgems/mruby-test/driver.c, mrb_init_test_driver) defines
# t_print and Mrbtest::FLOAT_TOLERANCE (1e-10 for double floats), which
# assert.rb's assert_float reads
PRELUDE = ("def t_print(*args)\n  print(*args)\n  nil\nend\n"
           "module Mrbtest\n  FLOAT_TOLERANCE = 1e-10\nend\n")
TIMEOUT = 300
ENGINES = {"interp": ("interp",), "native": ("native",), "both": ("interp", "native")}

# Ruby stand-ins for the C helpers mrbtest links into a gem's tests
# (mrbgems/NAME/test/*.c), doing what they do with what mruby-io and
# mruby-socket give both sides: temporary names from mktemp(1) (mkstemp's
# template), the files themselves through File and Socket.
_SOCKET_TEST = """\
module SocketTest
  # sockettest.c: mkstemp("mruby-socket.XXXXXXXX"), closed and unlinked
  def self.tmppath
    path = `mktemp mruby-socket.XXXXXXXX`.chomp
    File.unlink(path)
    path
  end

  def self.win?
    false
  end

  def self.cygwin?
    false
  end
end
"""

_IO_TEST = """\
module MRubyIOTestUtil
  # Debian's mruby 3.1 is built with IO#pread and IO#pwrite
  MRB_WITH_IO_PREAD_PWRITE = true

  # mruby_io_test.c: four mkstemp names under $TMPDIR (umask 077); the
  # first holds the message, the third becomes a symlink to the first and
  # the fourth a bound AF_UNIX socket
  def self.io_test_setup
    $mrbtest_io_msg = "mruby io test\\n"
    mask = File.umask(077)
    names = %w[rf wf symlink socket].map do |n|
      `mktemp "${TMPDIR:-/tmp}/mrbtest_io_#{n}name.XXXXXXXX"`.chomp
    end
    File.umask(mask)
    $mrbtest_io_rfname, $mrbtest_io_wfname, $mrbtest_io_symlinkname, $mrbtest_io_socketname = names
    File.open($mrbtest_io_rfname, "wb") { |f| f.write $mrbtest_io_msg }
    File.open($mrbtest_io_wfname, "wb") { }
    File.unlink($mrbtest_io_symlinkname)
    File.symlink(File.basename($mrbtest_io_rfname), $mrbtest_io_symlinkname)
    File.unlink($mrbtest_io_socketname)
    mask = File.umask(077)
    sock = Socket.new(Socket::AF_UNIX, Socket::SOCK_STREAM, 0)
    sock.bind(Socket.sockaddr_un($mrbtest_io_socketname))
    sock.close
    File.umask(mask)
    true
  end

  def self.io_test_cleanup
    [$mrbtest_io_rfname, $mrbtest_io_wfname, $mrbtest_io_symlinkname,
     $mrbtest_io_socketname].each do |name|
      File.unlink(name) rescue nil if name.is_a?(String)
    end
    $mrbtest_io_rfname = $mrbtest_io_wfname = $mrbtest_io_symlinkname = nil
    $mrbtest_io_socketname = $mrbtest_io_msg = nil
    nil
  end

  def self.mkdtemp(template)
    path = `mktemp -d '#{template}'`.chomp
    raise RuntimeError, "mkdtemp" if path.empty?
    path
  end

  def self.rmdir(path)
    `rmdir '#{path}' 2>/dev/null`
    raise RuntimeError, "rmdir" if File.exist?(path)
    true
  end

  def self.win?
    false
  end
end
"""

GEM_PRELUDES = {"mruby-socket": _SOCKET_TEST, "mruby-io": _IO_TEST}


class Sources:
    """test/assert.rb and test/t/*.rb of one mruby release."""

    def __init__(self, repo: Path | None, tag: str, folder: Path | None, gem: str | None = None):
        self.repo, self.tag, self.folder, self.gem = repo, tag, folder, gem
        self.test_dir = f"mrbgems/{gem}/test" if gem else "test/t"

    def prelude(self) -> bytes:
        """What mrbtest defines before assert.rb, in Ruby."""
        if not self.gem:
            return PRELUDE.encode()
        return (PRELUDE + GEM_PRELUDES.get(self.gem, "")).encode()

    def epilogue(self) -> bytes:
        """What runs after assert.rb: mrbtest sets GEMNAME for a gem's files."""
        return f"GEMNAME = {self.gem!r}\n".encode() if self.gem else b""

    def read(self, path: str) -> bytes:
        if self.folder is not None:
            return (self.folder / path).read_bytes()
        return subprocess.run(["git", "-C", str(self.repo), "show", f"{self.tag}:{path}"],
                              capture_output=True, check=True).stdout

    def tests(self) -> list[str]:
        if self.folder is not None:
            return sorted(p.stem for p in (self.folder / self.test_dir).glob("*.rb"))
        out = subprocess.run(["git", "-C", str(self.repo), "ls-tree", "--name-only",
                              f"{self.tag}:{self.test_dir}/"], capture_output=True,
                             check=True).stdout
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


def run_one(name: str, src: Sources, mrbc: str, mruby: str, work: Path,
            engines=("interp",)) -> dict:
    folder = work / name
    folder.mkdir()
    files = []
    for fname, text in (("prelude.rb", src.prelude()),
                        ("assert.rb", src.read("test/assert.rb") + src.epilogue()),
                        (f"{name}.rb", src.read(f"{src.test_dir}/{name}.rb")),
                        ("report.rb", b"report\n")):
        (folder / fname).write_bytes(text)
        files.append(fname)
    p = subprocess.run([mrbc, "-g", "-o", f"{name}.mrb", *files], cwd=folder, capture_output=True)
    if p.returncode != 0:
        return {"name": name, "error": (p.stdout + p.stderr).decode("utf-8", "replace")}
    res = {"name": name}
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(folder)}
    runs = [("mruby", [mruby, "-b", f"{name}.mrb"])]
    runs += [(engine, [sys.executable, "-m", "riteload", "run", "--engine", engine,
                       f"{name}.mrb"]) for engine in engines]
    for who, cmd in runs:
        try:
            r = subprocess.run(cmd, cwd=folder, capture_output=True, timeout=TIMEOUT, env=env,
                               stdin=subprocess.DEVNULL)
            res[who] = counts(r.stdout)
            res[who]["status"] = r.returncode
            res[who]["stderr"] = r.stderr.decode("utf-8", "replace").strip().splitlines()[-1:]
            lines = r.stdout.decode("utf-8", "replace").splitlines()[1:]
            ends = [i for i, line in enumerate(lines) if line.startswith("  Total:")]
            res[who]["failures"] = lines[:ends[0] if ends else None][:40]
        except subprocess.TimeoutExpired:
            res[who] = {"OK": 0, "KO": 0, "Crash": 0, "report": False, "status": "timeout",
                        "stderr": []}
    return res


def reference_tools(tag: str, mrbc: str | None, mruby: str | None) -> tuple[str, str]:
    """The mrbc and mruby to compare with: mruby 4.0.0's for a 4.x tag, else PATH's."""
    if tag.startswith("4."):
        defaults = (str(TOOLS_40 / "mrbc"), str(TOOLS_40 / "mruby"))
    else:
        defaults = (shutil.which("mrbc") or "/usr/bin/mrbc",
                    shutil.which("mruby") or "/usr/bin/mruby")
    return mrbc or defaults[0], mruby or defaults[1]


def figures(c: dict) -> str:
    """OK/KO/crash/total, the total read from the report or '?' when it died first."""
    total = c.get("Total")
    return f"{c['OK']}/{c['KO']}/{c['Crash']}/{'?' if total is None else total}"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("names", nargs="*")
    ap.add_argument("--tag", default="4.0.0")
    ap.add_argument("--gem", default=None, help="run mrbgems/GEM/test/*.rb instead of test/t")
    ap.add_argument("--repo", type=Path, default=MIRROR)
    ap.add_argument("--source", type=Path, default=None)
    ap.add_argument("--mrbc", default=None)
    ap.add_argument("--mruby", default=None)
    ap.add_argument("--engine", choices=sorted(ENGINES), default="interp")
    ap.add_argument("-j", "--jobs", type=int, default=2)
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)
    mrbc, mruby = reference_tools(args.tag, args.mrbc, args.mruby)
    engines = ENGINES[args.engine]
    src = Sources(args.repo, args.tag, args.source, args.gem)
    names = args.names or src.tests()
    with tempfile.TemporaryDirectory(prefix="mruby-tests-") as tmp:
        with concurrent.futures.ThreadPoolExecutor(max(1, args.jobs)) as ex:
            results = list(ex.map(lambda n: run_one(n, src, mrbc, mruby, Path(tmp), engines),
                                  names))
    sides = ("mruby", *engines)
    print(f"{'test':<20} " + " ".join(f"{w + ' OK/KO/crash/total':>27}" for w in sides) + "  notes")
    total = {w: {"OK": 0, "KO": 0, "Crash": 0, "Total": 0} for w in sides}
    for r in results:
        if "error" in r:
            print(f"{r['name']:<20} mrbc failed: {r['error'].strip()[:80]}")
            continue
        notes = []
        for w in sides:
            for k in ("OK", "KO", "Crash"):
                total[w][k] += r[w][k]
            if r[w].get("Total") is None:
                total[w]["Total"] = None
            elif total[w]["Total"] is not None:
                total[w]["Total"] += r[w]["Total"]
            if not r[w]["report"]:
                notes.append(f"{w} died: " + " ".join(r[w]["stderr"])[:100])
        print(f"{r['name']:<20} " + " ".join(f"{figures(r[w]):>27}" for w in sides)
              + ("  " + "; ".join(notes) if notes else ""))
        if args.verbose:
            for w in sides:
                for line in r[w].get("failures", []):
                    print(f"    {w}: {line}")
    print(f"{'total':<20} " + " ".join(f"{figures(total[w]):>27}" for w in sides))
    return 0


if __name__ == "__main__":
    sys.exit(main())
