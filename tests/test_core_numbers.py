"""Focused tests of the number core: runtime/core/{numeric,integer,float,format,
conversions,range,math,rational,complex}.py.

Vectors were printed by mruby 3.1.0 (Debian's build: 64-bit word boxing,
so every Float keeps its two low mantissa bits cleared).  A batch of
one-liners also runs through riteload and must print what mruby prints
(live when mruby 3.1 is on PATH, else as recorded, tests/mruby_runs.py).
"""

from __future__ import annotations

import struct

import pytest

from mruby_runs import mruby_run, riteload
from runtime import abi
from runtime.core import format as F
from runtime.core import numeric as N
from runtime.core import string as S
from runtime.errors import RubyError
from runtime.vm import VM


@pytest.fixture(scope="module")
def vm():
    return VM()


def call(vm, recv, name, *args):
    return vm.funcall(recv, name, list(args))


def err(vm, fn):
    with pytest.raises(RubyError) as ei:
        fn()
    e = ei.value.exc
    return vm.class_name(vm.real_class(e)), vm.str_bytes(vm.funcall(e, "message")).decode()


def dbl(hexbits: str) -> float:
    return struct.unpack("<d", bytes.fromhex(hexbits))[0]


# ---------------------------------------------------------------- Float#to_s

FLOAT_TO_S = [
    ("9a9999999999b93f", "0.1"),
    ("555555555555d53f", "0.333333333333333"),
    ("555555555555e53f", "0.666666666666667"),
    ("7dc39425ad49b254", "0.0,6.04*2000001e+99"),
    ("350332b7f4ad5445", "0.0,6.04*2000001e+25"),
    ("686666666666e63f", "0.7"),
    ("00003426f56b0c43", "1.0e+15"),
    ("0080e03779c34143", "1.0e+16"),
    ("66de77832112dc42", "123456789012346.0"),
    ("03eb2af2548b1143", "1.23456789012346e+15"),
    ("2d431cebe2361a3f", "0.0001"),
    ("f168e388b5f8e43e", "1.0e-05"),
    ("0000000000000080", "-0.0"),
    ("0100000000000000", "0.0"),
    ("ffffffffffffef7f", "1.79769313486232e+308"),
    ("0000000000005044", "1.18059162071741e+21"),
    ("686666666666e63f", "0.7"),
    ("cdccccdc298c6741", "12345678.9"),
    ("0000000000005940", "100.0"),
    ("92d54d06cff08044", "1.0e+22"),
    ("f64ae1c7022db544", "1.0e+23"),
    ("f64ae1c7022db544", "1.0e+23"),
    ("df413adc11c5193e", "1.5e-09"),
    ("6666666666661140", "4.35"),
    ("38b4e652e44da7f2", "-1.98903266136662e+244"),
    ("370d9e260e271365", "7.76111763228504e+178"),
    ("50a4a3a6d07f5c0c", "3.98049835869759e-249"),
    ("332f8b1224083fd2", "-1.54328354173405e+88"),
    ("2b902f8911e81818", "1.36475845187576e-192"),
    ("f8c99d5d5d983195", "-1.37011356178731e-206"),
    ("7504d90e945de2e8", "-1.71605376304662e+197"),
    ("f54ee781cc75f636", "6.29467524119539e-44"),
    ("d85099095aa30016", "1.06134472121423e-202"),
    ("5a67036f9b540d6b", "4.70832516038755e+207"),
    ("8f0be21124179c3d", "6.38701615851356e-12"),
    ("d9f73817ce6e118d", "-9.97313037856873e-246"),
    ("264aad6cb6dd210f", "8.77975322568027e-236"),
    ("af94acd3cf92c190", "-5.79550324849899e-228"),
    ("237cb11f5d108cf2", "-5.98818015938601e+243"),
    ("5930263938b370a1", "-1.3060523885278e-147"),
]


@pytest.mark.parametrize("bits, out", FLOAT_TO_S)
def test_float_to_s_matches_mruby(bits, out):
    assert F.float_to_s(N.ftrunc(dbl(bits))) == out


def test_ftrunc_clears_two_low_bits():
    assert N.ftrunc(0.1) == dbl("989999999999b93f")
    assert N.ftrunc(1.5) == 1.5
    assert N.ftrunc(-0.0) == 0.0 and str(N.ftrunc(-0.0)) == "-0.0"


@pytest.mark.parametrize("f, fmt, prec, out", [
    (9.7, "e", 0, "10e+00"),            # mruby's rounding quirk, kept
    (2.675, "f", 2, "2.67"),
    (0.5, "f", 0, "1"),
    (1e-5, "g", 6, "1e-05"),
    (123.4, "g", 6, "123.4"),
    (0.0, "e", 6, "0.000000e+00"),
    (-0.0, "g", 15, "-0"),
])
def test_format_float(f, fmt, prec, out):
    assert F.format_float(f, fmt, prec, buf_size=120) == out


