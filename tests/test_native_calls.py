"""Native calls: a send whose inline cache names compiled Ruby code calls the
callee's code directly, its call-info record pushed by generated code, and
Python makes a Frame of that record only when a slow path needs one.

Each program is run by mruby (live, or its recording in tests/recorded/) and
by riteload's native engine three ways (every irep translated on first use
for the most native calls, the default tiering, a tiny code cache where
code is evicted while native frames may be live); all must print what mruby
printed; the interpreter, the reference, runs each too (it keeps the Python
versions of the prelude's methods, runtime/prelude).  The programs aim at
what the native records must keep working:
backtraces and handler search through native frames, ensure clauses,
``break``/``return`` out of blocks across native calls, method redefinition
(the method serial), ``method_missing``, SystemStackError at mruby's depth,
the collector's roots, Fibers, ``__method__`` and ``caller``.
"""

from __future__ import annotations

import pytest

from mruby_runs import EAGER, assert_runs_match, mruby_run, native_stats, riteload

PROGRAMS = {
    "ncall_math_sqrt": """\
s = 0.0
i = 0
while i < 2000
  s += Math.sqrt(i) + Math.sqrt(i * 0.37)
  i += 1
end
p s
p Math.sqrt(0), Math.sqrt(0.0), Math.sqrt(-0.0), Math.sqrt(2), Math.sqrt(1e-300)
p Math.sqrt(1e300), Math.sqrt(4611686018427387903)
[-1, -0.5, nil, "x", 1e308 * 10, 0.0/0.0].each do |v|
  begin
    p Math.sqrt(v)
  rescue => e
    p e.class, e.message
  end
end
module Math
  def self.sqrt(x); :mine; end
end
p Math.sqrt(4)
""",
    "ncall_math_leaves": """\
s = 0.0
i = 0
while i < 2000
  s += Math.sqrt(i) + Math.cos(i * 0.5) + Math.sin(i.to_f) + Math.exp(-i.to_f / 100)
  i += 1
end
p s
p Math.sqrt(4), Math.sqrt(2.0), Math.sqrt(10**15), Math.log2(8), Math.cos(0)
[-1, -0.5, nil, "x", 1e308 * 10].each do |v|
  begin
    p Math.sqrt(v)
  rescue => e
    p e.class, e.message
  end
end
def f(x) Math.acos(x) end
p((f(2) rescue $!.class))
""",
    "ncall_math_libm": """\
def all(x)
  [Math.sin(x), Math.cos(x), Math.tan(x), Math.atan(x), Math.sinh(x), Math.cosh(x),
   Math.tanh(x), Math.asinh(x), Math.exp(x), Math.cbrt(x), Math.erf(x), Math.erfc(x)]
end
[0, 1, -3, 0.5, -0.0, 1e-300, 1e300, 710, 4611686018427387903, 1.0 / 0, 0.0 / 0, 3.7].each do |v|
  p all(v)
end
s = 0.0
i = 0
while i < 2000
  s += Math.cos(i * 0.5) + Math.sin(i) + Math.exp(i * -0.01) + Math.atan(i)
  i += 1
end
p s
include Math
p cos(0.25), sin(3), tanh(-2)
[nil, "x", :s].each do |v|
  begin
    p Math.cos(v)
  rescue => e
    p e.class, e.message
  end
end
module Math
  def self.cos(x); :mine; end
end
p Math.cos(1), Math.sin(1)
""",
    "ncall_numeric_sends": """\
def conv(x)
  [x.to_f, -x, x.abs, x.to_i, x.truncate, x.floor, x.ceil]
end
[0.0, -0.0, 1.5, -1.5, 2.0, -2.0, 0.49999999999999994, -0.49999999999999994,
 1e15 + 0.5, -1e15 - 0.5, 4.611686018427388e18, -4.611686018427388e18, 4.6e18, -4.6e18,
 1e300, 1e-300, 3.7, -3.7, 100.0, 2.5e-5].each do |v|
  begin
    p conv(v)
  rescue => e
    p e.class, e.message
  end
end
[1.0 / 0, -1.0 / 0, 0.0 / 0].each do |v|
  p v.to_f, -v, v.abs
  [:to_i, :floor, :ceil, :truncate].each { |m| begin; p v.send(m); rescue => e; p e.class; end }
  begin; p v.to_i; rescue => e; p e.class, e.message; end
  begin; p v.floor; rescue => e; p e.class, e.message; end
  begin; p v.ceil; rescue => e; p e.class, e.message; end
end
[0, 1, -7, 2**40, 4611686018427387903, -4611686018427387904].each { |i| p i.to_f, -i, i.abs }
s = 0.0
i = 0
while i < 3000
  x = i * 0.37 - 500
  s += x.floor + x.ceil + x.to_i + (-x) + x.abs + i.to_f
  i += 1
end
p s
class Float
  def floor; :mine; end
end
p 1.5.floor, 1.5.ceil
""",
    "ncall_proc_index": """\
inc = ->(x) { x + 1 }
twice = ->(f) { ->(x) { f[f[x]] } }
p twice[inc][5], inc[1], inc.(2), inc.call(3)
add = ->(a, b) { a + b }
p add[1, 2]
s = 0
1000.times { |i| s = inc[s] }
p s
z = proc { |a, b| [a, b] }
p z[1], z[1, 2, 3], z[[4, 5]]
h = {1 => 2}
p h[1], [1, 2][0], "abc"[1]
l = lambda { |a| a }
begin
  l[]
rescue ArgumentError => e
  p e.message
end
def m(f) f[10] end
p m(inc)
r = ->(n) { n < 2 ? n : r[n - 1] + r[n - 2] }
p r[15]
k = ->(x) { raise "boom #{x}" if x > 2; x }
begin
  k[5]
rescue => e
  p e.message, k[1]
end
class Proc
  def [](x); :redefined; end
end
p inc[1]
""",
    "ncall_not": """\
a = [nil, false, true, 0, "", [], :s, 1.5]
a.each { |x| p !x, (not x) }
q = [3, 1, 2]
r = []
while !q.empty?
  r << q.shift
end
until q.size == 3
  q.push(r.pop)
end
p q, r, q.shift, q.pop, q, [].pop, [].shift
i = 0
c = 0
while i < 10
  c += 1 if !(i % 2 == 0)
  i += 1
end
p c
class NilClass
  def !; :redef; end
end
p !nil, !false, !true
class TrueClass
  def !; :t; end
end
p !true, (not true), !nil
""",
    "ncall_unwind": """\
def fib(n) n < 2 ? n : fib(n - 1) + fib(n - 2) end
p fib(20)
def deep(n)
  n == 0 ? raise(ArgumentError, "bottom") : deep(n - 1)
end
begin
  deep(30)
rescue => e
  p e.message, e.backtrace.size, e.backtrace.first(3)
end
def with_ensure(n, log)
  begin
    n == 0 ? raise("x") : with_ensure(n - 1, log)
  ensure
    log << n
  end
end
log = []
begin
  with_ensure(4, log)
rescue => e
  p e.message
end
p log
def rescuer(n)
  deep(n)
rescue ArgumentError
  :rescued
end
p rescuer(3)
def retval(n) n > 0 ? retval(n - 1) + 1 : 0 end
p retval(100)
""",
    "ncall_redefine": """\
class A
  def f; 1; end
end
def use(a) a.f end
a = A.new
s = 0
i = 0
while i < 10
  s += use(a)
  if i == 4
    class A
      def f; 2; end
    end
  end
  i += 1
end
p s
def a.f; 100; end
p use(a), use(A.new)
module M
  def f; super + 1000; end
end
b = A.new
b.extend(M)
p use(b)
class Integer
  def twice; self * 2; end
end
def tw(x) x.twice end
p tw(4), tw(5)
""",
    "ncall_missing": """\
class B
  def method_missing(name, *args) "mm:#{name}:#{args.size}" end
  def g; h(1, 2); end
  def k; zz; end
end
p B.new.g, B.new.k
def nm(x) x.nosuch end
begin
  nm(1)
rescue NoMethodError => e
  p e.message
end
def arity(a, b) a + b end
def bad; arity(1) end
begin
  bad
rescue ArgumentError => e
  p e.message
end
def opt(a, b = 5) a + b end
def useopt; opt(1) + opt(1, 2) end
p useopt
def rest(*r) r.size end
def userest; rest + rest(1, 2, 3) end
p userest
""",
    "ncall_stack": """\
def down(n) down(n + 1) end
begin
  down(0)
rescue SystemStackError => e
  p e.class
end
$d = 0
def down2; $d += 1; down2; end
begin
  down2
rescue SystemStackError
  p $d
end
""",
    "ncall_blocks": """\
def each3; yield 1; yield 2; yield 3; end
def find2; each3 { |x| return x * 10 if x == 2 }; nil; end
p find2
def via(n) n == 0 ? find2 : via(n - 1) end
p via(5)
r = each3 { |x| break x * 100 if x == 2 }
p r
def twice(&b) b.call(1) + b.call(2) end
def wrap; twice { |v| v * 3 }; end
p wrap
def counter
  count = 0
  inc = lambda { |by| count += by }
  i = 0
  while i < 100
    inc.call(i & 3)
    i += 1
  end
  count
end
p counter
""",
    "ncall_gc_fiber": """\
class P
  def initialize(i) @i = i end
  def i; @i; end
end
def keep(n) o = P.new(n); GC.start; o.i end
p keep(5)
def build(n)
  return [] if n == 0
  a = build(n - 1)
  a << P.new(n)
  GC.start if n == 3
  a
end
p build(6).map { |o| o.i }
def gen(x) Fiber.yield x; Fiber.yield x + 1; x + 2 end
def inner(x) gen(x) end
f = Fiber.new { inner(10) }
p f.resume, f.resume, f.resume
def who; __method__; end
def outer; who; end
p outer
def c1; caller(0).size; end
def c2; c1; end
p c2 - c1
""",
    "ncall_lazy_closures": """\
def keep_some(n)
  kept = []
  i = 0
  while i < n
    x = i
    pr = proc { |d| x += d }
    [1, 2].each { |j| x += j }
    kept << pr if i % 100 == 1
    i += 1
  end
  kept
end
ks = keep_some(2000)
GC.start
p ks.size, ks.map { |pr| pr.call(10) }.inject(:+), ks[3].call(0)
def mk_counter
  c = 0
  [proc { c += 1 }, proc { c }]
end
inc, get = mk_counter
5.times { inc.call }
p get.call
def orphan
  proc { break 42 }
end
begin
  orphan.call
rescue LocalJumpError => e
  p e.message
end
def yielder
  r = [3, 4].each { |v| break v * 10 if v == 4 }
  r
end
p yielder
f = Fiber.new do
  a = 1
  i = 0
  while i < 50
    l = lambda { a += 1 }
    l.call
    i += 1
  end
  Fiber.yield(proc { a })
  a += 100
  proc { a * 2 }
end
g = f.resume
p g.call
h = f.resume
p g.call, h.call
procs = (1..300).map { |i| proc { i * 2 } }
GC.start
p procs[150].call, procs.size
def lam_ret
  [1, 2, 3].each { |v| return v * 7 if v == 2 }
  :never
end
p lam_ret
s = 0
1000.times { |i| b = proc { s += i }; b.call }
p s
p ObjectSpace.respond_to?(:each_object)
""",
    "ncall_procs": """\
def mk(v) x = v; proc { |d| x += d } end
ps = [1, 2, 3, 4, 5].map { |i| mk(i * 10) }
p ps.map { |pr| pr.call(1) }
def run_twice(pr) pr.call(1); pr.call(2) end
p ps.map { |pr| run_twice(pr) }
def call_all(list) s = 0; list.each { |pr| s += pr.call(1) }; s end
p call_all(ps)
def twice_call(pr) pr.call(1) + pr.call(2) end
def churn
  acc = 0
  i = 0
  while i < 200
    y = i
    pr = proc { |k| y + k }
    acc += twice_call(pr)
    GC.start if i % 50 == 0
    i += 1
  end
  acc
end
p churn
def each2; yield 1; yield 2; end
def nest
  total = 0
  each2 { |a| each2 { |b| total += a * b } }
  total
end
p nest
f = Fiber.new { z = 5; Fiber.yield(proc { z += 1 }); z }
pr = f.resume
p pr.call, pr.call
p f.resume
p pr.call
def noblk; yield; end
begin
  noblk
rescue LocalJumpError => e
  p e.message
end
l = lambda { |a, b| a + b }
def lcall(l) l.call(1) end
begin
  lcall(l)
rescue ArgumentError => e
  p e.message
end
def brk; [1, 2, 3].each { |x| return x * 7 if x == 2 }; end
p brk
class Q
  def initialize; @v = 9; end
  def go; runb { @v + (block_given? ? 1 : 0) }; end
  def runb; yield; end
end
p Q.new.go
def deep_yield(n, &b) n == 0 ? b.call(n) : deep_yield(n - 1, &b) end
p deep_yield(10) { |v| raise "in block #{v}" rescue $!.message }
""",
    "ncall_prelude": """\
s = 0
30_000.times { |i| s += i }
p s
p 3.times.to_a, 1.upto(4).to_a, 4.downto(1).map { |x| x * 2 }
p 5.times { |i| break i * 10 if i == 3 }
r = []
1.upto(3) { |i| r << i }
3.downto(1) { |i| r << -i }
p r
begin
  3.times(&lambda { |a, b| })
rescue ArgumentError => e
  p e.message
end
def m; 2.times { |i| return i + 100 }; end
p m
p 0.times { raise "never" }, -2.upto(-1) { }
p (2**40).upto(2**40 + 2).to_a
p 1.upto(2.5).to_a
p Integer.instance_method(:times).arity, Integer.instance_method(:upto).parameters
def f
  3.times { |i| raise "x" if i == 1 }
end
f
""",
    # Range#each in the prelude: every case of mrblib/range.rb, and the
    # Enumerable variants over it and over Array#each
    "ncall_ranges": """\
(1..3).each { |i| print i }; puts
(1...3).each { |i| print i }; puts
(3..1).each { |i| print i }; puts
p((1..3).each {})
('a'..'e').each { |s| print s }; puts
('a'...'e').each { |s| print s }; puts
('y'..'ab').each { |s| print s, " " }; puts
(1..2.5).each { |x| print x, " " }; puts
(1.0..2).each { |x| p x } rescue p $!
r = (1..).each { |i| break i * 10 if i > 4 }
p r
p (1..4).map { |x| x * 2 }, (1..10).select(&:even?) rescue p $!
p (1..10).select { |x| x % 3 == 0 }, (1..4).inject(:+), (1..4).inject(2) { |s, x| s * x }
p [[1, 2], [3, 4]].map { |a, b| a + b }, [[1, 2], [3, 4]].each_with_index.map { |x, i| [x, i] }
p [[1, 2], [3, 4]].each_with_index { |(a, b), i| p [a, b, i] }
p [].inject(:+), [5].inject { |a, b| a + b }, [1, 2].inject(1, 2) rescue p $!
p [1, 2].inject(1, 2, 3) rescue p $!
p [1, 2, 3].map.class, (1..3).each_with_index.to_a, [4, 5].select.class
def m; [1, 2, 3].map { |x| return x * 7 if x == 2; x }; end
p m
p [1, 2, 3].map { |x| next 0 if x == 2; x }
p [1, 2, 3].each_with_index.select { |x, i| i > 0 }
class Foo
  attr_reader :v
  def initialize(v); @v = v; end
  def succ; Foo.new(@v + 1); end
  def <=>(o); @v <=> o.v; end
  def inspect; "F#{@v}"; end
end
(Foo.new(1)..Foo.new(3)).each { |f| p f }
(Object.new..Object.new).each {} rescue p $!
(nil..nil).each {} rescue p $!
p (1..3).map { |*a| a }, [1, [2, 3]].map { |*a| a }
class MyA < Array; def each; yield 1; yield 2; end; end
p MyA.new.map { |x| x + 1 }
p (1..3).to_a.map.with_index { |x, i| x * i }
h = {a: 1, b: 2}
p h.map { |k, v| [k, v] }, h.each_with_index.map { |kv, i| kv }
p (1..Float::INFINITY).each { |i| break i if i > 3 }
p (1..3).each_slice(2).to_a
x = [3, 1, 2]
p x.inject { |a, b| a > b ? a : b }
""",
    # a block's return from inside the iterators mruby writes in Ruby (Python
    # builtins under the interpreter: their mrblib frames let it through)
    "ncall_block_returns": """\
def a; [1, 2, 3].each { |x| return x * 7 if x == 2 }; end
def b; [1, 2, 3].map { |x| return x * 7 if x == 2; x }; end
def c; [1, 2, 3].select { |x| return x * 7 if x == 2 }; end
def d; (1..3).each { |x| return x * 7 if x == 2 }; end
def e; (1..3).map { |x| return x * 7 if x == 2 }; end
def f; {a: 1}.each { |k, v| return v }; end
def g; [1, 2].each_with_index { |x, i| return i if x == 2 }; end
def h; [1, 2].inject(0) { |s, x| return x if x == 2; s }; end
p a, d, f
p b rescue p $!
p c rescue p $!
p e rescue p $!
p g rescue p $!
p h rescue p $!
def t3; {a: 1}.map { |k, v| return k }; end
p t3
def t4; [1, 2].each_slice(1) { |s| return s }; end
p t4
def t6; [1, 2].detect { |x| return x * 3 }; end
p t6
""",
    # native SENDB: break, next, orphan blocks (break from proc-closure),
    # blocks passed on with &, block_given?, ensure on the way out
    "ncall_sendb": """\
def m(&b) b end
def yielder; yield; end
def run
  pr = m { break 1 }
  begin
    pr.call
  rescue LocalJumpError => e
    p e.message
  end
  q = proc { break 2 }
  p(yielder(&q)) rescue p $!
  r = proc { break 3 }
  m(&r)
  p((yielder(&r) rescue $!))
  p [1, 2, 3].each { |x| break x * 10 if x == 2 }
  p((1..5).map { |x| break :early if x == 3; x })
  s = 0
  3.times do |i|
    [1, 2].each { |j| s += i * j; next if j == 1; s += 100 }
  end
  p s
  def blk_given; block_given?; end
  p blk_given { }, blk_given
  def pass_on(&b) [1, 2].map(&b) end
  p pass_on { |x| x + 1 }
  p [3, 4].each_with_index.map { |x, i| x * i }
  p [1, 2].map(&:to_s)
  h = {a: 1}
  p h.map { |k, v| [v, k] }
end
run
def deep(n, &b) n == 0 ? b.call : deep(n - 1, &b) end
p deep(5) { :bottom }
def ens
  [1, 2].each do |x|
    begin
      return x if x == 1
    ensure
      puts "ensure #{x}"
    end
  end
end
p ens
def raiser
  [1].each { raise ArgumentError, "boom" }
rescue ArgumentError => e
  p [e.message, e.backtrace.size]
end
raiser
""",
    # Hash#each in the prelude (mrblib/hash.rb's snapshot walk), and the
    # Enumerable variants and Python builtins over it
    "ncall_hash_each": """\
h = {a: 1, b: 2, "c" => 3}
h.each { |k, v| p [k, v] }
h.each { |pair| p pair }
p h.map { |k, v| [v, k] }, h.select { |k, v| v > 1 }, h.each_with_index.map { |(k, v), i| [k, i] }
p h.inject(0) { |s, (k, v)| s + v }, h.sort_by { |k, v| -v }, h.min_by { |k, v| v }, h.to_a
p h.each_pair { |k, v| }, h.each.next, h.count, h.find { |k, v| v == 2 }
g = {1 => 2}
g.each { |k, v| g[k + 10] = v if k < 5 } rescue p $!
p g
p({}.each { raise "no" })
def f(h) h.each { |k, v| return k if v == 2 }; :none end
p f(h)
p h.each_with_index { |kv, i| p [kv, i] }.class
s = 0
big = {}
1000.times { |i| big[i] = i * 2 }
30.times { big.each { |k, v| s += v } }
p s
def bt; {a: 1}.each { raise "x" }; rescue => e; p e.backtrace.size; end
bt
""",
    # the frames of the Enumerable variants: the names mruby's aliases give
    "ncall_enum_frames": """\
def t
  yield
rescue => e
  p e.backtrace[0, 4]
end
t { [1].find_all { raise "x" } }
t { [1].select { raise "x" } }
t { [1].filter { raise "x" } }
t { [1, 2].inject { raise "x" } }
t { [1, 2].reduce(0) { raise "x" } }
t { (1..2).each_with_index { raise "x" } }
t { (1..2).map { raise "x" } }
t { [1, 2].inject(:foo) }
p [1, 2, 3].inject(:+), (1..4).reduce(10, :*)
p((1..6).filter { |x| x % 2 == 1 })
""",
}


