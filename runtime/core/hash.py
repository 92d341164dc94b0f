"""Hash, as mruby 3.1 has it: src/hash.c, mrblib/hash.rb and the
mruby-hash-ext gem (C and Ruby parts).

An ``RHash`` keeps insertion order; keys compare with ``eql?``/``hash``;
unfrozen String keys are copied and frozen on insertion (objects.RHash).
"""

from __future__ import annotations

from .. import abi
from ..abi import FLONUM_MASK, FLONUM_TAG, OBJECT_MASK, OBJECT_SHIFT, OBJECT_TAG
from ..defs import method, smethod
from ..frames import CALL_LEVEL_MAX
from ..objects import HKey, RArray, RFloat, RHash, RInteger, RProc, RString
from .enumerator import to_enum
from .support import (
    FALSE,
    NIL,
    TRUE,
    c_args,
    call_block,
    compare_none,
    eq,
    fake_frames,
    pyblock,
    raise_in,
    rb_argc,
)


def H(vm, w) -> RHash:
    return vm.obj(w)


def _modify(vm, self):
    vm.check_frozen(self)


# mruby 3.1 keeps up to AR_MAX_SIZE entries in a plain array searched with
# obj_eql alone (no hash codes): a key whose eql? matches but whose hash does
# not is still found in a small Hash.
AR_MAX_SIZE = 16


def table_key(vm, w):
    """The internal table key of ``w`` (see VM.hash_key).  A plain Array of
    core values (Integers, Floats, Strings, Symbols, nil/true/false, nested
    such Arrays) gets a structural key: equal exactly when the Arrays are
    eql?, and without the many equal hash codes mruby's Array#hash gives
    small-integer tuples (which would make every lookup a long probe)."""
    if w & OBJECT_MASK == OBJECT_TAG and not vm.str_space.blocks[w >> OBJECT_SHIFT]:
        o = vm.objects[w >> OBJECT_SHIFT]
        if type(o) is RArray and o.cls is vm.c_Array and _plain_array_ok(vm):
            k = _struct_key(vm, o, 0)
            if k is not None:
                return k
    return vm.hash_key(w)


def _plain_array_ok(vm):
    m, _ = vm.find_method(vm.c_Array, vm.intern("hash"))
    e, _ = vm.find_method(vm.c_Array, vm.intern("eql?"))
    return (m is not None and getattr(m.fn, "__module__", "").startswith("runtime.core")
            and e is not None and getattr(e.fn, "__module__", "").startswith("runtime.core"))


def _struct_key(vm, o, depth):
    if depth > 16:
        return None
    out = ["A"]
    objs = vm.objects
    for e in o.items:
        if e & OBJECT_MASK != OBJECT_TAG:
            if e & FLONUM_MASK == FLONUM_TAG:
                out.append(("f", vm.float_value(e)))
            else:
                out.append(e)
            continue
        x = objs[e >> OBJECT_SHIFT]
        t = type(x)
        if t is RString:
            out.append(("s", bytes(x.value)))
        elif t is RInteger:
            out.append(("i", x.value))
        elif t is RFloat:
            out.append(("f", x.value))
        elif t is RArray and x.cls is vm.c_Array:
            k = _struct_key(vm, x, depth + 1)
            if k is None:
                return None
            out.append(k)
        else:
            return None
    return tuple(out)


def _generic_key(vm, w):
    if w & OBJECT_MASK != OBJECT_TAG or vm.str_space.blocks[w >> OBJECT_SHIFT]:
        return False                    # a String generated code owns (natstring.py)
    return type(vm.obj(w)) not in (RString, RInteger, RFloat)


def _live(vm, hk, e, key):
    """Does table entry ``e`` found under structural key ``hk`` still hold an
    eql key (its Array key may have been mutated since)?"""
    if type(hk) is not tuple or hk[0] != "A" or e[0] == key:
        return True
    return table_key(vm, e[0]) == hk


