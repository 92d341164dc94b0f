# objects returned by methods: Point#add makes a new Point each call
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
while i < 200_000
  acc = acc.add(step)
  i += 1
end
puts acc.x, acc.y
