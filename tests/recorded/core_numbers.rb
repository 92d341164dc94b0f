
p 1.0/3, 1e100, 2**62, -2**63, 7.divmod(-2), 7.5.divmod(2), -7.5 % 2, 2.5.round, -2.5.round,
  1234.5678.round(-2)
p 0.1 + 0.2, 3.7 % 1, 1e20.to_i, (1..10).size, (1...2.5).size, (1..).size, 10.0.step(9.0, -0.5).to_a
p format("%08.3f|%-6x|%+e|%#o|%s", -3.14159, 255, 12345.6789, 8, :sym), "%05.1f%%" % 99.44
p Math.sqrt(2), Math.log(8, 2), Math.atan2(1, -1), Math.cbrt(-27), Math.hypot(3, 4)
p Integer("0x1A", 16), Integer(" 0b11 "), Float("1_000.5"), Rational(3, 6),
  Complex(1, 2) * Complex(3, 4)
p 5.clamp(1, 3), 2.between?(1, 3), 1 <=> 2.5, 4611686018427387904.to_s(36), 255.chr, 3.7.truncate
p Integer.instance_methods(false).include?(:hash), Float.instance_methods(false).include?(:hash)
p 1.hash, -3.hash, (2**62).hash, 1.5.hash, 1e100.hash, (-0.0).hash, 0.0.hash, Float::NAN.hash
p({1 => :a, 2**62 => :b, 1.5 => :c, -0.0 => :d}.values_at(1, 2**62, 1.5, 0.0, 1.0))
