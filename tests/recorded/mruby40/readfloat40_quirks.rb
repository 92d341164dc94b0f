
def t; p yield; rescue => e; p [e.class, e.message]; end
%w[5. -5. 5.e3 -1e 1e+ .5e 123456789012345678901234 123456789012345678901.5
   18446744073709551615 1.23456789012345678901 0.1e-323 1e309 -0 -0.0 1.5e-10 3.3 0.3
   2.675 1_2.5_1 +.5].each do |s|
  print s, " "
  p s.to_f
  t { Float(s) }
end
p "-1ex".to_f, "  -2.5e2xyz".to_f, "1e-400".to_f, "4.9e-324".to_f, "0x10".to_f
