s = 0.0
i = 0
while i < 2000
  s += Math.sqrt(i) + Math.cos(i * 0.5) + Math.sin(i.to_f) + Math.exp(-i.to_f / 100)
  i += 1
end
p s
p Math.sqrt(4), Math.sqrt(2.0), Math.sqrt(10**15), Math.log2(8), Math.cos(0)
[-1, -0.5, nil, "x", 1e308 * 10].each do |v|
  begin
    p Math.sqrt(v)
  rescue => e
    p e.class, e.message
  end
end
def f(x) Math.acos(x) end
p((f(2) rescue $!.class))
