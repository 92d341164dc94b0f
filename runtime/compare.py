"""`riteload compare`: run one program under real mruby and under riteload, diff.

Ruby source is compiled with ``mrbc -g`` first (so both sides print line
numbers and backtraces); the .mrb is then run by ``mruby -b`` and by
``python -m riteload run``, both with the same arguments (ARGV) and the
same bytes on standard input.  The output is a unified diff of stdout,
stderr and exit status; the exit status is 0 only when all three are
identical.

Arguments and input come from the command line (``riteload compare
[--stdin FILE] PROG ARGS...``), or, when neither is given, from the
sidecars of the fixture programs beside PROG (tests/fixture_io.py):
``NAME.args`` (one argument a line) and ``NAME.stdin`` (for a program of
``fixtures/mrb`` or ``fixtures/mruby40/mrb``, those of
``fixtures/programs``).  A program with a sidecar runs, as the fixture
tests run it, in a fresh folder of its own that holds only its .mrb, once
for each side, so files it writes under one do not show under the other;
so does every program given as Ruby source (its folder holds the .rb and
the .mrb).  A .mrb without sidecars runs in its own folder.  Without
sidecar or ``--stdin``, standard input is empty.

The reference is the mruby release the .mrb's format names (its header's
``RITE0300``, ``RITE0400``; riteload.versions gives the releases), run as
``REFERENCE`` finds it: ``mruby`` on PATH for RITE0300 (mruby 3.1, Debian's),
mruby 4.0.0 for RITE0400 (``$MRUBY40``, else
``../shared/tools/mruby-4.0.0/bin/mruby`` beside this checkout, where
tests/test_mruby40.py looks too).  A file whose format has no known binary
(RITE0200: mruby 3.0), or whose binary is absent, is one error line saying
how to get it; a file with no readable header goes to mruby on PATH, whose
load error the diff then shows.  ``--mruby PATH`` runs exactly that binary
instead, for every format.
"""

from __future__ import annotations

import difflib
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass

from riteload.errors import RiteError
from riteload.versions import DEFAULT, VERSIONS, RiteVersion

TIMEOUT = 120

#: the checkout this module is in, and the folder of shared tools beside it
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED_TOOLS = os.path.join(os.path.dirname(ROOT), "shared", "tools")

#: how to get Debian's mruby 3.1 (mruby and mrbc), the reference of RITE0300 files
APT_MRUBY = "install Debian's mruby (apt-get install -y mruby)"


@dataclass(frozen=True)
class Reference:
    """Where one mruby release's ``mruby`` is found when ``--mruby`` is not
    given: ``env`` (an environment variable naming the binary) when set,
    else ``default``, a path, or a bare name looked up on PATH."""

    release: str                # as riteload.versions names it: "3.1", "4.0"
    default: str
    get: str                    # how to get it, for the error when it is missing
    env: str | None = None

    def binary(self) -> str:
        """The path or name to run (not checked)."""
        return (os.environ.get(self.env) if self.env else None) or self.default


#: the reference binary of each mruby release compare knows, by release
#: (riteload.versions's ``releases``); the first release of a file's format
#: found here is the one it runs
REFERENCE = {r.release: r for r in (
    Reference("3.1", "mruby", APT_MRUBY),
    Reference("4.0", os.path.join(SHARED_TOOLS, "mruby-4.0.0", "bin", "mruby"),
              "build mruby 4.0.0 (tag 4.0.0 of github.com/mruby/mruby, its default build: "
              "rake) and put its bin/mruby there, or set MRUBY40 to it",
              env="MRUBY40"),
)}


def _run(cmd: list[str], cwd: str, stdin: bytes = b"", env=None) -> tuple[str, str, int]:
    try:
        p = subprocess.run(cmd, cwd=cwd, input=stdin, capture_output=True, timeout=TIMEOUT,
                           env=env)
    except subprocess.TimeoutExpired:
        return "", f"(timed out after {TIMEOUT}s)\n", -1
    except OSError as e:        # passed the checks of _tool, yet the kernel will not run it
        raise RiteError(f"cannot run it: {e.strerror}", filename=cmd[0]) from None
    return (p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace"),
            p.returncode)


