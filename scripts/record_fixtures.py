#!/usr/bin/env python3
"""Regenerate fixtures/mrb and fixtures/expected from real mruby 3.1.0
(or fixtures/mruby40/mrb and fixtures/mruby40/expected from mruby 4.0.0,
with ``--release 4.0``).

For every fixtures/programs/NAME.rb this script

- compiles it twice, with the program folder as the working directory so that
  the file name recorded in debug info is the bare ``NAME.rb``::

      mrbc    -o fixtures/mrb/NAME.mrb   NAME.rb
      mrbc -g -o fixtures/mrb/NAME.g.mrb NAME.rb

- runs ``mruby -b NAME.mrb`` (and ``NAME.g.mrb``) with fixtures/mrb as the
  working directory and writes what it printed to
  fixtures/expected/NAME[.g].stdout, NAME[.g].stderr and NAME[.g].status
  (the exit status as decimal text and a newline).  Standard input is empty,
  unless the program has sidecar files (tests/fixture_io.py): NAME.args (its
  arguments, one per line) and NAME.stdin (its standard input); such a
  program runs in a fresh scratch folder of its own, for each run;

- runs ``mruby -v -b NAME[.g].mrb`` and writes fixtures/expected/NAME[.g].disasm:
  that output minus its first (version) line and minus the program's own
  stdout at the end, the convention of ../shared/mrb/README.md.  The listing
  prints irep addresses; the run is made under ``setarch -R`` (no address
  space randomisation) when that works, so the addresses, and therefore the
  files, are the same from one run to the next;

- writes ``mruby --version`` to fixtures/expected/VERSION.

With ``--release 4.0`` the same is done with mruby 4.0.0's binaries
(default: ../shared/tools/mruby-4.0.0/bin) into fixtures/mruby40/mrb and
fixtures/mruby40/expected: the fixture programs as mruby 4.0.0 compiles and
runs them (tests/test_mruby40.py).

It refuses to run unless mruby and mrbc are the release's (3.1.0 or 4.0.0).  A program that fails to
compile, or times out, or whose stdout differs between the plain and the
listing run (a sign of nondeterminism), is an error: nothing about that
program is written and the script exits with status 1 after the others.
Outputs are only rewritten when their content changes, and outputs of
programs that no longer exist are removed, so running it twice is a no-op.

Usage: python scripts/record_fixtures.py [--release 3.1|4.0] [-j JOBS] [NAME ...]
"""

from __future__ import annotations

import argparse
import concurrent.futures
import os
import platform
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests"))
from fixture_io import ProgramIO, program_io  # noqa: E402 - the tests' module, beside this one

FIXTURES = os.path.join(ROOT, "fixtures")
PROGRAMS = os.path.join(FIXTURES, "programs")
MRB = os.path.join(FIXTURES, "mrb")
EXPECTED = os.path.join(FIXTURES, "expected")

WANT_VERSION = "3.1.0"


class Release:
    """Where one mruby release's recordings go and which tools make them."""

    def __init__(self, version: str, mrb: str, expected: str, mruby: str, mrbc: str):
        self.version, self.mrb, self.expected = version, mrb, expected
        self.mruby, self.mrbc = mruby, mrbc


SHARED_40 = os.path.join(os.path.dirname(ROOT), "shared", "tools", "mruby-4.0.0", "bin")
RELEASES = {
    "3.1": Release("3.1.0", MRB, EXPECTED, "mruby", "mrbc"),
    "4.0": Release("4.0.0", os.path.join(FIXTURES, "mruby40", "mrb"),
                   os.path.join(FIXTURES, "mruby40", "expected"),
                   os.path.join(SHARED_40, "mruby"), os.path.join(SHARED_40, "mrbc")),
}
TIMEOUT = 120          # seconds for one mruby run
COMPILE_TIMEOUT = 120  # seconds for one mrbc run

# every file this script writes for a program NAME ends with one of these
MRB_SUFFIXES = (".mrb", ".g.mrb")
EXPECTED_SUFFIXES = tuple(
    g + ext for g in ("", ".g") for ext in (".stdout", ".stderr", ".status", ".disasm"))


class RecordError(Exception):
    pass


