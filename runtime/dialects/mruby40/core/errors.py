"""mruby 4.0: error classes and messages that changed.

- ``NoMatchingPatternError`` (``case/in``: OP_MATCHERR, error.c);
  ``SecurityError`` is gone;
- NoMethodError names the receiver's class: ``undefined method 'foo' for
  NilClass``, ``no superclass method 'foo' for Foo`` (vm.c
  ``prepare_missing``, class.c ``mrb_method_missing``: ``%T``), and so
  does FrozenError (error.c ``mrb_frozen_error``).
"""

from __future__ import annotations

from runtime import abi
from runtime.abi import CALL_MAXARGS, OBJECT_SHIFT
from runtime.calls import Calls, obj_missing
from runtime.defs import method
from runtime.objects import TT_SCLASS

from ..mrblib40 import MRBLIB40, MRBLIB40_NAMES


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
    NoMethodError 4.0 words; else method_missing gets the name and the
    arguments packed, then the keyword Hash (read before the packed
    arguments take its register: 3.1 lost it when n was 0) and the block."""
    st = vm.stack
    if n == CALL_MAXARGS:
        args = list(vm.objects[st[base + 1] >> OBJECT_SHIFT].items)
    else:
        args = [st[base + 1 + i] for i in range(n)]
    mm, owner = vm.find_method(vm.class_of(recv), vm.SYM_method_missing)
    if mm is None or mm.fn is obj_missing or mm.fn is obj_missing40:
        raise_undefined(vm, recv, mid, args, is_super)
    kw = st[base + 1 + (1 if n == CALL_MAXARGS else n)] if nk else abi.NIL
    st[base + 1] = vm.ary_new([abi.symbol_word(mid)] + args)
    if nk:
        st[base + 2] = kw
        st[base + 3] = blk
    else:
        st[base + 2] = blk
    return mm, owner, CALL_MAXARGS, nk


def setup(vm):
    vm.define_class("NoMatchingPatternError", vm.c_StandardError)
    vm.c_Object.ivars.pop(vm.intern("SecurityError"), None)


def init(vm):
    vm.define_method(vm.c_Kernel, "method_missing", obj_missing40, -1, "private")
    vm.stack_err = vm.exc_new(vm.c_SystemStackError, "stack level too deep")
    vm.stack_err_gc = AllocMark(vm)


class AllocMark:
    """Where the VM's allocation count stood (gc_runs, gc_countdown); opaque
    to the collector, which would take its numbers for object words."""
    GC_OPAQUE = True
    __slots__ = ("runs", "countdown")

    def __init__(self, vm):
        self.runs, self.countdown = vm.gc_runs, vm.gc_countdown


def allocated_since(vm, mark: AllocMark) -> int:
    """About how many objects the VM made since ``mark``."""
    if vm.gc_runs != mark.runs:
        return 1 << 62
    return mark.countdown - vm.gc_countdown


def raise_stack_error(vm):
    """vm.c raises the SystemStackError error.c made at start-up.  4.0's GC
    empties it (gc.c clear_error_object: no message, no backtrace) at the
    end of every marking it was not reached in; riteload collects far less
    often, so a cycle is taken to have ended once the program made as many
    objects as mruby 4.0 makes before its first collection after start-up
    (``FIRST_GC_ALLOCS``).  Raised, the object stays reachable (``e``,
    ``$!``) and keeps what it holds: 3.1's behaviour."""
    e = vm.stack_err
    mark = vm.stack_err_gc
    if mark is not None:
        if allocated_since(vm, mark) >= FIRST_GC_ALLOCS:
            iv = vm.obj(e).ivars
            if iv is not None:
                iv.pop(vm.SYM_mesg, None)
                iv.pop(vm.SYM_backtrace, None)
        vm.stack_err_gc = None
    vm.raise_exc(e)


#: objects a program makes before mruby 4.0.0's first GC cycle after start-up
#: ends, in riteload's count (``gc_countdown``, which leaves out what mruby
#: also counts: envs, literals...): mruby needs about 700 of its own (200
#: rounds of ``a << "x" + "y"`` do not reach it, 250 do); riteload counts
#: 220 to 270 for the first and 270 to 530 for the second, depending on the
#: engine, and a few tens for a recursion that makes nothing
FIRST_GC_ALLOCS = 300

