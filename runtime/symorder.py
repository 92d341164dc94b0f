"""The order in which mruby 3.1 lists instance variables, constants and methods.

mruby keeps them in open-addressing hash tables keyed by symbol id and lists
them in slot order, so ``instance_variables`` or ``instance_methods(false)``
come out in an order that depends on the symbol ids and on the order of
insertion.  This module reproduces both:

- ``MrubySymbolIds`` gives a name the id mruby 3.1 gives it: a presym id
  (runtime/presym31.py, recorded from Debian's mruby by
  scripts/record_presym.py), an inline id (names of up to five characters
  of ``[_a-zA-Z0-9]``, packed six bits a character, src/symbol.c), or the
  next dynamic id in the order the program interns names (all the symbols of
  a loaded file first, in irep order, then its debug file names and local
  variable names, as src/load.c reads them).
- ``iv_order``, ``mt_order`` and ``khash_set_order`` replay a sequence of
  insertions into src/variable.c's iv_tbl, src/class.c's mt_tbl and
  include/mruby/khash.h's set, and return the keys in slot order.

Riteload itself stores these tables as insertion-ordered dicts keyed by its
own symbol numbers; only the listing methods reorder.
"""

from __future__ import annotations

from . import presym31

_PACK_TABLE = "_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
_PACK = {c: i + 1 for i, c in enumerate(_PACK_TABLE)}
_MASK32 = 0xFFFFFFFF


def inline_id(name: str, max_len: int = 5, top: int = 24) -> int:
    """sym_inline_pack: 0 when the name cannot be packed (3.1 packs up to
    five characters, the first at bit 24)."""
    if not 0 < len(name) <= max_len:
        return 0
    sym = 0
    for i, c in enumerate(name):
        bits = _PACK.get(c)
        if bits is None:
            return 0
        sym |= bits << (top - i * 6)
    return sym


class MrubySymbolIds:
    """Names to the symbol ids mruby 3.1 would give them in this program
    (a subclass names another release's ``presym`` table and ``inline_id``)."""

    presym = presym31

    def __init__(self):
        self.ids = {name: i + 1 for i, name in enumerate(self.presym.NAMES)}
        self.next_dynamic = self.presym.FIRST_DYNAMIC

    @staticmethod
    def inline_id(name: str) -> int:
        return inline_id(name)

    def id_of(self, name: str) -> int:
        i = self.ids.get(name)
        if i is None:
            i = self.inline_id(name)
            if not i:
                i = self.next_dynamic
                self.next_dynamic += 1
            self.ids[name] = i
        return i

    def known_id(self, name: str):
        """The id of a name mruby has interned (or would pack inline), else
        None; asking does not intern."""
        i = self.ids.get(name)
        if i is None:
            i = self.inline_id(name) or None
        return i

    def load_file(self, rite) -> None:
        """Intern a loaded file's names in the order mruby's loader does."""
        for irep in rite.ireps():
            for name in irep.syms:
                if name is not None:
                    self.id_of(name)
        for ident in [s.ident for s in rite.sections]:
            if ident == "DBG" and rite.debug_filenames:
                for name in rite.debug_filenames:
                    self.id_of(name)
            elif ident == "LVAR" and rite.lvar_syms:
                for name in rite.lvar_syms:
                    self.id_of(name)


def _hash(sym: int) -> int:
    """kh_int_hash_func, as the khint_t (uint32) it is."""
    return (sym ^ (sym << 2) ^ (sym >> 2)) & _MASK32


def _power2(v: int) -> int:
    """khash_power2: round up to a power of two."""
    n = 1
    while n < v:
        n <<= 1
    return n


def _open_table_order(syms, grow: int) -> list[int]:
    """Replay inserts into iv_tbl/mt_tbl (linear probing; the table grows by
    ``grow`` slots, rounded to a power of two, only when no slot is empty)."""
    alloc, slots = 0, []

    def put(sym):
        nonlocal alloc, slots
        if alloc == 0:
            rehash()
        start = pos = _hash(sym) & (alloc - 1)
        while True:
            k = slots[pos]
            if k == sym:
                return
            if k is None:
                slots[pos] = sym
                return
            pos = (pos + 1) & (alloc - 1)
            if pos == start:
                rehash()
                start = pos = _hash(sym) & (alloc - 1)

    def rehash():
        nonlocal alloc, slots
        old = slots
        alloc = _power2(alloc + grow)
        slots = [None] * alloc
        for k in old:
            if k is not None:
                put(k)

    for s in syms:
        put(s)
    return [k for k in slots if k is not None]


def iv_order(syms) -> list[int]:
    """Instance variable table (iv_tbl): grows by 4 (4, 8, 16, 32...)."""
    return _open_table_order(syms, 4)


def mt_order(syms) -> list[int]:
    """Method table (mt_tbl): grows by 8 (8, 16, 32, 64...)."""
    return _open_table_order(syms, 8)


def khash_set_order(syms, upper=lambda n: (n >> 2) | (n >> 1)) -> list[int]:
    """A khash set (kh_init: 32 buckets; resized to twice its buckets when
    the size reaches ``upper`` of them, 3.1's 3/4; quadratic probing), in
    bucket order."""
    n = 32
    keys: list = [None] * n
    size = 0

    def put(table, nb, sym):
        k = _hash(sym) & (nb - 1)
        step = 0
        while table[k] is not None:
            if table[k] == sym:
                return False
            step += 1
            k = (k + step) & (nb - 1)
        table[k] = sym
        return True

    for s in syms:
        if size >= upper(n):
            old, n = keys, n * 2
            keys = [None] * n
            for k in old:
                if k is not None:
                    put(keys, n, k)
        if put(keys, n, s):
            size += 1
    return [k for k in keys if k is not None]
