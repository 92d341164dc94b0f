module M; K = 1; end
class C
  include M
  def k; K; end
  def f; F; end
end
def f_or_missing
  F
rescue NameError => e
  e.message
end
r = []
3.times { r << f_or_missing }
F = 10
3.times { r << f_or_missing }
p r
c = C.new
p c.k, c.f
M.send(:remove_const, :K)
M.const_set(:K, 2)
p c.k
class C; K = 3; end
p c.k
C.send(:remove_const, :K)
p c.k
Object.send(:remove_const, :F)
begin
  c.f
rescue NameError => e
  p e.message
end
class Object; def self.const_missing(n); "missing #{n}"; end; end
p c.f
def lookup; X; end
X = :top
p lookup
class D; X = :d; end
p D.class_eval { lookup }, D.class_eval { X }
@@cv = 0 rescue nil
class E; @@n = 0; def self.n; 5.times { @@n += 1 }; @@n; end; end
p E.n, E.n
