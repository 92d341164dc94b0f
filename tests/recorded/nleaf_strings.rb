def count(words, h)
  words.each { |w| h[w] += 1 }
  h
end
counts = Hash.new(0)
i = 0
while i < 3000
  k = "k" + (i % 7).to_s
  s = ""
  s << k << "-"
  counts[s] += 1
  i += 1
end
p counts.size, counts["k3-"], counts.keys.first.frozen?
p count(%w[a b a c a], Hash.new(0))
class Tally < Hash
  def default(k); "no #{k}"; end
end
t = Tally.new
p t["x"], t[:y]
t["x"] = 1
p t["x"]
fs = "frozen".freeze
begin
  fs << "x"
rescue => e
  p e.class
end
class MyStr < String; end
m = MyStr.new("ab")
h = {}
h[m] = 1
p h["ab"], h.keys[0].class, h.keys[0].frozen?
key = "mut"
h[key] = 2
key << "ated"
p h["mut"], h["mutated"], key
p 255.to_s, 255.to_s(16), -7.to_s
d = Hash.new { |hh, kk| hh[kk] = kk * 2 }
p d["ab"], d.size
x = "a"
x << x
p x
def deep(n, h) = n == 0 ? (h["z"] = h["z"].to_s + "!") : deep(n - 1, h)
p deep(50, {})
