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