VM_OVERRIDES = {"prepare_missing": prepare_missing, "raise_stack_error": raise_stack_error}
__all__ = ["VM_OVERRIDES", "abi", "class_of_for_error", "raise_undefined"]


#: builtins 4.0.0 writes as bytecode in C (class.c ``new_iseq``,
#: ``neq_iseq``): Ruby frames without debug info, as mrblib's are, though
#: their arity and parameters are those of a C method
IREP_METHODS40 = frozenset(["Class#new", "BasicObject#!="])


def mrblib_frame(vm, f) -> bool:
    """Is builtin frame f one of a method (or a block of a method) 4.0.0
    writes in Ruby (or as bytecode, IREP_METHODS40)?  It has no debug
    info: no backtrace shows it."""
    m = f.method
    if m is None or m.owner is None:
        return vm.syms[f.mid] in MRBLIB40_NAMES
    owner = m.owner
    if owner.tt == TT_SCLASS:
        att = owner.attached
        if att is None or not vm.is_class(att):
            return False
        key = f"{vm.class_name(vm.obj(att))}.{vm.syms[f.mid]}"
    else:
        key = f"{vm.class_name(owner)}#{vm.syms[f.mid]}"
    return key in MRBLIB40 or key in IREP_METHODS40


def backtrace_locations(vm, skip: int = 0) -> list:
    """4.0.0's pack_backtrace: Ruby frames without debug info are left out
    (the methods of 4.0's mrblib among them, ``mrblib_frame``); a builtin
    frame takes the location of the nearest Ruby frame below it that has
    some, else ``(unknown):0`` without a method name."""
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
            if not f.mid or mrblib_frame(vm, f):
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
    location, ``(unknown):0: `` when there is none (or no backtrace at
    all: an uncaught NoMemoryError)."""
    if not lines:
        return b"(unknown):0: "
    buf = bytearray(b"trace (most recent call last):\n")
    for i in range(len(lines) - 1, 0, -1):
        if lines[i] is not None:
            buf += b"\t[%d] " % i + lines[i] + b"\n"
    if lines[0] is not None:
        buf += lines[0] + b": "
    return bytes(buf)


def frozen_error(vm, w: int):
    """mrb_frozen_error: ``can't modify frozen %T``, the real class (3.1's
    ``%t`` named a singleton class)."""
    vm.raise_error(vm.c_FrozenError, f"can't modify frozen {class_of_for_error(vm, w)}")


def arity_error(vm, m, args):
    """vm.c check_argument_count: the VM counts a C method's arguments
    against its aspec before the method runs, so a count outside it fails
    before mrb_get_args converts anything (3.1 converted first); a count
    the aspec allows fails in mrb_get_args, after the conversions
    (core/aspec.py)."""
    from .aspec import allows, aspec_of
    spec = aspec_of(vm, m)
    if spec is not None:
        if allows(spec, len(args)):
            Calls.arity_error(vm, m, args)
        vm.argc_error(len(args), *spec)
    vm.argc_error(len(args), m.amin, m.amax)


VM_OVERRIDES.update({"backtrace_locations": backtrace_locations, "uncaught_head": uncaught_head,
                     "frozen_error": frozen_error, "arity_error": arity_error})


@method("Exception", "inspect", arity=0)
def exc_inspect(vm, self, args, blk):
    """mrb_exc_inspect: ``#<Class: message>``, or the class alone without a message."""
    cname = vm.to_s(vm.real_class(self).word)
    mesg = (vm.obj(self).ivars or {}).get(vm.SYM_mesg)
    if mesg is None or not vm.is_str(mesg) or not vm.str_bytes(mesg):
        return vm.str_new(cname)
    return vm.str_new(b"#<" + cname + b": " + vm.str_bytes(mesg) + b">")


@method("Exception", "initialize", arity=(0, 1), visibility="private")
def exc_initialize(vm, self, args, blk):
    """exc_initialize: the message is made a String at once
    (mrb_exc_mesg_set: mrb_obj_as_string), so ``new(:sym).message`` is "sym"."""
    if args:
        mesg = args[0] if vm.is_str(args[0]) else vm.obj_as_string(args[0])
        o = vm.obj(self)
        if o.ivars is None:
            o.ivars = {}
        o.ivars[vm.SYM_mesg] = mesg
    return self
