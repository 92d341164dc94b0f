"""Classes, modules and method tables (mruby's src/class.c).

The class of a word, class names as mruby prints them, making classes,
modules and singleton classes (with their metaclasses), method tables
(``add_method``, ``define_method``, ``alias_method``, ``undef_method``),
method lookup with its cache (``find_method``: ``mrb_method_search_vm``),
include and prepend with iclasses and origins (``include_module_at``),
ancestry tests, and ``allocate`` (``mrb_instance_alloc``).  Any change to a
method table bumps the method serial (``vm.redefined[abi.METHOD_SERIAL]``,
native memory) and clears ``vm.mcache`` (``invalidate``): the native call
sites' inline caches check the serial.

It exists so that ``runtime/vm.py`` stays a façade: ``VM`` inherits this
``Classes`` part and every ``vm.find_method(...)`` keeps working.
"""

from __future__ import annotations

from . import abi
from .abi import FLONUM_MASK, FLONUM_TAG, OBJECT_MASK, OBJECT_SHIFT, OBJECT_TAG
from .frames import CALL_LEVEL_MAX
from .objects import (
    TT_CLASS,
    TT_ICLASS,
    TT_MODULE,
    TT_SCLASS,
    MethodEntry,
    RArray,
    RBasic,
    RClass,
    RData,
    REnv,
    RException,
    RFloat,
    RHash,
    RInteger,
    RObject,
    RProc,
    RRange,
    RString,
    env_named,
)

NIL = abi.NIL
TRUE = abi.TRUE
FALSE = abi.FALSE
_MISSING = object()


