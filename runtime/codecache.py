"""The code cache: bounded executable memory for translated ireps.

Space comes from chunks (``ExecMemory``; 256 KiB, or a quarter of the bound
when that is smaller), handed out append-only: a
translation is copied in at the chunk's fill mark and the pages it touched
are switched back to read-execute before anything runs it.  Appending to a
chunk whose earlier methods are live flips only the pages being written to
read-write, and only while the (single) VM thread is here in Python, not in
generated code, so no page is ever writable and executable at once and no
instruction runs from a page while it is writable.

Every irep that was ever installed has an *entry cell*: a uint64 in a
native array whose address never changes, holding the address of the irep's
code, or of the shared "compile me" stub (which returns ``ST_COMPILE``)
when the irep has no code.  Callers go through the cell, so evicting a
method only resets its cell.  A cell has room for three more words, which
the engine keeps for a call through the cell alone (abi.CELL_*: a Proc
call finds its callee's counters, caches and register count there).  The
cache only maps machine code it is given:
the engine hands it the stub's bytes, made by the translator.

The total size of the chunks is bounded by ``limit`` bytes.  When a
translation does not fit, the cache evicts every chunk none of whose
methods is running (``Entry.active``, counted by the engine around each
native call) and starts again in a fresh chunk; an evicted method is
reinstalled on its next call from its cached translation.  When nothing
can be evicted the install fails and the caller runs that activation in
the interpreter.
"""

from __future__ import annotations

from riteload.record import Record

from .abi import CELL_WORDS
from .cdecls import ffi
from .execmem import PAGE_SIZE, ExecMemory

DEFAULT_CHUNK = 256 << 10
_CELLS_PER_BLOCK = 1024
_ALIGN = 16


def _align(n: int, to: int = _ALIGN) -> int:
    return (n + to - 1) // to * to


class Chunk:
    """One mapping code is appended to; ``entries`` are the methods in it."""

    GC_OPAQUE = True    # runtime/gc.py scans no further: it holds no value words

    def __init__(self, size: int):
        self.mem = ExecMemory(size)
        self.size = self.mem.size
        self.fill = 0
        self.entries: list[Entry] = []

    def fits(self, n: int) -> bool:
        return _align(self.fill) + n <= self.size

    def append(self, blob: bytes) -> int:
        off = _align(self.fill)
        end = off + len(blob)
        self.mem.protect_write(off, end)
        self.mem.write(off, blob)
        self.mem.protect_exec(off, end)
        self.fill = end
        return off

    @property
    def busy(self) -> bool:
        return any(e.active for e in self.entries)


class Entry(Record):
    """The per-irep record: entry cell, installed code, activity."""

    GC_OPAQUE = True    # runtime/gc.py scans no further: it holds no value words

    _FIELDS = ("key", "cell", "translation", "chunk", "address", "fn", "active", "installs",
               "extra")
    __eq__ = object.__eq__      # a dataclass(eq=False): equal only to itself, hashable
    __hash__ = object.__hash__

    def __init__(self, key: object, cell: object, translation: object = None,
                 chunk: Chunk | None = None, address: int = 0, fn: object = None,
                 active: int = 0, installs: int = 0, extra: dict | None = None):
        self.key = key
        self.cell = cell                    # cffi uint64_t * (stable address)
        self.translation = translation      # translate.compiler.Translation, kept for reinstalling
        self.chunk = chunk
        self.address = address              # of the entry point, 0 when not installed
        self.fn = fn                        # cffi rl_entry of ``address``
        self.active = active                # native activations of this code on the stack
        self.installs = installs
        self.extra = {} if extra is None else extra     # engine-owned data (counters...)

    @property
    def installed(self) -> bool:
        return self.address != 0

    @property
    def cell_address(self) -> int:
        return int(ffi.cast("uintptr_t", self.cell))


