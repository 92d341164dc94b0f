"""The object table and allocation: mruby's ``mrb_obj_alloc`` (src/gc.c).

A heap object is a Python ``RBasic`` at ``vm.objects[handle]``; its word is
``(handle << 3) | 4`` and its class word sits in the native array
``vm.class_words`` (what generated code reads).  ``alloc`` reuses handles
the collector freed, records the new handle in the GC arena (``vm.arena``)
and starts a collection when the allocation budget runs out; the collector
itself is ``runtime/gc.py``.

It exists so that ``runtime/vm.py`` stays a façade: ``VM`` inherits this
``Heap`` part.  The fields (``objects``, ``free_handles``, ``arena``,
``gc_countdown``, ``class_words``...) are laid out in ``VM.__init__``.
"""

from __future__ import annotations

from array import array

from . import abi, kernels
from .abi import (
    ENV_CELL_WORDS,
    ENV_CLASS_WORD,
    ENV_POOL_WORDS,
    ENV_SEEN,
    IV_CAPACITY,
    OBJECT_SHIFT,
    OBJECT_TAG,
    PROC_CALL_WORDS,
    PROC_FLAGS,
    PROC_SEEN,
    PROC_STRICT,
)
from .cdecls import ffi
from .natarray import ItemList, literal_blocks
from .natlogs import closure_env, closure_proc
from .natstring import string_blocks, string_object
from .objects import TT_SCLASS, RArray, RBasic, RClass, RException, RObject, env_named
from .shapes import attach_at_alloc, block_address, block_addresses, take_addresses

_SHAPED = (RObject, RException)     # types whose ivars are in native blocks
POOL_FIRST = 8                      # objects of a class's first pool refill
POOL_MAX = 1024                     # and of the largest


def _refill(pool, make, cap: int) -> None:
    """Fill ``pool`` (``[count, next refill size, item...]``) up to its
    refill size with what ``make()`` returns; the next refill size doubles
    up to ``cap`` (POOL_MAX): a class made a few times keeps few spares,
    one made in a loop many."""
    want = int(pool[1])
    i = int(pool[0])
    while i < want:
        pool[2 + i] = make()
        i += 1
        pool[0] = i             # a collection during the refill sees them as roots
    pool[1] = min(2 * want, cap)


def _pool_items(pool, items: list, cap: int) -> None:
    """Put ``items`` (``Heap._pool_handles``'s objects) after what ``pool``
    holds; its next refill size doubles up to ``cap``."""
    have = int(pool[0])
    ffi.memmove(pool + 2 + have, array("Q", items), 8 * len(items))     # a tenth of a slice's cost
    pool[0] = have + len(items)
    pool[1] = min(2 * int(pool[1]), cap)


