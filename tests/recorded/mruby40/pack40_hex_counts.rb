
p ["a1zz"].pack("H*"), ["1"].pack("h"), ["616"].pack("H*"), ["61"].pack("H9")
p "\x01\x02".unpack("S2"), "\x01".unpack("n2"), "ab".unpack("C*x0C2")
def t; p yield; rescue => e; p [e.class, e.message]; end
t { "\xf4\x90\x80\x80".unpack("U") }
t { "\xc0\x80".unpack("U") }
t { "\x81\x81\x81\x81\x81\x81\x81\x81\x81\x01".unpack("w") }
