"""What the tests that compare with mruby share: mruby's answer, live or recorded.

DESIGN.md section 6: a test talks to the real ``mrbc``/``mruby`` when mruby
3.1 is on PATH (CI installs Debian's) and falls back to a recording
otherwise, so it never skips.  ``mruby_run(name, source, workdir)`` compiles
``source`` as ``workdir/NAME.mrb`` and returns that file with what ``mruby -b``
printed running it.  The recording lives in ``tests/recorded/NAME.{rb,mrb,
stdout,stderr,status}``:

- live, the recording must equal what mrbc and mruby produce now, or the
  test fails as stale; ``RITELOAD_RECORD=1`` rewrites it instead;
- not live, the recording's ``.rb`` must equal ``source`` (else it is stale
  too) and its ``.mrb`` is copied to ``workdir``.

``release=MRUBY40`` does the same with mruby 4.0.0 (its ``mrbc`` and ``mruby``
in ../shared/tools/mruby-4.0.0/bin, or beside ``$MRUBY40``), recorded in
``tests/recorded/mruby40/``.

``riteload(*args)`` runs this checkout's CLI, ``python -m riteload``, as a
subprocess (never a ``riteload`` found on PATH, which may be another copy).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RECORDED = Path(__file__).resolve().parent / "recorded"
RECORD = os.environ.get("RITELOAD_RECORD") == "1"


def _mruby_31() -> tuple[str, str] | None:
    """(mrbc, mruby) when both are on PATH and are mruby 3.1."""
    mrbc, mruby = shutil.which("mrbc"), shutil.which("mruby")
    if not (mrbc and mruby):
        return None
    p = subprocess.run([mruby, "--version"], capture_output=True)
    return (mrbc, mruby) if (p.stdout + p.stderr).startswith(b"mruby 3.1.") else None


TOOLS = _mruby_31()
LIVE = TOOLS is not None


def _mruby_40() -> tuple[str, str] | None:
    """(mrbc, mruby) of mruby 4.0.0 ($MRUBY40, else ../shared/tools/mruby-4.0.0/bin/mruby)."""
    mruby = Path(os.environ.get("MRUBY40", ROOT.parent / "shared" / "tools" / "mruby-4.0.0"
                                / "bin" / "mruby"))
    mrbc = mruby.with_name("mrbc")
    return (str(mrbc), str(mruby)) if mruby.exists() and mrbc.exists() else None


class Release:
    """Whose mruby a test compares with: its (mrbc, mruby) when at hand, and
    the folder its runs are recorded in."""

    def __init__(self, tools, recorded: Path, how: str):
        self.tools, self.recorded, self.how = tools, recorded, how
        self.live = tools is not None


MRUBY31 = Release(TOOLS, RECORDED, "mruby 3.1 on PATH")
MRUBY40 = Release(_mruby_40(), RECORDED / "mruby40",
                  "mruby 4.0.0 in ../shared/tools/mruby-4.0.0 or $MRUBY40")


def riteload(*args: str, cwd=None, env=None, timeout: float = 300, **kw):
    """``python -m riteload ARGS`` of this checkout (bytes output captured)."""
    return subprocess.run([sys.executable, "-m", "riteload", *args], cwd=cwd or ROOT, env=env,
                          capture_output=True, timeout=timeout, **kw)


def _stem(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name)


def _stale(name: str, what: str, rel: Release = MRUBY31) -> None:
    pytest.fail(f"{(rel.recorded / name).relative_to(ROOT)}.{what} is stale: record it again "
                f"with {rel.how} (RITELOAD_RECORD=1 python -m pytest tests/...)")


def _check_or_record(name: str, files: dict[str, bytes], rel: Release = MRUBY31) -> None:
    for ext, data in files.items():
        path = rel.recorded / f"{name}.{ext}"
        if RECORD:
            rel.recorded.mkdir(exist_ok=True)
            path.write_bytes(data)
        elif not path.exists() or path.read_bytes() != data:
            _stale(name, ext, rel)


def _recorded(name: str, ext: str, rel: Release = MRUBY31) -> bytes:
    path = rel.recorded / f"{name}.{ext}"
    if not path.exists():
        pytest.fail(f"no {rel.how} and {path.relative_to(ROOT)} was never recorded")
    return path.read_bytes()


def compile_mrb(name: str, source: str, workdir: Path, *, debug: bool = False,
                release: Release = MRUBY31) -> Path:
    """``workdir/NAME.mrb`` compiled from ``source`` (``mrbc [-g]``, run in workdir)."""
    rel = release
    name = _stem(name)
    rb, mrb = workdir / f"{name}.rb", workdir / f"{name}.mrb"
    rb.write_text(source)
    if rel.live:
        subprocess.run([rel.tools[0], *(["-g"] if debug else []), "-o", mrb.name, rb.name],
                       cwd=workdir, check=True, capture_output=True, timeout=120)
        _check_or_record(name, {"rb": rb.read_bytes(), "mrb": mrb.read_bytes()}, rel)
    else:
        if _recorded(name, "rb", rel) != rb.read_bytes():
            _stale(name, "rb", rel)
        mrb.write_bytes(_recorded(name, "mrb", rel))
    return mrb


def mruby_run(name: str, source: str, workdir: Path, *, debug: bool = False, env=None,
              timeout: float = 120, release: Release = MRUBY31
              ) -> tuple[Path, tuple[bytes, bytes, int]]:
    """(workdir/NAME.mrb, (stdout, stderr, status) of ``mruby -b NAME.mrb`` in workdir),
    by mruby 3.1 or, with ``release=MRUBY40``, by mruby 4.0.0."""
    rel = release
    mrb = compile_mrb(name, source, workdir, debug=debug, release=rel)
    name = _stem(name)
    if rel.live:
        p = subprocess.run([rel.tools[1], "-b", mrb.name], cwd=workdir, env=env,
                           capture_output=True, timeout=timeout)
        _check_or_record(name, {"stdout": p.stdout, "stderr": p.stderr,
                                "status": f"{p.returncode}\n".encode()}, rel)
        return mrb, (p.stdout, p.stderr, p.returncode)
    return mrb, (_recorded(name, "stdout", rel), _recorded(name, "stderr", rel),
                 int(_recorded(name, "status", rel)))


def assert_snippet_matches_mruby40(name: str, source: str, engine: str, workdir: Path) -> None:
    """``source`` run by riteload's ``engine`` prints what mruby 4.0.0 does
    (live, or as recorded in tests/recorded/mruby40)."""
    mrb, expected = mruby_run(name, source, workdir, release=MRUBY40)
    p = riteload("run", "--engine", engine, mrb.name, cwd=workdir)
    assert (p.stdout.decode(), p.stderr.decode(), p.returncode) == \
        (expected[0].decode(), expected[1].decode(), expected[2])


# every irep translated on first use (the most native calls)
EAGER = {**os.environ, "RITELOAD_NATIVE_HOT_CALLS": "1"}
# how the native-engine tests run a program: eagerly translated, the default
# tiering, a tiny code cache (code evicted while native frames may be live),
# and the interpreter, the reference
ENGINE_RUNS = ((("--engine", "native"), EAGER),
               (("--engine", "native"), None),
               (("--engine", "native", "--code-cache-size", "4k"), EAGER),
               (("--engine", "interp"), None))


def assert_runs_match(mrb: Path, expected, cwd) -> None:
    """Each of ENGINE_RUNS of ``mrb`` prints what mruby printed (``expected``:
    stdout, stderr, status)."""
    for args, env in ENGINE_RUNS:
        p = riteload("run", *args, mrb.name, cwd=cwd, env=env)
        assert (p.stdout, p.stderr, p.returncode) == expected, (args, env is EAGER)


def native_stats(stderr: bytes) -> dict:
    """The figures of ``riteload run --stats`` that tests bound: the calls
    generated code made (``made``), the activations entered through Python
    (``entered``), the inline-cache misses (``misses``), the callbacks into
    Python (``callbacks``), and the lines they come from (``calls_line``,
    ``callbacks_line``) for messages."""
    lines = stderr.decode().splitlines()
    calls = next(ln for ln in lines if " calls made natively" in ln)
    crossings = next(ln for ln in lines if " callbacks into Python" in ln)
    return {"made": int(calls.split()[1]), "entered": int(calls.split(", ")[1].split()[0]),
            "misses": int(calls.rsplit(", ", 1)[1].split()[0]),
            "callbacks": int(crossings.split("(")[1].split()[0]),
            "calls_line": calls, "callbacks_line": crossings}
