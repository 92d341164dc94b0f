def t
  yield
rescue => e
  p e.backtrace[0, 4]
end
t { [1].find_all { raise "x" } }
t { [1].select { raise "x" } }
t { [1].filter { raise "x" } }
t { [1, 2].inject { raise "x" } }
t { [1, 2].reduce(0) { raise "x" } }
t { (1..2).each_with_index { raise "x" } }
t { (1..2).map { raise "x" } }
t { [1, 2].inject(:foo) }
p [1, 2, 3].inject(:+), (1..4).reduce(10, :*)
p((1..6).filter { |x| x % 2 == 1 })
