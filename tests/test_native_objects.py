"""Native objects: GETIV, SETIV, attr_reader and attr_writer sends read and
write an object's ivar block (runtime/shapes.py) through an inline cache
keyed on its shape; GETCONST keeps the constant it found while no constant
changed (the const serial) for the frame's proc; ``Class#new`` of a class
with a compiled ``initialize`` allocates through one callback and calls
initialize natively under a ``new`` frame of its own, as mruby 3.1's
new_iseq is.

Each program is run by mruby (live, or its recording in tests/recorded/) and
by riteload's native engine three ways (eager translation, default tiering,
a tiny code cache) and the interpreter; all must print what mruby printed.
The programs aim at what the caches must notice: objects of one class with
different shapes at one site, variables removed and set again (mruby's
order), frozen objects, private readers, singleton and subclass instances,
``instance_variable_set`` from Python between native reads, ``dup``, the
collector, and constants defined, redefined, removed and reached through
``class_eval`` after a site cached them; ``new`` with errors in initialize
(its backtrace and ``caller`` show the ``new`` frame), ``super``, a block,
a redefined ``self.new``, different classes at one site, deep calls and
``break`` out of a block in initialize; Arrays read natively (``a[i]``,
``size``, ``first``, ``last``, ``empty?``, the prelude's ``each``) between
every kind of change Python makes to them (runtime/natarray.py).
"""

from __future__ import annotations

import pytest

from mruby_runs import EAGER, assert_runs_match, mruby_run, native_stats, riteload

