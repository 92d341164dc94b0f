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
