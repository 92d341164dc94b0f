"""Leaf calls: core methods generated code may run through the light
callback ``OPK_LEAF``, which makes no Frame views.

A builtin is a *leaf* for given arguments when it neither calls Ruby code,
raises nor looks at frames: ``Array#[]`` with an Integer index,
``Array#size``, ``push``, ``pop`` and ``shift`` of an unfrozen Array, ``Hash#[]`` of a Symbol,
Integer or String key without a default proc, ``String#<<`` of a String,
``Integer#to_s``, ``Range#begin``, ``nil?``, ``kind_of?`` a class,
``Math.sqrt`` of a number in its domain...  It
may allocate: a collection it starts finds the native frames' registers
(``NativeEngine.native_roots``), and what it made is in R[a] before the
arena forgets it.  For those the native engine skips
what a slow path costs (a Frame view of every natively pushed record, and
the Python return of each frame that then has one) and calls the builtin
itself: the core library stays the one place each method's semantics lives;
this module only says *when* a call is a leaf (``GUARDS``, by builtin) and
how ``GETIDX`` and ``SETIDX`` run as leaves.
"""

from __future__ import annotations

from . import abi
from .abi import OBJECT_MASK, OBJECT_SHIFT, OBJECT_TAG
from .cdecls import ffi
from .core import array as core_array
from .core import classes as core_classes
from .core import float as core_float
from .core import hash as core_hash
from .core import integer as core_integer
from .core import kernel as core_kernel
from .core import math as core_math
from .core import numeric as core_numeric
from .core import object as core_object
from .core import range as core_range
from .core import string as core_string
from .core.numeric import LIBM1
from .natstring import owned_bytes
from .objects import RArray, RClass, RFloat, RHash, RRange, RString


def _obj(vm, w):
    return vm.objects[w >> OBJECT_SHIFT] if w & OBJECT_MASK == OBJECT_TAG else None


def _simple_key(w: int) -> bool:
    """A key whose hash and equality are the word's own: Integer or Symbol."""
    return bool(w & 1) or abi.is_symbol(w)


def _array(vm, recv, args) -> bool:
    return type(_obj(vm, recv)) is RArray


def _array_int(vm, recv, args) -> bool:
    return type(_obj(vm, recv)) is RArray and bool(args[0] & 1)


def _array_writable(vm, recv, args) -> bool:
    o = _obj(vm, recv)
    return type(o) is RArray and not o.frozen


def _array_store(vm, recv, args) -> bool:
    o = _obj(vm, recv)
    if type(o) is not RArray or o.frozen or not args[0] & 1:
        return False
    n = len(o.items)
    return -n <= abi.fixnum_value(args[0]) <= n      # no IndexError, no padding


def _any(vm, recv, args) -> bool:
    return True


def _range(vm, recv, args) -> bool:
    return type(_obj(vm, recv)) is RRange


def _class_arg(vm, recv, args) -> bool:
    return type(_obj(vm, args[0])) is RClass     # a class or module: no TypeError


def _plain_key(vm, key: int):
    """The table key (core/hash.py ``table_key``) of a key whose hash and
    equality call no Ruby code: a fixnum or Symbol (its word) or a String
    (its bytes: mruby hashes and compares a String key by them, whatever
    String#hash and eql? are; a String generated code owns, natstring.py,
    without making its RString); else None."""
    if _simple_key(key):
        return key
    if key & OBJECT_MASK != OBJECT_TAG:
        return None
    h = key >> OBJECT_SHIFT
    if vm.str_space.blocks[h]:
        return ("s", owned_bytes(vm, h))
    o = vm.objects[h]
    return ("s", bytes(o.value)) if type(o) is RString else None


def _key(vm, w: int) -> bool:
    """A key of ``_plain_key``: the leaf guards' test."""
    return _plain_key(vm, w) is not None


def _hash_get(vm, recv, args) -> bool:
    o = _obj(vm, recv)
    if type(o) is not RHash or o.default_proc != abi.NIL or not _key(vm, args[0]):
        return False
    return _plain_default(vm, o)


