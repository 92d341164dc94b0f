"""Arrays whose elements generated code reads and appends to.

``RArray.items`` is an ``ItemList``: a Python list (the core library keeps
using it as one, so every Array method keeps one implementation) that can
also keep a native copy of its words.  Until generated code needs the array
it is no more than a list whose mutating methods test one attribute.  The
first time a native read finds no copy (``GETIDX``, ``Array#[]``, ``size``,
``first``, ``last``, ``empty?``, ``push``, ``pop``, ``shift``:
translate/templates.py), the runtime *publishes* it: a block

    block[0]            the length
    block[1]            the writable capacity: 0 while the Array is frozen
    block[2]            while the handle is in the VM's log: 1 + the least
                        length since (else 0)
    block[HDR + i]      the i-th element's word

whose address goes in the VM's ``HandleTable`` of arrays under the array's
handle (``rl_vmstate.ary_blocks``, 0 for none), beside ``class_words``.  From then
on each mutation through the list's methods writes the block as well:
``append`` one word, anything else the whole list again, so generated code
always reads what Python sees.

Generated code changes a block in three ways only: ``push``/``<<`` of one
value while there is room, ``pop`` and ``shift``.  It stores the word or
moves the words, sets the length and, the first time, logs the handle in
``rl_vmstate.ary_log``; block[2] then keeps 1 + the least length the block
had since.  A ``shift`` of more than ARY_LITERAL_MAX words moves none: the
block starts one word later (its header is written over the first
element's slot, its capacity one less, and ``ary_blocks`` names the new
start), as mruby's shared arrays make shift O(1).  ``replay_appends`` (run
by runtime/natlogs.py whenever control enters Python) drops from the list
what the block's start moved past, cuts it to the least length and
appends the block's words beyond it, so Python sees what generated code
wrote before it runs anything; the next whole write from Python starts
the block at its allocation again.  Other stores go through Python
(runtime/leaves.py).
"""

from __future__ import annotations

from array import array

from . import abi
from .cdecls import ffi
from .shapes import HandleTable, block_address, take_addresses

HDR = abi.ARY_HDR               # length, writable capacity, logged


def _capacity(n: int) -> int:
    cap = 8
    while cap < n:
        cap <<= 1
    return cap


# Blocks of the Arrays generated code's ARRAY literals take from the VM's
# pool (runtime/heap.py): LITERAL_WORDS words each, carved from slabs; the
# free ones by address.
LITERAL_WORDS = HDR + abi.ARY_LITERAL_MAX
_SLAB_BLOCKS = 512
_literal_slabs: list = []
_literal_free: list = []


def literal_blocks(n: int) -> list:
    """The addresses of ``n`` free literal blocks, taken (generated code
    writes their header when it takes their Array)."""
    return take_addresses(_literal_free, _literal_slabs, LITERAL_WORDS, _SLAB_BLOCKS, n)


def free_literal_block(addr: int) -> None:
    _literal_free.append(addr)


def free_literal_blocks(addrs: list) -> None:
    """The collector freed these Array literals' blocks."""
    _literal_free.extend(addrs)


