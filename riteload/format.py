"""The .mrb ("RITE") file format as ``construct`` declarations, and the two
functions that use them: ``parse_rite`` (bytes -> RiteFile) and ``build_rite``
(RiteFile -> bytes).

One module-level declaration per on-disk structure, named after the C structs
and the writer functions of mruby's ``include/mruby/dump.h`` and ``src/dump.c``
(the sources are the specification; nothing here is copied from them).  The
same declaration parses and builds, so ``build_rite(parse_rite(b)) == b`` for
every file mruby writes.

Formats (``rite_binary_header.major_version + minor_version``) differ in
what their records in ``riteload.versions`` say, and this module reads those
fields, never the version string:

* ``ilen_size``: the iseq length of an irep record is 16 bits in RITE0200
  (mruby 3.0), 32 bits since;
* ``bigint_pool``: pool tag bigint, besides str/int32/int64/float (RITE0300
  and later);
* ``bigint_nul``: mruby 3.1 writes a NUL after a bigint's text and 3.2+ do
  not, both as RITE0300: the irep's record size tells which (kept per
  PoolValue);
* ``line_types``: RITE0200 has no ``packed`` line maps;
* ``vm_version``: the RITE_VM_VER written in the IREP section header.

None of these formats has a checksum (the CRC field of the header went away
with RITE0002); sizes (binary size, section sizes, irep and debug record sizes)
are recomputed on build and checked on parse.

Every parse failure goes through ``_Reader.parse`` (construct errors, and the
ValueError/IndexError/... that a hostile file can provoke) or ``_Reader.fail``
(semantic checks), and comes out as one ``ParseError`` naming the file,
section, irep index path and byte offset.  Counts are checked against the
bytes left in their section before anything is read, and the irep tree is
walked without recursion, its depth capped at ``MAX_IREP_DEPTH``.

``construct`` Containers never leave this module: callers see the record
classes of ``riteload.model``.
"""

from __future__ import annotations

import io

from construct import (
    Array,
    Bytes,
    Const,
    Construct,
    ConstructError,
    Float64l,
    If,
    Int8ub,
    Int16ub,
    Int32sb,
    Int32ub,
    Int64sb,
    Struct,
    Switch,
    this,
)
from construct.core import evaluate

from .debug import decode_packed_lines, encode_packed_lines
from .errors import ParseError
from .model import (
    POOL_BIGINT,
    POOL_FLOAT,
    POOL_INT32,
    POOL_INT64,
    POOL_SSTR,
    POOL_STR,
    CatchHandler,
    DebugFile,
    Irep,
    IrepDebug,
    PoolValue,
    RiteFile,
    RiteHeader,
    Section,
)
from .versions import VERSIONS, RiteVersion

#: deepest irep nesting accepted (the root is depth 0)
MAX_IREP_DEPTH = 256

MRB_DUMP_NULL_SYM_LEN = 0xFFFF
RITE_LV_NULL_MARK = 0xFFFF

# IREP_TT_* (include/mruby/irep.h) as written in a file
IREP_TT_STR = 0
IREP_TT_INT32 = 1
IREP_TT_SSTR = 2        # only in memory; mruby writes static strings as STR
IREP_TT_INT64 = 3
IREP_TT_FLOAT = 5
IREP_TT_BIGINT = 7

# mrb_debug_line_type (include/mruby/debug.h)
LINE_TYPES = {0: "ary", 1: "flat", 2: "packed"}
LINE_TYPE_CODES = {v: k for k, v in LINE_TYPES.items()}

IDENT_IREP = b"IREP"
IDENT_DEBUG = b"DBG\0"
IDENT_LVAR = b"LVAR"
IDENT_END = b"END\0"


def _ident_text(ident: bytes) -> str:
    """A section identifier as printed: 'DBG\\0' -> 'DBG'; anything but
    printable ASCII as a bytes literal."""
    text = ident.rstrip(b"\0")
    if text and all(0x20 < ch < 0x7F for ch in text):
        return text.decode("ascii")
    return repr(bytes(ident))


# ---------------------------------------------------------------------------
# Helper constructs

