"""Dialects: what one mruby release means by the same bytecode.

A dialect is everything the runtime does differently for one mruby
release: the opcode table it decodes (``riteload.versions``), the Python
semantics of each opcode (``ops``, by name; most are shared with other
releases, from ``runtime/ops.py``), how an instruction's function may be
specialized for its operands, the VM primitives that differ (how an Integer
that outgrows 64 bits is made, how a Float is stored), and the core-library
modules installed over ``runtime/core`` (methods added, changed or removed).

The VM takes its dialect from the format version of the file it runs
(``dialect_for``): RITE0300 (and RITE0200) files run as mruby 3.1,
RITE0400 files as mruby 4.0.0.  Code elsewhere reads the dialect's fields
and never compares versions: a new release is one more module here
(``mruby31.py``, ``mruby40/``) and one line in ``_BY_FORMAT``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from riteload.record import FrozenRecord

from ..frames import CALLINFO_MAX, FIBER_CALLINFO_MAX

__all__ = ["Dialect", "default", "dialect_for", "ops_by_number", "remove_builtin"]


class Dialect(FrozenRecord):
    """One mruby release's semantics."""

    _FIELDS = ("release", "version_line", "formats", "ops", "specialize", "listing", "core",
               "vm_overrides", "ci_max", "fiber_ci_max")

    def __init__(
        self,
        release: str,                   # "3.1", "4.0": the release the runtime behaves as
        version_line: str,              # what ``mruby --version`` / ``mruby -v`` print first
        formats: tuple[str, ...],       # the format versions (RITE + these) run as this release
        ops: dict,                      # opcode name -> fn(vm, frame, ins)
        specialize: Callable,           # (fn, ins) -> the function an engine's table runs
        listing: str,                   # riteload.disasm dialect of ``riteload run -v``
        core: tuple[str, ...] = (),     # modules installed after runtime.core, in order
        vm_overrides: dict | None = None,       # VM method name -> function ({} for None)
        ci_max: int = CALLINFO_MAX,             # live call-info records of the main context
        fiber_ci_max: int = FIBER_CALLINFO_MAX,  # ... and of a Fiber's
    ):
        self._set(release=release, version_line=version_line, formats=formats, ops=ops,
                  specialize=specialize, listing=listing, core=core,
                  vm_overrides={} if vm_overrides is None else vm_overrides,
                  ci_max=ci_max, fiber_ci_max=fiber_ci_max)

    def ops_by_number(self, format_version: str) -> list:
        """The semantics indexed by opcode number of a format's opcode table
        (None for an opcode this release has no semantics for)."""
        from riteload.opcodes import table_for
        return [self.ops.get(op.name) for op in table_for(format_version)]

    def apply(self, vm) -> None:
        """Give a VM being made this release's primitives (before boot)."""
        vm.dialect = self
        vm.root_context.ci_max = vm.ci_max = self.ci_max
        for name, fn in self.vm_overrides.items():
            setattr(vm, name, fn.__get__(vm))

    def boot(self, vm) -> None:
        """Install this release's core-library modules over runtime/core
        (after ``boot_core``).  Each module may define ``setup(vm)``,
        register methods with the ``runtime.defs`` decorators (they replace
        runtime/core's registration of the same class and name; two modules of
        one dialect registering the same pair still fail), define
        ``REMOVED = (("Class", "name"), ...)`` (methods the release does not
        have; ``"Class."`` names the singleton class) and ``init(vm)``."""
        from ..core import install
        seen: dict = {}
        for name in self.core:
            mod = importlib.import_module(name)
            setup = getattr(mod, "setup", None)
            if setup is not None:
                setup(vm)
            for path, mname in getattr(mod, "REMOVED", ()):
                remove_builtin(vm, path, mname)
            install(vm, mod.__name__, seen)
            init = getattr(mod, "init", None)
            if init is not None:
                init(vm)


def remove_builtin(vm, path: str, name: str) -> None:
    """Take a method runtime/core defined out of its table, as if it had
    never been defined (``remove_method``, not ``undef_method``)."""
    cls = vm.cls(path.rstrip("."))
    if path.endswith("."):
        cls = vm.singleton_class(cls.word)
    if cls.origin.mt.pop(vm.intern(name), None) is not None:
        vm.invalidate()


# format version -> the module whose DIALECT runs it
_BY_FORMAT = {
    "0200": "runtime.dialects.mruby31",
    "0300": "runtime.dialects.mruby31",
    "0400": "runtime.dialects.mruby40",
}
_LOADED: dict[str, Dialect] = {}


def dialect_for(format_version: str) -> Dialect:
    """The dialect that runs files of a format version (``"0300"``)."""
    d = _LOADED.get(format_version)
    if d is None:
        d = _LOADED[format_version] = importlib.import_module(_BY_FORMAT[format_version]).DIALECT
    return d


def default() -> Dialect:
    """What a VM made without a file runs as: the dialect of riteload.versions.DEFAULT."""
    from riteload.versions import DEFAULT
    return dialect_for(DEFAULT.version)


def ops_by_number(format_version: str) -> list:
    """The opcode semantics, by opcode number, of a format's dialect."""
    return dialect_for(format_version).ops_by_number(format_version)