@pytest.mark.parametrize("name", sorted(PROGRAMS))
@pytest.mark.parametrize("debug", [False, True], ids=["plain", "g"])
def test_native_calls_print_what_mruby_prints(tmp_path, name, debug):
    stem = name + (".g" if debug else "")
    mrb, expected = mruby_run(stem, PROGRAMS[name], tmp_path, debug=debug)
    assert_runs_match(mrb, expected, tmp_path)


def test_prelude_is_what_mrbc_makes_of_its_sources():
    """runtime/prelude/prelude31.mrb and variants31.mrb are committed; they
    must be what mruby 3.1's mrbc makes of runtime/prelude/*.rb and
    runtime/prelude/variants/*.rb (scripts/build_prelude.py rebuilds them),
    and they must verify: runtime/prelude loads them without verifying."""
    import subprocess
    import sys

    import riteload
    from mruby_runs import LIVE, ROOT
    riteload.load(str(ROOT / "runtime" / "prelude" / "prelude31.mrb"))
    riteload.load(str(ROOT / "runtime" / "prelude" / "variants31.mrb"))
    if not LIVE:
        return          # without mrbc the committed files are all there is
    p = subprocess.run([sys.executable, str(ROOT / "scripts" / "build_prelude.py"), "--check"],
                       capture_output=True)
    assert p.returncode == 0, "run python scripts/build_prelude.py"