class _GuardError(ConstructError):
    pass


class CountGuard(Construct):
    """Reads nothing; fails when ``count`` items of at least ``size`` bytes each
    cannot fit in what is left of the stream.  Placed before every Array and
    Bytes whose length comes from the file, so that a hostile count fails at
    once instead of looping or allocating.  Streams are bounded by their
    section, so "what is left" is what is left of the section."""

    def __init__(self, count, size, what):
        super().__init__()
        self.count = count
        self.size = size
        self.what = what
        self.flagbuildnone = True

    def _parse(self, stream, context, path):
        count = evaluate(self.count, context)
        size = evaluate(self.size, context)
        pos = stream.tell()
        left = stream.seek(0, io.SEEK_END) - pos
        stream.seek(pos)
        if count * size > left:
            if size == 1:
                msg = f"{self.what}: {count} bytes needed, only {left} left"
            else:
                msg = f"{self.what}: {count} need at least {count * size} bytes, only {left} left"
            raise _GuardError(msg, path=path)
        return None

    def _build(self, obj, stream, context, path):
        return None

    def _sizeof(self, context, path):
        return 0


class Reject(Construct):
    """Always fails with a message computed from the context (Switch default)."""

    def __init__(self, message):
        super().__init__()
        self.message = message
        self.flagbuildnone = True

    def _parse(self, stream, context, path):
        raise ConstructError(evaluate(self.message, context), path=path)

    def _build(self, obj, stream, context, path):
        raise ConstructError(evaluate(self.message, context), path=path)


# ---------------------------------------------------------------------------
# The file header and section headers (include/mruby/dump.h)

rite_binary_header = Struct(
    "binary_ident" / Const(b"RITE"),
    "major_version" / Bytes(2),
    "minor_version" / Bytes(2),
    "binary_size" / Int32ub,
    "compiler_name" / Bytes(4),
    "compiler_version" / Bytes(4),
)

rite_section_header = Struct(
    "section_ident" / Bytes(4),
    "section_size" / Int32ub,
)

rite_section_irep_header = Struct(
    "section_ident" / Const(IDENT_IREP),
    "section_size" / Int32ub,
    "rite_version" / Bytes(4),      # RITE_VM_VER
)

rite_section_debug_header = Struct(
    "section_ident" / Const(IDENT_DEBUG),
    "section_size" / Int32ub,
)

rite_section_lv_header = Struct(
    "section_ident" / Const(IDENT_LVAR),
    "section_size" / Int32ub,
)

rite_binary_footer = Struct(
    "section_ident" / Const(IDENT_END),
    "section_size" / Const(8, Int32ub),
)

# ---------------------------------------------------------------------------
# The irep record (write_irep_header, write_iseq_block, write_pool_block,
# write_syms_block in src/dump.c).  Children follow their parent, depth first.

mrb_irep_catch_handler = Struct(
    "type" / Int8ub,            # enum mrb_catch_type
    "begin" / Int32ub,
    "end" / Int32ub,
    "target" / Int32ub,
)
CATCH_HANDLER_SIZE = 13

# pool entries by IREP_TT_* tag; each follows its one-byte tag
pool_str = Struct(
    "len" / Int16ub,
    CountGuard(this.len + 1, 1, "string bytes"),
    "data" / Bytes(this.len),
    "nul" / Const(b"\0"),
)
pool_int32 = Struct("value" / Int32sb)
pool_int64 = Struct("value" / Int64sb)      # written as hi word, lo word: big-endian
pool_float = Struct("value" / Float64l)     # IEEE 754 little endian (dump_float)
# bigint: mruby keeps [len][base][len digits] and writes it verbatim; mruby 3.1
# adds a NUL, 3.2 and later do not
pool_bigint = Struct(
    "len" / Int8ub,
    "data" / Bytes(this.len + 1),
)
pool_bigint_nul = Struct(
    "len" / Int8ub,
    "data" / Bytes(this.len + 1),
    "nul" / Const(b"\0"),
)

