# strings built with +, << and to_s, counted in a Hash.new(0)
scale = (ARGV[0] || 1).to_i   # bench/run.py --scale
counts = Hash.new(0)
i = 0
n = 50_000 * scale
while i < n
  k = "k" + (i % 100).to_s
  s = ""
  s << k << "-"
  counts[s] += 1
  i += 1
end
puts counts.size, counts["k7-"]
