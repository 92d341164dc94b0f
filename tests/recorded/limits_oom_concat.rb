s = "x"
begin
  loop { s << "y" * 10_000_000 }
rescue NoMemoryError => e
  s = nil
  p [e.class, e.message, e.backtrace]
end
