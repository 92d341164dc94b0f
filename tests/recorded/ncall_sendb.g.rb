def m(&b) b end
def yielder; yield; end
def run
  pr = m { break 1 }
  begin
    pr.call
  rescue LocalJumpError => e
    p e.message
  end
  q = proc { break 2 }
  p(yielder(&q)) rescue p $!
  r = proc { break 3 }
  m(&r)
  p((yielder(&r) rescue $!))
  p [1, 2, 3].each { |x| break x * 10 if x == 2 }
  p((1..5).map { |x| break :early if x == 3; x })
  s = 0
  3.times do |i|
    [1, 2].each { |j| s += i * j; next if j == 1; s += 100 }
  end
  p s
  def blk_given; block_given?; end
  p blk_given { }, blk_given
  def pass_on(&b) [1, 2].map(&b) end
  p pass_on { |x| x + 1 }
  p [3, 4].each_with_index.map { |x, i| x * i }
  p [1, 2].map(&:to_s)
  h = {a: 1}
  p h.map { |k, v| [v, k] }
end
run
def deep(n, &b) n == 0 ? b.call : deep(n - 1, &b) end
p deep(5) { :bottom }
def ens
  [1, 2].each do |x|
    begin
      return x if x == 1
    ensure
      puts "ensure #{x}"
    end
  end
end
p ens
def raiser
  [1].each { raise ArgumentError, "boom" }
rescue ArgumentError => e
  p [e.message, e.backtrace.size]
end
raiser