_POOL_CASES_0200 = {IREP_TT_STR: pool_str, IREP_TT_INT32: pool_int32,
                    IREP_TT_INT64: pool_int64, IREP_TT_FLOAT: pool_float}
_bad_pool_tag = Reject(lambda ctx: f"unknown pool tag {ctx.tt}")


def _pool_entry(cases):
    return Struct("tt" / Int8ub, "value" / Switch(this.tt, cases, default=_bad_pool_tag))


pool_entry_0200 = _pool_entry(_POOL_CASES_0200)
pool_entry = _pool_entry({**_POOL_CASES_0200, IREP_TT_BIGINT: pool_bigint})
pool_entry_bigint_nul = _pool_entry({**_POOL_CASES_0200, IREP_TT_BIGINT: pool_bigint_nul})
MIN_POOL_ENTRY_SIZE = 3     # tag + the shortest body (a bigint's len and base)

irep_sym = Struct(
    "len" / Int16ub,                          # MRB_DUMP_NULL_SYM_LEN: the null symbol
    "name" / If(this.len != MRB_DUMP_NULL_SYM_LEN, Bytes(this.len)),
    "nul" / If(this.len != MRB_DUMP_NULL_SYM_LEN, Const(b"\0")),
)


def _irep_record_header(ilen_type):
    return Struct(
        "record_size" / Int32ub,   # this record only, children excluded
        "nlocals" / Int16ub,
        "nregs" / Int16ub,
        "rlen" / Int16ub,
        "clen" / Int16ub,
        "ilen" / ilen_type,        # RiteVersion.ilen_size: 16 bits in RITE0200, 32 bits since
    )


irep_record_header_0200 = _irep_record_header(Int16ub)
irep_record_header = _irep_record_header(Int32ub)
IREP_RECORD_HEADER_BY_ILEN_SIZE = {2: irep_record_header_0200, 4: irep_record_header}


def _irep_record_body(entry):
    return Struct(
        CountGuard(this._.ilen + this._.clen * CATCH_HANDLER_SIZE, 1,
                   "iseq and catch handler bytes"),
        "iseq" / Bytes(this._.ilen),
        "handlers" / Array(this._.clen, mrb_irep_catch_handler),
        "plen" / Int16ub,
        CountGuard(this.plen, MIN_POOL_ENTRY_SIZE, "pool entries"),
        "pool" / Array(this.plen, entry),
        "slen" / Int16ub,
        CountGuard(this.slen, 2, "symbols"),
        "syms" / Array(this.slen, irep_sym),
    )


irep_record_body_0200 = _irep_record_body(pool_entry_0200)
irep_record_body = _irep_record_body(pool_entry)
irep_record_body_bigint_nul = _irep_record_body(pool_entry_bigint_nul)


def _irep_record_bodies(spec: RiteVersion) -> tuple:
    """The irep record bodies a file of this format may hold, the usual one first."""
    if not spec.bigint_pool:
        return (irep_record_body_0200,)
    if spec.bigint_nul:
        return (irep_record_body, irep_record_body_bigint_nul)
    return (irep_record_body,)

# ---------------------------------------------------------------------------
# The DBG section (write_section_debug, write_debug_record_1)

debug_filename = Struct(
    "len" / Int16ub,
    "name" / Bytes(this.len),
)

debug_filename_table = Struct(
    "filenames_len" / Int16ub,
    CountGuard(this.filenames_len, 2, "debug filenames"),
    "filenames" / Array(this.filenames_len, debug_filename),
)

mrb_irep_debug_info_line = Struct(
    "start_pos" / Int32ub,
    "line" / Int16ub,
)

_LINE_ENTRY_SIZE = {0: 2, 1: 6, 2: 1}

mrb_irep_debug_info_file = Struct(
    "start_pos" / Int32ub,
    "filename_idx" / Int16ub,
    "line_entry_count" / Int32ub,
    "line_type" / Int8ub,
    CountGuard(this.line_entry_count, lambda ctx: _LINE_ENTRY_SIZE.get(ctx.line_type, 0),
               "line entries"),
    "lines" / Switch(this.line_type, {
        0: Array(this.line_entry_count, Int16ub),                    # mrb_debug_line_ary
        1: Array(this.line_entry_count, mrb_irep_debug_info_line),   # mrb_debug_line_flat_map
        2: Bytes(this.line_entry_count),                             # mrb_debug_line_packed_map
    }, default=Reject(lambda ctx: f"unknown debug line type {ctx.line_type}")),
)

