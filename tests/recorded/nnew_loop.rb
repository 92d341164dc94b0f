class V
  def initialize(x); @x = x; end
  def x; @x; end
end
s = 0
i = 0
while i < 5000
  s += V.new(i).x
  i += 1
end
p s
