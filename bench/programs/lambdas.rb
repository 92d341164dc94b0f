# lambdas applied with f[x], as in mruby's bm_app_lc_fizzbuzz
inc = ->(x) { x + 1 }
twice = ->(f) { ->(x) { f[f[x]] } }
s = 0
i = 0
while i < 100_000
  s = twice[inc][s]
  i += 1
end
puts s
