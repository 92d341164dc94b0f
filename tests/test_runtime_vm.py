"""The VM's own machinery: value helpers, calls from Python, the call-info
mirror, depth limits, and small programs compared with mruby (live when
mruby 3.1 is on PATH, else as recorded, tests/mruby_runs.py)."""

from __future__ import annotations

import io
import math
import random
import struct

import pytest

from mruby_runs import mruby_run
from runtime import abi
from runtime.fastfloat import flonum, flonum_value
from runtime.interp import InterpEngine
from runtime.main import run_file
from runtime.vm import VM


@pytest.fixture(scope="module")
def vm():
    return VM(engine=InterpEngine(), stdout=io.BytesIO())


def test_fast_flonum_matches_abi():
    rnd = random.Random(7)
    values = [0.0, -0.0, 1.0, 1e100, 1e-300, 5e-324, math.inf, -math.inf, math.nan, 0.1]
    values += [struct.unpack("<d", struct.pack("<Q", rnd.getrandbits(64)))[0] for _ in range(20000)]
    for x in values:
        w = abi.flonum(x)
        assert flonum(x) == w
        if w is not None:
            assert struct.pack("<d", flonum_value(w)) == struct.pack("<d", abi.flonum_value(w))


def test_floats_are_truncated_like_mruby_word_boxing(vm):
    from runtime.core.fmtfp import float_to_s
    w = vm.float_new(1e100)
    assert float_to_s(vm.float_value(w)) == "0.0,6.04*2000001e+99"      # what mruby 3.1 prints
    x = vm.float_value(vm.float_new(1.7000000000000002))
    y = 1.0
    for _ in range(3):
        y = vm.float_value(vm.float_new(y * x))
    assert "%.17g" % y == "4.9130000000000003"


def _in_fresh_thread(fn):
    """Run fn in a new thread and re-raise what it raised.

    The collector scans the Python frames of the collecting thread
    conservatively: an int that happens to equal an object's word keeps that
    object.  pytest's own frames hold such ints (counters, positions), so a
    test that counts freed objects runs where only its own frames are seen.
    """
    import threading
    failure = []

    def body():
        try:
            fn()
        except BaseException as e:      # noqa: BLE001 - re-raised in the test's thread
            failure.append(e)

    t = threading.Thread(target=body)
    t.start()
    t.join()
    if failure:
        raise failure[0]


def test_gc_frees_garbage_and_keeps_what_python_holds():
    def body():
        v = VM(engine=InterpEngine(), stdout=io.BytesIO())
        keep = v.ary_new([v.str_new(b"kept %d" % i) for i in range(10)])
        v.gv_set(v.intern("$keep"), keep)
        held = v.str_new(b"held in a Python local")
        mark = len(v.arena)
        garbage = bytearray(v.handle_top + 5000)     # a leaf: the scan skips it
        for _ in range(5000):
            garbage[v.str_new(b"garbage") >> 3] = 1
        del v.arena[mark:]              # as when the builtin that made them returns
        freed = v.gc()
        kept = [h for h, g in enumerate(garbage) if g and v.objects[h] is not None]
        assert kept == [] and freed >= 5000
        assert v.to_s(held) == b"held in a Python local"
        assert [v.to_s(w) for w in v.obj(keep).items] == [b"kept %d" % i for i in range(10)]
        again = v.str_new(b"reuses a freed slot")
        assert v.to_s(again) == b"reuses a freed slot"
    _in_fresh_thread(body)


def test_integer_words(vm):
    for n in (0, 1, -1, abi.FIXNUM_MAX, abi.FIXNUM_MIN, abi.FIXNUM_MAX + 1, abi.MRB_INT_MIN):
        w = vm.int_new(n)
        assert vm.is_int(w) and vm.int_value(w) == n
    from runtime.errors import RubyError
    with pytest.raises(RubyError):
        vm.int_new(abi.MRB_INT_MAX + 1)


def test_funcall_and_inspect(vm):
    a = vm.ary_new([vm.int_new(1), vm.str_new(b"x"), vm.sym("y"), abi.NIL])
    assert vm.inspect(a) == b'[1, "x", :y, nil]'
    assert vm.int_value(vm.funcall(vm.int_new(2), "+", [vm.int_new(3)])) == 5
    h = vm.hash_new([(vm.str_new(b"k"), vm.int_new(1))])
    assert vm.obj(h).get(vm, vm.str_new(b"k")) == vm.int_new(1)


