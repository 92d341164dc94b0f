"""Proc: mruby 3.1's proc.c and mruby-proc-ext (``Proc#curry``, ``<<``,
``>>``, ``inspect``, ``source_location``...).  ``Proc#call`` and ``Proc#[]``
are run by the VM itself (``proc_call_special``), as OP_CALL does.
``Proc#parameters`` lives with Method in ``method.py``.
"""

from __future__ import annotations

from .. import abi
from ..defs import method, smethod
from ..objects import MethodEntry, RProc
from .method import FORWARD_PARAMS

NIL = abi.NIL


def proc_call_special(vm, base, recv, m, owner, mid, n, nk, blk):
    """Proc#call as OP_CALL runs it: the call frame becomes the block's frame."""
    p = vm.obj(recv)
    if p.irep is None:
        args = vm.collect_args(base, n, nk)
        if p.fn is not None:
            kw = nk != 0 and bool(args) and vm.is_hash(args[-1])
            return vm.call_proc_fn(p, p.self_word, args, blk, kw=kw)
        return NIL
    if p.env is not None:
        vm.stack[base] = p.env.get(0)
    else:
        vm.stack[base] = p.self_word
    return vm.run_proc_at(p, base, n, nk)


@smethod("Proc", "new", arity=0)
def proc_s_new(vm, self, args, blk):
    if blk == NIL:
        vm.raise_error(vm.c_ArgumentError, "no block given")    # mrb_get_args "&!"
    p = vm.obj(blk)
    if vm.obj(self) is vm.c_Proc:
        return blk
    np = RProc(vm.obj(self), p.irep, p.fn)
    for f in ("upper", "env", "_target_class", "self_word", "rt", "strict", "scope"):
        setattr(np, f, getattr(p, f))
    w = vm.alloc(np)
    vm.funcall(w, vm.SYM_initialize)
    return w


def _compose(vm, first, second, name):
    def body(vm2, s, a, b):
        return vm2.funcall(second, "call", [vm2.funcall(first, "call", a, b)])
    p = RProc(vm.c_Proc, None, body)
    p.fn_mid = vm.intern(name)      # mrblib's lambda runs in a frame named << / >>
    p.strict = True
    p.arity_override = -1
    p.params = FORWARD_PARAMS
    return vm.alloc(p)


@method("Proc", ">>", arity=1)
def proc_rshift(vm, self, args, blk):
    return _compose(vm, self, args[0], ">>")


@method("Proc", "<<", arity=1)
def proc_lshift(vm, self, args, blk):
    return _compose(vm, args[0], self, "<<")


@method("Proc", "===", arity=-1, aliases=("yield",))
def proc_eqq(vm, self, args, blk):
    # mruby-proc-ext mrblib: def ===(*args) call(*args) end
    return vm.funcall(self, "call", args, blk)


@method("Proc", "curry", arity=(0, 1))
def proc_curry(vm, self, args, blk):
    """mruby-proc-ext's Proc#curry."""
    p = vm.obj(self)

    def absa(a):
        return -a - 1 if a < 0 else a
    arity = absa(vm.to_int(args[0]) if args else vm.proc_arity(p))
    strict = p.strict
    if strict:
        sa = vm.proc_arity(p)
        if (sa >= 0 and arity != sa) or (sa < 0 and absa(sa) > arity):
            vm.raise_error(vm.c_ArgumentError,
                           f"wrong number of arguments (given {arity}, expected {absa(sa)})")

    def make(given):
        def body(vm2, s, a, b):
            new_args = given + list(a)
            if len(new_args) >= arity:
                return vm2.funcall(self, "[]", new_args)
            return make(new_args)
        w = vm.make_builtin_proc(body, strict=strict, mid="curry")
        vm.obj(w).arity_override = -1
        vm.obj(w).params = (("rest", "args"),)
        return w
    return make([])


@method("Proc", "lambda?", arity=0)
def proc_lambda_p(vm, self, args, blk):
    return vm.bool(vm.obj(self).strict)


@method("Proc", "to_proc", arity=0)
def proc_to_proc(vm, self, args, blk):
    return self


@method("Proc", "arity", arity=0)
def proc_arity(vm, self, args, blk):
    return abi.fixnum(vm.proc_arity(vm.obj(self)))


@method("Proc", "inspect", arity=0, aliases=("to_s",))
def proc_inspect(vm, self, args, blk):
    """mrb_proc_inspect (mruby-proc-ext)."""
    p = vm.obj(self)
    s = f"#<Proc:0x{vm.fake_address(p):x}"
    if p.irep is not None:
        fname, line = _irep_location(p.irep)
        s += f"@{fname or '-'}:{line if line != -1 else '-'}"
    elif p.fn is not None:
        # a builtin body stands for a block of mrblib (Symbol#to_proc,
        # Proc#curry, Method#to_proc...), compiled without debug info
        s += "@-:-"
    if p.strict:
        s += " (lambda)"
    return vm.str_new(s + ">")


def _irep_location(irep):
    d = irep.debug
    if d is None:
        return None, -1
    fname, line = d.location(0)
    return fname, (line if line is not None else -1)


@method("Proc", "source_location", arity=0)
def proc_source_location(vm, self, args, blk):
    p = vm.obj(self)
    if p.irep is None:
        return NIL
    return irep_source_location(vm, p.irep)


def irep_source_location(vm, irep):
    """mrb_proc_source_location of a Ruby proc: [file, line] of its first
    instruction, nil without debug info."""
    fname, line = _irep_location(irep)
    if fname is None and line == -1:
        return NIL
    return vm.ary_new([vm.str_new(fname or ""), vm.int_new(line)])


@method("Proc", "initialize_copy", arity=1, visibility="private")
def proc_initialize_copy(vm, self, args, blk):
    """mrb_proc_init_copy: a proc that has a body already keeps it."""
    if not vm.is_proc(args[0]):
        vm.raise_error(vm.c_ArgumentError, "not a proc")
    d = vm.obj(self)
    if d.irep is None and d.fn is None:
        s = vm.obj(args[0])
        for f in ("irep", "fn", "upper", "env", "strict", "scope", "orphan", "self_word", "rt",
                  "arity_override", "fn_mid"):
            setattr(d, f, getattr(s, f))
    return self



def init(vm):
    for name in ("call", "[]"):
        sid = vm.intern(name)
        vm.add_method(vm.c_Proc, sid, MethodEntry(sid, special=proc_call_special))
