"""Enumerator, Enumerator::Generator, Enumerator::Yielder, Enumerator::Lazy
and Kernel#to_enum, as mruby 3.1's mruby-enumerator and mruby-enum-lazy
gems have them.

External iteration (``next``/``peek``) runs ``each`` in a coroutine, as
mruby does with a Fiber: a ``Coroutine`` (runtime/coroutine.py) runs its
body in a Python thread and an execution context of its own (register
stack, call-info stack: runtime/context.py); control passes strictly back
and forth, so only one thread touches the VM at a time.
"""

from __future__ import annotations

import weakref

from .. import abi
from ..coroutine import Coroutine
from ..defs import method, smethod
from ..errors import RubyError
from ..frames import CINFO_SKIP, Frame
from ..objects import RObject
from .fiber import FiberState
from .support import (
    FALSE,
    NIL,
    call_block,
    compare_none,
    fake_frames,
    has_builtin_each,
    pyblock,
    rb_argc,
    svalue,
    to_int_arg,
)


# ----------------------------------------------------------- Enumerator
def _iv(vm, name):
    return vm.intern(name)


def enum_new(vm, obj, meth, args, cls=None, kwd=None):
    """Enumerator.new(obj, meth, *args); of Ruby only ``obj == NONE`` runs
    (Enumerator#initialize of mrblib, when the obj has its own ==)."""
    if cls is None and _obj_is_none(vm, obj):
        vm.raise_error(vm.c_ArgumentError, "wrong number of arguments (given 0, expected 1+)")
    cls = cls or vm.cls("Enumerator")
    w = vm.alloc(RObject(cls))
    _enum_init(vm, w, obj, meth, args, kwd)
    return w


def _obj_is_none(vm, obj):
    """``obj == NONE`` as Kernel#to_enum's ``Enumerator.new`` runs it."""
    m, _ = vm.find_method(vm.class_of(obj), vm.SYM_eq)
    if m is not None and m.fn is not None and m.owner is not vm.cls("Comparable"):
        return obj == _none(vm)         # a core == runs no Ruby
    with fake_frames(vm, "to_enum", "new", "initialize"):
        return compare_none(vm, obj, "==")


def _enum_init(vm, w, obj, meth, args, kwd=None):
    o = vm.obj(w)
    if o.ivars is None:
        o.ivars = {}
    iv = o.ivars
    iv[_iv(vm, "@obj")] = obj
    iv[_iv(vm, "@meth")] = meth
    iv[_iv(vm, "@args")] = vm.ary_new(args)
    iv[_iv(vm, "@kwd")] = kwd if kwd is not None else vm.hash_new()
    iv[_iv(vm, "@fib")] = NIL
    iv[_iv(vm, "@dst")] = NIL
    iv[_iv(vm, "@lookahead")] = NIL
    iv[_iv(vm, "@feedvalue")] = NIL
    iv[_iv(vm, "@stop_exc")] = FALSE
    _states(vm).pop(vm.obj(w), None)


def _get(vm, w, name):
    return vm.ivar_get(w, _iv(vm, name))


def _set(vm, w, name, v):
    o = vm.obj(w)
    if o.ivars is None:
        o.ivars = {}
    o.ivars[_iv(vm, name)] = v


def _states(vm):
    """External-iteration state per Enumerator object.  Keyed weakly by the
    object itself (not its handle: the collector reuses freed handles)."""
    s = getattr(vm, "_enum_coroutines", None)
    if s is None:
        s = weakref.WeakKeyDictionary()
        vm._enum_coroutines = s
    return s


def _none(vm):
    return vm.c_Enumerable.ivars.get(vm.intern("NONE"), NIL)


def block_call(vm, self, blk):
    """Enumerator#enumerator_block_call: @obj.__send__(@meth, *@args, &blk)."""
    obj = _get(vm, self, "@obj")
    meth = _get(vm, self, "@meth")
    args = _get(vm, self, "@args")
    argv = list(vm.obj(args).items) if vm.is_ary(args) else []
    kwd = _get(vm, self, "@kwd")
    if vm.is_hash(kwd) and len(vm.obj(kwd)) > 0:
        argv.append(kwd)
    mid = meth >> 8 if vm.is_sym(meth) else vm.intern(vm.str_bytes(meth))
    with fake_frames(vm, "enumerator_block_call"):
        m, _ = vm.find_method(vm.class_of(obj), mid)
        if m is None:
            with fake_frames(vm, "__send__"):
                return vm.funcall(obj, mid, argv, blk)
        return vm.funcall(obj, mid, argv, blk)


