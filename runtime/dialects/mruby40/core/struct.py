"""mruby 4.0: Struct (mruby-struct's struct.c of 4.0.0).

- Struct includes Enumerable;
- ``Struct.new(..., keyword_init: x)`` remembers x for the new class
  (``__keyword_init__``): true makes ``new`` take keywords only (``wrong
  arguments, expected keyword arguments``), false positional arguments
  only, and nil (the default) takes a single Hash argument as keywords;
  a keyword that is no member is an ArgumentError naming all of them
  (``unknown keywords: a, b``);
- ``[]=`` reports an Integer index out of range as given.
"""

from __future__ import annotations

from runtime import abi
from runtime.core import struct as core_struct
from runtime.core.struct import _modify, class_members
from runtime.defs import method, smethod

NIL = abi.NIL


def _kwinit_table(vm) -> dict:
    t = vm.__dict__.get("_struct_keyword_init")
    if t is None:
        t = vm._struct_keyword_init = {}
    return t


@smethod("Struct", "new", arity=-1)
def struct_s_new(vm, self, args, blk):
    """mrb_struct_s_def: a last Hash holding :keyword_init is the option."""
    args = list(args)
    kwinit = NIL
    if args and vm.is_hash(args[-1]):
        v = vm.obj(args[-1]).get(vm, vm.sym("keyword_init"))
        if v is not None:
            kwinit = v
            args.pop()
    c = core_struct.struct_s_new(vm, self, args, blk)
    _strict_readers(vm, vm.obj(c))
    _kwinit_table(vm)[vm.obj(c).handle] = kwinit
    return c


def _strict_readers(vm, c):
    """struct.c ``mrb_struct_ref``: 4.0's readers refuse any argument
    (mrb_argnum_error, "expected 0"); Method#arity stays -1.  A reader
    the Struct.new block redefined stays."""
    for i, sid in enumerate(core_struct.class_members(vm, c)):
        m = c.mt.get(sid)
        if m is None or getattr(m.fn, "__module__", None) != core_struct.__name__:
            continue

        def getter(vm_, self, args, blk, i=i):
            if args:
                vm.argc_error(len(args), 0, 0)
            vals = core_struct.values(vm, self)
            return vals[i] if i < len(vals) else NIL
        vm.define_method(c, vm.sym_name(sid), getter, -1)


def _init_with_keywords(vm, self, h):
    members = class_members(vm, vm.real_class(self))
    ho = vm.obj(h)
    vals = []
    for m in members:
        v = ho.get(vm, abi.symbol_word(m))
        vals.append(NIL if v is None else v)
    _modify(vm, self)
    vm.obj(self).data = vals
    names = set(members)
    bad = [k for k in ho.keys() if not (vm.is_sym(k) and (k >> 8) in names)]
    if bad:
        keys = vm.funcall(vm.ary_new(bad), "join", [vm.str_new(b", ")])
        vm.raise_error(vm.c_ArgumentError, b"unknown keywords: " + vm.str_bytes(keys))
    return self


@method("Struct", "initialize", arity=-1, visibility="private")
def struct_initialize(vm, self, args, blk):
    kwinit = _kwinit_table(vm).get(vm.real_class(self).handle, NIL)
    one_hash = len(args) == 1 and vm.is_hash(args[0])
    if abi.truthy(kwinit):
        if len(args) > 1 or (len(args) == 1 and not one_hash):
            vm.raise_error(vm.c_ArgumentError, "wrong arguments, expected keyword arguments")
        return _init_with_keywords(vm, self, args[0] if args else vm.hash_new())
    if kwinit == abi.FALSE or not one_hash:
        return core_struct.struct_initialize(vm, self, args, blk)
    return _init_with_keywords(vm, self, args[0])


def init(vm):
    vm.include_module(vm.cls("Struct"), vm.c_Enumerable)


@method("Struct", "[]=", arity=2)
def struct_aset(vm, self, args, blk):
    """mrb_struct_aset: an Integer index out of range is reported as given
    (struct_index; 3.1 reported it after adding the size)."""
    from runtime.core.numeric import as_int
    idx = args[0]
    if not (vm.is_str(idx) or vm.is_sym(idx)):
        i = as_int(vm, idx)
        n = len(core_struct.values(vm, self))
        j = n + i if i < 0 else i
        if j < 0:
            vm.raise_error(vm.c_IndexError, f"offset {i} too small for struct(size:{n})")
        if n <= j:
            vm.raise_error(vm.c_IndexError, f"offset {i} too large for struct(size:{n})")
    return core_struct.struct_aset(vm, self, args, blk)
