def conv(x)
  [x.to_f, -x, x.abs, x.to_i, x.truncate, x.floor, x.ceil]
end
[0.0, -0.0, 1.5, -1.5, 2.0, -2.0, 0.49999999999999994, -0.49999999999999994,
 1e15 + 0.5, -1e15 - 0.5, 4.611686018427388e18, -4.611686018427388e18, 4.6e18, -4.6e18,
 1e300, 1e-300, 3.7, -3.7, 100.0, 2.5e-5].each do |v|
  begin
    p conv(v)
  rescue => e
    p e.class, e.message
  end
end
[1.0 / 0, -1.0 / 0, 0.0 / 0].each do |v|
  p v.to_f, -v, v.abs
  [:to_i, :floor, :ceil, :truncate].each { |m| begin; p v.send(m); rescue => e; p e.class; end }
  begin; p v.to_i; rescue => e; p e.class, e.message; end
  begin; p v.floor; rescue => e; p e.class, e.message; end
  begin; p v.ceil; rescue => e; p e.class, e.message; end
end
[0, 1, -7, 2**40, 4611686018427387903, -4611686018427387904].each { |i| p i.to_f, -i, i.abs }
s = 0.0
i = 0
while i < 3000
  x = i * 0.37 - 500
  s += x.floor + x.ceil + x.to_i + (-x) + x.abs + i.to_f
  i += 1
end
p s
class Float
  def floor; :mine; end
end
p 1.5.floor, 1.5.ceil
