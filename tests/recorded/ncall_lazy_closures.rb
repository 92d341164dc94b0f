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
