"""``riteload info FILE.mrb``: what a .mrb file holds, without running it.

``info_facts`` gathers the facts once, as plain data (``riteload info
--json`` prints them); ``format_info`` lays the same facts out as text.
"""

from __future__ import annotations

from .model import RiteFile
from .versions import VERSIONS


def info_facts(rite: RiteFile) -> dict:
    """Header fields, sections (ident, offset, size), the irep tree's counts,
    format version and the mruby releases that write it, debug info and
    local variable names (None when the file has no DBG / LVAR section)."""
    h = rite.header
    ireps = list(rite.ireps())
    spec = VERSIONS.get(h.format_version)
    has_debug = bool(ireps) and all(i.debug is not None for i in ireps)
    return {
        "file": rite.filename,
        "format": f"RITE{h.format_version}",
        "releases": list(spec.releases) if spec is not None else [],
        "binary_size": h.size,
        "compiler": {"name": h.compiler_name, "version": h.compiler_version},
        "irep_version": rite.irep_section_version,
        "sections": [{"ident": s.ident, "offset": s.offset, "size": s.size}
                     for s in rite.sections],
        "ireps": len(ireps),
        "iseq_bytes": sum(len(i.iseq) for i in ireps),
        "pool_entries": sum(len(i.pool) for i in ireps),
        "symbols": sum(len(i.syms) for i in ireps),
        "catch_handlers": sum(len(i.handlers) for i in ireps),
        "max_nregs": max((i.nregs for i in ireps), default=0),
        "debug_files": list(rite.debug_filenames or []) if has_debug else None,
        "lvar_names": len(rite.lvar_syms) if rite.lvar_syms is not None else None,
    }


def format_info(rite: RiteFile) -> str:
    """The facts of ``info_facts``, one per line."""
    f = info_facts(rite)
    releases = f["releases"]
    lines = [
        f"file:             {f['file']}",
        f"format:           {f['format']} "
        f"(written by mruby {', '.join(releases) if releases else 'unknown'})",
        f"binary size:      {f['binary_size']}",
        f"compiler:         {f['compiler']['name']} {f['compiler']['version']}",
        f"irep version:     {f['irep_version']}",
        "sections:",
    ]
    for s in f["sections"]:
        lines.append(f"  {s['ident']:<5} offset 0x{s['offset']:06x}  size {s['size']}")
    debug, lvar = f["debug_files"], f["lvar_names"]
    lines += [
        f"ireps:            {f['ireps']}",
        f"instructions:     {f['iseq_bytes']} bytes of iseq",
        f"pool entries:     {f['pool_entries']}",
        f"symbols:          {f['symbols']}",
        f"catch handlers:   {f['catch_handlers']}",
        f"max nregs:        {f['max_nregs']}",
        "debug info:       "
        + (f"yes ({len(debug)} file(s): {', '.join(debug)})" if debug is not None else "no"),
        "local variables:  " + (f"yes ({lvar} names)" if lvar is not None else "no"),
    ]
    return "\n".join(lines) + "\n"
