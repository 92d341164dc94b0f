h = {a: 1, b: 2, "c" => 3}
h.each { |k, v| p [k, v] }
h.each { |pair| p pair }
p h.map { |k, v| [v, k] }, h.select { |k, v| v > 1 }, h.each_with_index.map { |(k, v), i| [k, i] }
p h.inject(0) { |s, (k, v)| s + v }, h.sort_by { |k, v| -v }, h.min_by { |k, v| v }, h.to_a
p h.each_pair { |k, v| }, h.each.next, h.count, h.find { |k, v| v == 2 }
g = {1 => 2}
g.each { |k, v| g[k + 10] = v if k < 5 } rescue p $!
p g
p({}.each { raise "no" })
def f(h) h.each { |k, v| return k if v == 2 }; :none end
p f(h)
p h.each_with_index { |kv, i| p [kv, i] }.class
s = 0
big = {}
1000.times { |i| big[i] = i * 2 }
30.times { big.each { |k, v| s += v } }
p s
def bt; {a: 1}.each { raise "x" }; rescue => e; p e.backtrace.size; end
bt
