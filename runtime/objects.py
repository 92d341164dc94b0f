"""The Ruby object model: one Python class per kind of heap object.

These are plain data holders, named after mruby's structs (``RObject``,
``RClass``, ``RString``...).  Every heap object has a ``handle`` (its index in
the VM's object table; its word is ``abi.object_word(handle)``), a ``cls``
(its class, singleton class included) and a ``frozen`` flag.  Instance
variables live in ``ivars`` (symbol id -> word), created on first use.

Classes keep constants, class variables and class-level instance variables
in their ``ivars`` table as mruby does (the name tells them apart: ``Foo``,
``@@foo``, ``@foo``).  Behaviour (method lookup, calls) lives in
``runtime/vm.py``; nothing here runs Ruby code, except ``RHash`` which asks
the VM for ``eql?``/``hash`` of keys that are not simple values.
"""

from __future__ import annotations

from . import abi, shapes
from .cdecls import ffi
from .frames import bidx
from .natarray import ItemList, items_list

# Class kinds (mruby's MRB_TT_CLASS / MODULE / SCLASS / ICLASS).
TT_CLASS = "class"
TT_MODULE = "module"
TT_SCLASS = "sclass"
TT_ICLASS = "iclass"


class RBasic:
    __slots__ = ("handle", "cls", "frozen", "ivars", "__weakref__")

    def __init__(self, cls=None):
        self.handle = 0
        self.cls = cls
        self.frozen = False
        self.ivars = None

    @property
    def word(self) -> int:
        return (self.handle << abi.OBJECT_SHIFT) | abi.OBJECT_TAG


class RObject(RBasic):
    """A plain object: its instance variables live in a native block laid
    out by its shape (``runtime/shapes.py``), which generated code reads;
    ``ivars`` is a dict-like view of it and ``frozen`` also closes the block
    to native writes."""

    __slots__ = ("_blk", "_cap", "_space", "_frz")

    def __init__(self, cls=None):
        self.handle = 0
        self.cls = cls
        self._frz = False
        self._blk = None
        self._cap = 0
        self._space = None

    @property
    def ivars(self):
        return shapes.IvarView(self)

    @ivars.setter
    def ivars(self, d) -> None:
        shapes.iv_replace(self, () if d is None else list(d.items()))

    @property
    def frozen(self) -> bool:
        return self._frz

    @frozen.setter
    def frozen(self, v) -> None:
        shapes.set_frozen(self, bool(v))


class RException(RObject):
    """An exception: message in ivar ``mesg``, backtrace in ivar ``backtrace``."""
    __slots__ = ()


class MethodEntry:
    """One method table entry (mrb_method_t).

    ``proc`` is the RProc of a Ruby-level method; ``fn`` a builtin
    ``fn(vm, self, args, blk)``; ``special`` names methods the VM runs itself
    (``"call"`` for Proc#call, which replaces the call frame as OP_CALL does).
    ``owner`` is the class or module whose table holds the entry.
    ``variant`` (a builtin's, under the native engine): ``variant(vm, cls)``
    is a Ruby RProc to run in its place for receivers of ``cls``, or None
    (runtime/prelude/__init__.py).
    ``alias_mid`` (mruby 4.0's MRB_PROC_ALIAS): the original name of an
    aliased Ruby-level method, the name its call-info records get; 0 else.
    """

    __slots__ = ("name", "proc", "fn", "arity", "visibility", "owner", "special",
                 "noframe", "amin", "amax", "fast", "variant", "alias_mid")

    def __init__(self, name, proc=None, fn=None, arity=-1, visibility="public",
                 owner=None, special=None, noframe=False):
        self.name = name
        self.proc = proc
        self.fn = fn
        self.arity = arity
        self.visibility = visibility
        self.owner = owner
        self.special = special
        self.noframe = noframe
        self.variant = None
        self.alias_mid = 0
        if isinstance(arity, tuple):
            self.amin, self.amax = arity
        elif arity < 0:
            self.amin, self.amax = 0, -1
        else:
            self.amin = self.amax = arity
        self.refresh()

    def refresh(self) -> None:
        # a plain builtin: call_at runs it through its inline path
        self.fast = self.fn is not None and self.proc is None and self.special is None \
            and not self.noframe

    def proc_for(self, vm, cls):
        """The Ruby RProc to run for a receiver of ``cls``: the method's own,
        or the prelude's variant of a builtin (``variant``); None for a
        builtin that has none."""
        return self.proc if self.variant is None else self.variant(vm, cls)

    def copy(self, **kw):
        m = MethodEntry(self.name, self.proc, self.fn, self.arity, self.visibility,
                        self.owner, self.special, self.noframe)
        m.alias_mid = self.alias_mid
        for k, v in kw.items():
            setattr(m, k, v)
        m.refresh()
        return m


