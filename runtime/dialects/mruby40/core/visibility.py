"""mruby 4.0: method visibility, which 4.0.0 enforces (3.1 only parsed it).

- every method table entry has a visibility (``MethodEntry.visibility``,
  mruby's ``MRB_METHOD_PRIVATE_FL``/``PROTECTED_FL``); the builtins 4.0.0
  defines private are ``PRIVATE`` below (the ROM tables' ``MRB_MT_PRIVATE``
  and ``mrb_define_private_method``, as ``private_instance_methods(false)``
  of the 4.0.0 binary lists them), every other builtin is public;
- each scope has the visibility ``def`` gives (``mrb_callinfo``'s ``vis``,
  ``Frame.vis`` here): public in a pushed call-info, private at the top
  level (vm.c's base call-info); ``private``/``protected``/``public``
  without arguments set it, a block sets its enclosing scope's
  (class.c ``find_visibility_scope``);
- DEF/TDEF gives a method its scope's visibility, a singleton class's
  methods are public, ``initialize``, ``initialize_copy`` and
  ``respond_to_missing?`` private (``mrb_define_method_raw``);
- a call with an explicit receiver (SEND, SEND0, SENDB, ``public_send``)
  of a private method raises ``private method 'x' called for Foo``; of a
  protected one whenever the receiver is a kind of the class holding the
  method, that is always (vm.c's test is inverted), ``protected method``;
  the error is raised with the callee's call-info pushed (``check_call``);
- ``methods``, ``instance_methods``... list by visibility (mruby-metaprog);
  ``respond_to?``, ``method_defined?``, ``send`` and Method objects ignore it;
- ``module_function`` without arguments does nothing, with names it copies
  them to the singleton class and returns the module.
"""

from __future__ import annotations

from runtime import abi
from runtime.abi import CALL_MAXARGS
from runtime.calls import obj_missing
from runtime.core import classes as core_classes
from runtime.defs import method
from runtime.frames import Frame
from runtime.objects import TT_CLASS, TT_ICLASS, TT_MODULE, TT_SCLASS, RClass, REnv
from runtime.ops import frame_target_class

from .errors import class_of_for_error, obj_missing40

PUBLIC, PRIVATE_VIS, PROTECTED = "public", "private", "protected"

#: the builtins mruby 4.0.0 (default build) defines private, by class
PRIVATE = {
    "Addrinfo": ("initialize",),
    "Array": ("initialize", "initialize_copy"),
    "BasicObject": ("initialize", "method_missing", "singleton_method_added",
                    "singleton_method_removed", "singleton_method_undefined"),
    "BasicSocket": ("initialize",),
    "Binding": ("initialize_copy",),
    "Class": ("inherited", "initialize"),
    "Data": ("initialize", "initialize_copy"),
    "Dir": ("initialize",),
    "Enumerable": ("__update_hash",),
    "Enumerator": ("__enumerator_block_call", "initialize", "initialize_copy"),
    "Enumerator::Chain": ("initialize",),
    "Enumerator::Generator": ("initialize",),
    "Enumerator::Lazy": ("initialize",),
    "Enumerator::Yielder": ("initialize",),
    "Exception": ("initialize",),
    "Fiber": ("initialize",),
    "File": ("initialize",),
    "Hash": ("initialize", "initialize_copy"),
    "IO": ("initialize_copy",),
    "Kernel": ("Array", "Complex", "Float", "Hash", "Integer", "Rational", "String",
               "__callee__", "__method__", "`", "binding", "block_given?", "caller", "catch",
               "eval", "fail", "format", "gets", "global_variables", "initialize_copy",
               "iterator?", "lambda", "local_variables", "loop", "open", "p", "print",
               "printf", "proc", "putc", "puts", "raise", "rand", "readline", "readlines",
               "respond_to_missing?", "sprintf", "srand", "throw"),
    "Math": ("acos", "acosh", "asin", "asinh", "atan", "atan2", "atanh", "cbrt", "cos", "cosh",
             "erf", "erfc", "exp", "expm1", "frexp", "hypot", "ldexp", "log", "log10", "log1p",
             "log2", "sin", "sinh", "sqrt", "tan", "tanh"),
    "Module": ("const_added", "extended", "included", "initialize", "method_added",
               "method_undefined", "module_function", "prepended", "private", "protected",
               "public", "remove_const"),
    "NameError": ("initialize",),
    "NoMethodError": ("initialize",),
    "Proc": ("initialize_copy",),
    "Range": ("initialize", "initialize_copy"),
    "Set": ("initialize", "initialize_copy"),
    "Socket": ("initialize",),
    "String": ("initialize", "initialize_copy"),
    "Struct": ("initialize_copy",),
    "SystemCallError": ("initialize",),
    "TCPServer": ("initialize",),
    "TCPSocket": ("initialize",),
    "Time": ("initialize", "initialize_copy"),
    "UDPSocket": ("initialize",),
    "UNIXServer": ("initialize",),
    "UNIXSocket": ("initialize",),
    "UncaughtThrowError": ("initialize",),
}

