"""What ``riteload run`` runs: a RITE binary, Ruby source, ``-e`` code or
standard input, told apart as mruby's ``mrb_load_detect_file_cxt`` does
(by the ``RITE`` identifier, not by the file name).

Ruby source is compiled with mruby's ``mrbc -g`` (line numbers and
backtraces as ``mruby FILE.rb`` prints them), into a temporary folder;
without ``mrbc`` on PATH the error says in one line how to get it.  The
names are mruby's: the debug info names a file as it was given, ``-`` for
standard input and ``-e`` for ``-e`` code, and ``$0`` is the same name.
A file that is neither a RITE binary nor text gets a one-line error naming
what it looks like (empty, a truncated RITE binary, an ELF executable...).
"""

from __future__ import annotations

import os

from riteload.errors import RiteError
from riteload.record import Record

#: rite_binary_header of RITE0200-0400: ident, version, size, compiler name and version
HEADER_SIZE = 20
MRBC_GET = "install mruby's compiler mrbc (Debian/Ubuntu: apt-get install mruby)"
COMPILE_TIMEOUT = 120


class CompileError(Exception):
    """mrbc refused the source: ``message`` is what it printed (mruby's
    own syntax-error lines), ``status`` its exit status."""

    def __init__(self, message: bytes, status: int):
        super().__init__(message.decode("utf-8", "replace"))
        self.message = message
        self.status = status


class Program(Record):
    _FIELDS = ("rite", "name", "source", "messages", "listing")

    def __init__(self, rite: object, name: str, source: str | None, messages: bytes = b"",
                 listing: bytes | None = None):
        self.rite = rite            # the verified riteload RiteFile
        self.name = name            # $0 and the name in messages: the path as given, "-" or "-e"
        self.source = source        # the path of the file read, None for stdin and -e
        self.messages = messages    # what mrbc printed while compiling it (warnings)
        self.listing = listing      # with verbose, mrbc -v's output: what mruby -v prints

    def compiled(self, result) -> Program:
        self.rite, self.messages, self.listing = result
        return self


def load_program(path: str | None = None, code: list[str] | None = None,
                 stdin=None, verbose: bool = False) -> Program:
    """The program ``riteload run`` was given: ``code`` (the ``-e`` lines),
    else ``path`` ("-" or None: standard input, ``stdin`` or the process's).
    ``verbose``: keep what ``mrbc -v`` prints of source (the parse tree and
    the listing mruby -v prints)."""
    if code:
        src = "\n".join(code).encode("utf-8", "surrogateescape")
        return Program(None, "-e", None).compiled(_compile(src, "-e", True, verbose))
    if path is None or path == "-":
        data = _read_all(stdin)
        return Program(None, "-", None).compiled(_detect(data, "-", True, verbose))
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise RiteError(f"cannot read file: {e.strerror}", filename=path) from None
    return Program(None, path, path).compiled(_detect(data, path, False, verbose))


def _read_all(stdin) -> bytes:
    if stdin is None:
        chunks = []
        while True:
            b = os.read(0, 1 << 16)
            if not b:
                return b"".join(chunks)
            chunks.append(b)
    return stdin.read()


def _detect(data: bytes, name: str, from_stdin: bool, verbose: bool):
    if data[:4] == b"RITE" or (data and b"RITE".startswith(data)):
        return _load_rite(data, name), b"", None
    if not data:
        raise RiteError("empty file: neither a RITE binary (.mrb) nor Ruby source", filename=name)
    kind = _looks_like(data)
    if kind is not None:
        raise RiteError(f"not a RITE binary (.mrb): it looks like {kind}", filename=name)
    return _compile(data, name, from_stdin, verbose)


