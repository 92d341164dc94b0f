# blocks: Integer#times and Array#each call the block through the VM
scale = (ARGV[0] || 1).to_i   # bench/run.py --scale
s = 0
(20_000 * scale).times do |i|
  [1, 2, 3, 4, 5].each do |j|
    s += i * j
  end
end
puts s
