
[0, 1_600_000_000, 1_610_000_000, -1e10, 2**35].each do |x|
  t = Time.at(x)
  p [t, t.zone, t.dst?, t.hour, t.asctime, t.getutc, t.utc?]
end
[[2021, 3, 14, 2, 30], [2021, 11, 7, 1, 30], [2021, 2, 31], [1900], [2000, 7, 4, 12]].each do |a|
  t = Time.local(*a)
  p [t, t.to_i, t.dst?, t.zone, Time.mktime(*a) == t, Time.new(*a) == t]
end
g = Time.gm(2000, 7, 1)
p g.getlocal, g.localtime, g.utc?, g.zone, g.getgm, g.gmtime, g.zone
p Time.local(2000, 7) - Time.gm(2000, 7), Time.now.utc?, (Time.now - Time.now).class
