"""Decode an irep's iseq into Instructions, driven by the opcode table."""

from __future__ import annotations

from .errors import DecodeError
from .model import Instruction, Irep
from .opcodes import table_for


def _read(iseq: bytes, pos: int, width: int) -> int:
    # operands are big-endian (PEEK_S / PEEK_W in mruby's ops.h)
    return int.from_bytes(iseq[pos:pos + width], "big")


def decode_iseq(irep: Irep) -> list[Instruction]:
    """Decode every instruction of ``irep``; raise DecodeError naming the pc.

    An EXT1/EXT2/EXT3 prefix is folded into the instruction it widens; a
    prefix followed by another prefix, an unknown opcode, or operands that
    run past the end of the iseq are errors.
    """
    table = table_for(irep.format_version)
    prefixes = table.ext_prefixes
    iseq = irep.iseq
    end = len(iseq)
    out: list[Instruction] = []
    pc = 0
    while pc < end:
        ext = None
        op = table.get(iseq[pc])
        if op is None:
            raise DecodeError(f"unknown opcode 0x{iseq[pc]:02x}", irep=irep, pc=pc)
        if op.number in prefixes:
            ext = op.name
            if pc + 1 >= end:
                raise DecodeError(f"{ext} prefix at end of iseq", irep=irep, pc=pc)
            pc += 1
            op = table.get(iseq[pc])
            if op is None:
                raise DecodeError(f"unknown opcode 0x{iseq[pc]:02x}", irep=irep, pc=pc)
            if op.number in prefixes:
                raise DecodeError(f"{op.name} follows {ext}", irep=irep, pc=pc)
        widths = op.operand_widths(ext)
        size = 1 + sum(widths)
        if pc + size > end:
            raise DecodeError(f"operands of {op.name} run past the end of the iseq "
                              f"({pc + size} > {end})", irep=irep, pc=pc)
        vals = [0, 0, 0]
        pos = pc + 1
        for i, w in enumerate(widths):
            vals[i] = _read(iseq, pos, w)
            pos += w
        out.append(Instruction(pc, op.number, op.name, op.layout, vals[0], vals[1], vals[2],
                               ext, size))
        pc += size
    return out