class Classes:
    """``VM``'s class part (class.c): classes, method tables, lookup, include/prepend."""

    def class_of(self, w: int) -> RClass:
        if w & OBJECT_MASK == OBJECT_TAG:
            return self.objects[w >> OBJECT_SHIFT].cls
        if w & 1:
            return self.c_Integer
        if w & FLONUM_MASK == FLONUM_TAG:
            return self.c_Float
        if w & 0xFF == abi.SYMBOL_TAG:
            return self.c_Symbol
        if w == NIL:
            return self.c_NilClass
        if w == TRUE:
            return self.c_TrueClass
        if w == FALSE:
            return self.c_FalseClass
        return self.c_BasicObject   # undef: should not be seen by Ruby code

    def real_class(self, w: int) -> RClass:
        c = self.class_of(w)
        while c is not None and c.tt in (TT_SCLASS, TT_ICLASS):
            c = c.superclass
        return c

    def real_class_of_obj(self, o: RBasic) -> RClass:
        c = o.cls
        while c is not None and c.tt in (TT_SCLASS, TT_ICLASS):
            c = c.superclass
        return c

    def cls(self, path: str) -> RClass:
        c = self.c_Object
        for part in path.split("::"):
            v = c.ivars.get(self.intern(part))
            if v is None:
                raise KeyError(path)
            c = self.objects[v >> OBJECT_SHIFT]
        return c

    def class_name(self, c: RClass) -> str:
        """The name mruby prints for a class (``A::B``, ``#<Class:...>``)."""
        if c is None:
            return ""
        if c.tt == TT_ICLASS:
            c = c.module
        if c.tt == TT_SCLASS:
            att = c.attached
            if att is not None and self.is_class(att):
                return f"#<Class:{self.class_name(self.objects[att >> OBJECT_SHIFT])}>"
            return f"#<Class:{self.any_to_s_str(att)}>"
        if c.name is None:
            return self.anon_class_str(c)
        if c.outer is not None and c.outer is not self.c_Object:
            return f"{self.class_name(c.outer)}::{c.name}"
        return c.name

    def anon_class_str(self, c: RClass) -> str:
        kind = "Module" if c.tt == TT_MODULE else "Class"
        return f"#<{kind}:0x{self.fake_address(c):x}>"

    def _make_class(self, name, superclass, tt=TT_CLASS, outer=None) -> RClass:
        c = RClass(tt, superclass, None, name)
        c.instance_type = superclass.instance_type if superclass is not None else RObject
        c.outer = outer
        self.alloc(c)
        if tt == TT_CLASS:
            meta_super = self.singleton_class_of_class(superclass) if superclass is not None \
                else self.c_Class
            meta = RClass(TT_SCLASS, meta_super, self.c_Class)
            meta.attached = c.word
            meta.instance_type = RClass
            self.alloc(meta)
            self.set_class(c, meta)
        else:
            self.set_class(c, self.c_Module)
        return c

    def singleton_class_of_class(self, c: RClass) -> RClass:
        if c.cls is not None and c.cls.tt == TT_SCLASS and c.cls.attached == c.word:
            return c.cls
        return self.singleton_class(c.word)

    def singleton_class(self, w: int) -> RClass:
        if w & OBJECT_MASK != OBJECT_TAG:
            if w == NIL:
                return self.c_NilClass
            if w == TRUE:
                return self.c_TrueClass
            if w == FALSE:
                return self.c_FalseClass
            self.raise_error(self.c_TypeError, "can't define singleton")
        o = self.objects[w >> OBJECT_SHIFT]
        if type(o) in (RInteger, RFloat):
            self.raise_error(self.c_TypeError, "can't define singleton")
        c = o.cls
        if c.tt == TT_SCLASS and c.attached == w:
            return c
        if type(o) is RClass and o.tt in (TT_CLASS, TT_SCLASS):
            sup = o.superclass
            while sup is not None and sup.tt == TT_ICLASS:
                sup = sup.superclass
            sup = self.singleton_class(sup.word) if sup is not None else self.c_Class
        else:
            sup = c
        sc = RClass(TT_SCLASS, sup, self.c_Class)
        sc.attached = w
        sc.instance_type = c.instance_type
        self.alloc(sc)
        if not (type(o) is RClass and o.tt in (TT_CLASS, TT_SCLASS)):
            # prepare_singleton_class: an object's (or module's) singleton
            # class gets its own metaclass at once
            self.singleton_class(sc.word)
        sc.frozen = o.frozen    # a frozen object's singleton class is frozen
        self.set_class(o, sc)
        self.invalidate()
        return sc

    def define_class(self, name: str, superclass: RClass = None, outer: RClass = None) -> RClass:
        outer = outer or self.c_Object
        sid = self.intern(name)
        v = outer.ivars.get(sid)
        if v is not None and self.is_class(v):
            return self.objects[v >> OBJECT_SHIFT]
        c = self._make_class(name, superclass or self.c_Object, TT_CLASS,
                             None if outer is self.c_Object else outer)
        outer.ivars[sid] = c.word
        self._inherited_instance_type(c)
        return c

    def _inherited_instance_type(self, c: RClass) -> None:
        sup = c.superclass
        while sup is not None and sup.tt == TT_ICLASS:
            sup = sup.superclass
        if sup is not None:
            c.instance_type = sup.instance_type

    def define_module(self, name: str, outer: RClass = None) -> RClass:
        outer = outer or self.c_Object
        sid = self.intern(name)
        v = outer.ivars.get(sid)
        if v is not None and self.is_class(v):
            return self.objects[v >> OBJECT_SHIFT]
        m = self._make_class(name, None, TT_MODULE, None if outer is self.c_Object else outer)
        outer.ivars[sid] = m.word
        return m

    def new_class(self, name: str, superclass: RClass, outer: RClass) -> RClass:
        """A new named class under ``outer`` (not yet assigned to the constant)."""
        if superclass.tt == TT_SCLASS:
            self.raise_error(self.c_TypeError, "can't make subclass of singleton class")
        if superclass is self.c_Class:
            self.raise_error(self.c_TypeError, "can't make subclass of Class")
        c = self._make_class(name, superclass, TT_CLASS, None if outer is self.c_Object else outer)
        self._inherited_instance_type(c)
        return c

    def new_module(self, name, outer: RClass = None) -> RClass:
        return self._make_class(name, None, TT_MODULE,
                                None if outer is None or outer is self.c_Object else outer)

    def class_inherited(self, sup: RClass, c: RClass) -> None:
        m, _ = self.find_method(sup.cls, self.SYM_inherited)
        if m is not None and not getattr(m.fn, "is_noop_hook", False):
            self.c_funcall(sup.word, self.SYM_inherited, [c.word])

    def allocate(self, cls: RClass) -> int:
        """An uninitialised instance of cls (Class#allocate)."""
        if cls.tt == TT_SCLASS:
            self.raise_error(self.c_TypeError, "can't create instance of singleton class")
        it = cls.instance_type or RObject
        if it is RObject or it is RException:
            return self.alloc(it(cls))
        if it is RString:
            return self.alloc(RString(cls, b""))
        if it is RArray:
            return self.alloc(RArray(cls, []))
        if it is RHash:
            return self.alloc(RHash(cls))
        if it is RRange:
            return self.alloc(RRange(cls, NIL, NIL, False))
        if it is RProc:
            return self.alloc(RProc(cls))
        if it is RClass:
            c = RClass(TT_CLASS, self.c_Object, cls)
            return self.alloc(c)
        if it is RData:
            return self.alloc(RData(cls))
        self.raise_error(self.c_TypeError, f"can't create instance of {self.class_name(cls)}")

    def invalidate(self) -> None:
        self.mcache.clear()
        self.redefined[abi.METHOD_SERIAL] += 1      # native inline caches miss from now on
        if not self.redefined_dirty:
            self.redefined_dirty = True
            self.redefined[0] = abi.REDEFINED_ALL

    def record_int_builtins(self) -> None:
        """Remember, at the end of boot, the method entries of the Integer
        methods generated code may run inline (abi.INT_BUILTINS)."""
        self.int_builtins = tuple(self.find_method(self.c_Integer, self.intern(name))[0]
                                  for name, _argc in abi.INT_BUILTINS)
        self.int_builtin_eq = self.find_method(self.c_Integer, self.SYM_eq)[0]
        self.not_builtins = self._not_methods()

    def _not_methods(self) -> tuple:
        """The ``!`` that nil, false and true find (abi.NOT_BUILTIN_BIT)."""
        sid = self.intern("!")
        return tuple(self.find_method(c, sid)[0]
                     for c in (self.c_NilClass, self.c_FalseClass, self.c_TrueClass))

    def refresh_redefined(self) -> None:
        """Clear the bit of each INT_BUILTINS method that Integer still finds
        as its builtin, and NOT_BUILTIN_BIT while nil, false and true find
        their ``!`` (the others stay set: their sends go through Python).
        Called lazily, by the slow path of an inline site, after ``invalidate``."""
        bits = 0
        c = self.c_Integer
        for i, (name, _argc) in enumerate(abi.INT_BUILTINS):
            m = self.find_method(c, self.intern(name))[0]
            if m is None or m is not self.int_builtins[i]:
                bits |= 1 << i
        if self.find_method(c, self.SYM_eq)[0] is not self.int_builtin_eq:
            bits |= 1 << abi.INT_BUILTIN_BIT["!="]
        if any(m is not b for m, b in zip(self._not_methods(), self.not_builtins)):
            bits |= 1 << abi.NOT_BUILTIN_BIT
        self.redefined[0] = bits
        self.redefined_dirty = False

    def add_method(self, cls: RClass, sid: int, m) -> None:
        """Put a MethodEntry (or None for undef) in cls's own method table."""
        target = cls.origin
        if target.frozen:       # mrb_define_method_raw checks the origin
            self.frozen_error(target.word)
        if m is not None:
            m.owner = cls
        target.mt[sid] = m
        self.invalidate()

    def define_method(self, cls: RClass, name: str, fn, arity=-1, visibility="public",
                      noframe=False) -> None:
        sid = self.intern(name)
        self.add_method(cls, sid, MethodEntry(sid, fn=fn, arity=arity, visibility=visibility,
                                              noframe=noframe))

    def define_singleton_method(self, target, name: str, fn, arity=-1, noframe=False) -> None:
        w = target.word if isinstance(target, RBasic) else target
        self.define_method(self.singleton_class(w), name, fn, arity, noframe=noframe)

    def define_proc_method(self, cls: RClass, sid: int, p: RProc, visibility="public") -> None:
        """Define a Ruby-level method (OP_DEF, define_method with a block)."""
        p.scope = True
        if p.env is None:
            # mrb_define_method_raw: the target class is the origin, so a
            # method defined after a prepend supers from the origin iclass
            p._target_class = cls.origin
        self.add_method(cls, sid, MethodEntry(sid, proc=p, visibility=visibility))

    def method_added(self, cls: RClass, sid: int) -> None:
        if cls.tt == TT_SCLASS:
            hook = self.SYM_singleton_method_added
            recv = cls.attached
        else:
            hook = self.SYM_method_added
            recv = cls.word
        if recv is None:
            return
        if len(self.frames) - 1 > CALL_LEVEL_MAX:     # mrb_funcall_id, unconditionally
            self.raise_stack_error()
        m, _ = self.find_method(self.class_of(recv), hook)
        if m is not None and not getattr(m.fn, "is_noop_hook", False):
            self.c_funcall(recv, hook, [abi.symbol_word(sid)])

    def undef_method(self, cls: RClass, sid: int) -> None:
        m, _ = self.find_method(cls, sid)
        if m is None:
            self.name_error_undefined_method(sid, cls)
        self.add_method(cls, sid, None)

    def alias_method(self, cls: RClass, new, old) -> None:
        """mrb_alias_method: the same method under a new name (alias_entry).
        In 3.1 a Ruby-level method's proc gets an env remembering the
        original name (shared by both names), which SUPER and the blocks
        inside the method use."""
        new_id = self.intern(new) if isinstance(new, str) else new
        old_id = self.intern(old) if isinstance(old, str) else old
        if new_id == old_id:
            return
        m, _ = self.find_method(cls, old_id)
        if m is None:       # mrb_method_search's wording: the class name unquoted
            self.raise_name_error(f"undefined method '{self.syms[old_id]}' for class "
                                  f"{self.class_name(cls)}", old_id)
        m = self.alias_entry(m, old_id)
        if cls.origin.frozen:
            self.frozen_error(cls.origin.word)
        cls.origin.mt[new_id] = m.copy(owner=cls)
        self.invalidate()

    def alias_entry(self, m: MethodEntry, old_id: int) -> MethodEntry:
        """The entry an alias of ``m`` (found as ``old_id``) stores: ``m``,
        after mruby 3.1 names the env of a Ruby-level method's proc."""
        p = m.proc
        if p is not None and p.irep is not None:
            if p.env is not None:
                p.env.mid = old_id
                env_named(p.env)
            else:
                tc = p._target_class
                p.env = REnv.detached(self, old_id, tc)
            if self.envs_in_records and p.env.is_detached:
                # generated code's BLOCK in its frames names their envs from here
                self.proc_call_data(p, 0, self.env_cell(p.env), 0)
        return m

    def name_error_undefined_method(self, sid, cls):
        self.raise_name_error(f"undefined method '{self.syms[sid]}' for class "
                              f"'{self.class_name(cls)}'",
                              sid)

    def find_method(self, cls: RClass, mid: int):
        """(MethodEntry, class in the chain holding it) or (None, None)."""
        key = (cls, mid)
        r = self.mcache.get(key)
        if r is not None:
            return r
        c = cls
        r = (None, None)
        while c is not None:
            m = c.mt.get(mid, _MISSING)
            if m is not _MISSING:
                if m is not None:
                    r = (m, c)
                break
            c = c.superclass
        self.mcache[key] = r
        return r

    def respond_to(self, w: int, name) -> bool:
        sid = self.intern(name) if isinstance(name, str) else name
        m, _ = self.find_method(self.class_of(w), sid)
        return m is not None

    def ancestors(self, c: RClass) -> list:
        out = []
        while c is not None:
            if c.tt == TT_ICLASS:
                out.append(c.module)
            elif not c.prepended:
                out.append(c)
            c = c.superclass
        return out

    def include_module(self, c: RClass, m: RClass) -> None:
        """mrb_include_module (class.c): m and its ancestors go after c's
        origin; a module already included elsewhere gets m in those chains."""
        if c.frozen:
            self.frozen_error(c.word)
        if not self._include_at(c, c.origin, m, True):
            self.raise_error(self.c_ArgumentError, "cyclic include detected")
        if c.tt == TT_MODULE and c in self.inherited_modules:
            for o in list(self.objects.values()):
                if (type(o) is RClass and o.tt == TT_ICLASS and o.module is c
                        and c.origin is not o):
                    self._include_at(o, o, m, True)

    def _include_at(self, c: RClass, ins: RClass, m: RClass, search_super: bool) -> bool:
        """include_module_at (class.c): iclasses for m and the entries of its
        chain after ``ins`` in c's chain; an entry whose table is already
        there is skipped (and moves the insertion point when it sits below
        ins).  False for a cycle (m's table is c's own)."""
        klass_mt = c.origin.mt
        while m is not None:
            if not m.prepended:
                if klass_mt is m.mt:
                    return False
                original_seen = c is ins
                superclass_seen = False
                p = c.superclass
                while p is not None:
                    if p.tt == TT_ICLASS:
                        if p.mt is m.mt:
                            if not superclass_seen and original_seen:
                                ins = p
                            break
                    elif p.tt == TT_CLASS:
                        if not search_super:
                            p = None
                            break
                        superclass_seen = True
                    p = p.superclass
                if p is None:
                    mod = m.module if m.tt == TT_ICLASS else m
                    ic = RClass(TT_ICLASS, ins.superclass, None)
                    ic.module = mod
                    ic.mt = mod.origin.mt
                    ic.ivars = mod.ivars
                    self.alloc(ic)
                    self.inherited_modules.add(m)
                    ins.superclass = ic
                    ins = ic
            m = m.superclass
        self.invalidate()
        return True

    def prepend_module(self, c: RClass, m: RClass) -> None:
        """mrb_prepend_module (class.c): c's methods move to an origin
        iclass, m goes right after c; classes and modules that include a
        module c get m in front of it too."""
        if c.frozen:
            self.frozen_error(c.word)
        if not c.prepended:
            origin = RClass(TT_ICLASS, c.superclass, None)
            origin.module = c.module if c.tt == TT_ICLASS else c
            origin.mt = c.mt
            origin.ivars = c.ivars
            self.alloc(origin)
            self.inherited_modules.add(origin)
            c.mt = {}
            c.superclass = origin
            c.origin = origin
            c.prepended = True
        if not self._include_at(c, c, m, False):
            self.raise_error(self.c_ArgumentError, "cyclic prepend detected")
        if c.tt == TT_MODULE:
            for o in list(self.objects.values()):
                if type(o) is not RClass or o.tt not in (TT_CLASS, TT_MODULE) or o is c:
                    continue
                p = o.superclass
                while p is not None and p.tt != TT_CLASS:
                    if p.module is c:
                        self._include_at(o, o, m, False)
                        break
                    p = p.superclass

    def is_a(self, w: int, cls: RClass) -> bool:
        c = self.class_of(w)
        while c is not None:
            if c is cls or (c.tt == TT_ICLASS and c.module is cls):
                return True
            c = c.superclass
        return False

    def class_le(self, c: RClass, other: RClass) -> bool:
        while c is not None:
            if c is other or (c.tt == TT_ICLASS and c.module is other):
                return True
            c = c.superclass
        return False
