class A
  def f; 1; end
end
def use(a) a.f end
a = A.new
s = 0
i = 0
while i < 10
  s += use(a)
  if i == 4
    class A
      def f; 2; end
    end
  end
  i += 1
end
p s
def a.f; 100; end
p use(a), use(A.new)
module M
  def f; super + 1000; end
end
b = A.new
b.extend(M)
p use(b)
class Integer
  def twice; self * 2; end
end
def tw(x) x.twice end
p tw(4), tw(5)
