class P; def initialize(x); @x = x; end; attr_reader :x; end
a = []
300.times { |i| a << P.new(i) << "s#{i}" << [i, i] << proc { i } }
p a.size, a[-4].x, a[-3], a[-2], a[-1].call
h = {}
200.times { |i| h["k#{i % 7}"] = i }
p h
