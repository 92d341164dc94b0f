# integer while loop: every instruction of the loop has an inline fast path
scale = (ARGV[0] || 1).to_i   # bench/run.py --scale
i = 0
s = 0
n = 2_000_000 * scale
while i < n
  s += i * 3 - i
  i += 1
end
puts s