def _ruby_eql(vm, key):
    """Does ``key`` have a Ruby-defined eql? (calls to it can be seen)?"""
    if not _generic_key(vm, key):
        return False
    m, _ = vm.find_method(vm.class_of(key), vm.intern("eql?"))
    return m is not None and m.proc is not None


def h_find(vm, h, key):
    """(internal key, [key, value] entry) of ``key`` in RHash ``h``, or
    (None, None).  A small table with a key whose eql? is Ruby code is
    searched as mruby's array table is: one ``key.eql?(k)`` per entry, in
    order, until one matches."""
    if len(h.table) <= AR_MAX_SIZE and _ruby_eql(vm, key):
        for k2, e in list(h.table.items()):
            if vm.eql(key, e[0]):
                return k2, e
        return None, None
    hk = table_key(vm, key)
    e = h.table.get(hk)
    if e is not None:
        if _live(vm, hk, e, key):
            return hk, e
        # the slot holds a key mutated since insertion; an eql key inserted
        # after that lives under the VM's own key
        alt = vm.hash_key(key)
        e = h.table.get(alt)
        if e is not None:
            return alt, e
    if len(h.table) <= AR_MAX_SIZE and _generic_key(vm, key):
        for k2, e in list(h.table.items()):
            if vm.eql(key, e[0]):
                return k2, e
    return None, None


def h_lookup(vm, h, key):
    """The value of ``key`` or None."""
    if len(h.table) <= AR_MAX_SIZE and _ruby_eql(vm, key):
        _, e = h_find(vm, h, key)
        return None if e is None else e[1]
    hk = table_key(vm, key)
    e = h.table.get(hk)
    if e is not None and _live(vm, hk, e, key):
        return e[1]
    if e is not None or (len(h.table) <= AR_MAX_SIZE and _generic_key(vm, key)):
        _, e = h_find(vm, h, key)
        if e is not None:
            return e[1]
    return None


def h_has(vm, h, key):
    return h_lookup(vm, h, key) is not None


def h_store(vm, h, key, val):
    _, e = h_find(vm, h, key)
    if e is not None:
        e[1] = val
    else:
        hk = table_key(vm, key)
        if type(hk) is HKey:
            # the search found no eql key: insert without asking again
            hk.fresh = True
            h.table[hk] = [key, val]
            hk.fresh = False
            return
        if hk in h.table:
            hk = vm.hash_key(key)   # a mutated Array key still holds the slot
        if vm.is_str(key) and not vm.obj(key).frozen:
            # h_key_for: a frozen copy, a plain String whatever the key's class
            key = vm.str_new(vm.obj(key).value)
            vm.obj(key).frozen = True
        h.table[hk] = [key, val]


def h_remove(vm, h, key):
    hk, e = h_find(vm, h, key)
    if e is None:
        return None
    if type(hk) is HKey:
        # the small-table search gives the stored key itself: remove it by
        # identity, without asking eql? again (a probe key falls through)
        hk.fresh = True
        try:
            del h.table[hk]
            return e[1]
        except KeyError:
            pass
        finally:
            hk.fresh = False
    del h.table[hk]
    return e[1]


def hash_get(vm, self, key):
    """mrb_hash_get: the value, or the default (calling the default proc)."""
    v = h_lookup(vm, H(vm, self), key)
    if v is not None:
        return v
    return missing_value(vm, self, key)


def missing_value(vm, self, key):
    """The value of a missing key: a redefined ``#default`` is called, as
    mruby does (mrb_func_basic_p), else the default proc or value."""
    m, _ = vm.find_method(vm.class_of(self), vm.intern("default"))
    if m is not None and m.fn is not hash_default:
        return vm.funcall(self, "default", [key])
    h = H(vm, self)
    dp = h.default_proc
    if dp != NIL:
        # hash_default_value calls it with mrb_funcall: C-level depth check
        if len(vm.frames) - 1 > CALL_LEVEL_MAX:
            vm.raise_stack_error()
        if vm.is_proc(dp):
            return vm.call_proc(dp, [self, key])
        return vm.funcall(dp, "call", [self, key])
    return h.default


