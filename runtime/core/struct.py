"""Struct, as mruby 3.1's mruby-struct gem has it (C and Ruby parts).

A struct instance is an ``RData`` whose ``data`` is the Python list of its
values; a struct class records its members (a list of symbol ids) in
``vm._struct_members`` keyed by the class.  Struct does not include
Enumerable in mruby.
"""

from __future__ import annotations

from .. import abi
from ..abi import OBJECT_MASK, OBJECT_SHIFT, OBJECT_TAG
from ..defs import method, smethod
from ..objects import RData
from .support import FALSE, NIL, TRUE, as_int, call_block, fake_frames, pyblock, rb_argc


def _members_table(vm):
    t = getattr(vm, "_struct_members", None)
    if t is None:
        t = {}
        vm._struct_members = t
    return t


def class_members(vm, cls):
    """struct_s_members: the members of a struct class (walking superclasses
    up to Struct)."""
    t = _members_table(vm)
    st = vm.cls("Struct")
    c = cls
    while c is not None and c is not st:
        m = t.get(c.handle)
        if m is not None:
            return m
        c = c.superclass
    vm.raise_error(vm.c_TypeError, "uninitialized struct")


def is_struct(vm, w):
    if w & OBJECT_MASK != OBJECT_TAG:
        return False
    o = vm.obj(w)
    if type(o) is not RData or not isinstance(o.data, list):
        return False
    return vm.is_a(w, vm.cls("Struct"))


def values(vm, w):
    o = vm.obj(w)
    if type(o) is not RData:
        vm.raise_error(vm.c_TypeError, "corrupted struct")
    if not isinstance(o.data, list):
        o.data = []
    return o.data


def struct_members(vm, w):
    members = class_members(vm, vm.real_class(w))
    vals = values(vm, w)
    if len(vals) == 0 and len(members) != 0:
        vm.raise_error(vm.c_TypeError, "corrupted struct")
    if len(vals) != len(members):
        vm.raise_error(vm.c_TypeError, f"struct size differs ({len(members)} required "
                       f"{len(vals)} given)")
    return members


def _modify(vm, w):
    vm.check_frozen(w)


# ----------------------------------------------------------- Struct.new
def _to_sym(vm, w):
    if vm.is_sym(w):
        return w >> 8
    if vm.is_str(w):
        return vm.intern(bytes(vm.obj(w).value))
    vm.raise_error(vm.c_TypeError, f"{vm.inspect(w).decode('utf-8', 'replace')} is not a "
                   "symbol nor a string")


def _const_name_p(name: bytes) -> bool:
    if not name or not (65 <= name[0] <= 90):
        return False
    return all(c == 95 or 48 <= c <= 57 or 65 <= c <= 90 or 97 <= c <= 122 or c >= 128
               for c in name[1:])


def _make_accessors(vm, c, members):
    for i, sid in enumerate(members):
        def getter(vm_, self, args, blk, i=i):
            vals = values(vm, self)
            return vals[i] if i < len(vals) else NIL

        def setter(vm_, self, args, blk, i=i):
            if len(args) != 1:          # mrb_get_arg1
                vm.argc_error(len(args), 1, 1)
            _modify(vm, self)
            vals = values(vm, self)
            if i >= len(vals):
                vals.extend([NIL] * (i + 1 - len(vals)))
            vals[i] = args[0]
            return args[0]
        name = vm.sym_name(sid)
        # cfunc procs without an aspec: Method#arity is -1, the reader
        # ignores arguments, the writer takes exactly one (mrb_get_arg1)
        vm.define_method(c, name, getter, -1)
        vm.define_method(c, name + "=", setter, -1)


def _instance_new(vm, self, args, blk):
    cls = vm.obj(self)
    w = vm.alloc(RData(cls, []))
    vm.funcall(w, vm.SYM_initialize, list(args), blk)
    return w


def _s_members(vm, self, args, blk):
    return vm.ary_new([abi.symbol_word(s) for s in class_members(vm, vm.obj(self))])


