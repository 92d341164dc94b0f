"""The VM: symbols, the object table, classes, method lookup, calls, raising.

Opcode semantics live in ``runtime/ops.py`` and the interpreter loop in
``runtime/interp.py``; this module is the dispatch machinery they share with
the core library (whose public API is documented in docs/runtime.md).
"""

from __future__ import annotations

import struct
import sys
import weakref

from . import abi
from .fastfloat import float_word, flonum_value
from .errors import BreakUnwind, ReturnUnwind, RubyError, Unwind
from .frames import (CALL_LEVEL_MAX, CALLINFO_MAX, CINFO_NONE, CINFO_SKIP, MRB_STACK_MAX, STACK_SIZE, Frame,
                     IrepRT, bidx, ffi)
from .objects import (TT_CLASS, TT_ICLASS, TT_MODULE, TT_SCLASS, MethodEntry, RArray, RBasic,
                      RBreak, RClass, RData, REnv, RException, RFloat, RHash, RInteger, RObject,
                      RProc, RRange, RString)

NIL = abi.NIL
TRUE = abi.TRUE
FALSE = abi.FALSE
UNDEF = abi.UNDEF
_MISSING = object()

CATCH_FILTER_RESCUE = 1
CATCH_FILTER_ENSURE = 2
CATCH_FILTER_ALL = 3


# mruby 3.1's words (boxing_word.h) for the special constants, as object ids
_SPECIAL_IDS = {abi.NIL: 0, abi.FALSE: 4, abi.TRUE: 12}

