"""riteload: read, write, disassemble and verify mruby bytecode (.mrb, RITE).

The public API is four functions::

    rite = riteload.parse(data, filename="prog.mrb")   # bytes -> RiteFile
    data = riteload.build(rite)                        # RiteFile -> bytes
    riteload.verify(rite)                              # raises VerifyError
    rite = riteload.load("prog.mrb")                   # read + parse + verify

Every failure raises a subclass of ``RiteError``.  Heavy modules
(construct) are imported on first use so that commands start fast.
"""

from __future__ import annotations

# Import the verifier module now, under another name: importing a submodule
# binds it as a package attribute, which would shadow the verify() below.
from . import verify as _verify_module
from .errors import DecodeError, ParseError, RiteError, VerifyError
from .model import CatchHandler, Instruction, Irep, PoolValue, RiteFile

__all__ = ["parse", "build", "verify", "load", "RiteError", "ParseError", "DecodeError",
           "VerifyError", "RiteFile", "Irep", "Instruction", "CatchHandler", "PoolValue"]

__version__ = "0.1.0"


def parse(data: bytes, filename: str = "-") -> RiteFile:
    """Parse the bytes of a .mrb file into a RiteFile (raises ParseError)."""
    from .format import parse_rite
    return parse_rite(data, filename)


def build(rite: RiteFile) -> bytes:
    """Serialise a RiteFile; ``build(parse(b)) == b`` for files mruby writes."""
    from .format import build_rite
    return build_rite(rite)


def verify(rite: RiteFile) -> RiteFile:
    """Check every irep (DESIGN.md section 2); raise VerifyError on the first fault."""
    _verify_module.verify_rite(rite)
    return rite


def load(path: str, *, check: bool = True) -> RiteFile:
    """Read, parse and (by default) verify the .mrb file at ``path``."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise RiteError(f"cannot read file: {e.strerror}", filename=path) from None
    rite = parse(data, filename=path)
    if check:
        verify(rite)
    return rite
