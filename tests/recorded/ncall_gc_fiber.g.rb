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
