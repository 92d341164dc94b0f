# Math functions on Floats in a loop, as in mruby's bm_ao_render
s = 0.0
i = 0
while i < 100_000
  s += Math.sqrt(i) + Math.cos(i * 0.5)
  i += 1
end
puts s