def hash_set(vm, self, key, val):
    _modify(vm, self)
    h_store(vm, H(vm, self), key, val)


def to_hash_arg(vm, w):
    return vm.ensure_hash_type(w)


# ---------------------------------------------------------------- inspect
def hash_inspect_rec(vm, w, recur):
    from .array import inspect_elem, inspect_frames
    with inspect_frames(vm, "_inspect"):
        h = H(vm, w)
        if len(h) == 0:
            return b"{}"
        key = w >> OBJECT_SHIFT
        if key in recur:
            return b"{...}"
        recur.add(key)
        parts = []
        for k, v in h.items():
            parts.append(inspect_elem(vm, k, recur) + b"=>" + inspect_elem(vm, v, recur))
    return b"{" + b", ".join(parts) + b"}"


@method("Hash", "inspect", arity=0, aliases=("to_s",))
def hash_inspect(vm, self, args, blk):
    return vm.str_new(hash_inspect_rec(vm, self, set()))


@method("Hash", "_inspect", arity=1)
def hash__inspect(vm, self, args, blk):
    """mrblib's Hash#_inspect(recur_list), called directly."""
    from .array import _recur_seen, _str_plus
    recur = args[0]
    h = H(vm, self)
    if len(h) == 0:
        return vm.str_new(b"{}")
    if _recur_seen(vm, recur, self):
        return vm.str_new(b"{...}")
    parts = []
    for k, v in h.items():
        ks = vm.funcall(k, "_inspect", [recur])
        vs = vm.funcall(v, "_inspect", [recur])
        parts.append(_str_plus(vm, _str_plus(vm, ks, vm.str_new(b"=>")), vs))
    joined = vm.funcall(vm.ary_new(parts), "join", [vm.str_new(", ")])
    return _str_plus(vm, _str_plus(vm, vm.str_new(b"{"), joined), vm.str_new(b"}"))


# ------------------------------------------------------------- creation
@method("Hash", "initialize", arity=(0, 1), visibility="private")
def hash_initialize(vm, self, args, blk):
    _modify(vm, self)
    h = H(vm, self)
    if blk != NIL:
        if args:
            vm.argc_error(1, 0, 0)
        h.default_proc = blk
        h.default = NIL
        return self
    h.default_proc = NIL
    h.default = args[0] if args else NIL
    return self


@method("Hash", "initialize_copy", arity=-1, visibility="private", aliases=("replace",))
def hash_init_copy(vm, self, args, blk):
    other, = c_args(vm, args, 1, 0, (lambda w: to_hash_arg(vm, w),))
    _modify(vm, self)
    if other == self:
        return self
    h = H(vm, self)
    o = H(vm, other)
    h.table = {k: [e[0], e[1]] for k, e in o.table.items()}
    h.default = o.default
    h.default_proc = o.default_proc
    return self


@smethod("Hash", "[]", arity=-1)
def hash_s_create(vm, self, args, blk):
    n = len(args)
    if n == 1:
        o = args[0]
        if vm.is_a(o, vm.c_Hash):
            h = vm.funcall(self, "new")
            for k, v in H(vm, o).items():
                vm.funcall(h, "[]=", [k, v])
            return h
        if vm.respond_to(o, "to_a"):
            h = vm.funcall(self, "new")
            arr = vm.funcall(o, "to_a")
            for i in list(vm.obj(arr).items) if vm.is_ary(arr) else []:
                if not vm.respond_to(i, "to_a"):
                    raise_in(vm, ("each", "[]"), vm.c_ArgumentError, f"wrong element type "
                             f"{vm.class_name(vm.real_class(i))} (expected array)")
                size = vm.funcall(i, "size")
                sz = vm.int_value(size) if vm.is_int(size) else -1
                if sz == 2:
                    k = vm.funcall(i, "[]", [abi.fixnum(0)])
                    v = vm.funcall(i, "[]", [abi.fixnum(1)])
                elif sz == 1:
                    k = vm.funcall(i, "[]", [abi.fixnum(0)])
                    v = NIL
                else:
                    raise_in(vm, ("each", "[]"), vm.c_ArgumentError, f"invalid number of elements "
                             f"({vm.to_s(size).decode()} for 1..2)")
                vm.funcall(h, "[]=", [k, v])
            return h
    if n % 2 != 0:
        vm.raise_error(vm.c_ArgumentError, "odd number of arguments for Hash")
    h = vm.funcall(self, "new")
    for i in range(0, n - 1, 2):
        vm.funcall(h, "[]=", [args[i], args[i + 1]])
    return h


