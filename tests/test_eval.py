"""Kernel#eval and BasicObject#instance_eval with a String (runtime/core/eval.py)
against live mruby 3.1: the string is compiled by mruby's ``mrbc``, so
these tests need mruby's tools on PATH (they are skipped without them).

Each program runs under ``mruby -b`` and under ``riteload run`` in a folder
of its own; stdout, stderr and exit status must be mruby's: local
variables of every enclosing scope read and written, ``self`` and the
target class, file names and line numbers, ``return``/``break``/``redo``
at the top of the string, syntax and code generation errors, argument
errors, backtraces through ``eval``, and instance_eval's target class
sticking to the caller's scope (mruby's MRB_PROC_SET_TARGET_CLASS on the
caller's env).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from mruby_runs import LIVE, ROOT, TOOLS

pytestmark = pytest.mark.skipif(not LIVE, reason="mruby 3.1 (mruby, mrbc) not on PATH")
TIMEOUT = 60

CASES = {
    "locals": """
a = 1
p eval("a + 1")
eval("a = 5; b = 7")
p a
p((eval("b") rescue :no_b))
def m(x, y=1, *r, k: 2, **kw, &b)
  z = 3
  p eval("[x, y, r, k, kw, b.class, z]")
  [7].each do |i, j|
    w = 4
    p eval("[x, y, z, i, j, w, k]")
    [8].each { |q| eval("z += q; w += 1; x = :changed") }
    p [z, w, x]
  end
  eval("v = 1; proc { v += 1 }")
end
pr = m(1, 2, 3, k: 5, e: 6) { }
p pr.call, pr.call
t = 0
100.times { |i| t = eval("t + i") }
p t
lam = ->(c, d) { eval("c * d") }
p lam.call(6, 7)
x = 10
eval("eval('x += 1')")
p x
p eval("[1,2].map { |i| i * a }")
p eval("a2 = 1; proc { a2 += 1 }").call
_ = 5
p eval("_")
def lv; a = 1; eval("b = 2"); eval("[a, (b rescue :no_b)]"); end
p lv
""",
    "self_and_classes": """
p eval("self")
class Foo
  V = 9
  def self.cm; eval("V + 1"); end
  p eval("self")
  eval("def ev; :ev; end")
end
p Foo.cm, Foo.new.ev
eval("def top_m; :top; end")
p top_m
def mm; eval("__method__"); end
p mm
p proc { eval("self") }.call
p instance_eval("self")
o = Object.new
p o.instance_eval("@a = 1; self").equal?(o), o.instance_variables
o.instance_eval("def foo; @a + 1; end")
p o.foo, o.singleton_methods
p nil.instance_eval("self"), true.instance_eval("self"), "str".instance_eval("size")
[1, :a, 1.5].each do |x|
  begin
    x.instance_eval("self")
  rescue => e
    p [e.class, e.message]
  end
end
# the top level's env now has o's singleton class as target class
def defined_after; end
p o.singleton_methods, Object.method_defined?(:defined_after)
""",
    "files_lines_errors": """
p eval("__FILE__"), eval("__LINE__")
p eval("[__FILE__, __LINE__]", nil, "my/file.rb", 42)
p eval("x = 5\\nx * 2")
p eval("1;2;3"), eval(""), eval("  # a comment"), eval("'ok' # trailing")
p eval("<<EOS\\nheredoc\\nEOS\\n")
p eval("return 3; 4")
def r; eval("return 5"); 6; end
p r
p eval("[1,2].each { |i| break i * 10 }")
["1 +", "1 +\\n2 +", "def x; end; end", "}", "=begin", "foo("].each do |src|
  begin
    eval(src)
  rescue SyntaxError => e
    p e.message
  end
end
begin; eval("1 +", nil, "zz.rb", 3); rescue SyntaxError => e; p e.message; end
["break 1", "redo"].each do |src|
  begin
    eval(src)
  rescue LocalJumpError => e
    p [e.class, e.message]
  end
end
begin
  eval("\\n\\nraise ArgumentError, 'deep'", nil, "x.rb", 5)
rescue => e
  p e.message, e.backtrace
