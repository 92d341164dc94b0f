"""`riteload compare`: run one program under real mruby and under riteload, diff.

Ruby source is compiled with ``mrbc -g`` first (so both sides print line
numbers and backtraces); the .mrb is then run by ``mruby -b`` and by
``python -m riteload run``.  The output is a unified diff of stdout, stderr
and exit status; the exit status is 0 only when all three are identical.
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


def _run(cmd: list[str], cwd: str) -> tuple[str, str, int]:
    try:
        p = subprocess.run(cmd, cwd=cwd, capture_output=True, timeout=TIMEOUT)
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


def compare_command(path: str, engine: str = "native", mruby: str = "mruby",
                    mrbc: str = "mrbc") -> int:
    if not os.path.exists(path):
        raise RiteError("no such file", filename=path)
    mruby_path = _need(mruby)
    src = os.path.abspath(path)
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
        expected = _run([mruby_path, "-b", mrb], cwd=cwd)
        actual = _run([sys.executable, "-m", "riteload", "run", "--engine", engine, mrb], cwd=cwd)
    lines: list[str] = []
    lines += _diff("stdout", expected[0], actual[0])
    lines += _diff("stderr", expected[1], actual[1])
    lines += _diff("status", f"{expected[2]}\n", f"{actual[2]}\n")
    if lines:
        sys.stdout.writelines(line if line.endswith("\n") else line + "\n" for line in lines)
        return 1
    print(f"identical: stdout, stderr and exit status ({expected[2]}) match mruby")
    return 0
