
p format("%c", 256 + 65), format("%c", 0x3042), format("%c", -1), format("%c", 0x110000)
p format("%.d", 5) rescue p $!
p format("%5.d|", 5) rescue p $!
m = -2**70
p format("%+d % d %+x %x %X %o %b %B", 2**70, 2**70, m, m, m, m, m, m)
p format("%d|%+d|%20d|%-20d|%020d", m, 2**70, m, m, m)
p format("%#x|%#o|%#b|%30x|%-30x|%030x|%.30x", m, m, m, m, m, m, m)
p format("%-8x|%-8X|%-#8X|%-.8x|%-8.5x|%08X|%-08x|", -1, -1, -255, -1, -255, -42, -42)
p format("%o %#o %8o %08o %.8o %b %08b %-8b|", -1, -1, -8, -8, -8, -5, -5, -5)
p format("%X %#X %+X % X %08X %B %#B %+B %8B", -1, -42, -42, -42, -42, -5, -5, -5, -5)
p format("%.0e %.0E %#.0e %.0g %#.0g %.0f %#.0f", 9.5, 95.0, 2.0, 9.5, 2.0, 2.5, 2.5)
p format("%e %g %f", 1e100, 1e-100, 1e22)
p format("%u", -3), format("%x", 2**64), format("%x", 2**64 - 1)
def t; p yield; rescue => e; p [e.class, e.message]; end
t { format("%.d", 5) }
t { format("%2147483648d", 1) }
t { format("%.2147483648d", 1) }
t { format("%*2147483648$d", 1) }
t { format("%99999999999999999999d", 1) }
t { format("%1$*2$d", 1, 2**40) }
t { format("%-", 1) }
t { format("%5", 1) }
t { format("%.", 1) }
t { format("%<a", {a: 1}) }
t { format("%1$", 1) }
t { format("%*", 1) }
t { format("%x", "-0x1f") }
t { format("%X", 3.7) }
t { format("%X", -3.7) }
t { format("%B", nil) }
t { format("%d", 2**64 + 0.0) }
t { format("%d", Rational(7, 2)) }
