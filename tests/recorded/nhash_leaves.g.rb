def run
  h = {a: 1, 2 => :two, "s" => 3}
  r = [h[:a], h[2], h["s"], h[:zz], h[99], h["nope"]]
  h[:a] = 10; h[3] = 30; h["s"] = 33; h["new"] = 44
  r << h
  k = "key"
  h[k] = 1
  k << "!"
  r << h << h["key"] << h["key!"] << h.keys.map(&:frozen?)
  d = Hash.new(5)
  r << d[:x] << d["y"] << d[1]
  d[:x] += 1
  d["y"] += 2
  r << d
  p = Hash.new { |hh, kk| hh[kk] = kk.to_s * 2 }
  r << p[:ab] << p[3] << p
  f = {x: 1}.freeze
  r << f[:x] << (begin; f[:x] = 2; rescue => e; e.class; end)
  s = Class.new(Hash) { def [](k) = :sub; def []=(k, v) = super(k, v * 2) }.new
  s[:q] = 4
  r << s[:q] << s.to_a
  c = Class.new(Hash) { def default(k = nil) = :dflt }.new
  r << c[:nope]
  w = {}
  300.times { |i| w[i % 7] = (w[i % 7] || 0) + i; w["k#{i % 5}"] = i }
  r << w
  cnt = Hash.new(0)
  200.times { |i| cnt["w" + (i % 3).to_s] += 1 }
  r << cnt
  r
end
p run
p run
