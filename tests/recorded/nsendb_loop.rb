\
def twice(x)
  yield x
  yield x + 1
end
s = 0
i = 0
while i < 3000
  twice(i) { |v| s += v }
  i += 1
end
p s