mrb_irep_debug_info = Struct(
    "record_size" / Int32ub,    # this record only, children excluded
    "flen" / Int16ub,
    CountGuard(this.flen, 11, "debug files"),
    "files" / Array(this.flen, mrb_irep_debug_info_file),
)

# ---------------------------------------------------------------------------
# The LVAR section (write_lv_sym_table, write_lv_record)

lv_sym = Struct(
    "len" / Int16ub,
    "name" / Bytes(this.len),
)

lv_sym_table = Struct(
    "syms_len" / Int32ub,
    CountGuard(this.syms_len, 2, "local variable names"),
    "syms" / Array(this.syms_len, lv_sym),
)

# one per irep: nlocals-1 indexes into lv_sym_table, RITE_LV_NULL_MARK for none
lv_record = Struct(
    CountGuard(this._.count, 2, "local variable indexes"),
    "lv" / Array(this._.count, Int16ub),
)


# ---------------------------------------------------------------------------
# Text <-> bytes.  Names are bytes in the file; surrogateescape keeps any byte
# sequence, so a file with non-UTF-8 names still rebuilds byte for byte.

def _text(b: bytes) -> str:
    return bytes(b).decode("utf-8", "surrogateescape")


def _bytes(s: str) -> bytes:
    return s.encode("utf-8", "surrogateescape")


# Packed line maps (decode_packed_lines, encode_packed_lines) are read and
# written by riteload.debug, with the line lookup of mruby's src/debug.c.


# ---------------------------------------------------------------------------
# Parsing

class _Reader:
    """Where we are in the file, and the one way parse failures leave it."""

    def __init__(self, data: bytes, filename: str):
        self.data = data
        self.filename = filename
        self.section: str | None = None
        self.base = 0               # file offset of the current stream's byte 0

    def stream(self, start: int, end: int) -> io.BytesIO:
        """A stream over data[start:end], so reads cannot leave the section."""
        self.base = start
        return io.BytesIO(self.data[start:end])

    def fail(self, message: str, *, irep=None, offset: int | None = None):
        raise ParseError(message, filename=self.filename, section=self.section,
                         irep=irep, offset=offset)

    def parse(self, con, stream, what: str, *, irep=None, **params):
        """Parse ``con`` at the stream's position: THE parse function.

        Any failure (construct's, or a ValueError/IndexError/... from a
        hostile value) becomes a ParseError naming the file, section, irep
        and the byte offset where ``what`` starts."""
        start = stream.tell()
        try:
            return con.parse_stream(stream, **params)
        except ParseError:
            raise
        except (ConstructError, ValueError, IndexError, KeyError, TypeError, OverflowError,
                UnicodeError, ArithmeticError, AttributeError, MemoryError, RecursionError) as e:
            detail = _one_line(e)
            self.fail(f"bad {what}: {detail}", irep=irep, offset=self.base + start)


def _one_line(e: Exception) -> str:
    text = str(e) or type(e).__name__
    parts = [p.strip() for p in text.splitlines() if p.strip()]
    # construct puts "Error in path (parsing) -> a -> b" first: keep the path short
    out = []
    for p in parts:
        if p.startswith("Error in path"):
            p = p.split(")", 1)[1].strip()       # "(parsing) -> a -> b" -> "-> a -> b"
            if not p:
                continue
            p = "at " + p.lstrip("-> ").replace(" -> ", ".")
        out.append(p)
    return "; ".join(out) or type(e).__name__