# ---------------------------------------------------------- element access
@method("Hash", "[]", arity=1)
def hash_aref(vm, self, args, blk):
    return hash_get(vm, self, args[0])


@method("Hash", "[]=", arity=2, aliases=("store",))
def hash_aset(vm, self, args, blk):
    hash_set(vm, self, args[0], args[1])
    return args[1]


@method("Hash", "fetch", arity=-1)
def hash_fetch(vm, self, args, blk):
    rb_argc(vm, args, 1, 1, False)
    key = args[0]
    h = H(vm, self)
    v = h_lookup(vm, h, key)
    if v is None:
        if blk != NIL:
            return call_block(vm, blk, [key])
        if len(args) > 1 and compare_none(vm, args[1], "!="):
            return args[1]
        vm.raise_error(vm.c_KeyError, b"Key not found: " + vm.inspect(key))
    return hash_get(vm, self, key)


@method("Hash", "fetch_values", arity=-1)
def hash_fetch_values(vm, self, args, blk):
    out = []
    for k in args:
        out.append(vm.funcall(self, "fetch", [k], blk))
    return vm.ary_new(out)


@method("Hash", "key?", arity=1, aliases=("has_key?", "include?", "member?"))
def hash_has_key(vm, self, args, blk):
    return TRUE if h_has(vm, H(vm, self), args[0]) else FALSE


@method("Hash", "value?", arity=1, aliases=("has_value?",))
def hash_has_value(vm, self, args, blk):
    val = args[0]
    for v in H(vm, self).values():
        if vm.equal(val, v):
            return TRUE
    return FALSE


@method("Hash", "key", arity=1)
def hash_key(vm, self, args, blk):
    val = args[0]
    h = H(vm, self)
    if len(h):
        with fake_frames(vm, "each", "key"):    # mrblib: each { |k, v| return k if v == val }
            for k, v in h.items():
                if eq(vm, v, val):
                    return k
    return NIL


@method("Hash", "keys", arity=0)
def hash_keys(vm, self, args, blk):
    return vm.ary_new(H(vm, self).keys())


@method("Hash", "values", arity=0)
def hash_values(vm, self, args, blk):
    return vm.ary_new(H(vm, self).values())


@method("Hash", "values_at", arity=-1)
def hash_values_at(vm, self, args, blk):
    return vm.ary_new([hash_get(vm, self, k) for k in args])


@method("Hash", "length", arity=0, aliases=("size",))
def hash_size(vm, self, args, blk):
    return vm.int_new(len(H(vm, self)))


@method("Hash", "empty?", arity=0)
def hash_empty(vm, self, args, blk):
    return TRUE if len(H(vm, self)) == 0 else FALSE


@method("Hash", "dig", arity=-1)
def hash_dig(vm, self, args, blk):
    rb_argc(vm, args, 1, 0, True)
    if not args:
        vm.argc_error(0, 1, -1)
    n = vm.funcall(self, "[]", [args[0]])
    if len(args) > 1:
        if n == NIL:
            return NIL
        return vm.funcall(n, "dig", list(args[1:]))
    return n


@method("Hash", "slice", arity=-1)
def hash_slice(vm, self, args, blk):
    h = H(vm, self)
    out = vm.hash_new()
    o = H(vm, out)
    for k in args:
        v = h_lookup(vm, h, k)
        if v is not None:
            o.set(vm, k, v)
    return out


