"""mruby 4.0: Binding (the mruby-binding gem of 4.0.0's default build,
``mrbgems/mruby-binding/src/binding.c``) and Kernel#caller
(mruby-kernel-ext ``mrb_f_caller`` over 4.0's backtrace).

``binding`` captures the calling Ruby frame: its proc (the scopes whose
local variables it sees, innermost first, up to the method or top level),
its env, self and where it was called.  mruby wraps the proc in a "local
variable space" of its own (``binding_wrap_lvspace``): the variables
``local_variable_set`` adds that no scope has live there, seen before the
captured scopes'.  ``BindingData.names``/``values`` are that space.

``eval(string, binding)`` and Binding#eval (mruby-eval) run the string
as a block of the space, self the binding's receiver; the variables the
string assigns join the space first (``binding_eval_prepare``), so they
outlive the eval.
"""

from __future__ import annotations

from riteload.model import Irep
from riteload.opcodes import table_for
from runtime import abi
from runtime.backtrace import _file_of, _line_of
from runtime.core import eval as eval31
from runtime.core.kernel import _sym_arg
from runtime.defs import method, module_function
from runtime.objects import RData, REnv, RProc

NIL = abi.NIL


class BindingData:
    """The binding's local variable space (``lvproc``: a proc whose irep
    holds the space's names, its upper the proc it wraps, at first the
    caller's; ``lvenv``: their values after self, the upper env the
    caller's), self and the instruction index of the call (or None)."""
    __slots__ = ("lvproc", "lvenv", "recv", "pc")

    def __init__(self, vm, upper, env, recv, pc):
        self.recv = recv
        self.pc = pc
        self.wrap(vm, upper, env)

    def wrap(self, vm, upper, env) -> None:
        """binding_wrap_lvspace: a new, empty space over ``upper``/``env``."""
        irep = Irep(1, 1, b"", lvars=[])
        irep.iseq = bytes((table_for(irep.format_version).number("RETURN"), 0))
        self.lvproc = lv = RProc(vm.c_Proc, irep)
        lv.upper = upper
        lv.env = env
        vm.alloc(lv)
        self.lvenv = e = REnv.detached(vm, 0, upper.target_class)
        e.values = [self.recv]
        e.length = 1

    def merge(self, vm, names: list[str], values: list[int]) -> None:
        """mrb_proc_merge_lvar: more variables in the space."""
        irep = self.lvproc.irep
        irep.lvars = list(irep.lvars) + names
        irep.nlocals = irep.nregs = irep.nlocals + len(names)
        self.lvenv.values.extend(values)
        self.lvenv.length = irep.nlocals


def _data(vm, w) -> BindingData:
    """binding_type_ensure."""
    o = vm.obj(w) if w & abi.OBJECT_MASK == abi.OBJECT_TAG else None
    if type(o) is not RData or not isinstance(o.data, BindingData):
        vm.raise_error(vm.c_TypeError, "not a binding")
    return o.data


@method("Kernel", "binding", arity=0)
def f_binding(vm, self, args, blk):
    frames = vm.frames
    caller = frames[-2] if len(frames) >= 2 else None
    p = caller.proc if caller is not None else None
    if p is None or p.irep is None:
        vm.raise_error(vm.c_RuntimeError, "Cannot create Binding object for non-Ruby caller")
    pc = caller.pc - 1 if caller.pc > 0 else None
    return vm.data_new(vm.cls("Binding"), BindingData(vm, p, vm.env_of(caller), self, pc))


def _name_check(vm, sid: int) -> None:
    """binding_local_variable_name_check: a local variable's name."""
    name = vm.syms[sid]
    ok = bool(name) and (not name[0].isascii() or name[0] == "_" or name[0].islower())
    ok = ok and all(not c.isascii() or c == "_" or c.isalnum() for c in name[1:])
    if not ok:
        vm.raise_name_error(f"wrong local variable name {vm.inspect(abi.symbol_word(sid)).decode()}"
                            " for binding", sid)


