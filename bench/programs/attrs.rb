# instance variables: attr_accessor reads and writes, GETIV/SETIV in methods
class Particle
  attr_accessor :x, :v

  def initialize(x, v)
    @x = x
    @v = v
  end

  def step
    @x += @v
    @v = -@v if @x > 1000 || @x < 0
  end
end

ps = []
i = 0
while i < 100
  ps << Particle.new(i * 10, i % 7 + 1)
  i += 1
end
n = 0
while n < 20_000
  j = 0
  while j < 100
    q = ps[j]
    q.step
    q.x = q.x + 1 if q.v > 3
    j += 1
  end
  n += 1
end
t = 0
ps.each { |q| t += q.x }
puts t