# ---------------------------------------------------------------- sprintf

FORMAT_CASES = [
    ("%d", [42], "42"), ("%5d|", [-42], "  -42|"), ("%-5d|", [42], "42   |"),
    ("%05d", [-42], "-0042"),
    ("%+d", [0], "+0"), ("% d", [7], " 7"), ("%x", [-255], "..f01"), ("%#x", [255], "0xff"),
    ("%#o", [8], "010"), ("%o", [-8], "..70"), ("%b", [-5], "..1011"), ("%#b", [5], "0b101"),
    ("%.3d", [7], "007"), ("%8.3x", [255], "     0ff"), ("%X", [3054], "BEE"), ("%c", [65], "A"),
    ("%5.2s|", [b"abc"], "   ab|"), ("%-6s|", [b"ab"], "ab    |"), ("%p", [b"a"], '"a"'),
    ("%f", [3.14159], "3.141590"), ("%.2f", [2.675], "2.67"), ("%08.2f", [9.5], "    9.50"),
    ("%+08.2f", [3.14159], "+0003.1"), ("%e", [12345.678], "1.234568e+04"),
    ("%.0e", [9.7], "10e+00"),
    ("%g", [1e-5], "1e-05"), ("%g", [123456789.0], "1.23457e+08"), ("%#g", [123.4], "123.400"),
    ("%10.4g|", [3.14159], "     3.142|"), ("%f", [float("inf")], "Inf"),
    ("%-6f|", [float("-inf")], "-Inf  |"), ("%+f", [float("nan")], "+NaN"),
    ("%s and %s", [b"a", b"b"], "a and b"), ("%2$s %1$s", [b"a", b"b"], "b a"),
    ("%*d|", [-5, 3], "3    |"), ("%.*f", [2, 3.14159], "3.14"), ("%%", [], "%"),
]


def _word(vm, x):
    if isinstance(x, bytes):
        return vm.str_new(x)
    if isinstance(x, float):
        return N.flo(vm, x)
    return vm.int_new(x)


@pytest.mark.parametrize("fmt, args, out", FORMAT_CASES)
def test_format_string(vm, fmt, args, out):
    assert F.format_string(vm, fmt.encode(), [_word(vm, a) for a in args]) == out.encode()


def test_format_named(vm):
    h = vm.hash_new([(vm.sym("a"), vm.int_new(12)), (vm.sym("b"), vm.str_new(b"x"))])
    assert F.format_string(vm, b"%<a>d-%<b>s", [h]) == b"12-x"
    assert F.format_string(vm, b"%{a}|%5{a}|", [h]) == b"12|   12|"
    assert err(vm, lambda: F.format_string(vm, b"%{zz}", [h])) == ("KeyError", "key{zz} not found")
    assert err(vm, lambda: F.format_string(vm, b"%<a>d", [])) == \
        ("ArgumentError", "one hash required")


@pytest.mark.parametrize("fmt, args, msg", [
    ("%d", [], "too few arguments"),
    ("%z", [1], "malformed format string - %z"),
    ("%-%", [1], "invalid format character - %"),
    ("%1$d %d", [1], "unnumbered(1) mixed with numbered"),
    ("%d %1$d", [1], "numbered(1) after unnumbered(1)"),
    ("%**d", [1, 2], "width given twice"),
    ("%.5.5d", [1], "precision given twice"),
    ("%5.5 d", [1], "flag after width"),
    ("%c", [b"ab"], "%c requires a character"),
])
def test_format_errors(vm, fmt, args, msg):
    assert err(vm, lambda: F.format_string(vm, fmt.encode(), [_word(vm, a) for a in args])) == \
        ("ArgumentError", msg)


# ---------------------------------------------------------------- integers

def test_int_to_str():
    assert F.int_to_str(-255, 16) == "-ff"
    assert F.int_to_str(0, 2) == "0"
    assert F._uint_to_str(-1, 16) == "f"
    assert F._uint_to_str(-8, 8) == "70"


@pytest.mark.parametrize("expr, out", [
    (lambda vm: call(vm, vm.int_new(abi.MRB_INT_MAX), "+", vm.int_new(1)),
     ("RangeError", "integer overflow in addition")),
    (lambda vm: call(vm, vm.int_new(2), "**", vm.int_new(64)),
     ("RangeError", "integer overflow in power")),
    (lambda vm: call(vm, vm.int_new(1), "<<", vm.int_new(63)),
     ("RangeError", "integer overflow in bit shift")),
    (lambda vm: call(vm, vm.int_new(1), "%", vm.int_new(0)), ("ZeroDivisionError", "divided by 0")),
    (lambda vm: call(vm, vm.int_new(1), "+", abi.NIL),
     ("TypeError", "can't convert nil into Float")),
    (lambda vm: call(vm, vm.int_new(1), "<", vm.str_new(b"a")),
     ("ArgumentError", "comparison of Integer with String failed")),
    (lambda vm: call(vm, vm.int_new(256), "chr"), ("RangeError", "256 out of char range")),
    (lambda vm: call(vm, N.flo(vm, float("inf")), "to_i"), ("FloatDomainError", "Infinity")),
])
def test_integer_errors(vm, expr, out):
    assert err(vm, lambda: expr(vm)) == out


