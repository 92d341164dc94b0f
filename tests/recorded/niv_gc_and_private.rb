class Box
  def initialize(v); @v = v; @s = "s#{v}"; end
  def v; @v; end
  def s; @s; end
  private
  attr_reader :hidden
  public
  def peek; hidden; end
end
boxes = []
3000.times { |i| boxes << Box.new([i, i.to_s]); GC.start if i % 1000 == 0 }
GC.start
p boxes.map { |b| b.v[1].size + b.s.size }.inject(:+)
p boxes[1234].v, boxes[1234].s, boxes[0].peek
begin
  boxes[0].hidden
rescue NoMethodError => e
  p e.message
end
e = RuntimeError.new("m")
p e.message, e.instance_variables
class Object; def ivs; instance_variables; end; end
p 5.ivs, Box.ivs
class Box; @count = 0; class << self; attr_accessor :count; end; end
10.times { Box.count += 1 }
p Box.count
