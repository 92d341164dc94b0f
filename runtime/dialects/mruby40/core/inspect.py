"""mruby 4.0: Array#inspect, Hash#inspect and Struct#inspect are C
functions (array.c ``mrb_ary_to_s``, hash.c ``mrb_hash_to_s``, struct.c
``mrb_struct_to_s``), no longer mrblib's ``_inspect(recur_list)``.

A Hash lists a Symbol key as ``key: value`` (the Symbol's to_s) and any
other key as ``key.inspect => value``: ``{a: 1, "b" => 2}``.  A container
met again inside its own inspect prints ``[...]`` / ``{...}``
(``MRB_RECURSIVE_UNARY_P``: an ``inspect`` of the same object still running).
"""

from __future__ import annotations

from runtime import abi
from runtime.abi import OBJECT_SHIFT
from runtime.defs import method

#: the mrblib helpers mruby 4.0 no longer has
REMOVED = (("Array", "_inspect"), ("Hash", "_inspect"), ("Struct", "_inspect"))


class _Running:
    """The objects whose inspect is running (mrb_recursive_method_p)."""

    def __init__(self, vm, w):
        self.vm, self.key = vm, w >> OBJECT_SHIFT
        running = vm.__dict__.setdefault("inspect_running", set())
        self.again = self.key in running
        self.running = running

    def __enter__(self):
        if not self.again:
            self.running.add(self.key)
        return self

    def __exit__(self, *exc):
        if not self.again:
            self.running.discard(self.key)
        return False


def _as_inspect(vm):
    # mrb->c->ci->mid = MRB_SYM(inspect): to_s shows as inspect in backtraces
    if vm.frames:
        vm.frames[-1].mid = vm.SYM_inspect


@method("Array", "inspect", arity=0, aliases=("to_s",))
def ary_to_s(vm, self, args, blk):
    _as_inspect(vm)
    with _Running(vm, self) as r:
        if r.again:
            return vm.str_new(b"[...]")
        out = bytearray(b"[")
        items = vm.obj(self).items
        i = 0
        while i < len(items):           # re-read: an inspect may change the array
            if i:
                out += b", "
            out += vm.inspect(items[i])
            i += 1
    out += b"]"
    return vm.str_new(bytes(out))


@method("Hash", "inspect", arity=0, aliases=("to_s",))
def hash_to_s(vm, self, args, blk):
    _as_inspect(vm)
    with _Running(vm, self) as r:
        if r.again:
            return vm.str_new(b"{...}")
        out = bytearray(b"{")
        for i, (k, v) in enumerate(list(vm.obj(self).items())):
            if i:
                out += b", "
            if vm.is_sym(k):
                out += vm.sym_name(k >> 8).encode("utf-8", "surrogateescape") + b": "
            else:
                out += vm.inspect(k) + b" => "
            out += vm.inspect(v)
    out += b"}"
    return vm.str_new(bytes(out))


@method("Struct", "inspect", arity=0, aliases=("to_s",))
def struct_to_s(vm, self, args, blk):
    """mrb_struct_to_s: ``#<struct Name a=1>``; an anonymous class has no
    name, a struct met again inside its own inspect prints ``...>``."""
    from runtime.core.struct import class_members, values
    _as_inspect(vm)
    out = bytearray(b"#<struct ")
    cls = vm.real_class(self)
    if cls.name is not None:
        out += vm.class_name(cls).encode("utf-8", "surrogateescape") + b" "
    with _Running(vm, self) as r:
        if r.again:
            return vm.str_new(bytes(out) + b"...>")
        vals = values(vm, self)
        for i, m in enumerate(class_members(vm, cls)):
            if i:
                out += b", "
            out += vm.sym_bytes(m) + b"=" + vm.inspect(vals[i] if i < len(vals) else abi.NIL)
    out += b">"
    return vm.str_new(bytes(out))


def recursive_method(vm, mid: int, w: int) -> bool:
    """MRB_RECURSIVE_UNARY_P (kernel.c mrb_recursive_method_p): is a call
    of ``mid`` on ``w`` running below the current one?"""
    st = vm.stack
    frames = vm.frames
    for i in range(len(frames) - 2, -1, -1):
        f = frames[i]
        if f.mid == mid and st[f.base] == w:
            return True
    return False


@method("Kernel", "inspect", arity=0)
def obj_inspect(vm, self, args, blk):
    """mrb_obj_inspect: a plain object whose to_s is Kernel's lists its
    instance variables, each value through ``inspect`` (3.1 showed a plain
    object's address only); met again inside its own inspect, it stops at
    ``-<Class:0x... ...>`` (inspect_i writes the head before the check)."""
    from runtime.core.kernel import iv_table_order, k_to_s
    from runtime.objects import RObject
    if self & abi.OBJECT_MASK == abi.OBJECT_TAG and type(vm.obj(self)) is RObject:
        m, _ = vm.find_method(vm.class_of(self), vm.SYM_to_s)
        if m is not None and m.fn is k_to_s:
            o = vm.obj(self)
            iv = o.ivars or {}
            names = [s for s in iv_table_order(vm, o) if vm.syms[s].startswith("@")]
            if names:
                out = bytearray(b"-" + vm.any_to_s_str(self)[1:-1].encode())
                if recursive_method(vm, vm.SYM_inspect, self):
                    return vm.str_new(bytes(out) + b" ...>")
                for s in names:
                    if out[:1] == b"-":
                        out[:1] = b"#"
                        out += b" "
                    else:
                        out += b", "
                    out += vm.syms[s].encode() + b"="
                    out += vm.str_bytes_of(vm.obj_as_string(vm.c_funcall(iv[s], vm.SYM_inspect)))
                return vm.str_new(bytes(out) + b">")
    return vm.str_new(vm.any_to_s_str(self))
