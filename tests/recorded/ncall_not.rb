a = [nil, false, true, 0, "", [], :s, 1.5]
a.each { |x| p !x, (not x) }
q = [3, 1, 2]
r = []
while !q.empty?
  r << q.shift
end
until q.size == 3
  q.push(r.pop)
end
p q, r, q.shift, q.pop, q, [].pop, [].shift
i = 0
c = 0
while i < 10
  c += 1 if !(i % 2 == 0)
  i += 1
end
p c
class NilClass
  def !; :redef; end
end
p !nil, !false, !true
class TrueClass
  def !; :t; end
end
p !true, (not true), !nil
