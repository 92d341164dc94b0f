# strings built with +, << and to_s, counted in a Hash.new(0)
counts = Hash.new(0)
i = 0
while i < 50_000
  k = "k" + (i % 100).to_s
  s = ""
  s << k << "-"
  counts[s] += 1
  i += 1
end
puts counts.size, counts["k7-"]
