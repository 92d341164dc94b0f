class V
  attr_reader :x
  def initialize(x); @x = x; @y = x + 1; end
  def y; @y; end
end
v = V.new(1)
s = 0
i = 0
while i < 20000
  s += v.x + v.y
  v.instance_variable_set(:@x, i) if i % 5000 == 0
  i += 1
end
p s
