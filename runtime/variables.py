"""Instance, global and class variables, and constants (mruby's src/variable.c).

Instance variables live in ``RBasic.ivars``; a class keeps its constants
and class variables in the same table (as mruby's iv_tbl does); globals in
``vm.globals``.  ``const_get_lexical`` is ``mrb_vm_const_get`` (the lexical
scopes of the running proc, then the ancestors), ``const_get_from`` is
variable.c's ``const_get`` (ancestors, then Object for a module, then
``const_missing``); ``const_set`` names an anonymous class or module on its
first assignment, as ``assign_class_name`` does.

It exists so that ``runtime/vm.py`` stays a façade: ``VM`` inherits this
``Variables`` part and every ``vm.ivar_get(...)`` keeps working.
"""

from __future__ import annotations

from . import abi
from .abi import OBJECT_MASK, OBJECT_SHIFT, OBJECT_TAG
from .frames import Frame
from .objects import TT_CLASS, TT_MODULE, TT_SCLASS, RClass, RException, RObject
from .shapes import iv_get, iv_set

NIL = abi.NIL


class Variables:
    """``VM``'s variable part (variable.c): ivars, globals, class variables, constants."""

    def ivar_get(self, w: int, sid: int) -> int:
        if w & OBJECT_MASK != OBJECT_TAG:
            return NIL
        o = self.objects[w >> OBJECT_SHIFT]
        t = type(o)
        if t is RObject or t is RException:
            return iv_get(o, sid, NIL)
        iv = o.ivars
        if iv is None:
            return NIL
        return iv.get(sid, NIL)

    def ivar_set(self, w: int, sid: int, v: int) -> None:
        if w & OBJECT_MASK != OBJECT_TAG:
            self.raise_error(self.c_ArgumentError, "cannot set instance variable")
        o = self.objects[w >> OBJECT_SHIFT]
        if o.frozen:
            self.frozen_error(w)
        t = type(o)
        if t is RObject or t is RException:
            iv_set(o, sid, v)
            return
        if t is RClass:
            o.ivars.set_var(sid, v)
            return
        if o.ivars is None:
            o.ivars = {}
        o.ivars[sid] = v

    def gv_get(self, sid: int) -> int:
        return self.globals.get(sid, NIL)

    def gv_set(self, sid: int, v: int) -> None:
        self.globals[sid] = v

    def cv_lookup_class(self, frame: Frame) -> RClass:
        p = frame.proc
        while p is not None:
            c = p.target_class
            if c is not None and c.tt != TT_SCLASS:
                return c
            p = p.upper
        c = frame.target_class
        return c if c is not None else self.c_Object

    def cv_get(self, c: RClass, sid: int) -> int:
        cls = c
        v = None
        while c is not None:
            x = c.ivars.get(sid)
            if x is not None:
                v = x
            c = c.superclass
        if v is not None:
            return v
        if cls.tt == TT_SCLASS and cls.attached is not None and self.is_class(cls.attached):
            c = self.objects[cls.attached >> OBJECT_SHIFT]
            while c is not None:
                x = c.ivars.get(sid)
                if x is not None:
                    v = x
                c = c.superclass
            if v is not None:
                return v
        self.raise_name_error(f"uninitialized class variable {self.syms[sid]} in "
                              f"{self.class_name(cls)}", sid)

    def cv_set(self, c: RClass, sid: int, v: int) -> None:
        cls = c
        while c is not None:
            if sid in c.ivars:
                if c.frozen:        # mrb_mod_cv_set checks the holder
                    self.frozen_error(c.word)
                c.ivars.set_var(sid, v)
                return
            c = c.superclass
        if cls.tt == TT_SCLASS and cls.attached is not None and self.is_class(cls.attached):
            cls = self.objects[cls.attached >> OBJECT_SHIFT]
        if cls.frozen:
            self.frozen_error(cls.word)
        cls.ivars[sid] = v

    def cv_defined(self, c: RClass, sid: int) -> bool:
        while c is not None:
            if sid in c.ivars:
                return True
            c = c.superclass
        return False

    def define_const(self, cls: RClass, name: str, w: int) -> None:
        self.const_set(cls, self.intern(name), w)

    def const_set(self, cls: RClass, sid: int, w: int) -> None:
        if w & OBJECT_MASK == OBJECT_TAG:
            o = self.objects[w >> OBJECT_SHIFT]
            if type(o) is RClass and o.name is None and o.tt in (TT_CLASS, TT_MODULE):
                o.name = self.syms[sid]
                if cls is not self.c_Object:
                    o.outer = cls
        cls.ivars[sid] = w

    def const_get_from(self, base: RClass, sid: int, skip: bool = False) -> int:
        """const_get of variable.c: the ancestors of base (then Object for
        modules), else ``const_missing``."""
        v = self.const_find_from(base, sid, skip)
        if v is None:
            return self.c_funcall(base.word, "const_missing", [abi.symbol_word(sid)])
        return v

    def const_find_from(self, base: RClass, sid: int, skip: bool = False):
        """What ``const_get_from`` finds without ``const_missing``, or None:
        mruby 3.1's const_get (4.0's: mruby40/core/constants.py)."""
        return self.const_search(base, sid, skip, stop_at_object=False, module_retry=True)

    def const_search(self, base: RClass, sid: int, skip: bool, stop_at_object: bool,
                     module_retry: bool):
        """const_get_nohook's walk: ``base`` (or, with ``skip``, its
        superclass) and its ancestors, before Object when
        ``stop_at_object``; then Object's for a module with
        ``module_retry``.  None when nothing has the constant."""
        c = base.superclass if skip else base
        retry = False
        while True:
            while c is not None:
                if not c.prepended:
                    v = c.ivars.get(sid)
                    if v is not None:
                        return v
                c = c.superclass
                if stop_at_object and c is self.c_Object:
                    break
            if retry or not module_retry or base.tt != TT_MODULE:
                return None
            c, retry = self.c_Object, True

    def const_get_lexical(self, frame: Frame, sid: int) -> int:
        """mrb_vm_const_get: the lexical scopes, then the ancestors, then
        ``const_missing``."""
        v, base = self.const_find_lexical(frame.proc, frame.target_class, sid)
        if v is None:
            return self.c_funcall(base.word, "const_missing", [abi.symbol_word(sid)])
        return v

    def attached_base(self, c: RClass) -> RClass:
        """The class or module a chain of singleton classes starting at ``c``
        is attached to (``class << self`` in a class body looks up constants
        there), else ``c``."""
        c2 = c
        while c2 is not None and c2.tt == TT_SCLASS:
            att = c2.attached
            if att is None or not self.is_class(att):
                return c
            c2 = self.objects[att >> OBJECT_SHIFT]
        return c2 if c2 is not None and c2.tt in (TT_CLASS, TT_MODULE) else c

    def const_find_lexical(self, proc, target_class, sid: int):
        """(the constant ``sid`` as code of ``proc`` sees it in a frame whose
        target class is ``target_class``, or None; the class whose
        ``const_missing`` mruby then calls): mruby 3.1's mrb_vm_const_get
        (4.0's: runtime/dialects/mruby40/core/constants.py)."""
        c = self.lexical_class(proc, target_class)
        v = c.ivars.get(sid)
        if v is None:
            c = self.attached_base(c)
            v = self.const_in_outer_scopes(proc, sid, None)
            if v is None:
                v = self.const_find_from(c, sid, True)
        return v, c

    def lexical_class(self, proc, target_class) -> RClass:
        """The class whose constants code of ``proc`` sees first: the proc's
        target class, else the frame's, else Object."""
        c = proc.target_class if proc is not None else None
        return c if c is not None else target_class or self.c_Object

    def const_in_outer_scopes(self, proc, sid: int, default):
        """The constant ``sid`` of the first scope enclosing ``proc`` that has
        it (each scope's target class; ``default`` for one without), or None."""
        p = proc.upper if proc is not None else None
        while p is not None:
            c = p.target_class or default
            if c is not None:
                v = c.ivars.get(sid)
                if v is not None:
                    return v
            p = p.upper
        return None