#: names mrb_define_method_raw always makes private
ALWAYS_PRIVATE = ("initialize", "initialize_copy", "respond_to_missing?")


def init(vm):
    """Give every builtin the visibility 4.0.0 gives it (runtime/core's
    registrations follow 3.1, which did not check them)."""
    private = {(cname, name) for cname, names in PRIVATE.items() for name in names}
    vm.always_private = frozenset(vm.intern(n) for n in ALWAYS_PRIVATE)
    for o in list(vm.objects.values()):
        if type(o) is not RClass or o.tt not in (TT_CLASS, TT_MODULE, TT_SCLASS):
            continue
        cname = vm.class_name(o) if o.tt != TT_SCLASS else None
        for sid, m in o.mt.items():
            if m is None or (m.proc is not None and m.proc.irep is not None):
                continue
            m.visibility = PRIVATE_VIS if (cname, vm.syms[sid]) in private else PUBLIC
    vm.invalidate()


# ------------------------------------------------------------ scope visibility
def frame_vis(vm, f) -> str:
    """The visibility ``def`` gives in frame f's scope: what ``private`` &c.
    set there, else public, or private for the top level (vm.c gives the
    base call-info private)."""
    if f is None:
        return PUBLIC
    v = getattr(f, "vis", None)
    if v is not None or type(f) is REnv:
        return v or PUBLIC
    p = f.proc
    if p is not None and p.upper is None and f.mid == 0 and f.target_class is vm.c_Object:
        return PRIVATE_VIS
    return PUBLIC


def _scope_break(p) -> bool:
    return p is None or p.upper is None or p.scope or p.env is None


def _yielded_with_class(vm, f) -> bool:
    """Is block frame f run by mrb_yield_with_class (class_eval,
    instance_eval, Class.new...: MRB_CI_SET_VISIBILITY_BREAK)?  Such a
    block runs above a builtin frame left nameless (core/kernel.py
    ``_eval_in_place``) or named as the block's frame is (``eval_under``),
    where a block yielded by a builtin is named after its own method."""
    if f is None:
        return False
    frames = vm.frames
    i = f.index
    if not (0 < i < len(frames) and frames[i] is f):
        return False
    below = frames[i - 1]
    if below.irep is not None:
        return False
    return below.mid == 0 or (below.mid == f.mid and f.mid != f.proc.env.mid)


def scope_frame(vm, frame, c):
    """class.c find_visibility_scope: the frame whose visibility a ``def``
    for class c (None: the frame's target class) in ``frame`` reads, or
    ``private`` there sets: the frame itself, or for a block in c's scope
    the frame of the scope it is written in, or its env once that frame has
    returned (MRB_ENV_VISIBILITY: the env keeps what ``private`` set)."""
    tc = frame_target_class(frame)
    if c is None:
        c = tc
    p = frame.proc
    # a block run with another target class (mrb_yield_with_class: class_eval,
    # Class.new...) is a visibility break (MRB_CI_SET_VISIBILITY_BREAK)
    if _scope_break(p) or tc is not c or p.env.target_class is not tc \
            or _yielded_with_class(vm, frame):
        return frame
    while True:
        env = p.env
        p = p.upper
        if _scope_break(p) or p.env.target_class is not c \
                or env.target_class is not p.env.target_class \
                or _yielded_with_class(vm, env.frame):
            return env.frame if env.frame is not None else env


def default_visibility(vm, frame, cls: RClass, sid: int) -> str:
    """mrb_define_method_raw's visibility for DEF/TDEF/SDEF (VDEFAULT)."""
    if sid in vm.always_private:
        return PRIVATE_VIS
    if cls.tt == TT_SCLASS:
        return PUBLIC
    return frame_vis(vm, scope_frame(vm, frame, cls.origin))


# ----------------------------------------------------------------- the check
def vis_error(vm, mid: int, args: int, recv: int, priv: bool):
    kind = "private" if priv else "protected"
    vm.raise_no_method_error(mid, args, f"{kind} method '{vm.syms[mid]}' called for "
                                        f"{class_of_for_error(vm, recv)}")


