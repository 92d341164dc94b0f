class A
  def initialize(x)
    p caller
    p __method__
    raise "boom #{x}" if x > 1
  end
end
def mk(x) = A.new(x)
mk(1)
begin
  mk(2)
rescue => e
  p e.backtrace
end
A.new(3)
