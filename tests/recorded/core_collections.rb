
p (-3..3).to_a, (-5...-1).to_a, (3..1).to_a, (0...0).to_a, (-1..0).to_a, (0..2).to_a
p ((2**62 - 2)..(2**62 + 1)).to_a, ((-2**62)..(-2**62 + 1)).to_a, (1..100_000).to_a.size
p [3, 1, 2].sort, [1, [2, [3]]].flatten(1), [1, 2, 3].each_slice(2).to_a, [1, 2].zip([3])
p({a: 1}.map { |k, v| [k, v] }, {b: 1, a: 2}.sort_by { |k, v| v }, {a: 1}.to_a, Hash[[[1, 2]]])
p [1, 2, 3].inject(:+), [4, 5].each_with_index.map { |x, i| x * i }, %w[a b].each.with_index(1).to_a
e = [1, 2].each
p e.next, e.next, (e.next rescue $!.class)
f = Enumerator.new { |y| y << 1 << 2; :r }
p f.next, f.peek, f.next, (begin; f.next; rescue StopIteration => x; x.result; end)
p (1..Float::INFINITY).lazy.map { |x| x * 2 }.select { |x| x % 3 == 0 }.first(3)
S = Struct.new(:a, :b)
p S.new(1, 2), S.new(1) == S.new(1), S.new(1, 2).to_h, S.members
p [1, 2, 3].sort_by { |x| -x }, [[2, :b], [1, :a]].sort, %w[bb a].max_by(&:size)
p [1, 2, 3, 4].partition { |x| x > 2 }, [1, 2, 2, 3].tally
p [1, 2, 3].each_cons(2).map { |a, b| b - a }, [3, 1].minmax, [].sum rescue p :no_sum
a = [1]; a << a; p a, a.hash == a.hash rescue p :rec
pr = proc { |x| x }
p Proc.instance_methods(false).sort, (pr.send(:initialize_copy, 2) rescue $!.message)
p lambda { 1 }.send(:initialize_copy, pr).lambda?, pr.dup.call(4),
  Class.new(Proc).new { 5 }.dup.call
