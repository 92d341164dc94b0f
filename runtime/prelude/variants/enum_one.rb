# Enumerable's iterators for a receiver whose `each` passes its block one
# value per element: the prelude's Array#each and Range#each.
#
# mruby 3.1 (mrblib/enum.rb) takes each element with a `|*val|` block and
# hands it on as `block.call(*val)` or `val.__svalue`; for a single value x
# both come to x.  So these take `|val|`, which makes no Array per element
# and lets the whole loop stay in machine code.  They are never methods:
# runtime/prelude/__init__.py gives each to the Python builtin of the same
# name as its variant, which the native engine runs instead of the builtin
# for such receivers, in the builtin's frame (same name, same owner).  The
# aliases are mruby's, in its order: an alias gives the method's proc the
# name its blocks' frames show (find_all's blocks are "select" frames).
def collect(&block)
  return to_enum :collect unless block

  ary = []
  self.each{|val| ary.push(block.call(val))}
  ary
end
alias map collect

def find_all(&block)
  return to_enum :find_all unless block

  ary = []
  self.each{|val| ary.push(val) if block.call(val)}
  ary
end
alias select find_all
alias filter select

def each_with_index(&block)
  return to_enum :each_with_index unless block

  i = 0
  self.each{|val|
    block.call(val, i)
    i += 1
  }
  self
end

def inject(*args, &block)
  raise ArgumentError, "too many arguments" if args.size > 2
  if Symbol === args[-1]
    sym = args[-1]
    block = ->(x,y){x.__send__(sym,y)}
    args.pop
  end
  if args.empty?
    first = true      # no initial value: the first element is one
    result = nil
  else
    first = false
    result = args[0]
  end
  self.each{|val|
    if first
      first = false
      result = val
    else
      result = block.call(result, val)
    end
  }
  result
end
alias reduce inject