def test_integer_results(vm):
    assert vm.int_value(call(vm, vm.int_new(-7), "/", vm.int_new(2))) == -4
    assert vm.int_value(call(vm, vm.int_new(-7), "div", N.flo(vm, 2.0))) == -3      # C truncation
    assert vm.int_value(call(vm, vm.int_new(5), "^", N.flo(vm, 1.0))) == 5    # bit_op(or)
    assert vm.str_bytes(call(vm, vm.int_new(abi.MRB_INT_MIN), "to_s", vm.int_new(2))) == b""
    assert vm.int_value(call(vm, N.flo(vm, 1e20), "to_i")) == abi.MRB_INT_MIN    # (mrb_int) cast
    assert vm.inspect(call(vm, N.flo(vm, 3.7), "%", vm.int_new(1))) == b"0.699999999999999"


# ---------------------------------------------------------------- conversions

@pytest.mark.parametrize("s, base, out", [
    (b"0x1A", 16, 26), (b" 12 ", 0, 12), (b"1_000", 0, 1000), (b"0b101", 0, 5), (b"017", 0, 15),
    (b"-0o17", 0, -15), (b"9223372036854775807", 10, abi.MRB_INT_MAX),
])
def test_str_len_to_integer(vm, s, base, out):
    assert vm.int_value(S.str_len_to_integer(vm, s, base, True)) == out


@pytest.mark.parametrize("s, msg", [
    (b"abc", ("ArgumentError", 'invalid string for number("abc")')),
    (b"1__0", ("ArgumentError", 'invalid string for number("1__0")')),
    (b"-9223372036854775808",
     ("ArgumentError", 'invalid string for number("-9223372036854775808")')),
    (b"99999999999999999999", ("RangeError", "string (99999999999999999999) too big for integer")),
])
def test_str_len_to_integer_errors(vm, s, msg):
    assert err(vm, lambda: S.str_len_to_integer(vm, s, 0, True)) == msg


def test_float_read_is_mrubys():
    # digit by digit, like mruby (not correctly rounded)
    assert S.float_read(b"1.23")[0] == 1.0 + (0.1 * 2 + 0.01 * 3)
    assert S.float_read(b"1e3")[0] == 1000.0
    assert S.float_read(b"abc") == (0.0, 0)
    assert S.float_read(b"1.5x") == (1.5, 3)


def test_str_len_to_dbl(vm):
    assert S.str_len_to_dbl(vm, b"1_000.5", True) == 1000.5
    assert S.str_len_to_dbl(vm, b"0x1A", True) == 26.0
    assert S.str_len_to_dbl(vm, b"0x1A", False) == 0.0
    assert err(vm, lambda: S.str_len_to_dbl(vm, b"1.5x", True)) == \
        ("ArgumentError", 'invalid string for float("1.5x")')


# ---------------------------------------------------------------- live batch

LIVE = r"""
p 1.0/3, 1e100, 2**62, -2**63, 7.divmod(-2), 7.5.divmod(2), -7.5 % 2, 2.5.round, -2.5.round,
  1234.5678.round(-2)
p 0.1 + 0.2, 3.7 % 1, 1e20.to_i, (1..10).size, (1...2.5).size, (1..).size, 10.0.step(9.0, -0.5).to_a
p format("%08.3f|%-6x|%+e|%#o|%s", -3.14159, 255, 12345.6789, 8, :sym), "%05.1f%%" % 99.44
p Math.sqrt(2), Math.log(8, 2), Math.atan2(1, -1), Math.cbrt(-27), Math.hypot(3, 4)
p Integer("0x1A", 16), Integer(" 0b11 "), Float("1_000.5"), Rational(3, 6),
  Complex(1, 2) * Complex(3, 4)
p 5.clamp(1, 3), 2.between?(1, 3), 1 <=> 2.5, 4611686018427387904.to_s(36), 255.chr, 3.7.truncate
p Integer.instance_methods(false).include?(:hash), Float.instance_methods(false).include?(:hash)
p 1.hash, -3.hash, (2**62).hash, 1.5.hash, 1e100.hash, (-0.0).hash, 0.0.hash, Float::NAN.hash
p({1 => :a, 2**62 => :b, 1.5 => :c, -0.0 => :d}.values_at(1, 2**62, 1.5, 0.0, 1.0))
"""


def test_live_batch_matches_mruby(tmp_path):
    mrb, want = mruby_run("core_numbers", LIVE, tmp_path)
    got = riteload("run", "--engine", "interp", mrb.name, cwd=tmp_path)
    assert (got.stdout, got.stderr, got.returncode) == want
