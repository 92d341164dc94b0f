30_000.times { |i| puts i }
puts :done
