"""Symbol: mruby 3.1's src/symbol.c, mrblib/symbol.rb and mruby-symbol-ext.

Debian's build has no MRB_UTF8_STRING and no MRB_USE_ALL_SYMBOLS: lengths
count bytes and there is no ``Symbol.all_symbols``.  ``Symbol.new`` is
undefined.
"""

from __future__ import annotations

from riteload.symbol import symname_p
from runtime import abi
from runtime.defs import method
from runtime.frames import CINFO_SKIP, Frame
from runtime.objects import RProc

from ..abi import CALL_MAXARGS
from .string import _rb_argc, mrblib_signature, str_escape

NIL = abi.NIL
TRUE = abi.TRUE
FALSE = abi.FALSE


def _name(vm, w) -> bytes:
    return vm.sym_bytes(w >> 8)


def sym_inspect_bytes(name: bytes) -> bytes:
    """Symbol#inspect of a symbol named ``name``."""
    if symname_p(name) and b"\0" not in name:
        return b":" + name
    return b':"' + str_escape(name)[1:]


@method("Symbol", "to_s", arity=0)
def sym_to_s(vm, self, args, blk):
    return vm.str_new(_name(vm, self))


@method("Symbol", "name", arity=0)
def sym_name(vm, self, args, blk):
    w = vm.str_new(_name(vm, self))
    vm.obj(w).frozen = True
    return w


@method("Symbol", "intern", arity=0)
@method("Symbol", "to_sym", arity=0)
def sym_to_sym(vm, self, args, blk):
    return self


@method("Symbol", "inspect", arity=0)
def sym_inspect(vm, self, args, blk):
    return vm.str_new(sym_inspect_bytes(_name(vm, self)))


def _cmp_bytes(a, b):
    if a == b:
        return 0
    return -1 if a < b else 1


@method("Symbol", "<=>", arity=1)
def sym_cmp(vm, self, args, blk):
    o = args[0]
    if not vm.is_sym(o):
        return NIL
    if o == self:
        return abi.fixnum(0)
    return abi.fixnum(_cmp_bytes(_name(vm, self), _name(vm, o)))


@method("Symbol", "size", arity=0)
@method("Symbol", "length", arity=0)
def sym_length(vm, self, args, blk):
    return abi.fixnum(len(_name(vm, self)))


@method("Symbol", "empty?", arity=-1)
def sym_empty_p(vm, self, args, blk):
    _rb_argc(vm, args, 0)
    return TRUE if not _name(vm, self) else FALSE


def _capitalize(b):
    return b[:1].upper() + b[1:].lower()


@method("Symbol", "capitalize", arity=-1)
def sym_capitalize(vm, self, args, blk):
    _rb_argc(vm, args, 0)
    return vm.sym(_capitalize(_name(vm, self)))


@method("Symbol", "downcase", arity=-1)
def sym_downcase(vm, self, args, blk):
    _rb_argc(vm, args, 0)
    return vm.sym(_name(vm, self).lower())


@method("Symbol", "upcase", arity=-1)
def sym_upcase(vm, self, args, blk):
    _rb_argc(vm, args, 0)
    return vm.sym(_name(vm, self).upper())


def _casecmp(vm, self, other):
    if not vm.is_sym(other):
        return None
    # lhs.upcase! <=> rhs.upcase (String#<=>: unsigned bytes)
    return _cmp_bytes(_name(vm, self).upper(), _name(vm, other).upper())


@method("Symbol", "casecmp", arity=-1)
def sym_casecmp(vm, self, args, blk):
    _rb_argc(vm, args, 1)
    c = _casecmp(vm, self, args[0])
    return NIL if c is None else abi.fixnum(c)


@method("Symbol", "casecmp?", arity=-1)
def sym_casecmp_p(vm, self, args, blk):
    _rb_argc(vm, args, 1)
    c = _casecmp(vm, self, args[0])
    if c is None:
        return NIL
    return TRUE if c == 0 else FALSE


def _make_sym_proc(vm, sym_w):
    mid = sym_w >> 8

    def body(vm, self, args, blk):
        # ->(obj, *args, **opts, &block) { obj.__send__(self, *args, **opts, &block) }
        f = vm.frames[-1] if vm.frames else None
        if f is not None and f.irep is None and f.mid == vm.SYM_call:
            # Proc#call names the builtin frame `call`; mruby's lambda frame
            # carries the name of the method that made it
            f.mid = p.fn_mid
            vm.ci[f.index].mid = p.fn_mid
        if not args:
            vm.argc_error(0, 1, 1)
        obj = args[0]
        m, _ = vm.find_method(vm.class_of(obj), mid)
        if m is not None:
            # __send__ hands over to the method (no frame of its own)
            return vm.funcall(obj, mid, args[1:], blk)
        # a missing method is reported from inside __send__
        frame = Frame(vm.intern("__send__"), None, vm.stack_top(),
                      min(len(args) - 1, CALL_MAXARGS), 0,
                      None, CINFO_SKIP)
        frame.nregs = 3
        vm.push_frame(frame)
        try:
            return vm.funcall(obj, mid, args[1:], blk)
        finally:
            vm.pop_frame(frame)

    p = RProc(vm.c_Proc, fn=body)
    p.strict = True
    p.self_word = sym_w
    p.arity_override = -2
    p.fn_mid = vm.intern("to_proc")     # the lambda's frames are named after to_proc
    p.params = (("req", "obj"), ("rest", "args"), ("keyrest", "opts"), ("block", "block"))
    return vm.alloc(p)


@method("Symbol", "to_proc", arity=-1)
def sym_to_proc(vm, self, args, blk):
    _rb_argc(vm, args, 0)
    return _make_sym_proc(vm, self)


for _fn, _params in ((sym_capitalize, ()), (sym_downcase, ()), (sym_upcase, ()),
                     (sym_empty_p, ()), (sym_to_proc, ()),
                     (sym_casecmp, (("req", "other"),)), (sym_casecmp_p, (("req", "sym"),))):
    mrblib_signature(_fn, *_params)


def init(vm):
    # mruby-symbol-ext: class Symbol; include Comparable; end
    if vm.c_Comparable not in vm.ancestors(vm.c_Symbol):
        vm.include_module(vm.c_Symbol, vm.c_Comparable)
    # mrb_undef_class_method(mrb, sym, "new")
    sc = vm.singleton_class(vm.c_Symbol.word)
    vm.add_method(sc, vm.intern("new"), None)
    vm.invalidate()


