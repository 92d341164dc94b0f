"""The symbol table: names to symbol ids and back (mruby's src/symbol.c).

A symbol id is an index into ``vm.syms``; a symbol *word* is the id tagged
with ``abi.SYMBOL_TAG`` (``vm.sym``).  mruby numbers the same names
differently (presym ids, inline-packed short names), and some listings
(``instance_variables``, ``methods``, ``object_id`` of a Symbol) print in
mruby's hash-table order of those numbers: ``runtime/symorder.py`` computes
them, and this part asks it.

It exists so that ``runtime/vm.py`` stays a façade: ``VM`` inherits this
``Symbols`` part, and ``vm.intern(...)`` / ``vm.sym_name(...)`` keep working.
The fields (``syms``, ``sym_ids``, ``mruby_syms``) are laid out in
``VM.__init__``.
"""

from __future__ import annotations

from . import abi


class Symbols:
    """``VM``'s symbol-table part (symbol.c): intern, names, mruby order."""

    def intern(self, name) -> int:
        if isinstance(name, (bytes, bytearray)):
            name = bytes(name).decode("utf-8", "surrogateescape")
        i = self.sym_ids.get(name)
        if i is None:
            i = len(self.syms)
            self.syms.append(name)
            self.sym_ids[name] = i
            if self.mruby_syms is not None:     # a name the program makes: the next id
                self.mruby_syms.id_of(name)
        return i

    def mruby_symbol_ids(self):
        """The mruby ids of this VM's names (made on first use when no file
        was loaded, e.g. a VM driven from Python)."""
        ms = self.mruby_syms
        if ms is None:
            ms = self.mruby_syms = self.new_mruby_symbol_ids()
        return ms

    def new_mruby_symbol_ids(self):
        """The symbol ids of mruby 3.1 (runtime/symorder.py), none interned
        by the program yet."""
        from .symorder import MrubySymbolIds
        return MrubySymbolIds()

    def mruby_table_order(self, table: str):
        """The function giving mruby 3.1's listing order of a table's keys
        (see in_mruby_order)."""
        from . import symorder
        return {"iv": symorder.iv_order, "mt": symorder.mt_order,
                "set": symorder.khash_set_order}[table]

    def in_mruby_order(self, sids, table: str = "iv") -> list:
        """Symbol numbers inserted in this order into an mruby table ("iv":
        instance variables and constants, "mt": methods, "set": a method
        list's khash set), as mruby 3.1 lists them (runtime/symorder.py)."""
        ms = self.mruby_symbol_ids()
        syms = self.syms
        back = {}
        ids = []
        unknown = ms.next_dynamic      # names mruby never interned (riteload's own)
        for sid in sids:
            i = ms.known_id(syms[sid])
            if i is None:
                i, unknown = unknown, unknown + 1
            back[i] = sid
            ids.append(i)
        return [back[i] for i in self.mruby_table_order(table)(ids)]

    def sym(self, name) -> int:
        return abi.symbol_word(self.intern(name))

    def sym_name(self, sid: int) -> str:
        return self.syms[sid]

    def sym_str(self, word: int) -> str:
        return self.syms[word >> 8]

    def sym_bytes(self, sid: int) -> bytes:
        return self.syms[sid].encode("utf-8", "surrogateescape")
