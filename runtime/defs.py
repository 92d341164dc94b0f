"""Decorators the core library uses to declare builtin methods.

Each decorator records the function in the registry of the module that
defines it (``module.__name__``); at boot the VM imports every module of
``runtime.core`` and installs what it registered (docs/runtime.md).

    @method("String", "upcase", arity=0)
    def str_upcase(vm, self, args, blk): ...
"""

from __future__ import annotations

# module name -> list of (kind, class path, method name, fn, arity, visibility, options)
REGISTRY: dict[str, list] = {}


class DuplicateRegistration(RuntimeError):
    """Booting the core library found a second registration of one method
    (an alias included): every (class, name) has exactly one home."""


def _register(kind, cls_path, name, arity, visibility, opts):
    def deco(fn):
        mod = fn.__module__
        REGISTRY.setdefault(mod, []).append((kind, cls_path, name, fn, arity, visibility, opts))
        return fn
    return deco


def method(cls_path: str, name: str, arity=-1, visibility: str = "public", **opts):
    """Declare an instance method of the class or module ``cls_path``.

    ``arity``: n, (min, max) with max -1 for unbounded, or -1 for any.
    Options: ``noframe=True`` runs the function without pushing a call-info
    record (for methods that must see their caller's frame as the current
    one, such as ``block_given?``); ``aliases=("a", "b")``.
    """
    return _register("method", cls_path, name, arity, visibility, opts)


def smethod(cls_path: str, name: str, arity=-1, visibility: str = "public", **opts):
    """Declare a singleton method (``def self.name``) of ``cls_path``."""
    return _register("smethod", cls_path, name, arity, visibility, opts)


def module_function(cls_path: str, name: str, arity=-1, **opts):
    """Declare both a private instance method and a singleton method
    (Kernel#puts / Kernel.puts, Math.sqrt...)."""
    return _register("module_function", cls_path, name, arity, "private", opts)


def registered(module_name: str) -> list:
    return REGISTRY.get(module_name, [])

