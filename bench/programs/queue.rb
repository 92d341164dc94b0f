# a queue drained with shift and refilled with pop, as in mruby's bm_so_lists
scale = (ARGV[0] || 1).to_i   # bench/run.py --scale
def lists(size)
  li2 = (1..size).to_a
  li3 = []
  while !li2.empty?
    li3.push(li2.shift)
  end
  until li3.empty?
    li2.push(li3.pop)
  end
  li2.first
end
r = 0
(3 * scale).times { r += lists(10_000) }
puts r
