kept = []
n = 0
i = 0
while i < 3000
  s = "abc"
  t = "a literal of exactly forty-eight bytes, no more!"
  n += 1 if t
  kept << s if i % 200 == 0
  i += 1
end
GC.start
p n, kept.size, kept[0], kept[-1] << "!", kept[0].frozen?, kept[0].equal?(kept[1])
u = "x"
u.freeze
p u.frozen?, (u << "y" rescue $!.class)
v = "a literal of forty-nine bytes, one more than room"
p v.size, v
w = "été"
p w.size, w.bytesize, w, ""
c = 0
ObjectSpace.each_object(String) { |x| c += 1 if x == "abc" }
p c >= kept.size - 1
class String
  def dup_twice; self + self; end
end
p "ab".dup_twice, "".empty?
