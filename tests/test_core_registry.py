"""The core library's method registry (runtime/defs.py, runtime/core/__init__.py).

Every builtin method has one home: booting defines each (class, name) once,
and a second registration through the decorators makes boot fail with an
error naming the class, the method and both functions.
"""

from __future__ import annotations

import collections
import sys
import types

import pytest

import runtime.core as core
from runtime.defs import REGISTRY, DuplicateRegistration, method
from runtime.vm import VM


def _boot_definitions(monkeypatch) -> dict:
    """(class, name) -> the functions booting a VM defines there."""
    seen = collections.defaultdict(list)
    original = VM.define_method

    def define_method(self, cls, name, fn, *args, **kwargs):
        seen[(id(cls), self.class_name(cls) if cls.name else repr(cls), name)].append(
            f"{getattr(fn, '__module__', '?')}.{getattr(fn, '__qualname__', fn)}")
        return original(self, cls, name, fn, *args, **kwargs)

    monkeypatch.setattr(VM, "define_method", define_method)
    VM()
    return seen


def test_boot_defines_each_method_once(monkeypatch):
    seen = _boot_definitions(monkeypatch)
    twice = {f"{cls}#{name}": fns for (_, cls, name), fns in seen.items() if len(fns) > 1}
    assert twice == {}
    assert len(seen) > 900


def _probe_module(monkeypatch, name: str) -> str:
    """An empty module runtime.core.<name> with its own registry list."""
    modname = f"{core.__name__}.{name}"
    monkeypatch.setitem(sys.modules, modname, types.ModuleType(modname))
    monkeypatch.setitem(REGISTRY, modname, [])
    return modname


def _registered_in(modname: str, fn):
    fn.__module__ = modname
    fn.__qualname__ = fn.__name__
    return fn


def test_second_registration_fails_boot(monkeypatch):
    modname = _probe_module(monkeypatch, "zz_dup_probe")

    def probe_upcase(vm, self, args, blk):
        return self

    method("String", "upcase", arity=0)(_registered_in(modname, probe_upcase))
    names = core.module_names()
    monkeypatch.setattr(core, "module_names", lambda: [*names, "zz_dup_probe"])
    with pytest.raises(DuplicateRegistration) as info:
        VM()
    assert str(info.value) == (
        "String#upcase is registered twice at boot: by runtime.core.string.str_upcase "
        "and by runtime.core.zz_dup_probe.probe_upcase")


def test_alias_counts_as_registration(monkeypatch):
    vm = VM()
    modname = _probe_module(monkeypatch, "zz_alias_probe")

    def probe(vm, self, args, blk):
        return self

    method("Object", "zz_probe", arity=0, aliases=("zz_other", "zz_probe"))(
        _registered_in(modname, probe))
    with pytest.raises(DuplicateRegistration, match=r"^Object#zz_probe is registered twice"):
        core.install(vm, modname)


def test_singleton_and_instance_methods_are_apart(monkeypatch):
    vm = VM()
    modname = _probe_module(monkeypatch, "zz_smethod_probe")

    def probe(vm, self, args, blk):
        return self

    from runtime.defs import module_function, smethod
    fn = _registered_in(modname, probe)
    method("Object", "zz_both", arity=0)(fn)
    smethod("Object", "zz_both", arity=0)(fn)
    core.install(vm, modname, {})
    module_function("Kernel", "zz_mf", arity=0)(fn)
    smethod("Kernel", "zz_mf", arity=0)(fn)
    with pytest.raises(DuplicateRegistration, match=r"^Kernel\.zz_mf is registered twice"):
        core.install(vm, modname, {})