# Bumped by every change to a class's table of constants (and variables):
# the GETCONST inline caches of generated code hold while it stays put
# (rl_ctx.const_serial).  One for the process, as shape ids are.
CONST_SERIAL = ffi.new("uint64_t[1]")


class ConstTable(dict):
    """A class's constants, class variables and class-level ivars
    (``RClass.ivars``): every change through the dict interface bumps
    ``CONST_SERIAL``; ``set_var`` stores a variable (an ``@`` name, never a
    constant) without the bump, so a class variable counting in a loop does
    not empty every constant cache."""

    __slots__ = ()

    def set_var(self, sid, w) -> None:
        dict.__setitem__(self, sid, w)

    def __setitem__(self, sid, w) -> None:
        dict.__setitem__(self, sid, w)
        CONST_SERIAL[0] += 1

    def __delitem__(self, sid) -> None:
        dict.__delitem__(self, sid)
        CONST_SERIAL[0] += 1

    def pop(self, *args):
        CONST_SERIAL[0] += 1
        return dict.pop(self, *args)

    def popitem(self):
        CONST_SERIAL[0] += 1
        return dict.popitem(self)

    def setdefault(self, sid, w=None):
        CONST_SERIAL[0] += 1
        return dict.setdefault(self, sid, w)

    def update(self, *args, **kw) -> None:
        CONST_SERIAL[0] += 1
        dict.update(self, *args, **kw)

    def clear(self) -> None:
        CONST_SERIAL[0] += 1
        dict.clear(self)


class RClass(RBasic):
    """A class, module, singleton class or include-class (iclass).

    ``superclass`` is mruby's ``super`` pointer: the next entry of the
    ancestor chain, iclasses included.  An iclass stands for a module in a
    chain and shares that module's method table (``mt``) and ``ivars``.
    A class with prepended modules has an ``origin`` iclass holding its own
    methods, placed after the prepended modules.
    """

    __slots__ = ("name", "superclass", "mt", "tt", "attached", "outer", "module",
                 "origin", "instance_type", "prepended", "serial", "iv_cap", "_consts")

    def __init__(self, tt=TT_CLASS, superclass=None, cls=None, name=None):
        super().__init__(cls)
        self.tt = tt
        self.name = name            # the constant name (str), None when anonymous
        self.superclass = superclass
        self.mt = {}                # symbol id -> MethodEntry, or None for an undef
        self.ivars = {}
        self.attached = None        # for a singleton class: the word it is attached to
        self.outer = None           # the class or module the name was defined under
        self.module = None          # for an iclass: the module it includes
        self.origin = self      # where the class's own methods live (prepend)
        self.instance_type = None   # Python class of instances (inherited)
        self.prepended = False
        self.serial = 0
        self.iv_cap = 0             # slots its instances' ivar blocks start with (shapes.py)

    @property
    def ivars(self) -> ConstTable:
        return self._consts

    @ivars.setter
    def ivars(self, d) -> None:
        self._consts = d if type(d) is ConstTable else ConstTable(d or ())
        CONST_SERIAL[0] += 1

    @property
    def is_module(self) -> bool:
        return self.tt == TT_MODULE

    @property
    def is_singleton(self) -> bool:
        return self.tt == TT_SCLASS

    def real(self):
        """The class itself, or for an iclass the module it stands for."""
        return self.module if self.tt == TT_ICLASS else self

    def __repr__(self):
        return f"<RClass {self.tt} {self.name}>"


class RString(RBasic):
    __slots__ = ("value",)

    def __init__(self, cls, value=b""):
        super().__init__(cls)
        self.value = bytearray(value)


