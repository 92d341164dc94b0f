def ins(n) = ($d = n; o = Object.new; o.define_singleton_method(:x) { ins(n + 1) }; o.x)
begin; ins(0); rescue SystemStackError; end
p $d