def _tool(given: str, what: str, get: str) -> str:
    """The absolute path of executable ``given``: a bare name is looked up on
    PATH, anything else is taken as it is (relative to this process's
    folder: the sides run elsewhere).  Missing or not executable: one
    RiteError line naming it, ``what`` it was to be, and how to ``get`` it."""
    if "/" not in given:
        path = shutil.which(given)
        if path is None:
            raise RiteError(f"not found on PATH ({what}): {get}", filename=given)
        return path
    path = os.path.abspath(given)
    if not os.path.exists(path):
        raise RiteError(f"no such file ({what}): {get}", filename=given)
    if os.path.isdir(path) or not os.access(path, os.X_OK):
        raise RiteError(f"not an executable file ({what}): {get}", filename=given)
    return path


def rite_format(path: str) -> RiteVersion | None:
    """The format a .mrb file's header names; None when the file cannot be
    read or names no format riteload knows."""
    try:
        with open(path, "rb") as f:
            head = f.read(8)
    except OSError:
        return None
    if head[:4] != b"RITE":
        return None
    return VERSIONS.get(head[4:].decode("ascii", "replace"))


def reference_for(spec: RiteVersion) -> Reference | None:
    """The reference mruby of a format: its first release that has one."""
    return next((REFERENCE[r] for r in spec.releases if r in REFERENCE), None)


def reference_mruby(mrb: str, given: str | None = None, name: str | None = None) -> str:
    """The mruby binary to compare program ``mrb`` (a .mrb file; ``name``
    in messages) with: ``given`` exactly, else the one of the release its
    format names (a file that names none: mruby on PATH, which will refuse
    it as riteload does)."""
    spec = rite_format(mrb) or DEFAULT
    ref = reference_for(spec)
    if given is not None:
        return _tool(given, "--mruby", (ref.get if ref else APT_MRUBY)
                     + ", or give --mruby the path of an mruby binary")
    if ref is None:
        raise RiteError(f"{spec.ident} files are mruby {spec.releases[0]}'s, and compare knows "
                        f"no binary of it: give one with --mruby PATH", filename=name or mrb)
    via = f", from ${ref.env}" if ref.env and os.environ.get(ref.env) else ""
    return _tool(ref.binary(), f"mruby {ref.release}, which {spec.ident} files are compared "
                 f"with{via}", ref.get + ", or give --mruby PATH")


def _diff(what: str, expected: str, actual: str) -> list[str]:
    if expected == actual:
        return []
    return list(difflib.unified_diff(expected.splitlines(keepends=True),
                                     actual.splitlines(keepends=True),
                                     fromfile=f"mruby/{what}", tofile=f"riteload/{what}"))


def sidecars(path: str) -> tuple[list[str] | None, bytes | None]:
    """The arguments (``NAME.args``: one a line, an empty line an empty
    argument) and standard input (``NAME.stdin``) beside program ``path``
    (``NAME.rb``, ``NAME.mrb`` or ``NAME.g.mrb``); None for a missing one."""
    folder, base = os.path.split(path)
    stem = base
    for suffix in (".rb", ".mrb", ".g"):
        stem = stem.removesuffix(suffix)
    if os.path.basename(folder) == "mrb":
        # fixtures/mrb/NAME.mrb (and fixtures/mruby40/mrb/NAME.mrb, the same programs
        # compiled by mruby 4.0.0): the sidecars are in fixtures/programs
        up = os.path.dirname(folder)
        for programs in (os.path.join(up, "programs"),
                         os.path.join(os.path.dirname(up), "programs")):
            if os.path.isdir(programs):
                folder = programs
                break
    args = stdin = None
    args_file = os.path.join(folder, stem + ".args")
    if os.path.exists(args_file):
        with open(args_file, "rb") as f:
            lines = f.read().decode("utf-8", "surrogateescape").split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        args = lines
    stdin_file = os.path.join(folder, stem + ".stdin")
    if os.path.exists(stdin_file):
        with open(stdin_file, "rb") as f:
            stdin = f.read()
    return args, stdin


