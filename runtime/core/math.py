"""Math (mruby-math gem of mruby 3.1).

Every function converts its arguments with ``mrb_as_float`` (Integer and
Float accepted; nil: "can't convert nil into Float"; others: "X cannot be
converted to Float"), checks the domain the way math.c does
(``Math::DomainError``: "Numerical argument is out of domain - sqrt") and
calls the C library, so results match mruby bit for bit.
"""

from __future__ import annotations

import math as _pymath

from runtime import abi
from runtime.core.numeric import (
    LIBM1,
    as_float,
    as_int,
    c_atan2,
    c_frexp,
    c_hypot,
    c_ldexp,
    div_float,
    flo,
)
from runtime.defs import module_function


def _domain_error(vm, name):
    vm.raise_error(vm.cls("Math::DomainError"), f"Numerical argument is out of domain - {name}")


# name -> (builtin, domain check or None) of the one-argument functions:
# runtime/leaves.py runs them as leaves when the argument is a number in
# their domain (no conversion error, no DomainError)
SIMPLE: dict = {}


def _simple(name, check=None):
    fn = LIBM1[name]

    def impl(vm, self, args, blk):
        x = as_float(vm, args[0])
        if check is not None and check(x):
            _domain_error(vm, name)
        return flo(vm, fn(x))
    impl.__name__ = "math_" + name
    module_function("Math", name, arity=1)(impl)
    SIMPLE[name] = (impl, check)
    return impl


_simple("sin")
_simple("cos")
_simple("tan")
_simple("asin", lambda x: x < -1.0 or x > 1.0)
_simple("acos", lambda x: x < -1.0 or x > 1.0)
_simple("atan")
_simple("sinh")
_simple("cosh")
_simple("tanh")
_simple("asinh")
_simple("acosh", lambda x: x < 1.0)
_simple("atanh", lambda x: x < -1.0 or x > 1.0)
_simple("exp")
_simple("log2", lambda x: x < 0.0)
_simple("log10", lambda x: x < 0.0)
_simple("sqrt", lambda x: x < 0.0)
_simple("cbrt")
_simple("erf")
_simple("erfc")


@module_function("Math", "atan2", arity=2)
def math_atan2(vm, self, args, blk):
    return flo(vm, c_atan2(as_float(vm, args[0]), as_float(vm, args[1])))


@module_function("Math", "hypot", arity=2)
def math_hypot(vm, self, args, blk):
    return flo(vm, c_hypot(as_float(vm, args[0]), as_float(vm, args[1])))


@module_function("Math", "log", arity=(1, 2))
def math_log(vm, self, args, blk):
    x = as_float(vm, args[0])
    base = as_float(vm, args[1]) if len(args) > 1 else None
    if x < 0.0:
        _domain_error(vm, "log")
    x = LIBM1["log"](x)
    if base is not None:
        if base < 0.0:
            _domain_error(vm, "log")
        x = div_float(x, LIBM1["log"](base))
    return flo(vm, x)


@module_function("Math", "frexp", arity=1)
def math_frexp(vm, self, args, blk):
    m, e = c_frexp(as_float(vm, args[0]))
    return vm.ary_new([flo(vm, m), abi.fixnum(e)])


@module_function("Math", "ldexp", arity=2)
def math_ldexp(vm, self, args, blk):
    x = as_float(vm, args[0])
    i = as_int(vm, args[1])
    i = ((i + (1 << 31)) & 0xFFFFFFFF) - (1 << 31)     # (int)i
    return flo(vm, c_ldexp(x, i))


def setup(vm):
    m = vm.define_module("Math")
    vm.define_class("DomainError", vm.c_StandardError, m)


def init(vm):
    m = vm.cls("Math")
    vm.define_const(m, "PI", flo(vm, _pymath.pi))
    vm.define_const(m, "E", flo(vm, _pymath.e))