BLOCKS_IN_LOOP = """\
s = 0
2000.times do |i|
  [1, 2, 3].each { |j| s += i * j }
end
p s
"""


def test_closures_made_natively_have_python_objects_only_when_looked_at(tmp_path):
    """The Procs, envs and Array literals generated code makes in a loop
    have no Python objects (runtime/natlogs.py's ``closure_object``,
    runtime/heap.py's ObjectTable): of the 6,000 made here (a block, its
    env and an Array per round), Python looks up none.
    ``ncall_lazy_closures`` checks the closures that escape, break, are
    orphaned or outlive a Fiber, under every engine run and a collector
    that runs every 7 and 20 allocations."""
    mrb, expected = mruby_run("ncall_blocks_loop", BLOCKS_IN_LOOP, tmp_path)
    p = riteload("run", "--stats", mrb.name, cwd=tmp_path, env=EAGER)
    assert p.stdout == expected[0]
    heap = next(ln for ln in p.stderr.decode().splitlines() if ln.startswith("heap: "))
    made, looked_up = int(heap.split()[1]), int(heap.split(", ")[1].split()[0])
    assert made >= 6000 and looked_up < 20, heap
    mrb, expected = mruby_run("ncall_lazy_closures", PROGRAMS["ncall_lazy_closures"], tmp_path)
    for threshold in ("7", "20"):
        p = riteload("run", mrb.name, cwd=tmp_path,
                     env={**EAGER, "RITELOAD_GC_THRESHOLD": threshold})
        assert (p.stdout, p.stderr, p.returncode) == expected, threshold


