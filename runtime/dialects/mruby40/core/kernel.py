"""mruby 4.0: methods 4.0.0's default build added since 3.1.

- pattern matching (``case/in``): Array#deconstruct (mruby-array-ext),
  Hash#deconstruct_keys (mrblib/hash.rb), Hash#__pat_values and
  Hash#__except (hash.c, what mrbc's code for hash patterns calls).
"""

from __future__ import annotations

import struct

from runtime import abi
from runtime.abi import CALL_MAXARGS
from runtime.classes import Classes
from runtime.core import conversions
from runtime.core.kernel import send_special
from runtime.defs import method, module_function
from runtime.values import Values

from .integer import float_range_check

NIL = abi.NIL


@method("Array", "deconstruct", arity=0)
def ary_deconstruct(vm, self, args, blk):
    return self


@method("Hash", "deconstruct_keys", arity=1)
def hash_deconstruct_keys(vm, self, args, blk):
    return self


@method("Hash", "__pat_values", arity=1)
def hash_pat_values(vm, self, args, blk):
    keys = vm.obj(vm.check_type(args[0], "Array")).items
    h = vm.obj(self)
    out = []
    for k in list(keys):
        v = h.get(vm, k)
        if v is None:
            return abi.FALSE
        out.append(v)
    return vm.ary_new(out)


@method("Hash", "__except", arity=1)
def hash_except_keys(vm, self, args, blk):
    keys = list(vm.obj(vm.check_type(args[0], "Array")).items)
    r = vm.hash_new()
    ro = vm.obj(r)
    for k, v in list(vm.obj(self).items()):
        if not any(vm.equal(k, x) for x in keys):
            ro.set(vm, k, v)
    return r


# ------------------------------------------------- methods 3.1 did not have
#: what 4.0.0 no longer defines (Float's bit operations, numeric.c)
REMOVED = (("Float", "&"), ("Float", "|"), ("Float", "^"), ("Float", "<<"), ("Float", ">>"),
           ("Float", "~"),
           # 3.1's mrblib had attr_accessors for an Enumerator's state; 4.0's has none
           ("Enumerator", "obj"), ("Enumerator", "obj="), ("Enumerator", "meth"),
           ("Enumerator", "meth="), ("Enumerator", "args"), ("Enumerator", "args="),
           ("Enumerator", "kwd"), ("Enumerator", "kwd="), ("Enumerator", "fib"),
           # eql? is Numeric's alone (numeric.c num_eql)
           ("Integer", "eql?"), ("Float", "eql?"),
           # Module.new is Class#new (new_iseq; allocate makes the module),
           # which calls Module#initialize
           ("Module.", "new"))


def allocate(vm, cls):
    """mrb_instance_alloc: an instance of Module (or of a subclass of it
    that is no Class) is a module."""
    c = cls
    while c is not None and c is not vm.c_Class and c is not vm.c_Module:
        c = c.superclass
    if c is vm.c_Module:
        m = vm.new_module(None)
        vm.set_class(m, cls)
        return m.word
    return Classes.allocate(vm, cls)



def _int(vm, w):
    return abi.fixnum_value(w) if w & 1 else vm.int_value(w)


@method("Integer", "even?", arity=0)
def int_even(vm, self, args, blk):
    return vm.bool(_int(vm, self) % 2 == 0)


@method("Integer", "odd?", arity=0)
def int_odd(vm, self, args, blk):
    return vm.bool(_int(vm, self) % 2 == 1)


@method("Integer", "integer?", arity=0)
def int_integer_p(vm, self, args, blk):
    return abi.TRUE


@method("Numeric", "integer?", arity=0)
def num_integer_p(vm, self, args, blk):
    return abi.FALSE


def byte_hash(b: bytes, hval: int = 0x811C9DC5) -> int:
    """mrb_byte_hash(_step): 32-bit FNV-1 of the bytes."""
    for c in b:
        hval = ((hval * 16777619) & 0xFFFFFFFF) ^ c
    return hval


def object_id(vm, w: int) -> int:
    """mrb_obj_id under 4.0's word boxing (etc.c): an inline Float's id is
    its word (0.0 is 2, -0.0 is 6), a heap one's mrb_float_id (FNV-1 of
    its bytes, -0.0 as 0.0); the rest as 3.1's."""
    if vm.is_float(w):
        from ..boxing import float_word
        x = vm.float_value(w)
        u = float_word(x)
        if u is not None:
            return u - (1 << 64) if u >> 63 else u
        return byte_hash(struct.pack("<d", x + 0.0))
    return Values.object_id(vm, w)


VM_OVERRIDES = {"allocate": allocate, "object_id": object_id}


