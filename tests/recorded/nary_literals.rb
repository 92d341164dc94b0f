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