class RArray(RBasic):
    """An Array: ``items`` is an ItemList (runtime/natarray.py), a list that
    keeps a native copy of its words once generated code has read it;
    assigning a list makes it the array's ItemList.  ``frozen`` also closes
    the copy to native appends."""

    __slots__ = ("_items", "_frz")

    def __init__(self, cls, items=None):
        self._frz = False
        super().__init__(cls)
        self._items = ItemList() if items is None else items_list(items)

    @property
    def items(self) -> ItemList:
        return self._items

    @items.setter
    def items(self, items) -> None:
        self._items.release()
        self._items = items_list(items)
        self._items.set_frozen(self._frz)

    @property
    def frozen(self) -> bool:
        return self._frz

    @frozen.setter
    def frozen(self, v) -> None:
        # generated code appends to the block only while it is not frozen
        self._frz = bool(v)
        items = getattr(self, "_items", None)
        if items is not None:
            items.set_frozen(self._frz)


class HKey:
    """A Hash key compared with Ruby ``eql?`` and ``hash``."""

    __slots__ = ("vm", "word", "h", "fresh")

    def __init__(self, vm, word: int):
        self.vm = vm
        self.word = word
        self.h = vm.hash_of(word)
        self.fresh = False      # being inserted after a failed search: no eql? calls

    def __hash__(self):
        return self.h

    def __eq__(self, other):
        # CPython's dict lookup compares ``stored == probe``; mruby calls
        # ``probe.eql?(stored)``, so the receiver is ``other`` here.
        if not isinstance(other, HKey):
            return False
        if self.word == other.word or other.fresh:
            return self.word == other.word
        return self.vm.eql(other.word, self.word)


class RHash(RBasic):
    """An insertion-ordered hash; keys compare with ``eql?``/``hash``.

    ``table`` maps an internal key (see ``VM.hash_key``) to a ``[key_word,
    value_word]`` pair.
    """

    __slots__ = ("table", "default", "default_proc")

    def __init__(self, cls):
        super().__init__(cls)
        self.table = {}
        self.default = abi.NIL
        self.default_proc = abi.NIL

    def __len__(self):
        return len(self.table)

    def get(self, vm, key: int):
        e = self.table.get(vm.hash_key(key))
        return None if e is None else e[1]

    def has(self, vm, key: int) -> bool:
        return vm.hash_key(key) in self.table

    def set(self, vm, key: int, value: int) -> None:
        hk = vm.hash_key(key)
        e = self.table.get(hk)
        if e is not None:
            e[1] = value
            return
        if vm.is_str(key) and not vm.obj(key).frozen:
            key = vm.str_dup(key)
            vm.obj(key).frozen = True
        self.table[hk] = [key, value]

    def delete(self, vm, key: int):
        e = self.table.pop(vm.hash_key(key), None)
        return None if e is None else e[1]

    def keys(self):
        return [e[0] for e in self.table.values()]

    def values(self):
        return [e[1] for e in self.table.values()]

    def items(self):
        return [(e[0], e[1]) for e in self.table.values()]

    def clear(self):
        self.table.clear()

    def table_copy(self) -> dict:
        """A copy of ``table`` with fresh entries.  dict.copy() keeps the
        slots, so no key's Ruby ``eql?``/``hash`` runs (a Ruby method could
        change the table while it is being read)."""
        t = self.table.copy()
        for hk, e in list(t.items()):
            t[hk] = [e[0], e[1]]
        return t


class RRange(RBasic):
    __slots__ = ("first", "last", "excl")

    def __init__(self, cls, first, last, excl):
        super().__init__(cls)
        self.first = first
        self.last = last
        self.excl = excl


