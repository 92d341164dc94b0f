
def t; p yield; rescue => e; p [e.class, e.message]; end
p File.dirname("/a/b/c/d", 2), File.dirname("a/b", 0), File.dirname("a/b/c", 9), File.dirname("///")
t { File.dirname("a", -1) }
p File.basename("/x/y.rb", ".rb"), File.basename("y.rb", "y.rb")
p File.basename("///"), File.basename("a/b//")
p File.extname("a/b.c/"), File.extname("x.tar.gz"), File.extname("/.a"), File.extname("a.")
p File.join(["a", ["b", []], "c"]), File.join("a//", "//b"), File.join("", ""), File.join("/")
t { File.join("a", nil) }
p File.expand_path("a/../../b", "/x/y"), File.expand_path("/..//x/./y/")
p File.expand_path("~/q").end_with?("/q")
p File.expand_path("q", "~").end_with?("/q"), File.absolute_path("~x", "/base")
p File.absolute_path("/a/../b")
p File.absolute_path?("/a"), File.absolute_path?("a")
t { File.absolute_path?(1) }
t { File.expand_path("~no_such_user_zz") }
t { File.path(:sym) }
f = File.open("e.txt", "w")
p f.inspect, f.atime.class, f.ctime.class, f.mtime.class, f._atime.class
f.close
p File.instance_methods(false).sort, File.singleton_methods(false).include?(:_getwd)
p STDIN.instance_variables, IO.instance_methods(false).include?(:_read_buf)
