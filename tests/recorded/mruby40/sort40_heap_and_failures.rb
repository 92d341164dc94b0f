
a = (1..20).map { |i| [i % 3, i] }
p a.sort { |x, y| x[0] <=> y[0] }
p [3.0, 1, 2.5, -1].sort, %w[b a c].sort!, [].sort!, [1].freeze.sort!
def t; p yield; rescue => e; p [e.class, e.message]; end
t { [1, 2].freeze.sort! }
t { [2, 1].sort { 1.0 } }
t { b = [3, 1, 2]; b.sort! { |x, y| b << 0; x <=> y } }
t { (1..20).to_a.sort { |x, y| y <=> x } }