@method("Enumerator", "initialize", arity=-1, visibility="private")
def enum_initialize(vm, self, args, blk):
    obj = args[0] if args else _none(vm)
    meth = args[1] if len(args) > 1 else vm.sym("each")
    rest = list(args[2:])
    if blk != NIL:
        obj = generator_new(vm, blk)
    elif compare_none(vm, obj, "=="):       # mrblib: elsif obj == NONE
        vm.raise_error(vm.c_ArgumentError, "wrong number of arguments (given 0, expected 1+)")
    _enum_init(vm, self, obj, meth, rest)
    return FALSE            # the value of its last statement, @stop_exc = false


@method("Enumerator", "initialize_copy", arity=1, visibility="private")
def enum_init_copy(vm, self, args, blk):
    obj = args[0]
    if not vm.is_a(obj, vm.cls("Enumerator")):
        vm.raise_error(vm.c_TypeError, f"can't copy type {vm.class_name(vm.real_class(obj))}")
    st = _states(vm).get(vm.obj(obj))
    if _get(vm, obj, "@fib") != NIL or (st is not None and st.co is not None):
        vm.raise_error(vm.c_TypeError, "can't copy execution context")
    for n in ("@obj", "@meth", "@args", "@kwd"):
        _set(vm, self, n, _get(vm, obj, n))
    for n in ("@fib", "@lookahead", "@feedvalue"):
        _set(vm, self, n, NIL)
    _states(vm).pop(vm.obj(self), None)
    return self


def _accessor(name):
    def get(vm, self, args, blk):
        return _get(vm, self, "@" + name)

    def put(vm, self, args, blk):
        _set(vm, self, "@" + name, args[0])
        return args[0]
    return get, put


for _n in ("obj", "meth", "args", "kwd"):
    _g, _p = _accessor(_n)
    method("Enumerator", _n, arity=-1)(_g)       # attr_accessor readers ignore arguments
    method("Enumerator", _n + "=", arity=1)(_p)


@method("Enumerator", "fib", arity=-1)
def enum_fib(vm, self, args, blk):
    return _get(vm, self, "@fib")


@method("Enumerator", "enumerator_block_call", arity=0, visibility="private")
def enum_block_call_m(vm, self, args, blk):
    return block_call(vm, self, blk)


@method("Enumerator", "with_index", arity=-1)
def enum_with_index(vm, self, args, blk):
    rb_argc(vm, args, 0, 1, False)
    offset = args[0] if args else abi.fixnum(0)
    if blk == NIL:
        return vm.funcall(self, "to_enum", [vm.sym("with_index"), offset])
    off = 0 if offset == NIL else to_int_arg(vm, offset)
    n = [off - 1]

    def fn(a):
        n[0] += 1
        return call_block(vm, blk, [svalue(vm, a), vm.int_new(n[0])])
    return block_call(vm, self, pyblock(vm, fn, "with_index"))


@method("Enumerator", "each_with_index", arity=0)
def enum_each_with_index(vm, self, args, blk):
    if blk == NIL:
        return vm.funcall(self, "to_enum", [vm.sym("with_index"), abi.fixnum(0)])
    return vm.funcall(self, "with_index", [abi.fixnum(0)], blk)


@method("Enumerator", "with_object", arity=1)
def enum_with_object(vm, self, args, blk):
    obj = args[0]
    if blk == NIL:
        return vm.funcall(self, "to_enum", [vm.sym("with_object"), obj])

    def fn(a):
        return call_block(vm, blk, [vm.ary_new([a[0] if a else NIL, obj])])
    block_call(vm, self, pyblock(vm, fn, "with_object"))
    return obj


@method("Enumerator", "inspect", arity=0)
def enum_inspect(vm, self, args, blk):
    cls = vm.class_name(vm.real_class(self))
    obj = vm.inspect(_get(vm, self, "@obj"))
    meth = _get(vm, self, "@meth")
    ms = vm.to_s(meth)
    a = _get(vm, self, "@args")
    if vm.is_ary(a) and vm.obj(a).items:
        joined = vm.str_bytes_of(vm.funcall(a, "join", [vm.str_new(", ")]))
        return vm.str_new(b"#<" + cls.encode() + b": " + obj + b":" + ms + b"(" + joined + b")>")
    return vm.str_new(b"#<" + cls.encode() + b": " + obj + b":" + ms + b">")


