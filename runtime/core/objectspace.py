"""GC (src/gc.c) and ObjectSpace (mruby-objectspace) as far as mruby 3.1's
default build has them.

GC.start runs the VM's collector (runtime/gc.py) unless it is disabled;
enable/disable switch it; the ratios and generational mode only keep
mruby's observable state.  ObjectSpace walks the VM's object table
(handle order).
"""

from __future__ import annotations

from .. import abi
from ..defs import smethod
from ..objects import (
    TT_CLASS,
    TT_ICLASS,
    TT_MODULE,
    TT_SCLASS,
    RArray,
    RBreak,
    RClass,
    RData,
    REnv,
    RException,
    RFloat,
    RHash,
    RInteger,
    RObject,
    RProc,
    RRange,
    RString,
)
from .enumerable import FALSE, NIL, TRUE


def _gc(vm):
    st = getattr(vm, "_gc_state", None)
    if st is None:
        st = {"disabled": False, "interval": 200, "step": 200, "generational": True}
        vm._gc_state = st
    return st


@smethod("GC", "start", arity=0)
def gc_start(vm, self, args, blk):
    # mrb_full_gc: nothing while the collector is disabled
    if getattr(vm, "gc_enabled", True) and hasattr(vm, "gc"):
        _clear_stack_above_top(vm)
        vm.gc()
    return NIL


def _clear_stack_above_top(vm):
    """mark_context_stack: registers past the running frame's window are
    set to nil, not marked, so what dead frames left there is garbage.  The
    running context's stack (runtime/context.py) is a mapping whose pages
    are backed once touched: only words written before (not zero) are
    reset, so the untouched pages stay unbacked."""
    from ..cdecls import ffi
    top = vm.stack_top()
    buf = ffi.buffer(vm.stack)
    used = len(bytes(buf[top * 8:]).rstrip(b"\0"))
    n = (used + 7) // 8
    if n > 0:
        buf[top * 8:(top + n) * 8] = abi.NIL.to_bytes(8, "little") * n


def _set_enabled(vm, on):
    st = _gc(vm)
    old = st["disabled"] if not hasattr(vm, "gc_enabled") else not vm.gc_enabled
    st["disabled"] = not on
    if hasattr(vm, "gc_enabled"):
        vm.gc_enabled = on
    return TRUE if old else FALSE


@smethod("GC", "enable", arity=0)
def gc_enable(vm, self, args, blk):
    return _set_enabled(vm, True)


@smethod("GC", "disable", arity=0)
def gc_disable(vm, self, args, blk):
    return _set_enabled(vm, False)


@smethod("GC", "interval_ratio", arity=0)
def gc_interval_ratio(vm, self, args, blk):
    return vm.int_new(_gc(vm)["interval"])


@smethod("GC", "interval_ratio=", arity=1)
def gc_set_interval_ratio(vm, self, args, blk):
    _gc(vm)["interval"] = vm.to_int(args[0]) if not vm.is_float(args[0]) else \
        int(vm.float_value(args[0]))
    return args[0]


@smethod("GC", "step_ratio", arity=0)
def gc_step_ratio(vm, self, args, blk):
    return vm.int_new(_gc(vm)["step"])


@smethod("GC", "step_ratio=", arity=1)
def gc_set_step_ratio(vm, self, args, blk):
    _gc(vm)["step"] = vm.to_int(args[0]) if not vm.is_float(args[0]) else \
        int(vm.float_value(args[0]))
    return args[0]


@smethod("GC", "generational_mode", arity=0)
def gc_generational_mode(vm, self, args, blk):
    return TRUE if _gc(vm)["generational"] else FALSE


@smethod("GC", "generational_mode=", arity=1)
def gc_set_generational_mode(vm, self, args, blk):
    _gc(vm)["generational"] = abi.truthy(args[0])
    return args[0]