def test_fib_calls_stay_native(tmp_path):
    """Every call of fib after the first few is made by generated code: the
    calls made natively outnumber the activations Python entered by far."""
    mrb, expected = mruby_run("ncall_unwind", PROGRAMS["ncall_unwind"], tmp_path)
    p = riteload("run", "--stats", mrb.name, cwd=tmp_path)
    assert p.stdout == expected[0]
    st = native_stats(p.stderr)
    assert st["made"] > 20000 and st["entered"] < 100, st["calls_line"]


def test_math_functions_call_the_c_library_natively(tmp_path):
    """Math's functions without a domain (abi.LIBM_INLINE) of fixnums and
    flonums call the C library's function from generated code: the loop of
    8,000 of them makes a handful of callbacks, and prints mruby's bits."""
    mrb, expected = mruby_run("ncall_math_libm", PROGRAMS["ncall_math_libm"], tmp_path)
    p = riteload("run", "--stats", mrb.name, cwd=tmp_path, env=EAGER)
    assert (p.stdout, p.returncode) == (expected[0], expected[2]), p.stderr
    st = native_stats(p.stderr)
    assert st["callbacks"] < 300, st["callbacks_line"]


def test_float_conversions_stay_native(tmp_path):
    """Sends to flonums have inline caches too (SITE_FLONUM); to_f, -@,
    abs, to_i, truncate, floor and ceil of a flonum (to_f of a fixnum)
    run inline while they are the builtins: the loop of 18,000 of them
    makes a handful of callbacks; NaN, infinities, values beyond the
    fixnums and a redefined Float#floor give mruby's answers."""
    mrb, expected = mruby_run("ncall_numeric_sends", PROGRAMS["ncall_numeric_sends"], tmp_path)
    p = riteload("run", "--stats", mrb.name, cwd=tmp_path, env=EAGER)
    assert (p.stdout, p.returncode) == (expected[0], expected[2]), p.stderr
    st = native_stats(p.stderr)
    assert st["callbacks"] < 1000, st["callbacks_line"]


