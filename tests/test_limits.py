"""Running out of memory, and sizes beyond mruby 3.1's limits, as mruby does.

mruby and riteload both run under the same address-space limit (as
``ulimit -v`` sets it), so an allocation that fails, fails on both sides:
mruby raises its NoMemoryError ("Out of memory"), uncaught it prints
nothing (no backtrace is kept for it) and exits with status 1.  Sizes past
mruby's own limits (``ARY_MAX_SIZE``, ``MRB_SSIZE_MAX``, an overflowing
product) raise their ArgumentError before anything is allocated.  mruby's
answers are live when mruby 3.1 is on PATH, else recorded in tests/recorded/
(tests/mruby_runs.py).
"""

from __future__ import annotations

import io
import os
import resource
import subprocess

import pytest

import mruby_runs
from mruby_runs import compile_mrb, mruby_run, riteload

#: the address-space limit of both runs: riteload starts in about half of it
MEMORY_LIMIT = 1_000_000 * 1024

ENGINES = ("interp", "native")


def _limit_memory():
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def mruby_run_limited(name: str, source: str, workdir):
    """mruby_runs.mruby_run under MEMORY_LIMIT: (mrb, (stdout, stderr, status))."""
    mrb = compile_mrb(name, source, workdir)
    stem = mrb.stem
    if mruby_runs.LIVE:
        p = subprocess.run([mruby_runs.TOOLS[1], "-b", mrb.name], cwd=workdir,
                           capture_output=True, timeout=120, preexec_fn=_limit_memory)
        mruby_runs._check_or_record(stem, {"stdout": p.stdout, "stderr": p.stderr,
                                           "status": f"{p.returncode}\n".encode()})
        return mrb, (p.stdout, p.stderr, p.returncode)
    return mrb, (mruby_runs._recorded(stem, "stdout"), mruby_runs._recorded(stem, "stderr"),
                 int(mruby_runs._recorded(stem, "status")))


def riteload_limited(mrb, engine):
    p = riteload("run", "--engine", engine, mrb.name, cwd=mrb.parent,
                 preexec_fn=_limit_memory, timeout=300)
    return p.stdout, p.stderr, p.returncode


SIZES = r'''
def t(s)
  r = yield
  puts "#{s} => ok #{r.size}"
rescue Exception => e
  puts "#{s} => #{e.class}: #{e.message}"
end
t('"x" * (2**62)') { "x" * (2**62) }
t('"ab" * (2**40)') { "ab" * (2**40) }
t('"ab" * (2**62)') { "ab" * (2**62) }
t('"x" * (2**63-1)') { "x" * 9223372036854775807 }
t('"x" * (2**63-2)') { "x" * 9223372036854775806 }
t('"" * (2**62)') { "" * (2**62) }
t('"x" * -1') { "x" * -1 }
t('Array.new(2**62)') { Array.new(2**62) }
t('Array.new(2**61)') { Array.new(2**61) }
t('Array.new(2**60)') { Array.new(2**60) }
t('Array.new(2**40, 0)') { Array.new(2**40, 0) }
t('Array.new(2**40) {}') { Array.new(2**40) { 1 } }
t('[1] * (2**62)') { [1] * (2**62) }
t('[1] * (2**61)') { [1] * (2**61) }
t('[1] * (2**60)') { [1] * (2**60) }
t('[1, 2] * (2**40)') { [1, 2] * (2**40) }
t('[1] * -1') { [1] * -1 }
t('a[2**62] = 1') { a = []; a[2**62] = 1; a }
t('a[2**40] = 1') { a = []; a[2**40] = 1; a }
t('a[2**62, 0] = 1') { a = [1]; a[2**62, 0] = 1; a }
t('a[2**60, 0] = 1') { a = [1]; a[2**60, 0] = 1; a }
t('insert(2**62)') { [1].insert(2**62, 1) }
t('insert(2**40)') { [1].insert(2**40, 1) }
t('ljust(2**62)') { "x".ljust(2**62) }
t('ljust(2**63-1)') { "x".ljust(9223372036854775807) }
t('ljust(2**62, "ab")') { "x".ljust(2**62, "ab") }
t('center(2**63-1)') { "x".center(9223372036854775807) }
t('rjust(2**40)') { "x".rjust(2**40) }
t('s[2**62] = "y"') { s = "x"; s[2**62] = "y"; s }
t('"%2**40d"') { "%1099511627776d" % 1 }
t('"%.2**40f"') { "%.1099511627776f" % 1.0 }
t('pack("x2**40")') { [1].pack("x1099511627776") }
puts "done"
'''


