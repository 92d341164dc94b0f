"""Focused tests of the collection core: runtime/core/array.py, hash.py,
enumerable.py, enumerator.py, struct.py and objectspace.py.

Helpers are checked directly on a VM; a batch of one-liners also runs
through riteload and must print what mruby prints (live when mruby 3.1 is on
PATH, else as recorded, tests/mruby_runs.py).
"""

from __future__ import annotations

import pytest

from mruby_runs import mruby_run, riteload
from runtime import abi
from runtime.core import array as A
from runtime.core import enumerable as E
from runtime.core import enumerator as EN
from runtime.core import hash as H
from runtime.core import range as R
from runtime.errors import RubyError
from runtime.vm import VM

NIL = abi.NIL


@pytest.fixture(scope="module")
def vm():
    return VM()


def fx(n):
    return abi.fixnum(n)


def ary(vm, *ns):
    """An Array of fixnums from Python ints."""
    return vm.ary_new([fx(n) for n in ns])


def aw(vm, *words):
    """An Array of value words."""
    return vm.ary_new(list(words))


def call(vm, recv, name, *args, blk=NIL):
    return vm.funcall(recv, name, list(args), blk)


def ins(vm, w):
    return vm.inspect(w).decode()


def err(vm, fn):
    with pytest.raises(RubyError) as ei:
        fn()
    e = ei.value.exc
    return vm.class_name(vm.real_class(e)), vm.str_bytes(vm.funcall(e, "message")).decode()


# -------------------------------------------------------------- helpers
@pytest.mark.parametrize("first, last, excl, length, trunc, want", [
    (0, 2, False, 5, True, (0, 3)),
    (1, -1, False, 5, True, (1, 4)),
    (0, 9, False, 3, True, (0, 3)),        # end clamped, no +1 (mruby quirk)
    (3, 5, False, 3, True, (3, 0)),
    (4, 5, False, 3, True, None),
    (-4, 1, False, 3, True, None),
    (1, 3, True, 5, True, (1, 2)),
    (5, 6, False, 3, False, (5, 2)),        # []= may grow
    (None, 1, False, 3, True, (0, 2)),
    (1, None, False, 3, True, (1, 2)),
])
def test_range_beg_len(vm, first, last, excl, length, trunc, want):
    r = vm.range_new(NIL if first is None else fx(first), NIL if last is None else fx(last), excl)
    assert R.range_beg_len(vm, r, length, trunc) == want


def test_svalue(vm):
    assert E.svalue(vm, []) == NIL
    assert E.svalue(vm, [fx(3)]) == fx(3)
    assert ins(vm, E.svalue(vm, [fx(1), fx(2)])) == "[1, 2]"


def test_as_int(vm):
    assert E.as_int(vm, fx(-7)) == -7
    assert E.as_int(vm, vm.float_new(2.9)) == 2
    assert E.as_int(vm, vm.float_new(-2.9)) == -2
    assert err(vm, lambda: E.as_int(vm, NIL)) == ("TypeError", "nil cannot be converted to Integer")
    assert err(vm, lambda: E.as_int(vm, vm.str_new("a")))[1] == \
        "String cannot be converted to Integer"
    assert err(vm, lambda: E.as_int(vm, vm.float_new(float("nan")))) == ("FloatDomainError", "NaN")


def test_plain_sort_keys(vm):
    assert A.plain_sort_keys(vm, [fx(3), fx(1)]) == [3, 1]
    assert A.plain_sort_keys(vm, [fx(3), vm.float_new(0.5)]) == [3, 0.5]
    assert A.plain_sort_keys(vm, [vm.str_new("b"), vm.str_new("a")]) == [b"b", b"a"]
    # anything that could fail, call Ruby or need NaN handling takes the mrblib path
    assert A.plain_sort_keys(vm, [fx(1), vm.str_new("a")]) is None
    assert A.plain_sort_keys(vm, [fx(1), vm.float_new(float("nan"))]) is None
    assert A.plain_sort_keys(vm, [vm.sym("a")]) is None
    assert A.plain_sort_keys(vm, [fx(1), NIL]) is None


# ----------------------------------------------------------------- Array
def test_array_access_and_splice(vm):
    a = ary(vm, 1, 2, 3)
    assert ins(vm, call(vm, a, "[]", vm.range_new(fx(1), fx(9), False))) == "[2, 3]"
    assert call(vm, a, "[]", fx(3), fx(1)) != NIL          # start == size: []
    assert call(vm, a, "[]", fx(4), fx(1)) == NIL
    call(vm, a, "[]=", fx(5), fx(6))
    assert ins(vm, a) == "[1, 2, 3, nil, nil, 6]"
    call(vm, a, "[]=", fx(1), fx(2), ary(vm, 7))
    assert ins(vm, a) == "[1, 7, nil, nil, 6]"
    assert err(vm, lambda: call(vm, a, "[]=", fx(-9), fx(0))) == \
        ("IndexError", "index -9 out of array")
    assert err(vm, lambda: call(vm, a, "[]=", fx(-9), fx(1), fx(0))) == \
        ("IndexError", "index -4 is out of array")
    assert err(vm, lambda: call(vm, a, "[]=", fx(0), fx(-1), fx(0))) == \
        ("IndexError", "negative length (-1)")


