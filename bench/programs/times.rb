# a times block accumulating into an outer local
s = 0
3_000_000.times { |i| s += i }
puts s
