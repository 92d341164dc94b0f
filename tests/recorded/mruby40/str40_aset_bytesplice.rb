
s = "abc"
p s.[]=(0, "X"), s.[]=(1, 1, "YZ"), s
def t; p yield; rescue => e; p [e.class, e.message]; end
t { "0123456789".bytesplice(1..2, "ab") }
t { "0123456789".bytesplice(1, 3, "ab") }
t { "0123456789".bytesplice(1..1, "abcdefg", 2..3) }
t { "0123456789".bytesplice(1, 1, "abcdefg", 2, 3) }
t { "0123".bytesplice(9, 1, "x") }
t { "0123".bytesplice(1, -1, "x") }
t { "0123".bytesplice(1, "x") }
t { "0123".bytesplice(1..2, 5) }
t { "0123".bytesplice(1..2) }
t { "w".prepend("a", "b", "c") }
t { "w".prepend }
t { "w".freeze.prepend }
t { "w".freeze.prepend("") }
t { "abc".slice!(3, 1) }
t { "abc".slice!(4, 1) }
t { "abc".slice!(1.9) }
t { "abc".insert(-1, "X") }
t { "ab".center(7, "123") }