CHAINS = """\
total = 0
40.times do |k|
  a = (1..500).map { |i| i * k }
  b = a.select { |x| x % 3 == 0 }
  total += b.inject(0) { |s, x| s + x }
  a.each_with_index { |x, i| total += 1 if x > i }
end
p total
"""


def test_iterator_chains_stay_native(tmp_path):
    """map, select, inject and each_with_index over a Range and an Array run
    the prelude's Ruby (Range#each, Array#each and the Enumerable variants):
    their loops and block calls stay in machine code, so the callbacks count
    per iterator call (a new block's cache, a growing Array), not per
    element (there are 40 * 2000 block calls)."""
    mrb, expected = mruby_run("ncall_chains", CHAINS, tmp_path)
    p = riteload("run", "--engine", "native", "--stats", mrb.name, cwd=tmp_path)
    assert p.stdout == expected[0]
    st = native_stats(p.stderr)
    assert st["callbacks"] < 80000 // 20, st["callbacks_line"]


SENDBS = """\\
def twice(x)
  yield x
  yield x + 1
end
s = 0
i = 0
while i < 3000
  twice(i) { |v| s += v }
  i += 1
end
p s
"""


def test_sends_with_blocks_stay_native(tmp_path):
    """``twice(i) { ... }`` in a loop: the SENDB calls twice's code directly
    (no Python send, no activation entered through Python); what calls
    back is little: the new block each round is made in machine code, and
    the two yields' caches, filled for the first round's block, call every
    later one through its call data (rl_vmstate.proc_calls)."""
    mrb, expected = mruby_run("nsendb_loop", SENDBS, tmp_path)
    p = riteload("run", "--engine", "native", "--stats", mrb.name, cwd=tmp_path, env=EAGER)
    assert p.stdout == expected[0]
    st = native_stats(p.stderr)
    assert st["made"] >= 3 * 3000 and st["entered"] < 20, st["calls_line"]
    assert st["callbacks"] < 200, st["callbacks_line"]


