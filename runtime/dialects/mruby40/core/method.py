"""mruby 4.0: Method#arity/#parameters and Proc#parameters.

- a builtin standing for a method 4.0.0 writes in Ruby reports that
  method's parameters (``mrblib40.MRBLIB40``); one written in C reports
  arity -1 and no parameters (mruby-proc-ext: "cfunc aspec is not
  implemented");
- Proc#parameters (mruby-proc-ext ``mrb_proc_parameters``) reads the names
  from the local variable table as 4.0.0 lays it out: it counts up to the
  number of parameters (not ``nlocals - 1``), lists anonymous names as
  they are (``:*``, ``:**``, ``:&``), and names the block parameter after
  the variable past its slot when the slot has none.
"""

from __future__ import annotations

from runtime import abi
from runtime.core.method import _entry_proc, _ref
from runtime.core.proc import irep_source_location
from runtime.defs import method
from runtime.mrblib_params import params_arity
from runtime.objects import TT_ICLASS, TT_SCLASS, RProc

from ..mrblib40 import MRBLIB40


def mrblib40_params(vm, r):
    """The parameters of the 4.0.0 mrblib method a builtin stands for, or None."""
    if r.entry is None:
        return None
    owner = r.owner
    if owner.tt == TT_ICLASS:
        owner = owner.module
    name = vm.sym_name(r.name)
    if owner.tt == TT_SCLASS:
        att = owner.attached
        if att is None or not vm.is_class(att):
            return None
        return MRBLIB40.get(f"{vm.class_name(vm.obj(att))}.{name}")
    return MRBLIB40.get(f"{vm.class_name(owner)}#{name}")


def _pairs(vm, params) -> int:
    return vm.ary_new([vm.ary_new([vm.sym(k)] + ([vm.sym(n)] if n else []))
                       for k, n in params])


@method("Method", "arity", arity=0)
@method("UnboundMethod", "arity", arity=0)
def meth_arity(vm, self, args, blk):
    r = _ref(vm, self)
    p = _entry_proc(r)
    if p is None:
        params = mrblib40_params(vm, r)
        return abi.fixnum(-1 if params is None else params_arity(params))
    return abi.fixnum(vm.proc_arity(p))


@method("Method", "parameters", arity=0)
@method("UnboundMethod", "parameters", arity=0)
def meth_parameters(vm, self, args, blk):
    r = _ref(vm, self)
    p = _entry_proc(r)
    if r.entry is None:
        return vm.ary_new([vm.ary_new([vm.sym("rest")])])
    if p is None:
        return _pairs(vm, mrblib40_params(vm, r) or ())
    return proc_parameters40(vm, p)


def proc_parameters40(vm, p: RProc) -> int:
    """mrb_proc_parameters of 4.0.0's mruby-proc-ext."""
    irep = p.irep
    if irep is None and p.params is not None:
        return _pairs(vm, p.params)
    if irep is None or not irep.lvars:
        return vm.ary_new()
    ins = irep.instructions
    if not ins or ins[0].name != "ENTER":
        return vm.ary_new()
    a = ins[0].a
    req = "req" if p.strict else "opt"
    kinds = [(req, (a >> 18) & 0x1F), ("opt", (a >> 13) & 0x1F), ("rest", (a >> 12) & 1),
             (req, (a >> 7) & 0x1F), ("keyrest", (a >> 1) & 1), ("block", a & 1),
             ("key", (a >> 2) & 0x1F)]
    mx = sum(size for _, size in kinds)
    lv = irep.lvars

    def name_at(i):
        return lv[i] if 0 <= i < len(lv) else None

    out = []
    krest = block = None
    i = 0
    for kind, size in kinds:
        for _ in range(size):
            item = [vm.sym(kind)]
            if i < mx and name_at(i):
                item.append(vm.sym(name_at(i)))
            if kind == "block":
                if name_at(i + 1):
                    item.append(vm.sym(name_at(i + 1)))
                block = item
            elif kind == "keyrest":
                krest = item
            else:
                out.append(vm.ary_new(item))
            i += 1
        if size == 0 and kind == "block":
            i += 1          # the empty block slot
    if krest is not None:
        out.append(vm.ary_new(krest))
    if block is not None:
        out.append(vm.ary_new(block))
    return vm.ary_new(out)


@method("Proc", "parameters", arity=0)
def proc_parameters_m(vm, self, args, blk):
    return proc_parameters40(vm, vm.obj(self))


def _as_str(vm, w) -> str:
    return vm.str_bytes_of(vm.obj_as_string(w)).decode("utf-8", "replace")


@method("Method", "inspect", arity=0, aliases=("to_s",))
@method("UnboundMethod", "inspect", arity=0, aliases=("to_s",))
def meth_inspect(vm, self, args, blk):
    """4.0's method_to_s: a singleton method of a bound receiver as
    ``recv.name``; else ``Owner#name``, or ``Class(Owner)#name`` (the
    searched class's real class) when another class holds it; then an
    alias's original name in parentheses and, with debug info, the body's
    ``file:line``."""
    r = _ref(vm, self)
    name = vm.sym_name(r.name)
    head = f"#<{vm.class_name(vm.real_class(self))}: "
    owner = r.owner
    if owner.tt == TT_SCLASS and r.recv is not None:
        s = f"{head}{_as_str(vm, r.recv)}.{name}"
    else:
        rk = r.klass
        real = rk
        while real.tt in (TT_SCLASS, TT_ICLASS):
            real = real.superclass
        if owner is rk or owner is real:
            s = f"{head}{_as_str(vm, owner.word)}#{name}"
        else:
            s = f"{head}{_as_str(vm, real.word)}({_as_str(vm, owner.word)})#{name}"
    m = r.entry
    if m is not None and m.alias_mid:
        s += f"({vm.sym_name(m.alias_mid)})"
    p = _entry_proc(r)
    if p is not None and p.irep is not None:
        loc = irep_source_location(vm, p.irep)
        if loc != abi.NIL:
            f, line = vm.obj(loc).items
            s += f" {vm.to_s(f).decode('utf-8', 'replace')}:{vm.int_value(line)}"
    return vm.str_new(s + ">")


def alias_entry(vm, m, old_id: int):
    """4.0's mrb_alias_method: an alias of a Ruby-level method (a def or a
    define_method block, not yet an alias) is an alias proc (MRB_PROC_ALIAS)
    naming the original; calling it runs the method under the original's
    name (MRB_PROC_RESOLVE_ALIAS: ``__callee__``, backtraces).  A builtin,
    or an alias already, is aliased as it is."""
    p = m.proc
    if p is None or p.irep is None or m.alias_mid:
        return m
    return m.copy(alias_mid=old_id)


VM_OVERRIDES = {"alias_entry": alias_entry}
