# blocks: Integer#times and Array#each call the block through the VM
s = 0
20_000.times do |i|
  [1, 2, 3, 4, 5].each do |j|
    s += i * j
  end
end
puts s
