# closures updating the locals of the method that made them
def counter
  count = 0
  inc = lambda { |by| count += by }
  i = 0
  while i < 300_000
    inc.call(i & 3)
    i += 1
  end
  count
end
puts counter
