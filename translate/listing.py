"""``riteload translate FILE.mrb [--irep PATH] [--raw OUT]``: the code of each instruction.

For every irep (or the one ``--irep`` names by index path: ``root``,
``0``, ``0.2``) this prints a header, then each RiteVM instruction as the
disassembly shows it, its ops.h semantics, and below it the x86-64 code
generated for it, disassembled by capstone, at offsets from the method's
entry.  Code a template placed out of line (slow paths calling Python,
float paths) is shown under its instruction, marked ``|``, at its real
offset near the end of the method.  The prologue and the shared stubs
(dispatch on ``ctx->pc``, status check, epilogue) come first and last.

Translation here needs neither executable memory nor a VM: the code is
position-independent and assembled at a fixed fake address; LOADSYM
embeds symbol ids numbered in order of first use, where a running VM
embeds its own.  ``--raw OUT`` writes the machine code of the listed ireps
(entry onwards, without the pc table that precedes each entry),
concatenated in listing order.
"""

from __future__ import annotations

import sys

from riteload.errors import RiteError
from riteload.model import Irep
from riteload.opcodes import LAYOUTS

from .compiler import PROLOGUE, STUBS, TranslateEnv, Translation, translate_irep


def _irep_by_path(root: Irep, spec: str, filename: str | None = None) -> Irep:
    spec = spec.strip()
    if spec in ("root", ""):
        return root
    node = root
    try:
        path = [int(p) for p in spec.split(".")]
    except ValueError:
        raise RiteError(f"bad irep path {spec!r} (expected 'root', '0', '0.2', ...)",
                        filename=filename) from None
    for depth, i in enumerate(path):
        if not 0 <= i < len(node.reps):
            where = ".".join(map(str, path[:depth])) or "root"
            raise RiteError(f"irep {spec}: irep {where} has {len(node.reps)} children, "
                            f"no child {i}", filename=filename)
        node = node.reps[i]
    return node


def _instruction_texts(rite, irep: Irep) -> dict[int, str]:
    """pc -> the instruction as the disassembly prints it (name and operands)."""
    out: dict[int, str] = {}
    try:    # reuse riteload.disasm's per-instruction templates when available
        from riteload import disasm
        ctx = disasm._IrepContext(irep, disasm.DIALECTS[disasm.release_for(irep.format_version)],
                                  {id(i): "0x%x" % n for n, i in enumerate(rite.ireps())})
        for ins in irep.instructions:
            text = disasm._instruction_text(ctx, ins)
            if text is not None:
                out[ins.pc] = text.split("\n")[0].rstrip()
    except Exception:       # noqa: BLE001 - a formatting aid only; fall back below
        out = {}
    for ins in irep.instructions:
        if ins.pc not in out:
            ops = (ins.a, ins.b, ins.c)[:len(LAYOUTS[ins.layout])]
            out[ins.pc] = ins.name.ljust(10) + "\t".join(str(o) for o in ops)
    return out


def format_translation(tr: Translation, texts: dict[int, str]) -> str:
    """The listing of one translated irep (see the module doc)."""
    from capstone import CS_ARCH_X86, CS_MODE_64, Cs

    from riteload.opcodes import table_for

    irep = tr.irep
    asm = tr.assembled
    md = Cs(CS_ARCH_X86, CS_MODE_64)
    decoded = {i.address: i for i in md.disasm(asm.code, 0)}
    table = table_for(irep.format_version)

    def line(k: int, mark: str = " ") -> str:
        off = asm.offsets[k]
        ci = decoded.get(off)
        raw = asm.code[off:off + asm.sizes[k]]
        text = f"{ci.mnemonic} {ci.op_str}".strip() if ci else "(capstone: ?)"
        comment = f"  ; {asm.comments[k]}" if asm.comments[k] else ""
        return f"   {mark} {off:05x}: {raw.hex(' '):<30} {text}{comment}\n"

    by_owner: dict[object, list[int]] = {}
    for k, owner in enumerate(asm.owners):
        by_owner.setdefault(owner, []).append(k)

    def block(owner) -> list[str]:
        return [line(k, "|" if asm.cold[k] else " ") for k in by_owner.get(owner, [])]

    out = [f"irep {'.'.join(map(str, irep.path)) or 'root'} nregs={irep.nregs} "
           f"nlocals={irep.nlocals} ilen={irep.ilen} instructions={len(irep.instructions)}: "
           f"{len(tr.code)} bytes of code, pc table {tr.entry} bytes, "
           f"{tr.inline_ops} inline, {len(irep.instructions) - tr.inline_ops} call Python\n"]
    out.append("  prologue\n")
    out += block(PROLOGUE)
    for idx, ins in enumerate(irep.instructions):
        ext = f"{ins.ext} " if ins.ext else ""
        out.append(f"  {ins.start:03d} {ext}{texts.get(ins.pc, ins.name)}"
                   f"    # {table[ins.name].summary}\n")
        out += block(idx)
    out.append("  stubs\n")
    out += block(STUBS)
    out.append("\n")
    return "".join(out)


def translate_command(path: str, irep: str | None = None, raw: str | None = None) -> int:
    """Print the translation of FILE's ireps; return the exit status."""
    from riteload import load
    from riteload.verify import verify_rite

    rite = load(path, check=False)
    verify_rite(rite)               # only verified ireps are translated
    ireps = ([_irep_by_path(rite.irep, irep, path)] if irep is not None
             else list(rite.ireps()))
    out = None
    if raw is not None:             # a bad OUT fails before the listing starts
        try:
            out = open(raw, "wb")   # closed below, after the listing
        except OSError as e:
            raise RiteError(f"cannot write the code: {e.strerror}", filename=raw) from None
    try:
        env = TranslateEnv()
        chunks = []
        for node in ireps:
            tr = translate_irep(node, env=env)
            sys.stdout.write(format_translation(tr, _instruction_texts(rite, node)))
            chunks.append(tr.code)
        if out is not None:
            try:
                out.write(b"".join(chunks))
                out.close()
            except OSError as e:
                raise RiteError(f"cannot write the code: {e.strerror}", filename=raw) from None
    finally:
        if out is not None:
            out.close()
    return 0