def check_call(vm, base: int, recv: int, mid: int, n: int, nk: int) -> None:
    """vm.c OP_SEND's visibility test, for a call with an explicit receiver
    whose arguments sit after R[base]: raise NoMethodError for a private
    (or protected) method, in the callee's call-info (cipush comes first)."""
    cls = vm.class_of(recv)
    r = vm.mcache.get((cls, mid))
    m, owner = r if r is not None else vm.find_method(cls, mid)
    name = mid
    if m is None:
        # prepare_missing: method_missing is what runs, with its visibility
        m, owner = vm.find_method(cls, vm.SYM_method_missing)
        if m is None or m.fn is obj_missing40 or m.fn is obj_missing:
            return
        name = vm.SYM_method_missing
    vis = m.visibility
    if vis == PUBLIC or (vis == PROTECTED and not vm.is_a(recv, owner)):
        return
    st = vm.stack
    if n == CALL_MAXARGS:
        args = st[base + 1]
    else:
        args = vm.ary_new([st[base + 1 + i] for i in range(n)])
    frame = Frame(name, None, base, n, nk, owner)
    frame.nregs = n + 2
    vm.push_frame(frame)
    try:
        vis_error(vm, mid, args, recv, vis == PRIVATE_VIS)
    finally:
        vm.pop_frame(frame)


# ------------------------------------------------------------ Module methods
def _sym_list(vm, args) -> list:
    out = []
    for a in args:
        if not vm.is_sym(a):
            vm.raise_error(vm.c_TypeError, f"wrong argument type {vm.type_name_for_error(a)} "
                           "(expected Symbol)")
        out.append(a >> 8)
    return out


def set_visibility(vm, cls: RClass, args, vis: str) -> None:
    """class.c mrb_mod_visibility: names get ``vis`` in cls's own table; no
    names set the caller's scope (find_visibility_scope one call-info down)."""
    if not args:
        caller = vm.frames[-2] if len(vm.frames) > 1 else None
        if caller is not None:
            f = scope_frame(vm, caller, None)
            if f is not None:
                f.vis = vis
        return
    for sid in _sym_list(vm, args):
        m, _ = vm.find_method(cls, sid)
        if m is None:
            vm.raise_name_error(f"undefined method '{vm.syms[sid]}' for class "
                                f"{vm.class_name(cls)}", sid)
        m = m.copy(visibility=vis, owner=cls)
        cls.mt[sid] = m
        vm.invalidate()


@method("Module", "public", arity=-1, visibility="private")
def mod_public(vm, self, args, blk):
    set_visibility(vm, vm.obj(self), args, PUBLIC)
    return self


@method("Module", "private", arity=-1, visibility="private")
def mod_private(vm, self, args, blk):
    set_visibility(vm, vm.obj(self), args, PRIVATE_VIS)
    return self


@method("Module", "protected", arity=-1, visibility="private")
def mod_protected(vm, self, args, blk):
    set_visibility(vm, vm.obj(self), args, PROTECTED)
    return self


def _main_visibility(vis):
    def top_visibility(vm, self, args, blk):
        """main's public/private/protected (class.c top_public...): Object's."""
        set_visibility(vm, vm.c_Object, args, vis)
        return vm.c_Object.word
    return top_visibility


@method("Module", "module_function", arity=-1, visibility="private")
def mod_module_function(vm, self, args, blk):
    """mrb_mod_module_function: no module_function scope (no arguments:
    nothing); each name is copied, public, to the singleton class."""
    cls = vm.obj(self)
    if cls.tt != TT_MODULE:
        vm.raise_error(vm.c_TypeError, f"wrong argument type {vm.type_name_for_error(self)} "
                       "(expected Module)")
    if not args:
        return self
    for a in args:
        sid = _sym_list(vm, [a])[0]
        m, _ = vm.find_method(cls, sid)
        if m is None:
            vm.raise_name_error(f"undefined method '{vm.syms[sid]}' for class "
                                f"{vm.class_name(cls)}", sid)
        sc = vm.singleton_class(self)
        vm.add_method(sc, sid, m.copy(visibility=PUBLIC))
    return self


# mod_attr_define: public accessors (never the scope's visibility), nil returned
@method("Module", "attr_reader", arity=-1, aliases=("attr",))
def mod_attr_reader(vm, self, args, blk):
    core_classes.mod_attr_reader(vm, self, args, blk)
    return abi.NIL


@method("Module", "attr_writer", arity=-1)
def mod_attr_writer(vm, self, args, blk):
    core_classes.mod_attr_writer(vm, self, args, blk)
    return abi.NIL


@method("Module", "attr_accessor", arity=-1)
def mod_attr_accessor(vm, self, args, blk):
    core_classes.mod_attr_accessor(vm, self, args, blk)
    return abi.NIL


# --------------------------------------------------------------------- lists
def _visible(m, vis) -> bool:
    """metaprog.c vicheck: None is public and protected (MT_NOPRIV)."""
    if vis is None:
        return m.visibility != PRIVATE_VIS
    return m.visibility == vis


