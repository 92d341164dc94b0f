def fib(n) n < 2 ? n : fib(n - 1) + fib(n - 2) end
p fib(20)
def deep(n)
  n == 0 ? raise(ArgumentError, "bottom") : deep(n - 1)
end
begin
  deep(30)
rescue => e
  p e.message, e.backtrace.size, e.backtrace.first(3)
end
def with_ensure(n, log)
  begin
    n == 0 ? raise("x") : with_ensure(n - 1, log)
  ensure
    log << n
  end
end
log = []
begin
  with_ensure(4, log)
rescue => e
  p e.message
end
p log
def rescuer(n)
  deep(n)
rescue ArgumentError
  :rescued
end
p rescuer(3)
def retval(n) n > 0 ? retval(n - 1) + 1 : 0 end
p retval(100)
