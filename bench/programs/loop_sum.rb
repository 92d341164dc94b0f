# integer while loop: every instruction of the loop has an inline fast path
i = 0
s = 0
while i < 2_000_000
  s += i * 3 - i
  i += 1
end
puts s
