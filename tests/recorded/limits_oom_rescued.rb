a = []
begin
  loop { a << "x" * 1_000_000 }
rescue NoMemoryError => e
  n = a.size
  a = nil
  p [e.class, e.message, e.backtrace, n > 100]
end
puts "after"
