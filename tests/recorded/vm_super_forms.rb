class A; def f(*a) = [:A, a]; end
module M; def f(*a) = [:M, super]; end
class B < A; include M; def f(x, y = 2) = [:B, super, super(x)]; end
p B.new.f(1)
