# integer while loop with bit operations: `&`, `^`, `<<`, `>>` and `%` are
# method sends (SEND), which the native engine runs inline on fixnums
i = 0
sum = 0
while i < 10_000_000
  sum += i & 7
  sum ^= (i << 2) >> 1
  i += 1
end
puts sum % 1_000_007
