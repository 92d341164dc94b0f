"""How a fixture program is run: its arguments, its standard input and its folder.

Most programs of fixtures/programs run with no arguments, an empty standard
input, in fixtures/mrb.  A program NAME can have sidecar files beside
NAME.rb:

- ``NAME.args``: its arguments (ARGV), one per line (an empty line is an
  empty argument; an empty file, no arguments);
- ``NAME.stdin``: the bytes on its standard input.

A program with either sidecar runs in a scratch folder of its own that
holds only its .mrb (created fresh for every run and removed after), so it
can write files with relative names, spawn processes, and print messages
that name those files, the same way under mruby and under riteload.

scripts/record_fixtures.py records mruby's output this way, and the tests
(tests/test_runtime_programs.py, tests/test_native.py, tests/test_io.py)
run riteload this way.  This module imports nothing but the standard library
(the recording script uses it too).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROGRAMS = ROOT / "fixtures" / "programs"


@dataclass(frozen=True)
class ProgramIO:
    args: tuple[str, ...] = ()
    stdin: bytes = b""
    scratch: bool = False       # run in a fresh folder holding only the .mrb

    @property
    def plain(self) -> bool:
        """No sidecar: run in fixtures/mrb with nothing on stdin."""
        return not self.scratch


def program_name(name: str) -> str:
    """``NNN_title`` of ``NNN_title``, ``NNN_title.g`` or a .mrb file name."""
    name = Path(name).name
    for suffix in (".mrb", ".g"):
        name = name.removesuffix(suffix)
    return name


def program_io(name: str, programs: Path = PROGRAMS) -> ProgramIO:
    """The arguments, standard input and folder of fixture program ``name``."""
    stem = program_name(name)
    args_file = programs / f"{stem}.args"
    stdin_file = programs / f"{stem}.stdin"
    if not args_file.exists() and not stdin_file.exists():
        return ProgramIO()
    args: tuple[str, ...] = ()
    if args_file.exists():
        text = args_file.read_bytes().decode("utf-8", "surrogateescape")
        lines = text.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        args = tuple(lines)
    stdin = stdin_file.read_bytes() if stdin_file.exists() else b""
    return ProgramIO(args, stdin, scratch=True)


@contextlib.contextmanager
def run_folder(mrb: Path, pio: ProgramIO):
    """The folder to run ``mrb`` in (its own, or a fresh scratch copy)."""
    if not pio.scratch:
        yield mrb.parent
        return
    tmp = Path(tempfile.mkdtemp(prefix=f"fixture-{program_name(mrb.name)}-"))
    try:
        shutil.copyfile(mrb, tmp / mrb.name)
        yield tmp
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def stdin_fd(pio: ProgramIO) -> int:
    """A readable descriptor positioned at the start of the program's
    standard input (an unlinked temporary file); the caller closes it."""
    fd, path = tempfile.mkstemp(prefix="fixture-stdin-")
    os.unlink(path)
    os.write(fd, pio.stdin)
    os.lseek(fd, 0, os.SEEK_SET)
    return fd


def io_program_names(programs: Path = PROGRAMS) -> list[str]:
    """The names of the programs that have sidecars."""
    return sorted(p.stem for p in programs.glob("*.rb") if not program_io(p.stem, programs).plain)