@method("Enumerator", "each", arity=-1)
def enum_each(vm, self, args, blk):
    obj = self
    if args:
        obj = vm.funcall(self, "dup")
        a = _get(vm, obj, "@args")
        old = list(vm.obj(a).items) if vm.is_ary(a) else []
        _set(vm, obj, "@args", vm.ary_new(old + list(args)))
    if blk == NIL:
        return obj
    return block_call(vm, self, blk)    # mruby calls it on self: the extra arguments are lost


# ---------------------------------------------------- external iteration
class _ExtState:
    __slots__ = ("co", "lookahead", "stop_exc", "feedvalue")

    def __init__(self):
        self.co = None
        self.lookahead = None
        self.stop_exc = None
        self.feedvalue = None


def _state(vm, w):
    st = _states(vm).get(vm.obj(w))
    if st is None:
        st = _ExtState()
        _states(vm)[vm.obj(w)] = st
    return st


def _stop_iteration(vm, result):
    e = vm.exc_new(vm.c_StopIteration, "iteration reached an end")
    vm.obj(e).ivars[vm.intern("@result")] = result
    return e


class _Raw:
    """A value the generator handed over with Fiber.yield instead of
    yielding to the block (mruby's next_values returns it as it is)."""
    __slots__ = ("w",)

    def __init__(self, w):
        self.w = w


def _fiber_for(vm, co):
    """A Fiber object standing for an enumerator's coroutine (its @fib), so
    Fiber.yield and Fiber.current inside the generator see it as mruby's
    next_values fiber; None without the Fiber class."""
    try:
        fib = vm.data_new(vm.cls("Fiber"), FiberState(NIL))
    except KeyError:
        return None
    vm.obj(fib).data.co = co
    return fib


def _resume_as_fiber(vm, st, fib):
    """Resume the coroutine as the current fiber (fiber.py's fiber stack)."""
    if fib is None:
        return st.co.resume(NIL)
    stack = getattr(vm, "_fiber_stack", None)
    if stack is None:
        stack = vm._fiber_stack = []
    stack.append(fib)
    try:
        return st.co.resume(NIL)
    finally:
        stack.pop()


class _MrblibIrep:
    """Stands for an irep of mruby's mrblib (compiled without debug info)
    in a frame only backtraces read."""
    debug = None


_MRBLIB_IREP = _MrblibIrep()


def next_values(vm, self):
    """Enumerator#next_values: a Python list of words, or a _Raw value."""
    st = _state(vm, self)
    if st.lookahead is not None:
        vs = st.lookahead
        st.lookahead = None
        return vs
    if st.stop_exc is not None:
        with fake_frames(vm, "next_values"):
            vm.raise_exc(st.stop_exc)
    if st.co is None or st.co.done:
        def body(co):
            def fn(a):
                co.suspend(list(a))
                fv = st.feedvalue
                st.feedvalue = None
                return fv if fv is not None else NIL
            # the Fiber.new block of mrblib's next_values: the fiber's first
            # call-info record, which backtraces show as "(unknown):0"
            f = Frame(0, None, vm.stack_top(), 0, 0, None, CINFO_SKIP)
            f.irep = _MRBLIB_IREP
            f.pc = 1
            f.nregs = 3
            vm.push_frame(f)
            try:
                return vm.funcall(self, "each", [], pyblock(vm, fn, "next_values"))
            finally:
                vm.pop_frame(f)
        st.co = Coroutine(vm, body)
        st.lookahead = None
        fib = _fiber_for(vm, st.co)
        _set(vm, self, "@fib", NIL if fib is None else fib)
    fib = _get(vm, self, "@fib")
    kind, v = _resume_as_fiber(vm, st, fib if fib != NIL else None)
    if kind == "done":
        st.stop_exc = _stop_iteration(vm, v)
        st.co = None
        st.lookahead = None
        st.feedvalue = None
        _set(vm, self, "@fib", NIL)
        with fake_frames(vm, "next_values"):
            vm.raise_exc(st.stop_exc)
    if not isinstance(v, list):
        return _Raw(v)
    return v


def _values_word(vm, vs):
    return vs.w if isinstance(vs, _Raw) else vm.ary_new(list(vs))


def _svalue_of(vm, vs):
    if isinstance(vs, _Raw):
        return vm.funcall(vs.w, "__svalue")
    return svalue(vm, list(vs))


@method("Enumerator", "next_values", arity=0)
def enum_next_values(vm, self, args, blk):
    return _values_word(vm, next_values(vm, self))


