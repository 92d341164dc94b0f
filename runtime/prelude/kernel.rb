# Kernel#loop, which mruby 3.1 also writes in Ruby (mrblib/kernel.rb),
# written here so that the translator compiles it like user code: the
# block is a native call (a yield) and the loop stays in machine code.
# Enumerator without a block, StopIteration's result, and frames as mruby's.
module Kernel
  def loop(&block)
    return to_enum :loop unless block

    while true
      yield
    end
  rescue StopIteration => e
    e.result
  end
end
