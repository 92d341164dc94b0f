"""Module and Class: their methods as mruby 3.1 defines them in src/class.c
(mrb_init_class), with Module#class_eval/class_exec from src/vm.c: names,
include/prepend/extend and their hooks, visibility, attributes, the method,
constant and class-variable tables, comparisons, Module.new, Class.new,
#new, #allocate, #superclass.

They lived in kernel.py beside the methods every object has; the helpers
both share (``_sym_arg``, ``_class_arg``, ``_define_method``,
``_eval_in_place``, ``_method_names``, ``iv_table_order``, ``k_clone``) stay
there and are imported from it.  (``runtime/classes.py`` is the other half
of class.c: the C API the VM itself uses, mrb_define_class and friends.)

The module boots right after kernel, exception and array (core/__init__.py
boots the rest alphabetically), early enough that the ``init`` of later
modules finds Class#new and #allocate where kernel.py used to put them
(method.py's init undefines them on Method and UnboundMethod only when it
finds them).
"""

from __future__ import annotations

from .. import abi
from ..defs import method, smethod
from ..objects import TT_CLASS, TT_ICLASS, TT_MODULE, TT_SCLASS
from .kernel import (
    _class_arg,
    _define_method,
    _eval_in_place,
    _ident_p,
    _method_names,
    _sym_arg,
    iv_table_order,
    k_clone,
)

NIL = abi.NIL
TRUE = abi.TRUE
FALSE = abi.FALSE


@method("Module", "class_eval", arity=-1, aliases=("module_eval",))
def mod_class_eval(vm, self, args, blk):
    if blk == NIL:
        # mruby-eval's version: a String
        from .eval import class_eval_string
        return class_eval_string(vm, self, args)
    if args:
        vm.argc_error(len(args), 0, 0)
    return _eval_in_place(vm, self, blk, vm.obj(self), [self], False)


@method("Module", "class_exec", arity=-1, aliases=("module_exec",))
def mod_class_exec(vm, self, args, blk):
    if blk == NIL:
        vm.raise_error(vm.c_ArgumentError, "no block given")    # mrb_get_args "&!"
    return _eval_in_place(vm, self, blk, vm.obj(self), list(args), True)


@method("Module", "dup", arity=0)
def mod_dup(vm, self, args, blk):
    """mrb_mod_dup: a clone (singleton methods included) that is not frozen."""
    w = k_clone(vm, self, [], NIL)
    vm.obj(w).frozen = False
    return w


@method("Module", "define_method", arity=(1, 2))
def mod_define_method(vm, self, args, blk):
    return _define_method(vm, vm.obj(self), args, blk)


@method("Module", "extend_object", arity=1, visibility="private")
def mod_extend_object(vm, self, args, blk):
    vm.include_module(vm.singleton_class(args[0]), vm.obj(self))
    return args[0]


@method("Module", "extended", arity=1, visibility="private")
def mod_extended(vm, self, args, blk):
    return NIL


@method("Module", "included", arity=1, visibility="private")
def mod_included(vm, self, args, blk):
    return NIL


@method("Module", "prepended", arity=1, visibility="private")
def mod_prepended(vm, self, args, blk):
    return NIL


@method("Class", "inherited", arity=1, visibility="private")
def cls_inherited(vm, self, args, blk):
    return NIL


cls_inherited.is_noop_hook = True


# ------------------------------------------------------------------- Module
@method("Module", "name", arity=0)
def mod_name(vm, self, args, blk):
    c = vm.obj(self)
    if c.name is None or c.tt == TT_SCLASS:
        return NIL
    w = vm.str_new(vm.class_name(c))
    vm.obj(w).frozen = True         # mruby-class-ext's mrb_mod_name freezes it
    return w


@method("Module", "to_s", arity=0, aliases=("inspect",))
def mod_to_s(vm, self, args, blk):
    return vm.str_new(vm.class_name(vm.obj(self)))


@method("Module", "===", arity=1)
def mod_eqq(vm, self, args, blk):
    return TRUE if vm.is_a(args[0], vm.obj(self)) else FALSE


@method("Module", "ancestors", arity=0)
def mod_ancestors(vm, self, args, blk):
    return vm.ary_new([c.word for c in vm.ancestors(vm.obj(self))])