def _scopes(d: BindingData):
    """(proc, env) of the space and of each scope out to the first method
    or top level, innermost first."""
    p, e = d.lvproc, d.lvenv
    while p is not None and p.irep is not None:
        yield p, e
        if p.scope:
            break
        e = p.env
        p = p.upper


def _search(vm, d: BindingData, sid: int):
    """binding_local_variable_search: (env, index) of the variable, or
    None when no scope has it (or its env is too short)."""
    _name_check(vm, sid)
    name = vm.syms[sid]
    for p, e in _scopes(d):
        irep = p.irep
        for i, n in enumerate(irep.lvars or ()):
            if i + 1 >= irep.nlocals:
                break
            if n == name:
                return (e, i + 1) if e is not None and e.length > i else None
    return None


def _lookup(vm, self, w):
    """(the binding's data, the name's symbol id, where the variable is or None)."""
    d = _data(vm, self)
    sid = _sym_arg(vm, w)
    return d, sid, _search(vm, d, sid)


@method("Binding", "local_variable_defined?", arity=1)
def binding_local_variable_defined_p(vm, self, args, blk):
    return abi.TRUE if _lookup(vm, self, args[0])[2] is not None else abi.FALSE


@method("Binding", "local_variable_get", arity=1)
def binding_local_variable_get(vm, self, args, blk):
    _d, sid, ref = _lookup(vm, self, args[0])
    if ref is None:
        vm.raise_name_error(f"local variable {vm.inspect(abi.symbol_word(sid)).decode()} "
                            "is not defined", sid)
    return ref[0].get(ref[1])


@method("Binding", "local_variable_set", arity=2)
def binding_local_variable_set(vm, self, args, blk):
    d, sid, ref = _lookup(vm, self, args[0])
    if ref is None:
        d.merge(vm, [vm.syms[sid]], [args[1]])
    else:
        ref[0].set(ref[1], args[1])
    return args[1]


@method("Binding", "local_variables", arity=0)
def binding_local_variables(vm, self, args, blk):
    """mrb_proc_local_variables of the space: its names, then each scope's
    (``*`` and ``&`` left out), each name once."""
    seen: dict[int, None] = {}
    for p, _e in _scopes(_data(vm, self)):
        irep = p.irep
        for i, n in enumerate(irep.lvars or ()):
            if i + 1 >= irep.nlocals:
                break
            if n and n[0] not in "*&":
                seen.setdefault(vm.intern(n), None)
    return vm.ary_new([abi.symbol_word(s) for s in seen])


@method("Binding", "receiver", arity=0)
def binding_receiver(vm, self, args, blk):
    return _data(vm, self).recv


@method("Binding", "source_location", arity=0)
def binding_source_location(vm, self, args, blk):
    """[file, line] of the call of ``binding`` (nil without debug info)."""
    d = _data(vm, self)
    irep = d.lvproc.upper.irep
    if d.pc is None or irep.debug is None:
        return NIL
    file = _file_of(irep, d.pc)
    if file is None:
        return NIL
    return vm.ary_new([vm.str_new(file), vm.int_new(max(_line_of(irep, d.pc), 0))])


@method("Binding", "inspect", arity=0)
def binding_inspect(vm, self, args, blk):
    return vm.str_new(vm.any_to_s_str(self))


@method("Binding", "initialize_copy", arity=1, visibility="private")
def binding_initialize_copy(vm, self, args, blk):
    """A space of its own over the source's (binding_initialize_copy wraps
    both in a new one: what either sets later the other does not see)."""
    src = _data(vm, args[0])
    o = vm.obj(self)
    if o.frozen:
        vm.frozen_error(self)
    if src.lvenv.length < 2:
        # the source's space is empty: the copy's wraps what it wraps
        o.data = BindingData(vm, src.lvproc.upper, src.lvproc.env, src.recv, src.pc)
    else:
        o.data = BindingData(vm, src.lvproc, src.lvenv, src.recv, src.pc)
        src.wrap(vm, src.lvproc, src.lvenv)
    return self