def test_array_fetch_messages(vm):
    a = ary(vm, 1, 2)
    assert err(vm, lambda: call(vm, a, "fetch", fx(5))) == \
        ("IndexError", "index 5 outside of array bounds: -2...2")
    assert call(vm, a, "fetch", fx(9), fx(0)) == fx(0)


def test_array_set_operations(vm):
    assert ins(vm, call(vm, ary(vm, 1, 1, 2, 3), "-", ary(vm, 2))) == "[1, 1, 3]"
    assert ins(vm, call(vm, ary(vm, 1, 1, 3), "&", ary(vm, 3, 1))) == "[1, 3]"
    assert ins(vm, call(vm, ary(vm, 1, 1), "|", ary(vm, 2, 1))) == "[1, 2]"
    assert err(vm, lambda: call(vm, ary(vm, 1), "-", fx(2))) == \
        ("TypeError", "can't convert Integer into Array")
    assert err(vm, lambda: call(vm, ary(vm, 1), "&", fx(2))) == \
        ("TypeError", "cannot convert Integer into Array")


def test_array_inspect_and_join_recursion(vm):
    a = ary(vm, 1)
    call(vm, a, "<<", a)
    assert ins(vm, a) == "[1, [...]]"
    assert err(vm, lambda: call(vm, a, "join")) == ("ArgumentError", "recursive array join")
    assert vm.str_bytes(call(vm, aw(vm, fx(1), ary(vm, 2, 3)), "join", vm.str_new("-"))) == b"1-2-3"
    assert err(vm, lambda: call(vm, ary(vm, 1), "join", fx(1))) == \
        ("TypeError", "Integer cannot be converted to String")


def test_array_frozen(vm):
    a = ary(vm, 1)
    call(vm, a, "freeze")
    assert err(vm, lambda: call(vm, a, "push", fx(2))) == \
        ("FrozenError", "can't modify frozen Array")
    assert call(vm, a, "delete_at", fx(5)) == NIL     # no modification, no error


def test_array_hash_matches_mruby(vm):
    # mruby 3.1: [].hash == 12347, [1, 2].hash == 12338 (Enumerable#hash)
    assert vm.int_value(call(vm, ary(vm), "hash")) == 12347
    assert vm.int_value(call(vm, ary(vm, 1, 2), "hash")) == 12338


def test_sort_without_blocks(vm):
    a = ary(vm, 5, 3, 9, 1)
    assert ins(vm, call(vm, a, "sort")) == "[1, 3, 5, 9]"
    assert ins(vm, a) == "[5, 3, 9, 1]"
    assert err(vm, lambda: call(vm, aw(vm, fx(1), vm.str_new("a")), "sort")) == \
        ("ArgumentError", 'comparison of 1 and "a" failed')


# ------------------------------------------------------------------ Hash
def test_hash_string_keys_are_frozen_copies(vm):
    h = vm.hash_new()
    k = vm.str_new("key")
    call(vm, h, "[]=", k, fx(1))
    stored = vm.obj(h).keys()[0]
    assert stored != k and vm.obj(stored).frozen and not vm.obj(k).frozen


def test_hash_fetch_and_defaults(vm):
    h = vm.hash_new()
    call(vm, h, "[]=", vm.sym("a"), fx(1))
    assert err(vm, lambda: call(vm, h, "fetch", vm.sym("x"))) == ("KeyError", "Key not found: :x")
    call(vm, h, "default=", fx(0))
    assert call(vm, h, "[]", vm.sym("zz")) == fx(0)
    assert ins(vm, h) == "{:a=>1}"


def test_hash_int_and_float_keys_differ(vm):
    h = vm.hash_new()
    call(vm, h, "[]=", fx(1), vm.sym("i"))
    assert call(vm, h, "[]", vm.float_new(1.0)) == NIL


def test_hash_recursive_inspect(vm):
    h = vm.hash_new()
    call(vm, h, "[]=", vm.sym("me"), h)
    assert ins(vm, h) == "{:me=>{...}}"


def test_hash_small_table_lookup_helpers(vm):
    h = vm.obj(vm.hash_new())
    H.h_store(vm, h, fx(1), vm.sym("a"))
    assert H.h_lookup(vm, h, fx(1)) == vm.sym("a")
    assert H.h_remove(vm, h, fx(1)) == vm.sym("a")
    assert H.h_lookup(vm, h, fx(1)) is None


