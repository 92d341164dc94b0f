def each3; yield 1; yield 2; yield 3; end
def find2; each3 { |x| return x * 10 if x == 2 }; nil; end
p find2
def via(n) n == 0 ? find2 : via(n - 1) end
p via(5)
r = each3 { |x| break x * 100 if x == 2 }
p r
def twice(&b) b.call(1) + b.call(2) end
def wrap; twice { |v| v * 3 }; end
p wrap
def counter
  count = 0
  inc = lambda { |by| count += by }
  i = 0
  while i < 100
    inc.call(i & 3)
    i += 1
  end
  count
end
p counter