@method("Integer", "hash", arity=0)
def int_hash(vm, self, args, blk):
    """int_hash: FNV-1 of the 64-bit value's bytes; a bigint's
    (mrb_bint_hash) of its 32-bit limbs, then of its sign."""
    n = _int(vm, self)
    if -(1 << 63) <= n < (1 << 63):
        return vm.int_new(byte_hash(struct.pack("<q", n)))
    m = abs(n)
    limbs = b"".join(struct.pack("<I", (m >> (32 * i)) & 0xFFFFFFFF)
                     for i in range((m.bit_length() + 31) // 32))
    return vm.int_new(byte_hash(struct.pack("<i", -1 if n < 0 else 1), byte_hash(limbs)))


@method("Float", "hash", arity=0)
def flo_hash(vm, self, args, blk):
    """flo_hash: FNV-1 of the double's bytes, -0.0 as 0.0."""
    f = vm.float_value(self)
    return vm.int_new(byte_hash(struct.pack("<d", 0.0 if f == 0 else f)))


@method("Integer", "bit_length", arity=0)
def int_bit_length(vm, self, args, blk):
    n = _int(vm, self)
    return abi.fixnum((~n if n < 0 else n).bit_length())


@method("Integer", "size", arity=0)
def int_size(vm, self, args, blk):
    n = _int(vm, self)
    if abi.MRB_INT_MIN <= n <= abi.MRB_INT_MAX:
        return abi.fixnum(8)
    return abi.fixnum(((abs(n).bit_length() + 63) // 64) * 8)


def _int_arg(vm, w):
    from runtime.core.numeric import as_int
    return vm.int_value(w) if vm.is_int(w) else as_int(vm, w)


@method("Integer", "gcd", arity=1)
def int_gcd(vm, self, args, blk):
    import math
    if not vm.is_int(args[0]):
        vm.raise_error("TypeError", "not an integer")
    return vm.int_new(math.gcd(_int(vm, self), vm.int_value(args[0])))


@method("Integer", "lcm", arity=1)
def int_lcm(vm, self, args, blk):
    import math
    if not vm.is_int(args[0]):
        vm.raise_error("TypeError", "not an integer")
    return vm.int_new(math.lcm(_int(vm, self), vm.int_value(args[0])))


@method("Integer", "ceildiv", arity=1)
def int_ceildiv(vm, self, args, blk):
    y = _int_arg(vm, args[0])
    if y == 0:
        vm.raise_error("ZeroDivisionError", "divided by 0")
    return vm.int_new(-(-_int(vm, self) // y))


@method("Integer", "digits", arity=(0, 1))
def int_digits(vm, self, args, blk):
    base = _int_arg(vm, args[0]) if args else 10
    n = _int(vm, self)
    if n < 0:
        vm.raise_error("Math::DomainError", "out of domain")
    if base < 2:
        vm.raise_error("ArgumentError", f"invalid radix {base}")
    out = []
    while True:
        n, r = divmod(n, base)
        out.append(vm.int_new(r))
        if n == 0:
            break
    return vm.ary_new(out)


@method("Integer", "pow", arity=(1, 2))
def int_pow_mod(vm, self, args, blk):
    if len(args) == 1:
        return vm.funcall(self, "**", [args[0]])
    e, m = _int_arg(vm, args[0]), _int_arg(vm, args[1])
    if e < 0:
        vm.raise_error("ArgumentError", "int.pow(n,m): n must be positive")
    if m == 0:
        vm.raise_error("ZeroDivisionError", "divided by 0")
    return vm.int_new(pow(_int(vm, self), e, m))


@method("Numeric", "fdiv", arity=1)
def num_fdiv(vm, self, args, blk):
    from runtime.core.numeric import as_float
    from runtime.ops import div_float
    return vm.float_new(div_float(as_float(vm, self), as_float(vm, args[0])))


@method("Integer", "fdiv", arity=1)
def int_fdiv(vm, self, args, blk):
    return num_fdiv(vm, self, args, blk)


@method("Float", "fdiv", arity=1)
def flo_fdiv(vm, self, args, blk):
    return num_fdiv(vm, self, args, blk)


def int_s_sqrt(vm, self, args, blk):
    import math
    n = _int_arg(vm, args[0])
    if n < 0:
        vm.raise_error("Math::DomainError", 'Numerical argument is out of domain - "isqrt"')
    return vm.int_new(math.isqrt(n))


@method("String", "b", arity=0)
def str_b(vm, self, args, blk):
    return vm.str_new(vm.str_bytes(self))


@method("String", "ascii_only?", arity=0)
def str_ascii_only(vm, self, args, blk):
    return vm.bool(all(c < 0x80 for c in vm.str_bytes(self)))


@method("String", "+@", arity=0)
def str_uplus(vm, self, args, blk):
    return vm.funcall(self, "dup") if vm.obj(self).frozen else self


@method("String", "-@", arity=0)
def str_uminus(vm, self, args, blk):
    if vm.obj(self).frozen:
        return self
    s = vm.funcall(self, "dup")
    vm.obj(s).frozen = True
    return s


@method("Hash", "to_hash", arity=0)
def hash_to_hash(vm, self, args, blk):
    return self


@method("Hash", "assoc", arity=1)
def hash_assoc(vm, self, args, blk):
    for k, v in list(vm.obj(self).items()):
        if vm.equal(k, args[0]):
            return vm.ary_new([k, v])
    return abi.NIL


@method("Hash", "rassoc", arity=1)
def hash_rassoc(vm, self, args, blk):
    for k, v in list(vm.obj(self).items()):
        if vm.equal(v, args[0]):
            return vm.ary_new([k, v])
    return abi.NIL


@method("Enumerable", "sum", arity=(0, 1))
def enum_sum(vm, self, args, blk):
    acc = [args[0] if args else abi.fixnum(0)]

    def add(x):
        if blk != abi.NIL:
            x = vm.yield_block(blk, [x])
        acc[0] = vm.funcall(acc[0], "+", [x])
    for x in list(vm.obj(vm.funcall(self, "to_a")).items):
        add(x)
    return acc[0]


@method("Enumerable", "grep_v", arity=1)
def enum_grep_v(vm, self, args, blk):
    out = []
    for x in list(vm.obj(vm.funcall(self, "to_a")).items):
        if not abi.truthy(vm.funcall(args[0], "===", [x])):
            out.append(vm.yield_block(blk, [x]) if blk != abi.NIL else x)
    return vm.ary_new(out)


@method("Range", "overlap?", arity=1)
def range_overlap(vm, self, args, blk):
    other = args[0]
    if not vm.is_range(other):
        vm.raise_error("TypeError", f"wrong argument type {vm.class_name(vm.real_class(other))}"
                       " (expected Range)")

    def ends(r):
        o = vm.obj(r)
        return o.first, o.last, o.exclusive

    b1, e1, x1 = ends(self)
    b2, e2, x2 = ends(other)

    def lt(a, b, excl):     # does a range ending at a (excl?) end before b starts?
        if a == abi.NIL or b == abi.NIL:
            return False
        c = vm.cmp(a, b)
        return c is not None and (c < 0 or (c == 0 and excl))

    def empty(b, e, x):
        if b == abi.NIL or e == abi.NIL:
            return False
        c = vm.cmp(b, e)
        return c is None or c > 0 or (c == 0 and x)
    if empty(b1, e1, x1) or empty(b2, e2, x2):
        return abi.FALSE
    return vm.bool(not lt(e1, b2, x1) and not lt(e2, b1, x2))


def send_special40(vm, base, recv, m, owner, mid, n, nk, blk):
    """send_method: a name the receiver has no method for goes through
    mrb_funcall_with_block, whose prepare_missing passes no block on to
    method_missing."""
    name = NIL
    st = vm.stack
    if n == CALL_MAXARGS:
        packed = vm.obj(st[base + 1]).items
        name = packed[0] if packed else NIL
    elif n > 0:
        name = st[base + 1]
    if (vm.is_sym(name) or vm.is_str(name)) and \
            vm.find_method(vm.class_of(recv), _name_sid(vm, name))[0] is None:
        blk = NIL
    return send_special(vm, base, recv, m, owner, mid, n, nk, blk)


def _name_sid(vm, name):
    return name >> 8 if vm.is_sym(name) else vm.intern(
        vm.str_bytes(name).decode("utf-8", "surrogateescape"))


def init(vm):
    import math

    from runtime.core.numeric import as_float
    for cls, name in ((vm.c_Kernel, "send"), (vm.c_BasicObject, "__send__")):
        sid = vm.intern(name)
        cls.mt[sid] = cls.mt[sid].copy(special=send_special40)
    vm.define_singleton_method(vm.c_Integer, "sqrt", int_s_sqrt, 1)
    math_mod = vm.cls("Math")
    vm.define_singleton_method(math_mod, "log1p",
                               lambda vm, s, a, b: vm.float_new(math.log1p(as_float(vm, a[0]))),
                               1)
    vm.define_singleton_method(math_mod, "expm1",
                               lambda vm, s, a, b: vm.float_new(math.expm1(as_float(vm, a[0]))),
                               1)


@method("Proc", "inspect", arity=0, aliases=("to_s",))
def proc_inspect(vm, self, args, blk):
    """mruby-proc-ext's proc_inspect of 4.0.0: ``#<Proc:0x... FILE:LINE (lambda)>``."""
    from runtime.core.proc import _irep_location
    p = vm.obj(self)
    s = f"#<Proc:0x{vm.fake_address(p):x}"
    if p.irep is not None:
        fname, line = _irep_location(p.irep)
        s += f" {fname}:{line}" if fname is not None and line != -1 else " -:-"
    elif p.fn is not None:
        s += " -:-"       # a builtin body stands for a block of mrblib
    if p.strict:
        s += " (lambda)"
    return vm.str_new(s + ">")


@module_function("Kernel", "Integer", arity=(1, 2))
def k_Integer(vm, self, args, blk):
    """mrb_to_integer: a Float goes through mrb_float_to_integer, whose
    infinite or NaN value is a RangeError (``float NaN out of range``)."""
    val = args[0]
    if len(args) == 1 and vm.is_float(val):
        float_range_check(vm, vm.float_value(val))
    return conversions.k_Integer(vm, self, args, blk)


@method("Enumerable", "each_entry", arity=-1)
def enum_each_entry(vm, self, args, blk):
    """mruby-enum-ext: each, yielding one value per call (several as an Array)."""
    from runtime.core.enumerator import to_enum
    from runtime.core.support import pyblock
    if blk == NIL:
        return to_enum(vm, self, "each_entry")

    def fn(a):
        vm.yield_block(blk, [a[0] if len(a) == 1 else (NIL if not a else vm.ary_new(a))])
    vm.funcall(self, "each", [], pyblock(vm, fn, "each_entry"))
    return self


def _generator(vm, body, mid):
    """``Enumerator.new { |y| ... }`` with a Python body(y)."""
    from runtime.core.support import pyblock
    return vm.funcall(vm.cls("Enumerator").word, "new", [],
                      pyblock(vm, lambda a: body(a[0]), mid))


@method("Enumerable", "chunk_while", arity=0)
def enum_chunk_while(vm, self, args, blk):
    """mruby-enumerator: an Enumerator of the runs whose neighbours the
    block accepts."""
    from runtime.core.support import pyblock

    def body(y):
        st = {"arr": [], "last": NIL, "n": 0}

        def each(a):
            e = a[0] if len(a) == 1 else (NIL if not a else vm.ary_new(a))
            if st["n"] > 0 and not abi.truthy(vm.yield_block(blk, [st["last"], e])):
                vm.funcall(y, "yield", [vm.ary_new(st["arr"])])
                st["arr"] = []
            st["arr"].append(e)
            st["n"] += 1
            st["last"] = e
        vm.funcall(self, "each", [], pyblock(vm, each, "chunk_while"))
        if st["arr"]:
            vm.funcall(y, "yield", [vm.ary_new(st["arr"])])
    return _generator(vm, body, "chunk_while")


@method("Enumerator", "size", arity=0)
def enumerator_size(vm, self, args, blk):
    """mruby-enumerator: @size when set, else the size of the enumerated object."""
    from runtime.core.enumerator import _get
    size = _get(vm, self, "@size")
    if abi.truthy(size):
        return size
    obj = _get(vm, self, "@obj")
    if vm.respond_to(obj, "size"):
        return vm.funcall(obj, "size")
    return NIL


@method("Numeric", "eql?", arity=1)
def num_eql(vm, self, args, blk):
    """num_eql: an Integer equals only an equal Integer, a Float only an
    equal Float; another Numeric is ``==``."""
    y = args[0]
    if vm.is_float(self):
        return vm.bool(vm.is_float(y) and vm.float_value(self) == vm.float_value(y))
    if vm.is_int(self):
        return vm.bool(vm.is_int(y) and vm.int_value(self) == vm.int_value(y))
    return vm.bool(vm.equal(self, y))


@method("Numeric", "to_c", arity=0)
def num_to_c(vm, self, args, blk):
    """mruby-complex's mrblib: Complex(self, 0)."""
    return vm.funcall(self, "Complex", [self, abi.fixnum(0)])


@method("Class", "allocate", arity=0)
def cls_allocate(vm, self, args, blk):
    """mrb_instance_alloc: nil and false have no instances to make, and
    Integer and Float no allocator (MRB_UNDEF_ALLOCATOR)."""
    from runtime.core.classes import cls_allocate as core_allocate
    c = vm.obj(self)
    if c is vm.c_NilClass or c is vm.c_FalseClass:
        vm.raise_error(vm.c_TypeError, f"can't create instance of {vm.class_name(c)}")
    if c is vm.c_Integer or c is vm.c_Float:
        vm.raise_error(vm.c_TypeError, f"allocator undefined for {vm.class_name(c)}")
    return core_allocate(vm, self, args, blk)