def _read_stdin(stdin: str | None) -> bytes | None:
    """The bytes of ``--stdin FILE`` (``-``: this process's standard input)."""
    if stdin is None:
        return None
    if stdin == "-":
        return sys.stdin.buffer.read()
    try:
        with open(stdin, "rb") as f:
            return f.read()
    except OSError as e:
        raise RiteError(f"cannot read standard input file: {e.strerror}",
                        filename=stdin) from None


def _run_side(cmd: list[str], cwd: str, stdin: bytes, copies: list[str], env=None):
    """Run ``cmd`` in ``cwd``, or, given ``copies``, in a fresh folder
    holding only copies of those files (the command names them without a
    folder), so what one side writes the other does not see."""
    if not copies:
        return _run(cmd, cwd, stdin, env)
    with tempfile.TemporaryDirectory(prefix="riteload-compare-run-") as tmp:
        for f in copies:
            shutil.copyfile(f, os.path.join(tmp, os.path.basename(f)))
        return _run(cmd, tmp, stdin, env)


def _this_checkout_env() -> dict:
    """The environment for ``python -m riteload`` run from another folder:
    this checkout first on PYTHONPATH (the riteload being compared, not
    another copy that may be installed)."""
    env = dict(os.environ)
    old = env.get("PYTHONPATH")
    env["PYTHONPATH"] = ROOT + (os.pathsep + old if old else "")
    return env


def compare_command(path: str, engine: str = "native", mruby: str | None = None,
                    mrbc: str = "mrbc", args: list[str] | None = None,
                    stdin: str | None = None) -> int:
    """Diff ``riteload run`` against ``mruby -b`` on one program.  ``mruby``:
    the binary to run (None: the release the program's format names, see
    the module docstring); ``args``: the program's arguments; ``stdin``: a
    file whose bytes both read on standard input (``-`` for this
    process's); when both are None the program's sidecars give them."""
    if not os.path.exists(path):
        raise RiteError("no such file", filename=path)
    if mruby is not None:       # checked before anything runs
        mruby = reference_mruby(os.path.abspath(path), mruby)
    src = os.path.abspath(path)
    data = _read_stdin(stdin)
    scratch = False
    if not args and data is None:
        side_args, side_stdin = sidecars(src)
        scratch = side_args is not None or side_stdin is not None
        args = side_args if side_args is not None else []
        data = side_stdin
    args = list(args or [])
    data = data if data is not None else b""
    with tempfile.TemporaryDirectory(prefix="riteload-compare-") as tmp:
        if src.endswith(".rb"):
            # compile beside a copy so the file name recorded in debug info is the bare name
            base = os.path.basename(src)
            shutil.copy(src, os.path.join(tmp, base))
            mrb = os.path.join(tmp, base[:-3] + ".mrb")
            mrbc_path = _tool(mrbc, "mrbc, which compiles the .rb" if mrbc == "mrbc"
                              else "--mrbc", APT_MRUBY)
            out, err, status = _run([mrbc_path, "-g", "-o", mrb, base], cwd=tmp)
            if status != 0:
                sys.stderr.write(err)
                raise RiteError(f"mrbc failed with status {status}", filename=path)
        else:
            mrb = src
        cwd = os.path.dirname(mrb)
        if src.endswith(".rb"):
            copies = [os.path.join(tmp, base), mrb]     # each side gets a folder of its own
        else:
            copies = [mrb] if scratch else []
        prog = os.path.basename(mrb) if copies else mrb
        mruby_path = mruby or reference_mruby(mrb, name=path)
        expected = _run_side([mruby_path, "-b", prog, *args], cwd, data, copies)
        actual = _run_side([sys.executable, "-m", "riteload", "run", "--engine", engine,
                            prog, *args], cwd, data, copies, _this_checkout_env())
    lines: list[str] = []
    lines += _diff("stdout", expected[0], actual[0])
    lines += _diff("stderr", expected[1], actual[1])
    lines += _diff("status", f"{expected[2]}\n", f"{actual[2]}\n")
    if lines:
        sys.stdout.writelines(line if line.endswith("\n") else line + "\n" for line in lines)
        return 1
    print(f"identical: stdout, stderr and exit status ({expected[2]}) match mruby")
    return 0