@method("Enumerator", "next", arity=0)
def enum_next(vm, self, args, blk):
    return _svalue_of(vm, next_values(vm, self))


def _peek_values(vm, self):
    st = _state(vm, self)
    if st.lookahead is None:
        st.lookahead = next_values(vm, self)
    return st.lookahead


@method("Enumerator", "peek_values", arity=0)
def enum_peek_values(vm, self, args, blk):
    vs = _peek_values(vm, self)
    if isinstance(vs, _Raw):
        return vm.funcall(vs.w, "dup")
    return vm.ary_new(list(vs))


@method("Enumerator", "peek", arity=0)
def enum_peek(vm, self, args, blk):
    with fake_frames(vm, "peek_values"):
        vs = _peek_values(vm, self)
        if isinstance(vs, _Raw):
            vs = _Raw(vm.funcall(vs.w, "dup"))
    return _svalue_of(vm, vs)


@method("Enumerator", "rewind", arity=0)
def enum_rewind(vm, self, args, blk):
    obj = _get(vm, self, "@obj")
    if vm.respond_to(obj, "rewind"):
        vm.funcall(obj, "rewind")
    st = _states(vm).pop(vm.obj(self), None)
    if st is not None and st.co is not None:
        st.co.close()
    _set(vm, self, "@fib", NIL)
    return self


@method("Enumerator", "feed", arity=1)
def enum_feed(vm, self, args, blk):
    st = _state(vm, self)
    if st.feedvalue is not None:
        vm.raise_error(vm.c_TypeError, "feed value already set")
    st.feedvalue = args[0]
    return NIL


class ExtIter:
    """``arg.next`` for Enumerable#zip: an Array is read by index, anything
    else through ``arg.to_enum(:each)`` and ``next``."""

    def __init__(self, vm, ary=None, enum=None):
        self.vm = vm
        self.ary = ary
        self.enum = enum
        self.i = 0

    @classmethod
    def for_zip(cls, vm, a):
        if vm.is_ary(a) and has_builtin_each(vm, a):
            return cls(vm, ary=a)
        return cls(vm, enum=vm.funcall(a, "to_enum", [vm.sym("each")]))

    def next_or_nil(self):
        vm = self.vm
        if self.ary is not None:
            items = vm.obj(self.ary).items
            if self.i < len(items):
                v = items[self.i]
                self.i += 1
                return v
            self.i += 1
            return NIL
        try:
            return vm.funcall(self.enum, "next")
        except RubyError as e:
            if vm.is_a(e.exc, vm.c_StopIteration):
                return NIL
            raise

    def close(self):
        if self.enum is not None:
            st = _states(self.vm).pop(self.vm.obj(self.enum), None)
            if st is not None and st.co is not None:
                st.co.close()


@smethod("Enumerator", "produce", arity=(0, 1))
def enum_s_produce(vm, self, args, blk):
    if blk == NIL:
        vm.raise_error(vm.c_ArgumentError, "no block given")
    init = args[0] if args else _none(vm)

    def gen(a):
        y = a[0]
        if not compare_none(vm, init, "=="):     # mrblib: `if init == NONE` on each run
            val = init
            vm.funcall(y, "yield", [val])
        else:
            val = NIL
        try:
            while True:
                val = call_block(vm, blk, [val])
                vm.funcall(y, "yield", [val])
        except RubyError as e:
            if not vm.is_a(e.exc, vm.c_StopIteration):
                raise
        return NIL
    return enum_new(vm, generator_new(vm, pyblock(vm, gen)), vm.sym("each"), [])


# ------------------------------------------------- Generator and Yielder
def generator_new(vm, proc):
    g = vm.alloc(RObject(vm.cls("Enumerator::Generator")))
    _set(vm, g, "@proc", proc)
    return g


@method("Enumerator::Generator", "initialize", arity=0, visibility="private")
def gen_initialize(vm, self, args, blk):
    if blk == NIL or not vm.is_proc(blk):
        vm.raise_error(vm.c_TypeError, f"wrong argument type "
                       f"{vm.class_name(vm.real_class(self))} (expected Proc)")
    _set(vm, self, "@proc", blk)
    return NIL


@method("Enumerator::Generator", "each", arity=-1)
def gen_each(vm, self, args, blk):
    y = vm.alloc(RObject(vm.cls("Enumerator::Yielder")))
    if blk == NIL:
        vm.raise_error(vm.c_LocalJumpError, "no block given")
    _set(vm, y, "@proc", blk)
    proc = _get(vm, self, "@proc")
    return vm.call_proc(proc, [y] + list(args))