PROGRAMS = {
    "niv_shapes": """\
class P
  attr_reader :a, :b
  attr_writer :b
  attr_accessor :c
  def initialize(a, first_b)
    if first_b
      @b = 2; @a = a
    else
      @a = a; @b = 3
    end
  end
  def sum; @a + @b; end
  def bump; @a += 1; self; end
  def drop_a; remove_instance_variable(:@a); end
end
ps = (1..6).map { |i| P.new(i, i % 2 == 0) }
p ps.map { |o| o.sum }, ps.map { |o| o.a }, ps.map { |o| o.b }
ps.each { |o| o.b = o.a * 10; o.c = o.b + 1 }
p ps.map { |o| [o.b, o.c, o.sum] }
p ps[0].instance_variables, ps[1].instance_variables
q = ps[2]
q.drop_a
p q.sum rescue p $!.class
p q.instance_variables, q.a
q.instance_variable_set(:@a, 99)
p q.sum, q.a
q.instance_variable_set(:@zz, 1)
p q.bump.a, q.instance_variables.sort
r = q.dup
r.bump
p r.a, q.a, r.instance_variables.sort == q.instance_variables.sort
q.freeze
begin
  q.bump
rescue => e
  p e.class, e.message
end
begin
  q.b = 5
rescue => e
  p e.class
end
p q.a, q.frozen?, r.frozen?
class Q < P
  def initialize; super(7, false); @d = 4; end
  def sum; super + @d; end
end
p Q.new.sum, Q.new.instance_variables
s = P.new(1, false)
def s.extra; @a * 100; end
p s.extra, s.a
""",
    "niv_gc_and_private": """\
class Box
  def initialize(v); @v = v; @s = "s#{v}"; end
  def v; @v; end
  def s; @s; end
  private
  attr_reader :hidden
  public
  def peek; hidden; end
end
boxes = []
3000.times { |i| boxes << Box.new([i, i.to_s]); GC.start if i % 1000 == 0 }
GC.start
p boxes.map { |b| b.v[1].size + b.s.size }.inject(:+)
p boxes[1234].v, boxes[1234].s, boxes[0].peek
begin
  boxes[0].hidden
rescue NoMethodError => e
  p e.message
end
e = RuntimeError.new("m")
p e.message, e.instance_variables
class Object; def ivs; instance_variables; end; end
p 5.ivs, Box.ivs
class Box; @count = 0; class << self; attr_accessor :count; end; end
10.times { Box.count += 1 }
p Box.count
""",
    "nconst_changes": """\
module M; K = 1; end
class C
  include M
  def k; K; end
  def f; F; end
end
def f_or_missing
  F
rescue NameError => e
  e.message
end
r = []
3.times { r << f_or_missing }
F = 10
3.times { r << f_or_missing }
p r
c = C.new
p c.k, c.f
M.send(:remove_const, :K)
M.const_set(:K, 2)
p c.k
class C; K = 3; end
p c.k
C.send(:remove_const, :K)
p c.k
Object.send(:remove_const, :F)
begin
  c.f
rescue NameError => e
  p e.message
end
class Object; def self.const_missing(n); "missing #{n}"; end; end
p c.f
def lookup; X; end
X = :top
p lookup
class D; X = :d; end
p D.class_eval { lookup }, D.class_eval { X }
@@cv = 0 rescue nil
class E; @@n = 0; def self.n; 5.times { @@n += 1 }; @@n; end; end
p E.n, E.n
""",
    "nary_reads": """\
def look(a)
  r = []
  i = -a.size - 1
  while i <= a.size
    r << a[i]
    i += 1
  end
  [a.size, a.length, a.first, a.last, a.empty?, r]
end
def sum(a)
  s = 0
  a.each { |x| s += x if x.is_a?(Integer) }
  s
end
a = [3, 1, 2]
p look(a), sum(a)
a << 5; a.push(7, 8); p look(a)
a.unshift(0); p look(a), sum(a)
a.insert(2, 9); p look(a)
a.delete(9); a.delete_at(0); p look(a)
a.sort!; p look(a)
a.reverse!; p look(a)
a.shift; a.pop; p look(a)
a[1] = 42; a[-1] = 43; a[a.size] = 44; p look(a)
a[1, 2] = [:x, :y, :z]; p look(a)
a[0..1] = []; p look(a)
a.concat([1, 2, 3]); a.map! { |x| x.is_a?(Integer) ? x * 2 : x }; p look(a), sum(a)
a.compact!; a.uniq!; a.flatten!; p look(a)
a.rotate!(2) if a.respond_to?(:rotate!); p look(a)
a.replace([4, 4, 4]); p look(a), sum(a)
a.fill(1) if a.respond_to?(:fill); p look(a)
a.slice!(0) if a.respond_to?(:slice!); p look(a)
a.clear; p look(a), sum(a)
a.freeze; p look(a)
class MyA < Array; end
m = MyA.new; m << 1 << 2; p look(m), sum(m), m.class
b = (1..2000).to_a
GC.start
t = 0
50.times { t += sum(b); b << b.size + 1; b.shift }
p t, look([nil, false])
big = []
1000.times { |i| big << i; big.size }
p big.size, big[999], big[-1000], big[1000], sum(big)
x = [1, 2, 3]
x.each { |v| x << v * 10 if x.size < 6 }
p x
p [1, [2, 3]].first.class, [[1, 2]].each { |u, w| p [u, w] }
""",
    "nnew_initialize": """\
class A
  def initialize(x)
    @x = x
    raise ArgumentError, "neg" if x < 0
  end
  attr_reader :x
end
class B < A
  def initialize(x, y)
    super(x)
    @y = y
  end
  def sum; @x + @y; end
end
def make(i) = B.new(i, i * 2)
s = 0
2000.times { |i| s += make(i).sum; GC.start if i % 500 == 0 }
p s
begin
  A.new(-1)
rescue => e
  p e.message, e.backtrace
end
begin
  A.new
rescue => e
  p e.message, e.backtrace
end
class C; def initialize(*a, &b); @a = a; @b = b ? b.call : nil; end; attr_reader :a, :b; end
c = C.new(1, 2) { 3 }
p c.a, c.b, C.new.a
class D; end
p D.new.class
class E; def initialize; @x = 1; end; def self.new(*a); :custom; end; end
p E.new
class F; def initialize(v); @v = v; end; attr_reader :v; end
k = [F, B]
p k.map { |kl| kl == F ? kl.new(1).v : kl.new(1, 2).sum }
def deep(n) = n == 0 ? A.new(1).x : deep(n - 1)
p deep(100)
class H; def initialize; @x = [1].map { |z| break z * 7 }; end; attr_reader :x; end
p H.new.x
p ObjectSpace.respond_to?(:each_object)
""",
    "nobj_unseen": """\
class W
  attr_reader :n
  def initialize(n); @n = n; @sq = n * n; end
  def sq; @sq; end
end
class Bare
  def initialize; end
end
kept = []
i = 0
s = 0
while i < 3000
  w = W.new(i)
  s += w.sq - w.n
  kept << w if i % 100 == 7
  Bare.new
  i += 1
end
p s, kept.size
GC.start
p kept.map { |w| w.n }.inject(:+)
k = kept[3]
p k.instance_variables, k.inspect.split(" ", 2)[1]
c = 0
ObjectSpace.each_object(W) { c += 1 }
p c >= kept.size, c
k.instance_variable_set(:@extra, :e)
p k.instance_variables, k.sq
def k.hello; "hi #{@n}"; end
k.freeze
begin
  k.instance_variable_set(:@n, 1)
rescue => e
  p e.class
end
p k.hello, k.frozen?, kept[4].frozen?
d = kept[5].dup
p d.n, d.sq, d.instance_variables
b = Bare.new
p b.instance_variables
b.instance_variable_set(:@z, 1)
p b.instance_variables
GC.start
p W.new(5).sq, kept.last.n
""",
    "nstr_unseen": """\
kept = []
n = 0
i = 0
while i < 3000
  s = "abc"
  t = "a literal of exactly forty-eight bytes, no more!"
  n += 1 if t
  kept << s if i % 200 == 0
  i += 1
end
GC.start
p n, kept.size, kept[0], kept[-1] << "!", kept[0].frozen?, kept[0].equal?(kept[1])
u = "x"
u.freeze
p u.frozen?, (u << "y" rescue $!.class)
v = "a literal of forty-nine bytes, one more than room"
p v.size, v
w = "\u00e9t\u00e9"
p w.size, w.bytesize, w, ""
c = 0
ObjectSpace.each_object(String) { |x| c += 1 if x == "abc" }
p c >= kept.size - 1
class String
  def dup_twice; self + self; end
end
p "ab".dup_twice, "".empty?
""",
    "nstr_native": """\
a = []
i = -3
while i < 3
  s = "k" + i.to_s
  s << "-" << s
  t = ""
  t << (i * 1000000007).to_s
  a << s << t
  i += 1
end
p a
x = "abc"
x << x
p x, 4611686018427387903.to_s, -4611686018427387904.to_s, 0.to_s, 9223372036854775807.to_s
y = "0123456789" * 4
z = "1234567890"
p y + z, (z + z + z + z + z).size, (z + z + z + z) << "12345678" << "9"
w = "\u00e9" + "x"
p w, w.size
f = "fro"
f.freeze
p((f + "x"), (f << "x" rescue $!.class))
u = "ab"
u2 = u
u << "cd"
p u2, u.equal?(u2), u.object_id == u2.object_id
h = Hash.new(0)
10.times { |j| h["k" + (j % 3).to_s] += 1 }
p h, h.keys.map(&:frozen?)
class Foo < String; end
p((Foo.new("x") + "y").class, ("y" + Foo.new("x")).class)
e = ""
3.times { e << "ab" }
p e, e.size, e.bytesize, e.length
class String
  def <<(o); "redefined"; end
end
q = "a"
p q << "b", q
class Integer
  def to_s; "int"; end
end
p 5.to_s, "x" + 5.to_s
""",
    "nobj_kept": """\
class Item
  def initialize(name, pair); @name = name; @pair = pair; end
  def name; @name; end
  def pair; @pair; end
end
kept = []
i = 0
while i < 5000
  kept << Item.new("s" + i.to_s, [i, "t"])
  i += 1
end
GC.start
x = []
j = 0
while j < 3000
  x << [j]
  j += 1
end
GC.start
p kept.size, kept[4999].name, kept[17].pair, kept[2500].pair[1] + kept[2500].name
""",
    "nary_unseen": """\
keep = []
s = 0
i = 0
while i < 2000
  a = [i, i + 1, i + 2]
  a << i * 2
  s += a[0] + a[3] + a.size + a.last
  b = [a[1]]
  b.push(1, 2)
  b << 5 << 6 << 7 << 8 << 9 << 10
  s += b.size + b[-1]
  keep << a if i % 250 == 3
  e = []
  e << i
  s += e.first
  i += 1
end
p s, keep.size, keep.map { |x| x.size }
p keep[2], keep[2].frozen?
keep[2].freeze
begin
  keep[2] << 1
rescue => ex
  p ex.class
end
GC.start
p keep.flatten.size, keep.last
c = 0
ObjectSpace.each_object(Array) { |x| c += 1 if x.size == 4 && x[3] == x[0] * 2 }
p c >= keep.size
z = [1, 2, 3]
z.map! { |v| v * 3 }
p z, [[1, 2], [3]].map { |x| x.sum rescue x.size }
p [1,2,3].each_slice(2).to_a
""",
    "nleaf_strings": """\
def count(words, h)
  words.each { |w| h[w] += 1 }
  h
end
counts = Hash.new(0)
i = 0
while i < 3000
  k = "k" + (i % 7).to_s
  s = ""
  s << k << "-"
  counts[s] += 1
  i += 1
end
p counts.size, counts["k3-"], counts.keys.first.frozen?
p count(%w[a b a c a], Hash.new(0))
class Tally < Hash
  def default(k); "no #{k}"; end
end
t = Tally.new
p t["x"], t[:y]
t["x"] = 1
p t["x"]
fs = "frozen".freeze
begin
  fs << "x"
rescue => e
  p e.class
end
class MyStr < String; end
m = MyStr.new("ab")
h = {}
h[m] = 1
p h["ab"], h.keys[0].class, h.keys[0].frozen?
key = "mut"
h[key] = 2
key << "ated"
p h["mut"], h["mutated"], key
p 255.to_s, 255.to_s(16), -7.to_s
d = Hash.new { |hh, kk| hh[kk] = kk * 2 }
p d["ab"], d.size
x = "a"
x << x
p x
def deep(n, h) = n == 0 ? (h["z"] = h["z"].to_s + "!") : deep(n - 1, h)
p deep(50, {})
""",
    "nhash_leaves": """\
def run
  h = {a: 1, 2 => :two, "s" => 3}
  r = [h[:a], h[2], h["s"], h[:zz], h[99], h["nope"]]
  h[:a] = 10; h[3] = 30; h["s"] = 33; h["new"] = 44
  r << h
  k = "key"
  h[k] = 1
  k << "!"
  r << h << h["key"] << h["key!"] << h.keys.map(&:frozen?)
  d = Hash.new(5)
  r << d[:x] << d["y"] << d[1]
  d[:x] += 1
  d["y"] += 2
  r << d
  p = Hash.new { |hh, kk| hh[kk] = kk.to_s * 2 }
  r << p[:ab] << p[3] << p
  f = {x: 1}.freeze
  r << f[:x] << (begin; f[:x] = 2; rescue => e; e.class; end)
  s = Class.new(Hash) { def [](k) = :sub; def []=(k, v) = super(k, v * 2) }.new
  s[:q] = 4
  r << s[:q] << s.to_a
  c = Class.new(Hash) { def default(k = nil) = :dflt }.new
  r << c[:nope]
  w = {}
  300.times { |i| w[i % 7] = (w[i % 7] || 0) + i; w["k#{i % 5}"] = i }
  r << w
  cnt = Hash.new(0)
  200.times { |i| cnt["w" + (i % 3).to_s] += 1 }
  r << cnt
  r
end
p run
p run
""",
    "nstr_concat": """\
def f(i) = "item#{i}"
def g(i, s) = "#{s}:#{i}:#{s}"
r = []
[0, 1, -1, 9, 10, -10, 123456789, -123456789, 4611686018427387903,
 -4611686018427387904, 2**62, -2**62 - 1].each { |i| r << f(i) << g(i, "ab") }
p r
big = "x" * 40
p "#{big}#{12345}", "#{big}#{1234567890123}", "#{:sym}#{nil}#{1.5}"
s = "a"
30.times { |i| s = "#{s}#{i}" }
p s
class Integer; def to_s; "X"; end; end
p "v#{42}", 42.to_s
fs = "frozen".freeze
p "#{fs}#{1}"
""",
    "nnew_backtrace": """\
class A
  def initialize(x)
    p caller
    p __method__
    raise "boom #{x}" if x > 1
  end
end
def mk(x) = A.new(x)
mk(1)
begin
  mk(2)
rescue => e
  p e.backtrace
end
A.new(3)
""",
}


