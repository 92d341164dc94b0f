"""Focused tests of runtime/core/string.py and symbol.py.

The helpers are checked against values mruby 3.1 (Debian's build, no
MRB_UTF8_STRING) printed; a batch of one-liners also runs through riteload
and must print what mruby prints (live when mruby 3.1 is on PATH, else as
recorded in tests/recorded/, see tests/mruby_runs.py).
"""

from __future__ import annotations

import math

import pytest

from mruby_runs import mruby_run, riteload
from runtime import abi
from runtime.core import string as S
from runtime.core import symbol as Y
from runtime.errors import RubyError
from runtime.vm import VM


@pytest.fixture(scope="module")
def vm():
    return VM()


def rb(vm, w):
    """inspect of a word, as bytes"""
    return vm.inspect(w)


def call(vm, recv, name, *args, blk=abi.NIL):
    return vm.funcall(recv, name, list(args), blk)


def err(vm, fn):
    with pytest.raises(RubyError) as ei:
        fn()
    e = ei.value.exc
    return vm.class_name(vm.real_class(e)), vm.str_bytes(vm.funcall(e, "message")).decode()


# ---------------------------------------------------------------- escaping

@pytest.mark.parametrize("src, out", [
    (b"plain", b'"plain"'),
    (b'q"b\\', b'"q\\"b\\\\"'),
    (b"\t\n\r\f\v\b\a\x1b\x00", b'"\\t\\n\\r\\f\\v\\b\\a\\e\\x00"'),
    (b"\x7f\x80\xff", b'"\\x7f\\x80\\xff"'),
    ("é".encode(), b'"\\xc3\\xa9"'),
    (b"#{x} #$y #@z #a #", b'"\\#{x} \\#$y \\#@z #a #"'),
])
def test_str_escape(src, out):
    assert S.str_escape(src) == out


@pytest.mark.parametrize("name, out", [
    (b"foo", b":foo"), (b"Foo", b":Foo"), (b"foo?", b":foo?"), (b"foo=", b":foo="),
    (b"@iv", b":@iv"), (b"@@cv", b":@@cv"), (b"$g", b":$g"), (b"$~", b":$~"), (b"$-w", b":$-w"),
    (b"$12", b":$12"), (b"+", b":+"), (b"[]=", b":[]="), (b"<=>", b":<=>"), (b"&&", b":&&"),
    (b"||", b":||"), (b"!~", b":!~"), (b"-@", b":-@"), (b"**", b":**"),
    (b"foo bar", b':"foo bar"'), (b"9a", b':"9a"'), (b"", b':""'), (b"@", b':"@"'),
    (b"Foo?", b':"Foo?"'), (b"=", b':"="'), (b"**=", b':"**="'), (b"@1x", b':"@1x"'),
    ("é".encode(), b':"\\xc3\\xa9"'), (b"a\x00b", b':"a\\x00b"'),
])
def test_symbol_inspect(name, out):
    assert Y.sym_inspect_bytes(name) == out


# ----------------------------------------------------------- number parsing

@pytest.mark.parametrize("s, base, n", [
    (b"42", 10, 42), (b"  -42xyz", 10, -42), (b"+7", 10, 7), (b"", 10, 0), (b"abc", 10, 0),
    (b"1_000", 10, 1000), (b"1__0", 10, 1), (b"_1", 10, 0), (b"0x1A", 16, 26), (b"0x1A", 10, 0),
    (b"0b101", 0, 5), (b"0o17", 0, 15), (b"017", 0, 15), (b"0d19", 0, 19), (b"19", 0, 19),
    (b"z", 36, 35), (b"0x1f", 8, 0), (b"-0", 10, 0), (b"00012", 10, 12),
    (b"9223372036854775807", 10, 2**63 - 1), (b"-9223372036854775808", 10, -2**63),
])
def test_str_len_to_integer(vm, s, base, n):
    assert vm.int_value(S.str_len_to_integer(vm, s, base, False)) == n


def test_str_len_to_integer_errors(vm):
    assert err(vm, lambda: S.str_len_to_integer(vm, b"99999999999999999999", 10, False)) == \
        ("RangeError", "string (99999999999999999999) too big for integer")
    assert err(vm, lambda: S.str_len_to_integer(vm, b"12x", 10, True)) == \
        ("ArgumentError", 'invalid string for number("12x")')
    assert err(vm, lambda: S.str_len_to_integer(vm, b"1", 40, False)) == \
        ("ArgumentError", "illegal radix 40")


@pytest.mark.parametrize("s, x", [
    (b"3.14", 3.14), (b"-2.5e3", -2500.0), (b"1e-2", 0.01), (b".5", 0.5), (b"5.", 5.0),
    (b"abc", 0.0), (b"1_000.25", 1000.25), (b" 12.5kg", 12.5), (b"1e", 1.0), (b"0x10", 0.0),
    (b"1.2.3", 1.2), (b"Infinity", 0.0), (b"1e400", math.inf), (b"12 34", 12.0),
    (b"x" * 100, math.inf), (b"1.5" + b"x" * 100, 1.5),
])
def test_str_len_to_dbl(vm, s, x):
    assert S.str_len_to_dbl(vm, s, False) == x


