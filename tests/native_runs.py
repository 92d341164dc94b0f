"""``riteload run`` of many programs at once, in forked children of the test
process (the imports are paid once): what the fixture tests of both
formats (tests/test_native.py, tests/test_mruby40.py) share."""

from __future__ import annotations

import os
import sys

from fixture_io import program_io, stdin_fd

JOBS = max(2, os.cpu_count() or 2)
TIMEOUT = 120

EAGER = {"RITELOAD_NATIVE_HOT_CALLS": "1"}    # translate every irep on first use


def run_many(jobs: list[tuple], timeout: float = TIMEOUT,
             env: dict | None = None) -> list:
    """``riteload run`` for many (file, options[, ProgramIO]) jobs: forked
    children of this process (the imports are paid once), ``JOBS`` at a
    time, with ``env`` added to their environment.  A job's ProgramIO
    (tests/fixture_io.py; by default the sidecars of a fixture of that name)
    gives the program's arguments and standard input and, with ``scratch``,
    runs it in a fresh folder holding a copy of the file.  Results are
    (stdout, stderr, status) with status None on a timeout, in job order."""
    import shutil
    import signal
    import tempfile
    import time

    import runtime.main  # noqa: F401 - imported before forking
    from riteload.cli import main as cli_main

    results: list = [None] * len(jobs)
    running: dict[int, tuple[int, float, str, str, str | None]] = {}
    todo = list(range(len(jobs)))
    tmp = tempfile.mkdtemp(prefix="native-runs-")

    def reap(pid, status_word, idx, out, err, scratch):
        code = os.waitstatus_to_exitcode(status_word) if status_word is not None else None
        with open(out, "rb") as f1, open(err, "rb") as f2:
            results[idx] = (f1.read(), f2.read(), code)
        os.unlink(out)
        os.unlink(err)
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)

    while todo or running:
        while todo and len(running) < JOBS:
            idx = todo.pop(0)
            path, args = jobs[idx][:2]
            pio = jobs[idx][2] if len(jobs[idx]) > 2 else program_io(path.name)
            out, err = os.path.join(tmp, f"{idx}.out"), os.path.join(tmp, f"{idx}.err")
            scratch = None
            if pio.scratch:
                scratch = tempfile.mkdtemp(prefix=f"native-{path.stem}-")
                shutil.copyfile(path, os.path.join(scratch, path.name))
            pid = os.fork()
            if pid == 0:                                    # child
                try:
                    os.environ.update(env or {})
                    os.chdir(scratch or path.parent)
                    fo = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
                    fe = os.open(err, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
                    os.dup2(fo, 1)
                    os.dup2(fe, 2)
                    if pio.scratch:
                        os.dup2(stdin_fd(pio), 0)
                    # pytest may have replaced sys.stdout/err: write to the real fds
                    sys.stdout = sys.__stdout__ = os.fdopen(1, "w", closefd=False)
                    sys.stderr = sys.__stderr__ = os.fdopen(2, "w", closefd=False)
                    code = cli_main(["run", *args, path.name, *pio.args])
                    sys.stdout.flush()
                    sys.stderr.flush()
                    os._exit(code)
                except BaseException:                       # noqa: BLE001
                    os._exit(99)
            running[pid] = (idx, time.monotonic() + timeout, out, err, scratch)
        pid, status_word = os.waitpid(-1, os.WNOHANG)
        if pid == 0:
            now = time.monotonic()
            for p, (idx, deadline, out, err, scratch) in list(running.items()):
                if now > deadline:
                    os.kill(p, signal.SIGKILL)
                    os.waitpid(p, 0)
                    del running[p]
                    reap(p, None, idx, out, err, scratch)
            time.sleep(0.02)
            continue
        if pid in running:
            idx, _, out, err, scratch = running.pop(pid)
            reap(pid, status_word, idx, out, err, scratch)
    os.rmdir(tmp)
    return results
