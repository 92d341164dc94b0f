"""Instance variables of plain objects in native slots, laid out by shapes.

An ``RObject`` (and an ``RException``) keeps its instance variables in a
native *block* of words, so that generated code can read and write them
without Python (``translate/templates.py``: GETIV, SETIV, attr_reader):

    block[0]            the object's shape id (``Shape.id``)
    block[1]            how many slots generated code may write: the
                        capacity, 0 while the object is frozen
    block[2]            the capacity: the block's slot count
    block[HDR + i]      the value word of the i-th instance variable

A *shape* is the sequence of instance-variable names in the order they were
first set (as V8's hidden classes and CRuby 3.2's object shapes): objects
whose variables were set in the same order share one, so a site's inline
cache ``(shape id) -> slot`` holds for all of them, and setting a new
variable is a transition ``shape -> shape + name`` the cache can hold too.
Insertion order is what a Python dict keeps, so the order
``instance_variables`` and ``inspect`` print is the one the runtime printed
before (removing a variable rebuilds the shape from the remaining names,
as a dict forgets the key).

Each VM publishes the block of every object handle in ``HandleTable.blocks``
(``rl_vmstate.iv_blocks``, 0 for none), beside ``class_words``.  Python
reads and writes the same words through ``IvarView``, the dict-like
``RObject.ivars`` the core library uses: one copy of every method.
"""

from __future__ import annotations

from array import array
from itertools import compress

from . import abi
from .cdecls import ffi

HDR = abi.IV_HDR            # block words before the slots: shape, writable capacity, capacity
_SLAB_BYTES = 1 << 16


class Shape:
    """A sequence of instance-variable names (symbol ids); ``index`` maps a
    name to its slot, made on first use (most shapes are passed through)."""

    __slots__ = ("id", "names", "_index", "edges")

    def __init__(self, sid_: int, names: tuple):
        self.id = sid_
        self.names = names
        self._index = None
        self.edges: dict[int, Shape] = {}

    @property
    def index(self) -> dict:
        ix = self._index
        if ix is None:
            ix = self._index = {s: i for i, s in enumerate(self.names)}
        return ix


# Shape ids are process-wide (id 0 is none: a zeroed inline cache never matches).
SHAPES: list = [None]
ROOT = Shape(abi.IV_ROOT_SHAPE, ())
SHAPES.append(ROOT)


def shape_add(shape: Shape, sid: int) -> Shape:
    """The shape after setting the new variable ``sid`` on ``shape``."""
    nxt = shape.edges.get(sid)
    if nxt is None:
        nxt = Shape(len(SHAPES), shape.names + (sid,))
        SHAPES.append(nxt)
        shape.edges[sid] = nxt
    return nxt


def shape_of(names) -> Shape:
    """The shape of ``names`` in this order, from the root."""
    s = ROOT
    for sid in names:
        s = shape_add(s, sid)
    return s


# Blocks come from slabs, one free list of addresses per capacity (a power
# of two); a block's capacity word says which.
_free: dict[int, list] = {}
_slabs: list = []           # the slabs' cffi arrays, kept alive


def _capacity(n: int) -> int:
    cap = 2
    while cap < n:
        cap <<= 1
    return cap