@pytest.mark.parametrize("name", sorted(PROGRAMS))
@pytest.mark.parametrize("debug", [False, True], ids=["plain", "g"])
def test_native_objects_print_what_mruby_prints(tmp_path, name, debug):
    stem = name + (".g" if debug else "")
    mrb, expected = mruby_run(stem, PROGRAMS[name], tmp_path, debug=debug)
    assert_runs_match(mrb, expected, tmp_path)


OBJECTS = """\
class V
  attr_reader :x
  def initialize(x); @x = x; @y = x + 1; end
  def y; @y; end
end
v = V.new(1)
s = 0
i = 0
while i < 20000
  s += v.x + v.y
  v.instance_variable_set(:@x, i) if i % 5000 == 0
  i += 1
end
p s
"""


def test_ivar_and_attr_reads_stay_native(tmp_path):
    """After the first fills, GETIV, attr_reader sends and GETCONST in a
    loop cost no callback into Python: far fewer callbacks than reads."""
    mrb, expected = mruby_run("niv_loop", OBJECTS, tmp_path)
    p = riteload("run", "--stats", mrb.name, cwd=tmp_path, env=EAGER)
    assert p.stdout == expected[0]
    st = native_stats(p.stderr)
    assert st["callbacks"] < 200, st["callbacks_line"]