@method("Hash", "except", arity=-1)
def hash_except(vm, self, args, blk):
    out = vm.hash_dup(self)
    o = H(vm, out)
    for k in args:
        h_remove(vm, o, k)
    return out


# ---------------------------------------------------------------- defaults
@method("Hash", "default", arity=(0, 1))
def hash_default(vm, self, args, blk):
    h = H(vm, self)
    if h.default_proc != NIL:
        if not args:
            return NIL
        dp = h.default_proc
        if vm.is_proc(dp):
            return vm.call_proc(dp, [self, args[0]])
        return vm.funcall(dp, "call", [self, args[0]])
    return h.default


@method("Hash", "default=", arity=1)
def hash_set_default(vm, self, args, blk):
    _modify(vm, self)
    h = H(vm, self)
    h.default = args[0]
    h.default_proc = NIL
    return args[0]


@method("Hash", "default_proc", arity=0)
def hash_default_proc(vm, self, args, blk):
    return H(vm, self).default_proc


@method("Hash", "default_proc=", arity=1)
def hash_set_default_proc(vm, self, args, blk):
    _modify(vm, self)
    h = H(vm, self)
    h.default_proc = args[0]
    h.default = NIL
    return args[0]


# ------------------------------------------------------------- removing
@method("Hash", "__delete", arity=1)
def hash___delete(vm, self, args, blk):
    _modify(vm, self)
    v = h_remove(vm, H(vm, self), args[0])
    return NIL if v is None else v


@method("Hash", "delete", arity=1)
def hash_delete(vm, self, args, blk):
    key = args[0]
    if blk != NIL and not h_has(vm, H(vm, self), key):
        return call_block(vm, blk, [key])
    _modify(vm, self)       # __delete hides its own frame (ci->mid = 0)
    v = h_remove(vm, H(vm, self), key)
    return NIL if v is None else v


@method("Hash", "clear", arity=0)
def hash_clear(vm, self, args, blk):
    _modify(vm, self)
    H(vm, self).clear()
    return self


@method("Hash", "shift", arity=0)
def hash_shift(vm, self, args, blk):
    _modify(vm, self)
    h = H(vm, self)
    if len(h) == 0:
        return NIL
    hk = next(iter(h.table))
    k, v = h.table.pop(hk)
    return vm.ary_new([k, v])


@method("Hash", "rehash", arity=0)
def hash_rehash(vm, self, args, blk):
    """The new table replaces the old one only when complete: a key's
    ``hash``/``eql?`` raising leaves the entries as they were."""
    h = H(vm, self)
    table = {}
    for k, v in list(h.table.values()):
        hk = table_key(vm, k)
        if hk in table:
            table[hk][1] = v
        else:
            table[hk] = [k, v]
    h.table = table
    return self


# -------------------------------------------------------------- iteration
@method("Hash", "each", arity=0, aliases=("each_pair",))
def hash_each(vm, self, args, blk):
    if blk == NIL:
        return to_enum(vm, self, "each")
    pairs = H(vm, self).items()
    for k, v in pairs:
        vm.yield_block(blk, [vm.ary_new([k, v])])
    return self


@method("Hash", "each_key", arity=0)
def hash_each_key(vm, self, args, blk):
    if blk == NIL:
        return to_enum(vm, self, "each_key")
    keys = vm.ary_new(H(vm, self).keys())
    vm.funcall(keys, "each", [], pyblock(vm, lambda a: call_block(vm, blk, [a[0]]), "each_key"))
    return self


@method("Hash", "each_value", arity=0)
def hash_each_value(vm, self, args, blk):
    if blk == NIL:
        return to_enum(vm, self, "each_value")
    vals = vm.ary_new(H(vm, self).values())
    vm.funcall(vals, "each", [], pyblock(vm, lambda a: call_block(vm, blk, [a[0]]),
                                         "each_value"))
    return self


def _pair(vm, k, v):
    return vm.ary_new([k, v])


