# recursive method calls: a native SSEND calls the callee's code directly
def fib(n)
  if n < 2
    n
  else
    fib(n - 1) + fib(n - 2)
  end
end
puts fib(32)
