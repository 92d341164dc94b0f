counts = Hash.new(0)
i = 0
while i < 3000
  k = "k" + (i % 10).to_s
  s = ""
  s << k << "-"
  counts[s] += 1
  i += 1
end
p counts.size, counts["k7-"]
