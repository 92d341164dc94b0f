"""The prelude: core methods of mruby 3.1 that mruby writes in Ruby (its
``mrblib/``) and riteload writes in Ruby too, in ``*.rb`` beside this file,
so that the native engine compiles them like user code (a block they call
is a native call; their loops stay in machine code, where a Python
iterator crosses into Python per iteration).

``scripts/build_prelude.py`` compiles the sources with mruby 3.1's ``mrbc``
into ``prelude31.mrb``, which is committed; the 3.1 dialect lists this
module among its core modules, and ``init`` runs the file's top level once
the Python core library is installed, when the engine is ``native``: its
``def``s replace the Python methods of the same names, which the
interpreter keeps (and dialects that write them in C).
"""

from __future__ import annotations

import os

# os.path, not pathlib: pathlib's imports cost every run about 5 ms
MRB = os.path.join(os.path.dirname(__file__), "prelude31.mrb")
VARIANTS = os.path.join(os.path.dirname(__file__), "variants31.mrb")


def _read(path: str) -> bytes:
    with open(path, "rb") as f:
        return f.read()


def init(vm) -> None:
    if getattr(vm.engine, "name", None) != "native":
        # The interpreter runs the Python twins about twice as fast as it runs
        # these methods as Ruby (bench/programs/times.rb: 17-18 s against 36 s;
        # a VM without an engine runs no Ruby at all);
        # both print the same, which the fixture tests check under each engine.
        return
    import riteload

    # committed with the project and verified by its tests
    # (tests/test_native_calls.py), so not again at every start
    rite = riteload.parse(_read(MRB), filename=MRB)
    vm.exec_irep(rite.irep, vm.top_self, vm.c_Object)
    ireps, todo = set(), [rite.irep]
    while todo:
        irep = todo.pop()
        ireps.add(id(irep))
        todo.extend(irep.reps)
    for c in (vm.c_Array, vm.c_Integer, vm.c_Range, vm.c_Hash):
        for m in c.mt.values():
            if m is not None and m.proc is not None and id(m.proc.irep) in ireps:
                vm.prelude_methods.add(m)
    _install_variants(vm)


def _install_variants(vm) -> None:
    """variants31.mrb defines, on a class no constant names, Ruby forms of
    Enumerable builtins for receivers whose ``each`` is the prelude's
    Array#each, Range#each or Hash#each (one value per element: a Hash's
    is its [key, value] pair; so no ``|*val|``
    Array per element).  The builtin entry of each name defined there
    (aliases included) gets a ``variant`` that call sites consult: the Ruby
    form runs in the builtin's place, as a frame of the same name and
    owner."""
    import riteload
    rite = riteload.parse(_read(VARIANTS), filename=VARIANTS)   # verified as MRB is
    holder = vm._make_class(None, vm.c_Object)
    vm.exec_irep(rite.irep, holder.word, holder)
    each = vm.intern("each")
    one_value = {vm.find_method(c, each)[0] for c in (vm.c_Array, vm.c_Range, vm.c_Hash)}

    def variant_of(proc):
        def variant(vm, cls):
            return proc if vm.find_method(cls, each)[0] in one_value else None
        return variant

    enum = vm.c_Enumerable
    for sid, m in holder.mt.items():
        builtin = enum.mt.get(sid)
        if m is not None and m.proc is not None and builtin is not None and builtin.fn is not None:
            builtin.variant = variant_of(m.proc)
