class P
  def initialize(x) = @x = x
  def x = @x
end
keep = []
i = 0
while i < 60_000
  o = P.new(i)
  s = "s" + i.to_s
  a = [i, s]
  keep << o if i % 10_000 == 0
  i += 1
end
GC.start
t = ObjectSpace.count_objects
p t[:TOTAL] < 40_000, t[:TOTAL] - t[:FREE] < 20_000
p keep.map(&:x)
