"""Fiber and FiberError (the mruby-fiber gem of mruby 3.1).

A fiber's body runs as a ``runtime.coroutine.Coroutine``: its own Python thread
and execution context (register and call-info stacks of its own, mruby's
``struct mrb_context``); control passes strictly back and forth
between a resumer and the fiber it resumed.  Fiber#transfer is symmetric:
a fiber that transfers (or whose resumed fiber did) hands the request up
to the root, which runs the target and routes yields and ends to each
fiber's ``prev`` as mruby's fiber_switch does.
"""

from __future__ import annotations

from .. import abi
from ..coroutine import Coroutine
from ..defs import method, smethod
from ..objects import RData

NIL = abi.NIL
TRUE = abi.TRUE
FALSE = abi.FALSE


class FiberState:
    """``status``: mruby's fiber states (created, running, resumed: waiting
    in a resume, suspended: yielded, transferred, terminated); ``prev``:
    where a yield or the end goes (a fiber word, ROOT, or None)."""
    __slots__ = ("co", "proc", "root", "status", "prev")

    def __init__(self, proc=NIL, root=False):
        self.co = None
        self.proc = proc
        self.root = root
        self.status = "running" if root else "created"
        self.prev = None

    @property
    def resuming(self):
        return self.status == "resumed"


ROOT = "root"       # FiberState.prev / _Xfer.to for the root fiber


class _Xfer:
    """What a fiber hands its resumer when it transfers (or passes on a
    transfer from a fiber it resumed): only the root runs other fibers'
    coroutines after a transfer, so the request goes up to it."""
    __slots__ = ("to", "args")

    def __init__(self, to, args):
        self.to = to
        self.args = args


class _Ret:
    """What the root gives a fiber waiting for a passed-on request: the value
    (or exception) of its pending resume."""
    __slots__ = ("value", "exc")

    def __init__(self, value=NIL, exc=None):
        self.value = value
        self.exc = exc


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
        vm.raise_error(vm.c_ArgumentError, "no block given")    # mrb_get_args "&!"
    o.data = FiberState(blk)
    return self


def _enter(vm, w, st, args):
    """Run fiber w's coroutine (started with ``args``, a list, or continued
    with their packed value, or a _Ret) until it yields, ends or transfers."""
    if st.co is None:
        first = list(args)
        proc = st.proc

        def body(co):
            # the fiber's first call-info record is fresh: no method name
            # (fiber_init leaves ci->mid 0), whatever method made the block
            return vm.call_proc(proc, first, mid=0)
        st.co = Coroutine(vm, body)
        value = NIL
    else:
        value = args if isinstance(args, _Ret) else _pack(vm, args)
    stack = _stack(vm)
    stack.append(w)
    st.status = "running"
    try:
        kind, v = st.co.resume(value)
    except BaseException:
        st.status = "terminated"
        raise
    finally:
        stack.pop()
    if kind == "done":
        st.status = "terminated"
    return kind, v


def _take(vm, r):
    """The value a waiting fiber was given (a _Ret may carry an exception)."""
    if isinstance(r, _Ret):
        if r.exc is not None:
            raise r.exc
        return r.value
    return r


def _wait(vm, req):
    """In a fiber's thread: hand ``req`` (a _Xfer) up and wait to be run again."""
    cur = _stack(vm)[-1]
    return _take(vm, _state(vm, cur).co.suspend(req))


def _root_run(vm, w, args):
    """The root's side of a switch: run fibers until control comes back to
    the root (a yield or end whose prev is the root, a transfer to it)."""
    while True:
        st = _state(vm, w)
        try:
            kind, v = _enter(vm, w, st, args)
        except BaseException as e:
            dest, st.prev = st.prev, None
            if dest is None or dest == ROOT:
                raise
            w, args = dest, _Ret(exc=e)
            continue
        if kind == "yield" and isinstance(v, _Xfer):
            if v.to == ROOT:
                return _pack(vm, v.args)
            w, args = v.to, v.args
            continue
        if kind == "yield":
            st.status = "suspended"
        dest, st.prev = st.prev, None
        if dest is None or dest == ROOT:
            return v
        w, args = dest, _Ret(v)


def _check_switch(vm, st, resume):
    """fiber_switch's checks of the target's state."""
    if st.status == "transferred" and resume:
        vm.raise_error(vm.c_FiberError, "resuming transferred fiber")
    if st.status in ("running", "resumed"):
        vm.raise_error(vm.c_FiberError, "double resume")
    if st.status == "terminated" or (st.co is not None and st.co.done):
        vm.raise_error(vm.c_FiberError, "resuming dead fiber")


@method("Fiber", "resume", arity=-1)
def fiber_resume(vm, self, args, blk):
    st = _state(vm, self)
    stack = _stack(vm)
    if st.root or (stack and stack[-1] == self):
        vm.raise_error(vm.c_FiberError, "double resume (current)")
    _check_switch(vm, st, True)
    if not stack:
        st.prev = ROOT
        return _root_run(vm, self, list(args))
    cur = _state(vm, stack[-1])
    st.prev = stack[-1]
    cur.status = "resumed"
    try:
        kind, v = _enter(vm, self, st, list(args))
    finally:
        cur.status = "running"
    if kind == "yield" and isinstance(v, _Xfer):
        # a transfer further down: the root carries it out; this fiber goes
        # on when something yields or ends into it
        cur.status = "resumed"
        try:
            return _wait(vm, v)
        finally:
            cur.status = "running"
    if kind == "yield":
        st.status = "suspended"
    st.prev = None
    return v


@method("Fiber", "transfer", arity=-1)
def fiber_transfer(vm, self, args, blk):
    """mruby-fiber's transfer: switch to the fiber without making it return
    here; it may not be resumed until it yields."""
    st = _state(vm, self)
    stack = _stack(vm)
    if st.root:
        if not stack:
            return _pack(vm, args)
        _state(vm, stack[-1]).status = "transferred"
        return _wait(vm, _Xfer(ROOT, list(args)))
    if stack and stack[-1] == self:
        return _pack(vm, args)
    _check_switch(vm, st, False)
    if st.prev is None:
        st.prev = ROOT
    if not stack:
        return _root_run(vm, self, list(args))
    _state(vm, stack[-1]).status = "transferred"
    return _wait(vm, _Xfer(self, list(args)))


@smethod("Fiber", "yield", arity=-1)
def fiber_yield(vm, self, args, blk):
    stack = _stack(vm)
    if not stack:
        vm.raise_error(vm.c_FiberError, "can't yield from root fiber")
    st = _state(vm, stack[-1])
    return _take(vm, st.co.suspend(_pack(vm, args)))


@method("Fiber", "alive?", arity=0)
def fiber_alive(vm, self, args, blk):
    st = _state(vm, self)
    return FALSE if st.status == "terminated" or (st.co is not None and st.co.done) else TRUE


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
