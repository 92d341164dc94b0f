"""``riteload info FILE.mrb``: what a .mrb file holds, without running it."""

from __future__ import annotations

from .model import RiteFile
from .versions import VERSIONS


def format_info(rite: RiteFile) -> str:
    """Header fields, sections (ident, offset, size), irep count, format
    version and the mruby releases that write it, debug info and local
    variable names present or not."""
    h = rite.header
    ireps = list(rite.ireps())
    spec = VERSIONS.get(h.format_version)
    releases = spec.releases if spec is not None else ()
    lines = [
        f"file:             {rite.filename}",
        f"format:           RITE{h.format_version} "
        f"(written by mruby {', '.join(releases) if releases else 'unknown'})",
        f"binary size:      {h.size}",
        f"compiler:         {h.compiler_name} {h.compiler_version}",
        f"irep version:     {rite.irep_section_version}",
        "sections:",
    ]
    for s in rite.sections:
        lines.append(f"  {s.ident:<5} offset 0x{s.offset:06x}  size {s.size}")
    has_debug = bool(ireps) and all(i.debug is not None for i in ireps)
    has_lvar = rite.lvar_syms is not None
    lines += [
        f"ireps:            {len(ireps)}",
        f"instructions:     {sum(len(i.iseq) for i in ireps)} bytes of iseq",
        f"pool entries:     {sum(len(i.pool) for i in ireps)}",
        f"symbols:          {sum(len(i.syms) for i in ireps)}",
        f"catch handlers:   {sum(len(i.handlers) for i in ireps)}",
        f"max nregs:        {max((i.nregs for i in ireps), default=0)}",
        "debug info:       "
        + (f"yes ({len(rite.debug_filenames or [])} file(s): "
           f"{', '.join(rite.debug_filenames or [])})" if has_debug else "no"),
        "local variables:  " + (f"yes ({len(rite.lvar_syms)} names)" if has_lvar else "no"),
    ]
    return "\n".join(lines) + "\n"
