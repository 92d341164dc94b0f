"""mruby 4.0: error classes and messages that changed.

- ``NoMatchingPatternError`` (``case/in``: OP_MATCHERR, error.c);
  ``SecurityError`` is gone;
- NoMethodError names the receiver's class: ``undefined method 'foo' for
  NilClass``, ``no superclass method 'foo' for Foo`` (vm.c
  ``prepare_missing``, class.c ``mrb_method_missing``: ``%T``).
"""

from __future__ import annotations

from runtime import abi
from runtime.abi import CALL_MAXARGS, OBJECT_SHIFT
from runtime.calls import Calls, obj_missing
from runtime.defs import method


def class_of_for_error(vm, w) -> str:
    """``%T`` of mrb_vformat: the object's real class, as a String names it."""
    return vm.to_s(vm.real_class(w).word).decode("utf-8", "surrogateescape")


def raise_undefined(vm, recv, mid: int, args: list, is_super: bool = False):
    kind = "no superclass method" if is_super else "undefined method"
    vm.raise_no_method_error(mid, vm.ary_new(args),
                             f"{kind} '{vm.syms[mid]}' for {class_of_for_error(vm, recv)}")


def obj_missing40(vm, self, args, blk):
    """Kernel#method_missing (class.c mrb_obj_missing): NoMethodError for args[0]."""
    if vm.frames and vm.frames[-1].method is not None and vm.frames[-1].method.fn is \
            obj_missing40:
        vm.frames[-1].mid = 0       # no frame of its own in the backtrace
    sid = args[0] >> 8 if args and vm.is_sym(args[0]) else 0
    raise_undefined(vm, self, sid, args[1:])


def prepare_missing(vm, base, recv, mid, cls, n, nk, blk, is_super):
    """vm.c prepare_missing: with the default method_missing, the
    NoMethodError 4.0 words; else what mruby 3.1 does (Calls.prepare_missing)."""
    mm, _ = vm.find_method(vm.class_of(recv), vm.SYM_method_missing)
    if mm is None or mm.fn is obj_missing or mm.fn is obj_missing40:
        st = vm.stack
        if n == CALL_MAXARGS:
            args = list(vm.objects[st[base + 1] >> OBJECT_SHIFT].items)
        else:
            args = [st[base + 1 + i] for i in range(n)]
        raise_undefined(vm, recv, mid, args, is_super)
    return Calls.prepare_missing(vm, base, recv, mid, cls, n, nk, blk, is_super)


def setup(vm):
    vm.define_class("NoMatchingPatternError", vm.c_StandardError)
    vm.c_Object.ivars.pop(vm.intern("SecurityError"), None)


def init(vm):
    vm.define_method(vm.c_Kernel, "method_missing", obj_missing40, -1, "private")


VM_OVERRIDES = {"prepare_missing": prepare_missing}
__all__ = ["VM_OVERRIDES", "abi", "class_of_for_error", "raise_undefined"]


def backtrace_locations(vm, skip: int = 0) -> list:
    """4.0.0's pack_backtrace: Ruby frames without debug info are left out;
    a builtin frame takes the location of the nearest Ruby frame below it
    that has some, else ``(unknown):0`` without a method name."""
    from runtime.backtrace import _file_of, _line_of
    out = []
    frames = vm.frames
    for i in range(len(frames) - 1 - skip, -1, -1):
        f = frames[i]
        if f.irep is not None:
            if f.irep.debug is None or f.pc <= 0:
                continue
            irep, idx = f.irep, f.pc - 1
        else:
            if not f.mid:
                continue
            irep = None
            for j in range(i - 1, -1, -1):
                g = frames[j]
                if g.irep is not None and g.irep.debug is not None and g.pc > 0:
                    irep, idx = g.irep, g.pc - 1
                    break
        if irep is None:
            out.append(("(unknown)", -1, 0))
            continue
        out.append((_file_of(irep, idx) or "(unknown)", _line_of(irep, idx), f.mid))
    return out


def uncaught_head(vm, lines: list) -> bytes:
    """4.0.0's print_backtrace: the trace header whenever there is a
    location, ``(unknown):0: `` when there is none."""
    if not lines:
        return b"(unknown):0: "
    buf = bytearray(b"trace (most recent call last):\n")
    for i in range(len(lines) - 1, 0, -1):
        if lines[i] is not None:
            buf += b"\t[%d] " % i + lines[i] + b"\n"
    if lines[0] is not None:
        buf += lines[0] + b": "
    return bytes(buf)


VM_OVERRIDES.update({"backtrace_locations": backtrace_locations, "uncaught_head": uncaught_head})


@method("Exception", "inspect", arity=0)
def exc_inspect(vm, self, args, blk):
    """mrb_exc_inspect: ``#<Class: message>``, or the class alone without a message."""
    cname = vm.to_s(vm.real_class(self).word)
    mesg = (vm.obj(self).ivars or {}).get(vm.SYM_mesg)
    if mesg is None or not vm.is_str(mesg) or not vm.str_bytes(mesg):
        return vm.str_new(cname)
    return vm.str_new(b"#<" + cname + b": " + vm.str_bytes(mesg) + b">")