def parse_rite(data: bytes, filename: str = "-") -> RiteFile:
    """Parse the bytes of a .mrb file; raise ParseError on anything malformed."""
    data = bytes(data)
    r = _Reader(data, filename)
    r.section = "header"
    hs = r.stream(0, len(data))
    if len(data) < rite_binary_header.sizeof():
        r.fail(f"file too short for a RITE header ({len(data)} bytes)", offset=0)
    h = r.parse(rite_binary_header, hs, "rite_binary_header")
    try:
        version = (h.major_version + h.minor_version).decode("ascii")
    except UnicodeError:
        version = None
    spec = VERSIONS.get(version)
    if spec is None:
        r.fail(f"unsupported format version {bytes(h.major_version + h.minor_version)!r} "
               f"(supported: {', '.join(v.ident for v in VERSIONS.values())})", offset=4)
    if h.binary_size != len(data):
        r.fail(f"binary_size {h.binary_size} does not match the file size {len(data)}", offset=8)
    header = RiteHeader(ident="RITE", format_version=version, size=h.binary_size,
                        compiler_name=bytes(h.compiler_name).decode("latin-1"),
                        compiler_version=bytes(h.compiler_version).decode("latin-1"))
    rite = RiteFile(header=header, irep=None, filename=filename)  # type: ignore[arg-type]

    pos = rite_binary_header.sizeof()
    order: list[Irep] | None = None
    seen: set[bytes] = set()
    ended = False
    while pos < len(data):
        r.section = f"at 0x{pos:x}"
        if ended:
            r.fail("data after the END section", offset=pos)
        if len(data) - pos < rite_section_header.sizeof():
            r.fail(f"{len(data) - pos} stray bytes where a section header should be", offset=pos)
        sh = r.parse(rite_section_header, r.stream(pos, len(data)), "rite_section_header")
        ident = bytes(sh.section_ident)
        r.section = _ident_text(ident)
        size = sh.section_size
        if size < rite_section_header.sizeof() or size > len(data) - pos:
            r.fail(f"section size {size} out of range (at most {len(data) - pos} bytes left)",
                   offset=pos + 4)
        if ident in seen:
            r.fail("duplicate section", offset=pos)
        seen.add(ident)
        stream = r.stream(pos, pos + size)
        if ident == IDENT_IREP:
            rite.irep, order, rite.irep_section_version = _parse_irep_section(r, stream, spec)
        elif ident == IDENT_DEBUG:
            if order is None:
                r.fail("DBG section before the IREP section", offset=pos)
            rite.debug_filenames = _parse_debug_section(r, stream, order, spec)
        elif ident == IDENT_LVAR:
            if order is None:
                r.fail("LVAR section before the IREP section", offset=pos)
            rite.lvar_syms = _parse_lvar_section(r, stream, order)
        elif ident == IDENT_END:
            r.parse(rite_binary_footer, stream, "rite_binary_footer")
            ended = True
        else:
            r.fail(f"unknown section identifier {ident!r}", offset=pos)
        rite.sections.append(Section(_ident_text(ident), pos, size))
        pos += size
    r.section = None
    if order is None:
        r.fail("no IREP section", offset=pos)
    if not ended:
        r.fail("no END section", offset=pos)
    return rite