INTERPOLATION = """\
a = []
i = 0
while i < 3000
  a << "item#{i}" << "#{a.size}-#{i}"
  i += 1
end
p a.size, a[2999], a[-1]
"""


def test_interpolation_stays_in_machine_code(tmp_path):
    """STRCAT of a fixnum or of a String generated code owns, onto such a
    String, writes the block (templates.gen_STRCAT): a loop building 6,000
    Strings calls Python a few times, not once a String."""
    mrb, expected = mruby_run("nstr_concat_loop", INTERPOLATION, tmp_path)
    p = riteload("run", "--stats", mrb.name, cwd=tmp_path, env=EAGER)
    assert p.stdout == expected[0]
    st = native_stats(p.stderr)
    assert st["callbacks"] < 200, st["callbacks_line"]


NEWS = """\
class V
  def initialize(x); @x = x; end
  def x; @x; end
end
s = 0
i = 0
while i < 5000
  s += V.new(i).x
  i += 1
end
p s
"""


def test_class_new_calls_initialize_natively(tmp_path):
    """``V.new`` in a loop: the objects come from V's allocation pool
    (runtime/heap.py), so the callbacks are the pool's refills (a doubling
    batch each time, 256 at most: about 5000 / 256 of them), not one per
    object; initialize is called by generated code, never entered through
    Python."""
    mrb, expected = mruby_run("nnew_loop", NEWS, tmp_path)
    p = riteload("run", "--stats", mrb.name, cwd=tmp_path, env=EAGER)
    assert p.stdout == expected[0]
    st = native_stats(p.stderr)
    assert st["made"] >= 5000 and st["entered"] < 10, st["calls_line"]
    assert st["callbacks"] < 200, st["callbacks_line"]