def run(cmd, cwd, timeout=TIMEOUT, stdin: bytes = b""):
    try:
        p = subprocess.run(cmd, cwd=cwd, capture_output=True, timeout=timeout, input=stdin)
    except subprocess.TimeoutExpired:
        raise RecordError(f"{' '.join(cmd)}: timed out after {timeout}s (in {cwd})") from None
    return p.stdout, p.stderr, p.returncode


def tool_version(tool: str) -> str:
    out, err, status = run([tool, "--version"], cwd=ROOT, timeout=30)
    return (out + err).decode("utf-8", "replace")


def norandom_prefix() -> list[str]:
    """``setarch ARCH -R`` if it works here, else nothing."""
    setarch = shutil.which("setarch")
    if not setarch:
        return []
    prefix = [setarch, platform.machine(), "-R"]
    try:
        p = subprocess.run(prefix + ["true"], capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return []
    return prefix if p.returncode == 0 else []


def write_if_changed(path: str, data: bytes) -> bool:
    try:
        with open(path, "rb") as f:
            if f.read() == data:
                return False
    except FileNotFoundError:
        pass
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)
    return True


def record_one(name: str, mrbc: str, mruby: str, prefix: list[str]) -> tuple[str, list[str]]:
    """Compile and run one program; return (name, list of files changed)."""
    src = name + ".rb"
    outputs: dict[str, bytes] = {}
    with_tmp = []
    try:
        for g, flags in (("", []), (".g", ["-g"])):
            mrb_name = f"{name}{g}.mrb"
            tmp_mrb = os.path.join(MRB, f".{mrb_name}.new")
            with_tmp.append(tmp_mrb)
            out, err, status = run([mrbc, *flags, "-o", tmp_mrb, src], cwd=PROGRAMS,
                                   timeout=COMPILE_TIMEOUT)
            if status != 0 or not os.path.exists(tmp_mrb):
                command = " ".join(["mrbc", *flags])
                raise RecordError(f"{src}: {command} failed with status {status}:\n"
                                  + (out + err).decode("utf-8", "replace"))
            with open(tmp_mrb, "rb") as f:
                binary = f.read()
            # run from the mrb folder under the final name (a fresh scratch
            # folder for each run of a program with sidecars)
            pio = program_io(name)
            stdout, stderr, status = run_program(binary, mrb_name, [mruby, "-b"], pio,
                                                 with_tmp, f".run-{name}{g}")
            vout, _verr, vstatus = run_program(binary, mrb_name, [*prefix, mruby, "-v", "-b"],
                                               pio, with_tmp, f".run-{name}{g}")
            lines = vout.split(b"\n", 1)
            if not lines[0].startswith(b"mruby " + WANT_VERSION.encode()):
                raise RecordError(f"{mrb_name}: unexpected first line of mruby -v: {lines[0]!r}")
            listing_and_out = lines[1] if len(lines) > 1 else b""
            if not listing_and_out.endswith(stdout) or vstatus != status:
                raise RecordError(f"{mrb_name}: mruby -v -b printed a different program output "
                                  f"(or status {vstatus} != {status}) than mruby -b: "
                                  "is the program deterministic?")
            disasm = listing_and_out[:len(listing_and_out) - len(stdout)]
            outputs[os.path.join(MRB, mrb_name)] = binary
            outputs[os.path.join(EXPECTED, f"{name}{g}.stdout")] = stdout
            outputs[os.path.join(EXPECTED, f"{name}{g}.stderr")] = stderr
            outputs[os.path.join(EXPECTED, f"{name}{g}.status")] = f"{status}\n".encode()
            outputs[os.path.join(EXPECTED, f"{name}{g}.disasm")] = disasm
            if status < 0 or status > 1:
                # mruby exits 0 or 1; anything else (a signal) is worth a look
                print(f"warning: {mrb_name} exited with status {status}", file=sys.stderr)
    finally:
        for p in with_tmp:
            if os.path.isdir(p):
                shutil.rmtree(p, ignore_errors=True)
            elif os.path.exists(p):
                os.unlink(p)
    changed = [os.path.relpath(p, ROOT) for p, data in outputs.items() if write_if_changed(p, data)]
    return name, changed