def _carve(cap: int) -> list:
    """A new slab of blocks of ``cap`` slots, its blocks' capacity words
    written: the free list of ``cap``, extended with their addresses."""
    words = HDR + cap
    count = max(1, _SLAB_BYTES // (8 * words))
    slab = ffi.new("uint64_t[]", words * count)
    base = int(ffi.cast("uintptr_t", slab))
    _slabs.append(slab)
    memoryview(ffi.buffer(slab)).cast("Q")[abi.IV_CAPACITY // 8::words] = \
        array("Q", [cap]) * count
    free = _free.setdefault(cap, [])
    free.extend(range(base, base + 8 * words * count, 8 * words))
    return free


def new_block(cap: int):
    """A block of ``cap`` slots (a power of two), its header zeroed but for
    its capacity."""
    free = _free.get(cap) or _carve(cap)
    blk = ffi.cast("uint64_t *", free.pop())
    blk[0] = 0
    blk[1] = 0
    return blk


def take_addresses(free: list, slabs: list, words: int, per_slab: int, n: int) -> list:
    """Take ``n`` addresses from ``free``, a free list of pieces of native
    memory of ``words`` words each, carving slabs of ``per_slab`` pieces
    (kept alive in ``slabs``) when it runs short: the blocks of Array
    literals (runtime/natarray.py), Procs' call data, env cells and
    buffers (runtime/heap.py)."""
    while len(free) < n:
        slab = ffi.new("uint64_t[]", words * per_slab)
        slabs.append(slab)
        base = int(ffi.cast("uintptr_t", slab))
        free.extend(range(base, base + 8 * words * per_slab, 8 * words))
    got = free[len(free) - n:]
    del free[len(free) - n:]
    return got


def block_addresses(cap: int, n: int) -> list:
    """The addresses of ``n`` free blocks of ``cap`` slots, taken, for plain
    objects generated code allocates; it writes their headers when it takes
    the object (translate/templates.py's Class#new: the root shape,
    writable to the capacity)."""
    free = _free.get(cap) or _carve(cap)
    while len(free) < n:
        _carve(cap)
    addrs = free[len(free) - n:]
    del free[len(free) - n:]
    return addrs


def free_block(blk, cap: int) -> None:
    _free[cap].append(int(ffi.cast("uintptr_t", blk)))


def free_blocks(addrs: list, caps: list) -> None:
    """The collector freed the blocks at ``addrs``, of capacities ``caps``
    (their capacity words): each goes back to its capacity's free list."""
    lo, hi = min(caps), max(caps)
    if lo == hi:
        _free[lo].extend(addrs)
        return
    for cap in set(caps):
        _free[cap].extend(compress(addrs, map(cap.__eq__, caps)))


class HandleTable:
    """A VM's native table of ``width`` words per object handle, beside
    ``class_words`` (``rl_vmstate.<field>``: ``iv_blocks`` here, block
    addresses, 0 for none; ``ary_blocks`` for runtime/natarray.py;
    ``proc_calls`` for runtime/heap.py's Proc call data)."""

    __slots__ = ("blocks", "length", "state", "field", "width")

    def __init__(self, state, field: str, length: int, width: int = 1):
        self.state = state
        self.field = field
        self.width = width
        self.length = 0
        self.blocks = None
        self.grow(length)

    def grow(self, length: int) -> None:
        new = ffi.new("uint64_t[]", length * self.width)
        if self.blocks is not None:
            ffi.memmove(new, self.blocks, self.length * self.width * 8)
        self.blocks = new
        self.length = length
        setattr(self.state, self.field, new)

    def clear(self, h: int) -> None:
        """Handle ``h`` was freed: its words are 0 again."""
        w = self.width
        for i in range(h * w, h * w + w):
            self.blocks[i] = 0


def block_address(blk) -> int:
    return int(ffi.cast("uintptr_t", blk))


# -- the operations RObject's ivars and the GC use --------------------------------

def iv_get(o, sid: int, default=None):
    blk = o._blk
    if blk is None:
        return default
    shape = SHAPES[blk[0]]
    i = (shape._index or shape.index).get(sid)      # the attribute first: a hot path
    return default if i is None else blk[HDR + i]


def iv_set(o, sid: int, w: int) -> None:
    """Set (or add, at the end of the order) ``sid`` on ``o`` (frozenness is
    the caller's check)."""
    blk = o._blk
    if blk is None:
        blk = _attach(o, ROOT, 1)
    shape = SHAPES[blk[0]]
    i = (shape._index or shape.index).get(sid)
    if i is None:
        shape = shape_add(shape, sid)
        i = len(shape.names) - 1
        if i >= o._cap:
            blk = _regrow(o, i + 1)
        blk[0] = shape.id
    blk[HDR + i] = w


def iv_words(o) -> list:
    """The value words of ``o``'s variables, in order."""
    blk = o._blk
    if blk is None:
        return []
    return ffi.unpack(blk + HDR, len(SHAPES[blk[0]].names))


def iv_names(o) -> tuple:
    blk = o._blk
    return () if blk is None else SHAPES[blk[0]].names


def iv_replace(o, items) -> None:
    """Make ``o``'s variables exactly ``items`` ((sid, word) pairs, in order)."""
    items = list(items)
    if not items and o._blk is None:
        return
    shape = shape_of(s for s, _ in items)
    n = len(shape.names)
    blk = o._blk if o._blk is not None and n <= o._cap else _regrow(o, n)
    blk[0] = shape.id
    for i, (_, w) in enumerate(items):
        blk[HDR + i] = w


def _attach(o, shape: Shape, need: int):
    """Give ``o`` its first block, sized by what its class's instances need."""
    c = o.cls
    hint = c.iv_cap if c is not None else 0
    cap = _capacity(max(need, hint))
    blk = _fresh_block(o, shape, cap)
    if c is not None and c.iv_cap < cap:
        c.iv_cap = cap
    _publish(o, blk)
    return blk


def _fresh_block(o, shape: Shape, cap: int):
    """A new block of ``cap`` slots in ``shape`` for ``o`` (not published)."""
    blk = new_block(cap)
    blk[0] = shape.id
    blk[1] = 0 if o._frz else cap
    o._blk, o._cap = blk, cap
    return blk


def _regrow(o, need: int):
    old, oldcap = o._blk, o._cap
    if old is None:
        return _attach(o, ROOT, need)
    cap = _capacity(need)
    blk = new_block(cap)
    ffi.memmove(blk, old, (HDR + min(oldcap, cap)) * 8)
    blk[abi.IV_CAPACITY // 8] = cap
    blk[1] = 0 if o._frz else cap
    free_block(old, oldcap)
    o._blk, o._cap = blk, cap
    c = o.cls
    if c is not None and c.iv_cap < cap:
        c.iv_cap = cap
    _publish(o, blk)
    return blk


def _publish(o, blk) -> None:
    space = o._space
    if space is not None and o.handle:
        space.blocks[o.handle] = block_address(blk)


def attach_at_alloc(o, space: HandleTable, h: int) -> None:
    """``Heap.alloc`` of an RObject: publish its block (made now when its
    class's instances have had variables, so SETIV in ``initialize`` finds a
    block to write natively)."""
    o._space = space
    blk = o._blk
    if blk is None:
        c = o.cls
        if c is None or not c.iv_cap:
            space.blocks[h] = 0
            return
        blk = _fresh_block(o, ROOT, c.iv_cap)
    space.blocks[h] = block_address(blk)


def release(o, space: HandleTable, h: int) -> None:
    """The collector freed ``o`` (handle ``h``): its block goes back."""
    blk = o._blk
    if blk is not None:
        free_block(blk, o._cap)
        o._blk = None
    space.blocks[h] = 0


def set_frozen(o, frozen: bool) -> None:
    o._frz = frozen
    blk = o._blk
    if blk is not None:
        blk[1] = 0 if frozen else o._cap


class IvarView:
    """``RObject.ivars``: the dict operations the core library uses, over
    the object's block (insertion order as a dict's)."""

    __slots__ = ("o",)

    def __init__(self, o):
        self.o = o

    def get(self, sid, default=None):
        return iv_get(self.o, sid, default)

    def __getitem__(self, sid):
        w = iv_get(self.o, sid)
        if w is None:
            raise KeyError(sid)
        return w

    def __setitem__(self, sid, w) -> None:
        iv_set(self.o, sid, w)

    def __contains__(self, sid) -> bool:
        return sid in iv_names(self.o)

    def __len__(self) -> int:
        return len(iv_names(self.o))

    def __bool__(self) -> bool:
        return bool(iv_names(self.o))

    def __iter__(self):
        return iter(iv_names(self.o))

    def keys(self):
        return list(iv_names(self.o))

    def values(self):
        return iv_words(self.o)

    def items(self):
        return list(zip(iv_names(self.o), iv_words(self.o)))

    def setdefault(self, sid, w):
        got = iv_get(self.o, sid)
        if got is None:
            iv_set(self.o, sid, w)
            return w
        return got

    def update(self, other) -> None:
        for k, v in (other.items() if hasattr(other, "items") else other):
            iv_set(self.o, k, v)

    def pop(self, sid, *default):
        items = self.items()
        for i, (k, v) in enumerate(items):
            if k == sid:
                del items[i]
                iv_replace(self.o, items)
                return v
        if default:
            return default[0]
        raise KeyError(sid)

    def __delitem__(self, sid) -> None:
        self.pop(sid)

    def clear(self) -> None:
        iv_replace(self.o, ())

    def copy(self) -> dict:
        return dict(self.items())

    def __eq__(self, other) -> bool:
        return dict(self.items()) == (dict(other.items()) if hasattr(other, "items") else other)

    __hash__ = None

    def __repr__(self) -> str:
        return f"IvarView({dict(self.items())!r})"
