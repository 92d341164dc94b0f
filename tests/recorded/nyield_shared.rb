def each2(a)
  a.each { |x| yield x }
end
acc = 0
1000.times do |k|
  each2([1, 2]) { |x| acc += x * k }
  each2([3]) { |x| acc -= x }
  [1, 2, 3].select { |x| x > 1 }.each_with_index { |x, i| acc += x + i }
end
p acc
