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
