# Array#each, which mruby 3.1 also implements in Ruby (mrblib/array.rb),
# written here so that the translator compiles it like user code: `length`
# and `self[i]` read the Array's native copy inline (runtime/natarray.py),
# the block is a native call, and the loop stays in machine code.  The
# length is read again each round, so a block that grows or shrinks the
# Array sees it as mruby does.  Same name, parameter (&block), enumerator
# without a block, and frames as mruby's.
class Array
  def each(&block)
    return to_enum(:each) unless block
    i = 0
    while i < length
      block.call(self[i])
      i += 1
    end
    self
  end
end
