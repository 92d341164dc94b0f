i = 0
loop { puts "line #{i}"; i += 1 }
