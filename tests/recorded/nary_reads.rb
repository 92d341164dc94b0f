def look(a)
  r = []
  i = -a.size - 1
  while i <= a.size
    r << a[i]
    i += 1
  end
  [a.size, a.length, a.first, a.last, a.empty?, r]
end
def sum(a)
  s = 0
  a.each { |x| s += x if x.is_a?(Integer) }
  s
end
a = [3, 1, 2]
p look(a), sum(a)
a << 5; a.push(7, 8); p look(a)
a.unshift(0); p look(a), sum(a)
a.insert(2, 9); p look(a)
a.delete(9); a.delete_at(0); p look(a)
a.sort!; p look(a)
a.reverse!; p look(a)
a.shift; a.pop; p look(a)
a[1] = 42; a[-1] = 43; a[a.size] = 44; p look(a)
a[1, 2] = [:x, :y, :z]; p look(a)
a[0..1] = []; p look(a)
a.concat([1, 2, 3]); a.map! { |x| x.is_a?(Integer) ? x * 2 : x }; p look(a), sum(a)
a.compact!; a.uniq!; a.flatten!; p look(a)
a.rotate!(2) if a.respond_to?(:rotate!); p look(a)
a.replace([4, 4, 4]); p look(a), sum(a)
a.fill(1) if a.respond_to?(:fill); p look(a)
a.slice!(0) if a.respond_to?(:slice!); p look(a)
a.clear; p look(a), sum(a)
a.freeze; p look(a)
class MyA < Array; end
m = MyA.new; m << 1 << 2; p look(m), sum(m), m.class
b = (1..2000).to_a
GC.start
t = 0
50.times { t += sum(b); b << b.size + 1; b.shift }
p t, look([nil, false])
big = []
1000.times { |i| big << i; big.size }
p big.size, big[999], big[-1000], big[1000], sum(big)
x = [1, 2, 3]
x.each { |v| x << v * 10 if x.size < 6 }
p x
p [1, [2, 3]].first.class, [[1, 2]].each { |u, w| p [u, w] }
