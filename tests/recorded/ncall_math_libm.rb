def all(x)
  [Math.sin(x), Math.cos(x), Math.tan(x), Math.atan(x), Math.sinh(x), Math.cosh(x),
   Math.tanh(x), Math.asinh(x), Math.exp(x), Math.cbrt(x), Math.erf(x), Math.erfc(x)]
end
[0, 1, -3, 0.5, -0.0, 1e-300, 1e300, 710, 4611686018427387903, 1.0 / 0, 0.0 / 0, 3.7].each do |v|
  p all(v)
end
s = 0.0
i = 0
while i < 2000
  s += Math.cos(i * 0.5) + Math.sin(i) + Math.exp(i * -0.01) + Math.atan(i)
  i += 1
end
p s
include Math
p cos(0.25), sin(3), tanh(-2)
[nil, "x", :s].each do |v|
  begin
    p Math.cos(v)
  rescue => e
    p e.class, e.message
  end
end
module Math
  def self.cos(x); :mine; end
end
p Math.cos(1), Math.sin(1)