# --------------------------------------------------------------- ObjectSpace
def _type_name(o):
    t = type(o)
    if t is RObject:
        return "T_OBJECT"
    if t is RClass:
        return {TT_CLASS: "T_CLASS", TT_MODULE: "T_MODULE", TT_SCLASS: "T_SCLASS",
                TT_ICLASS: "T_ICLASS"}.get(o.tt, "T_CLASS")
    if t is RString:
        return "T_STRING"
    if t is RArray:
        return "T_ARRAY"
    if t is RHash:
        return "T_HASH"
    if t is RRange:
        return "T_RANGE"
    if t is RProc:
        return "T_PROC"
    if t is RException:
        return "T_EXCEPTION"
    if t is REnv:
        return "T_ENV"
    if t is RFloat:
        return "T_FLOAT"
    if t is RInteger:
        return "T_INTEGER"
    if t is RData:
        from .fiber import FiberState
        # a Fiber is MRB_TT_FIBER in mruby, not a data object
        return "T_FIBER" if isinstance(o.data, FiberState) else "T_DATA"
    if t is RBreak:
        return "T_BREAK"
    return "T_DATA"


_ORDER = ["T_INTEGER", "T_FLOAT", "T_CPTR", "T_OBJECT", "T_CLASS", "T_MODULE", "T_ICLASS",
          "T_SCLASS", "T_PROC", "T_ARRAY", "T_HASH", "T_STRING", "T_RANGE", "T_EXCEPTION",
          "T_ENV", "T_DATA", "T_FIBER", "T_ISTRUCT", "T_BREAK", "T_COMPLEX", "T_RATIONAL"]


@smethod("ObjectSpace", "count_objects", arity=(0, 1))
def os_count_objects(vm, self, args, blk):
    if args:
        h = args[0]
        if not vm.is_hash(h):
            vm.raise_error(vm.c_TypeError,
                           f"{vm.type_name_for_error(h)} cannot be converted to Hash")
        vm.check_frozen(h)
        vm.obj(h).clear()
    else:
        h = vm.hash_new()
    counts = {}
    total = 0
    pooled = vm.pooled_handles()
    objects = vm.objects
    for i in range(1, vm.handle_top):
        if i in pooled:
            continue
        o = objects[i]              # the objects generated code made, too (heap.ObjectTable)
        if o is None:
            continue
        total += 1
        n = _type_name(o)
        counts[n] = counts.get(n, 0) + 1
    # mruby's heap grows in pages of 1024 slots; report free slots the same way
    pages = (total + 1023) // 1024 or 1
    hsize = pages * 1024
    ho = vm.obj(h)
    ho.set(vm, vm.sym("TOTAL"), vm.int_new(hsize))
    ho.set(vm, vm.sym("FREE"), vm.int_new(hsize - total))
    for n in _ORDER:
        if n == "T_BREAK":
            continue
        c = counts.get(n)
        if c:
            ho.set(vm, vm.sym(n), vm.int_new(c))
    return h


@smethod("ObjectSpace", "each_object", arity=(0, 1))
def os_each_object(vm, self, args, blk):
    if blk == NIL:
        vm.raise_error(vm.c_ArgumentError, "no block given")
    target = None
    if args:
        if not vm.is_class(args[0]) or vm.obj(args[0]).tt not in (TT_CLASS, TT_MODULE,
                                                                   TT_SCLASS):
            vm.raise_error(vm.c_TypeError,
                           f"{vm.inspect(args[0]).decode('utf-8', 'replace')} is not a "
                           "class/module")
        target = vm.obj(args[0])
    count = 0
    n = vm.handle_top
    pooled = vm.pooled_handles()
    for i in range(1, n):
        if i in pooled:
            continue
        o = vm.objects[i]
        if o is None or o.cls is None:
            continue
        t = type(o)
        if t is REnv or t is RBreak or (t is RClass and o.tt == TT_ICLASS):
            continue
        if t is RData and not isinstance(o.data, list) and o.cls is vm.c_Object:
            continue        # internal payloads (kept backtraces...)
        w = o.word
        if target is not None and not vm.is_a(w, target):
            continue
        vm.yield_block(blk, [w])
        count += 1
    return vm.int_new(count)
