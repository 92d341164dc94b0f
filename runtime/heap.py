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

from .abi import OBJECT_SHIFT, OBJECT_TAG
from .cdecls import ffi
from .objects import RBasic, RClass, RException, RObject
from .shapes import attach_at_alloc

_SHAPED = (RObject, RException)     # types whose ivars are in native blocks


class Heap:
    """``VM``'s allocation part (gc.c): the object table and class words."""

    def alloc(self, obj: RBasic) -> int:
        free = self.free_handles
        if free:
            h = free.pop()
            self.objects[h] = obj
        else:
            h = len(self.objects)
            self.objects.append(obj)
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

    def gc(self) -> int:
        """Collect unreachable objects now (runtime/gc.py); return how many."""
        from . import gc as _gc
        if not self.gc_enabled:
            self.gc_countdown = _gc.MIN_THRESHOLD
            return 0
        freed = _gc.collect(self)
        live = len(self.objects) - 1 - len(self.free_handles)
        self.gc_countdown = max(_gc.MIN_THRESHOLD, live)
        self.gc_runs += 1
        return freed

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
        self.proc_keys.grow(n)

    def env_cell(self, env) -> int:
        """The address of ``env``'s native cell (REnv.cell), made on first
        use: the address of its registers while they are on the stack, 0 once
        it is unshared.  Cells come in blocks and go back to ``env_cells_free``
        when the collector frees their env."""
        cell = env.cell
        if cell is None:
            free = self.env_cells_free
            if not free:
                block = ffi.new("uint64_t[]", 256)
                self.env_cell_blocks.append(block)
                free.extend(block + i for i in range(256))
            cell = env.cell = free.pop()
            cell[0] = int(ffi.cast("uintptr_t", env.stack)) + 8 * env.base \
                if env.values is None else 0
        return int(ffi.cast("uintptr_t", cell))

    def set_class(self, obj: RBasic, cls: RClass) -> None:
        obj.cls = cls
        if obj.handle:
            self.class_words[obj.handle] = cls.word

    def obj(self, word: int):
        return self.objects[word >> OBJECT_SHIFT]