@pytest.mark.parametrize("name, most", [("nobj_unseen", 100), ("nary_unseen", 2100),
                                        ("nstr_unseen", 100), ("nobj_kept", 50)])
def test_objects_made_natively_have_python_objects_only_when_looked_at(tmp_path, name, most):
    """Objects generated code takes from a pool have no Python object
    (runtime/heap.py's ObjectTable) until Python looks them up.  Of the
    6,000 plain objects made in the loop of ``nobj_unseen``, only those the
    program shows to Python (the 30 kept, which GC.start marks and
    ``instance_variables`` reads) get one; of the 6,000 Array literals of
    ``nary_unseen``, the 2,000 grown past a literal block's room and the
    kept ones; of the 6,000 String literals of ``nstr_unseen``
    (runtime/natstring.py), the kept ones; of the 5,000 objects
    ``nobj_kept`` keeps through two collections, with their Strings and
    Arrays, the few it reads (the collector marks the others from their
    native blocks).  The programs still print what mruby prints when the
    collector runs every 20 allocations, freeing objects Python never saw."""
    mrb, expected = mruby_run(name, PROGRAMS[name], tmp_path)
    p = riteload("run", "--stats", mrb.name, cwd=tmp_path, env=EAGER)
    assert p.stdout == expected[0]
    heap = next(ln for ln in p.stderr.decode().splitlines() if ln.startswith("heap: "))
    made, looked_up = int(heap.split()[1]), int(heap.split(", ")[1].split()[0])
    assert made >= 6000 and looked_up < most, heap
    p = riteload("run", mrb.name, cwd=tmp_path, env={**EAGER, "RITELOAD_GC_THRESHOLD": "20"})
    assert (p.stdout, p.stderr, p.returncode) == expected