class ObjectTable(dict):
    """``vm.objects``: handle -> Python object.

    What generated code takes from the allocation pools lives in native
    memory only: a plain object (an ``RObject`` of a class with the
    default allocator) is its class word in ``class_words`` and its ivar
    block (``iv_space``), an Array literal its block (``ary_space``), the
    String its byte block (``str_space``, runtime/natstring.py), the
    Proc and env of a ``BLOCK`` the Proc's call data and the env's cell
    (``proc_calls``, ``env_space``, runtime/natlogs.py).  The Python object is made
    the first time Python looks the handle up (``__missing__``), so an
    object made and dropped in machine code costs Python nothing; the
    collector frees one Python never saw without making it
    (runtime/gc.py).  A free handle looks up as None; a handle still in a
    pool is never looked up (the collector marks those first)."""

    __slots__ = ("vm",)

    def __init__(self, vm):
        dict.__init__(self)
        self.vm = vm

    def __missing__(self, h):
        vm = self.vm
        if type(h) is not int or not 0 < h < vm.handle_top:
            return None
        cw = vm.class_words[h]
        if not cw:
            return None
        if cw == ENV_CLASS_WORD:        # an env generated code's BLOCK made
            cell = vm.env_space.blocks[h]
            if not cell:
                return None
            vm.objects_looked_up += 1
            return closure_env(vm, h, ffi.cast("uint64_t *", cell))
        if cw == vm.state.proc_class:   # a Proc generated code's BLOCK made
            addr = vm.proc_calls.blocks[h]
            data = ffi.cast("uint64_t *", addr) if addr else None
            if data is None or not data[0] or data[PROC_FLAGS // 8] & PROC_SEEN:
                return None             # still in the pool: not allocated yet
            vm.objects_looked_up += 1
            return closure_proc(vm, h, data)
        vm.objects_looked_up += 1
        addr = vm.ary_space.blocks[h]
        if addr:                        # an Array literal (fill_pool's _fill_arrays)
            o = RArray.__new__(RArray)
            o._frz = False
            RBasic.__init__(o, self[cw >> OBJECT_SHIFT])
            o._items = ItemList.of_literal(vm.ary_space, h, addr)
            o.handle = h
            self[h] = o
            return o
        cls = self[cw >> OBJECT_SHIFT]
        addr = vm.str_space.blocks[h]
        if addr:                        # a String generated code made (natstring.py)
            o = self[h] = string_object(vm, h, addr, cls)
            return o
        o = RObject(cls)
        o.handle = h
        o._space = space = vm.iv_space
        addr = space.blocks[h]
        if addr:
            blk = ffi.cast("uint64_t *", addr)
            o._blk = blk
            o._cap = int(blk[IV_CAPACITY // 8])
        self[h] = o
        return o


class Heap:
    """``VM``'s allocation part (gc.c): the object table and class words."""

    def alloc(self, obj: RBasic) -> int:
        free = self.free_handles
        if free:
            h = free.pop()
            self.objects[h] = obj
        else:
            h = self.handle_top
            self.handle_top = h + 1
            self.objects[h] = obj
            if h >= self._cw_len:
                self._grow_class_words(h + 1)
        obj.handle = h
        c = obj.cls
        if c is not None:
            self.class_words[h] = (c.handle << OBJECT_SHIFT) | OBJECT_TAG
        if type(obj) in _SHAPED:
            attach_at_alloc(obj, self.iv_space, h)
        self.arena.append(h)
        self.gc_countdown -= 1
        if self.gc_countdown <= 0:
            self.gc()
        return (h << OBJECT_SHIFT) | OBJECT_TAG

    # -- allocation pools: plain objects generated code takes without Python --
    def alloc_pool(self, cls: RClass):
        """The pool of ready instances of ``cls`` (a plain class whose
        ``Class#new`` generated code runs, SITE_NEW): a native array
        ``[count, next refill size, word...]``.  Generated code takes the
        word at ``count - 1`` and decrements ``count``; when it finds the
        pool empty, Python (``refill_pool``) allocates one object for it and
        fills the pool again.  The objects in it are finished ``RObject``s
        (their handle, class word and ivar block made), so taking one is
        the whole allocation; until taken they are roots of the collector
        and hidden from ObjectSpace (``pooled_words``)."""
        pool = self.alloc_pools.get(cls)
        if pool is None:
            pool = self.alloc_pools[cls] = ffi.new("uint64_t[]", 2 + POOL_MAX)
            pool[1] = min(POOL_FIRST, self.pool_cap)
        return pool

    def refill_pool(self, cls: RClass, pool) -> int:
        """One new instance of ``cls`` (its word), and the pool filled."""
        w = self.allocate(cls)
        self.fill_pool(cls, pool)
        return w

    def fill_pool(self, cls: RClass, pool) -> None:
        """Fill ``pool`` with the next refill size of new instances of
        ``cls``, which doubles up to POOL_MAX: a class made a few times
        keeps few spares, one made in a loop many.  Arrays (the pool of
        Array literals, translate/templates.py's ARRAY) come with their
        native block (runtime/natarray.py), which generated code fills."""
        if cls.tt != TT_SCLASS and cls.instance_type in (RObject, None):
            self._fill_objects(cls, pool)
            return
        if cls is self.c_Array:
            self._fill_arrays(pool)
            return
        if cls is self.c_String:
            self._fill_strings(pool)
            return
        mark = len(self.arena)

        def make() -> int:
            w = self.allocate(cls)
            o = self.objects[w >> OBJECT_SHIFT]
            if type(o) is RArray:
                o.items.publish(self.ary_space, o.handle)
            return w
        _refill(pool, make, self.pool_cap)
        del self.arena[mark:]

    def _fill_objects(self, cls: RClass, pool) -> None:
        """``fill_pool`` of a plain class: objects without Python objects
        (``ObjectTable``), made in one batch (``_pool_handles``), each with
        an ivar block of the class's ``iv_cap`` slots when its instances
        have had variables, whose header generated code writes when it takes
        the object.  A pooled object then costs Python a few word writes
        (bench/programs/points.rb makes 200,000)."""
        cap = cls.iv_cap
        self._pool_handles(pool, cls.word, self.iv_space if cap else None,
                           lambda n: block_addresses(cap, n))

    def _fill_arrays(self, pool) -> None:
        """``fill_pool`` of the pool of Array literals: Arrays without Python
        objects (``ObjectTable``), each with a literal block
        (natarray.literal_blocks), whose header generated code's ARRAY
        writes when it takes the Array."""
        self._pool_handles(pool, self.c_Array.word, self.ary_space, literal_blocks)

    def _fill_strings(self, pool) -> None:
        """``fill_pool`` of the pool of Strings generated code makes:
        Strings without Python objects (``ObjectTable``), each with a byte
        block (runtime/natstring.py), whose header generated code writes
        when it takes the String."""
        self._pool_handles(pool, self.c_String.word, self.str_space, string_blocks)

    def _pool_handles(self, pool, class_word: int, table=None, addresses=None,
                      put: bool = True) -> list:
        """The handles of the objects ``pool`` lacks up to its refill size,
        made in one batch without Python objects (``ObjectTable``): their
        class word ``class_word`` and, with ``table`` (a
        HandleTable), the address ``addresses(n)`` gives each there; with
        ``put``, their words go after the pool's items and its next refill
        size doubles up to POOL_MAX.  The writes are translate/kernels.py's
        fill kernel's, one call for the batch; counted for ``--stats``."""
        have = int(pool[0])
        n = int(pool[1]) - have
        if n <= 0:
            return []
        handles = self._new_handles(n)
        self.objects_pooled += n
        args = ffi.new("uint64_t[]", abi.FILL_ARGS)
        # array("Q", list) then from_buffer: a fifth of ffi.new's cost of a list
        hs = ffi.from_buffer(array("Q", handles))
        args[abi.FILL_HANDLES] = block_address(hs)
        args[abi.FILL_COUNT] = n
        args[abi.FILL_CLASS_WORDS] = block_address(self.class_words)
        args[abi.FILL_CLASS_WORD] = class_word
        if table is not None:
            addrs = ffi.from_buffer(array("Q", addresses(n)))
            args[abi.FILL_TABLE] = block_address(table.blocks)
            args[abi.FILL_ADDRESSES] = block_address(addrs)
        words = pool + 2 + have if put else ffi.new("uint64_t[]", n)   # else unused
        args[abi.FILL_WORDS] = block_address(words)
        kernels.fill()(args)
        if put:
            pool[0] = have + n
            pool[1] = min(2 * int(pool[1]), self.pool_cap)
        return handles

    def _new_handles(self, n: int) -> list:
        """``n`` handles for objects that go to an allocation pool (no arena:
        pooled objects are roots), as ``alloc`` would give them one by one.
        A collection the batch would start runs first."""
        self.gc_countdown -= n
        if self.gc_countdown <= 0:
            self.gc()
        free = self.free_handles
        k = min(n, len(free))
        handles = free[len(free) - k:]
        del free[len(free) - k:]
        handles.reverse()               # alloc pops them from the end
        top = self.handle_top
        handles.extend(range(top, top + n - k))
        self.handle_top = top + n - k
        if self.handle_top > self._cw_len:
            self._grow_class_words(self.handle_top)
        return handles

    # -- the pools generated code's BLOCK/LAMBDA take a Proc and an env from --
    def closure_pools(self):
        """(Procs, env cells) ready for BLOCK and LAMBDA, each a native array
        ``[count, next refill size, item...]`` as ``alloc_pool``'s: blank
        RProcs and blank REnvs with their cells and buffers of
        ENV_POOL_WORDS words (heap.env_cell), which generated code takes
        and runtime/natlogs.py completes.  Empty at first: the first BLOCK
        runs in Python and fills them (``fill_closure_pools``)."""
        pools = []
        for field in ("proc_pool", "env_pool"):
            pool = ffi.new("uint64_t[]", 2 + POOL_MAX)
            pool[1] = min(POOL_FIRST, self.pool_cap)
            setattr(self.state, field, pool)
            pools.append(pool)
        return pools

    def fill_closure_pools(self) -> None:
        """Refill whichever of the closure pools is empty, in one batch and
        without Python objects (runtime/natlogs.py makes the Proc and the
        env of a closure generated code made when Python first looks one
        up): a Proc is a handle, its class word and blank call data; an env
        a handle and a cell whose buffer (ENV_POOL_WORDS words) and word are
        written (translate/kernels.py's env_fill), the rest of which BLOCK
        writes."""
        pool = self.proc_pool
        if not pool[0]:
            self._pool_handles(pool, self.c_Proc.word, self.proc_calls, self._call_data_addresses)
        pool = self.env_pool
        if not pool[0]:
            cells = []
            handles = self._pool_handles(pool, ENV_CLASS_WORD, self.env_space,
                                         lambda n: cells.extend(self._env_cell_addresses(n))
                                         or cells, put=False)
            n = len(handles)
            hs = ffi.from_buffer(array("Q", handles))
            cs = ffi.from_buffer(array("Q", cells))
            bs = ffi.from_buffer(array("Q", self._env_buffer_addresses(n)))
            args = ffi.new("uint64_t[]", abi.ENV_FILL_ARGS)
            args[abi.ENV_FILL_HANDLES] = block_address(hs)
            args[abi.ENV_FILL_CELLS] = block_address(cs)
            args[abi.ENV_FILL_BUFFERS] = block_address(bs)
            args[abi.ENV_FILL_COUNT] = n
            kernels.env_fill()(args)
            _pool_items(pool, cells, self.pool_cap)

    def heap_stats_line(self) -> str:
        """``--stats``: how many objects (plain ones for Class#new, Arrays
        for literals, Procs and envs for BLOCK) were made for generated code
        without Python objects (ObjectTable), and how many Python made one
        for since (the rest cost Python nothing beyond their handle)."""
        return (f"heap: {self.objects_pooled} objects made for generated code without "
                f"Python objects, {self.objects_looked_up} of them looked up by Python since")

    def pooled_words(self):
        """The words of every object waiting in an allocation pool."""
        for pool in self.alloc_pools.values():
            yield from pool[2:2 + pool[0]]
        pool = self.proc_pool
        yield from pool[2:2 + pool[0]]
        pool = self.env_pool
        for cell in pool[2:2 + pool[0]]:
            yield ffi.cast("uint64_t *", cell)[3]

    def pooled_handles(self) -> set:
        """The handles of those objects: not allocated yet, as ObjectSpace sees it."""
        return {w >> OBJECT_SHIFT for w in self.pooled_words()}

    def gc(self) -> int:
        """Collect unreachable objects now (runtime/gc.py); return how many."""
        from . import gc as _gc
        if not self.gc_enabled:
            self.gc_countdown = _gc.MIN_THRESHOLD
            return 0
        freed = _gc.collect(self)
        live = self.handle_top - 1 - len(self.free_handles)
        self.gc_countdown = 1 if self.gc_stress else max(_gc.MIN_THRESHOLD, live)
        self.gc_runs += 1
        return freed

    def start_gc_stress(self) -> None:
        """RITELOAD_GC_STRESS (runtime/settings.py): from now on every
        allocation collects first, as with mruby's MRB_GC_STRESS.  The
        allocation pools generated code takes from hold one object at a
        time, so what generated code makes comes through a refill, which
        allocates (and collects) too."""
        self.gc_stress = True
        self.gc_countdown = 1
        self.pool_cap = 1
        for pool in (*self.alloc_pools.values(), self.proc_pool, self.env_pool):
            pool[1] = 1

    def _grow_class_words(self, need: int) -> None:
        n = self._cw_len
        while n < need:
            n *= 2
        new = ffi.new("uint64_t[]", n)
        ffi.memmove(new, self.class_words, self._cw_len * 8)
        self.class_words = new
        self._cw_len = n
        self.state.class_words = new
        self.state.class_words_len = n
        self.iv_space.grow(n)
        self.ary_space.grow(n)
        self.str_space.grow(n)
        self.proc_calls.grow(n)
        self.env_space.grow(n)

    def env_cell(self, env) -> int:
        """The address of ``env``'s native cell (REnv.cell), made on first
        use, with the env's own buffer (REnv.buf): abi.ENV_*, the address
        of its registers (on the stack while its frame runs, the buffer once
        unshared), the buffer's, its length, its word, its target class and
        its method name.
        Generated code reads and writes upvars through the first word
        whether the frame runs or not, and a frame whose record holds the
        cell (rl_callinfo.env) unshares the env natively when it returns.
        Cells come in blocks and go back to ``env_cells_free`` when the
        collector frees their env."""
        if env.cell is not None:
            return env.cell_addr
        cell = env.cell = ffi.cast("uint64_t *", self._env_cell_addresses(1)[0])
        n = env.length
        buf = env.buf = ffi.new("uint64_t[]", n if n else 1)
        if env.values is not None:
            for i, w in enumerate(env.values):
                buf[i] = w
            env.values = buf
        cell[1] = int(ffi.cast("uintptr_t", buf))
        cell[0] = int(ffi.cast("uintptr_t", env.stack)) + 8 * env.base \
            if env.values is None else cell[1]
        cell[2] = n
        cell[3] = (env.handle << OBJECT_SHIFT) | OBJECT_TAG
        cell[ENV_SEEN // 8] = 1
        env_named(env)
        addr = env.cell_addr = int(ffi.cast("uintptr_t", cell))
        return addr

    def proc_call_data(self, p, entry_cell: int, env_cell: int, env1_cell: int) -> None:
        """Give Proc ``p`` its call data (abi.PROC_*, rl_vmstate.proc_calls):
        the entry cell of its code and the cells of its env and of its upper
        proc's; generated code calls any Proc that has them directly."""
        h = p.handle
        addr = self.proc_calls.blocks[h]
        if addr:
            data = ffi.cast("uint64_t *", addr)
        else:
            addr = self._call_data_addresses(1)[0]
            data = ffi.cast("uint64_t *", addr)
            self.proc_calls.blocks[h] = addr
        data[0] = entry_cell
        data[1] = env_cell
        data[2] = env1_cell
        data[PROC_FLAGS // 8] = PROC_SEEN | (PROC_STRICT if p.strict else 0)

    def drop_proc_call_data(self, h: int) -> None:
        """The collector freed the Proc of handle ``h``."""
        addr = self.proc_calls.blocks[h]
        if addr:
            data = ffi.cast("uint64_t *", addr)
            data[0] = 0                 # no code, no flags: a pooled Proc's are blank
            data[PROC_FLAGS // 8] = 0
            self.proc_calls_free.append(addr)
            self.proc_calls.blocks[h] = 0

    # -- native memory in blocks, handed out by address --
    def _call_data_addresses(self, n: int) -> list:
        """``n`` Procs' call data (PROC_CALL_WORDS each), taken from
        ``proc_calls_free``: blank (no code) until written."""
        return take_addresses(self.proc_calls_free, self.proc_call_blocks, PROC_CALL_WORDS, 256, n)

    def _env_cell_addresses(self, n: int) -> list:
        """``n`` env cells (ENV_CELL_WORDS each), taken from ``env_cells_free``."""
        return take_addresses(self.env_cells_free, self.env_cell_blocks, ENV_CELL_WORDS, 256, n)

    def _env_buffer_addresses(self, n: int) -> list:
        """``n`` buffers of ENV_POOL_WORDS words for the envs of the closure
        pool, taken from ``env_bufs_free``."""
        return take_addresses(self.env_bufs_free, self.env_buf_blocks, ENV_POOL_WORDS, 256, n)

    def set_class(self, obj: RBasic, cls: RClass) -> None:
        obj.cls = cls
        if obj.handle:
            self.class_words[obj.handle] = cls.word

    def obj(self, word: int):
        return self.objects[word >> OBJECT_SHIFT]
