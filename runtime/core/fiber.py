"""Fiber and FiberError (the mruby-fiber gem of mruby 3.1).

A fiber's body runs as an ``enumerator.Coroutine``: its own Python thread,
call-info stack and register window; control passes strictly back and forth.
"""

from __future__ import annotations

from .. import abi
from ..defs import method, smethod
from ..objects import RData

NIL = abi.NIL
TRUE = abi.TRUE
FALSE = abi.FALSE


class FiberState:
    __slots__ = ("co", "proc", "resuming", "root")

    def __init__(self, proc=NIL, root=False):
        self.co = None
        self.proc = proc
        self.resuming = False
        self.root = root


def _stack(vm):
    s = getattr(vm, "_fiber_stack", None)
    if s is None:
        s = vm._fiber_stack = []
    return s


def _state(vm, w) -> FiberState:
    o = vm.obj(w)
    if type(o) is not RData or not isinstance(o.data, FiberState):
        vm.raise_error(vm.c_FiberError, "uninitialized Fiber")
    return o.data


def _pack(vm, args):
    if not args:
        return NIL
    if len(args) == 1:
        return args[0]
    return vm.ary_new(args)


@method("Fiber", "initialize", arity=0)
def fiber_init(vm, self, args, blk):
    o = vm.obj(self)
    if isinstance(o.data, FiberState):
        vm.raise_error(vm.c_RuntimeError, "cannot initialize twice")
    if blk == NIL:
        vm.raise_error(vm.c_ArgumentError, "tried to create Fiber object without a block")
    o.data = FiberState(blk)
    return self


@method("Fiber", "resume", arity=-1)
def fiber_resume(vm, self, args, blk):
    from .enumerator import Coroutine
    st = _state(vm, self)
    stack = _stack(vm)
    if st.root or (stack and stack[-1] == self):
        vm.raise_error(vm.c_FiberError, "double resume (current)")
    if st.resuming:
        vm.raise_error(vm.c_FiberError, "double resume")
    if st.co is not None and st.co.done:
        vm.raise_error(vm.c_FiberError, "resuming dead fiber")
    if st.co is None:
        first = list(args)
        proc = st.proc

        def body(co):
            return vm.call_proc(proc, first)
        st.co = Coroutine(vm, body)
        value = NIL
    else:
        value = _pack(vm, args)
    if stack:
        _state(vm, stack[-1]).resuming = True
    stack.append(self)
    try:
        kind, v = st.co.resume(value)
    finally:
        stack.pop()
        if stack:
            _state(vm, stack[-1]).resuming = False
    return v


@smethod("Fiber", "yield", arity=-1)
def fiber_yield(vm, self, args, blk):
    stack = _stack(vm)
    if not stack:
        vm.raise_error(vm.c_FiberError, "can't yield from root fiber")
    st = _state(vm, stack[-1])
    return st.co.suspend(_pack(vm, args))


@method("Fiber", "alive?", arity=0)
def fiber_alive(vm, self, args, blk):
    st = _state(vm, self)
    return FALSE if st.co is not None and st.co.done else TRUE


@method("Fiber", "==", arity=1)
def fiber_eq(vm, self, args, blk):
    return TRUE if self == args[0] else FALSE


@smethod("Fiber", "current", arity=0)
def fiber_current(vm, self, args, blk):
    stack = _stack(vm)
    if stack:
        return stack[-1]
    root = getattr(vm, "_root_fiber", None)
    if root is None:
        root = vm._root_fiber = vm.data_new(vm.cls("Fiber"), FiberState(root=True))
    return root


def setup(vm):
    c = vm.define_class("Fiber")
    c.instance_type = RData
