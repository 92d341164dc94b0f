# iterator chains: each/map/select/inject over ranges and arrays
scale = (ARGV[0] || 1).to_i   # bench/run.py --scale
total = 0
(200 * scale).times do |k|
  a = (1..1000).map { |i| i * k }
  b = a.select { |x| x % 3 == 0 }
  total += b.inject(0) { |s, x| s + x }
  a.each_with_index { |x, i| total += 1 if x > i }
end
puts total
