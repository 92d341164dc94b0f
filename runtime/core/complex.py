"""Complex (mruby 3.1's mruby-complex gem, in the default build).

A Complex is an RData whose payload is ``numeric.ComplexData`` (two
doubles, kept exactly as mruby's C struct keeps them; they are truncated
like every Float only when ``real``/``imaginary`` box them).  The Ruby
half of the gem (mrblib/complex.rb: to_s, abs, conjugate, polar...) is
reproduced with the same Float operations.
"""

from __future__ import annotations

from runtime import abi
from runtime.core.numeric import (
    FALSE,
    LIBM1,
    ComplexData,
    as_float,
    c_atan2,
    c_f2i,
    c_frexp,
    c_hypot,
    c_ldexp,
    complex_data,
    div_float,
    flo,
)
from runtime.defs import method, smethod


def complex_new(vm, re: float, im: float) -> int:
    o = vm.obj(vm.data_new(vm.cls("Complex"), ComplexData(re, im)))
    o.frozen = True
    return o.word


def _cd(vm, w):
    return complex_data(vm, w)


def _re(vm, w) -> float:
    return vm.float_kept(_cd(vm, w).re)


def _im(vm, w) -> float:
    return vm.float_kept(_cd(vm, w).im)


def complex_to_s(vm, w) -> bytes:
    s = vm.funcall(w, "to_s")
    return vm.str_bytes_of(vm.obj_as_string(s))


def _rect(vm, self, args, blk):
    re = as_float(vm, args[0])
    im = as_float(vm, args[1]) if len(args) > 1 else 0.0
    return complex_new(vm, re, im)


@smethod("Complex", "rectangular", arity=(1, 2), aliases=("rect",))
def cpx_s_rect(vm, self, args, blk):
    return _rect(vm, self, args, blk)


@method("Kernel", "Complex", arity=(1, 2))
def k_Complex(vm, self, args, blk):
    return _rect(vm, self, args, blk)


@smethod("Complex", "polar", arity=(1, 2))
def cpx_s_polar(vm, self, args, blk):
    a = args[0]
    arg = args[1] if len(args) > 1 else abi.fixnum(0)
    cos = flo(vm, LIBM1["cos"](as_float(vm, arg)))
    sin = flo(vm, LIBM1["sin"](as_float(vm, arg)))
    return vm.funcall(self, "Complex", [vm.funcall(a, "*", [cos]), vm.funcall(a, "*", [sin])])


@method("Complex", "real", arity=0)
def cpx_real(vm, self, args, blk):
    return flo(vm, _cd(vm, self).re)


@method("Complex", "imaginary", arity=0, aliases=("imag",))
def cpx_imaginary(vm, self, args, blk):
    return flo(vm, _cd(vm, self).im)


@method("Complex", "to_f", arity=0)
def cpx_to_f(vm, self, args, blk):
    p = _cd(vm, self)
    if p.im != 0:
        vm.raise_error("RangeError", b"can't convert " + complex_to_s(vm, self) + b" into Float")
    return flo(vm, p.re)


@method("Complex", "to_i", arity=0)
def cpx_to_i(vm, self, args, blk):
    p = _cd(vm, self)
    if p.im != 0:
        vm.raise_error("RangeError", b"can't convert " + complex_to_s(vm, self) + b" into Integer")
    return vm.int_new(c_f2i(p.re))


@method("Complex", "to_c", arity=0)
def cpx_to_c(vm, self, args, blk):
    return self


def complex_eq(vm, x, y) -> bool:
    p1 = _cd(vm, x)
    p2 = _cd(vm, y)
    if p2 is not None:
        return p1.re == p2.re and p1.im == p2.im
    if vm.is_int(y):
        if p1.im != 0:
            return False
        return p1.re == float(vm.int_value(y))
    if vm.is_float(y):
        if p1.im != 0:
            return False
        return p1.re == vm.float_value(y)
    return vm.equal(y, x)


@method("Complex", "==", arity=1)
def cpx_eq(vm, self, args, blk):
    return vm.bool(complex_eq(vm, self, args[0]))


@method("Complex", "+", arity=1)
def cpx_add(vm, self, args, blk):
    p1 = _cd(vm, self)
    p2 = _cd(vm, args[0])
    if p2 is not None:
        return complex_new(vm, p1.re + p2.re, p1.im + p2.im)
    z = as_float(vm, args[0])
    return complex_new(vm, p1.re + z, p1.im)


@method("Complex", "-", arity=1)
def cpx_sub(vm, self, args, blk):
    p1 = _cd(vm, self)
    p2 = _cd(vm, args[0])
    if p2 is not None:
        return complex_new(vm, p1.re - p2.re, p1.im - p2.im)
    z = as_float(vm, args[0])
    return complex_new(vm, p1.re - z, p1.im)


@method("Complex", "*", arity=1)
def cpx_mul(vm, self, args, blk):
    p1 = _cd(vm, self)
    p2 = _cd(vm, args[0])
    if p2 is not None:
        return complex_new(vm, p1.re * p2.re - p1.im * p2.im, p1.re * p2.im + p2.re * p1.im)
    z = as_float(vm, args[0])
    return complex_new(vm, p1.re * z, p1.im * z)


def _add_pair(a, b):
    if b[0] == 0.0:
        return a
    if a[0] == 0.0:
        return b
    if a[1] >= b[1]:
        return (a[0] + c_ldexp(b[0], b[1] - a[1]), a[1])
    return (c_ldexp(a[0], a[1] - b[1]) + b[0], b[1])


