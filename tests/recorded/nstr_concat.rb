def f(i) = "item#{i}"
def g(i, s) = "#{s}:#{i}:#{s}"
r = []
[0, 1, -1, 9, 10, -10, 123456789, -123456789, 4611686018427387903,
 -4611686018427387904, 2**62, -2**62 - 1].each { |i| r << f(i) << g(i, "ab") }
p r
big = "x" * 40
p "#{big}#{12345}", "#{big}#{1234567890123}", "#{:sym}#{nil}#{1.5}"
s = "a"
30.times { |i| s = "#{s}#{i}" }
p s
class Integer; def to_s; "X"; end; end
p "v#{42}", 42.to_s
fs = "frozen".freeze
p "#{fs}#{1}"
