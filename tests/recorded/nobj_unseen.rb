class W
  attr_reader :n
  def initialize(n); @n = n; @sq = n * n; end
  def sq; @sq; end
end
class Bare
  def initialize; end
end
kept = []
i = 0
s = 0
while i < 3000
  w = W.new(i)
  s += w.sq - w.n
  kept << w if i % 100 == 7
  Bare.new
  i += 1
end
p s, kept.size
GC.start
p kept.map { |w| w.n }.inject(:+)
k = kept[3]
p k.instance_variables, k.inspect.split(" ", 2)[1]
c = 0
ObjectSpace.each_object(W) { c += 1 }
p c >= kept.size, c
k.instance_variable_set(:@extra, :e)
p k.instance_variables, k.sq
def k.hello; "hi #{@n}"; end
k.freeze
begin
  k.instance_variable_set(:@n, 1)
rescue => e
  p e.class
end
p k.hello, k.frozen?, kept[4].frozen?
d = kept[5].dup
p d.n, d.sq, d.instance_variables
b = Bare.new
p b.instance_variables
b.instance_variable_set(:@z, 1)
p b.instance_variables
GC.start
p W.new(5).sq, kept.last.n
