
t = Time.at(1, 2.5).utc
p t.nsec, t.tv_nsec, t.usec, Time.at(-0.25).utc.nsec, Time.gm(2000, 1, 1, 0, 0, 0, 1_999_999).nsec
p t.hash, Time.at(1, 3).hash, t.hash == Time.at(1, 3).utc.hash, t.utc_offset, t.gmtoff, t.gmt_offset
p t.eql?(Time.at(1, 3)), t.eql?(Time.at(1, 4)), t.eql?(1), t.sunday?, t.thursday?
def t; p yield; rescue => e; p [e.class, e.message]; end
t { Time.at("1") }
t { Time.at(1, "2") }
t { Time.at(2**64) }
t { Time.at(1, 2**64) }
t { Time.gm(2000, 2**64) }
t { Time.gm(2000, 0.0 / 0) }
t { Time.gm(2000, 1, 1, 0, 0, 0, 2**62) }
t { Time.at(1.0e18) }
t { Time.gm(2000) + (0.0 / 0) }
t { Time.gm(2000) - Float::INFINITY }
t { Time.at(0).utc + 1.9999999 }
t { (Time.at(0).utc - 1.0000001).nsec }
t { Time.at(-1, -999_999).utc.to_f }
