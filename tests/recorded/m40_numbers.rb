def t; p yield; rescue => e; puts "#{e.class}: #{e.message}"; end
t { [0 | 2.5, 0 | 1e300, 0 | -0.0, 0 | Float::NAN, 0 | 5e-324, 0 | true, 0 | false] }
t { [0 | "abcd", 0 | "abcdefghijklmno", 0 | "a" * 40, 0 | [1, 2], 0 | [1] * 20, 0 | []] }
t { [0 | (1..2), 0 | (1.5..2), 0 | Rational(-5, 3), 0 | Complex(2.5, 1), 0 | {}] }
t { [(2**64) & 1.5, 1 & (2**64), 6.allbits?(2.5), 6.anybits?(2.5), 6.nobits?(9)] }
t { (2**64) | "a" }
t { 10.to_s(2.9) }
t { [1.2 == 6.quo(5), 1.0 / 3 <=> Rational(1, 3), 0.1 + Rational(1, 10)] }
t { [Rational(2**70, 3), Rational(1, 2**70), Rational(-(2**63), 1), (2**70).to_r] }
t { [1e300.to_r.denominator, 5e-324.to_r.numerator, -1.5.to_r] }
t { Rational(2**70, 0) }
t { Rational(1, 2) / 0 }
t { [5.remainder(2.5), (2**70).remainder(3), 7.remainder(-3)] }
t { 1 / nil }
t { a = []; 2.step(4.0) { |x| a << x }; a }
t { a = []; 2.step(4, 0.5) { |x| a << x }; a }
t { 1.step(1, 2, 3) }
