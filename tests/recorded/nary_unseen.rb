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
