$d = 0
def f(n); $d = n; [1].each { f(n + 1) }; end
begin; f(0); rescue SystemStackError; end
p $d
