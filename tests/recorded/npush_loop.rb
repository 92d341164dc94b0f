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
