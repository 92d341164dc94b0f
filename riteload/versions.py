"""The .mrb format versions, one record each.

A file names its format in ``rite_binary_header`` (``major_version`` and
``minor_version``: ``RITE0300`` is version ``"0300"``).  Everything that
differs between formats is a field of the format's record here: the mruby
releases that write it, its opcode table (``include/mruby/ops.h`` of those
releases), the ``codedump`` dialects that list it, what the parser and the
builder do differently (the irep record's ``ilen``, bigint pool entries, line
maps), how its call instructions count arguments (the verifier), and whether
the runtime's native engine translates it.  Code elsewhere reads these fields
and never compares version strings, so a new format is one record here, its
table in ``riteload.opcodes`` and its listing dialect in ``riteload.disasm``.
"""

from __future__ import annotations

from .debug import LINE_TYPES
from .opcodes import OPS_H_3_0, OPS_H_3_1, OPS_H_4_0, OpcodeTable
from .record import FrozenRecord

__all__ = ["DEFAULT", "RITE0200", "RITE0300", "RITE0400", "TRANSLATED", "VERSIONS", "RiteVersion",
           "rite_version"]


class RiteVersion(FrozenRecord):
    """One .mrb format version (``RITE`` + ``version``) and what differs in it."""

    _FIELDS = ("version", "releases", "opcodes", "dialects", "vm_version", "ilen_size",
               "bigint_pool", "bigint_nul", "line_types", "packed_argc", "translated")

    def __init__(
        self,
        version: str,               # the four digits after RITE, as in the header
        releases: tuple[str, ...],  # the mruby releases that write it (riteload info)
        opcodes: OpcodeTable,       # their include/mruby/ops.h
        dialects: tuple[str, ...],  # riteload.disasm dialects that list it, the default first
        vm_version: str,            # RITE_VM_VER its writers put in rite_section_irep_header
        ilen_size: int,             # bytes of the irep record's ilen (write_irep_header)
        bigint_pool: bool,          # IREP_TT_BIGINT pool entries exist
        bigint_nul: bool,           # some writers end a bigint's digits with a NUL (mruby 3.1)
        line_types: frozenset,      # line maps a DBG file record may use (mrb_debug_line_type)
        packed_argc: bool,          # SEND's c, SUPER's b pack n|nk<<4; else a count, 127 = splat
        translated: bool,           # the runtime's native engine translates its ireps
    ):
        self._set(version=version, releases=releases, opcodes=opcodes, dialects=dialects,
                  vm_version=vm_version, ilen_size=ilen_size, bigint_pool=bigint_pool,
                  bigint_nul=bigint_nul, line_types=line_types, packed_argc=packed_argc,
                  translated=translated)

    @property
    def ident(self) -> str:
        """``RITE0300``: the header's identifier and version, as messages name the format."""
        return "RITE" + self.version


RITE0200 = RiteVersion(
    version="0200", releases=("3.0",), opcodes=OpcodeTable(OPS_H_3_0), dialects=("3.0",),
    vm_version="0300", ilen_size=2, bigint_pool=False, bigint_nul=False,
    line_types=frozenset({"ary", "flat"}), packed_argc=False, translated=False)

RITE0300 = RiteVersion(
    version="0300", releases=("3.1", "3.2", "3.3", "3.4"), opcodes=OpcodeTable(OPS_H_3_1),
    dialects=("3.1", "3.4"), vm_version="0300", ilen_size=4, bigint_pool=True, bigint_nul=True,
    line_types=LINE_TYPES, packed_argc=True, translated=True)

RITE0400 = RiteVersion(
    version="0400", releases=("4.0",), opcodes=OpcodeTable(OPS_H_4_0), dialects=("4.0",),
    vm_version="0400", ilen_size=4, bigint_pool=True, bigint_nul=False,
    line_types=LINE_TYPES, packed_argc=True, translated=True)

#: every format riteload reads, by version string, oldest first
VERSIONS: dict[str, RiteVersion] = {v.version: v for v in (RITE0200, RITE0300, RITE0400)}

#: what a RiteFile or Irep built in Python is unless told otherwise: the
#: format of mruby 3.1, whose semantics the runtime implements
DEFAULT = RITE0300

#: the formats whose opcodes the native engine translates (translate/templates.py
#: for RITE0300, translate/templates40.py for RITE0400)
TRANSLATED: tuple[RiteVersion, ...] = tuple(v for v in VERSIONS.values() if v.translated)


def rite_version(version: str) -> RiteVersion:
    """The record of a format version (KeyError when riteload reads no such format)."""
    return VERSIONS[version]