@method("Enumerator::Yielder", "initialize", arity=0, visibility="private")
def yielder_initialize(vm, self, args, blk):
    if blk == NIL:
        vm.raise_error(vm.c_LocalJumpError, "no block given")
    _set(vm, self, "@proc", blk)
    return NIL


@method("Enumerator::Yielder", "yield", arity=-1)
def yielder_yield(vm, self, args, blk):
    return vm.call_proc(_get(vm, self, "@proc"), list(args))


@method("Enumerator::Yielder", "<<", arity=-1)
def yielder_push(vm, self, args, blk):
    vm.funcall(self, "yield", list(args))
    return self


# ------------------------------------------------------------- to_enum
@method("Kernel", "to_enum", arity=-1, aliases=("enum_for",))
def k_to_enum(vm, self, args, blk):
    meth = args[0] if args else vm.sym("each")
    return enum_new(vm, self, meth, list(args[1:]))


def to_enum(vm, obj, meth, args=()):
    """``self.to_enum(meth, *args)`` as mrblib methods call it without a
    block (Kernel#to_enum directly unless the receiver overrides it, as
    Enumerator::Lazy does)."""
    msym = vm.sym(meth) if isinstance(meth, str) else meth
    m, _ = vm.find_method(vm.class_of(obj), vm.intern("to_enum"))
    if m is not None and m.fn is not k_to_enum:
        return vm.funcall(obj, "to_enum", [msym] + list(args))
    return enum_new(vm, obj, msym, list(args))


# ------------------------------------------------------------------ Lazy
def _lazy_init(vm, self, obj, fn=None, name=None):
    """Enumerator::Lazy#initialize(obj) { |yielder, val| fn }: ``fn(y, val)``
    (None: ``y << val``); ``name`` is the Lazy method whose block ``fn`` is
    (its frame shows in backtraces)."""
    def gen(a):
        y = a[0]

        def each_fn(b):
            x = b[0] if b else NIL
            if fn is not None:
                if name:
                    with fake_frames(vm, name):
                        fn(y, x)
                else:
                    fn(y, x)
            else:
                vm.funcall(y, "<<", [x])
            return NIL
        try:
            return vm.funcall(obj, "each", [], pyblock(vm, each_fn, "initialize"))
        except RubyError as e:
            if not vm.is_a(e.exc, vm.c_StopIteration):
                raise
        return NIL
    g = generator_new(vm, pyblock(vm, gen, "initialize"))
    _enum_init(vm, self, g, vm.sym("each"), [])


def lazy_new(vm, obj, fn=None, cls=None, name=None):
    w = vm.alloc(RObject(cls or vm.cls("Enumerator::Lazy")))
    _lazy_init(vm, w, obj, fn, name)
    return w


@method("Enumerator::Lazy", "initialize", arity=1, visibility="private")
def lazy_initialize(vm, self, args, blk):
    if blk != NIL:
        _lazy_init(vm, self, args[0], lambda y, x: call_block(vm, blk, [y, x]))
    else:
        _lazy_init(vm, self, args[0])
    return FALSE


def _lazy_raise_stop(vm):
    vm.raise_error(vm.c_StopIteration, "StopIteration")


@method("Enumerator::Lazy", "to_enum", arity=-1, aliases=("enum_for",))
def lazy_to_enum(vm, self, args, blk):
    meth = args[0] if args else vm.sym("each")
    if not vm.respond_to(self, meth >> 8 if vm.is_sym(meth) else vm.intern(vm.str_bytes(meth))):
        vm.raise_error(vm.c_ArgumentError, f"undefined method {vm.to_s(meth).decode()}")
    if blk != NIL:
        lz = lazy_new(vm, self, lambda y, x: call_block(vm, blk, [y, x]))
    else:
        lz = lazy_new(vm, self)
    _set(vm, lz, "@obj", self)
    _set(vm, lz, "@meth", meth)
    _set(vm, lz, "@args", vm.ary_new(list(args[1:])))
    return lz


@method("Enumerator::Lazy", "map", arity=0, aliases=("collect",))
def lazy_map(vm, self, args, blk):
    return lazy_new(vm, self, lambda y, x: vm.funcall(y, "<<", [call_block(vm, blk, [x])]),
                    name="map")


@method("Enumerator::Lazy", "select", arity=0, aliases=("find_all",))
def lazy_select(vm, self, args, blk):
    def fn(y, x):
        if abi.truthy(call_block(vm, blk, [x])):
            vm.funcall(y, "<<", [x])
    return lazy_new(vm, self, fn, name="select")


