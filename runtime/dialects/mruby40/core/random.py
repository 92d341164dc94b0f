"""mruby 4.0: the mruby-random gem (4.0.0's mrbgems/mruby-random/src/random.c).

4.0 replaced 3.1's xoshiro128++ with PCG-XSH-RR (64-bit state, 32-bit
output, the 64-bit multiplier), so a seeded program draws other numbers:

- ``rand``/``Random#rand`` take a Float (truncated), a Range (Integer ends:
  an unbiased draw in it, or nil when empty; else Float ends, or TypeError
  "no implicit conversion of X into Integer") or a bigint (its limbs'
  bytes from the generator, modulo it); a negative Integer limit is no
  error (``rand_uint32 % max`` in C);
- ``srand`` answers the last seed (521288629 before any);
- ``bytes`` takes 4 bytes from each draw, low byte first;
- ``shuffle``/``shuffle!``/``sample`` take the generator as ``random:``
  and draw indices without modulo bias (``rand_i``);
- the default generator is a hidden instance variable of Random
  (``Random::DEFAULT`` is gone).
"""

from __future__ import annotations

import time

from runtime import abi
from runtime.core.numeric import as_int, c_f2i
from runtime.core.random import sample_items
from runtime.defs import method, smethod
from runtime.objects import RData, RInteger, RRange

NIL = abi.NIL
M32 = 0xFFFFFFFF
M64 = (1 << 64) - 1
PCG_MULTIPLIER = 6364136223846793005
PCG_INCREMENT = 1442695040888963407
_DEFAULT_IV = "mruby_Random"            # mrb_iv_set(Random, MRB_SYM(mruby_Random), d)


class PcgState:
    GC_OPAQUE = True                    # numbers, no object words
    __slots__ = ("state", "seed_value")

    def __init__(self):
        self.init()

    def init(self) -> None:
        self.state = 0x853c49e6748fea9b
        self.seed_value = 521288629

    def next32(self) -> int:
        old = self.state
        self.state = (old * PCG_MULTIPLIER + PCG_INCREMENT) & M64
        x = (((old >> 18) ^ old) >> 27) & M32
        rot = old >> 59
        return ((x >> rot) | (x << ((32 - rot) & 31))) & M32

    def reseed(self, seed: int) -> int:
        old = self.seed_value
        self.state = 0
        self.next32()
        self.state = (self.state + seed) & M64
        for _ in range(10):
            self.next32()
        self.seed_value = seed
        return old

    def real(self) -> float:
        return self.next32() * (1.0 / 4294967296.0)

    def below(self, mx: int) -> int:
        """rand_i: a uniform draw in [0, mx) without modulo bias."""
        if mx <= 0:
            return 0
        if mx > M32:
            threshold = (-mx & M64) % mx
            while True:
                hi = self.next32()
                r = (hi << 32) | self.next32()
                if r >= threshold:
                    return r % mx
        threshold = (-mx & M32) % mx
        while True:
            r = self.next32()
            if r >= threshold:
                return r % mx


def _state(vm, w) -> PcgState:
    o = vm.obj(w)
    if type(o) is not RData or not isinstance(o.data, PcgState):
        o.data = PcgState()
    return o.data


def _default(vm) -> int:
    c = vm.cls("Random")
    d = c.ivars.get(vm.intern(_DEFAULT_IV), NIL)
    if not vm.is_a(d, c):
        vm.raise_error(vm.c_RuntimeError, "[BUG] default Random replaced")
    return d


def _no_conversion(vm, w):
    vm.raise_error(vm.c_TypeError,
                   f"no implicit conversion of {vm.type_name_for_error(w)} into Integer")


def _rand_max(vm, st: PcgState, mx: int) -> int:
    if mx == 0:
        return vm.float_new(st.real())
    return vm.int_new(st.next32() % abs(mx))      # C's %: the sign of the dividend


def _rand_range(vm, st: PcgState, r: RRange) -> int:
    b, e = r.first, r.last
    if b & 1 and e & 1:
        span = abi.fixnum_value(e) - abi.fixnum_value(b) + (0 if r.excl else 1)
        if span <= 0:
            return NIL
        return vm.int_new(st.below(span) + abi.fixnum_value(b))

    def to_f(w) -> float:
        if vm.is_float(w):
            return vm.float_value(w)
        if w & 1:
            return float(abi.fixnum_value(w))
        _no_conversion(vm, w)

    fb, fe = to_f(b), to_f(e)
    span = fe - fb
    if not span > 0.0:
        return NIL
    return vm.float_new(st.real() * span + fb)


