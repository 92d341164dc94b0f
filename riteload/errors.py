"""The one error family of riteload: every parse, decode and verify failure.

Messages name the file, the section, the irep (by its index path) and the
byte offset or pc, so a user can find the bad byte.
"""

from __future__ import annotations

#: index paths longer than this are shown by their first and last indexes
PATH_SHOWN = 8


def irep_path_text(path) -> str:
    """An irep index path as messages show it: ``root``, ``0.2``; a deep
    one by its first and last three indexes and its depth
    (``0.1.0...0.0.2 (depth 257)``), never hundreds of characters."""
    if not path:
        return "root"
    if len(path) <= PATH_SHOWN:
        return ".".join(map(str, path))
    return (".".join(map(str, path[:3])) + "..." + ".".join(map(str, path[-3:]))
            + f" (depth {len(path)})")


class RiteError(Exception):
    """Base of every error riteload raises on bad input."""

    def __init__(self, message: str, *, filename: str | None = None, section: str | None = None,
                 irep=None, offset: int | None = None, pc: int | None = None):
        self.message = message
        self.filename = filename
        self.section = section
        self.irep_path = getattr(irep, "path", irep)
        self.offset = offset
        self.pc = pc
        super().__init__(message)

    def __str__(self) -> str:
        where = []
        if self.filename:
            where.append(self.filename)
        if self.section:
            where.append(f"section {self.section}")
        if self.irep_path is not None:
            where.append(f"irep {irep_path_text(self.irep_path)}")
        if self.offset is not None:
            where.append(f"offset 0x{self.offset:x}")
        if self.pc is not None:
            where.append(f"pc {self.pc}")
        return (": ".join([", ".join(where), self.message]) if where else self.message)


class ParseError(RiteError):
    """The bytes are not a well-formed .mrb file."""


class DecodeError(RiteError):
    """An iseq holds an unknown opcode or truncated operands."""


class VerifyError(RiteError):
    """A well-formed file whose ireps break an invariant the VM relies on."""
