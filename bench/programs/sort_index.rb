# an Array built with <<, sorted, then indexed
a = []
i = 0
while i < 100_000
  a << (i * 7919) % 100_003
  i += 1
end
b = a.sort
s = 0
j = 0
while j < 100_000
  s += b[j] * (j % 3)
  j += 1
end
puts s, b[0], b[-1]