# ------------------------------------------------------------ coroutines
def test_coroutine_handoff(vm):
    seen = []

    def body(co):
        seen.append("start")
        got = co.suspend(fx(1))
        seen.append(("resumed with", got))
        co.suspend(fx(2))
        return fx(3)

    co = EN.Coroutine(vm, body)
    frames_before = list(vm.frames)
    assert co.resume(NIL) == ("yield", fx(1))
    assert vm.frames == frames_before
    assert co.resume(fx(42)) == ("yield", fx(2))
    assert seen == ["start", ("resumed with", fx(42))]
    assert co.resume(NIL) == ("done", fx(3))
    assert co.done


def test_coroutine_double_resume(vm):
    holder = {}

    def body(co):
        return holder["co"].resume(NIL)[1]

    co = holder["co"] = EN.Coroutine(vm, body)
    assert err(vm, lambda: co.resume(NIL)) == ("FiberError", "double resume")
    assert co.done


def test_coroutine_errors_reach_the_resumer(vm):
    def body(co):
        vm.raise_error(vm.c_ArgumentError, "inside")

    co = EN.Coroutine(vm, body)
    assert err(vm, lambda: co.resume(NIL)) == ("ArgumentError", "inside")


# ----------------------------------------------------------------- Struct
def test_struct_inspect_and_errors(vm):
    st = call(vm, vm.cls("Struct").word, "new", vm.sym("x"), vm.sym("y"))
    vm.define_const(vm.c_Object, "TPoint", st)
    p = call(vm, st, "new", fx(1))
    assert ins(vm, p) == "#<struct TPoint x=1, y=nil>"
    assert err(vm, lambda: call(vm, st, "new", fx(1), fx(2), fx(3))) == \
        ("ArgumentError", "struct size differs")
    assert err(vm, lambda: call(vm, p, "[]", vm.sym("z"))) == \
        ("NameError", "no member 'z' in struct")
    assert err(vm, lambda: call(vm, p, "[]", fx(2))) == \
        ("IndexError", "offset 2 too large for struct(size:2)")
    assert err(vm, lambda: call(vm, p, "[]", fx(-3))) == \
        ("IndexError", "offset -3 too small for struct(size:2)")


# -------------------------------------------------------------- GC / OS
def test_gc_state(vm):
    gc = vm.cls("GC").word
    assert call(vm, gc, "disable") == abi.FALSE
    assert call(vm, gc, "disable") == abi.TRUE
    assert call(vm, gc, "enable") == abi.TRUE
    assert call(vm, gc, "start") == NIL
    counts = call(vm, vm.cls("ObjectSpace").word, "count_objects")
    assert vm.is_hash(counts)
    assert call(vm, counts, "key?", vm.sym("TOTAL")) == abi.TRUE


# ------------------------------------------------------- live comparison
LIVE = r'''
p (-3..3).to_a, (-5...-1).to_a, (3..1).to_a, (0...0).to_a, (-1..0).to_a, (0..2).to_a
p ((2**62 - 2)..(2**62 + 1)).to_a, ((-2**62)..(-2**62 + 1)).to_a, (1..100_000).to_a.size
p [3, 1, 2].sort, [1, [2, [3]]].flatten(1), [1, 2, 3].each_slice(2).to_a, [1, 2].zip([3])
p({a: 1}.map { |k, v| [k, v] }, {b: 1, a: 2}.sort_by { |k, v| v }, {a: 1}.to_a, Hash[[[1, 2]]])
p [1, 2, 3].inject(:+), [4, 5].each_with_index.map { |x, i| x * i }, %w[a b].each.with_index(1).to_a
e = [1, 2].each
p e.next, e.next, (e.next rescue $!.class)
f = Enumerator.new { |y| y << 1 << 2; :r }
p f.next, f.peek, f.next, (begin; f.next; rescue StopIteration => x; x.result; end)
p (1..Float::INFINITY).lazy.map { |x| x * 2 }.select { |x| x % 3 == 0 }.first(3)
S = Struct.new(:a, :b)
p S.new(1, 2), S.new(1) == S.new(1), S.new(1, 2).to_h, S.members
p [1, 2, 3].sort_by { |x| -x }, [[2, :b], [1, :a]].sort, %w[bb a].max_by(&:size)
p [1, 2, 3, 4].partition { |x| x > 2 }, [1, 2, 2, 3].tally
p [1, 2, 3].each_cons(2).map { |a, b| b - a }, [3, 1].minmax, [].sum rescue p :no_sum
a = [1]; a << a; p a, a.hash == a.hash rescue p :rec
pr = proc { |x| x }
p Proc.instance_methods(false).sort, (pr.send(:initialize_copy, 2) rescue $!.message)
p lambda { 1 }.send(:initialize_copy, pr).lambda?, pr.dup.call(4),
  Class.new(Proc).new { 5 }.dup.call
'''


def test_live_against_mruby(tmp_path):
    mrb, want = mruby_run("core_collections", LIVE, tmp_path)
    got = riteload("run", "--engine", "interp", mrb.name, cwd=tmp_path)
    assert (got.stdout, got.stderr, got.returncode) == want