def _rand(vm, st: PcgState, args) -> int:
    """random_rand_impl ("|o")."""
    if not args:
        return _rand_max(vm, st, 0)
    if len(args) > 1:
        vm.argc_error(len(args), 0, 1)
    w = args[0]
    if w & 1:
        return _rand_max(vm, st, abi.fixnum_value(w))
    if vm.is_float(w):
        return _rand_max(vm, st, c_f2i(vm.float_value(w)))
    if w & abi.OBJECT_MASK == abi.OBJECT_TAG:
        o = vm.obj(w)
        if type(o) is RRange:
            return _rand_range(vm, st, o)
        if type(o) is RInteger:
            if o.value < 0:
                vm.raise_error(vm.c_ArgumentError, "negative value as random limit")
            size = (o.value.bit_length() + 31) // 32 * 4      # its 32-bit limbs' bytes
            r = int.from_bytes(bytes(st.next32() & 0xFF for _ in range(size)), "little")
            return vm.int_new(r % o.value)
    _no_conversion(vm, w)


def _srand(vm, st: PcgState, args) -> int:
    if len(args) > 1:
        vm.argc_error(len(args), 0, 1)
    if args:
        seed = as_int(vm, args[0]) & M32
    else:
        seed = (int(time.time()) ^ st.next32() ^ (id(st) & M32)) & M32
    return vm.int_new(st.reseed(seed))


def _bytes(vm, st: PcgState, args) -> int:
    n = as_int(vm, args[0])
    if n < 0:
        vm.raise_error(vm.c_ArgumentError, "negative string size")
    out = bytearray()
    while len(out) < n:
        out += st.next32().to_bytes(4, "little")
    return vm.str_new(bytes(out[:n]))


@method("Kernel", "rand", arity=-1)
@smethod("Random", "rand", arity=-1)
def f_rand(vm, self, args, blk):
    return _rand(vm, _state(vm, _default(vm)), args)


@method("Kernel", "srand", arity=-1)
@smethod("Random", "srand", arity=-1)
def f_srand(vm, self, args, blk):
    return _srand(vm, _state(vm, _default(vm)), args)


@smethod("Random", "bytes", arity=1)
def f_bytes(vm, self, args, blk):
    return _bytes(vm, _state(vm, _default(vm)), args)


@method("Random", "initialize", arity=-1)
def random_init(vm, self, args, blk):
    if len(args) > 1:
        vm.argc_error(len(args), 0, 1)
    st = _state(vm, self)
    if args:
        st.reseed(as_int(vm, args[0]) & M32)
    else:
        st.init()
    return self


@method("Random", "rand", arity=-1)
def random_rand(vm, self, args, blk):
    return _rand(vm, _state(vm, self), args)


@method("Random", "srand", arity=-1)
def random_srand(vm, self, args, blk):
    return _srand(vm, _state(vm, self), args)


@method("Random", "bytes", arity=1)
def random_bytes(vm, self, args, blk):
    return _bytes(vm, _state(vm, self), args)


def _random_kw(vm, args):
    """mrb_get_args's ``:`` with the one optional keyword ``random:``: the
    positional arguments and the generator (the default one when absent)."""
    r = None
    if args and vm.passed_kw() and vm.is_hash(args[-1]):
        for k, v in vm.obj(args[-1]).items():
            if k == abi.symbol_word(vm.intern("random")):
                r = v
            else:
                vm.raise_error(vm.c_ArgumentError, b"unknown keyword: " + vm.to_s(k))
        args = args[:-1]
    return args, r


def _random_arg(vm, r) -> PcgState:
    """check_random_arg."""
    if r is None:
        return _state(vm, _default(vm))
    if not vm.is_a(r, vm.cls("Random")) or type(vm.obj(r)) is not RData:
        vm.raise_error(vm.c_TypeError, "Random object required")
    return _state(vm, r)


@method("Array", "shuffle!", arity=-1)
def ary_shuffle_bang(vm, self, args, blk):
    items = vm.obj(self).items
    if len(items) > 1:
        pos, r = _random_kw(vm, args)
        if pos:
            vm.argc_error(len(pos), 0, 0)
        st = _random_arg(vm, r)
        vm.check_frozen(self)
        items = vm.obj(self).items
        for i in range(len(items) - 1, 0, -1):
            j = st.below(i + 1)
            items[i], items[j] = items[j], items[i]
    return self


@method("Array", "shuffle", arity=-1)
def ary_shuffle(vm, self, args, blk):
    w = vm.ary_new(vm.obj(self).items)
    ary_shuffle_bang(vm, w, args, blk)
    return w


@method("Array", "sample", arity=-1)
def ary_sample(vm, self, args, blk):
    pos, r = _random_kw(vm, args)
    given = bool(pos)
    n = as_int(vm, pos[0]) if given else 0
    if len(pos) > 1:
        vm.argc_error(len(pos), 0, 1)
    st = _random_arg(vm, r)
    items = vm.obj(self).items
    ln = len(items)
    return sample_items(vm, items, n if given else None, lambda: st.below(ln))


def init(vm):
    c = vm.cls("Random")
    c.ivars.pop(vm.intern("DEFAULT"), None)
    d = vm.data_new(c, PcgState())
    c.ivars[vm.intern(_DEFAULT_IV)] = d
    st = _state(vm, d)
    st.reseed((int(time.time()) ^ (id(st) & M32)) & M32)