class ItemList(list):
    """The elements of an RArray, and once published their native block."""

    # _blk is where the block's header is now and _cap its capacity there;
    # _base the allocation (a shift in generated code moves the header up)
    # and _room its capacity
    __slots__ = ("_blk", "_cap", "_base", "_room", "_space", "_h", "_ro", "_literal")

    def __init__(self, *args):
        list.__init__(self, *args)
        self._blk = self._base = None
        self._cap = self._room = 0
        self._space = None
        self._h = 0
        self._ro = False            # frozen: generated code may not append
        self._literal = False       # the block is a literal block (literal_blocks)

    @classmethod
    def of_literal(cls, space: HandleTable, h: int, addr: int) -> ItemList:
        """The list of the Array of handle ``h`` that generated code made
        from a literal and Python had not seen (heap.ObjectTable): its words
        are the block's, which it keeps."""
        blk = ffi.cast("uint64_t *", addr)
        items = cls(ffi.unpack(blk + HDR, min(blk[0], abi.ARY_LITERAL_MAX)))
        items._blk = items._base = blk
        items._cap = items._room = abi.ARY_LITERAL_MAX
        items._space = space
        items._h = h
        items._literal = True
        blk[2] = 0                  # natlogs' replay would find nothing new
        return items

    def set_frozen(self, frozen: bool) -> None:
        self._ro = frozen
        if self._blk is not None:
            self._blk[1] = 0 if frozen else self._cap

    # -- the native copy ------------------------------------------------------
    def publish(self, space: HandleTable, h: int) -> None:
        """Make the native block of the array at handle ``h``."""
        self._space, self._h = space, h
        self._write_all()

    def release(self) -> None:
        """No block any more (the array was freed or given other items)."""
        if self._blk is not None:
            self._space.blocks[self._h] = 0
            self._drop_block()

    def _drop_block(self) -> None:
        if self._literal:
            free_literal_block(block_address(self._base))
            self._literal = False
        self._blk = self._base = None
        self._cap = self._room = 0

    def _write_all(self) -> None:
        """The whole list into the block, from its allocation's start (a
        new allocation when it has no room)."""
        n = len(self)
        old = self._blk
        logged = old[2] if old is not None else 0
        if old is None or n > self._room:
            cap = _capacity(n)
            if old is not None:
                self._drop_block()
            self._base, self._room = ffi.new("uint64_t[]", HDR + cap), cap
        blk = self._base
        if old is None or block_address(blk) != block_address(old):
            self._blk, self._cap = blk, self._room
            blk[1] = 0 if self._ro else self._room
            blk[2] = logged
            self._space.blocks[self._h] = block_address(blk)
        if n:
            words = array("Q", self)
            ffi.memmove(blk + HDR, words, 8 * n)
        blk[0] = n

    # -- list methods that change it -------------------------------------------
    def append(self, w) -> None:
        list.append(self, w)
        blk = self._blk
        if blk is not None:
            n = len(self)
            if n > self._cap:
                self._write_all()
            else:
                blk[HDR + n - 1] = w
                blk[0] = n

    def extend(self, ws) -> None:
        list.extend(self, ws)
        if self._blk is not None:
            self._write_all()

    def insert(self, i, w) -> None:
        list.insert(self, i, w)
        if self._blk is not None:
            self._write_all()

    def pop(self, *i):
        w = list.pop(self, *i)
        blk = self._blk
        if blk is not None:
            n = len(self)
            if i and i[0] not in (-1, n):
                # shift and other pops inside: the words above move down one
                # in place (a copy of the whole list per shift made a queue
                # drained by shift quadratic: mruby's bm_so_lists)
                k = i[0] if i[0] >= 0 else i[0] + n + 1
                ffi.memmove(blk + HDR + k, blk + HDR + k + 1, 8 * (n - k))
            blk[0] = n                      # from the end: the length is all
        return w

    def remove(self, w) -> None:
        list.remove(self, w)
        if self._blk is not None:
            self._write_all()

    def clear(self) -> None:
        list.clear(self)
        if self._blk is not None:
            self._blk[0] = 0

    def sort(self, *args, **kw) -> None:
        list.sort(self, *args, **kw)
        if self._blk is not None:
            self._write_all()

    def reverse(self) -> None:
        list.reverse(self)
        if self._blk is not None:
            self._write_all()

    def __setitem__(self, i, w) -> None:
        list.__setitem__(self, i, w)
        blk = self._blk
        if blk is not None:
            if type(i) is int:
                blk[HDR + (i if i >= 0 else i + len(self))] = w
            else:
                self._write_all()

    def __delitem__(self, i) -> None:
        list.__delitem__(self, i)
        if self._blk is not None:
            self._write_all()

    def __iadd__(self, ws):
        list.extend(self, ws)
        if self._blk is not None:
            self._write_all()
        return self

    def __imul__(self, k):
        list.__imul__(self, k)
        if self._blk is not None:
            self._write_all()
        return self


def replay_appends(state, objects) -> None:
    """Give the lists of the Arrays generated code changed the words it
    changed (the handles are in ``state.ary_log``; each block's log word
    is 1 + the least length it had since), and empty the log.
    An Array without a Python object (heap.ObjectTable) needs nothing: its
    list will be made from its block."""
    n = state.ary_log_n
    log = state.ary_log
    for k in range(n):
        o = objects.get(log[k])
        if o is None:               # an Array Python has not seen: its block is all it is
            ffi.cast("uint64_t *", state.ary_blocks[log[k]])[2] = 0
            continue
        items = o.items
        blk = items._blk
        moved = (state.ary_blocks[log[k]] - block_address(blk)) >> 3
        if moved:                   # shifted in place: the block starts later
            blk = items._blk = ffi.cast("uint64_t *", state.ary_blocks[log[k]])
            items._cap -= moved
            list.__delitem__(items, slice(0, moved))
        keep, m = blk[2] - 1, blk[0]
        blk[2] = 0
        have = len(items)
        if keep < have:             # popped or shifted: the words from there changed
            list.__delitem__(items, slice(keep, None))
            have = keep
        if m > have:
            list.extend(items, ffi.unpack(blk + HDR + have, m - have))
    state.ary_log_n = 0


def items_list(items) -> ItemList:
    """``items`` as the ItemList of a new owner (a list is wrapped, an
    ItemList another array may own is copied)."""
    if type(items) is ItemList and items._h == 0 and items._blk is None:
        return items
    return ItemList(items)
