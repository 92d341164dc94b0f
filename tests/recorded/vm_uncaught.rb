def a(x) = b(x)
def b(x) = raise(ArgumentError, "bad #{x}")
puts 1
a(2)
