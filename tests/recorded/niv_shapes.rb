class P
  attr_reader :a, :b
  attr_writer :b
  attr_accessor :c
  def initialize(a, first_b)
    if first_b
      @b = 2; @a = a
    else
      @a = a; @b = 3
    end
  end
  def sum; @a + @b; end
  def bump; @a += 1; self; end
  def drop_a; remove_instance_variable(:@a); end
end
ps = (1..6).map { |i| P.new(i, i % 2 == 0) }
p ps.map { |o| o.sum }, ps.map { |o| o.a }, ps.map { |o| o.b }
ps.each { |o| o.b = o.a * 10; o.c = o.b + 1 }
p ps.map { |o| [o.b, o.c, o.sum] }
p ps[0].instance_variables, ps[1].instance_variables
q = ps[2]
q.drop_a
p q.sum rescue p $!.class
p q.instance_variables, q.a
q.instance_variable_set(:@a, 99)
p q.sum, q.a
q.instance_variable_set(:@zz, 1)
p q.bump.a, q.instance_variables.sort
r = q.dup
r.bump
p r.a, q.a, r.instance_variables.sort == q.instance_variables.sort
q.freeze
begin
  q.bump
rescue => e
  p e.class, e.message
end
begin
  q.b = 5
rescue => e
  p e.class
end
p q.a, q.frozen?, r.frozen?
class Q < P
  def initialize; super(7, false); @d = 4; end
  def sum; super + @d; end
end
p Q.new.sum, Q.new.instance_variables
s = P.new(1, false)
def s.extra; @a * 100; end
p s.extra, s.a