end
def q; eval("raise 'boom'"); end
begin; q; rescue => e; p e.backtrace; end
def deep; eval("eval('raise :x.to_s')"); end
begin; deep; rescue => e; p e.backtrace; end
begin; eval("yield"); rescue ScriptError => e; p [e.class, e.message]; end
""",
    "arguments": """
p method(:eval).arity, BasicObject.instance_method(:instance_eval).arity
def msg
  yield
rescue => e
  [e.class, e.message]
end
p msg { eval }
p msg { eval(3) }
p msg { eval("1", 1) }
p msg { eval("1", nil, nil) }
p msg { eval("1", nil, nil, 2, 3) }
p msg { eval("1", nil, "f", 2, 3) }
p msg { eval("1", nil, 3) }
p msg { eval("1", nil, "f", "x") }
p msg { eval("1", nil, "f\\0g") }
p msg { Object.new.instance_eval(1) {} }
p msg { Object.new.instance_eval }
p msg { Object.new.instance_eval("1", "f", 2, 3) }
p msg { Object.new.instance_eval(:sym) }
p Kernel.eval("1 + 1"), send(:eval, "self")
eval("raise 'uncaught'", nil, "last.rb", 9)
""",
    # at the top of the string _1 is a plain name: the caller's numbered
    # parameter, at any level out, when the caller's block used it
    "numbered_params": """
def m(a, &b) b.call(a) end
p(m(3) { _1 + eval("_1") })
p(m([1, 2]) { _1 + _2 + eval("_2") })
p(m([1, 2]) { _2 + eval("[_1, _2]") })
p(m(3) { _1; -> { eval("_1 * 2") }.call })
p(m(4) { _1; [5].map { |x| eval("x + _1") } })
p(m(6) { eval("[10].map { _1 + 1 }") })
p(m(7) { _1; eval("[_1] + [10].map { _1 + 1 }") })
p(m(8) { _1; eval("proc { _1 }") }.call)
""",
}


def _env() -> dict:
    env = dict(os.environ)
    old = env.get("PYTHONPATH")
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + old if old else "")
    return env


def _scratch(folder, source: str):
    folder.mkdir()
    (folder / "p.rb").write_text(source)
    subprocess.run([TOOLS[0], "-g", "-o", "p.mrb", "p.rb"], cwd=folder, check=True,
                   capture_output=True, timeout=TIMEOUT)
    return folder


def _run(cmd, cwd, env=None):
    p = subprocess.run(cmd, cwd=cwd, capture_output=True, timeout=TIMEOUT,
                       env=env or _env(), stdin=subprocess.DEVNULL)
    return p.stdout, p.stderr, p.returncode


def _riteload(engine: str, *args: str) -> list[str]:
    return [sys.executable, "-m", "riteload", "run", "--engine", engine, *args]


# the quick tier's sample (pytest -m "not slow"): every program under interp
ENGINES = ["interp", pytest.param("native", marks=pytest.mark.slow)]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("name", sorted(CASES))
def test_eval_matches_mruby(name, engine, tmp_path):
    expected = _run([TOOLS[1], "-b", "p.mrb"], _scratch(tmp_path / "mruby", CASES[name]))
    got = _run(_riteload(engine, "p.mrb"), _scratch(tmp_path / "riteload", CASES[name]))
    assert got == expected


def test_eval_without_mrbc(tmp_path):
    """Without mrbc on PATH a String cannot be compiled: NotImplementedError
    naming mrbc (a program already compiled still runs)."""
    folder = _scratch(tmp_path / "p", 'p 1\nbegin; eval("2"); rescue NotImplementedError => e; '
                                      'p e.message; end\n')
    bindir = tmp_path / "bin"
    bindir.mkdir()
    env = _env()
    env["PATH"] = str(bindir)       # nothing there: no mrbc (python is run by its full path)
    assert shutil.which("mrbc", path=env["PATH"]) is None
    out, err, status = _run(_riteload("interp", "p.mrb"), folder, env)
    assert (err, status) == (b"", 0)
    lines = out.decode().splitlines()
    assert lines[0] == "1" and "mrbc" in lines[1]
