# lambdas applied with f[x], as in mruby's bm_app_lc_fizzbuzz
scale = (ARGV[0] || 1).to_i   # bench/run.py --scale
inc = ->(x) { x + 1 }
twice = ->(f) { ->(x) { f[f[x]] } }
s = 0
i = 0
n = 100_000 * scale
while i < n
  s = twice[inc][s]
  i += 1
end
puts s
