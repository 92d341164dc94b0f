"""The core library: one module per area, installed at VM boot.

``boot_core(vm)`` imports every module of this package (``kernel`` and
``exception`` first, then the rest alphabetically).  For each
module it calls ``setup(vm)`` if defined (create classes/modules the
decorators need), installs the methods the module registered with
``runtime.defs`` decorators, then calls ``init(vm)`` if defined.

Every (class, method name) is registered once, aliases included: a second
registration raises ``DuplicateRegistration`` naming the class, the method
and both functions.  (Methods that ``init`` functions or Ruby programs
define later are not registrations and may replace them.)
"""

from __future__ import annotations

import importlib
import os

from ..defs import DuplicateRegistration, registered

FIRST = ("kernel", "exception")
_MODULE_NAMES = {"Kernel", "Comparable", "Enumerable", "Math", "GC", "ObjectSpace"}


def _resolve(vm, path: str):
    c = vm.c_Object
    for part in path.split("::"):
        sid = vm.intern(part)
        w = c.ivars.get(sid)
        if w is None or not vm.is_class(w):
            if part in _MODULE_NAMES:
                n = vm.define_module(part, c)
            else:
                n = vm.define_class(part, None, c)
            c = n
        else:
            c = vm.obj(w)
    return c


def _claim(seen: dict, cls, path: str, kind: str, name: str, fn) -> None:
    """Record that ``fn`` registers ``name`` on ``cls`` (instance methods) or
    on its singleton class; fail on a second registration of the pair."""
    for singleton in {"method": (False,), "smethod": (True,)}.get(kind, (False, True)):
        key = (id(cls), singleton, name)
        first = seen.get(key)
        if first is not None:
            label = f"{path}.{name}" if singleton else f"{path}#{name}"
            raise DuplicateRegistration(
                f"{label} is registered twice at boot: by {_fn_name(first)} "
                f"and by {_fn_name(fn)}")
        seen[key] = fn


def _fn_name(fn) -> str:
    return f"{getattr(fn, '__module__', '?')}.{getattr(fn, '__qualname__', repr(fn))}"


def install(vm, module_name: str, seen: dict | None = None) -> None:
    """Define the methods ``module_name`` registered.  ``seen`` maps every
    (class, singleton?, name) installed so far to its function; boot_core
    passes one dict for all modules."""
    if seen is None:
        seen = {}
    for kind, path, name, fn, arity, vis, opts in registered(module_name):
        cls = _resolve(vm, path)
        noframe = opts.get("noframe", False)
        names = (name,) + tuple(opts.get("aliases", ()))
        for n in names:
            _claim(seen, cls, path, kind, n, fn)
            if kind == "method":
                vm.define_method(cls, n, fn, arity, vis, noframe=noframe)
            elif kind == "smethod":
                vm.define_method(vm.singleton_class(cls.word), n, fn, arity, noframe=noframe)
            else:
                vm.define_method(cls, n, fn, arity, "private", noframe=noframe)
                vm.define_method(vm.singleton_class(cls.word), n, fn, arity, noframe=noframe)


def module_names() -> list[str]:
    # the folder's .py files and packages, read directly: pkgutil.iter_modules
    # imports inspect and typing, about 10 ms of every run's start-up
    names = []
    for folder in __path__:
        for entry in os.listdir(folder):
            stem, ext = os.path.splitext(entry)
            if entry.startswith("_") or not stem.isidentifier():
                continue
            if ext == ".py" or (not ext and os.path.isfile(
                    os.path.join(folder, entry, "__init__.py"))):
                names.append(stem)
    return [n for n in FIRST if n in names] + sorted(n for n in names if n not in FIRST)


def boot_core(vm) -> None:
    seen: dict = {}
    for n in module_names():
        mod = importlib.import_module(f"{__name__}.{n}")
        setup = getattr(mod, "setup", None)
        if setup is not None:
            setup(vm)
        install(vm, mod.__name__, seen)
        init = getattr(mod, "init", None)
        if init is not None:
            init(vm)
