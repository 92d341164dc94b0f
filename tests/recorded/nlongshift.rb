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