STRHASH = """\
counts = Hash.new(0)
i = 0
while i < 3000
  k = "k" + (i % 10).to_s
  s = ""
  s << k << "-"
  counts[s] += 1
  i += 1
end
p counts.size, counts["k7-"]
"""


def test_strings_are_native_and_hash_sends_leaves(monkeypatch, tmp_path):
    """The Strings of each round are generated code's (runtime/natstring.py):
    the literals, ``+``, ``Integer#to_s`` and ``String#<<`` of a String run
    inline on their blocks, never through Python; ``Hash#[]``/``[]=`` of
    String keys run as leaves (runtime/leaves.py: one light callback, no
    frames), though they allocate: each of the 3000 rounds makes two sends
    that the leaf path (``NativeEngine._leaf_at``) runs as GETIDX/SETIDX
    do, and the program
    prints what mruby prints (``nleaf_strings`` checks the cases that are no
    leaves: a frozen receiver, a Hash whose ``default`` is Ruby code)."""
    import io

    from runtime import leaves, native
    from runtime.main import run_file
    mrb, expected = mruby_run("nleaf_strhash", STRHASH, tmp_path)
    calls, hashes = [], []
    leaf_at = native.NativeEngine._leaf_at
    getidx, setidx = leaves.getidx, leaves.setidx

    def counting(vm, table, ins, i):
        calls.append(ins.pc)
        return leaf_at(vm, table, ins, i)

    def spy(fn):
        def run(vm, st, i):
            done = fn(vm, st, i)
            hashes.append(done)
            return done
        return run
    monkeypatch.setattr(native.NativeEngine, "_leaf_at", staticmethod(counting))
    monkeypatch.setattr(leaves, "getidx", spy(getidx))
    monkeypatch.setattr(leaves, "setidx", spy(setidx))
    out = io.BytesIO()
    assert run_file(str(mrb), stdout=out, stderr=io.BytesIO()) == 0
    assert out.getvalue() == expected[0]
    assert sum(hashes) >= 2 * 3000 - 50, sum(hashes)
    others = len(calls) - len(hashes)       # to_s and << before their caches said SITE_STR
    assert others < 50, others


INDEXING = """\
def total(a)
  s = 0
  i = 0
  while i < a.size
    s += a[i] + a[-1 - i] + a.first + a.last
    i += 1
  end
  s
end
ps = [1, 2, 3]
j = 0
s = 0
while j < 3000
  s += ps[j % 3] + total(ps)
  j += 1
end
p s
"""


def test_array_reads_stay_native(tmp_path):
    """GETIDX, Array#[], size, first and last read the Array's native copy:
    after the first read publishes it, a loop of them makes no callbacks,
    in the top-level frame and in a method called natively."""
    mrb, expected = mruby_run("nary_loop", INDEXING, tmp_path)
    p = riteload("run", "--stats", mrb.name, cwd=tmp_path, env=EAGER)
    assert p.stdout == expected[0]
    # the loop's 3000 rounds make none; what is counted is boot (eagerly
    # translated, the prelude's class bodies call back for each def)
    st = native_stats(p.stderr)
    assert st["callbacks"] < 100, st["callbacks_line"]