def run_program(binary: bytes, mrb_name: str, cmd: list[str], pio: ProgramIO,
                with_tmp: list, run_name: str):
    """``cmd MRB_NAME ARGS...`` with the program's stdin, in a folder holding
    only the .mrb: fixtures/mrb/RUN_NAME, or a scratch folder for a program
    with sidecars."""
    if pio.scratch:
        run_dir = tempfile.mkdtemp(prefix=f"record-{run_name.lstrip('.')}-")
    else:
        run_dir = os.path.join(MRB, run_name)
        os.makedirs(run_dir, exist_ok=True)
    with_tmp.append(run_dir)
    try:
        with open(os.path.join(run_dir, mrb_name), "wb") as f:
            f.write(binary)
        return run([*cmd, mrb_name, *pio.args], cwd=run_dir, stdin=pio.stdin)
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)


def remove_stale(names: set[str]) -> list[str]:
    """Delete recorded files whose program no longer exists in fixtures/programs."""
    removed = []
    for folder, suffixes in ((MRB, MRB_SUFFIXES), (EXPECTED, EXPECTED_SUFFIXES)):
        keep = {n + suf for n in names for suf in suffixes}
        for entry in sorted(os.listdir(folder)):
            if entry.endswith(suffixes) and entry not in keep and not entry.startswith("."):
                os.unlink(os.path.join(folder, entry))
                removed.append(os.path.relpath(os.path.join(folder, entry), ROOT))
    return removed


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("names", nargs="*", help="record only these programs (default: all)")
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--release", choices=sorted(RELEASES), default="3.1",
                    help="the release to record (default 3.1: fixtures/mrb, fixtures/expected)")
    ap.add_argument("--mruby", default=None)
    ap.add_argument("--mrbc", default=None)
    args = ap.parse_args(argv)
    global MRB, EXPECTED, WANT_VERSION
    rel = RELEASES[args.release]
    MRB, EXPECTED, WANT_VERSION = rel.mrb, rel.expected, rel.version
    args.mruby = args.mruby or rel.mruby
    args.mrbc = args.mrbc or rel.mrbc

    mruby = shutil.which(args.mruby)
    mrbc = shutil.which(args.mrbc)
    if not mruby or not mrbc:
        print(f"record_fixtures: {args.mruby} and {args.mrbc} must exist "
              "(mruby 3.1, Debian: apt-get install -y mruby)", file=sys.stderr)
        return 2
    version = tool_version(mruby)
    cversion = tool_version(mrbc)
    for tool, v in (("mruby", version), ("mrbc", cversion)):
        if not v.startswith(f"mruby {WANT_VERSION} "):
            print(f"record_fixtures: {tool} --version says {v.strip()!r}; "
                  f"these fixtures are recorded with mruby {WANT_VERSION} only", file=sys.stderr)
            return 2

    os.makedirs(MRB, exist_ok=True)
    os.makedirs(EXPECTED, exist_ok=True)
    all_names = sorted(f[:-3] for f in os.listdir(PROGRAMS) if f.endswith(".rb"))
    names = args.names or all_names
    missing = [n for n in names if n not in all_names]
    if missing:
        print(f"record_fixtures: no such program(s): {', '.join(missing)}", file=sys.stderr)
        return 2
    prefix = norandom_prefix()
    if not prefix:
        print("warning: setarch -R unavailable; irep addresses in .disasm files will vary",
              file=sys.stderr)

    changed: list[str] = []
    errors: list[str] = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as ex:
        futs = {ex.submit(record_one, n, mrbc, mruby, prefix): n for n in names}
        for fut in concurrent.futures.as_completed(futs):
            try:
                _, ch = fut.result()
                changed += ch
            except RecordError as e:
                errors.append(str(e))
    if write_if_changed(os.path.join(EXPECTED, "VERSION"), version.encode()):
        changed.append(os.path.relpath(os.path.join(EXPECTED, "VERSION"), ROOT))
    removed = remove_stale(set(all_names)) if not args.names else []

    for p in sorted(changed):
        print(f"wrote {p}")
    for p in removed:
        print(f"removed {p}")
    print(f"{len(names)} program(s), {len(changed)} file(s) written, {len(removed)} removed, "
          f"{len(errors)} error(s)")
    for e in errors:
        print(f"error: {e}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