@pytest.mark.parametrize("engine", ENGINES)
def test_sizes_beyond_the_limits(engine, tmp_path):
    mrb, want = mruby_run_limited("limits_sizes", SIZES, tmp_path)
    assert riteload_limited(mrb, engine) == want
    assert want[0].endswith(b"done\n") and b"argument too big" in want[0]


@pytest.mark.parametrize("name,source", [
    ("limits_uncaught_array_new", "Array.new(2**62)\n"),
    ("limits_uncaught_str_times", 'x = "ab" * (2**62)\n'),
    ("limits_uncaught_str_size", 'x = "x" * 9223372036854775807\n'),
])
@pytest.mark.parametrize("engine", ENGINES)
def test_size_errors_uncaught(engine, name, source, tmp_path):
    mrb, want = mruby_run_limited(name, source, tmp_path)
    assert riteload_limited(mrb, engine) == want
    assert want[2] == 1 and b"(ArgumentError)" in want[1]


OOM_UNCAUGHT = 'a = []; loop { a << "x" * 1_000_000 }\n'

OOM_RESCUED = '''\
a = []
begin
  loop { a << "x" * 1_000_000 }
rescue NoMemoryError => e
  n = a.size
  a = nil
  p [e.class, e.message, e.backtrace, n > 100]
end
puts "after"
'''

OOM_CONCAT = '''\
s = "x"
begin
  loop { s << "y" * 10_000_000 }
rescue NoMemoryError => e
  s = nil
  p [e.class, e.message, e.backtrace]
end
'''


@pytest.mark.parametrize("name,source", [
    ("limits_oom_uncaught", OOM_UNCAUGHT),
    ("limits_oom_rescued", OOM_RESCUED),
    ("limits_oom_concat", OOM_CONCAT),
])
@pytest.mark.parametrize("engine", ENGINES)
def test_out_of_memory(engine, name, source, tmp_path):
    mrb, want = mruby_run_limited(name, source, tmp_path)
    got = riteload_limited(mrb, engine)
    assert b"internal error" not in got[1]
    assert got == want


def test_uncaught_out_of_memory_prints_nothing(tmp_path):
    _, want = mruby_run_limited("limits_oom_uncaught", OOM_UNCAUGHT, tmp_path)
    assert want == (b"", b"", 1)


# ------------------------------------------- Python errors that escape the VM

def _run_in_process(tmp_path, monkeypatch, exc):
    """run_file of a small program whose run raises the Python exception ``exc``."""
    from runtime.main import run_file
    from runtime.vm import VM
    mrb = compile_mrb("cli_loop", "i = 0\nloop { i += 1 }\n", tmp_path)

    def run_main(self, rite):
        self.out.write(b"before\n")
        raise exc
    monkeypatch.setattr(VM, "run_main", run_main)
    monkeypatch.delenv("RITELOAD_DEBUG", raising=False)
    out, err = io.BytesIO(), io.BytesIO()
    status = run_file(str(mrb), engine="interp", stdout=out, stderr=err, timeout=60)
    return mrb, out.getvalue(), err.getvalue(), status


def test_internal_error_names_the_file(tmp_path, monkeypatch):
    mrb, out, err, status = _run_in_process(tmp_path, monkeypatch, KeyError(5))
    assert status == 1 and out == b"before\n"
    assert err == (f"riteload: internal error: {mrb}: KeyError: 5 "
                   "(set RITELOAD_DEBUG=1 for the traceback)\n").encode()