def test_float_read_is_mruby_arithmetic():
    # readflt.c accumulates digit by digit; the result is that arithmetic's
    assert S.float_read(b"0.1")[0] == 0.1
    assert S.float_read(b"123.456")[0] == 100.0 + 20.0 + 3.0 + (0.1 * 4 + 0.01 * 5 + 0.001 * 6)


# ------------------------------------------------------------- small helpers

@pytest.mark.parametrize("s, out", [
    (b"a", b"b"), (b"z", b"aa"), (b"zz", b"aaa"), (b"a9", b"b0"), (b"Zz", b"AAa"),
    (b"a-9", b"a-10"), (b"***", b"**+"), (b"\xff", b"\x01\x00"), (b"", b""), (b"1.9", b"1.10"),
])
def test_succ(s, out):
    assert S._succ(s) == out


def test_str_hash_fnv1():
    assert S.str_hash(b"") == 2166136261
    assert S.str_hash(b"a") == 84696446
    assert S.str_hash(b"hello world") == 1418570095


# ------------------------------------------------------------- via the VM

def test_methods_through_vm(vm):
    s = vm.str_new(b"hello world")
    assert rb(vm, call(vm, s, "split")) == b'["hello", "world"]'
    assert rb(vm, call(vm, s, "tr", vm.str_new(b"a-y"), vm.str_new(b"b-z"))) == b'"ifmmp xpsme"'
    assert rb(vm, call(vm, vm.str_new(b"aabbcc"), "tr_s", vm.str_new(b"ab"), vm.str_new(b"xy"))) \
        == b'"xbcc"'
    assert rb(vm, call(vm, vm.str_new(b"hello"), "delete", vm.str_new(b"a-l"))) == b'"llo"'
    assert rb(vm, call(vm, s, "center", abi.fixnum(15), vm.str_new(b"*"))) == b'"**hello world**"'
    assert rb(vm, call(vm, s, "[]", vm.range_new(abi.fixnum(-5), abi.NIL, False))) == b'"world"'
    assert rb(vm, call(vm, vm.str_new("héllo"), "reverse")) == b'"oll\\xa9\\xc3h"'
    assert vm.int_value(call(vm, vm.str_new("héllo"), "size")) == 6


def test_errors_through_vm(vm):
    s = vm.str_new(b"abc")
    assert err(vm, lambda: call(vm, s, "+", abi.fixnum(1))) == \
        ("TypeError", "Integer cannot be converted to String")
    assert err(vm, lambda: call(vm, s, "ljust", abi.fixnum(5), vm.str_new(b""))) == \
        ("ArgumentError", "zero width padding")
    assert err(vm, lambda: call(vm, s, "slice!")) == \
        ("ArgumentError", "wrong number of arguments (given 0, expected 1)")
    f = vm.str_new(b"x")
    vm.obj(f).frozen = True
    assert err(vm, lambda: call(vm, f, "upcase!")) == \
        ("FrozenError", "can't modify frozen String")
    assert call(vm, f, "<<", vm.str_new(b"")) == f


def test_pack_roundtrip(vm):
    items = [abi.fixnum(1), abi.fixnum(-2), abi.fixnum(300)]
    data = S.pack_array(vm, items, b"cs>w")
    assert data == b"\x01\xff\xfe\x82\x2c"
    out = S.unpack_str(vm, data, b"cs>w", False)
    assert [vm.int_value(w) for w in out] == [1, -2, 300]
    assert S.pack_array(vm, [vm.str_new(b"hello")], b"m") == b"aGVsbG8=\n"


def test_symbol_to_proc(vm):
    p = call(vm, vm.sym("upcase"), "to_proc")
    assert vm.obj(p).strict
    assert rb(vm, vm.call_proc(vm.obj(p), [vm.str_new(b"ab")])) == b'"AB"'


# ------------------------------------------------------- live comparison

LIVE = r'''
p "a b  c".split, "a,b,,".split(",", -1), "abc".split("", 2), " x ".split(" ", -1)
p "hello".tr("^l", "*"), "hello".squeeze("k-l"), "hello".count("a-l"), "X['\\b']".tr("X-\\]", "")
p "the cat".sub("cat", "[\\&|\\`|\\']"), "aaa".gsub("a") { |m| m << "z"; m }
p "ab".ljust(5.7), "ab".center(6.5, "-"), "abc".insert(-1.0, "X")
x = "hello world"; p x.slice!(-1.5), x
p "%-5s|" % "ab", "a".upto("e").to_a, "07".upto("11").to_a
p :"foo bar", :"$-w", :[]=, :"@1", "é".inspect, "#{1}\#{}".dump
p [1, 2].pack("s>l<"), "\x01\x02\x03\x04".unpack("nC*"), ["abc"].pack("m0").unpack1("m")
p "12abc".to_i, "0b11".to_i(0), "1_000.5e1x".to_f, "0x1A".hex, "777".oct
'''


def test_live_against_mruby(tmp_path):
    mrb, want = mruby_run("core_string", LIVE, tmp_path)
    got = riteload("run", "--engine", "interp", mrb.name, cwd=tmp_path)
    assert (got.stdout, got.stderr, got.returncode) == want