def _include_each(vm, self, args, features, hook):
    """mruby 3.1's include/prepend are mrblib Ruby: ``args.reverse.each do |m|
    m.<features>(self); m.<hook>(self) end; self`` (no argument checks; the
    calls run in a block of an ``each``, as backtraces show)."""
    def body(vm2, _s, a, _b):
        m = a[0] if a else NIL
        vm.funcall(m, features, [self])
        vm.funcall(m, hook, [self])
        return NIL
    ary = vm.ary_new(list(reversed(args)))
    vm.funcall(ary, "each", [], vm.make_builtin_proc(body))
    return self


@method("Module", "include", arity=-1)
def mod_include(vm, self, args, blk):
    return _include_each(vm, self, args, "append_features", "included")


@method("Module", "append_features", arity=1, visibility="private")
def mod_append_features(vm, self, args, blk):
    vm.include_module(_class_arg(vm, args[0]), vm.obj(self))
    return self


@method("Module", "prepend", arity=-1)
def mod_prepend(vm, self, args, blk):
    return _include_each(vm, self, args, "prepend_features", "prepended")


@method("Module", "prepend_features", arity=1, visibility="private")
def mod_prepend_features(vm, self, args, blk):
    vm.prepend_module(_class_arg(vm, args[0]), vm.obj(self))
    return self


@method("Module", "include?", arity=1)
def mod_include_p(vm, self, args, blk):
    c = vm.obj(self).superclass
    m = vm.obj(args[0])
    while c is not None:
        if c.tt == TT_ICLASS and c.module is m:
            return TRUE
        c = c.superclass
    return FALSE


@method("Module", "included_modules", arity=0)
def mod_included_modules(vm, self, args, blk):
    out = []
    c = vm.obj(self)
    while c is not None:
        if c.tt == TT_ICLASS and c.module is not vm.obj(self) and c.module.tt == TT_MODULE:
            out.append(c.module.word)
        c = c.superclass
    return vm.ary_new(out)


def _visibility(vm, self, args, vis):
    # mruby 3.1's public/private/protected are mrb_mod_dummy_visibility:
    # every method stays callable from anywhere and they return the module
    return self


@method("Module", "public", arity=-1)
def mod_public(vm, self, args, blk):
    return _visibility(vm, self, args, "public")


@method("Module", "private", arity=-1)
def mod_private(vm, self, args, blk):
    return _visibility(vm, self, args, "private")


@method("Module", "protected", arity=-1)
def mod_protected(vm, self, args, blk):
    return _visibility(vm, self, args, "protected")


@method("Module", "module_function", arity=-1)
def mod_module_function(vm, self, args, blk):
    cls = vm.obj(self)
    if cls.tt != TT_MODULE:
        vm.raise_error(vm.c_TypeError, f"wrong argument type {vm.type_name_for_error(self)} "
                       "(expected Module)")
    if not args:
        return self         # no module_function scope in mruby 3.1
    sc = vm.singleton_class(self)
    for a in args:
        if not vm.is_sym(a):
            vm.raise_error(vm.c_TypeError, f"wrong argument type {vm.type_name_for_error(a)} "
                           "(expected Symbol)")
        sid = a >> 8
        m, _ = vm.find_method(cls, sid)
        if m is None:
            vm.name_error_undefined_method(sid, cls)
        vm.add_method(sc, sid, m.copy())
    return NIL


@method("Module", "method_removed", arity=1, visibility="private")
def mod_method_removed(vm, self, args, blk):
    return NIL


def _attr_names(vm, args):
    out = []
    for a in args:
        sid = _sym_arg(vm, a)
        name = vm.syms[sid]
        if not (name[:1].isalpha() or name[:1] == "_") or not all(
                ch.isalnum() or ch == "_" or ord(ch) > 127 for ch in name):
            vm.raise_name_error(f"invalid attribute name '{name}'", sid)
        out.append(name)
    return out


def _make_reader(ivar_sid):
    def reader(vm, self, args, blk):
        return vm.ivar_get(self, ivar_sid)
    reader.ivar = (ivar_sid, False)     # the native engine reads it inline (native.py)
    return reader


def _make_writer(ivar_sid):
    def writer(vm, self, args, blk):
        vm.ivar_set(self, ivar_sid, args[0])
        return args[0]
    writer.ivar = (ivar_sid, True)      # the native engine writes it inline
    return writer


@method("Module", "attr_reader", arity=-1, aliases=("attr",))
def mod_attr_reader(vm, self, args, blk):
    cls = vm.obj(self)
    out = []
    for name in _attr_names(vm, args):
        vm.define_method(cls, name, _make_reader(vm.intern("@" + name)), 0)
        out.append(vm.sym(name))
    return vm.ary_new(out)