def _plain_default(vm, o: RHash) -> bool:
    """A missing key of ``o`` gives its default value: its class's
    ``default`` is the builtin (no Ruby #default to call)."""
    m, _ = vm.find_method(o.cls, vm.SYM_default)
    return m is not None and m.fn is core_hash.hash_default


def _hash_read(vm, o: RHash, key: int) -> int | None:
    """``o[key]`` for a key of ``_plain_key``, when no Ruby code can run:
    the value, the default value, or None for the full path."""
    if o.default_proc != abi.NIL:
        return None
    hk = _plain_key(vm, key)
    if hk is None:
        return None
    e = o.table.get(hk)
    if e is not None:
        return e[1]
    return o.default if _plain_default(vm, o) else None


def _hash_key(vm, recv, args) -> bool:
    return type(_obj(vm, recv)) is RHash and _key(vm, args[0])


def _hash_set(vm, recv, args) -> bool:
    o = _obj(vm, recv)
    return type(o) is RHash and not o.frozen and _key(vm, args[0])


def _string_append(vm, recv, args) -> bool:
    o = _obj(vm, recv)
    return type(o) is RString and not o.frozen and type(_obj(vm, args[0])) is RString


def _fixnum(vm, recv, args) -> bool:
    return bool(recv & 1)


def _math_guard(check):
    """The guard of a one-argument Math function: an Integer or Float
    argument (no conversion error) inside its domain (no DomainError)."""
    def guard(vm, recv, args) -> bool:
        w = args[0]
        if w & 1:
            x = float(abi.fixnum_value(w))
        elif w & abi.FLONUM_MASK == abi.FLONUM_TAG:
            x = abi.flonum_value(w)
        else:
            o = _obj(vm, w)
            if type(o) is not RFloat:
                return False
            x = o.value
        return check is None or not check(x)
    return guard


# builtin -> (argument count, guard(vm, recv, args) -> the call is a leaf)
GUARDS = {
    core_array.ary_aget: (1, _array_int),
    core_array.ary_size: (0, _array),
    core_array.ary_empty: (0, _array),
    core_array.ary_first: (0, _array),
    core_array.ary_last: (0, _array),
    core_array.ary_push: (1, _array_writable),
    core_array.ary_lshift: (1, _array_writable),
    core_array.ary_aset: (2, _array_store),
    core_array.ary_pop: (0, _array_writable),
    core_array.ary_shift: (0, _array_writable),
    core_hash.hash_aref: (1, _hash_get),
    core_hash.hash_has_key: (1, _hash_key),
    core_hash.hash_aset: (2, _hash_set),       # copies and freezes a String key
    core_string.str_concat: (1, _string_append),
    core_integer.int_to_s: (0, _fixnum),        # a new String
    # what the prelude's Range#each asks of its range (runtime/prelude/range.rb)
    core_range.range_begin: (0, _range),
    core_range.range_end: (0, _range),
    core_range.range_excl: (0, _range),
    core_kernel.k_nilp: (0, _any),
    core_object.nil_nilp: (0, _any),
    core_kernel.k_is_a: (1, _class_arg),
    core_classes.mod_eqq: (1, _any),
}


# the builtin each send of abi.ARRAY_INLINE_SENDS stands for; a send whose
# cache holds it reads (grows, shrinks) the Array's block (natarray.py) inline
_INLINE_BUILTINS = {"[]": core_array.ary_aget, "size": core_array.ary_size,
                    "length": core_array.ary_size, "first": core_array.ary_first,
                    "last": core_array.ary_last, "empty?": core_array.ary_empty,
                    "push": core_array.ary_push, "append": core_array.ary_push,
                    "<<": core_array.ary_lshift, "pop": core_array.ary_pop,
                    "shift": core_array.ary_shift}
ARRAY_INLINE = {name: (_INLINE_BUILTINS[name], kind)
                for name, (_, kind) in abi.ARRAY_INLINE_SENDS.items()}


# the builtin each send of abi.STRING_INLINE_SENDS stands for; a send whose
# cache holds it works on Strings' blocks (natstring.py) inline: it appends a
# String generated code owns to another, or makes one of a fixnum's digits
STRING_INLINE = {"<<": core_string.str_concat, "to_s": core_integer.int_to_s}


