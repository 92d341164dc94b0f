
a = [1, 2, 3, 2]
p a.index(2), a.rindex(2), a.index { |x| x > 1 }, a.rindex { |x| x < 3 }, a.index(9)
p a.index.class, a.rindex.class, a.index(2) { |x| x == 3 }
p [1, 2] * ",", [1, [2, 3]] * "-", [1, 2] * 2
b = []; b << b
c = []; c << c
p b.hash == c.hash, [b].hash == [c].hash
def t; p yield; rescue => e; p [e.class, e.message]; end
t { a.index(1, 2) }
t { [1] * nil }