@smethod("Struct", "new", arity=-1)
def struct_s_new(vm, self, args, blk):
    if not args:
        vm.argc_error(0, 1, -1)
    klass = vm.obj(self)
    name = args[0]
    rest = list(args)
    if vm.is_sym(name):
        name = NIL
    else:
        rest = rest[1:]
    members = [_to_sym(vm, m) for m in rest]
    if name == NIL:
        c = vm.new_class(None, klass, vm.c_Object)
        c.outer = None
        vm.class_inherited(klass, c)
    else:
        if not vm.is_str(name):
            vm.raise_error(vm.c_TypeError,
                           f"{vm.type_name_for_error(name)} cannot be converted to String")
        nb = bytes(vm.obj(name).value)
        sid = vm.intern(nb)
        if not _const_name_p(nb):
            vm.raise_name_error(f"identifier {nb.decode('utf-8', 'replace')} needs to be "
                                "constant", sid)
        if sid in klass.ivars:
            # mrb_warn prints nothing in mruby's default build
            del klass.ivars[sid]
        c = vm.define_class(nb.decode("utf-8", "surrogateescape"), klass, klass)
    c.instance_type = RData
    _members_table(vm)[c.handle] = members
    vm.define_singleton_method(c, "new", _instance_new, -1)
    vm.define_singleton_method(c, "[]", _instance_new, -1)
    vm.define_singleton_method(c, "members", _s_members, 0)
    _make_accessors(vm, c, members)
    if blk != NIL:
        vm.eval_under(c.word, blk, c, [c.word])
    return c.word


# --------------------------------------------------------------- instances
@method("Struct", "initialize", arity=-1, visibility="private")
def struct_initialize(vm, self, args, blk):
    n = len(class_members(vm, vm.real_class(self)))
    if n < len(args):
        vm.raise_error(vm.c_ArgumentError, "struct size differs")
    _modify(vm, self)
    vm.obj(self).data = list(args) + [NIL] * (n - len(args))
    return self


@method("Struct", "initialize_copy", arity=1, visibility="private")
def struct_init_copy(vm, self, args, blk):
    s = args[0]
    if s == self:
        return self
    if vm.real_class(s) is not vm.real_class(self):
        vm.raise_error(vm.c_TypeError, "wrong argument class")
    if not is_struct(vm, s):
        vm.raise_error(vm.c_TypeError, "corrupted struct")
    vm.obj(self).data = list(values(vm, s))
    return self


@method("Struct", "members", arity=0)
def struct_members_m(vm, self, args, blk):
    return vm.ary_new([abi.symbol_word(s) for s in class_members(vm, vm.real_class(self))])


def _index_of_sym(vm, self, sid):
    members = struct_members(vm, self)
    for i, m in enumerate(members):
        if m == sid:
            return i
    vm.raise_name_error(f"no member '{vm.sym_name(sid)}' in struct", sid)


@method("Struct", "[]", arity=1)
def struct_aref(vm, self, args, blk):
    idx = args[0]
    if vm.is_str(idx):
        idx = vm.sym(bytes(vm.obj(idx).value))
    if vm.is_sym(idx):
        return values(vm, self)[_index_of_sym(vm, self, idx >> 8)]
    i = as_int(vm, idx)
    vals = values(vm, self)
    j = len(vals) + i if i < 0 else i
    if j < 0:
        vm.raise_error(vm.c_IndexError, f"offset {i} too small for struct(size:{len(vals)})")
    if len(vals) <= j:
        vm.raise_error(vm.c_IndexError, f"offset {i} too large for struct(size:{len(vals)})")
    return vals[j]


@method("Struct", "[]=", arity=2)
def struct_aset(vm, self, args, blk):
    idx, val = args
    if vm.is_str(idx):
        idx = vm.sym(bytes(vm.obj(idx).value))
    if vm.is_sym(idx):
        i = _index_of_sym(vm, self, idx >> 8)
        _modify(vm, self)
        values(vm, self)[i] = val
        return val
    i = as_int(vm, idx)
    vals = values(vm, self)
    if i < 0:
        i = len(vals) + i
    if i < 0:
        vm.raise_error(vm.c_IndexError, f"offset {i} too small for struct(size:{len(vals)})")
    if len(vals) <= i:
        vm.raise_error(vm.c_IndexError, f"offset {i} too large for struct(size:{len(vals)})")
    _modify(vm, self)
    vals[i] = val
    return val


def _struct_eq(vm, a, b, eql):
    if a == b:
        return True
    if vm.real_class(a) is not vm.real_class(b):
        return False
    x = values(vm, a)
    y = values(vm, b)
    for i in range(min(len(x), len(y))):
        if eql:
            if not vm.eql(x[i], y[i]):
                return False
        elif not vm.equal(x[i], y[i]):
            return False
    return True


@method("Struct", "==", arity=1)
def struct_eq(vm, self, args, blk):
    return TRUE if _struct_eq(vm, self, args[0], False) else FALSE


@method("Struct", "eql?", arity=1)
def struct_eql(vm, self, args, blk):
    return TRUE if _struct_eq(vm, self, args[0], True) else FALSE


@method("Struct", "size", arity=0, aliases=("length",))
def struct_size(vm, self, args, blk):
    return vm.int_new(len(values(vm, self)))


@method("Struct", "to_a", arity=0, aliases=("values",))
def struct_to_a(vm, self, args, blk):
    return vm.ary_new(list(values(vm, self)))