GUARDS.update({impl: (1, _math_guard(check)) for impl, check in core_math.SIMPLE.values()})
MATH_SQRT = core_math.SIMPLE["sqrt"][0]     # a send whose cache holds it: sqrtsd (SITE_SQRT)
# the builtins each send of abi.NUM_INLINE_SENDS stands for, (of a fixnum, of
# a flonum): a send whose cache holds the receiver's runs inline (SITE_NUM)
NUM_INLINE = {"to_f": (core_integer.int_to_f, core_float.flo_to_f),
              "-@": (None, core_numeric.num_uminus),
              "to_i": (None, core_float.flo_to_i), "truncate": (None, core_float.flo_truncate),
              "floor": (None, core_float.flo_floor), "ceil": (None, core_float.flo_ceil),
              "abs": (None, core_float.flo_abs)}
# the builtins a send whose cache holds one calls the C library for (SITE_LIBM)
MATH_LIBM = {name: core_math.SIMPLE[name][0] for name in abi.LIBM_INLINE}


def libm_table():
    """The addresses of abi.LIBM_INLINE's C functions, for rl_vmstate.libm
    (the caller keeps the array alive)."""
    return ffi.new("uint64_t[]", [int(ffi.cast("uintptr_t", LIBM1[name]))
                                  for name in abi.LIBM_INLINE])


# the builtins whose sends run as GETIDX and SETIDX do (their registers are
# the same): runtime/native.py hands them to ``getidx``/``setidx``
HASH_AREF, HASH_ASET = core_hash.hash_aref, core_hash.hash_aset


def leaf_guard(fn, n: int):
    """The guard of builtin ``fn`` called with ``n`` arguments, or None."""
    g = GUARDS.get(fn)
    return g[1] if g is not None and g[0] == n else None


def getidx(vm, st, i: int) -> bool:
    """OP_GETIDX as a leaf: R[i] = R[i][R[i+1]] for an Array and an Integer
    or a Hash and an Integer or Symbol key without a default proc (what
    ``runtime.ops.op_getidx`` does inline); False: run the instruction."""
    recv = st[i]
    o = _obj(vm, recv)
    t = type(o)
    if t is RHash:
        v = _hash_read(vm, o, st[i + 1])
        if v is not None:
            st[i] = v
            return True
    if t is RArray:
        if not st[i + 1] & 1:
            return False
        st[i] = core_array.ary_aget(vm, recv, [st[i + 1]], abi.NIL)
        return True
    if t is RHash and _hash_get(vm, recv, [st[i + 1]]):
        st[i] = core_hash.hash_aref(vm, recv, [st[i + 1]], abi.NIL)
        return True
    return False


def setidx(vm, st, i: int) -> bool:
    """OP_SETIDX as a leaf: the send of ``[]=`` it is in mruby 3.1, when the
    receiver's ``[]=`` is the builtin of Array or Hash and the call is a
    leaf; False: run the instruction."""
    recv = st[i]
    o = _obj(vm, recv)
    if type(o) is not RArray and type(o) is not RHash:
        return False
    m, _ = vm.find_method(o.cls, vm.SYM_aset)
    key = st[i + 1]
    if type(o) is RHash and m is not None and m.fn is core_hash.hash_aset and not o.frozen:
        # h_store of a key of _plain_key: a new value for a key it has, or a
        # new fixnum or Symbol key (a new String key is copied: the builtin)
        hk = _plain_key(vm, key)
        e = o.table.get(hk) if hk is not None else None
        if e is not None or hk is not None and type(hk) is int:
            if e is not None:
                e[1] = st[i + 2]
            else:
                o.table[hk] = [key, st[i + 2]]
            st[i + 3] = abi.NIL
            st[i] = st[i + 2]
            return True
    args = [key, st[i + 2]]
    guard = leaf_guard(m.fn, 2) if m is not None else None
    if guard is None or not guard(vm, recv, args):
        return False
    st[i + 3] = abi.NIL
    st[i] = m.fn(vm, recv, args, abi.NIL)
    return True
