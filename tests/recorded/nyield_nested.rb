\
class Acc
  def initialize(k); @k = k; end
  def twice; yield @k; yield @k + 1; end
  def run(n)
    s = 0
    n.times { |i| twice { |v| s += v * i + (self == nil ? 1 : 0) } }
    s
  end
end
p Acc.new(1).run(2000)
p Acc.new(7).run(5)
p [1, 2].map { |a| [3, 4].map { |b| [a, b, self.class] } }
