# objects returned by methods: Point#add makes a new Point each call
scale = (ARGV[0] || 1).to_i   # bench/run.py --scale
class Point
  attr_reader :x, :y

  def initialize(x, y)
    @x = x
    @y = y
  end

  def add(o)
    Point.new(@x + o.x, @y + o.y)
  end
end

acc = Point.new(0, 0)
step = Point.new(1, 2)
i = 0
n = 200_000 * scale
while i < n
  acc = acc.add(step)
  i += 1
end
puts acc.x, acc.y