class CodeCache:
    """See the module doc.  ``limit`` bounds the bytes of mapped chunks;
    ``stub`` is the machine code of the "compile me" stub (the engine has it
    from the translator: the cache only maps and runs bytes)."""

    GC_OPAQUE = True    # runtime/gc.py scans no further: it holds no value words

    def __init__(self, limit: int = 16 << 20, chunk_size: int = DEFAULT_CHUNK, *, stub: bytes):
        self.limit = max(limit, PAGE_SIZE)
        # at least four chunks fit in the bound where pages allow: a chunk pinned
        # by a running method then leaves the others to evict and refill
        quarter = self.limit // 4 // PAGE_SIZE * PAGE_SIZE
        self.chunk_size = max(PAGE_SIZE, min(_align(chunk_size, PAGE_SIZE), quarter))
        self.chunks: list[Chunk] = []
        self.entries: dict[object, Entry] = {}
        self._cell_blocks: list = []
        self._cells_used = _CELLS_PER_BLOCK
        # statistics
        self.installs = 0          # methods compiled (installed), reinstalls included
        self.evictions = 0         # methods whose code was evicted
        self.flushes = 0           # times the cache was flushed to make room
        self.failed = 0            # installs refused: nothing evictable
        self.peak_bytes = 0
        # the "compile me" stub: outside the bound, in pages of its own, never evicted
        self._stub = ExecMemory(len(stub))
        self._stub.write(0, stub)
        self._stub.protect_exec()
        self.stub_address = self._stub.address

    # -- cells ---------------------------------------------------------------
    def _new_cell(self):
        """A cell: CELL_WORDS words, the first the code's address (the
        engine keeps the rest: abi.CELL_*)."""
        if self._cells_used == _CELLS_PER_BLOCK:
            self._cell_blocks.append(ffi.new("uint64_t[]", _CELLS_PER_BLOCK * CELL_WORDS))
            self._cells_used = 0
        cell = self._cell_blocks[-1] + self._cells_used * CELL_WORDS
        self._cells_used += 1
        cell[0] = self.stub_address
        return cell

    def entry(self, key) -> Entry:
        """The entry (and cell) of ``key``, created on first use."""
        e = self.entries.get(key)
        if e is None:
            e = self.entries[key] = Entry(key, self._new_cell())
        return e

    # -- figures -------------------------------------------------------------
    @property
    def bytes_used(self) -> int:
        return sum(c.fill for c in self.chunks)

    @property
    def bytes_mapped(self) -> int:
        return sum(c.size for c in self.chunks)

    @property
    def methods_installed(self) -> int:
        return sum(len(c.entries) for c in self.chunks)

    # -- installing and evicting ---------------------------------------------
    def install(self, entry: Entry, translation) -> bool:
        """Copy ``translation`` in and point ``entry``'s cell at it.

        Returns False (and leaves the entry without code) when it cannot be
        placed even after evicting everything not running.
        """
        blob = translation.blob
        need = len(blob)
        chunk = self._room(need)
        if chunk is None:
            self.failed += 1
            return False
        off = chunk.append(blob)
        entry.translation = translation
        entry.chunk = chunk
        entry.address = chunk.mem.address + off + translation.entry
        entry.fn = ffi.cast("rl_entry", entry.address)
        entry.cell[0] = entry.address
        entry.installs += 1
        chunk.entries.append(entry)
        self.installs += 1
        self.peak_bytes = max(self.peak_bytes, self.bytes_used)
        return True

    def _room(self, need: int) -> Chunk | None:
        for c in reversed(self.chunks[-2:]):
            if c.fits(need):
                return c
        size = max(self.chunk_size, _align(need, PAGE_SIZE))
        if self.bytes_mapped + size > self.limit:
            self.evict()
            if self.bytes_mapped + size > self.limit:
                return None
        chunk = Chunk(size)
        self.chunks.append(chunk)
        return chunk

    def evict(self) -> int:
        """Drop every chunk none of whose methods is running; return how many
        methods lost their code."""
        keep, dropped = [], 0
        for c in self.chunks:
            if c.busy:
                keep.append(c)
                continue
            for e in c.entries:
                self._reset(e)
                dropped += 1
            c.entries.clear()
            c.mem.free()
        if len(keep) != len(self.chunks):
            self.flushes += 1
        self.chunks = keep
        self.evictions += dropped
        return dropped

    def _reset(self, e: Entry) -> None:
        e.cell[0] = self.stub_address       # the cell first, then the code goes
        e.address = 0
        e.fn = None
        e.chunk = None

    def evict_all(self) -> None:
        self.evict()

    def close(self) -> None:
        """Unmap everything (entries lose their code)."""
        for c in self.chunks:
            for e in c.entries:
                self._reset(e)
            c.mem.free()
        self.chunks = []
        self._stub.free()

    def stats_lines(self) -> list[str]:
        return [f"code cache: {self.bytes_used} bytes used of {self.limit} "
                f"(peak {self.peak_bytes}, {self.bytes_mapped} mapped in "
                f"{len(self.chunks)} chunks)",
                f"code cache: {self.installs} methods compiled, {self.evictions} evicted "
                f"in {self.flushes} flushes, {self.failed} installs refused"]
