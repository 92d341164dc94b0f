a = []
i = 0
while i < 3000
  a << "item#{i}" << "#{a.size}-#{i}"
  i += 1
end
p a.size, a[2999], a[-1]