PUSHES = """\
def fill(a, n)
  i = 0
  while i < n
    a.push(i)
    a << -i
    i += 1
  end
  a
end
a = fill([], 3000)
p a.size, a[0, 6], a[-1], a.inject(0) { |s, x| s + x * x }
b = []
c = b
200.times { |k| b << k; c.push(k * 2) }
p b.size, b.last(3), b.equal?(c)
f = [1].freeze
begin
  f << 2
rescue => e
  p e.class, f
end
g = fill([7], 3)
g.freeze
begin
  g.push(1)
rescue => e
  p e.class, g.size
end
h = fill([], 2)
h.pop
h << :x
p h, h.push(nil).size
"""


def test_array_pushes_stay_native(tmp_path):
    """push and << of one value append to the Array's native block while it
    has room: the Python list sees every element before Python runs again,
    frozen Arrays still raise, and a loop of pushes makes a callback only
    when the block is full (a doubling)."""
    mrb, expected = mruby_run("npush_loop", PUSHES, tmp_path)
    assert expected[0].endswith(b"\n5\n"), expected     # the program ran to its end
    p = riteload("run", "--stats", mrb.name, cwd=tmp_path, env=EAGER)
    assert p.stdout == expected[0]
    st = native_stats(p.stderr)
    assert st["callbacks"] < 150, st["callbacks_line"]


QUEUE = """\
def drain(size)
  a = (1..size).to_a
  b = []
  while !a.empty?
    b.push(a.shift)
  end
  until b.empty?
    a.push(b.pop)
  end
  a
end
r = drain(2000)
p r.size, r.first, r.last, r[1000]
q = [1, 2, 3, 4, 5]
out = []
4.times do
  out << q.pop << q.shift
  q.push(:x)
  q << :y
  out << q.shift
end
p q, out, [].pop, [].shift
d = (1..20).to_a
x = 0
while (v = d.shift)
  x += v
  d.push(v * 2) if v < 5
  d.pop if v == 7
end
p x, d
f = [1, 2].freeze
begin
  f.pop
rescue => e
  p e.class, f
end
begin
  [].freeze.shift
rescue => e
  p e.class
end
class MyQ < Array; end
m = MyQ.new
m << 1 << 2 << 3
p m.pop, m.shift, m, m.class
"""


def test_array_pops_and_shifts_stay_native(tmp_path):
    """pop and shift take from the Array's native block (a shift moves the
    words down, or for a long Array the block's start up); the block's log word keeps
    the least length since Python last looked, so a pop, shift then push
    reaches the Python list whole.  Frozen Arrays raise as mruby does even
    when empty, and draining a 2000-element queue makes few callbacks."""
    mrb, expected = mruby_run("nqueue", QUEUE, tmp_path)
    assert expected[0].startswith(b"2000\n2000\n1\n1000\n"), expected
    for env in (EAGER, dict(EAGER, RITELOAD_GC_THRESHOLD="50")):
        p = riteload("run", "--stats", mrb.name, cwd=tmp_path, env=env)
        assert (p.stdout, p.returncode) == (expected[0], expected[2]), p.stderr
    st = native_stats(riteload("run", "--stats", mrb.name, cwd=tmp_path, env=EAGER).stderr)
    assert st["callbacks"] < 200, st["callbacks_line"]



LONG_SHIFTS = """\
a = (1..20).to_a
r = []
i = 0
while i < 5
  r << a.shift
  i += 1
end
p r, a, a.size, a[0], a[-1], a.first, a.last
a << 99
a.push 100
p a.size, a[14], a[15], a.inspect
b = (1..12).to_a
j = 0
while j < 30
  x = b.shift
  b << x * 2 if x && x < 40
  b.pop if j % 7 == 3
  j += 1
end
p b, b.size, b.inject(:+)
c = (1..30).to_a
10.times { c.shift }
c.unshift(0)
p c.size, c[0], c[1], c.last
c.sort!
p c.first(3)
d = (1..16).to_a
15.times { d.shift }
p d, d.empty?
d.shift
p d.shift, d, d.size
d.concat((1..20).to_a)
5.times { d.shift }
p d, d.map { |v| v + 1 }.size
e = (1..40).to_a
f = e.dup
30.times { e.shift }
p e, f.size
e.freeze
begin
  e.shift
rescue => ex
  p ex.class
end
g = (1..9).to_a
k = 0
while g.size > 0
  k += g.shift
  g.each { |v| k += v } if g.size == 5
end
p k
GC.start
h = Array.new(100) { |q| q }
50.times { h.shift }
GC.start
p h.size, h[0], h.reduce(:+)
"""


