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
``fixtures/mrb``, those of ``fixtures/programs``).  A program with a
sidecar runs, as the fixture tests run it, in a fresh folder of its own
that holds only its .mrb, once for each side, so files it writes under
one do not show under the other; so does every program given as Ruby
source (its folder holds the .rb and the .mrb).  A .mrb without sidecars
runs in its own folder.  Without sidecar or ``--stdin``, standard input
is empty.
"""

from __future__ import annotations

import difflib
import os
import shutil
import subprocess
import sys
import tempfile

from riteload.errors import RiteError

TIMEOUT = 120


def _run(cmd: list[str], cwd: str, stdin: bytes = b"", env=None) -> tuple[str, str, int]:
    try:
        p = subprocess.run(cmd, cwd=cwd, input=stdin, capture_output=True, timeout=TIMEOUT,
                           env=env)
    except subprocess.TimeoutExpired:
        return "", f"(timed out after {TIMEOUT}s)\n", -1
    return (p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace"),
            p.returncode)


def _need(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        raise RiteError(f"{tool!r} not found on PATH "
                        "(install Debian's mruby: apt-get install -y mruby)")
    return path


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
    programs = os.path.join(os.path.dirname(folder), "programs")
    if os.path.basename(folder) == "mrb" and os.path.isdir(programs):
        folder = programs       # fixtures/mrb/NAME.mrb: the sidecars are in fixtures/programs
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
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    old = env.get("PYTHONPATH")
    env["PYTHONPATH"] = root + (os.pathsep + old if old else "")
    return env


def compare_command(path: str, engine: str = "native", mruby: str = "mruby",
                    mrbc: str = "mrbc", args: list[str] | None = None,
                    stdin: str | None = None) -> int:
    """Diff ``riteload run`` against ``mruby -b`` on one program.  ``args``:
    the program's arguments; ``stdin``: a file whose bytes both read on
    standard input (``-`` for this process's); when both are None the
    program's sidecars give them (see the module docstring)."""
    if not os.path.exists(path):
        raise RiteError("no such file", filename=path)
    mruby_path = _need(mruby)
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
            out, err, status = _run([_need(mrbc), "-g", "-o", mrb, base], cwd=tmp)
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
