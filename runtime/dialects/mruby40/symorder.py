"""The symbol ids of mruby 4.0.0 and the order its tables list them in.

- ids: presym ids from ``runtime/presym40.py`` (scripts/record_presym.py
  --release 4.0), inline ids for names of up to four characters of
  ``[_a-zA-Z0-9]`` (src/symbol.c packs them from bit 20 down, six bits a
  character), then the next dynamic id in interning order, as in 3.1;
- instance variables, constants, class variables and globals: 4.0's
  iv_tbl keeps its keys sorted by id (binary search), so it lists them in
  id order;
- methods: mt_tbl is a list a new name is appended to;
- the khash set of a method listing resizes at 7/8 of its buckets
  (KH_UPPER_BOUND), not 3.1's 3/4.
"""

from __future__ import annotations

from ... import presym40
from ...symorder import MrubySymbolIds, inline_id, khash_set_order


class MrubySymbolIds40(MrubySymbolIds):
    presym = presym40

    @staticmethod
    def inline_id(name: str) -> int:
        """4.0's sym_inline_pack: up to four characters, from bit 20."""
        return inline_id(name, 4, 20)


def iv_order(syms) -> list[int]:
    return sorted(set(syms))


def mt_order(syms) -> list[int]:
    return list(dict.fromkeys(syms))


def khash_set_order40(syms) -> list[int]:
    return khash_set_order(syms, upper=lambda n: n - (n >> 3))


ORDERS = {"iv": iv_order, "mt": mt_order, "set": khash_set_order40}


def new_mruby_symbol_ids(vm):
    return MrubySymbolIds40()


def mruby_table_order(vm, table: str):
    return ORDERS[table]


VM_OVERRIDES = {"new_mruby_symbol_ids": new_mruby_symbol_ids,
                "mruby_table_order": mruby_table_order}