def test_long_array_shifts_move_the_block_start(tmp_path):
    """A shift of an Array longer than a literal moves no words: its block
    starts a word later (runtime/natarray.py).  Python then drops what the
    start moved past before anything reads the list: Array methods run in
    Python (inspect, map, sort!, unshift, concat, dup, freeze) between and
    after native shifts, pops and pushes, with the collector running often
    and at every allocation, print what mruby prints."""
    mrb, expected = mruby_run("nlongshift", LONG_SHIFTS, tmp_path)
    assert expected[0].startswith(b"[1, 2, 3, 4, 5]\n[6, 7,"), expected
    for env in (EAGER, dict(EAGER, RITELOAD_GC_THRESHOLD="20"),
                dict(EAGER, RITELOAD_GC_STRESS="1")):
        p = riteload("run", mrb.name, cwd=tmp_path, env=env)
        assert (p.stdout, p.stderr, p.returncode) == expected, env

LITERALS = """\
def pair(a, b) [a, b] end
s = 0
i = 0
while i < 3000
  x = pair(i, i + 1)
  y = [x, [], [1, 2, 3, 4, 5, 6, 7, 8]]
  s += x[0] + x[1] + y[2].size + y[1].size + y[0].size
  i += 1
end
p s
z = [1, 2]
z << 3
p z, z.frozen?, [z, z].map(&:size)
a = [[1, 2], [3, 4]].map { |p, q| [q, p] }
p a, a.flatten, a.map(&:frozen?)
b = []
200.times { |k| b << [k, k * k] }
p b.size, b[199], b.last.sum rescue p b.last
GC.start
p b[150], ObjectSpace.count_objects[:T_ARRAY].class
c = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
c.freeze
p c, (c << 4 rescue $!.class)
"""


def test_array_literals_stay_native(tmp_path):
    """ARRAY/ARRAY2 of up to 8 elements take an Array from the VM's pool of
    Arrays (runtime/heap.py) and store its words in its native block: a
    loop making four Arrays a round calls back only to refill the pool
    (a doubling batch, 256 at most), not once per Array; a longer literal
    takes the Python path; the lists Python sees hold every element."""
    mrb, expected = mruby_run("nary_literals", LITERALS, tmp_path)
    assert expected[0].startswith(b"9030000\n"), expected       # the program ran
    p = riteload("run", "--stats", mrb.name, cwd=tmp_path, env=EAGER)
    assert p.stdout == expected[0]
    st = native_stats(p.stderr)
    assert st["callbacks"] < 300, st["callbacks_line"]


SWEPT = """\
class P
  def initialize(x) = @x = x
  def x = @x
end
keep = []
i = 0
while i < 60_000
  o = P.new(i)
  s = "s" + i.to_s
  a = [i, s]
  keep << o if i % 10_000 == 0
  i += 1
end
GC.start
t = ObjectSpace.count_objects
p t[:TOTAL] < 40_000, t[:TOTAL] - t[:FREE] < 20_000
p keep.map(&:x)
"""


def test_sweep_reuses_what_generated_code_made(tmp_path):
    """The 180,000 plain objects, Strings and Array literals this loop
    makes in generated code, which Python never sees, are freed by the
    collector's machine-code sweep (translate/sweep.py) and their handles
    and blocks reused: with a collection every 5,000 allocations the heap
    stays as small as mruby's, the kept objects keep their variables, and
    the program prints what mruby prints."""
    mrb, expected = mruby_run("nobj_swept", SWEPT, tmp_path)
    env = {**EAGER, "RITELOAD_GC_THRESHOLD": "5000"}
    p = riteload("run", "--stats", mrb.name, cwd=tmp_path, env=env)
    assert p.stdout == expected[0] == b"true\ntrue\n[0, 10000, 20000, 30000, 40000, 50000]\n"
    heap = next(ln for ln in p.stderr.decode().splitlines() if ln.startswith("heap: "))
    assert int(heap.split()[1]) >= 180_000, heap
