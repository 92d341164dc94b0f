"""Values: making, testing and converting words (mruby's value.h,
boxing_word.h and src/object.c, with the constructors of string.c, array.c,
hash.c and range.c that the runtime calls).

A word is a fixnum, a flonum, a symbol, nil/true/false/undef, or a heap
object (``runtime/abi.py`` names the tags).  This part holds the
constructors (``int_new``, ``str_new``, ``ary_new``...), the type tests
(``is_str``...), the conversions that raise mruby's TypeErrors
(``to_int``, ``str_bytes``...) and object.c's generic operations
(``mrb_obj_eq``, ``mrb_equal``, ``mrb_eql``, ``mrb_any_to_s``,
``mrb_obj_as_string``, ``mrb_obj_id``, ``mrb_type_convert`` for procs).

It exists so that ``runtime/vm.py`` stays a façade: ``VM`` inherits this
``Values`` part and every ``vm.str_new(...)`` keeps working.
"""

from __future__ import annotations

import struct

from . import abi
from .abi import FLONUM_MASK, FLONUM_TAG, OBJECT_MASK, OBJECT_SHIFT, OBJECT_TAG
from .fastfloat import float_word, flonum_value, truncate
from .natstring import owned_bytes
from .objects import (
    HKey,
    RArray,
    RClass,
    RData,
    RException,
    RFloat,
    RHash,
    RInteger,
    RObject,
    RProc,
    RRange,
    RString,
)

NIL = abi.NIL
TRUE = abi.TRUE
FALSE = abi.FALSE

# mruby 3.1's words (boxing_word.h) for the special constants, as object ids
_SPECIAL_IDS = {abi.NIL: 0, abi.FALSE: 4, abi.TRUE: 12}

# the object types check_type knows, by the name mruby's type_name() gives them
_CHECKED_TYPES = {"Array": RArray, "Hash": RHash, "Proc": RProc, "String": RString}


