def total(a)
  s = 0
  i = 0
  while i < a.size
    s += a[i] + a[-1 - i] + a.first + a.last
    i += 1
  end
  s
end
ps = [1, 2, 3]
j = 0
s = 0
while j < 3000
  s += ps[j % 3] + total(ps)
  j += 1
end
p s
