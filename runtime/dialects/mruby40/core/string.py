"""mruby 4.0: String methods mruby-string-ext rewrote in C.

- String#partition and #rpartition (``str_partition``/``str_rpartition``):
  the separator converts as ``mrb_get_args "S"`` does (``Integer cannot
  be converted to String``); an empty separator splits off nothing
  (``["", "", str]`` and ``[str, "", ""]``);
- String#codepoints and #each_codepoint (``__codepoints`` of a build
  without MRB_UTF8_STRING) give each byte as a C ``char``: signed,
  ``"\xc3"`` is -61.
"""

from __future__ import annotations

from runtime import abi
from runtime.core.string import ensure_str, new_str
from runtime.defs import method


def _parts(vm, self, sep, found, b, sb):
    return vm.ary_new([new_str(vm, b[:found]), new_str(vm, sb),
                       new_str(vm, b[found + len(sb):])])


@method("String", "partition", arity=1)
def str_partition(vm, self, args, blk):
    sb = bytes(ensure_str(vm, args[0]))
    b = bytes(ensure_str(vm, self))
    if not sb:
        return vm.ary_new([new_str(vm, b""), new_str(vm, b""), new_str(vm, b)])
    n = b.find(sb)
    if n >= 0:
        return _parts(vm, self, args[0], n, b, sb)
    return vm.ary_new([new_str(vm, b), new_str(vm, b""), new_str(vm, b"")])


@method("String", "rpartition", arity=1)
def str_rpartition(vm, self, args, blk):
    sb = bytes(ensure_str(vm, args[0]))
    b = bytes(ensure_str(vm, self))
    if not sb:
        return vm.ary_new([new_str(vm, b), new_str(vm, b""), new_str(vm, b"")])
    n = b.rfind(sb)
    if n >= 0:
        return _parts(vm, self, args[0], n, b, sb)
    return vm.ary_new([new_str(vm, b""), new_str(vm, b""), new_str(vm, b)])


@method("String", "codepoints", arity=0, aliases=("each_codepoint",))
def str_codepoints(vm, self, args, blk):
    cp = [abi.fixnum(b - 256 if b >= 128 else b) for b in bytes(ensure_str(vm, self))]
    if blk == abi.NIL:
        return vm.ary_new(cp)
    for w in cp:
        vm.yield_block(blk, [w])
    return self
