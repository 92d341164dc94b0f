"""Plain Python objects for a loaded .mrb file.

``riteload.format`` turns bytes into these and back; nothing outside
``riteload`` sees construct containers.  The runtime and the translator read
only these classes (DESIGN.md section 1: data flows one way).
"""

from __future__ import annotations

from .debug import file_line, get_file
from .errors import irep_path_text
from .record import Record
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


class PoolValue(Record):
    """One literal of an irep's pool.

    ``value`` is ``bytes`` for str/sstr, ``int`` for int32/int64, ``float``
    for float, and for bigint the ``bytes`` mruby stored (its own encoding,
    kept verbatim so the file rebuilds byte for byte).
    """

    _FIELDS = ("tag", "value", "terminated")

    def __init__(self, tag: str, value: bytes | int | float, terminated: bool = False):
        self.tag = tag
        self.value = value
        # bigint only: mruby 3.1 wrote a NUL after the text, 3.2 and later do not
        self.terminated = terminated


class CatchHandler(Record):
    """A catch handler record (mrb_irep_catch_handler): pcs are byte offsets."""

    _FIELDS = ("type", "begin", "end", "target")

    def __init__(self, type: int, begin: int, end: int, target: int):
        self.type = type        # CATCH_RESCUE or CATCH_ENSURE
        self.begin = begin      # first pc covered
        self.end = end          # pc past the last one covered
        self.target = target    # pc of the handler code


class Instruction(Record):
    """One decoded RiteVM instruction.

    ``pc`` is the byte offset of the instruction itself, after any EXT
    prefix (``ext`` names the prefix, whose byte sits at ``pc - 1``);
    ``size`` counts the opcode byte and its operands, not the prefix.
    Missing operands are ``None``-free: layouts with fewer operands leave
    the rest at 0.
    """

    _FIELDS = ("pc", "opcode", "name", "layout", "a", "b", "c", "ext", "size")

    def __init__(self, pc: int, opcode: int, name: str, layout: str, a: int = 0, b: int = 0,
                 c: int = 0, ext: str | None = None, size: int = 1):
        self.pc = pc
        self.opcode = opcode
        self.name = name
        self.layout = layout
        self.a = a
        self.b = b
        self.c = c
        self.ext = ext
        self.size = size

    @property
    def next_pc(self) -> int:
        return self.pc + self.size

    @property
    def start(self) -> int:
        """Offset of the first byte, prefix included."""
        return self.pc - 1 if self.ext else self.pc


class DebugFile(Record):
    """The line table of one source file within an irep (mrb_irep_debug_info_file).

    ``lines`` maps pc to line: for the ``ary`` encoding it is one line per
    instruction byte start as stored; for ``flat`` it is a list of
    (start_pc, line) pairs; for ``packed`` the same pairs, decoded from mruby
    3.1's varint-delta map (whose bytes ``raw`` keeps).
    ``line_type`` keeps mruby's encoding so the file rebuilds unchanged.
    """

    _FIELDS = ("start_pos", "filename", "line_type", "lines", "raw", "filename_index")

    def __init__(self, start_pos: int, filename: str, line_type: str, lines: list,
                 raw: bytes = b"", filename_index: int | None = None):
        self.start_pos = start_pos
        self.filename = filename
        self.line_type = line_type              # "ary", "flat" or "packed"
        self.lines = lines                      # decoded entries, see above
        self.raw = raw                          # packed map bytes, for "packed"
        self.filename_index = filename_index    # index in the DBG filename table, as stored

    def line_at(self, pc: int) -> int | None:
        """The source line of the instruction at ``pc``, or None (riteload.debug.file_line)."""
        return file_line(self, pc)


class IrepDebug(Record):
    """Debug info of one irep (mrb_irep_debug_info): its files and lines."""

    _FIELDS = ("pc_count", "files")

    def __init__(self, pc_count: int, files: list[DebugFile] | None = None):
        self.pc_count = pc_count
        self.files = [] if files is None else files

    def location(self, pc: int) -> tuple[str | None, int | None]:
        """(file, line) of ``pc`` by the lookup of riteload.debug; unlike
        mrb_debug_get_line it does not stop at the end of the iseq."""
        f = get_file(self, pc)
        if f is None:
            return None, None
        return f.filename, file_line(f, pc)


class Irep(Record):
    """One compiled method, block or top-level body (mrb_irep).

    ``path`` is the index path from the root (``()`` for the root, ``(0, 2)``
    for the third child of the first child) and names the irep in errors.
    ``syms`` holds ``None`` for mruby's null symbol (length 0xFFFF).
    """

    # _instructions, a cache, is neither compared nor shown
    _FIELDS = ("nlocals", "nregs", "iseq", "handlers", "pool", "syms", "reps", "path", "debug",
               "lvars", "format_version")

    def __init__(self, nlocals: int, nregs: int, iseq: bytes,
                 handlers: list[CatchHandler] | None = None,
                 pool: list[PoolValue] | None = None,
                 syms: list[str | None] | None = None,
                 reps: list[Irep] | None = None,
                 path: tuple[int, ...] = (),
                 debug: IrepDebug | None = None,
                 lvars: list[str | None] | None = None,
                 format_version: str = DEFAULT.version,
                 _instructions: list[Instruction] | None = None):
        self.nlocals = nlocals
        self.nregs = nregs
        self.iseq = iseq
        self.handlers = [] if handlers is None else handlers
        self.pool = [] if pool is None else pool
        self.syms = [] if syms is None else syms
        self.reps = [] if reps is None else reps
        self.path = path
        self.debug = debug
        self.lvars = lvars      # nlocals-1 names from LVAR, None = absent
        self.format_version = format_version
        self._instructions = _instructions

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


class Section(Record):
    """One section as it appears in the file: its 4-byte ident, offset and size."""

    _FIELDS = ("ident", "offset", "size")

    def __init__(self, ident: str, offset: int, size: int):
        self.ident = ident
        self.offset = offset
        self.size = size


class RiteHeader(Record):
    """rite_binary_header: identifier, format version, compiler name and version."""

    _FIELDS = ("ident", "format_version", "size", "compiler_name", "compiler_version")

    def __init__(self, ident: str = "RITE", format_version: str = DEFAULT.version,
                 size: int = 0, compiler_name: str = "MATZ", compiler_version: str = "0000"):
        self.ident = ident
        self.format_version = format_version    # the four digits after RITE
        self.size = size                        # binary_size as stored
        self.compiler_name = compiler_name
        self.compiler_version = compiler_version


class RiteFile(Record):
    """A whole .mrb file: header, irep tree, and which optional sections it had."""

    _FIELDS = ("header", "irep", "sections", "debug_filenames", "lvar_syms",
               "irep_section_version", "filename")

    def __init__(self, header: RiteHeader, irep: Irep, sections: list[Section] | None = None,
                 debug_filenames: list[str] | None = None, lvar_syms: list[str] | None = None,
                 irep_section_version: str = DEFAULT.vm_version, filename: str = "-"):
        self.header = header
        self.irep = irep
        self.sections = [] if sections is None else sections
        self.debug_filenames = debug_filenames  # DBG section file table, None = no DBG
        self.lvar_syms = lvar_syms              # LVAR section symbol table, None = no LVAR
        self.irep_section_version = irep_section_version   # rite_section_irep_header.rite_version
        self.filename = filename                # where it was read from, for messages

    @property
    def format_version(self) -> str:
        return self.header.format_version

    def ireps(self):
        return self.irep.walk()
