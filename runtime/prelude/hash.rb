# Hash#each, which mruby 3.1 also writes in Ruby (mrblib/hash.rb), written
# here so that the translator compiles it like user code: the pairs are
# Array literals from the native pool, the block is a native call and the
# loop stays in machine code.  Like mruby's, it walks a snapshot of the
# keys and values taken before the first call, passes each pair as one
# Array, and has the same frames and enumerator.
class Hash
  def each(&block)
    return to_enum :each unless block

    ks = self.keys
    vs = self.values
    n = self.size
    i = 0
    while i < n
      block.call [ks[i], vs[i]]
      i += 1
    end
    self
  end
end