@method("Struct", "to_h", arity=0)
def struct_to_h(vm, self, args, blk):
    members = struct_members(vm, self)
    out = vm.hash_new()
    h = vm.obj(out)
    vals = values(vm, self)
    for i, m in enumerate(members):
        h.set(vm, abi.symbol_word(m), vals[i])
    return out


@method("Struct", "values_at", arity=-1)
def struct_values_at(vm, self, args, blk):
    from .array import values_at

    def ref(i):
        vals = values(vm, self)
        j = len(vals) + i if i < 0 else i
        if j < 0:
            vm.raise_error(vm.c_IndexError, f"offset {i} too small for struct(size:{len(vals)})")
        if len(vals) <= j:
            vm.raise_error(vm.c_IndexError, f"offset {i} too large for struct(size:{len(vals)})")
        return vals[j]
    return values_at(vm, self, len(values(vm, self)), args, ref)


def _block_call(vm, blk, args):
    """mrblib's ``block.call(...)``: without a block, nil.call raises
    NoMethodError (these methods return no Enumerator in mruby 3.1)."""
    if blk == NIL:
        return vm.funcall(NIL, "call", args)
    return call_block(vm, blk, args)


def _each_member(vm, self, fn, name):
    members = vm.funcall(vm.real_class(self).word, "members")
    vm.funcall(members, "each", [], pyblock(vm, fn, name))


@method("Struct", "each", arity=0)
def struct_each(vm, self, args, blk):
    _each_member(vm, self, lambda a: _block_call(vm, blk, [vm.funcall(self, "[]", [a[0]])]),
                 "each")
    return self


@method("Struct", "each_pair", arity=0)
def struct_each_pair(vm, self, args, blk):
    _each_member(vm, self, lambda a: _block_call(vm, blk, [a[0], vm.funcall(self, "[]", [a[0]])]),
                 "each_pair")
    return self


@method("Struct", "select", arity=0)
def struct_select(vm, self, args, blk):
    out = []

    def fn(a):
        val = vm.funcall(self, "[]", [a[0]])
        if abi.truthy(_block_call(vm, blk, [val])):
            out.append(val)
    _each_member(vm, self, fn, "select")
    return vm.ary_new(out)


def struct_inspect_rec(vm, w, recur):
    from .array import inspect_elem, inspect_frames
    cname = vm.class_name(vm.real_class(w))
    with inspect_frames(vm, "_inspect"):
        key = w >> OBJECT_SHIFT
        if key in recur:
            return f"#<struct {cname}:...>".encode()
        recur.add(key)
        if cname.startswith("#"):
            out = b"#<struct "
        else:
            out = b"#<struct " + cname.encode() + b" "
        members = class_members(vm, vm.real_class(w))
        vals = values(vm, w)
        parts = []
        # mrblib: each_pair (members.each) do |k, v| ... v._inspect(recur_list) end
        with fake_frames(vm, "each_pair", "each", "each_pair", "_inspect"):
            for i, m in enumerate(members):
                v = vals[i] if i < len(vals) else NIL
                parts.append(vm.sym_bytes(m) + b"=" + inspect_elem(vm, v, recur))
    return out + b", ".join(parts) + b">"


@method("Struct", "inspect", arity=0, aliases=("to_s",))
def struct_inspect(vm, self, args, blk):
    return vm.str_new(struct_inspect_rec(vm, self, set()))


@method("Struct", "_inspect", arity=1)
def struct__inspect(vm, self, args, blk):
    """mrblib's Struct#_inspect(recur_list), called directly."""
    from .array import _recur_seen
    recur = args[0]
    cname = vm.class_name(vm.real_class(self))
    if _recur_seen(vm, recur, self):
        return vm.str_new(f"#<struct {cname}:...>".encode())
    out = b"#<struct " if cname.startswith("#") else b"#<struct " + cname.encode() + b" "
    parts = []
    members = class_members(vm, vm.real_class(self))
    vals = values(vm, self)
    for i, m in enumerate(members):
        v = vals[i] if i < len(vals) else NIL
        r = vm.funcall(v, "_inspect", [recur])
        parts.append(vm.sym_bytes(m) + b"=" + vm.str_bytes_of(r))
    return vm.str_new(out + b", ".join(parts) + b">")


@method("Struct", "dig", arity=-1)
def struct_dig(vm, self, args, blk):
    rb_argc(vm, args, 1, 0, True)
    if not args:
        vm.argc_error(0, 1, -1)
    n = vm.funcall(self, "[]", [args[0]])
    if len(args) > 1:
        if n == NIL:
            return NIL
        return vm.funcall(n, "dig", list(args[1:]))
    return n


def setup(vm):
    vm.define_class("Struct")
