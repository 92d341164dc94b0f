def k(a, b = 2, *c, d, e:, f: 6, **g, &h) = [a, b, c, d, e, f, g, h.nil?]
p k(1, 9, e: 5)
p k(1, 2, 3, 4, 5, e: 0, z: 1) {}
begin; k(1, 2); rescue ArgumentError => x; p x.message; end
