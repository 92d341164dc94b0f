s = 0
2000.times { |i| [1, 2].each { |j| s += i * j } }
p s
