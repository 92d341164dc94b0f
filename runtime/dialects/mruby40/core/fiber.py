"""mruby 4.0: the mruby-fiber gem's resume, transfer and yield
(4.0.0's mrbgems/mruby-fiber/src/fiber.c).

- a transfer to a fiber waiting in a resume (the root included, while a
  fiber it resumed runs) raises FiberError "attempt to transfer to a
  resuming fiber" (3.1 switched);
- a fiber transferred to has no ``prev`` (3.1 kept the one it had, else
  the root): it cannot yield ("attempt to yield on a not resumed fiber",
  as the root cannot), and its end goes to the root;
- resuming the running fiber says "attempt to resume the current fiber";
  resuming the root from elsewhere is a "double resume".
"""

from __future__ import annotations

from runtime.core import fiber as fiber31
from runtime.core.fiber import ROOT, _check_switch, _pack, _stack, _state, _wait, _Xfer
from runtime.defs import method, smethod


def _error(vm, msg: str):
    vm.raise_error(vm.c_FiberError, msg)


@method("Fiber", "resume", arity=-1)
def fiber_resume(vm, self, args, blk):
    st = _state(vm, self)
    stack = _stack(vm)
    if (stack[-1] == self) if stack else st.root:
        _error(vm, "attempt to resume the current fiber")
    if st.root:
        _error(vm, "double resume")
    if stack:
        return fiber31.fiber_resume(vm, self, args, blk)
    was, vm.root_resuming = getattr(vm, "root_resuming", False), True
    try:
        return fiber31.fiber_resume(vm, self, args, blk)
    finally:
        vm.root_resuming = was


@method("Fiber", "transfer", arity=-1)
def fiber_transfer(vm, self, args, blk):
    st = _state(vm, self)
    stack = _stack(vm)
    if st.status == "resumed" or (st.root and getattr(vm, "root_resuming", False)):
        _error(vm, "attempt to transfer to a resuming fiber")
    if st.root or (stack and stack[-1] == self):
        return fiber31.fiber_transfer(vm, self, args, blk)
    _check_switch(vm, st, False)
    st.prev = None
    if not stack:
        return fiber31._root_run(vm, self, list(args))
    _state(vm, stack[-1]).status = "transferred"
    return _wait(vm, _Xfer(self, list(args)))


@smethod("Fiber", "yield", arity=-1)
def fiber_yield(vm, self, args, blk):
    stack = _stack(vm)
    st = _state(vm, stack[-1]) if stack else None
    prev = st.prev if st is not None else None
    if prev is None or (prev != ROOT and _state(vm, prev).status == "transferred"):
        _error(vm, "attempt to yield on a not resumed fiber")
    return fiber31._take(vm, st.co.suspend(_pack(vm, args)))
