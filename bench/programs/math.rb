# Math functions on Floats in a loop, as in mruby's bm_ao_render
scale = (ARGV[0] || 1).to_i   # bench/run.py --scale
s = 0.0
i = 0
n = 100_000 * scale
while i < n
  s += Math.sqrt(i) + Math.cos(i * 0.5)
  i += 1
end
puts s