def _load_rite(data: bytes, name: str):
    import riteload
    size = int.from_bytes(data[8:12], "big") if len(data) >= 12 else None
    try:
        rite = riteload.parse(data, filename=name)
    except RiteError:
        if len(data) < HEADER_SIZE:
            raise RiteError(f"truncated RITE binary: {len(data)} bytes, shorter than its "
                            f"{HEADER_SIZE}-byte header", filename=name) from None
        if size is not None and size > len(data):
            raise RiteError(f"truncated RITE binary: {len(data)} of the {size} bytes its header "
                            f"announces", filename=name) from None
        raise
    riteload.verify(rite)
    return rite


_MAGIC = ((b"\x7fELF", "an ELF executable or library"), (b"\x1f\x8b", "gzip data"),
          (b"PK\x03\x04", "a zip archive"), (b"\x89PNG", "a PNG image"),
          (b"%PDF", "a PDF document"), (b"#!", None))


def _looks_like(data: bytes) -> str | None:
    """What a file that is not a RITE binary looks like, or None for text
    (Ruby source, which mrbc gets to judge)."""
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    head = data[:4096]
    if b"\0" in head:
        return f"binary data (it starts with {data[:8]!r})"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as e:
        if e.start < len(head) - 4:     # not just a character cut at the end of the sample
            return f"binary data (it starts with {data[:8]!r})"
    return None


def _compile(src: bytes, name: str, from_stdin: bool, verbose: bool = False):
    """(RiteFile, mrbc's messages, mrbc -v's listing or None) of ``mrbc -g``
    of the source, run in a temporary folder; a CompileError carries the
    messages when it fails."""
    import shutil  # only for source: a .mrb run starts without them
    import subprocess
    import tempfile

    import riteload
    mrbc = shutil.which("mrbc")
    if mrbc is None:
        if name == "-e":
            msg = f"running -e code needs mrbc on PATH: {MRBC_GET}"
        elif name == "-":
            msg = f"Ruby source on standard input needs mrbc on PATH: {MRBC_GET}"
        else:
            stem = os.path.splitext(name)[0]
            msg = (f"Ruby source, not a RITE binary (.mrb): {MRBC_GET} to run it, "
                   f"or compile it elsewhere with mrbc -o {stem}.mrb {name}")
        raise RiteError(msg, filename=name)
    with tempfile.TemporaryDirectory(prefix="riteload-mrbc-") as tmp:
        out = os.path.join(tmp, "prog.mrb")
        flags = ["-v", "-g"] if verbose else ["-g"]
        if from_stdin:
            cmd, stdin = [mrbc, *flags, "-o", out, "-"], src
        else:
            cmd, stdin = [mrbc, *flags, "-o", out, name], None
        feed = {"input": stdin} if stdin is not None else {"stdin": subprocess.DEVNULL}
        try:
            p = subprocess.run(cmd, capture_output=True, timeout=COMPILE_TIMEOUT, **feed)
        except (OSError, subprocess.TimeoutExpired) as e:
            raise RiteError(f"mrbc failed: {e}", filename=name) from None
        messages = p.stderr if verbose else p.stderr + p.stdout
        if name == "-e":
            messages = b"\n".join(b"-e:" + line[2:] if line.startswith(b"-:") else line
                                  for line in messages.split(b"\n"))
        if p.returncode != 0 or not os.path.exists(out):
            raise CompileError(messages, p.returncode or 1)
        with open(out, "rb") as f:
            data = f.read()
    rite = riteload.parse(data, filename=name)
    if name == "-e":
        _rename_debug_file(rite, "-", "-e")
    riteload.verify(rite)
    listing = p.stdout if verbose else None
    if listing is not None and name == "-e":
        listing = listing.replace(b"\nfile: -\n", b"\nfile: -e\n")
    return rite, messages, listing


def _rename_debug_file(rite, old: str, new: str) -> None:
    """Name the source ``new`` where mrbc (reading stdin) wrote ``old``."""
    if rite.debug_filenames is not None:
        rite.debug_filenames = [new if f == old else f for f in rite.debug_filenames]
    for irep in rite.ireps():
        if irep.debug is not None:
            for f in irep.debug.files:
                if f.filename == old:
                    f.filename = new
