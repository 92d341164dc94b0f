def a; [1, 2, 3].each { |x| return x * 7 if x == 2 }; end
def b; [1, 2, 3].map { |x| return x * 7 if x == 2; x }; end
def c; [1, 2, 3].select { |x| return x * 7 if x == 2 }; end
def d; (1..3).each { |x| return x * 7 if x == 2 }; end
def e; (1..3).map { |x| return x * 7 if x == 2 }; end
def f; {a: 1}.each { |k, v| return v }; end
def g; [1, 2].each_with_index { |x, i| return i if x == 2 }; end
def h; [1, 2].inject(0) { |s, x| return x if x == 2; s }; end
p a, d, f
p b rescue p $!
p c rescue p $!
p e rescue p $!
p g rescue p $!
p h rescue p $!
def t3; {a: 1}.map { |k, v| return k }; end
p t3
def t4; [1, 2].each_slice(1) { |s| return s }; end
p t4
def t6; [1, 2].detect { |x| return x * 3 }; end
p t6
