a = []
i = -3
while i < 3
  s = "k" + i.to_s
  s << "-" << s
  t = ""
  t << (i * 1000000007).to_s
  a << s << t
  i += 1
end
p a
x = "abc"
x << x
p x, 4611686018427387903.to_s, -4611686018427387904.to_s, 0.to_s, 9223372036854775807.to_s
y = "0123456789" * 4
z = "1234567890"
p y + z, (z + z + z + z + z).size, (z + z + z + z) << "12345678" << "9"
w = "é" + "x"
p w, w.size
f = "fro"
f.freeze
p((f + "x"), (f << "x" rescue $!.class))
u = "ab"
u2 = u
u << "cd"
p u2, u.equal?(u2), u.object_id == u2.object_id
h = Hash.new(0)
10.times { |j| h["k" + (j % 3).to_s] += 1 }
p h, h.keys.map(&:frozen?)
class Foo < String; end
p((Foo.new("x") + "y").class, ("y" + Foo.new("x")).class)
e = ""
3.times { e << "ab" }
p e, e.size, e.bytesize, e.length
class String
  def <<(o); "redefined"; end
end
q = "a"
p q << "b", q
class Integer
  def to_s; "int"; end
end
p 5.to_s, "x" + 5.to_s