def _parse_irep_section(r: _Reader, stream: io.BytesIO, spec: RiteVersion):
    sh = r.parse(rite_section_irep_header, stream, "rite_section_irep_header")
    rite_version = bytes(sh.rite_version).decode("latin-1")
    head = IREP_RECORD_HEADER_BY_ILEN_SIZE[spec.ilen_size]
    bodies = _irep_record_bodies(spec)
    min_record = head.sizeof() + 4
    end = stream.seek(0, io.SEEK_END)
    stream.seek(rite_section_irep_header.sizeof())

    def read(path):
        start = stream.tell()
        hdr = r.parse(head, stream, "irep record header", irep=path)
        left = end - stream.tell()
        if hdr.rlen * min_record > left:
            r.fail(f"rlen {hdr.rlen} child ireps cannot fit in the {left} bytes left",
                   irep=path, offset=r.base + start + 8)
        body_start = stream.tell()
        first_error = None
        for i, con in enumerate(bodies):
            stream.seek(body_start)
            try:
                body = r.parse(con, stream, "irep record", irep=path, ilen=hdr.ilen, clen=hdr.clen)
                size = stream.tell() - start
                if size != hdr.record_size:
                    r.fail(f"record_size {hdr.record_size} but the record holds {size} bytes",
                           irep=path, offset=r.base + start)
                break
            except ParseError as e:
                first_error = first_error or e
                if i + 1 == len(bodies):
                    raise first_error from None
        terminated = con is irep_record_body_bigint_nul
        irep = Irep(
            nlocals=hdr.nlocals, nregs=hdr.nregs, iseq=bytes(body.iseq),
            handlers=[CatchHandler(h.type, h.begin, h.end, h.target) for h in body.handlers],
            pool=[_pool_value(p, terminated) for p in body.pool],
            syms=[None if s.name is None else _text(s.name) for s in body.syms],
            path=path, format_version=spec.version,
        )
        return irep, hdr.rlen

    root, rlen = read(())
    order = [root]
    stack = [(root, rlen)] if rlen else []
    while stack:
        parent, n = stack[-1]
        if len(parent.reps) == n:
            stack.pop()
            continue
        path = parent.path + (len(parent.reps),)
        if len(path) > MAX_IREP_DEPTH:
            r.fail(f"ireps nested deeper than {MAX_IREP_DEPTH}, the most riteload accepts",
                   irep=path, offset=r.base + stream.tell())
        child, crlen = read(path)
        parent.reps.append(child)
        order.append(child)
        if crlen:
            stack.append((child, crlen))
    if stream.tell() != end:
        r.fail(f"section size {end} but its ireps end at {stream.tell()}",
               offset=r.base + stream.tell())
    return root, order, rite_version


def _pool_value(p, terminated: bool) -> PoolValue:
    tt, v = p.tt, p.value
    if tt == IREP_TT_STR:
        return PoolValue(POOL_STR, bytes(v.data))
    if tt == IREP_TT_INT32:
        return PoolValue(POOL_INT32, v.value)
    if tt == IREP_TT_INT64:
        return PoolValue(POOL_INT64, v.value)
    if tt == IREP_TT_FLOAT:
        return PoolValue(POOL_FLOAT, v.value)
    # IREP_TT_BIGINT: mruby's own [len][base][digits]
    return PoolValue(POOL_BIGINT, bytes([v.len]) + bytes(v.data), terminated=terminated)


def _parse_debug_section(r: _Reader, stream: io.BytesIO, order: list[Irep], spec: RiteVersion):
    r.parse(rite_section_debug_header, stream, "rite_section_debug_header")
    table = r.parse(debug_filename_table, stream, "filename table")
    names = [_text(f.name) for f in table.filenames]
    for irep in order:
        start = stream.tell()
        rec = r.parse(mrb_irep_debug_info, stream, "debug record", irep=irep.path)
        if stream.tell() - start != rec.record_size:
            r.fail(f"record_size {rec.record_size} but the record holds "
                   f"{stream.tell() - start} bytes",
                   irep=irep.path, offset=r.base + start)
        files = []
        for f in rec.files:
            if f.filename_idx >= len(names):
                r.fail(f"filename index {f.filename_idx} out of range ({len(names)} filenames)",
                       irep=irep.path, offset=r.base + start)
            line_type = LINE_TYPES[f.line_type]
            if line_type not in spec.line_types:
                r.fail(f"{line_type} line map in a {spec.ident} file", irep=irep.path,
                       offset=r.base + start)
            if line_type == "ary":
                lines, raw = list(f.lines), b""
            elif line_type == "flat":
                lines, raw = [(e.start_pos, e.line) for e in f.lines], b""
            else:
                raw = bytes(f.lines)
                lines = decode_packed_lines(raw)
            files.append(DebugFile(start_pos=f.start_pos, filename=names[f.filename_idx],
                                   line_type=line_type, lines=lines, raw=raw,
                                   filename_index=f.filename_idx))
        irep.debug = IrepDebug(pc_count=len(irep.iseq), files=files)
    if stream.tell() != stream.seek(0, io.SEEK_END):
        r.fail("bytes left over after the debug records", offset=r.base + stream.tell())
    return names