def test_raise_error_carries_class_and_message(vm):
    from runtime.errors import RubyError
    with pytest.raises(RubyError) as e:
        vm.raise_error("ArgumentError", "bad")
    assert vm.class_name(vm.real_class(e.value.exc)) == "ArgumentError"
    assert vm.to_s(vm.funcall(e.value.exc, "message")) == b"bad"


def test_sync_callinfo_mirrors_frames(vm):
    seen = []

    def probe(vm_, self, args, blk):
        n = vm_.sync_callinfo()
        seen.append((n, vm_.ci[n - 1].mid, vm_.ci[n - 1].kind))
        return abi.NIL
    vm.define_method(vm.c_Object, "probe_ci", probe, 0)
    vm.funcall(vm.top_self, "probe_ci")
    n, mid, kind = seen[0]
    assert vm.syms[mid] == "probe_ci" and kind == 1


SNIPPETS = {
    "depth": "def f(n); $d = n; f(n + 1); end\nbegin; f(0); rescue SystemStackError; end\np $d\n",
    "block_depth": "$d = 0\ndef f(n); $d = n; [1].each { f(n + 1) }; end\n"
                   "begin; f(0); rescue SystemStackError; end\np $d\n",
    "send_depth": "def g(n) = ($d = n; send(:g, n + 1))\n"
                  "begin; g(0); rescue SystemStackError; end\np $d\n",
    "hook_depth": "def ins(n) = ($d = n; o = Object.new; "
                  "o.define_singleton_method(:x) { ins(n + 1) }; o.x)\n"
                  "begin; ins(0); rescue SystemStackError; end\np $d\n",
    "uncaught": "def a(x) = b(x)\ndef b(x) = raise(ArgumentError, \"bad #{x}\")\nputs 1\na(2)\n",
    "unwinding": "def m\n  [1, 2].each { |x| return x * 10 if x == 2 }\nend\np m\n"
                 "def e\n  begin\n    [1].each { return :r }\n  ensure\n    puts :ens\n  end\n"
                 "end\np e\n"
                 "p [1, 2, 3].each { |x| break x if x == 2 }\n"
                 "def n\n  while true\n    begin\n      break\n    ensure\n      puts :w\n    end\n"
                 "  end\n  :n\nend\np n\n",
    "local_jump": "pr = proc { break 1 }\npr.call\n",
    "kwargs": "def k(a, b = 2, *c, d, e:, f: 6, **g, &h) = [a, b, c, d, e, f, g, h.nil?]\n"
              "p k(1, 9, e: 5)\np k(1, 2, 3, 4, 5, e: 0, z: 1) {}\n"
              "begin; k(1, 2); rescue ArgumentError => x; p x.message; end\n",
    "super_forms": "class A; def f(*a) = [:A, a]; end\nmodule M; def f(*a) = [:M, super]; end\n"
                   "class B < A; include M; def f(x, y = 2) = [:B, super, super(x)]; end\n"
                   "p B.new.f(1)\n",
    # 15 required arguments arrive packed in one Array (n = 15): OP_ENTER's general path
    "fifteen_args": "def f(a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15)"
                    " = [a1, a8, a15]\np f(*1..15)\np f(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,"
                    " 13, 14, 15)\n",
    # alias of a missing method: mrb_method_search's message (class name unquoted), undef's
    "missing_method_names": "class Foo; end\n"
                            "begin; class Foo; alias x nope; end; rescue => e; p e; end\n"
                            "begin; Foo.alias_method(:x, :nope); rescue => e; p e; end\n"
                            "begin; class Foo; undef nope; end; rescue => e; p e; end\n"
                            "begin; 1.instance_variable_set(:@a, 1); rescue => e; p e; end\n",
}


@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_snippet_matches_mruby(tmp_path, name, monkeypatch):
    mrb, want = mruby_run(f"vm_{name}", SNIPPETS[name], tmp_path, debug=True)
    out, err = io.BytesIO(), io.BytesIO()
    monkeypatch.chdir(tmp_path)
    status = run_file(mrb.name, engine="interp", stdout=out, stderr=err, timeout=300)
    assert (out.getvalue(), err.getvalue(), status) == want