NESTED_YIELDS = """\\
class Acc
  def initialize(k); @k = k; end
  def twice; yield @k; yield @k + 1; end
  def run(n)
    s = 0
    n.times { |i| twice { |v| s += v * i + (self == nil ? 1 : 0) } }
    s
  end
end
p Acc.new(1).run(2000)
p Acc.new(7).run(5)
p [1, 2].map { |a| [3, 4].map { |b| [a, b, self.class] } }
"""


def test_yield_calls_the_block_each_round_makes(tmp_path):
    """A block made in a block (``n.times { twice { ... } }``) is a new Proc
    with a new env each round; the yield's cache filled for the first one
    calls every later one (through its call data: rl_vmstate.proc_calls),
    taking self and the upvars from the Proc's own env, so the misses do
    not grow with the rounds, and a second receiver's blocks see their own
    self."""
    mrb, expected = mruby_run("nyield_nested", NESTED_YIELDS, tmp_path)
    for env in (EAGER, None):
        p = riteload("run", "--engine", "native", "--stats", mrb.name, cwd=tmp_path, env=env)
        assert p.stdout == expected[0]
        st = native_stats(p.stderr)
        assert st["misses"] < 100, st["calls_line"]


CAPTURED_ENVS = """\\
procs = []
10.times do |i|
  x = i * 2
  procs << proc { x += 1; [i, x] }
  procs << lambda { x }
end
p procs.map(&:call)
p procs.each_slice(2).map { |a, b| [a.call, b.call] }
saved = []
3.times do |i|
  begin
    [1].each do |j|
      y = i + j
      saved << proc { y * 10 }
      raise "boom #{i}" if i == 1
    end
  rescue => e
    saved << e.message
  end
end
p saved.map { |s| s.is_a?(Proc) ? s.call : s }
a = []
300.times { |i| 2.times { |j| a << proc { i * 100 + j } } }
GC.start
p a.map(&:call).inject(:+)
def gen(n)
  r = []
  n.times { |k| v = k; r << -> { v += 1 } }
  r
end
g = gen(5)
p g.map(&:call), g.map(&:call)
"""

