"""Random, Kernel#rand/srand and Array#shuffle/shuffle!/sample: the
mruby-random gem of mruby 3.1 (xoshiro128++ on 64-bit builds), number for
number: a seeded program prints what mruby prints.
"""

from __future__ import annotations

import time

from .. import abi
from ..defs import method, smethod
from ..objects import RData
from .enumerable import as_int

NIL = abi.NIL
M32 = 0xFFFFFFFF


class RandState:
    __slots__ = ("seed",)

    def __init__(self):
        self.seed = [0, 0, 0, 0]
        self.init()

    def init(self):
        self.seed = [123456789, 362436069, 521288629, 88675123]

    def next32(self) -> int:
        s = self.seed
        x = (s[0] + s[3]) & M32
        result = ((((x << 7) | (x >> 25)) & M32) + s[0]) & M32
        t = (s[1] << 9) & M32
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = ((s[3] << 11) | (s[3] >> 21)) & M32
        return result

    def reseed(self, seed: int) -> int:
        old = self.seed[0]
        self.init()
        self.seed[0] = seed & M32
        for _ in range(10):
            self.next32()
        return old

    def real(self) -> float:
        return self.next32() * (1.0 / 4294967296.0)


def _state(vm, w) -> RandState:
    o = vm.obj(w)
    if type(o) is not RData or not isinstance(o.data, RandState):
        o.data = RandState()
    return o.data


def _default(vm):
    c = vm.cls("Random")
    d = vm.const_get_from(c, vm.intern("DEFAULT"))
    if not vm.is_a(d, c):
        vm.raise_error(vm.c_TypeError, "Random::DEFAULT replaced")
    return d


def _int_arg(vm, w) -> int:
    """mrb_get_args "i" (mrb_as_int): Floats truncated, no to_int."""
    return as_int(vm, w)


def _opt(vm, args) -> int:
    n = _int_arg(vm, args[0]) if args else 0
    if n < 0:
        vm.raise_error(vm.c_ArgumentError, "invalid argument")
    return n


def _rand(vm, st: RandState, mx: int):
    if mx == 0:
        return vm.float_new(st.real())
    return vm.int_new(st.next32() % mx)


def _srand(vm, st: RandState, args):
    if args:
        seed = _int_arg(vm, args[0]) & M32
    else:
        seed = (int(time.time()) + st.next32()) & M32
    return vm.int_new(st.reseed(seed))


@method("Kernel", "rand", arity=(0, 1))
@smethod("Random", "rand", arity=(0, 1))
def f_rand(vm, self, args, blk):
    return _rand(vm, _state(vm, _default(vm)), _opt(vm, args))


@method("Kernel", "srand", arity=(0, 1))
@smethod("Random", "srand", arity=(0, 1))
def f_srand(vm, self, args, blk):
    return _srand(vm, _state(vm, _default(vm)), args)


def _bytes(vm, st, args):
    n = _int_arg(vm, args[0])
    return vm.str_new(bytes(st.next32() & 0xFF for _ in range(max(n, 0))))


@smethod("Random", "bytes", arity=1)
def f_bytes(vm, self, args, blk):
    return _bytes(vm, _state(vm, _default(vm)), args)


@method("Random", "initialize", arity=(0, 1))
def random_init(vm, self, args, blk):
    st = _state(vm, self)
    if not args:
        st.init()
    else:
        st.reseed(_int_arg(vm, args[0]) & M32)
    return self


@method("Random", "rand", arity=(0, 1))
def random_rand(vm, self, args, blk):
    return _rand(vm, _state(vm, self), _opt(vm, args))


@method("Random", "srand", arity=(0, 1))
def random_srand(vm, self, args, blk):
    return _srand(vm, _state(vm, self), args)


@method("Random", "bytes", arity=1)
def random_bytes(vm, self, args, blk):
    return _bytes(vm, _state(vm, self), args)


def _random_arg(vm, w) -> RandState:
    c = vm.cls("Random")
    if not vm.is_a(w, c):
        # mrb_get_args "I": "%v is not a %C" (%v is the argument's to_s)
        vm.raise_error(vm.c_TypeError, vm.to_s(w).decode("utf-8", "surrogateescape")
                       + " is not a Random")
    return _state(vm, w)


@method("Array", "shuffle!", arity=(0, 1))
def ary_shuffle_bang(vm, self, args, blk):
    items = vm.obj(self).items
    if len(items) > 1:
        st = _random_arg(vm, args[0]) if args else _state(vm, _default(vm))
        vm.check_frozen(self)
        mx = len(items)
        for i in range(len(items) - 1, 0, -1):
            j = st.next32() % mx
            items[i], items[j] = items[j], items[i]
    return self


@method("Array", "shuffle", arity=(0, 1))
def ary_shuffle(vm, self, args, blk):
    w = vm.ary_new(vm.obj(self).items)
    ary_shuffle_bang(vm, w, args, blk)
    return w


@method("Array", "sample", arity=(0, 2))
def ary_sample(vm, self, args, blk):
    items = vm.obj(self).items
    given = len(args) >= 1
    st = _random_arg(vm, args[1]) if len(args) >= 2 else _state(vm, _default(vm))
    n = _int_arg(vm, args[0]) if given else 0
    ln = len(items)
    return sample_items(vm, items, n if given else None, lambda: st.next32() % ln)


def sample_items(vm, items: list, n, draw) -> int:
    """mrb_ary_sample once its arguments are read: one element (``n`` is
    None) or ``n`` distinct ones, at indices ``draw()`` picks (a repeat is
    drawn again)."""
    if n is None:
        if not items:
            return NIL
        return items[0] if len(items) == 1 else items[draw()]
    if n < 0:
        vm.raise_error(vm.c_ArgumentError, "negative sample number")
    picked: list[int] = []
    for _ in range(min(n, len(items))):
        while True:
            r = draw()
            if r not in picked:
                break
        picked.append(r)
    return vm.ary_new([items[r] for r in picked])


def setup(vm):
    c = vm.define_class("Random")
    c.instance_type = RData


def init(vm):
    c = vm.cls("Random")
    d = vm.data_new(c, RandState())
    vm.define_const(c, "DEFAULT", d)
