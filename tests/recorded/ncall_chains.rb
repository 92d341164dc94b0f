total = 0
40.times do |k|
  a = (1..500).map { |i| i * k }
  b = a.select { |x| x % 3 == 0 }
  total += b.inject(0) { |s, x| s + x }
  a.each_with_index { |x, i| total += 1 if x > i }
end
p total