@method("Module", "attr_writer", arity=-1)
def mod_attr_writer(vm, self, args, blk):
    cls = vm.obj(self)
    out = []
    for name in _attr_names(vm, args):
        vm.define_method(cls, name + "=", _make_writer(vm.intern("@" + name)), 1)
        out.append(vm.sym(name + "="))
    return vm.ary_new(out)


@method("Module", "attr_accessor", arity=-1)
def mod_attr_accessor(vm, self, args, blk):
    cls = vm.obj(self)
    out = []
    for name in _attr_names(vm, args):
        vm.define_method(cls, name, _make_reader(vm.intern("@" + name)), 0)
        vm.define_method(cls, name + "=", _make_writer(vm.intern("@" + name)), 1)
        out.append(vm.sym(name))
        out.append(vm.sym(name + "="))
    return vm.ary_new(out)


@method("Module", "alias_method", arity=2)
def mod_alias_method(vm, self, args, blk):
    cls = vm.obj(self)
    new = _sym_arg(vm, args[0])
    old = _sym_arg(vm, args[1])
    vm.alias_method(cls, new, old)
    vm.method_added(cls, new)
    return self     # mrb_mod_alias returns the module


@method("Module", "undef_method", arity=-1)
def mod_undef_method(vm, self, args, blk):
    cls = vm.obj(self)
    for a in args:
        vm.undef_method(cls, _sym_arg(vm, a))
    return NIL


@smethod("Module", "nesting", arity=0, noframe=True)
def mod_s_nesting(vm, self, args, blk):
    """mrb_mod_s_nesting: the target classes of the caller's scope procs,
    innermost first (a repeated class once)."""
    out = []
    c = None
    p = vm.frames[-1].proc
    while p is not None and p.irep is not None:
        # (mruby's top-level proc is no scope: Object is never listed)
        if p.scope and not (p.upper is None and p.target_class is vm.c_Object):
            c2 = p.target_class
            if c2 is not c:
                c = c2
                out.append(c2.word)
        p = p.upper
    return vm.ary_new(out)


@method("Module", "remove_method", arity=-1)
def mod_remove_method(vm, self, args, blk):
    """mrb_mod_remove_method: frozen check first; each name leaves the
    origin's table (an undef entry too) and calls the method_removed hook."""
    cls = vm.obj(self)
    if cls.frozen:
        vm.frozen_error(self)
    for a in args:
        sid = _sym_arg(vm, a)
        mt = cls.origin.mt
        if sid not in mt:
            vm.raise_name_error(f"method '{vm.syms[sid]}' not defined in "
                                f"{vm.class_name(cls)}", sid)
        del mt[sid]
        vm.invalidate()
        vm.c_funcall(self, "method_removed", [a])
    return self


@method("Module", "instance_methods", arity=(0, 1))
def mod_instance_methods(vm, self, args, blk):
    recur = not args or abi.truthy(args[0])
    return vm.ary_new(_method_names(vm, vm.obj(self), recur))


def _method_defined(vm, self, args, vis):
    sid = _sym_arg(vm, args[0])
    m, _ = vm.find_method(vm.obj(self), sid)
    return TRUE if m is not None and (vis is None or m.visibility in vis) else FALSE


@method("Module", "method_defined?", arity=(1, 2))
def mod_method_defined(vm, self, args, blk):
    return _method_defined(vm, self, args, None)


def _check_const_name(vm, sid):
    # mrb_const_name_p: an ASCII capital, then identifier characters
    name = vm.syms[sid]
    if not ("A" <= name[:1] <= "Z" and _ident_p(name[1:])):
        vm.raise_name_error(f"wrong constant name {name}", sid)


@method("Module", "const_get", arity=1)
def mod_const_get(vm, self, args, blk):
    """mrb_mod_const_get: a Symbol, or a String path split at each "::"."""
    cls = vm.obj(self)
    a = args[0]
    if vm.is_sym(a):
        sid = a >> 8
        _check_const_name(vm, sid)
        return vm.const_get_from(cls, sid)
    if not vm.is_str(a):
        vm.raise_error(vm.c_TypeError, f"{vm.type_name_for_error(a)} cannot be converted to String")
    path = vm.str_bytes(a).decode("utf-8", "surrogateescape")
    c = self
    parts = path.split("::") if path else []
    for i, part in enumerate(parts):
        sid = vm.intern(part)
        _check_const_name(vm, sid)
        if not vm.is_class(c):
            vm.raise_error(vm.c_TypeError, "constant look-up for non class/module")
        c = vm.const_get_from(vm.obj(c), sid)
        if i == len(parts) - 2 and parts[-1] == "":
            vm.raise_name_error(f"wrong constant name '{path}'", sid)
    return c