@method("Hash", "select", arity=0, aliases=("filter",))
def hash_select(vm, self, args, blk):
    if blk == NIL:
        return to_enum(vm, self, "select")
    out = vm.hash_new()
    o = H(vm, out)

    def fn(a):
        k, v = _kv(vm, a)
        if abi.truthy(call_block(vm, blk, [_pair(vm, k, v)])):
            o.set(vm, k, v)
    vm.funcall(self, "each", [], pyblock(vm, fn, "select"))
    return out


@method("Hash", "reject", arity=0)
def hash_reject(vm, self, args, blk):
    if blk == NIL:
        return to_enum(vm, self, "reject")
    out = vm.hash_new()
    o = H(vm, out)

    def fn(a):
        k, v = _kv(vm, a)
        if not abi.truthy(call_block(vm, blk, [_pair(vm, k, v)])):
            o.set(vm, k, v)
    vm.funcall(self, "each", [], pyblock(vm, fn, "reject"))
    return out


def _kv(vm, a):
    """|k, v| of a block called with one [k, v] Array (or two values)."""
    if len(a) == 1 and vm.is_ary(a[0]):
        items = vm.obj(a[0]).items
        return (items[0] if items else NIL), (items[1] if len(items) > 1 else NIL)
    return (a[0] if a else NIL), (a[1] if len(a) > 1 else NIL)


def _collect_keys(vm, self, blk, name, want):
    keys = []

    def fn(a):
        k, v = _kv(vm, a)
        if abi.truthy(call_block(vm, blk, [_pair(vm, k, v)])) == want:
            keys.append(k)
    vm.funcall(self, "each", [], pyblock(vm, fn, name))
    return keys


@method("Hash", "select!", arity=0, aliases=("filter!",))
def hash_select_bang(vm, self, args, blk):
    if blk == NIL:
        return to_enum(vm, self, "select!")
    keys = _collect_keys(vm, self, blk, "select!", False)
    if not keys:
        return NIL
    for k in keys:
        vm.funcall(self, "delete", [k])
    return self


@method("Hash", "reject!", arity=0)
def hash_reject_bang(vm, self, args, blk):
    if blk == NIL:
        return to_enum(vm, self, "reject!")
    keys = _collect_keys(vm, self, blk, "reject!", True)
    if not keys:
        return NIL
    for k in keys:
        vm.funcall(self, "delete", [k])
    return self


@method("Hash", "delete_if", arity=0)
def hash_delete_if(vm, self, args, blk):
    if blk == NIL:
        return to_enum(vm, self, "delete_if")

    def fn(a):
        k, v = _kv(vm, a)
        if abi.truthy(call_block(vm, blk, [k, v])):
            vm.funcall(self, "delete", [k])
    vm.funcall(self, "each", [], pyblock(vm, fn, "delete_if"))
    return self


@method("Hash", "keep_if", arity=0)
def hash_keep_if(vm, self, args, blk):
    if blk == NIL:
        return to_enum(vm, self, "keep_if")

    def fn(a):
        k, v = _kv(vm, a)
        if not abi.truthy(call_block(vm, blk, [_pair(vm, k, v)])):
            vm.funcall(self, "delete", [k])
    vm.funcall(self, "each", [], pyblock(vm, fn, "keep_if"))
    return self


# ----------------------------------------------------------------- merging
def _merge_into(vm, target, src, other, blk, name):
    if not vm.is_a(other, vm.c_Hash):
        vm.raise_error(vm.c_TypeError,
                       f"Hash required ({vm.class_name(vm.real_class(other))} given)")
    o = H(vm, other)
    if blk != NIL:
        with fake_frames(vm, "each_key", "each", "each_key"):
            for k in o.keys():
                if h_has(vm, H(vm, src), k):
                    with fake_frames(vm, name):
                        v = call_block(vm, blk, [k, hash_get(vm, src, k), hash_get(vm, other, k)])
                else:
                    v = hash_get(vm, other, k)
                with fake_frames(vm, name, "[]="):
                    hash_set(vm, target, k, v)
    else:
        for k in o.keys():
            v = hash_get(vm, other, k)
            with fake_frames(vm, "each_key", "each", "each_key", name, "[]="):
                _modify(vm, target)
            h_store(vm, H(vm, target), k, v)


