# object-oriented calls: new/initialize, attr_reader, instance methods, yield
scale = (ARGV[0] || 1).to_i   # bench/run.py --scale
class Vec
  attr_reader :x, :y

  def initialize(x, y)
    @x = x
    @y = y
  end

  def add(o)
    Vec.new(@x + o.x, @y + o.y)
  end

  def dot(o)
    @x * o.x + @y * o.y
  end
end

def each_pair(n)
  i = 0
  while i < n
    yield i, i + 1
    i += 1
  end
end

s = 0
v = Vec.new(1, 2)
each_pair(30_000 * scale) do |a, b|
  w = Vec.new(a, b)
  s += v.dot(w)
  v = v.add(w) if a % 1000 == 0
end
puts s
puts v.x, v.y
