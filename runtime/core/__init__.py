"""The core library: one module per area, installed at VM boot.

``boot_core(vm)`` imports every module of this package (``kernel``,
``exception``, ``basic`` first, then the rest alphabetically).  For each
module it calls ``setup(vm)`` if defined (create classes/modules the
decorators need), installs the methods the module registered with
``runtime.defs`` decorators, then calls ``init(vm)`` if defined.
"""

from __future__ import annotations

import importlib
import pkgutil

from ..defs import registered

FIRST = ("kernel", "exception", "basic")
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


def install(vm, module_name: str) -> None:
    for kind, path, name, fn, arity, vis, opts in registered(module_name):
        cls = _resolve(vm, path)
        noframe = opts.get("noframe", False)
        names = (name,) + tuple(opts.get("aliases", ()))
        for n in names:
            if kind == "method":
                vm.define_method(cls, n, fn, arity, vis, noframe=noframe)
            elif kind == "smethod":
                vm.define_method(vm.singleton_class(cls.word), n, fn, arity, noframe=noframe)
            else:
                vm.define_method(cls, n, fn, arity, "private", noframe=noframe)
                vm.define_method(vm.singleton_class(cls.word), n, fn, arity, noframe=noframe)


def module_names() -> list[str]:
    names = [m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_")]
    return [n for n in FIRST if n in names] + sorted(n for n in names if n not in FIRST)


def boot_core(vm) -> None:
    for n in module_names():
        mod = importlib.import_module(f"{__name__}.{n}")
        setup = getattr(mod, "setup", None)
        if setup is not None:
            setup(vm)
        install(vm, mod.__name__)
        init = getattr(mod, "init", None)
        if init is not None:
            init(vm)