@method("Hash", "merge", arity=1)
def hash_merge(vm, self, args, blk):
    other = args[0]
    if not vm.is_a(other, vm.c_Hash):
        vm.raise_error(vm.c_TypeError,
                       f"Hash required ({vm.class_name(vm.real_class(other))} given)")
    h = vm.funcall(self, "dup")
    _merge_into(vm, h, self, other, blk, "merge")
    return h


@method("Hash", "merge!", arity=1, aliases=("update",))
def hash_merge_bang(vm, self, args, blk):
    _merge_into(vm, self, self, args[0], blk, "merge!")
    return self


@method("Hash", "compact", arity=0)
def hash_compact(vm, self, args, blk):
    out = vm.hash_new()
    o = H(vm, out)
    for k, v in H(vm, self).items():
        if not eq(vm, v, NIL) if v & OBJECT_MASK == OBJECT_TAG else v != NIL:
            o.set(vm, k, v)
    return out


@method("Hash", "compact!", arity=0)
def hash_compact_bang(vm, self, args, blk):
    h = H(vm, self)
    keep = [(k, v) for k, v in h.items()
            if (not eq(vm, v, NIL) if v & OBJECT_MASK == OBJECT_TAG else v != NIL)]
    if len(keep) == len(h):
        return NIL
    with fake_frames(vm, "replace"):
        _modify(vm, self)
    h.table = {}
    for k, v in keep:
        h.set(vm, k, v)
    return self


@method("Hash", "invert", arity=0)
def hash_invert(vm, self, args, blk):
    out = vm.funcall(vm.real_class(self).word, "new")
    for k, v in H(vm, self).items():
        vm.funcall(out, "[]=", [v, k])
    return out


@method("Hash", "flatten", arity=-1)
def hash_flatten(vm, self, args, blk):
    rb_argc(vm, args, 0, 1, False)
    level = args[0] if args else abi.fixnum(1)
    a = vm.funcall(self, "to_a")
    return vm.funcall(a, "flatten", [level])


@method("Hash", "to_h", arity=0)
def hash_to_h(vm, self, args, blk):
    return self


@method("Hash", "to_proc", arity=0)
def hash_to_proc(vm, self, args, blk):
    def body(vm_, self_, a, b):
        if len(a) != 1:
            vm.argc_error(len(a), 1, 1)
        return hash_get(vm, self, a[0])
    p = RProc(vm.c_Proc, fn=body)
    p.strict = True
    p.arity_override = 1          # mrblib: ->x{self[x]}
    p.fn_mid = vm.intern("to_proc")
    p.params = (("req", "x"),)
    return vm.alloc(p)


@method("Hash", "transform_keys", arity=0)
def hash_transform_keys(vm, self, args, blk):
    if blk == NIL:
        return to_enum(vm, self, "transform_keys")
    out = vm.hash_new()
    o = H(vm, out)
    for k in H(vm, self).keys():
        with fake_frames(vm, "each", "transform_keys"):
            nk = call_block(vm, blk, [k])
        h_store(vm, o, nk, hash_get(vm, self, k))
    return out


@method("Hash", "transform_keys!", arity=0)
def hash_transform_keys_bang(vm, self, args, blk):
    if blk == NIL:
        return to_enum(vm, self, "transform_keys!")
    h = H(vm, self)
    for k in h.keys():
        value = hash_get(vm, self, k)
        with fake_frames(vm, "each", "transform_keys!"):
            _modify(vm, self)
        h_remove(vm, h, k)
        with fake_frames(vm, "each", "transform_keys!"):
            k2 = call_block(vm, blk, [k])
        with fake_frames(vm, "[]="):
            hash_set(vm, self, k2, value)
    return self


