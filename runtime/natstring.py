"""Strings generated code makes and owns until Python looks at them.

A String that generated code makes (a ``STRING`` literal,
translate/templates.py) has no Python object (heap.ObjectTable).  It is
its class word and a block of ``abi.STR_WORDS`` words

    block[0]            the length in bytes
    block[1]            the room in bytes (abi.STR_ROOM_BYTES)
    block + 16          the bytes

whose address is in ``rl_vmstate.str_blocks`` under its handle.  The first
time Python looks the handle up, ``string_object`` makes the ``RString``
from the bytes and frees the block: from then on Python owns the String
and its entry is 0.  Generated code acts only on a String that has a
block, so there is one owner at a time and no copy to keep in step; what
it cannot do (a longer string, a String Python owns) goes through Python
as before.

The blocks come from slabs (shapes.take_addresses); the VM's pool of
Strings (runtime/heap.py) hands them out with their handles, and the
collector frees the block of a String Python never saw (runtime/gc.py).
"""

from __future__ import annotations

from . import abi
from .cdecls import ffi
from .objects import RBasic, RString
from .shapes import take_addresses

_SLAB_BLOCKS = 512
_slabs: list = []
_free: list = []


def string_blocks(n: int) -> list:
    """The addresses of ``n`` free String blocks, taken (generated code
    writes their header when it takes their String)."""
    return take_addresses(_free, _slabs, abi.STR_WORDS, _SLAB_BLOCKS, n)


def free_string_blocks(addrs: list) -> None:
    """The collector freed these Strings' blocks."""
    _free.extend(addrs)


def owned_bytes(vm, h: int):
    """The bytes of the String of handle ``h`` while generated code owns it,
    else None: what a Hash key lookup needs, without making the RString
    (core/hash.py, values.hash_key)."""
    addr = vm.str_space.blocks[h]
    if not addr:
        return None
    blk = ffi.cast("uint64_t *", addr)
    return ffi.buffer(blk + abi.STR_HDR, int(blk[0]))[:]


def string_object(vm, h: int, addr: int, cls) -> RString:
    """The RString of handle ``h``, a String generated code made whose
    block is at ``addr``: its bytes copied, the block freed, the handle's
    entry cleared, so Python owns it from now on."""
    blk = ffi.cast("uint64_t *", addr)
    o = RString.__new__(RString)
    RBasic.__init__(o, cls)
    o.value = bytearray(ffi.buffer(blk + abi.STR_HDR, int(blk[0])))
    o.handle = h
    vm.str_space.blocks[h] = 0
    _free.append(addr)
    return o
