def f(n); $d = n; f(n + 1); end
begin; f(0); rescue SystemStackError; end
p $d
