
p Time.methods(false).sort, Time.instance_methods(false).sort, Time.ancestors
[[2000], [2000, 2, 31], [1969, 12, 31], [-100], [-1, 12, 31, 23, 59, 60], [12345, 6, 7],
 [2**31 + 1899], [2000, 1, 1, 24], [2000, 1, 1, 0, 0, 0, 7_654_321]].each do |a|
  t = Time.gm(*a)
  p [t, t.asctime, t.to_i, t.usec, t.wday, t.yday, t.year]
end
[1.5, -1.5, 0.9999996, 1e-6, 1234567890.123456, 2**40, -2**40].each do |x|
  t = Time.at(x).utc
  p [t, t.to_i, t.usec, t.to_f]
end
p Time.at(1, 2.5).usec, Time.at(1, -2.5).usec, Time.at(1, 3_000_000).to_i
a = Time.at(100, 250_000)
p a - Time.at(99), (a + 0.5).usec, (a - 0.75).usec, (Time.at(1) - 0.5).usec
[-> { Time.gm(2000, 13) }, -> { Time.at(1e19) }, -> { Time.at(10**18) },
 -> { Time.gm(-2**31 + 1900) }, -> { Time.at(-1.0 / 0) }, -> { Time.gm(nil) },
 -> { Time.gm(2000) + (2**62 * 2 - 1) }, -> { Time.at },
 -> { Time.gm(2000).send(:initialize_copy, 3) }
].each { |f| begin; p f.call; rescue => e; p [e.class, e.message]; end }
p Time.at(nil).to_i, Time.at(true).to_i, Time.at(false).to_i, Time.at("a" * 30).to_i,
  Time.at([1]).to_i