@method("Hash", "transform_values", arity=0)
def hash_transform_values(vm, self, args, blk):
    if blk == NIL:
        return to_enum(vm, self, "transform_values")
    out = vm.hash_new()
    o = H(vm, out)
    for k in H(vm, self).keys():
        with fake_frames(vm, "each", "transform_values"):
            v = call_block(vm, blk, [hash_get(vm, self, k)])
        o.set(vm, k, v)
    return out


@method("Hash", "transform_values!", arity=0)
def hash_transform_values_bang(vm, self, args, blk):
    if blk == NIL:
        return to_enum(vm, self, "transform_values!")
    for k in H(vm, self).keys():
        with fake_frames(vm, "each", "transform_values!"):
            v = call_block(vm, blk, [hash_get(vm, self, k)])
        with fake_frames(vm, "each", "transform_values!", "[]="):
            hash_set(vm, self, k, v)
    return self


# -------------------------------------------------------------- comparing
def hash_equal(vm, a, b, eql):
    if a == b:
        return True
    if not vm.is_a(b, vm.c_Hash):
        return False
    x = H(vm, a)
    y = H(vm, b)
    if len(x) != len(y):
        return False
    if not len(x):
        return True
    # mrblib: self.each do |k,v| ... self[k] == hash[k] ... end
    with fake_frames(vm, "each", "eql?" if eql else "=="):
        for k in x.keys():
            w = h_lookup(vm, y, k)
            if w is None:
                return False
            if eql:
                if not vm.eql(hash_get(vm, a, k), w):
                    return False
            elif not eq(vm, hash_get(vm, a, k), hash_get(vm, b, k)):
                return False
    return True


@method("Hash", "==", arity=1)
def hash_eq(vm, self, args, blk):
    return TRUE if hash_equal(vm, self, args[0], False) else FALSE


@method("Hash", "eql?", arity=1)
def hash_eql(vm, self, args, blk):
    return TRUE if hash_equal(vm, self, args[0], True) else FALSE


def _subset(vm, small, big):
    b = H(vm, big)
    for k, v in H(vm, small).items():
        w = h_lookup(vm, b, k)
        if w is None or not eq(vm, w, v):
            return False
    return True


def _cmp_check(vm, other):
    if not vm.is_a(other, vm.c_Hash):
        vm.raise_error(vm.c_TypeError,
                       f"can't convert {vm.class_name(vm.real_class(other))} to Hash")


@method("Hash", "<", arity=1)
def hash_lt(vm, self, args, blk):
    _cmp_check(vm, args[0])
    return vm.bool(len(H(vm, self)) < len(H(vm, args[0])) and _subset(vm, self, args[0]))


@method("Hash", "<=", arity=1)
def hash_le(vm, self, args, blk):
    _cmp_check(vm, args[0])
    return vm.bool(len(H(vm, self)) <= len(H(vm, args[0])) and _subset(vm, self, args[0]))


@method("Hash", ">", arity=1)
def hash_gt(vm, self, args, blk):
    _cmp_check(vm, args[0])
    return vm.bool(len(H(vm, self)) > len(H(vm, args[0])) and _subset(vm, args[0], self))


@method("Hash", ">=", arity=1)
def hash_ge(vm, self, args, blk):
    _cmp_check(vm, args[0])
    return vm.bool(len(H(vm, self)) >= len(H(vm, args[0])) and _subset(vm, args[0], self))


def _install_ar_lookup():
    """Give every RHash (literals and keyword hashes built by the opcodes
    included) the small-table lookup of mruby 3.1 (see h_find)."""
    if getattr(RHash, "ar_eql_lookup", False):
        return

    def get(self, vm, key):
        return h_lookup(vm, self, key)

    def has(self, vm, key):
        return h_lookup(vm, self, key) is not None

    def set_(self, vm, key, value):
        h_store(vm, self, key, value)

    def delete(self, vm, key):
        return h_remove(vm, self, key)

    RHash.get = get
    RHash.has = has
    RHash.set = set_
    RHash.delete = delete
    RHash.ar_eql_lookup = True


def init(vm):
    _install_ar_lookup()
