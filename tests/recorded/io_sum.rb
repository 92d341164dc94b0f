s = 0
n = 0
while line = gets
  s += line.to_i
  n += 1
end
p [n, s]
p $stdin.read, STDIN.eof?