def _mul_pair(a, b):
    return (a[0] * b[0], a[1] + b[1])


def _div_pair(a, b):
    return (div_float(a[0], b[0]), a[1] - b[1])


def _frexp_pair(x):
    m, e = c_frexp(x)
    return (m, e)


@method("Complex", "/", arity=1, aliases=("quo",))
def cpx_div(vm, self, args, blk):
    a = _cd(vm, self)
    rhs = args[0]
    b = _cd(vm, rhs)
    if b is None:
        f = as_float(vm, rhs)
        return complex_new(vm, div_float(a.re, f), div_float(a.im, f))
    ar = _frexp_pair(a.re)
    ai = _frexp_pair(a.im)
    br = _frexp_pair(b.re)
    bi = _frexp_pair(b.im)
    div = _add_pair(_mul_pair(br, br), _mul_pair(bi, bi))
    zr = _div_pair(_add_pair(_mul_pair(ar, br), _mul_pair(ai, bi)), div)
    ar_bi = _mul_pair(ar, bi)
    zi = _div_pair(_add_pair(_mul_pair(ai, br), (-ar_bi[0], ar_bi[1])), div)
    return complex_new(vm, _ldexp_int(zr[0], zr[1]), _ldexp_int(zi[0], zi[1]))


def _ldexp_int(x, e):
    e = ((e + (1 << 31)) & 0xFFFFFFFF) - (1 << 31)
    return c_ldexp(x, e)


# ------------------------------------------------------------ mrblib/complex.rb
def _fneg(vm, x: float) -> float:
    """Numeric#-@ on a Float: 0 - x (so -(0.0) is 0.0)."""
    return vm.float_kept(0.0 - x)


@method("Complex", "to_s", arity=0)
def cpx_to_s(vm, self, args, blk):
    re = vm.funcall(self, "real")
    im = vm.funcall(self, "imaginary")
    out = vm.str_bytes_of(vm.obj_as_string(re))
    neg = abi.truthy(vm.funcall(im, "<", [abi.fixnum(0)]))
    if not neg:
        out += b"+"
    out += vm.str_bytes_of(vm.obj_as_string(im))
    if not abi.truthy(vm.funcall(im, "finite?")):
        out += b"*"
    return vm.str_new(out + b"i")


@method("Complex", "inspect", arity=0)
def cpx_inspect(vm, self, args, blk):
    return vm.str_new(b"(" + complex_to_s(vm, self) + b")")


@method("Complex", "+@", arity=0)
def cpx_uplus(vm, self, args, blk):
    return self


@method("Complex", "-@", arity=0)
def cpx_uminus(vm, self, args, blk):
    return complex_new(vm, _fneg(vm, _re(vm, self)), _fneg(vm, _im(vm, self)))


@method("Complex", "abs", arity=0, aliases=("magnitude",))
def cpx_abs(vm, self, args, blk):
    return flo(vm, c_hypot(_im(vm, self), _re(vm, self)))


@method("Complex", "abs2", arity=0)
def cpx_abs2(vm, self, args, blk):
    r = _re(vm, self)
    i = _im(vm, self)
    return flo(vm, vm.float_kept(r * r) + vm.float_kept(i * i))


@method("Complex", "arg", arity=0, aliases=("angle", "phase"))
def cpx_arg(vm, self, args, blk):
    return flo(vm, c_atan2(_im(vm, self), _re(vm, self)))


@method("Complex", "conjugate", arity=0, aliases=("conj",))
def cpx_conjugate(vm, self, args, blk):
    return complex_new(vm, _re(vm, self), _fneg(vm, _im(vm, self)))


@method("Complex", "fdiv", arity=1)
def cpx_fdiv(vm, self, args, blk):
    n = args[0]
    re = vm.funcall(vm.funcall(self, "real"), "/", [n])
    im = vm.funcall(vm.funcall(self, "imaginary"), "/", [n])
    return vm.funcall(self, "Complex", [re, im])


@method("Complex", "polar", arity=0)
def cpx_polar(vm, self, args, blk):
    return vm.ary_new([vm.funcall(self, "abs"), vm.funcall(self, "arg")])


@method("Complex", "real?", arity=0)
def cpx_real_p(vm, self, args, blk):
    return FALSE


@method("Complex", "rectangular", arity=0, aliases=("rect",))
def cpx_rectangular(vm, self, args, blk):
    return vm.ary_new([vm.funcall(self, "real"), vm.funcall(self, "imaginary")])


@method("Complex", "to_r", arity=0)
def cpx_to_r(vm, self, args, blk):
    im = vm.funcall(self, "imaginary")
    if not abi.truthy(vm.funcall(im, "zero?")):
        vm.raise_error("RangeError", b"can't convert " + complex_to_s(vm, self) + b" into Rational")
    return vm.funcall(self, "Rational", [vm.funcall(self, "real"), abi.fixnum(1)])


@method("Numeric", "i", arity=0)
def num_i(vm, self, args, blk):
    return vm.funcall(self, "Complex", [abi.fixnum(0), self])


def setup(vm):
    vm.define_class("Complex", vm.cls("Numeric"))


def init(vm):
    c = vm.cls("Complex")
    c.mt[vm.intern("i")] = None          # complex.rb: undef i
    sc = vm.singleton_class(c.word)
    sc.mt[vm.intern("new")] = None
    vm.invalidate()