class REnv(RBasic):
    """The local variables of a frame captured by a closure (struct REnv).

    While the frame runs, the variables live in the register stack at
    ``base`` (``values`` is None); when the frame ends they are copied out
    (``mrb_env_unshare``).  ``stack`` is the register stack of the frame's
    context (runtime/context.py), which need not be the running one: a
    block made at the top level and called in a Fiber reads the top level's
    registers.

    ``cell`` (made by ``vm.env_cell`` when generated code first needs it)
    is native: the address of the registers, on the stack or, once
    unshared, in ``buf`` (then ``values`` *is* ``buf``), which native
    GETUPVAR/SETUPVAR read; generated code may unshare the env itself
    (rl_callinfo.env), which runtime/natlogs.py then tells this object.
"""

    __slots__ = ("vm", "stack", "base", "length", "values", "mid", "target_class", "frame",
                 "bidx", "is_detached", "cell", "cell_addr", "buf", "pooled_buf", "vis")

    def __init__(self, vm, frame, length):
        super().__init__(None)
        self.vm = vm
        self.stack = vm.stack       # env_of makes envs for frames of the running context
        self.frame = frame
        self.base = frame.base
        self.length = length
        self.values = None
        self.mid = frame.mid
        self.target_class = frame.target_class
        # mrb_env_new: where the frame's block argument sits (block_given? in blocks)
        self.bidx = bidx(frame.n, frame.nk)
        self.is_detached = False
        self.cell = None            # native: the address of its registers (heap.env_cell)
        self.buf = None
        self.pooled_buf = False     # buf is a closure pool's (heap.fill_closure_pools)
        self.vis = None             # the frame's ``private``/``protected`` once it returned

    @classmethod
    def from_record(cls, vm, rec, proc):
        """The env of a frame generated code runs and Python has no Frame of
        (runtime/native.py): what ``__init__`` takes from the frame, from its
        call-info record ``rec`` and its proc."""
        e = cls.pooled(vm, proc.irep.nlocals)
        tc = rec.target_class
        e.place(vm, rec.stack, rec.n, rec.nk, rec.mid,
                vm.objects[tc >> abi.OBJECT_SHIFT]
                if tc and tc & abi.OBJECT_MASK == abi.OBJECT_TAG else None, proc)
        return e

    @classmethod
    def pooled(cls, vm, length: int):
        """A blank env of ``length`` registers, for ``from_record`` and for
        an env generated code made (natlogs.closure_object, which gives it
        the cell and buffer of the closure pool); ``place`` gives it the
        rest."""
        e = cls.__new__(cls)
        RBasic.__init__(e, None)
        e.vm = vm
        e.stack = vm.stack
        e.frame = None
        e.base = 0
        e.length = length
        e.values = None
        e.mid = 0
        e.target_class = None
        e.bidx = 0
        e.is_detached = False
        e.cell = None
        e.buf = None
        e.pooled_buf = False
        e.vis = None
        return e

    def place(self, vm, base: int, n: int, nk: int, mid: int, target_class, proc) -> None:
        """Make a blank env that of the frame running ``proc`` at register
        ``base`` of the running context, called with ``n``/``nk`` arguments
        as ``mid`` (an aliased method's blocks keep its original name, as
        ``env_of`` gives them)."""
        self.stack = vm.stack
        self.base = base
        pe = proc.env
        self.mid = pe.mid if pe is not None and vm.env_names_blocks(pe) else mid
        self.target_class = target_class
        self.bidx = bidx(n, nk)
        env_named(self)

    @classmethod
    def detached(cls, vm, mid, target_class):
        """An env belonging to no frame (mruby's ``cxt == NULL`` env that
        mrb_alias_method gives a method's proc to remember its name)."""
        e = cls.__new__(cls)
        RBasic.__init__(e, None)
        e.vm = vm
        e.stack = None
        e.frame = None
        e.base = 0
        e.length = 0
        e.values = []
        e.mid = mid
        e.target_class = target_class
        e.bidx = 0
        e.is_detached = True
        e.cell = None
        e.buf = None
        e.pooled_buf = False
        e.vis = None
        vm.alloc(e)
        return e

    @property
    def on_stack(self) -> bool:
        return self.values is None

    def get(self, i: int) -> int:
        if self.values is None:
            return self.stack[self.base + i]
        return self.values[i]

    def set(self, i: int, w: int) -> None:
        if self.values is None:
            self.stack[self.base + i] = w
        else:
            self.values[i] = w

    def unshare(self) -> None:
        if self.values is None:
            st = self.stack
            b = self.base
            if self.cell is None:
                self.values = [st[b + i] for i in range(self.length)]
            else:                   # into the buffer generated code reads from now on
                buf = self.values = self.buf
                ffi.memmove(buf, st + b, 8 * self.length)
                self.cell[0] = self.cell[1]
            self.vis = getattr(self.frame, "vis", None)
            self.frame = None
            self.stack = None

    def unshared_natively(self) -> None:
        """Generated code copied the registers into ``buf`` (natlogs.py)."""
        if self.values is None:
            self.values = self.buf
            self.vis = getattr(self.frame, "vis", None)
            self.frame = None
            self.stack = None


