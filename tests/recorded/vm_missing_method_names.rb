class Foo; end
begin; class Foo; alias x nope; end; rescue => e; p e; end
begin; Foo.alias_method(:x, :nope); rescue => e; p e; end
begin; class Foo; undef nope; end; rescue => e; p e; end
begin; 1.instance_variable_set(:@a, 1); rescue => e; p e; end