class VM:
    """One Ruby world.  See docs/runtime.md for the API."""

    def __init__(self, engine=None, stdout=None, stderr=None):
        self.stack = ffi.new("uint64_t[]", STACK_SIZE)
        self.ci = ffi.new("rl_callinfo[]", CALLINFO_MAX + 2)
        self.state = ffi.new("rl_vmstate *")
        self.objects: list = [None]
        self.free_handles: list = []    # handles freed by the collector, reused first
        # mruby's GC arena: handles allocated since the running builtin (or the
        # running instruction of an interpreted frame) began; runtime/gc.py
        # keeps them.  Truncated when a builtin returns and after each instruction.
        self.arena: list = []
        from .gc import MIN_THRESHOLD
        self.gc_countdown = MIN_THRESHOLD   # allocations left before the next collection
        self.gc_enabled = True
        self.gc_runs = 0
        self._cw_len = 1 << 12
        self.class_words = ffi.new("uint64_t[]", self._cw_len)
        self.state.stack = self.stack
        self.state.stack_size = STACK_SIZE
        self.state.cibase = self.ci
        self.state.ci = -1
        self.state.ci_size = CALLINFO_MAX + 2
        self.state.class_words = self.class_words
        self.state.class_words_len = self._cw_len
        self.syms: list[str] = [""]
        self.sym_ids: dict[str, int] = {}
        # the ids mruby 3.1 gives this program's symbols (runtime/symorder.py),
        # for listings in mruby's hash-table order; set when a file is loaded
        self.mruby_syms = None
        self.globals: dict[int, int] = {}
        self.frames: list[Frame] = []
        self.exc = None             # mrb->exc: pending exception/break word for EXCEPT
        self.mcache: dict = {}
        self.method_serial = 0
        # modules (and origins) that some chain holds an iclass of:
        # MRB_FL_CLASS_IS_INHERITED, which makes include fix other chains
        self.inherited_modules = weakref.WeakSet()
        self.irep_rts: dict = {}
        self.out = stdout if stdout is not None else sys.stdout.buffer
        self.err = stderr if stderr is not None else sys.stderr.buffer
        self.engine = engine
        self.script_name = "-"
        self.default_visibility = {}
        self._inspecting = set()
        self.stack_err = None
        self.stats = {}
        self._boot()

    # ------------------------------------------------------------------ symbols
    def intern(self, name) -> int:
        if isinstance(name, (bytes, bytearray)):
            name = bytes(name).decode("utf-8", "surrogateescape")
        i = self.sym_ids.get(name)
        if i is None:
            i = len(self.syms)
            self.syms.append(name)
            self.sym_ids[name] = i
            if self.mruby_syms is not None:     # a name the program makes: the next id
                self.mruby_syms.id_of(name)
        return i

    def mruby_symbol_ids(self):
        """The mruby ids of this VM's names (made on first use when no file
        was loaded, e.g. a VM driven from Python)."""
        ms = self.mruby_syms
        if ms is None:
            from .symorder import MrubySymbolIds
            ms = self.mruby_syms = MrubySymbolIds()
        return ms

    def in_mruby_order(self, sids, table: str = "iv") -> list:
        """Symbol numbers inserted in this order into an mruby table ("iv":
        instance variables and constants, "mt": methods, "set": a method
        list's khash set), as mruby 3.1 lists them (runtime/symorder.py)."""
        from . import symorder
        ms = self.mruby_symbol_ids()
        syms = self.syms
        back = {}
        ids = []
        unknown = ms.next_dynamic      # names mruby never interned (riteload's own)
        for sid in sids:
            i = ms.known_id(syms[sid])
            if i is None:
                i, unknown = unknown, unknown + 1
            back[i] = sid
            ids.append(i)
        order = {"iv": symorder.iv_order, "mt": symorder.mt_order,
                 "set": symorder.khash_set_order}[table]
        return [back[i] for i in order(ids)]

    def sym(self, name) -> int:
        return abi.symbol_word(self.intern(name))

    def sym_name(self, sid: int) -> str:
        return self.syms[sid]

    def sym_str(self, word: int) -> str:
        return self.syms[word >> 8]

    def sym_bytes(self, sid: int) -> bytes:
        return self.syms[sid].encode("utf-8", "surrogateescape")

    # ------------------------------------------------------------- object table
    def alloc(self, obj: RBasic) -> int:
        free = self.free_handles
        if free:
            h = free.pop()
            self.objects[h] = obj
        else:
            h = len(self.objects)
            self.objects.append(obj)
            if h >= self._cw_len:
                self._grow_class_words(h + 1)
        obj.handle = h
        c = obj.cls
        if c is not None:
            self.class_words[h] = (c.handle << 3) | 4
        self.arena.append(h)
        self.gc_countdown -= 1
        if self.gc_countdown <= 0:
            self.gc()
        return (h << 3) | 4

    def gc(self) -> int:
        """Collect unreachable objects now (runtime/gc.py); return how many."""
        from . import gc as _gc
        if not self.gc_enabled:
            self.gc_countdown = _gc.MIN_THRESHOLD
            return 0
        freed = _gc.collect(self)
        live = len(self.objects) - 1 - len(self.free_handles)
        self.gc_countdown = max(_gc.MIN_THRESHOLD, live)
        self.gc_runs += 1
        return freed

    def _grow_class_words(self, need: int) -> None:
        n = self._cw_len
        while n < need:
            n *= 2
        new = ffi.new("uint64_t[]", n)
        ffi.memmove(new, self.class_words, self._cw_len * 8)
        self.class_words = new
        self._cw_len = n
        self.state.class_words = new
        self.state.class_words_len = n

    def set_class(self, obj: RBasic, cls: RClass) -> None:
        obj.cls = cls
        if obj.handle:
            self.class_words[obj.handle] = cls.word

    def obj(self, word: int):
        return self.objects[word >> 3]

    # ------------------------------------------------------------------- values
    def bool(self, x) -> int:
        return TRUE if x else FALSE

    def int_new(self, n: int) -> int:
        if abi.FIXNUM_MIN <= n <= abi.FIXNUM_MAX:
            return ((n << 1) | 1) & abi.MASK64
        if abi.MRB_INT_MIN <= n <= abi.MRB_INT_MAX:
            return self.alloc(RInteger(self.c_Integer, n))
        self.raise_error(self.c_RangeError, "integer overflow")

    def float_new(self, x: float) -> int:
        """A Float value of x, truncated as mruby 3.1 stores floats (fastfloat)."""
        w, t = float_word(x)
        if w is not None:
            return w
        return self.alloc(RFloat(self.c_Float, t))

    def str_new(self, b=b"") -> int:
        if isinstance(b, str):
            b = b.encode("utf-8", "surrogateescape")
        return self.alloc(RString(self.c_String, b))

    def str_dup(self, w: int) -> int:
        s = self.objects[w >> 3]
        return self.alloc(RString(self.real_class_of_obj(s), s.value))

    def ary_new(self, items=()) -> int:
        return self.alloc(RArray(self.c_Array, list(items)))

    def hash_new(self, pairs=()) -> int:
        h = RHash(self.c_Hash)
        w = self.alloc(h)
        for k, v in pairs:
            h.set(self, k, v)
        return w

    def range_new(self, first: int, last: int, excl: bool) -> int:
        return self.alloc(RRange(self.c_Range, first, last, bool(excl)))

    def data_new(self, cls: RClass, data=None) -> int:
        return self.alloc(RData(cls, data))

    def is_int(self, w: int) -> bool:
        return bool(w & 1) or (w & 7 == 4 and type(self.objects[w >> 3]) is RInteger)

    def is_float(self, w: int) -> bool:
        return (w & 3 == 2) or (w & 7 == 4 and type(self.objects[w >> 3]) is RFloat)

    def is_str(self, w: int) -> bool:
        return w & 7 == 4 and type(self.objects[w >> 3]) is RString

    def is_ary(self, w: int) -> bool:
        return w & 7 == 4 and type(self.objects[w >> 3]) is RArray

    def is_hash(self, w: int) -> bool:
        return w & 7 == 4 and type(self.objects[w >> 3]) is RHash

    def is_sym(self, w: int) -> bool:
        return w & 0xFF == abi.SYMBOL_TAG

    def is_proc(self, w: int) -> bool:
        return w & 7 == 4 and type(self.objects[w >> 3]) is RProc

    def is_range(self, w: int) -> bool:
        return w & 7 == 4 and type(self.objects[w >> 3]) is RRange

    def is_class(self, w: int) -> bool:
        return w & 7 == 4 and type(self.objects[w >> 3]) is RClass

    def is_exception(self, w: int) -> bool:
        return w & 7 == 4 and type(self.objects[w >> 3]) is RException

    def int_value(self, w: int) -> int:
        if w & 1:
            return abi.fixnum_value(w)
        return self.objects[w >> 3].value

    def float_value(self, w: int) -> float:
        if w & 3 == 2:
            return flonum_value(w)
        return self.objects[w >> 3].value

    def to_int(self, w: int) -> int:
        if w & 1:
            return abi.fixnum_value(w)
        if w & 7 == 4:
            o = self.objects[w >> 3]
            if type(o) is RInteger:
                return o.value
        self.type_error_conv(w, "Integer")

    def to_f(self, w: int) -> float:
        if w & 1:
            return float(abi.fixnum_value(w))
        if w & 3 == 2:
            return flonum_value(w)
        if w & 7 == 4:
            o = self.objects[w >> 3]
            if type(o) in (RInteger, RFloat):
                return float(o.value)
        self.type_error_conv(w, "Float")

    def str_bytes(self, w: int) -> bytes:
        if w & 7 == 4:
            o = self.objects[w >> 3]
            if type(o) is RString:
                return bytes(o.value)
        self.type_error_conv(w, "String")

    def type_error_conv(self, w: int, to: str):
        self.raise_error(self.c_TypeError,
                         f"no implicit conversion of {self.type_name_for_error(w)} into {to}")

    def type_name_for_error(self, w: int) -> str:
        """mruby's %Y: nil/true/false by value, otherwise the class name."""
        if w == NIL:
            return "nil"
        if w == TRUE:
            return "true"
        if w == FALSE:
            return "false"
        return self.class_name(self.real_class(w))

    # ---------------------------------------------------------------- classes
    def class_of(self, w: int) -> RClass:
        if w & 7 == 4:
            return self.objects[w >> 3].cls
        if w & 1:
            return self.c_Integer
        if w & 3 == 2:
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
            c = self.objects[v >> 3]
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
                return f"#<Class:{self.class_name(self.objects[att >> 3])}>"
            return f"#<Class:{self.any_to_s_str(att)}>"
        if c.name is None:
            return self.anon_class_str(c)
        if c.outer is not None and c.outer is not self.c_Object:
            return f"{self.class_name(c.outer)}::{c.name}"
        return c.name

    def anon_class_str(self, c: RClass) -> str:
        kind = "Module" if c.tt == TT_MODULE else "Class"
        return f"#<{kind}:0x{self.fake_address(c):x}>"

    def fake_address(self, o) -> int:
        return 0x7f0000000000 + o.handle * 0x30

    def any_to_s_str(self, w) -> str:
        if w is None:
            return "?"
        c = self.real_class(w)
        if w & 7 == 4:
            return f"#<{self.class_name(c)}:0x{self.fake_address(self.objects[w >> 3]):x}>"
        return f"#<{self.class_name(c)}>"

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
        if w & 7 != 4:
            if w == NIL:
                return self.c_NilClass
            if w == TRUE:
                return self.c_TrueClass
            if w == FALSE:
                return self.c_FalseClass
            self.raise_error(self.c_TypeError, "can't define singleton")
        o = self.objects[w >> 3]
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
            return self.objects[v >> 3]
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
            return self.objects[v >> 3]
        m = self._make_class(name, None, TT_MODULE, None if outer is self.c_Object else outer)
        outer.ivars[sid] = m.word
        return m

    def define_const(self, cls: RClass, name: str, w: int) -> None:
        self.const_set(cls, self.intern(name), w)

    def const_set(self, cls: RClass, sid: int, w: int) -> None:
        if w & 7 == 4:
            o = self.objects[w >> 3]
            if type(o) is RClass and o.name is None and o.tt in (TT_CLASS, TT_MODULE):
                o.name = self.syms[sid]
                if cls is not self.c_Object:
                    o.outer = cls
        cls.ivars[sid] = w

    def invalidate(self) -> None:
        self.mcache.clear()
        self.method_serial += 1

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

    def alias_method(self, cls: RClass, new, old) -> None:
        """mrb_alias_method: the same method under a new name.  A Ruby-level
        method's proc gets an env remembering the original name (shared by
        both names), which SUPER and the blocks inside the method use."""
        new_id = self.intern(new) if isinstance(new, str) else new
        old_id = self.intern(old) if isinstance(old, str) else old
        if new_id == old_id:
            return
        m, _ = self.find_method(cls, old_id)
        if m is None:
            self.name_error_undefined_method(old_id, cls)
        p = m.proc
        if p is not None and p.irep is not None:
            if p.env is not None:
                p.env.mid = old_id
            else:
                tc = p._target_class
                p.env = REnv.detached(self, old_id, tc)
        if cls.origin.frozen:
            self.frozen_error(cls.origin.word)
        cls.origin.mt[new_id] = m.copy(owner=cls)
        self.invalidate()

    def name_error_undefined_method(self, sid, cls):
        self.raise_name_error(f"undefined method '{self.syms[sid]}' for class '{self.class_name(cls)}'",
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
            for o in list(self.objects):
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
            for o in list(self.objects):
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

    # --------------------------------------------------------------- variables
    def ivar_get(self, w: int, sid: int) -> int:
        if w & 7 != 4:
            return NIL
        iv = self.objects[w >> 3].ivars
        if iv is None:
            return NIL
        return iv.get(sid, NIL)

    def ivar_set(self, w: int, sid: int, v: int) -> None:
        if w & 7 != 4:
            self.raise_error(self.c_ArgumentError, "can't set instance variable")  # pragma: no cover
        o = self.objects[w >> 3]
        if o.frozen:
            self.frozen_error(w)
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
            c = self.objects[cls.attached >> 3]
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
                c.ivars[sid] = v
                return
            c = c.superclass
        if cls.tt == TT_SCLASS and cls.attached is not None and self.is_class(cls.attached):
            cls = self.objects[cls.attached >> 3]
        if cls.frozen:
            self.frozen_error(cls.word)
        cls.ivars[sid] = v

    def cv_defined(self, c: RClass, sid: int) -> bool:
        while c is not None:
            if sid in c.ivars:
                return True
            c = c.superclass
        return False

    def const_get_from(self, base: RClass, sid: int, skip: bool = False) -> int:
        """const_get of variable.c: the ancestors of base (then Object for modules)."""
        c = base.superclass if skip else base
        retry = False
        while True:
            while c is not None:
                if not c.prepended:
                    v = c.ivars.get(sid)
                    if v is not None:
                        return v
                c = c.superclass
            if not retry and base.tt == TT_MODULE:
                c = self.c_Object
                retry = True
                continue
            break
        return self.c_funcall(base.word, "const_missing", [abi.symbol_word(sid)])

    def const_get_lexical(self, frame: Frame, sid: int) -> int:
        """mrb_vm_const_get: the lexical scopes, then the ancestors."""
        proc = frame.proc
        c = proc.target_class if proc is not None else None
        if c is None:
            c = frame.target_class or self.c_Object
        v = c.ivars.get(sid)
        if v is not None:
            return v
        c2 = c
        while c2 is not None and c2.tt == TT_SCLASS:
            att = c2.attached
            if att is None or not self.is_class(att):
                c2 = None
                break
            c2 = self.objects[att >> 3]
        if c2 is not None and c2.tt in (TT_CLASS, TT_MODULE):
            c = c2
        p = proc.upper if proc is not None else None
        while p is not None:
            c3 = p.target_class
            if c3 is not None:
                v = c3.ivars.get(sid)
                if v is not None:
                    return v
            p = p.upper
        return self.const_get_from(c, sid, True)

    # ----------------------------------------------------------------- frames
    def push_frame(self, f: Frame) -> None:
        frames = self.frames
        n = len(frames)
        if n >= CALLINFO_MAX:
            self.raise_stack_error()
        if f.base + f.nregs > MRB_STACK_MAX:
            self.raise_stack_error()
        f.index = n
        frames.append(f)

    def pop_frame(self, f: Frame) -> None:
        frames = self.frames
        while frames and frames[-1] is not f:
            g = frames.pop()
            if g.env is not None:
                g.env.unshare()
        if frames:
            frames.pop()
        if f.env is not None:
            f.env.unshare()

    def sync_callinfo(self) -> int:
        """Write the live frames into the native call-info stack ``vm.ci``
        (``struct rl_callinfo``, runtime/frames.py) and ``state.ci``; return
        the number of records.  Push and pop only touch the Python list (a
        cffi write per field on every call costs more than the call), so
        code that reads ``vm.ci`` calls this first."""
        ci_arr = self.ci
        frames = self.frames
        for n, f in enumerate(frames):
            ci = ci_arr[n]
            ci.mid = f.mid
            ci.stack = f.base
            ci.n = f.n
            ci.nk = f.nk
            ci.cci = f.cci
            ci.pc = f.pc
            p = f.proc
            if p is not None:
                ci.kind = 0
                ci.proc = (p.handle << 3) | 4
            else:
                ci.kind = 1
                ci.proc = NIL
            tc = f.target_class
            ci.target_class = ((tc.handle << 3) | 4) if tc is not None else NIL
        self.state.ci = len(frames) - 1
        return len(frames)

    def raise_stack_error(self):
        # mruby raises one preallocated object (mrb->stack_err): its backtrace is
        # the one kept the first time, later overflows print it again
        if self.stack_err is None:
            self.stack_err = self.exc_new(self.c_SystemStackError, "stack level too deep")
        self.raise_exc(self.stack_err)

    def stack_top(self) -> int:
        if not self.frames:
            return 0
        f = self.frames[-1]
        return f.base + f.nregs

    def current_frame(self) -> Frame:
        return self.frames[-1]

    def irep_rt(self, irep) -> IrepRT:
        rt = self.irep_rts.get(id(irep))
        if rt is None or rt.irep is not irep:
            rt = IrepRT(self, irep)
            self.irep_rts[id(irep)] = rt
        return rt

    def env_of(self, frame: Frame) -> REnv:
        """The frame's REnv, created on first capture (closure_setup)."""
        e = frame.env
        if e is None:
            irep = frame.irep
            length = irep.nlocals if irep is not None else 1
            e = REnv(self, frame, length)
            self.alloc(e)
            p = frame.proc
            if p is not None and p.env is not None and p.env.is_detached:
                e.mid = p.env.mid       # an aliased method: blocks use the original name
            frame.env = e
        return e

    # ------------------------------------------------------------------ calls
    def collect_args(self, base: int, n: int, nk: int) -> list:
        st = self.stack
        if n == 15:
            args = list(self.objects[st[base + 1] >> 3].items)
            kidx = base + 2
        else:
            args = [st[base + 1 + i] for i in range(n)]
            kidx = base + 1 + n
        if nk:
            kw = st[kidx]
            if kw & 7 == 4:
                h = self.objects[kw >> 3]
                if type(h) is RHash and len(h.table) == 0:
                    return args
            args.append(kw)
        return args

    def call_at(self, caller: Frame, a: int, recv: int, mid: int, n: int, nk: int, blk: int,
                cls: RClass = None, is_super: bool = False) -> int:
        """Call method ``mid`` of ``recv`` whose arguments sit in the caller's
        registers R[a+1].. (kw Hash packed, block at R[a+bidx]); return the
        value.  ``cls`` is where the lookup starts (SUPER)."""
        base = caller.base + a
        if cls is None:
            if recv & 7 == 4:
                cls = self.objects[recv >> 3].cls
            elif recv & 1:
                cls = self.c_Integer
            else:
                cls = self.class_of(recv)
        r = self.mcache.get((cls, mid))
        if r is None:
            r = self.find_method(cls, mid)
        m, owner = r
        if m is None:
            m, owner, n, nk = self.prepare_missing(base, recv, mid, cls, n, nk, blk, is_super)
            mid = self.SYM_method_missing
        elif m.proc is not None and m.proc.irep is not None:
            # a Ruby method: invoke_method's first case, one call less
            try:
                v = self.run_irep(mid, m.proc, base, n, nk, owner)
            except BreakUnwind as u:
                if u.proc.upper is caller.proc and caller.proc is not None:
                    return u.value
                raise
            if v & 7 == 4:
                self.arena.append(v >> 3)   # the caller may be Python: keep the result
            if blk != NIL:
                self._orphan_check(blk)
            return v
        elif m.fast and not nk and n < 15 and blk == NIL:
            # a builtin called with positional arguments and no block: the
            # builtin path of invoke_method without its general argument work
            st = self.stack
            frame = Frame(mid, None, base, n, 0, owner)
            frame.method = m
            frame.nregs = n + 2
            return self.run_builtin(frame, m, recv,
                                    [st[base + 1 + i] for i in range(n)] if n else [], NIL)
        try:
            return self.invoke_method(base, recv, m, owner, mid, n, nk, blk)
        except BreakUnwind as u:
            if u.proc.upper is caller.proc and caller.proc is not None:
                return u.value
            raise

    def prepare_missing(self, base, recv, mid, cls, n, nk, blk, is_super):
        st = self.stack
        if n == 15:
            args = list(self.objects[st[base + 1] >> 3].items)
        else:
            args = [st[base + 1 + i] for i in range(n)]
        mm, owner = self.find_method(self.class_of(recv), self.SYM_method_missing)
        if mm is None or mm.fn is _default_method_missing:
            if is_super:
                self.raise_no_method_error(mid, self.ary_new(args),
                                           f"no superclass method '{self.syms[mid]}'")
            self.raise_no_method_error(mid, self.ary_new(args),
                                       f"undefined method '{self.syms[mid]}'")
        argv = self.ary_new([abi.symbol_word(mid)] + args)
        # vm.c prepare_missing stores the packed arguments in argv[0] before it
        # reads the keyword hash from argv[n]: with n == 0 the hash is lost and
        # the argument array takes its place
        kw = NIL
        if nk:
            kw = argv if n == 0 else st[base + 1 + (1 if n == 15 else n)]
        st[base + 1] = argv
        if nk:
            st[base + 2] = kw
            st[base + 3] = blk
        else:
            st[base + 2] = blk
        return mm, owner, 15, nk

    def invoke_method(self, base: int, recv: int, m: MethodEntry, owner: RClass, mid: int,
                      n: int, nk: int, blk: int) -> int:
        proc = m.proc
        if proc is not None and proc.irep is not None:
            v = self.run_irep(mid, proc, base, n, nk, owner)
            if v & 7 == 4:
                self.arena.append(v >> 3)   # the caller may be Python: keep the result
            if blk != NIL:
                self._orphan_check(blk)
            return v
        if m.special is not None:
            return m.special(self, base, recv, m, owner, mid, n, nk, blk)
        if not nk and n < 15:
            st = self.stack
            args = [st[base + 1 + i] for i in range(n)] if n else []
            kw = False
        else:
            args = self.collect_args(base, n, nk)
            kw = nk != 0 and len(args) > 0 and \
                args[-1] == self.stack[base + (2 if n == 15 else n + 1)]
        if proc is not None and proc.fn is not None:
            # a method defined with define_method and a builtin body (e.g. Symbol#to_proc)
            return self.call_proc_fn(proc, recv, args, blk, mid)
        if m.noframe:
            arena = self.arena
            mark = len(arena)
            self._check_arity(m, args)
            v = m.fn(self, recv, args, blk)
            if len(arena) > mark:
                del arena[mark:]
            if v & 7 == 4:
                arena.append(v >> 3)
        else:
            frame = Frame(mid, None, base, n, nk, owner)
            frame.method = m
            frame.kw = kw
            frame.nregs = bidx(n, nk) + 1
            v = self.run_builtin(frame, m, recv, args, blk)
        if blk != NIL:
            self._orphan_check(blk)
        return v

    def run_irep(self, mid: int, proc: RProc, base: int, n: int, nk: int, target_class) -> int:
        """Run Ruby code (a method body or a block) whose self and arguments
        the caller placed at ``base``: push its call-info record (push_frame's
        depth checks), run it on the engine, pop it (pop_frame)."""
        irep = proc.irep
        frame = Frame(mid, proc, base, n, nk, target_class)
        rt = proc.rt
        if rt is None:
            rt = proc.rt = self.irep_rt(irep)
        frame.rt = rt
        frame.irep = irep
        nr = irep.nregs
        b = n + 2 if nk == 0 and n < 15 else bidx(n, nk) + 1
        nr = frame.nregs = nr if nr > b else b
        frames = self.frames
        idx = len(frames)
        if idx >= CALLINFO_MAX or base + nr > MRB_STACK_MAX:
            self.raise_stack_error()
        frame.index = idx
        frames.append(frame)
        try:
            return self.engine.run(self, frame)
        finally:
            if frames and frames[-1] is frame and frame.env is None:
                frames.pop()
            else:
                self.pop_frame(frame)

    def run_builtin(self, frame: Frame, m: MethodEntry, recv: int, args: list, blk: int) -> int:
        """Run builtin ``m`` in its own call-info ``frame``: arity check, then
        the objects it allocated leave the arena and only its result stays
        (mruby's arena save/restore around a C method)."""
        self.push_frame(frame)
        arena = self.arena
        mark = len(arena)
        try:
            if m.amin > len(args) or (m.amax >= 0 and len(args) > m.amax):
                self.arity_error(m, args)
            v = m.fn(self, recv, args, blk)
        finally:
            self.pop_frame(frame)
        if len(arena) > mark:
            del arena[mark:]
        if v & 7 == 4:
            arena.append(v >> 3)
        return v

    def passed_kw(self) -> bool:
        """In a builtin: did the caller pass keyword arguments (the last element
        of ``args`` is their Hash)?  Forward them with ``funcall(..., kw=True)``."""
        return self.frames[-1].kw

    def _check_arity(self, m, args):
        if m.amin > len(args) or (m.amax >= 0 and len(args) > m.amax):
            self.arity_error(m, args)

    def _orphan_check(self, blk: int) -> None:
        if blk & 7 != 4:
            return
        p = self.objects[blk >> 3]
        if type(p) is RProc and not p.strict and p.env is not None and self.frames:
            if p.env is self.frames[-1].env:
                p.orphan = True

    def arity_error(self, m, args):
        """A builtin called with the wrong count: mrb_get_args converts the
        arguments it is given, in order, before it counts them, so a badly
        typed one raises its conversion error first (``fn.getargs``)."""
        conv = getattr(m.fn, "getargs", None)
        if conv is not None:
            conv(self, args)
        self.argc_error(len(args), m.amin, m.amax)

    def argc_error(self, given: int, amin: int, amax: int):
        if amin == amax:
            exp = f"{amin}"
        elif amax < 0:
            exp = f"{amin}+"
        else:
            exp = f"{amin}..{amax}"
        self.raise_error(self.c_ArgumentError,
                         f"wrong number of arguments (given {given}, expected {exp})")

    def place_args(self, base: int, recv: int, args, blk: int, kw: bool = False):
        """Write recv, args and block at ``base``; return (n, nk).  With ``kw``
        the last element of args is passed as the keyword Hash."""
        st = self.stack
        st[base] = recv
        nk = 0
        if kw and args and self.is_hash(args[-1]):
            kwh = args[-1]
            args = args[:-1]
            nk = 15
        argc = len(args)
        if argc >= 15:
            st[base + 1] = self.ary_new(args)
            i = base + 2
            n = 15
        else:
            for j, w in enumerate(args):
                st[base + 1 + j] = w
            i = base + 1 + argc
            n = argc
        if nk:
            st[i] = kwh
            i += 1
        st[i] = blk
        return n, nk

    def funcall(self, recv: int, name, args=(), blk: int = NIL, kw: bool = False) -> int:
        """mrb_funcall: call method ``name`` (str or symbol id) of ``recv``.
        ``kw``: the last element of args is a keyword-argument Hash."""
        mid = self.intern(name) if isinstance(name, str) else name
        base = self.stack_top()
        cls = self.class_of(recv)
        m, owner = self.find_method(cls, mid)
        if m is not None and m.proc is None and m.special is None and m.noframe is False:
            # fast path for builtins: no register traffic needed
            args = list(args)
            frame = Frame(mid, None, base, min(len(args), 15), 15 if kw else 0, owner, CINFO_SKIP)
            frame.method = m
            frame.kw = kw and bool(args) and self.is_hash(args[-1])
            frame.nregs = 3
            return self.run_builtin(frame, m, recv, args, blk)
        args = list(args)
        if base + len(args) + 4 >= MRB_STACK_MAX:
            self.raise_stack_error()
        n, nk = self.place_args(base, recv, args, blk, kw)
        if m is None:
            m, owner, n, nk = self.prepare_missing(base, recv, mid, cls, n, nk, blk, False)
            mid = self.SYM_method_missing
        return self.invoke_method(base, recv, m, owner, mid, n, nk, blk)

    def c_funcall(self, recv: int, name, args=(), blk: int = NIL, kw: bool = False) -> int:
        """funcall with mruby's C-level ``mrb_funcall`` depth check: a C function
        calling back into Ruby below more than MRB_CALL_LEVEL_MAX (512) records
        raises SystemStackError.  Use it where mruby's method is written in C
        (Class#new -> initialize, hooks, inspect of ivars...), and plain
        ``funcall`` where mruby's is mrblib Ruby (its calls are OP_SEND)."""
        if len(self.frames) - 1 > CALL_LEVEL_MAX:
            self.raise_stack_error()
        return self.funcall(recv, name, args, blk, kw)

    def call_method_entry(self, recv: int, m, owner, mid: int, args, blk: int = NIL,
                          kw: bool = False) -> int:
        """Call a given MethodEntry on recv (Method#call, UnboundMethod#bind_call)."""
        base = self.stack_top()
        n, nk = self.place_args(base, recv, list(args), blk, kw)
        return self.invoke_method(base, recv, m, owner, mid, n, nk, blk)

    def call_proc_fn(self, proc: RProc, recv: int, args, blk, mid=None, kw: bool = False) -> int:
        """Run a builtin proc's body; ``kw``: the last of args is the keyword
        Hash (the body sees it with ``vm.passed_kw()``)."""
        if mid is None:
            mid = proc.fn_mid
        frame = Frame(mid, None, self.stack_top(), min(len(args), 15), 0, None, CINFO_SKIP)
        frame.kw = kw
        frame.nregs = 3
        self.push_frame(frame)
        arena = self.arena
        mark = len(arena)
        try:
            v = proc.fn(self, recv, list(args), blk)
        finally:
            self.pop_frame(frame)
        if len(arena) > mark:
            del arena[mark:]
        if v & 7 == 4:
            arena.append(v >> 3)
        return v

    def yield_block(self, blk: int, args, self_w: int = None, target_class=None,
                    blkarg: int = NIL) -> int:
        """Call a block with block semantics (mrb_yield)."""
        if blk == NIL:
            self.raise_error(self.c_LocalJumpError, "no block given (yield)")
        p = self.objects[blk >> 3]
        if type(p) is not RProc:
            return self.funcall(blk, "call", args)
        return self.call_proc(p, args, self_w, target_class, blkarg)

    def call_proc(self, p, args, self_w: int = None, target_class=None, blkarg: int = NIL,
                  mid: int = None) -> int:
        if not isinstance(p, RProc):
            p = self.objects[p >> 3]
        if self_w is None:
            self_w = p.env.get(0) if p.env is not None else p.self_word
        if p.irep is None:
            if p.fn is not None:
                return self.call_proc_fn(p, self_w, args, blkarg, mid)
            return NIL
        frames = self.frames
        n = len(args)
        if n >= 15 or not frames:
            base = self.stack_top()
            n, nk = self.place_args(base, self_w, args, blkarg)
            return self.run_proc_at(p, base, n, nk, target_class, mid)
        # positional arguments: place_args and run_proc_at inline
        top = frames[-1]
        base = top.base + top.nregs
        st = self.stack
        st[base] = self_w
        i = base + 1
        for w in args:
            st[i] = w
            i += 1
        st[i] = blkarg
        env = p.env
        if mid is None:
            mid = env.mid if env is not None else top.mid
        if target_class is None:
            target_class = env.target_class if env is not None else p._target_class
        return self.run_irep(mid, p, base, n, 0, target_class)

    def run_proc_at(self, p: RProc, base: int, n: int, nk: int, target_class=None,
                    mid: int = None) -> int:
        """Run a block/lambda whose self and arguments are already at ``base``."""
        if mid is None:
            mid = p.env.mid if p.env is not None else (self.frames[-1].mid if self.frames else 0)
        tc = target_class if target_class is not None else p.target_class
        return self.run_irep(mid, p, base, n, nk, tc)

    def exec_irep(self, irep, self_w: int, target_class: RClass, upper=None, base=None,
                  mid: int = 0) -> int:
        """Run a class body or the top level (OP_EXEC, mrb_top_run)."""
        p = RProc(self.c_Proc, irep)
        p.upper = upper
        p.scope = True
        p._target_class = target_class
        self.alloc(p)
        if base is None:
            base = self.stack_top()
        frame = Frame(mid, p, base, 0, 0, target_class)
        frame.rt = p.rt = self.irep_rt(irep)
        frame.irep = irep
        frame.nregs = max(irep.nregs, 1)
        st = self.stack
        st[base] = self_w
        for i in range(1, frame.nregs):
            st[base + i] = NIL
        self.push_frame(frame)
        try:
            return self.engine.run(self, frame)
        finally:
            self.pop_frame(frame)

    # -------------------------------------------------------- catch handlers
    def find_handler(self, frame: Frame, filt: int):
        """catch_handler_find: the innermost handler of frame's irep covering
        frame.pc (begin < pc <= end), of a type allowed by ``filt``."""
        rt = frame.rt
        if rt is None:
            return None
        hs = rt.handlers
        if not hs:
            return None
        pc = frame.pc
        for h in reversed(hs):
            if (1 << h.type) & filt and h.begin < pc <= h.end:
                return h
        return None

    def break_word(self, u: Unwind) -> int:
        return self.alloc(RBreak(u))

    # ----------------------------------------------------------------- raising
    def exc_new(self, cls, msg) -> int:
        if isinstance(cls, str):
            cls = self.cls(cls)
        e = RException(cls)
        w = self.alloc(e)
        e.ivars = {self.SYM_mesg: self.str_new(msg) if msg is not None else NIL}
        return w

    def raise_error(self, cls, msg):
        """Raise a new exception of class ``cls`` (RClass or name)."""
        self.raise_exc(self.exc_new(cls, msg))

    def raise_exc(self, w: int):
        self.keep_backtrace(w)
        raise RubyError(w)

    def raise_name_error(self, msg: str, sid: int):
        w = self.exc_new(self.c_NameError, msg)
        self.objects[w >> 3].ivars[self.intern("@name")] = abi.symbol_word(sid)
        self.raise_exc(w)

    def raise_no_method_error(self, sid: int, args: int, msg: str):
        w = self.exc_new(self.c_NoMethodError, msg)
        iv = self.objects[w >> 3].ivars
        iv[self.intern("@name")] = abi.symbol_word(sid)
        iv[self.intern("@args")] = args
        self.raise_exc(w)

    def frozen_error(self, w: int):
        # mrb_frozen_error's %t: the class of w, a singleton class included
        self.raise_error(self.c_FrozenError,
                         f"can't modify frozen {self.class_name(self.class_of(w))}")

    def check_frozen(self, w: int) -> None:
        if w & 7 != 4:
            self.frozen_error(w)
        if self.objects[w >> 3].frozen:
            self.frozen_error(w)

    def is_frozen(self, w: int) -> bool:
        if w & 7 != 4:
            return True
        return self.objects[w >> 3].frozen

    def keep_backtrace(self, w: int) -> None:
        if w & 7 != 4:
            return
        o = self.objects[w >> 3]
        if o.ivars is None:
            o.ivars = {}
        if self.SYM_backtrace in o.ivars or o.frozen:
            return
        o.ivars[self.SYM_backtrace] = self.alloc(RData(self.c_Object, self.backtrace_locations()))

    def backtrace_locations(self, skip: int = 0) -> list:
        """each_backtrace of backtrace.c: (filename, lineno, mid) innermost first."""
        out = []
        frames = self.frames
        for i in range(len(frames) - 1 - skip, -1, -1):
            f = frames[i]
            irep = None
            idx = 0
            if f.irep is None:
                if not f.mid:
                    continue
                lineno = -1
            else:
                irep = f.irep
                if f.pc <= 0:
                    continue
                idx = f.pc - 1
                lineno = _line_of(irep, idx)
            if lineno == -1:
                for j in range(i - 1, -1, -1):
                    g = frames[j]
                    if g.irep is None:
                        continue
                    if g.pc <= 0:
                        continue
                    irep = g.irep
                    idx = g.pc - 1
                    lineno = _line_of(irep, idx)
                    if lineno > 0:
                        break
            fname = _file_of(irep, idx) if irep is not None else None
            out.append((fname or "(unknown)", lineno, f.mid))
        return out

    def backtrace_strings(self, locs) -> list:
        out = []
        for fname, lineno, mid in locs:
            s = f"{fname}:{lineno}" if lineno != -1 else f"{fname}:0"
            if mid:
                s += f":in {self.syms[mid]}"
            out.append(s)
        return out

    def exc_backtrace(self, w: int) -> int:
        """Exception#backtrace: unpack the kept locations into an Array of Strings."""
        o = self.objects[w >> 3]
        bt = (o.ivars or {}).get(self.SYM_backtrace, NIL)
        if bt == NIL or self.is_ary(bt):
            return bt
        d = self.objects[bt >> 3]
        if type(d) is RData and isinstance(d.data, list):
            arr = self.ary_new([self.str_new(s) for s in self.backtrace_strings(d.data)])
            o.ivars[self.SYM_backtrace] = arr
            return arr
        return NIL

    # ------------------------------------------------------------ conversions
    def inspect(self, w: int) -> bytes:
        return self.str_bytes_of(self.funcall(w, "inspect"))

    def to_s(self, w: int) -> bytes:
        if w & 7 == 4 and type(self.objects[w >> 3]) is RString:
            return bytes(self.objects[w >> 3].value)
        return self.str_bytes_of(self.funcall(w, "to_s"))

    def str_bytes_of(self, w: int) -> bytes:
        if w & 7 == 4 and type(self.objects[w >> 3]) is RString:
            return bytes(self.objects[w >> 3].value)
        return self.any_to_s_str(w).encode()

    def obj_as_string(self, w: int) -> int:
        """mrb_obj_as_string: Symbols, Integers and modules converted
        directly (their to_s is not called), else w.to_s (TypeError when w
        has no to_s), or the default #<Foo> if to_s is not a String."""
        if self.is_str(w):
            return w
        if w & 0xFF == abi.SYMBOL_TAG:
            return self.str_new(self.sym_bytes(w >> 8))
        if self.is_int(w):
            return self.str_new(str(self.int_value(w)))
        if self.is_class(w):
            return self.str_new(self.class_name(self.objects[w >> 3]))
        if not self.respond_to(w, self.SYM_to_s):
            self.raise_error(self.c_TypeError,
                             f"can't convert {self.type_name_for_error(w)} into String")
        s = self.c_funcall(w, self.SYM_to_s)
        if not self.is_str(s):
            return self.str_new(self.any_to_s_str(w))
        return s

    def equal(self, a: int, b: int) -> bool:
        if a == b:
            return True
        if (a & 1) and (b & 1):
            return False
        return abi.truthy(self.funcall(a, "==", [b]))

    def eql(self, a: int, b: int) -> bool:
        if a == b:
            return True
        return abi.truthy(self.funcall(a, "eql?", [b]))

    def hash_of(self, w: int) -> int:
        h = self.funcall(w, "hash")
        if self.is_int(h):
            return self.int_value(h)
        return w

    def hash_key(self, w: int):
        """A Python dict key for w with Ruby's eql?/hash semantics."""
        if w & 7 != 4:
            if w & 3 == 2:
                return ("f", abi.flonum_value(w))
            return w
        o = self.objects[w >> 3]
        t = type(o)
        if t is RString:
            return ("s", bytes(o.value))
        if t is RInteger:
            return w if False else ("i", o.value)
        if t is RFloat:
            return ("f", o.value)
        if t is RObject or t is RClass or t is RProc:
            m, _ = self.find_method(o.cls, self.SYM_hash)
            if m is not None and m.fn is not None and getattr(m.fn, "identity_hash", False):
                return w
        from .objects import HKey
        return HKey(self, w)

    def cmp(self, a: int, b: int):
        r = self.funcall(a, "<=>", [b])
        if r == NIL:
            return None
        return self.int_value(r) if self.is_int(r) else None

    # ---------------------------------------------------------------- output
    def write_out(self, b: bytes) -> None:
        self.out.write(b)

    def flush(self) -> None:
        try:
            self.out.flush()
        except Exception:   # pragma: no cover
            pass

    # ------------------------------------------------------------------ boot
    def _boot(self) -> None:
        S = self.intern
        self.SYM_method_missing = S("method_missing")
        self.SYM_mesg = S("mesg")
        self.SYM_backtrace = S("backtrace")
        self.SYM_initialize = S("initialize")
        self.SYM_hash = S("hash")
        self.SYM_call = S("call")
        self.SYM_to_proc = S("to_proc")
        self.SYM_inspect = S("inspect")
        self.SYM_to_s = S("to_s")
        self.SYM_eq = S("==")
        self.SYM_aref = S("[]")
        self.SYM_aset = S("[]=")
        self.SYM_plus = S("+")
        self.SYM_minus = S("-")
        self.SYM_mul = S("*")
        self.SYM_div = S("/")
        self.SYM_lt = S("<")
        self.SYM_le = S("<=")
        self.SYM_gt = S(">")
        self.SYM_ge = S(">=")
        self.SYM_method_added = S("method_added")
        self.SYM_singleton_method_added = S("singleton_method_added")
        self.SYM_inherited = S("inherited")

        # the four classes that refer to each other: BasicObject, Object, Module, Class
        bo = RClass(TT_CLASS, None, None, "BasicObject")
        ob = RClass(TT_CLASS, bo, None, "Object")
        mo = RClass(TT_CLASS, ob, None, "Module")
        cl = RClass(TT_CLASS, mo, None, "Class")
        for c in (bo, ob, mo, cl):
            c.instance_type = RObject
            self.alloc(c)
        mo.instance_type = RClass
        cl.instance_type = RClass
        self.c_BasicObject, self.c_Object, self.c_Module, self.c_Class = bo, ob, mo, cl
        prev = None
        for c in (bo, ob, mo, cl):
            meta = RClass(TT_SCLASS, prev.cls if prev is not None else cl, cl)
            meta.attached = c.word
            meta.instance_type = RClass
            self.alloc(meta)
            self.set_class(c, meta)
            prev = c
        for c in (bo, ob, mo, cl):
            ob.ivars[S(c.name)] = c.word

        self.c_Kernel = self.define_module("Kernel")
        self.include_module(ob, self.c_Kernel)
        self.c_Comparable = self.define_module("Comparable")
        self.c_Enumerable = self.define_module("Enumerable")

        def klass(name, sup=None, itype=None):
            c = self.define_class(name, sup or ob)
            if itype is not None:
                c.instance_type = itype
            setattr(self, "c_" + name, c)
            return c

        klass("NilClass")
        klass("TrueClass")
        klass("FalseClass")
        num = klass("Numeric")
        self.include_module(num, self.c_Comparable)
        klass("Integer", num, RInteger)
        klass("Float", num, RFloat)
        klass("Symbol")
        s = klass("String", None, RString)
        self.include_module(s, self.c_Comparable)
        a = klass("Array", None, RArray)
        self.include_module(a, self.c_Enumerable)
        h = klass("Hash", None, RHash)
        self.include_module(h, self.c_Enumerable)
        r = klass("Range", None, RRange)
        self.include_module(r, self.c_Enumerable)
        klass("Proc", None, RProc)
        exc = klass("Exception", None, RException)
        klass("ScriptError", exc)
        klass("NotImplementedError", self.c_ScriptError)
        klass("SyntaxError", self.c_ScriptError)
        klass("NoMemoryError", exc)
        klass("SecurityError", exc)
        klass("SystemStackError", exc)
        se = klass("StandardError", exc)
        klass("RuntimeError", se)
        klass("FrozenError", self.c_RuntimeError)
        klass("ArgumentError", se)
        klass("LocalJumpError", se)
        klass("TypeError", se)
        klass("NameError", se)
        klass("NoMethodError", self.c_NameError)
        klass("IndexError", se)
        klass("KeyError", self.c_IndexError)
        klass("StopIteration", self.c_IndexError)
        klass("RangeError", se)
        klass("FloatDomainError", self.c_RangeError)
        klass("ZeroDivisionError", se)
        klass("FiberError", se)
        klass("RegexpError", se)
        klass("IOError", se)
        klass("EOFError", self.c_IOError)
        klass("NotImplementedError", self.c_ScriptError)
        self.top_self = self.alloc(RObject(ob))
        self.c_Proc_call = None

        from .core import boot_core
        boot_core(self)

    # ------------------------------------------------- helpers for the opcodes
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

    def hash_default(self, h: int, key: int) -> int:
        from .core.hash import missing_value
        return missing_value(self, h, key)

    def hash_dup(self, h: int) -> int:
        o = self.objects[h >> 3]
        w = self.hash_new()
        n = self.objects[w >> 3]
        n.table = o.table_copy()
        return w

    def convert_to_proc(self, w: int) -> int:
        """mrb_type_convert(..., MRB_TT_PROC, to_proc) for a &block argument."""
        if not self.respond_to(w, self.SYM_to_proc):
            self.raise_error(self.c_TypeError, f"can't convert {self.type_name_for_error(w)} "
                             "into Proc")
        p = self.funcall(w, self.SYM_to_proc)
        if not self.is_proc(p):
            c = self.class_name(self.real_class(w))
            self.raise_error(self.c_TypeError, f"can't convert {c} to Proc ({c}#to_proc gives "
                             f"{self.class_name(self.real_class(p))})")
        return p

    def range_checked(self, a: int, b: int, excl: bool) -> int:
        """mrb_range_new with range.c's range_check."""
        if not ((self.is_int(a) or self.is_float(a)) and (self.is_int(b) or self.is_float(b))):
            if a != NIL and b != NIL:
                ok = True
                if self.is_str(a) and self.is_str(b):
                    pass
                else:
                    r = self.funcall(a, "<=>", [b])
                    ok = r != NIL
                if not ok:
                    self.raise_error(self.c_ArgumentError, "bad value for range")
        return self.range_new(a, b, excl)

    def obj_eq(self, a: int, b: int) -> bool:
        """mrb_obj_eq: same object, or numbers of the same type and value."""
        if a == b:
            return True
        if a & 7 == 4 and b & 7 == 4:
            oa = self.objects[a >> 3]
            ob = self.objects[b >> 3]
            ta = type(oa)
            if ta is type(ob) and (ta is RInteger or ta is RFloat):
                return oa.value == ob.value
            return False
        if self.is_float(a) and self.is_float(b):
            return self.float_value(a) == self.float_value(b)
        return False

    def object_id(self, w: int) -> int:
        """mrb_obj_id (word boxing): the word as a signed 64-bit integer; a
        boxed Integer's value; a Float's 3.1.0 inline word, the IEEE bits
        with the low two replaced by 2 (-0.0 as 0.0).  Kernel#object_id
        then keeps 63 bits of it (mrb_fixnum_value)."""
        if w & 7 == 4:
            o = self.objects[w >> 3]
            t = type(o)
            if t is RInteger:
                return o.value
            if t is not RFloat:
                return o.handle * 8 + 4
            x = o.value
        elif w & 3 == 2:
            x = flonum_value(w)
        elif w & 1:
            return w - (1 << 64) if w >> 63 else w
        elif w & 0xFF == abi.SYMBOL_TAG:
            # word boxing: the symbol id mruby gives the name, shifted, tag 0x1c
            return (self.mruby_symbol_ids().id_of(self.syms[w >> 8]) << 32) | 0x1C
        else:
            # mruby's words for nil, false and true
            return _SPECIAL_IDS.get(w, w)
        bits = struct.unpack("<q", struct.pack("<d", x + 0.0))[0]
        return (bits & ~3) | 2

    def alloc_exception(self, cls: RClass, mesg: int) -> int:
        e = RException(cls)
        w = self.alloc(e)
        e.ivars = {self.SYM_mesg: mesg}
        return w

    def set_backtrace(self, e: int, bt: int) -> None:
        ok = self.is_ary(bt) and all(self.is_str(x) for x in self.objects[bt >> 3].items)
        if not ok:
            self.raise_error(self.c_TypeError, "backtrace must be Array of String")
        o = self.objects[e >> 3]
        if o.ivars is None:
            o.ivars = {}
        o.ivars[self.SYM_backtrace] = bt

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

    def eval_under(self, self_w: int, blk: int, cls: RClass, args) -> int:
        """mrb_yield_with_class: run a block with another self and target
        class (Class.new/Module.new/Struct.new blocks), in a frame named
        after the running method (core/kernel.py's _eval_in_place runs
        instance_eval's block in place of its method instead)."""
        p = self.objects[blk >> 3]
        mid = self.frames[-1].mid if self.frames else 0
        return self.call_proc(p, list(args), self_w, cls, NIL, mid)

    def funcall_from(self, frame, recv, name, args=(), blk=NIL) -> int:
        return self.funcall(recv, name, args, blk)

    def inspect_guard_enter(self, w: int) -> bool:
        """True when w is already being inspected (recursive Array/Hash)."""
        g = self._inspecting
        if w in g:
            return True
        g.add(w)
        return False

    def inspect_guard_leave(self, w: int) -> None:
        self._inspecting.discard(w)

    def make_builtin_proc(self, fn, strict: bool = False, mid=None) -> int:
        """A Proc whose body is the Python function fn(vm, self, args, blk).

        When called it runs in a call-info record named ``mid`` (default: the
        method running now), so a builtin that passes such a block to ``each``
        shows in backtraces as mruby's mrblib methods do (``in select``)."""
        p = RProc(self.c_Proc, None, fn)
        p.strict = strict
        if mid is None:
            mid = self.frames[-1].mid if self.frames else 0
        elif isinstance(mid, str):
            mid = self.intern(mid)
        p.fn_mid = mid
        return self.alloc(p)

    def proc_arity(self, p: RProc) -> int:
        """mrb_proc_arity (proc.c)."""
        if p.arity_override is not None:
            return p.arity_override
        if p.irep is None:
            return -1 if p.fn is not None else 0
        ins = p.irep.instructions
        if not ins or ins[0].name != "ENTER":
            return 0
        a = ins[0].a
        req = (a >> 18) & 0x1F
        opt = (a >> 13) & 0x1F
        rest = (a >> 12) & 1
        post = (a >> 7) & 0x1F
        if rest or (p.strict and opt):
            return -(req + post + 1)
        return req + post

    def setup_program(self, filename: str) -> None:
        self.globals[self.intern("$0")] = self.str_new(filename)
        self.globals[self.intern("$DEBUG")] = FALSE
        self.define_const(self.c_Object, "ARGV", self.ary_new())

    # ---------------------------------------------------------------- running
    def run_main(self, rite) -> int:
        """Run the top-level irep of a loaded file; return its value word."""
        self.script_name = rite.filename
        from .symorder import MrubySymbolIds
        self.mruby_syms = MrubySymbolIds()
        self.mruby_syms.load_file(rite)
        return self.exec_irep(rite.irep, self.top_self, self.c_Object, upper=None, base=0)


def _line_of(irep, idx: int) -> int:
    d = irep.debug
    if d is None:
        return -1
    fname, line = d.location(idx)
    if line is None:
        return -1
    return line


def _file_of(irep, idx: int):
    d = irep.debug
    if d is None:
        return None
    fname, line = d.location(idx)
    return fname


def _default_method_missing(vm, self, args, blk):
    # mrb_obj_missing clears its own call-info's mid: no frame in the backtrace
    if vm.frames and vm.frames[-1].method is not None and vm.frames[-1].method.fn is \
            _default_method_missing:
        vm.frames[-1].mid = 0
    sid = args[0] >> 8 if args and vm.is_sym(args[0]) else 0
    vm.raise_no_method_error(sid, vm.ary_new(args[1:]), f"undefined method '{vm.syms[sid]}'")


_default_method_missing.identity = True
