s = 0
2000.times do |i|
  [1, 2, 3].each { |j| s += i * j }
end
p s