def _parse_lvar_section(r: _Reader, stream: io.BytesIO, order: list[Irep]):
    r.parse(rite_section_lv_header, stream, "rite_section_lv_header")
    table = r.parse(lv_sym_table, stream, "local variable table")
    names = [_text(s.name) for s in table.syms]
    for irep in order:
        start = stream.tell()
        if irep.nlocals == 0:
            r.fail("local variables of an irep with nlocals 0", irep=irep.path,
                   offset=r.base + start)
        rec = r.parse(lv_record, stream, "local variable record", irep=irep.path,
                      count=irep.nlocals - 1)
        lvars = []
        for idx in rec.lv:
            if idx == RITE_LV_NULL_MARK:
                lvars.append(None)
            elif idx >= len(names):
                r.fail(f"local variable name index {idx} out of range ({len(names)} names)",
                       irep=irep.path, offset=r.base + start)
            else:
                lvars.append(names[idx])
        irep.lvars = lvars
    if stream.tell() != stream.seek(0, io.SEEK_END):
        r.fail("bytes left over after the local variable records", offset=r.base + stream.tell())
    return names


# ---------------------------------------------------------------------------
# Building

def _check_version(rite: RiteFile) -> RiteVersion:
    v = rite.header.format_version
    if v not in VERSIONS:
        raise ValueError(f"cannot build format version {v!r}")
    return VERSIONS[v]


def _pool_entry_dict(p: PoolValue, spec: RiteVersion):
    if p.tag in (POOL_STR, POOL_SSTR):
        data = bytes(p.value)
        return {"tt": IREP_TT_STR, "value": {"len": len(data), "data": data}}
    if p.tag == POOL_INT32:
        return {"tt": IREP_TT_INT32, "value": {"value": p.value}}
    if p.tag == POOL_INT64:
        return {"tt": IREP_TT_INT64, "value": {"value": p.value}}
    if p.tag == POOL_FLOAT:
        return {"tt": IREP_TT_FLOAT, "value": {"value": p.value}}
    if p.tag == POOL_BIGINT:
        if not spec.bigint_pool:
            raise ValueError(f"{spec.ident} has no bigint pool entries")
        raw = bytes(p.value)
        if len(raw) < 2 or raw[0] + 2 != len(raw):
            raise ValueError(f"bigint pool value must be [len][base][len digits], got {raw!r}")
        return {"tt": IREP_TT_BIGINT, "value": {"len": raw[0], "data": raw[1:]}}
    raise ValueError(f"unknown pool tag {p.tag!r}")


def _build_irep_record(irep: Irep, spec: RiteVersion) -> bytes:
    terminated = any(p.tag == POOL_BIGINT and getattr(p, "terminated", False) for p in irep.pool)
    bodies = _irep_record_bodies(spec)
    body_con = bodies[-1] if terminated else bodies[0]   # the NUL-ended variant is last
    body = body_con.build(
        {
            "iseq": bytes(irep.iseq),
            "handlers": [{"type": h.type, "begin": h.begin, "end": h.end, "target": h.target}
                         for h in irep.handlers],
            "plen": len(irep.pool),
            "pool": [_pool_entry_dict(p, spec) for p in irep.pool],
            "slen": len(irep.syms),
            "syms": [{"len": MRB_DUMP_NULL_SYM_LEN, "name": None} if s is None
                     else {"len": len(_bytes(s)), "name": _bytes(s)} for s in irep.syms],
        },
        ilen=len(irep.iseq), clen=len(irep.handlers))
    head = IREP_RECORD_HEADER_BY_ILEN_SIZE[spec.ilen_size]
    hdr = head.build({"record_size": head.sizeof() + len(body), "nlocals": irep.nlocals,
                      "nregs": irep.nregs, "rlen": len(irep.reps), "clen": len(irep.handlers),
                      "ilen": len(irep.iseq)})
    return hdr + body


def _first_appearance(values) -> list:
    out, seen = [], set()
    for v in values:
        if v is not None and v not in seen:
            seen.add(v)
            out.append(v)
    return out


