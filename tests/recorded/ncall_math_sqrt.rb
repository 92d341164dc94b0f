s = 0.0
i = 0
while i < 2000
  s += Math.sqrt(i) + Math.sqrt(i * 0.37)
  i += 1
end
p s
p Math.sqrt(0), Math.sqrt(0.0), Math.sqrt(-0.0), Math.sqrt(2), Math.sqrt(1e-300)
p Math.sqrt(1e300), Math.sqrt(4611686018427387903)
[-1, -0.5, nil, "x", 1e308 * 10, 0.0/0.0].each do |v|
  begin
    p Math.sqrt(v)
  rescue => e
    p e.class, e.message
  end
end
module Math
  def self.sqrt(x); :mine; end
end
p Math.sqrt(4)
