# Range#each, which mruby 3.1 also writes in Ruby (mrblib/range.rb), written
# here so that the translator compiles it like user code: over an Integer
# range the block is a native call and the loop stays in machine code.  The
# cases come in mruby's order and make mruby's sends (kind_of?, respond_to?,
# <=>, succ, upto), so a program that redefines one sees the same calls;
# enumerator without a block, and frames, as mruby's.
class Range
  def each(&block)
    return to_enum :each unless block

    val = self.begin
    last = self.end
    if val.kind_of?(Integer) && last.nil?       # endless: counts until a break
      while true
        block.call(val)
        val += 1
      end
      return self
    end

    chars = false       # a String range whose strings have no upto
    if val.kind_of?(String) && last.nil?
      return val.__upto_endless(&block) if val.respond_to? :__upto_endless
      chars = true
    end

    if val.kind_of?(Integer) && last.kind_of?(Integer)
      stop = exclude_end? ? last : last + 1
      while val < stop
        block.call(val)
        val += 1
      end
      return self
    end

    if val.kind_of?(String) && last.kind_of?(String)
      return val.upto(last, exclude_end?, &block) if val.respond_to? :upto
      chars = true
    end

    raise TypeError, "can't iterate" unless val.respond_to? :succ
    return self if (val <=> last) > 0

    while (val <=> last) < 0
      block.call(val)
      val = val.succ
      break if chars && val.size > last.size
    end
    block.call(val) if !exclude_end? && (val <=> last) == 0
    self
  end
end