def env_named(env) -> None:
    """Copy ``env``'s target class and method name into its native cell
    (abi.ENV_TC, ENV_MID), where a native Proc call names its frame."""
    cell = env.cell
    if cell is not None:
        tc = env.target_class
        cell[4] = (tc.handle << abi.OBJECT_SHIFT) | abi.OBJECT_TAG if tc is not None else 0
        cell[5] = env.mid


class RProc(RBasic):
    """A method body, block or lambda (struct RProc).

    ``irep`` for Ruby code, or ``fn`` for a builtin body (``fn(vm, self,
    args, blk)``).  ``upper`` is the proc of the scope the code was written
    in; ``env`` the captured variables of that scope (blocks and lambdas);
    ``target_class`` the class constants and ``def`` refer to when there is
    no env.  Flags follow mruby: ``strict`` (lambda / method), ``scope``
    (a method or class body), ``orphan`` (its home call has returned).
    """

    __slots__ = ("irep", "fn", "upper", "env", "_target_class", "strict", "scope",
                 "orphan", "self_word", "rt", "arity_override", "fn_mid", "params")

    def __init__(self, cls, irep=None, fn=None):
        super().__init__(cls)
        self.irep = irep
        self.fn = fn
        self.upper = None
        self.env = None
        self._target_class = None
        self.strict = False
        self.scope = False
        self.orphan = False
        self.self_word = abi.NIL
        self.rt = None
        self.arity_override = None
        self.fn_mid = 0             # call-info name of a builtin body (make_builtin_proc)
        # a builtin body standing for a block of mruby's mrblib: its parameter
        # list as (kind, name) pairs for Proc#parameters (None: none known)
        self.params = None

    def close_over(self, vm, up, b: int, env, strict: bool) -> None:
        """Make this blank Proc the block (or, ``strict``, lambda) of
        Irep[b] of ``up``'s code capturing ``env``: what ``ops.make_proc``
        makes for BLOCK/LAMBDA (the target class is ``up``'s, else the
        env's)."""
        rt = up.rt
        if rt is None:
            rt = up.rt = vm.irep_rt(up.irep)
        self.irep = rt.reps[b]
        self.upper = up
        tc = up.target_class
        self._target_class = tc if tc is not None else env.target_class
        self.env = env
        self.strict = strict

    @property
    def target_class(self):
        if self.env is not None:
            return self.env.target_class
        return self._target_class

    @target_class.setter
    def target_class(self, c):
        CONST_SERIAL[0] += 1            # constant lookup of its code follows it
        if self.env is not None:
            self.env.target_class = c
            env_named(self.env)
        else:
            self._target_class = c


class RFloat(RBasic):
    """A Float the flonum encoding cannot hold."""
    __slots__ = ("value",)

    def __init__(self, cls, value: float):
        super().__init__(cls)
        self.value = value
        self.frozen = True


class RInteger(RBasic):
    """An Integer outside the 63-bit fixnum range (within mruby's 64-bit mrb_int)."""
    __slots__ = ("value",)

    def __init__(self, cls, value: int):
        super().__init__(cls)
        self.value = value
        self.frozen = True


class RData(RBasic):
    """Any other object: ``data`` holds a Python payload for the core library."""
    __slots__ = ("data",)

    def __init__(self, cls, data=None):
        super().__init__(cls)
        self.data = data


class RBreak(RBasic):
    """A pending break/return/jump parked in a register while an ensure
    clause runs (mruby's MRB_TT_BREAK); ``unwind`` is the Python Unwind."""
    __slots__ = ("unwind",)

    def __init__(self, unwind):
        super().__init__(None)
        self.unwind = unwind
