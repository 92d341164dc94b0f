\
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