@method("Module", "const_set", arity=2)
def mod_const_set(vm, self, args, blk):
    sid = _sym_arg(vm, args[0])
    _check_const_name(vm, sid)
    vm.const_set(vm.obj(self), sid, args[1])
    return args[1]


@method("Module", "const_defined?", arity=(1, 2))
def mod_const_defined(vm, self, args, blk):
    sid = _sym_arg(vm, args[0])
    _check_const_name(vm, sid)
    inherit = len(args) < 2 or abi.truthy(args[1])
    c = vm.obj(self)
    while c is not None:
        if sid in c.ivars:
            return TRUE
        if not inherit:
            break
        c = c.superclass
    if inherit and vm.obj(self).tt == TT_MODULE and sid in vm.c_Object.ivars:
        return TRUE
    return FALSE


@method("Module", "constants", arity=(0, 1))
def mod_constants(vm, self, args, blk):
    inherit = not args or abi.truthy(args[0])
    out = []
    seen = set()
    c = vm.obj(self)
    while c is not None:
        for sid in iv_table_order(vm, c):
            if vm.syms[sid][:1].isupper() and sid not in seen:
                seen.add(sid)
                out.append(abi.symbol_word(sid))
        if not inherit:
            break
        c = c.superclass
        if c is vm.c_Object:
            break
    return vm.ary_new(out)


@method("Module", "remove_const", arity=1)
def mod_remove_const(vm, self, args, blk):
    sid = _sym_arg(vm, args[0])
    _check_const_name(vm, sid)
    c = vm.obj(self)
    if sid in c.ivars:
        return c.ivars.pop(sid)
    vm.raise_name_error(f"constant {vm.syms[sid]} not defined", sid)


@method("Module", "const_missing", arity=1)
def mod_const_missing(vm, self, args, blk):
    vm.frames[-1].mid = 0       # mrb_mod_const_missing hides its frame
    sid = args[0] >> 8
    c = vm.obj(self)
    if c is vm.c_Object:
        vm.raise_name_error(f"uninitialized constant {vm.syms[sid]}", sid)
    vm.raise_name_error(f"uninitialized constant {vm.class_name(c)}::{vm.syms[sid]}", sid)


def _check_cvar_name(vm, sid):
    name = vm.syms[sid]
    if not name.startswith("@@") or len(name) < 3 or name[2].isdigit() or not _ident_p(name[2:]):
        vm.raise_name_error(f"'{name}' is not allowed as a class variable name", sid)


@method("Module", "class_variable_get", arity=1)
def mod_cvar_get(vm, self, args, blk):
    sid = _sym_arg(vm, args[0])
    _check_cvar_name(vm, sid)
    return vm.cv_get(vm.obj(self), sid)


@method("Module", "class_variable_set", arity=2)
def mod_cvar_set(vm, self, args, blk):
    sid = _sym_arg(vm, args[0])
    _check_cvar_name(vm, sid)
    vm.cv_set(vm.obj(self), sid, args[1])
    return args[1]


@method("Module", "class_variable_defined?", arity=1)
def mod_cvar_defined(vm, self, args, blk):
    sid = _sym_arg(vm, args[0])
    _check_cvar_name(vm, sid)
    return TRUE if vm.cv_defined(vm.obj(self), sid) else FALSE


@method("Module", "class_variables", arity=(0, 1))
def mod_cvars(vm, self, args, blk):
    out = []
    c = vm.obj(self)
    while c is not None:
        for sid in iv_table_order(vm, c):
            if vm.syms[sid].startswith("@@"):
                out.append(abi.symbol_word(sid))
        c = c.superclass
    return vm.ary_new(out)


@method("Module", "remove_class_variable", arity=1)
def mod_remove_cvar(vm, self, args, blk):
    sid = _sym_arg(vm, args[0])
    _check_cvar_name(vm, sid)
    c = vm.obj(self)
    if c.frozen:            # mrb_iv_remove checks before looking
        vm.frozen_error(self)
    if sid in c.ivars:
        return c.ivars.pop(sid)
    if vm.cv_defined(c, sid):
        vm.raise_name_error(f"cannot remove {vm.syms[sid]} for {vm.class_name(c)}", sid)
    vm.raise_name_error(f"class variable {vm.syms[sid]} not defined for {vm.class_name(c)}",
                        sid)


