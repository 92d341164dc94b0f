"""mruby 4.0: where code finds a constant (4.0.0's ``mrb_vm_const_get``,
``const_get_nohook``).

4.0 walks the enclosing scopes before leaving a singleton class (an outer
scope without a target class stands for Object), then searches the
singleton class's own ancestors, so a constant of a module the object
extends is found in its ``class << self`` body (mruby issue #6506); 3.1
went to the attached class first and never searched the singleton class's
ancestors (runtime/variables.py ``const_find_lexical``).
"""

from __future__ import annotations

from ....objects import TT_SCLASS


def const_find_lexical(vm, proc, target_class, sid: int):
    """(the constant ``sid`` as code of ``proc`` sees it in a frame whose
    target class is ``target_class``, or None; the class whose
    ``const_missing`` mruby then calls)."""
    c = vm.lexical_class(proc, target_class)
    v = c.ivars.get(sid)
    if v is None:
        v = vm.const_in_outer_scopes(proc, sid, vm.c_Object)
    if v is None and c.tt == TT_SCLASS:
        v = vm.const_find_from(c, sid, True)
        if v is None:
            c = vm.attached_base(c)
    if v is None:
        v = vm.const_find_from(c, sid, True)
    return v, c


def const_find_from(vm, base, sid: int, skip: bool = False):
    """4.0's const_get_nohook: what ``base::NAME`` (skip False: GETMCNST,
    Module#const_get) finds stops before Object, so ``Foo::String`` and
    ``M::Object`` raise NameError; the lexical lookup (skip True: base
    already searched) still goes on to Object for a module, as in 3.1."""
    return vm.const_search(base, sid, skip, stop_at_object=not skip, module_retry=skip)


VM_OVERRIDES = {"const_find_lexical": const_find_lexical, "const_find_from": const_find_from}
