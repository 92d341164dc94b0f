Array.new(2**62)
