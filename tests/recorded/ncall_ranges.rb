(1..3).each { |i| print i }; puts
(1...3).each { |i| print i }; puts
(3..1).each { |i| print i }; puts
p((1..3).each {})
('a'..'e').each { |s| print s }; puts
('a'...'e').each { |s| print s }; puts
('y'..'ab').each { |s| print s, " " }; puts
(1..2.5).each { |x| print x, " " }; puts
(1.0..2).each { |x| p x } rescue p $!
r = (1..).each { |i| break i * 10 if i > 4 }
p r
p (1..4).map { |x| x * 2 }, (1..10).select(&:even?) rescue p $!
p (1..10).select { |x| x % 3 == 0 }, (1..4).inject(:+), (1..4).inject(2) { |s, x| s * x }
p [[1, 2], [3, 4]].map { |a, b| a + b }, [[1, 2], [3, 4]].each_with_index.map { |x, i| [x, i] }
p [[1, 2], [3, 4]].each_with_index { |(a, b), i| p [a, b, i] }
p [].inject(:+), [5].inject { |a, b| a + b }, [1, 2].inject(1, 2) rescue p $!
p [1, 2].inject(1, 2, 3) rescue p $!
p [1, 2, 3].map.class, (1..3).each_with_index.to_a, [4, 5].select.class
def m; [1, 2, 3].map { |x| return x * 7 if x == 2; x }; end
p m
p [1, 2, 3].map { |x| next 0 if x == 2; x }
p [1, 2, 3].each_with_index.select { |x, i| i > 0 }
class Foo
  attr_reader :v
  def initialize(v); @v = v; end
  def succ; Foo.new(@v + 1); end
  def <=>(o); @v <=> o.v; end
  def inspect; "F#{@v}"; end
end
(Foo.new(1)..Foo.new(3)).each { |f| p f }
(Object.new..Object.new).each {} rescue p $!
(nil..nil).each {} rescue p $!
p (1..3).map { |*a| a }, [1, [2, 3]].map { |*a| a }
class MyA < Array; def each; yield 1; yield 2; end; end
p MyA.new.map { |x| x + 1 }
p (1..3).to_a.map.with_index { |x, i| x * i }
h = {a: 1, b: 2}
p h.map { |k, v| [k, v] }, h.each_with_index.map { |kv, i| kv }
p (1..Float::INFINITY).each { |i| break i if i > 3 }
p (1..3).each_slice(2).to_a
x = [3, 1, 2]
p x.inject { |a, b| a > b ? a : b }