def test_internal_error_without_a_message(tmp_path, monkeypatch):
    mrb, _, err, status = _run_in_process(tmp_path, monkeypatch, AssertionError())
    assert status == 1
    assert err == (f"riteload: internal error: {mrb}: AssertionError "
                   "(set RITELOAD_DEBUG=1 for the traceback)\n").encode()


def test_python_memory_error_ends_as_uncaught_nomemoryerror(tmp_path, monkeypatch):
    _, out, err, status = _run_in_process(tmp_path, monkeypatch, MemoryError())
    assert (out, err, status) == (b"before\n", b"", 1)


# ------------------------------------------- settings from the environment

@pytest.mark.parametrize("name", ["RITELOAD_GC_THRESHOLD", "RITELOAD_NATIVE_HOT_CALLS"])
@pytest.mark.parametrize("value", ["abc", "0", "-3", "1.5"])
def test_bad_setting_is_one_line(name, value, tmp_path):
    mrb = compile_mrb("settings_hello", "puts \"hi\"\n", tmp_path)
    p = riteload("run", str(mrb), env={**os.environ, name: value})
    assert (p.stdout, p.returncode) == (b"", 1)
    assert p.stderr == (f"riteload: {name} must be a whole number of at least 1, "
                        f"not {value!r}\n").encode()


@pytest.mark.parametrize("value", ["", " ", "50"])
def test_empty_or_good_setting_runs(value, tmp_path):
    mrb = compile_mrb("settings_hello", "puts \"hi\"\n", tmp_path)
    env = {**os.environ, "RITELOAD_GC_THRESHOLD": value, "RITELOAD_NATIVE_HOT_CALLS": value}
    p = riteload("run", str(mrb), env=env)
    assert (p.stdout, p.stderr, p.returncode) == (b"hi\n", b"", 0)


@pytest.mark.parametrize("value", ["yes", "2", "-1"])
def test_bad_gc_stress_is_one_line(value, tmp_path):
    mrb = compile_mrb("settings_hello", "puts \"hi\"\n", tmp_path)
    p = riteload("run", str(mrb), env={**os.environ, "RITELOAD_GC_STRESS": value})
    assert (p.stdout, p.returncode) == (b"", 1)
    assert p.stderr == f"riteload: RITELOAD_GC_STRESS must be 0 or 1, not {value!r}\n".encode()


GC_STRESSED = """\
class P; def initialize(x); @x = x; end; attr_reader :x; end
a = []
300.times { |i| a << P.new(i) << "s#{i}" << [i, i] << proc { i } }
p a.size, a[-4].x, a[-3], a[-2], a[-1].call
h = {}
200.times { |i| h["k#{i % 7}"] = i }
p h
"""


@pytest.mark.parametrize("engine", ["native", "interp"])
def test_gc_stress_collects_at_every_allocation(engine, tmp_path, monkeypatch):
    """RITELOAD_GC_STRESS=1: a collection before each allocation, generated
    code's objects included (pools of one), and the program still prints
    what mruby printed."""
    import runtime.main as main
    from runtime import vm as vm_module
    mrb, expected = mruby_run("gc_stressed", GC_STRESSED, tmp_path)
    made = []
    real_init = vm_module.VM.__init__

    def init(self, *args, **kwargs):
        real_init(self, *args, **kwargs)
        made.append(self)
    monkeypatch.setattr(vm_module.VM, "__init__", init)
    monkeypatch.setenv("RITELOAD_GC_STRESS", "1")
    monkeypatch.setenv("RITELOAD_NATIVE_HOT_CALLS", "1")
    out, err = io.BytesIO(), io.BytesIO()
    status = main.run_file(str(mrb), engine=engine, stdout=out, stderr=err)
    assert (out.getvalue(), err.getvalue(), status) == expected
    vm = made[-1]
    assert vm.gc_stress and vm.gc_runs >= 1200     # 300 rounds of four objects, and more
