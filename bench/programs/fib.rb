# method calls: each call goes through the VM (SEND, ENTER, RETURN call Python)
def fib(n)
  if n < 2
    n
  else
    fib(n - 1) + fib(n - 2)
  end
end
puts fib(25)