def method_list(vm, cls: RClass, recur: bool, vis) -> list:
    """mrb_class_instance_method_list: the first entry of each name that
    has the visibility wanted counts (an undef hides the name)."""
    seen: dict = {}
    if not recur:
        c = cls.origin
        for sid in vm.in_mruby_order(list(c.mt), "mt"):
            m = c.mt[sid]
            if m is None or _visible(m, vis):
                seen.setdefault(sid, m is not None)
    else:
        c = cls
        while c is not None:
            for sid, m in c.mt.items():
                if sid not in seen and (m is None or _visible(m, vis)):
                    seen[sid] = m is not None
            c = c.superclass
    names = [sid for sid, ok in seen.items() if ok]
    if not recur:
        names = vm.in_mruby_order(names, "set")
    return [abi.symbol_word(sid) for sid in names]


def _recur(args) -> bool:
    return not args or abi.truthy(args[0])


@method("Module", "instance_methods", arity=(0, 1))
def mod_instance_methods(vm, self, args, blk):
    return vm.ary_new(method_list(vm, vm.obj(self), _recur(args), None))


@method("Module", "public_instance_methods", arity=(0, 1))
def mod_public_instance_methods(vm, self, args, blk):
    return vm.ary_new(method_list(vm, vm.obj(self), _recur(args), PUBLIC))


@method("Module", "private_instance_methods", arity=(0, 1))
def mod_private_instance_methods(vm, self, args, blk):
    return vm.ary_new(method_list(vm, vm.obj(self), _recur(args), PRIVATE_VIS))


@method("Module", "protected_instance_methods", arity=(0, 1))
def mod_protected_instance_methods(vm, self, args, blk):
    return vm.ary_new(method_list(vm, vm.obj(self), _recur(args), PROTECTED))


@method("Kernel", "methods", arity=(0, 1))
def k_methods(vm, self, args, blk):
    return vm.ary_new(method_list(vm, vm.class_of(self), _recur(args), None))


@method("Kernel", "public_methods", arity=(0, 1))
def k_public_methods(vm, self, args, blk):
    return vm.ary_new(method_list(vm, vm.class_of(self), _recur(args), PUBLIC))


@method("Kernel", "private_methods", arity=(0, 1))
def k_private_methods(vm, self, args, blk):
    return vm.ary_new(method_list(vm, vm.class_of(self), _recur(args), PRIVATE_VIS))


@method("Kernel", "protected_methods", arity=(0, 1))
def k_protected_methods(vm, self, args, blk):
    return vm.ary_new(method_list(vm, vm.class_of(self), _recur(args), PROTECTED))


@method("Kernel", "singleton_methods", arity=(0, 1))
def k_singleton_methods(vm, self, args, blk):
    """mrb_obj_singleton_methods: the public entries of the singleton
    class and (all=true) of every singleton class and included module up
    the chain, the first entry of a name deciding; an undef is listed too
    (the set's value, false for it, is not looked at)."""
    c = vm.class_of(self)
    seen: dict = {}

    def collect(c):
        for sid in vm.in_mruby_order(list(c.mt), "mt"):
            m = c.mt[sid]
            if sid not in seen and (m is None or m.visibility == PUBLIC):
                seen[sid] = True
    if c is not None and c.tt == TT_SCLASS:
        collect(c)
        c = c.superclass
    if _recur(args):
        while c is not None and c.tt in (TT_SCLASS, TT_ICLASS):
            collect(c)
            c = c.superclass
    return vm.ary_new([abi.symbol_word(sid) for sid in vm.in_mruby_order(list(seen), "set")])


@method("Kernel", "public_send", arity=-1)
def k_public_send(vm, self, args, blk):
    """send_method(pub=TRUE): send, refusing private and protected methods."""
    if not args:
        vm.argc_error(0, 1, -1)
    name = args[0]
    if vm.is_sym(name):
        mid = name >> 8
    else:
        mid = vm.intern(vm.str_bytes(vm.check_type(name, "String")).decode(
            "utf-8", "surrogateescape"))
    m, owner = vm.find_method(vm.class_of(self), mid)
    if m is None:
        blk = abi.NIL       # mrb_funcall_with_block: method_missing gets no block
    elif m.visibility != PUBLIC:
        vis_error(vm, mid, vm.ary_new(list(args[1:])), self, m.visibility == PRIVATE_VIS)
    return vm.funcall(self, mid, args[1:], blk, kw=vm.passed_kw())


def _replace_main(vm):
    top = vm.top_self
    for vis in (PUBLIC, PRIVATE_VIS, PROTECTED):
        vm.define_singleton_method(top, vis, _main_visibility(vis), -1)


def setup(vm):
    _replace_main(vm)


__all__ = ["check_call", "default_visibility", "frame_vis", "scope_frame"]
