s = 0
30_000.times { |i| s += i }
p s
p 3.times.to_a, 1.upto(4).to_a, 4.downto(1).map { |x| x * 2 }
p 5.times { |i| break i * 10 if i == 3 }
r = []
1.upto(3) { |i| r << i }
3.downto(1) { |i| r << -i }
p r
begin
  3.times(&lambda { |a, b| })
rescue ArgumentError => e
  p e.message
end
def m; 2.times { |i| return i + 100 }; end
p m
p 0.times { raise "never" }, -2.upto(-1) { }
p (2**40).upto(2**40 + 2).to_a
p 1.upto(2.5).to_a
p Integer.instance_method(:times).arity, Integer.instance_method(:upto).parameters
def f
  3.times { |i| raise "x" if i == 1 }
end
f