class Values:
    """``VM``'s value part (value.h, object.c): constructors, tests, conversions."""

    def bool(self, x) -> int:
        return TRUE if x else FALSE

    def int_new(self, n: int) -> int:
        if abi.FIXNUM_MIN <= n <= abi.FIXNUM_MAX:
            return ((n << 1) | 1) & abi.MASK64
        if abi.MRB_INT_MIN <= n <= abi.MRB_INT_MAX:
            return self.alloc(RInteger(self.c_Integer, n))
        self.raise_error(self.c_RangeError, "integer overflow")

    def int_overflow(self, n: int, reason: str) -> int:
        """An operation's Integer result ``n`` past 64 bits: mruby 3.1 raises
        RangeError "integer overflow in <reason>" (a dialect may promote)."""
        self.raise_error(self.c_RangeError, f"integer overflow in {reason}")

    def boxed_int_cmp(self, w: int) -> int:
        """The number the comparison opcodes (and mrblib's comparisons) read
        for an Integer boxed on the heap: mruby 3.1 reads it with
        ``mrb_fixnum()``, the object's address shifted right by one (a
        dialect may read its value)."""
        return self.fake_address(self.objects[w >> OBJECT_SHIFT]) >> 1

    def float_int_overflow(self, f: float, shown: str) -> int:
        """A finite Float ``f`` past the 64-bit Integers made an Integer
        (mrb_float_to_integer): mruby 3.1 raises RangeError "number (shown)
        too big for integer" (a dialect may promote)."""
        self.raise_error(self.c_RangeError, f"number ({shown}) too big for integer")

    def int_arg(self, w: int):
        """mrb_get_args "i" of a value that is no fixnum, for the callers
        that convert it themselves (runtime/core/support.py's and string.py's
        ``as_int``): None in mruby 3.1, where they follow 3.1's rules (a
        dialect may return the Integer or raise by its own)."""
        return None

    def str_int_overflow(self, s: bytes, start: int, p: int, base: int, negative: bool,
                         badcheck: bool) -> int:
        """mrb_str_len_to_integer met a number past 64 bits in ``s`` (its
        digits from ``start``, the one that overflowed at ``p``): mruby 3.1
        raises RangeError "string (...) too big for integer" (a dialect may
        promote)."""
        self.raise_error(self.c_RangeError, b"string (" + s + b") too big for integer")

    def float_kept(self, x: float) -> float:
        """The double a Float value of x holds: mruby 3.1's word boxing
        clears its two lowest bits (fastfloat.truncate; a dialect may keep
        them all).  For a C double that never became a value
        (``mrb_as_float`` of a Rational or Complex)."""
        return truncate(x)

    def float_new(self, x: float) -> int:
        """A Float value of x, truncated as mruby 3.1 stores floats (fastfloat)."""
        w, t = float_word(x)
        if w is not None:
            return w
        return self.alloc(RFloat(self.c_Float, t))

    def str_new(self, b=b"") -> int:
        if isinstance(b, str):
            b = b.encode("utf-8", "surrogateescape")
        return self.alloc(RString(self.c_String, b))

    def str_dup(self, w: int) -> int:
        s = self.objects[w >> OBJECT_SHIFT]
        return self.alloc(RString(self.real_class_of_obj(s), s.value))

    def ary_new(self, items=()) -> int:
        return self.alloc(RArray(self.c_Array, list(items)))

    def hash_new(self, pairs=()) -> int:
        h = RHash(self.c_Hash)
        w = self.alloc(h)
        for k, v in pairs:
            h.set(self, k, v)
        return w

    def hash_dup(self, h: int) -> int:
        o = self.objects[h >> OBJECT_SHIFT]
        w = self.hash_new()
        n = self.objects[w >> OBJECT_SHIFT]
        n.table = o.table_copy()
        return w

    def range_new(self, first: int, last: int, excl: bool) -> int:
        return self.alloc(RRange(self.c_Range, first, last, bool(excl)))

    def range_checked(self, a: int, b: int, excl: bool) -> int:
        """mrb_range_new with range.c's range_check."""
        if not ((self.is_int(a) or self.is_float(a)) and (self.is_int(b) or self.is_float(b))):
            if a != NIL and b != NIL:
                ok = True
                if self.is_str(a) and self.is_str(b):
                    pass
                else:
                    r = self.funcall(a, "<=>", [b])
                    ok = r != NIL
                if not ok:
                    self.raise_error(self.c_ArgumentError, "bad value for range")
        return self.range_new(a, b, excl)

    def data_new(self, cls: RClass, data=None) -> int:
        return self.alloc(RData(cls, data))

    def is_int(self, w: int) -> bool:
        return bool(w & 1) or (w & OBJECT_MASK == OBJECT_TAG
                               and type(self.objects[w >> OBJECT_SHIFT]) is RInteger)

    def is_float(self, w: int) -> bool:
        return (w & FLONUM_MASK == FLONUM_TAG) or (
            w & OBJECT_MASK == OBJECT_TAG and type(self.objects[w >> OBJECT_SHIFT]) is RFloat)

    def is_str(self, w: int) -> bool:
        return w & OBJECT_MASK == OBJECT_TAG and type(self.objects[w >> OBJECT_SHIFT]) is RString

    def is_ary(self, w: int) -> bool:
        return w & OBJECT_MASK == OBJECT_TAG and type(self.objects[w >> OBJECT_SHIFT]) is RArray

    def is_hash(self, w: int) -> bool:
        return w & OBJECT_MASK == OBJECT_TAG and type(self.objects[w >> OBJECT_SHIFT]) is RHash

    def is_sym(self, w: int) -> bool:
        return w & 0xFF == abi.SYMBOL_TAG

    def is_proc(self, w: int) -> bool:
        return w & OBJECT_MASK == OBJECT_TAG and type(self.objects[w >> OBJECT_SHIFT]) is RProc

    def is_range(self, w: int) -> bool:
        return w & OBJECT_MASK == OBJECT_TAG and type(self.objects[w >> OBJECT_SHIFT]) is RRange

    def is_class(self, w: int) -> bool:
        return w & OBJECT_MASK == OBJECT_TAG and type(self.objects[w >> OBJECT_SHIFT]) is RClass

    def is_exception(self, w: int) -> bool:
        return w & OBJECT_MASK == OBJECT_TAG and type(self.objects[w >> OBJECT_SHIFT]) is RException

    def int_value(self, w: int) -> int:
        if w & 1:
            return abi.fixnum_value(w)
        return self.objects[w >> OBJECT_SHIFT].value

    def float_value(self, w: int) -> float:
        if w & FLONUM_MASK == FLONUM_TAG:
            return flonum_value(w)
        return self.objects[w >> OBJECT_SHIFT].value

    def to_int(self, w: int) -> int:
        if w & 1:
            return abi.fixnum_value(w)
        if w & OBJECT_MASK == OBJECT_TAG:
            o = self.objects[w >> OBJECT_SHIFT]
            if type(o) is RInteger:
                return o.value
        self.type_error_conv(w, "Integer")

    def to_f(self, w: int) -> float:
        if w & 1:
            return float(abi.fixnum_value(w))
        if w & FLONUM_MASK == FLONUM_TAG:
            return flonum_value(w)
        if w & OBJECT_MASK == OBJECT_TAG:
            o = self.objects[w >> OBJECT_SHIFT]
            if type(o) in (RInteger, RFloat):
                return float(o.value)
        self.type_error_conv(w, "Float")

    def str_bytes(self, w: int) -> bytes:
        if w & OBJECT_MASK == OBJECT_TAG:
            o = self.objects[w >> OBJECT_SHIFT]
            if type(o) is RString:
                return bytes(o.value)
        self.type_error_conv(w, "String")

    def type_error_conv(self, w: int, to: str):
        self.raise_error(self.c_TypeError,
                         f"no implicit conversion of {self.type_name_for_error(w)} into {to}")

    def check_type(self, w: int, tname: str) -> int:
        """mrb_check_type: ``w`` when it is a ``tname`` ("Array", "Hash",
        "Proc", "String"), else TypeError "wrong argument type X (expected
        T)", X named as object.c names it (nil, Integer, Symbol, other
        immediates by their to_s, objects by their class).  Also what the
        opcodes raise where vm.c casts a register to a type without looking
        (an ``mrb_assert`` of a debug build)."""
        if w & OBJECT_MASK == OBJECT_TAG and type(self.objects[w >> OBJECT_SHIFT]) is \
                _CHECKED_TYPES[tname]:
            return w
        self.wrong_type(w, tname)

    def wrong_type(self, w: int, tname: str):
        """mrb_check_type's TypeError for ``w``, which is no ``tname``."""
        if w == NIL:
            ename = "nil"
        elif self.is_int(w):
            ename = "Integer"
        elif self.is_sym(w):
            ename = "Symbol"
        elif w & OBJECT_MASK != OBJECT_TAG:
            ename = self.str_bytes_of(self.obj_as_string(w)).decode("utf-8", "replace")
        else:
            ename = self.class_name(self.real_class(w))
        self.raise_error(self.c_TypeError, f"wrong argument type {ename} (expected {tname})")

    def ensure_hash_type(self, w: int) -> int:
        """mrb_ensure_hash_type: ``w`` when it is a Hash, else TypeError
        "X cannot be converted to Hash"."""
        if w & OBJECT_MASK == OBJECT_TAG and type(self.objects[w >> OBJECT_SHIFT]) is RHash:
            return w
        self.raise_error(self.c_TypeError,
                         f"{self.type_name_for_error(w)} cannot be converted to Hash")

    def type_name_for_error(self, w: int) -> str:
        """mruby's %Y: nil/true/false by value, otherwise the class name."""
        if w == NIL:
            return "nil"
        if w == TRUE:
            return "true"
        if w == FALSE:
            return "false"
        return self.class_name(self.real_class(w))

    def fake_address(self, o) -> int:
        return 0x7f0000000000 + o.handle * 0x30

    def any_to_s_str(self, w) -> str:
        if w is None:
            return "?"
        c = self.real_class(w)
        if w & OBJECT_MASK == OBJECT_TAG:
            addr = self.fake_address(self.objects[w >> OBJECT_SHIFT])
            return f"#<{self.class_name(c)}:0x{addr:x}>"
        return f"#<{self.class_name(c)}>"

    def inspect(self, w: int) -> bytes:
        return self.str_bytes_of(self.funcall(w, "inspect"))

    def to_s(self, w: int) -> bytes:
        if w & OBJECT_MASK == OBJECT_TAG and type(self.objects[w >> OBJECT_SHIFT]) is RString:
            return bytes(self.objects[w >> OBJECT_SHIFT].value)
        return self.str_bytes_of(self.funcall(w, "to_s"))

    def str_bytes_of(self, w: int) -> bytes:
        if w & OBJECT_MASK == OBJECT_TAG and type(self.objects[w >> OBJECT_SHIFT]) is RString:
            return bytes(self.objects[w >> OBJECT_SHIFT].value)
        return self.any_to_s_str(w).encode()

    def none_runs_eq(self) -> bool:
        """Does mrblib compare an optional argument with its NONE default
        through the argument's ``==`` (mruby 3.1: ``obj == NONE``, see
        core/support.compare_none)?  4.0 tests ``NONE.equal?(obj)``."""
        return True

    def obj_as_string(self, w: int) -> int:
        """mrb_obj_as_string: Symbols, Integers and modules converted
        directly (their to_s is not called), else w.to_s (TypeError when w
        has no to_s), or the default #<Foo> if to_s is not a String."""
        if self.is_str(w):
            return w
        if w & 0xFF == abi.SYMBOL_TAG:
            return self.str_new(self.sym_bytes(w >> 8))
        if self.is_int(w):
            return self.str_new(str(self.int_value(w)))
        if self.is_class(w):
            return self.str_new(self.class_name(self.objects[w >> OBJECT_SHIFT]))
        if not self.respond_to(w, self.SYM_to_s):
            self.raise_error(self.c_TypeError,
                             f"can't convert {self.type_name_for_error(w)} into String")
        s = self.c_funcall(w, self.SYM_to_s)
        if not self.is_str(s):
            return self.str_new(self.any_to_s_str(w))
        return s

    def equal(self, a: int, b: int) -> bool:
        if a == b:
            return True
        if (a & 1) and (b & 1):
            return False
        return abi.truthy(self.funcall(a, "==", [b]))

    def eql(self, a: int, b: int) -> bool:
        if a == b:
            return True
        return abi.truthy(self.funcall(a, "eql?", [b]))

    def obj_eq(self, a: int, b: int) -> bool:
        """mrb_obj_eq: same object, or numbers of the same type and value."""
        if a == b:
            return True
        if a & OBJECT_MASK == OBJECT_TAG and b & OBJECT_MASK == OBJECT_TAG:
            oa = self.objects[a >> OBJECT_SHIFT]
            ob = self.objects[b >> OBJECT_SHIFT]
            ta = type(oa)
            if ta is type(ob) and (ta is RInteger or ta is RFloat):
                return oa.value == ob.value
            return False
        if self.is_float(a) and self.is_float(b):
            return self.float_value(a) == self.float_value(b)
        return False

    def hash_of(self, w: int) -> int:
        h = self.funcall(w, "hash")
        if self.is_int(h):
            return self.int_value(h)
        return w

    def hash_key(self, w: int):
        """A Python dict key for w with Ruby's eql?/hash semantics."""
        if w & OBJECT_MASK != OBJECT_TAG:
            if w & FLONUM_MASK == FLONUM_TAG:
                return ("f", abi.flonum_value(w))
            return w
        h = w >> OBJECT_SHIFT
        if self.str_space.blocks[h]:    # generated code's String: its bytes, no RString
            return ("s", owned_bytes(self, h))
        o = self.objects[h]
        t = type(o)
        if t is RString:
            return ("s", bytes(o.value))
        if t is RInteger:
            return w if False else ("i", o.value)
        if t is RFloat:
            return ("f", o.value)
        if t is RObject or t is RClass or t is RProc:
            m, _ = self.find_method(o.cls, self.SYM_hash)
            if m is not None and m.fn is not None and getattr(m.fn, "identity_hash", False):
                return w
        return HKey(self, w)

    def cmp(self, a: int, b: int):
        r = self.funcall(a, "<=>", [b])
        if r == NIL:
            return None
        return self.int_value(r) if self.is_int(r) else None

    def object_id(self, w: int) -> int:
        """mrb_obj_id (word boxing): the word as a signed 64-bit integer; a
        boxed Integer's value; a Float's 3.1.0 inline word, the IEEE bits
        with the low two replaced by 2 (-0.0 as 0.0).  Kernel#object_id
        then keeps 63 bits of it (mrb_fixnum_value)."""
        if w & OBJECT_MASK == OBJECT_TAG:
            o = self.objects[w >> OBJECT_SHIFT]
            t = type(o)
            if t is RInteger:
                return o.value
            if t is not RFloat:
                return o.handle * 8 + 4
            x = o.value
        elif w & FLONUM_MASK == FLONUM_TAG:
            x = flonum_value(w)
        elif w & 1:
            return w - (1 << 64) if w >> 63 else w
        elif w & 0xFF == abi.SYMBOL_TAG:
            # word boxing: the symbol id mruby gives the name, shifted, tag 0x1c
            return (self.mruby_symbol_ids().id_of(self.syms[w >> 8]) << 32) | 0x1C
        else:
            # mruby's words for nil, false and true
            return _SPECIAL_IDS.get(w, w)
        bits = struct.unpack("<q", struct.pack("<d", x + 0.0))[0]
        return (bits & ~3) | 2

    def convert_to_proc(self, w: int) -> int:
        """mrb_type_convert(..., MRB_TT_PROC, to_proc) for a &block argument."""
        if not self.respond_to(w, self.SYM_to_proc):
            self.raise_error(self.c_TypeError, f"can't convert {self.type_name_for_error(w)} "
                             "into Proc")
        p = self.funcall(w, self.SYM_to_proc)
        if not self.is_proc(p):
            c = self.class_name(self.real_class(w))
            self.raise_error(self.c_TypeError, f"can't convert {c} to Proc ({c}#to_proc gives "
                             f"{self.class_name(self.real_class(p))})")
        return p

    def inspect_guard_enter(self, w: int) -> bool:
        """True when w is already being inspected (recursive Array/Hash)."""
        g = self._inspecting
        if w in g:
            return True
        g.add(w)
        return False

    def inspect_guard_leave(self, w: int) -> None:
        self._inspecting.discard(w)
