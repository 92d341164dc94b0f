# closures updating the locals of the method that made them
scale = (ARGV[0] || 1).to_i   # bench/run.py --scale
def counter(n)
  count = 0
  inc = lambda { |by| count += by }
  i = 0
  while i < n
    inc.call(i & 3)
    i += 1
  end
  count
end
puts counter(300_000 * scale)
