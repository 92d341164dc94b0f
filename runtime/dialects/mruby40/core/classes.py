"""mruby 4.0: Module#include, Module#prepend and Kernel#extend are C
(class.c ``mrb_mod_include``, ``mrb_mod_prepend``, ``mrb_obj_extend``).

Each takes its modules last to first, checks each is a Module (TypeError
"wrong argument type X (expected Module)"), adds it and calls its
``included``/``prepended``/``extended`` hook when the module has its own.
``append_features``, ``prepend_features`` and ``extend_object`` are gone:
they are neither methods nor called (3.1's mrblib called them, so a module
could override them).
"""

from __future__ import annotations

from runtime.core.classes import mod_extended, mod_included, mod_prepended
from runtime.defs import method
from runtime.objects import TT_MODULE

REMOVED = (("Module", "append_features"), ("Module", "prepend_features"),
           ("Module", "extend_object"))

#: the hooks mrb_do_nothing stands for (mrb_func_basic_p: not called)
_DO_NOTHING = (mod_included, mod_prepended, mod_extended)


def _add_each(vm, target, args, add, hook: str, arg: int) -> None:
    sid = vm.intern(hook)
    for w in reversed(args):
        if not vm.is_class(w) or vm.obj(w).tt != TT_MODULE:
            vm.wrong_type(w, "Module")
        add(target, vm.obj(w))
        m, _ = vm.find_method(vm.class_of(w), sid)
        if m is not None and m.fn not in _DO_NOTHING:
            vm.funcall(w, sid, [arg])


@method("Module", "include", arity=-1)
def mod_include(vm, self, args, blk):
    _add_each(vm, vm.obj(self), args, vm.include_module, "included", self)
    return self


@method("Module", "prepend", arity=-1)
def mod_prepend(vm, self, args, blk):
    _add_each(vm, vm.obj(self), args, vm.prepend_module, "prepended", self)
    return self


@method("Kernel", "extend", arity=-1)
def obj_extend(vm, self, args, blk):
    _add_each(vm, vm.singleton_class(self), args, vm.include_module, "extended", self)
    return self


def init(vm):
    # 3.1's mrb_init_class undefined these three in Class; 4.0 has none of them
    for name in ("append_features", "prepend_features", "extend_object"):
        vm.c_Class.origin.mt.pop(vm.intern(name), None)
    vm.invalidate()
