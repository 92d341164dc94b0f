"""Record bases: what ``@dataclass`` gave the classes ``riteload run`` imports.

They exist for start-up time: ``import dataclasses`` costs ~13 ms of every
run (it imports inspect, ast, dis, tokenize...) and each ``@dataclass``
~0.5 ms more (it exec()s the methods it writes).  A record class writes its
own ``__init__`` and names its fields in ``_FIELDS``; the base compares and
shows them as a dataclass would.  A leaf module, so that riteload.versions
(which riteload.model imports) can use it too.
"""

from __future__ import annotations

from operator import attrgetter

__all__ = ["FrozenRecord", "Record"]


class Record:
    """``@dataclass`` (``eq=True``): ``__eq__`` compares the ``_FIELDS`` (two
    or more names, in order) of objects of the same type, the instances are
    unhashable and ``repr`` is ``Name(a=1, b=2)``.  A field a dataclass
    declared ``compare=False, repr=False`` is left out of ``_FIELDS``."""

    __slots__ = ()
    _FIELDS: tuple[str, ...] = ()

    def __init_subclass__(cls, **kw):
        super().__init_subclass__(**kw)
        if cls._FIELDS:
            cls._field_values = attrgetter(*cls._FIELDS)   # obj -> tuple of its fields

    def __eq__(self, other):
        if type(other) is not type(self):
            return NotImplemented
        values = self._field_values
        return values(self) == values(other)

    __hash__ = None     # what eq=True without frozen=True makes

    def __repr__(self):
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._FIELDS)
        return f"{type(self).__qualname__}({fields})"


class FrozenRecord(Record):
    """``@dataclass(frozen=True)``: a Record that refuses attribute assignment
    and hashes by its fields.  Its ``__init__`` sets them with ``_set``."""

    __slots__ = ()

    def _set(self, **fields) -> None:
        for name, value in fields.items():
            object.__setattr__(self, name, value)

    def __setattr__(self, name, value):
        raise AttributeError(f"cannot assign to field {name!r} of a frozen "
                             f"{type(self).__qualname__}")

    def __delattr__(self, name):
        raise AttributeError(f"cannot delete field {name!r} of a frozen "
                             f"{type(self).__qualname__}")

    def __hash__(self):
        return hash(self._field_values(self))