def binding_eval(vm, d: BindingData, src: bytes, file, line: int) -> int:
    """f_eval with a binding: the string's own top-level variables are
    merged into the space (as nil) before it runs, then it runs there."""
    scope = d.lvproc
    irep = eval31.compile_string(vm, src, eval31.check_file(vm, file), line,
                                 eval31.scope_ireps(scope))
    known = {n for p, _e in _scopes(d) for n in (p.irep.lvars or ())}
    new = [n for n in eval31._names(irep) if n is not None and n not in known]
    if new:
        d.merge(vm, new, [NIL] * len(new))
    return eval31.eval_in(vm, d.recv, src, file, line, scope, d.lvenv)


@module_function("Kernel", "eval", arity=(1, 4))
def f_eval(vm, self, args, blk):
    """f_eval: eval(string, binding = nil, file = "(eval)", line = 1)."""
    src, binding, file, line = eval31._string_args(vm, args, True)
    if binding == NIL:
        return eval31.eval_under(vm, self, src, file, line)
    o = vm.obj(binding) if binding & abi.OBJECT_MASK == abi.OBJECT_TAG else None
    if type(o) is not RData or not isinstance(o.data, BindingData):
        # binding_eval_prepare reads the hidden ``proc`` of any object first
        # (mrb_binding_extract_proc: nil is no Proc)
        vm.raise_error(vm.c_TypeError, "wrong argument type nil (expected Proc)")
    return binding_eval(vm, o.data, src, file, line)


f_eval.getargs = eval31.k_eval.getargs


@method("Binding", "eval", arity=-1)
def binding_eval_m(vm, self, args, blk):
    """mrb_binding_eval: eval(string, self, file, line)."""
    return f_eval(vm, self, args[:1] + [self] + args[1:], blk)


@method("Kernel", "caller", arity=-1, visibility="private")
def f_caller(vm, self, args, blk):
    """mrb_f_caller ("|oi"): the backtrace 4.0 packs (frames without debug
    info left out), from ``lev`` (1: the caller's caller), ``n`` lines;
    nil when ``lev`` is past its end."""
    from runtime.core.numeric import as_int
    from runtime.core.range import range_beg_len
    if len(args) > 2:
        vm.argc_error(len(args), 0, 2)
    bt = vm.backtrace_strings(vm.backtrace_locations())
    bt_len = len(bt)
    if not args:
        lev, n = 1, bt_len - 1
    elif len(args) == 1:
        v = args[0]
        if vm.is_range(v):
            r = range_beg_len(vm, v, bt_len, True)
            if r is None:
                return NIL
            lev, n = r
        else:
            lev = as_int(vm, v)
            if lev < 0:
                vm.raise_error(vm.c_ArgumentError, b"negative level (" + vm.to_s(v) + b")")
            n = bt_len - lev
    else:
        lev, n = as_int(vm, args[0]), as_int(vm, args[1])
    if lev >= bt_len:
        return NIL
    if lev < 0:
        vm.raise_error(vm.c_ArgumentError, b"negative level (" + vm.to_s(args[0]) + b")")
    if n < 0:
        vm.raise_error(vm.c_ArgumentError, f"negative size ({n})")
    if n == 0:
        return vm.ary_new()
    if bt_len <= n + lev:
        n = bt_len - lev - 1
    return vm.ary_new([vm.str_new(s) for s in bt[lev + 1:lev + 1 + n]])


def setup(vm):
    vm.define_class("Binding", vm.c_Object).instance_type = RData


def init(vm):
    sc = vm.singleton_class(vm.cls("Binding").word)
    for name in ("new", "allocate"):
        vm.add_method(sc, vm.intern(name), None)
