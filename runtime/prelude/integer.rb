# The Integer iterators mruby 3.1 writes in Ruby (mrblib/numeric.rb), written
# here in Ruby too, so that the translator compiles them like user code: a
# block they call is a native call, their loop stays in machine code.  Same
# method names, parameters (&block), enumerators without a block, and frames
# (Proc#call of the block, as OP_CALL runs it) as mruby's.
class Integer
  def times(&block)
    return to_enum(:times) unless block
    i = 0
    while i < self
      block.call(i)
      i += 1
    end
    self
  end

  def upto(num, &block)
    return to_enum(:upto, num) unless block
    i = to_i
    while i <= num
      block.call(i)
      i += 1
    end
    self
  end

  def downto(num, &block)
    return to_enum(:downto, num) unless block
    i = to_i
    while i >= num
      block.call(i)
      i -= 1
    end
    self
  end
end
