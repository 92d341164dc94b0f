class B
  def method_missing(name, *args) "mm:#{name}:#{args.size}" end
  def g; h(1, 2); end
  def k; zz; end
end
p B.new.g, B.new.k
def nm(x) x.nosuch end
begin
  nm(1)
rescue NoMethodError => e
  p e.message
end
def arity(a, b) a + b end
def bad; arity(1) end
begin
  bad
rescue ArgumentError => e
  p e.message
end
def opt(a, b = 5) a + b end
def useopt; opt(1) + opt(1, 2) end
p useopt
def rest(*r) r.size end
def userest; rest + rest(1, 2, 3) end
p userest