@method("Enumerator::Lazy", "reject", arity=0)
def lazy_reject(vm, self, args, blk):
    def fn(y, x):
        if not abi.truthy(call_block(vm, blk, [x])):
            vm.funcall(y, "<<", [x])
    return lazy_new(vm, self, fn, name="reject")


@method("Enumerator::Lazy", "grep", arity=1)
def lazy_grep(vm, self, args, blk):
    pat = args[0]

    def fn(y, x):
        if abi.truthy(vm.funcall(pat, "===", [x])):
            vm.funcall(y, "<<", [x])
    return lazy_new(vm, self, fn, name="grep")


@method("Enumerator::Lazy", "drop", arity=1)
def lazy_drop(vm, self, args, blk):
    n = args[0]
    dropped = [0]

    def fn(y, x):
        if abi.truthy(vm.funcall(vm.int_new(dropped[0]), "<", [n])):
            dropped[0] += 1
        else:
            vm.funcall(y, "<<", [x])
    return lazy_new(vm, self, fn, name="drop")


@method("Enumerator::Lazy", "drop_while", arity=0)
def lazy_drop_while(vm, self, args, blk):
    dropping = [True]

    def fn(y, x):
        if dropping[0]:
            if not abi.truthy(call_block(vm, blk, [x])):
                vm.funcall(y, "<<", [x])
                dropping[0] = False
        else:
            vm.funcall(y, "<<", [x])
    return lazy_new(vm, self, fn, name="drop_while")


@method("Enumerator::Lazy", "take", arity=1)
def lazy_take(vm, self, args, blk):
    n = args[0]
    if n == abi.fixnum(0) or (vm.is_float(n) and vm.float_value(n) == 0):
        return lazy_new(vm, self, lambda y, x: _lazy_raise_stop(vm), name="take")
    taken = [0]

    def fn(y, x):
        vm.funcall(y, "<<", [x])
        taken[0] += 1
        if abi.truthy(vm.funcall(vm.int_new(taken[0]), ">=", [n])):
            _lazy_raise_stop(vm)
    return lazy_new(vm, self, fn, name="take")


@method("Enumerator::Lazy", "take_while", arity=0)
def lazy_take_while(vm, self, args, blk):
    def fn(y, x):
        if abi.truthy(call_block(vm, blk, [x])):
            vm.funcall(y, "<<", [x])
        else:
            _lazy_raise_stop(vm)
    return lazy_new(vm, self, fn, name="take_while")


@method("Enumerator::Lazy", "flat_map", arity=0, aliases=("collect_concat",))
def lazy_flat_map(vm, self, args, blk):
    def fn(y, x):
        ary = call_block(vm, blk, [x])

        def inner(b):
            vm.funcall(y, "<<", [b[0] if b else NIL])
            return NIL
        vm.funcall(ary, "each", [], pyblock(vm, inner, "flat_map"))
    return lazy_new(vm, self, fn, name="flat_map")


@method("Enumerator::Lazy", "zip", arity=-1)
def lazy_zip(vm, self, args, blk):
    enums = [self] + list(args)

    def fn(y, x):
        ary = vm.ary_new([vm.funcall(e, "next") for e in enums])
        if blk != NIL:
            vm.funcall(y, "<<", [call_block(vm, blk, [ary])])
        else:
            vm.funcall(y, "<<", [ary])
    return lazy_new(vm, self, fn, name="zip")


@method("Enumerator::Lazy", "uniq", arity=0)
def lazy_uniq(vm, self, args, blk):
    hw = vm.hash_new()
    h = vm.obj(hw)

    def fn(y, x):
        v = call_block(vm, blk, [x]) if blk != NIL else x
        if not h.has(vm, v):
            vm.funcall(y, "<<", [x])
            h.set(vm, v, x)
    return lazy_new(vm, self, fn, name="uniq")


@method("Enumerator::Lazy", "force", arity=0)
def lazy_force(vm, self, args, blk):
    return vm.funcall(self, "to_a")


def setup(vm):
    e = vm.define_class("Enumerator")
    vm.include_module(e, vm.c_Enumerable)
    vm.define_class("Generator", vm.c_Object, e)
    vm.define_class("Yielder", vm.c_Object, e)
    vm.define_class("Lazy", e, e)


def init(vm):
    g = vm.cls("Enumerator::Generator")
    vm.include_module(g, vm.c_Enumerable)