def _cmp_mod(vm, self, other):
    a = vm.obj(self)
    if not vm.is_class(other):
        vm.raise_error(vm.c_TypeError, "compared with non class/module")
    b = vm.obj(other)
    if a is b:
        return 0
    if vm.class_le(a, b):
        return -1
    if vm.class_le(b, a):
        return 1
    return None


@method("Module", "<", arity=1)
def mod_lt(vm, self, args, blk):
    r = _cmp_mod(vm, self, args[0])
    return NIL if r is None else (TRUE if r < 0 else FALSE)


@method("Module", "<=", arity=1)
def mod_le(vm, self, args, blk):
    r = _cmp_mod(vm, self, args[0])
    return NIL if r is None else (TRUE if r <= 0 else FALSE)


@method("Module", ">", arity=1)
def mod_gt(vm, self, args, blk):
    r = _cmp_mod(vm, self, args[0])
    return NIL if r is None else (TRUE if r > 0 else FALSE)


@method("Module", ">=", arity=1)
def mod_ge(vm, self, args, blk):
    r = _cmp_mod(vm, self, args[0])
    return NIL if r is None else (TRUE if r >= 0 else FALSE)


@method("Module", "<=>", arity=1)
def mod_cmp(vm, self, args, blk):
    if not vm.is_class(args[0]):
        return NIL
    r = _cmp_mod(vm, self, args[0])
    return NIL if r is None else abi.fixnum(r)


@method("Module", "singleton_class?", arity=0)
def mod_singleton_class_p(vm, self, args, blk):
    return TRUE if vm.obj(self).tt == TT_SCLASS else FALSE


@method("Module", "initialize", arity=0, visibility="private")
def mod_initialize(vm, self, args, blk):
    if blk != NIL:
        vm.eval_under(self, blk, vm.obj(self), [self])
    return self


@smethod("Module", "new", arity=0)
def mod_new(vm, self, args, blk):
    m = vm.new_module(None)
    vm.set_class(m, vm.obj(self))
    w = m.word
    vm.funcall(w, vm.SYM_initialize, [], blk)
    return w


# -------------------------------------------------------------------- Class
@method("Class", "new", arity=-1)
def cls_new(vm, self, args, blk):
    # mruby 3.1's Class#new is bytecode (class.c new_iseq): SEND :allocate,
    # then SSENDB :initialize with the arguments, keywords and block
    kw = vm.passed_kw()
    m, _ = vm.find_method(vm.class_of(self), vm.intern("allocate"))
    if m is not None and m.fn is cls_allocate:
        o = vm.allocate(vm.obj(self))
    else:
        o = vm.funcall(self, "allocate")
    vm.funcall(o, vm.SYM_initialize, args, blk, kw=kw)
    return o


@method("Class", "allocate", arity=0)
def cls_allocate(vm, self, args, blk):
    return vm.allocate(vm.obj(self))


@method("Class", "superclass", arity=0)
def cls_superclass(vm, self, args, blk):
    c = vm.obj(self).superclass
    while c is not None and c.tt == TT_ICLASS:
        c = c.superclass
    return c.word if c is not None else NIL


@smethod("Class", "new", arity=(0, 1))
def cls_s_new(vm, self, args, blk):
    sup = args[0] if args else vm.c_Object.word
    if not vm.is_class(sup) or vm.obj(sup).tt != TT_CLASS:
        vm.raise_error(vm.c_TypeError, f"superclass must be a Class ({vm.inspect(sup).decode()} "
                       "given)")
    c = vm.new_class(None, vm.obj(sup), vm.c_Object)
    c.outer = None
    vm.class_inherited(vm.obj(sup), c)
    if blk != NIL:
        vm.eval_under(c.word, blk, c, [c.word])
    return c.word


@method("Class", "initialize", arity=(0, 1), visibility="private")
def cls_initialize(vm, self, args, blk):
    return self


def init(vm):
    # mrb_init_class: Class undefines the Module methods that make no sense
    # for a class
    for name in ("append_features", "prepend_features", "extend_object", "module_function"):
        vm.add_method(vm.c_Class, vm.intern(name), None)
