"""Debug info as mruby's ``src/debug.c`` reads it: packed line maps and the
line lookup, written once.

``mrb_debug_get_line`` and ``mrb_debug_get_filename`` give the source line
and file of an irep's pc; ``get_file`` picks the file record that covers a
pc.  The listing (``riteload.disasm``) calls them, and the runtime's
backtraces reach the same lookup through ``IrepDebug.location``.

A packed line map (mruby 3.1 and later) is a run of varint pairs: pc delta,
then line delta, both unsigned 32-bit (a line going back wraps around).
The functions take the objects of ``riteload.model`` (``Irep``,
``IrepDebug``, ``DebugFile``) but do not import that module, which imports
this one.
"""

from __future__ import annotations

__all__ = ["LINE_TYPES", "decode_packed_lines", "encode_packed_lines", "file_line", "get_file",
           "mrb_debug_get_filename", "mrb_debug_get_line", "mrb_packed_int_decode",
           "mrb_packed_int_encode"]

#: the three line map encodings (enum mrb_debug_line_type)
LINE_TYPES = frozenset({"ary", "flat", "packed"})


def _signed32(v: int) -> int:
    return v - (1 << 32) if v >= 1 << 31 else v


def mrb_packed_int_decode(raw: bytes, pos: int) -> tuple[int, int]:
    """mrb_packed_int_decode(): the varint at ``raw[pos]`` (7 bits a byte, low
    bits first, at most 32 bits) and the position after it.

    Bytes past the end read as 0, so a truncated varint ends there and the
    position returned is beyond ``len(raw)``: that is how a caller tells."""
    n = shift = 0
    end = len(raw)
    while True:
        byte = raw[pos] if pos < end else 0
        pos += 1
        n |= (byte & 0x7F) << shift
        shift += 7
        if not (byte & 0x80) or shift >= 32:
            return n & 0xFFFFFFFF, pos


def mrb_packed_int_encode(n: int) -> bytes:
    """mrb_packed_int_encode(): ``n`` as an unsigned 32-bit varint."""
    n &= 0xFFFFFFFF
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def decode_packed_lines(raw: bytes) -> list[tuple[int, int]]:
    """(start_pc, line) pairs of a packed map; a truncated tail is ignored."""
    pairs = []
    pos = pc = line = 0
    while pos < len(raw):
        dpc, pos = mrb_packed_int_decode(raw, pos)
        dline, pos = mrb_packed_int_decode(raw, pos)
        if pos > len(raw):
            break
        pc = (pc + dpc) & 0xFFFFFFFF
        line = (line + dline) & 0xFFFFFFFF
        pairs.append((pc, _signed32(line)))
    return pairs


def encode_packed_lines(pairs) -> bytes:
    out = bytearray()
    pc = line = 0
    for start, ln in pairs:
        out += mrb_packed_int_encode(start - pc)
        out += mrb_packed_int_encode(ln - line)
        pc, line = start, ln
    return bytes(out)


def _packed_steps(f):
    """The (pc delta, line delta) pairs of a packed map, as mruby walks its
    bytes; a map built in Python (no bytes yet) from its decoded pairs."""
    raw = f.raw or b""
    if raw:
        pos = 0
        while pos < len(raw):
            dpc, pos = mrb_packed_int_decode(raw, pos)
            dline, pos = mrb_packed_int_decode(raw, pos)
            yield dpc, dline
        return
    prev_pc = prev_line = 0
    for start, line in f.lines:
        yield start - prev_pc, line - prev_line
        prev_pc, prev_line = start, line


def file_line(f, pc: int) -> int | None:
    """The line of ``pc`` in one file record (the switch on ``line_type`` of
    mrb_debug_get_line), or None where that record has no entry for it."""
    kind = f.line_type
    if kind == "ary":
        idx = pc - f.start_pos
        return f.lines[idx] if 0 <= idx < len(f.lines) else None
    if kind == "flat":
        line = None
        for start, ln in f.lines:
            if pc < start:
                break
            line = ln
        return line
    # packed: the sum of the line deltas of every entry at or before pc
    pos = line = 0
    for dpc, dline in _packed_steps(f):
        pos += dpc
        if pc < pos:
            break
        line = (line + dline) & 0xFFFFFFFF
    return _signed32(line)


def get_file(info, pc: int):
    """get_file(): the file record of ``info`` (an IrepDebug) that covers
    ``pc``: the last one starting at or before it, None before the first."""
    chosen = None
    for f in info.files:          # the upper bound by start_pos, then the one before
        if pc < f.start_pos:
            break
        chosen = f
    return chosen


def _covering_file(irep, pc: int):
    info = irep.debug
    if info is None or pc >= irep.ilen or pc >= info.pc_count:
        return None
    return get_file(info, pc)


def mrb_debug_get_line(irep, pc: int, line_types=LINE_TYPES) -> int:
    """mrb_debug_get_line(): the source line of ``pc``, -1 when there is none.

    ``line_types`` are the maps the reading release's loader keeps (mruby
    3.4 keeps only packed ones): a file in another encoding has no lines."""
    f = _covering_file(irep, pc)
    if f is None or f.line_type not in line_types:
        return -1
    line = file_line(f, pc)
    return -1 if line is None else line


def mrb_debug_get_filename(irep, pc: int) -> str | None:
    """mrb_debug_get_filename(): the source file of ``pc``, None when there is none."""
    f = _covering_file(irep, pc)
    return None if f is None else f.filename
