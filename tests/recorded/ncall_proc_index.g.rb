inc = ->(x) { x + 1 }
twice = ->(f) { ->(x) { f[f[x]] } }
p twice[inc][5], inc[1], inc.(2), inc.call(3)
add = ->(a, b) { a + b }
p add[1, 2]
s = 0
1000.times { |i| s = inc[s] }
p s
z = proc { |a, b| [a, b] }
p z[1], z[1, 2, 3], z[[4, 5]]
h = {1 => 2}
p h[1], [1, 2][0], "abc"[1]
l = lambda { |a| a }
begin
  l[]
rescue ArgumentError => e
  p e.message
end
def m(f) f[10] end
p m(inc)
r = ->(n) { n < 2 ? n : r[n - 1] + r[n - 2] }
p r[15]
k = ->(x) { raise "boom #{x}" if x > 2; x }
begin
  k[5]
rescue => e
  p e.message, k[1]
end
class Proc
  def [](x); :redefined; end
end
p inc[1]
