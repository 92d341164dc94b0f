# method calls: each SSEND calls Python, which sets the frame up and calls the callee's code
def fib(n)
  if n < 2
    n
  else
    fib(n - 1) + fib(n - 2)
  end
end
puts fib(25)