NESTED_LOOP = """\
s = 0
2000.times { |i| [1, 2].each { |j| s += i * j } }
p s
"""


def test_block_frames_unshare_their_envs_natively(tmp_path):
    """A block frame generated code called makes a block (its env is in
    its record, rl_callinfo.env, not in a Python view): when it returns, or
    an exception leaves it, machine code copies its registers into the
    env's buffer, so the Procs kept afterwards read and write the values
    the frame ended with, through a collection too.  A nested loop makes
    its inner block in machine code too (a Proc and an env from the
    closure pools, runtime/heap.py) and returns natively: its callbacks do
    not grow with the rounds (there were two a round: BLOCK and RETURN)."""
    mrb, expected = mruby_run("nenv_unshare", CAPTURED_ENVS, tmp_path)
    for env in (EAGER, {**EAGER, "RITELOAD_GC_THRESHOLD": "20"}, None):
        p = riteload("run", "--engine", "native", mrb.name, cwd=tmp_path, env=env)
        assert p.stdout == expected[0]
    mrb, expected = mruby_run("nenv_nested_loop", NESTED_LOOP, tmp_path)
    p = riteload("run", "--engine", "native", "--stats", mrb.name, cwd=tmp_path)
    assert p.stdout == expected[0]
    st = native_stats(p.stderr)
    assert st["callbacks"] < 200, st["callbacks_line"]


SHARED_YIELDS = """\
def each2(a)
  a.each { |x| yield x }
end
acc = 0
1000.times do |k|
  each2([1, 2]) { |x| acc += x * k }
  each2([3]) { |x| acc -= x }
  [1, 2, 3].select { |x| x > 1 }.each_with_index { |x, i| acc += x + i }
end
p acc
"""


def test_a_shared_yield_calls_each_callers_block(tmp_path):
    """The yield in ``each2`` and in the prelude's Array#each is given a
    different block by each caller, every round: a Proc call site calls
    whatever Proc it is given (its call data), so it fills once, not once
    per change of block."""
    mrb, expected = mruby_run("nyield_shared", SHARED_YIELDS, tmp_path)
    p = riteload("run", "--engine", "native", "--stats", mrb.name, cwd=tmp_path)
    assert p.stdout == expected[0]
    st = native_stats(p.stderr)
    assert st["misses"] < 100, st["calls_line"]
    assert st["callbacks"] < 1000, st["callbacks_line"]
