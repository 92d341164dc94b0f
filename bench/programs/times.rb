# a times block accumulating into an outer local
scale = (ARGV[0] || 1).to_i   # bench/run.py --scale
s = 0
(3_000_000 * scale).times { |i| s += i }
puts s
