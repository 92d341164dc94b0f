
p "a b  c".split, "a,b,,".split(",", -1), "abc".split("", 2), " x ".split(" ", -1)
p "hello".tr("^l", "*"), "hello".squeeze("k-l"), "hello".count("a-l"), "X['\\b']".tr("X-\\]", "")
p "the cat".sub("cat", "[\\&|\\`|\\']"), "aaa".gsub("a") { |m| m << "z"; m }
p "ab".ljust(5.7), "ab".center(6.5, "-"), "abc".insert(-1.0, "X")
x = "hello world"; p x.slice!(-1.5), x
p "%-5s|" % "ab", "a".upto("e").to_a, "07".upto("11").to_a
p :"foo bar", :"$-w", :[]=, :"@1", "é".inspect, "#{1}\#{}".dump
p [1, 2].pack("s>l<"), "\x01\x02\x03\x04".unpack("nC*"), ["abc"].pack("m0").unpack1("m")
p "12abc".to_i, "0b11".to_i(0), "1_000.5e1x".to_f, "0x1A".hex, "777".oct
