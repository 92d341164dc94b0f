"""The one error family of riteload: every parse, decode and verify failure.

Messages name the file, the section, the irep (by its index path) and the
byte offset or pc, so a user can find the bad byte.
"""

from __future__ import annotations


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
            path = ".".join(map(str, self.irep_path)) if self.irep_path else "root"
            where.append(f"irep {path}")
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