def _file_lines(f: DebugFile):
    if f.line_type == "ary":
        return list(f.lines)
    if f.line_type == "flat":
        return [{"start_pos": s, "line": ln} for s, ln in f.lines]
    if f.line_type == "packed":
        raw = bytes(f.raw)
        if raw and decode_packed_lines(raw) == [tuple(p) for p in f.lines]:
            return raw
        return encode_packed_lines(f.lines)
    raise ValueError(f"unknown debug line type {f.line_type!r}")


def _build_debug_section(rite: RiteFile, order: list[Irep]) -> bytes:
    used = [f.filename for irep in order for f in irep.debug.files]
    names = list(rite.debug_filenames) if rite.debug_filenames is not None else []
    if not set(used) <= set(names):
        names = _first_appearance(used)
    index = {}
    for i, n in enumerate(names):
        index.setdefault(n, i)
    out = bytearray(debug_filename_table.build(
        {"filenames_len": len(names),
         "filenames": [{"len": len(_bytes(n)), "name": _bytes(n)} for n in names]}))
    for irep in order:
        files = []
        for f in irep.debug.files:
            idx = f.filename_index
            if idx is None or not (0 <= idx < len(names)) or names[idx] != f.filename:
                idx = index[f.filename]
            lines = _file_lines(f)
            files.append({"start_pos": f.start_pos, "filename_idx": idx,
                          "line_entry_count": len(lines),
                          "line_type": LINE_TYPE_CODES[f.line_type], "lines": lines})
        rec = mrb_irep_debug_info.build({"record_size": 0, "flen": len(files), "files": files})
        out += Int32ub.build(len(rec)) + rec[4:]
    return rite_section_debug_header.build({"section_size": 8 + len(out)}) + bytes(out)


def _build_lvar_section(rite: RiteFile, order: list[Irep]) -> bytes:
    used = [n for irep in order for n in (irep.lvars or ())]
    names = list(rite.lvar_syms) if rite.lvar_syms is not None else []
    if not {n for n in used if n is not None} <= set(names):
        names = _first_appearance(used)
    index = {}
    for i, n in enumerate(names):
        index.setdefault(n, i)
    out = bytearray(lv_sym_table.build(
        {"syms_len": len(names),
         "syms": [{"len": len(_bytes(n)), "name": _bytes(n)} for n in names]}))
    for irep in order:
        count = max(irep.nlocals - 1, 0)
        lvars = list(irep.lvars) if irep.lvars is not None else [None] * count
        if len(lvars) != count:
            raise ValueError(f"{irep.path_name}: {len(lvars)} local variable names for "
                             f"nlocals {irep.nlocals}")
        lv = [RITE_LV_NULL_MARK if n is None else index[n] for n in lvars]
        out += lv_record.build({"lv": lv},
                               count=count)
    return rite_section_lv_header.build({"section_size": 8 + len(out)}) + bytes(out)


def build_rite(rite: RiteFile) -> bytes:
    """Serialise a RiteFile as mruby would: IREP, DBG (when every irep has
    debug info), LVAR (when any irep has local variable names), END.  Sizes
    are recomputed, never copied from what was parsed."""
    spec = _check_version(rite)
    version = spec.version
    order = list(rite.irep.walk())
    records = b"".join(_build_irep_record(irep, spec) for irep in order)
    rv = rite.irep_section_version or spec.vm_version
    body = rite_section_irep_header.build(
        {"section_size": rite_section_irep_header.sizeof() + len(records),
         "rite_version": rv.encode("latin-1")}) + records
    if all(irep.debug is not None for irep in order):
        body += _build_debug_section(rite, order)
    if any(irep.lvars is not None for irep in order):
        body += _build_lvar_section(rite, order)
    body += rite_binary_footer.build({})
    h = rite.header
    head = rite_binary_header.build({
        "major_version": version[:2].encode("ascii"),
        "minor_version": version[2:].encode("ascii"),
        "binary_size": rite_binary_header.sizeof() + len(body),
        "compiler_name": h.compiler_name.encode("latin-1"),
        "compiler_version": h.compiler_version.encode("latin-1"),
    })
    return head + body
