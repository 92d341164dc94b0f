def g(n) = ($d = n; send(:g, n + 1))
begin; g(0); rescue SystemStackError; end
p $d
