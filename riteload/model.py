"""Plain Python objects for a loaded .mrb file.

``riteload.format`` turns bytes into these and back; nothing outside
``riteload`` sees construct containers.  The runtime and the translator read
only these classes (DESIGN.md section 1: data flows one way).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .debug import file_line, get_file
from .errors import irep_path_text
from .versions import DEFAULT

# Pool entry tags, by the names of mruby's IREP_TT_* constants.
POOL_STR = "str"        # IREP_TT_STR: string literal
POOL_SSTR = "sstr"      # IREP_TT_SSTR: static string literal
POOL_INT32 = "int32"    # IREP_TT_INT32
POOL_INT64 = "int64"    # IREP_TT_INT64
POOL_BIGINT = "bigint"  # IREP_TT_BIGINT: text of an integer too big for mrb_int
POOL_FLOAT = "float"    # IREP_TT_FLOAT

CATCH_RESCUE = 0        # MRB_CATCH_RESCUE
CATCH_ENSURE = 1        # MRB_CATCH_ENSURE


@dataclass
class PoolValue:
    """One literal of an irep's pool.

    ``value`` is ``bytes`` for str/sstr, ``int`` for int32/int64, ``float``
    for float, and for bigint the ``bytes`` mruby stored (its own encoding,
    kept verbatim so the file rebuilds byte for byte).
    """

    tag: str
    value: bytes | int | float
    # bigint only: mruby 3.1 wrote a NUL after the text, 3.2 and later do not
    terminated: bool = False


@dataclass
class CatchHandler:
    """A catch handler record (mrb_irep_catch_handler): pcs are byte offsets."""

    type: int       # CATCH_RESCUE or CATCH_ENSURE
    begin: int      # first pc covered
    end: int        # pc past the last one covered
    target: int     # pc of the handler code


@dataclass
class Instruction:
    """One decoded RiteVM instruction.

    ``pc`` is the byte offset of the instruction itself, after any EXT
    prefix (``ext`` names the prefix, whose byte sits at ``pc - 1``);
    ``size`` counts the opcode byte and its operands, not the prefix.
    Missing operands are ``None``-free: layouts with fewer operands leave
    the rest at 0.
    """

    pc: int
    opcode: int
    name: str
    layout: str
    a: int = 0
    b: int = 0
    c: int = 0
    ext: str | None = None
    size: int = 1

    @property
    def next_pc(self) -> int:
        return self.pc + self.size

    @property
    def start(self) -> int:
        """Offset of the first byte, prefix included."""
        return self.pc - 1 if self.ext else self.pc


@dataclass
class DebugFile:
    """The line table of one source file within an irep (mrb_irep_debug_info_file).

    ``lines`` maps pc to line: for the ``ary`` encoding it is one line per
    instruction byte start as stored; for ``flat`` it is a list of
    (start_pc, line) pairs; for ``packed`` the same pairs, decoded from mruby
    3.1's varint-delta map (whose bytes ``raw`` keeps).
    ``line_type`` keeps mruby's encoding so the file rebuilds unchanged.
    """

    start_pos: int
    filename: str
    line_type: str                 # "ary", "flat" or "packed"
    lines: list                    # decoded entries, see above
    raw: bytes = b""               # packed map bytes, for "packed"
    filename_index: int | None = None   # index in the DBG filename table, as stored

    def line_at(self, pc: int) -> int | None:
        """The source line of the instruction at ``pc``, or None (riteload.debug.file_line)."""
        return file_line(self, pc)


@dataclass
class IrepDebug:
    """Debug info of one irep (mrb_irep_debug_info): its files and lines."""

    pc_count: int
    files: list[DebugFile] = field(default_factory=list)

    def location(self, pc: int) -> tuple[str | None, int | None]:
        """(file, line) of ``pc`` by the lookup of riteload.debug; unlike
        mrb_debug_get_line it does not stop at the end of the iseq."""
        f = get_file(self, pc)
        if f is None:
            return None, None
        return f.filename, file_line(f, pc)


@dataclass
class Irep:
    """One compiled method, block or top-level body (mrb_irep).

    ``path`` is the index path from the root (``()`` for the root, ``(0, 2)``
    for the third child of the first child) and names the irep in errors.
    ``syms`` holds ``None`` for mruby's null symbol (length 0xFFFF).
    """

    nlocals: int
    nregs: int
    iseq: bytes
    handlers: list[CatchHandler] = field(default_factory=list)
    pool: list[PoolValue] = field(default_factory=list)
    syms: list[str | None] = field(default_factory=list)
    reps: list[Irep] = field(default_factory=list)
    path: tuple[int, ...] = ()
    debug: IrepDebug | None = None
    lvars: list[str | None] | None = None   # nlocals-1 names from LVAR, None = absent
    format_version: str = DEFAULT.version
    _instructions: list[Instruction] | None = field(default=None, repr=False, compare=False)

    @property
    def rlen(self) -> int:
        return len(self.reps)

    @property
    def clen(self) -> int:
        return len(self.handlers)

    @property
    def ilen(self) -> int:
        return len(self.iseq)

    @property
    def path_name(self) -> str:
        """The index path as text, e.g. ``irep 0.2`` (the root is ``irep root``)."""
        return "irep " + irep_path_text(self.path)

    def walk(self):
        """This irep and all its descendants, depth first, in file order."""
        yield self
        for child in self.reps:
            yield from child.walk()

    @property
    def instructions(self) -> list[Instruction]:
        """The decoded instruction stream (decoded once, then cached)."""
        if self._instructions is None:
            from .decode import decode_iseq
            self._instructions = decode_iseq(self)
        return self._instructions


@dataclass
class Section:
    """One section as it appears in the file: its 4-byte ident, offset and size."""

    ident: str
    offset: int
    size: int


@dataclass
class RiteHeader:
    """rite_binary_header: identifier, format version, compiler name and version."""

    ident: str = "RITE"
    format_version: str = DEFAULT.version   # the four digits after RITE
    size: int = 0                  # binary_size as stored
    compiler_name: str = "MATZ"
    compiler_version: str = "0000"


@dataclass
class RiteFile:
    """A whole .mrb file: header, irep tree, and which optional sections it had."""

    header: RiteHeader
    irep: Irep
    sections: list[Section] = field(default_factory=list)
    debug_filenames: list[str] | None = None   # DBG section file table, None = no DBG
    lvar_syms: list[str] | None = None         # LVAR section symbol table, None = no LVAR
    irep_section_version: str = DEFAULT.vm_version   # rite_section_irep_header.rite_version
    filename: str = "-"                           # where it was read from, for messages

    @property
    def format_version(self) -> str:
        return self.header.format_version

    def ireps(self):
        return self.irep.walk()
