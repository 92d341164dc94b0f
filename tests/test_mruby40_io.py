"""mruby 4.0.0's mruby-io and mruby-errno (runtime/dialects/mruby40/core/io.py,
file.py, errno.py): small programs run by riteload under both engines and
compared with what mruby 4.0.0 prints, live when its binaries are at hand
(../shared/tools/mruby-4.0.0/bin, or $MRUBY40), otherwise as recorded in
tests/recorded/mruby40/ (tests/mruby_runs.py; ``RITELOAD_RECORD=1`` records
them again).  They cover what the fixture programs 700-706 do not: the
Errno classes, the read buffer's eof flag, ``dup``'s own buffer, writes that
skip a subclass's ``write``, one-byte ``getc``, File's C path methods.
"""

from __future__ import annotations

import pytest

from mruby_runs import assert_snippet_matches_mruby40

SNIPPETS = {
    # SystemCallError.new's forms, Errno.const_missing, mrb_sys_fail's Errno
    "errno40_classes": """
def t; p yield; rescue => e; p [e.class, e.message]; end
p Errno::ENOENT, Errno::ENOENT::Errno, Errno::EWOULDBLOCK, Errno::EAGAIN::Errno
p Errno::ENOENT.superclass, SystemCallError.superclass, Errno.constants.size
t { Errno::ENOENT.new("x").message }
t { Errno::ENOENT.new.errno }
t { Errno::EBADF.new(3) }
t { SystemCallError.new("a", 2) }
t { SystemCallError.new(13).class }
t { SystemCallError.new("q").errno }
t { e = SystemCallError.new("a", 9999); [e.message, e.errno] }
t { SystemCallError.new }
t { Errno.const_defined?(:EINTEGRITY) }
t { Errno::EINTEGRITY }
t { Errno::ENOSUCH }
t { Errno.const_defined?(:ENOSUCH) }
t { SystemCallError._sys_fail(2, "here") }
t { File.open("no/such/file") }
t { e = (File.read("nope") rescue $!); [e.class, e.errno, e.is_a?(SystemCallError)] }
t { IO.new(77) }
t { File.size("nope") }
t { File.rename("nope", "other") }
""",
    # io_gets/io_read/io_getc..., the sticky eof flag, ungetc, dup, writes
    "io40_buffer_writes": """
def t; p yield; rescue => e; p [e.class, e.message]; end
File.open("d.txt", "w") do |f|
  f.puts "héllo", "two", "three"; f.print "4", 5; f << "six" << "\\n"; f.putc "xyz"; f.putc 65
end
p File.read("d.txt")
f = File.open("d.txt")
p f.getc, f.getc, f.pos, f.gets(2), f.gets("", 3), f.gets(nil, 4), f.gets(nil)
t { f.gets(nil, -1) }
p f.gets, f.eof?, f.read, f.read(3), f.getc, f.getbyte
p f.seek(2), f.pos, f.gets, f.rewind, f.readlines("t")
p f.sysseek(0), f.sysread(3), f.read(2), f.pos
t { f.sysseek(0); f.sysread(1000); f.sysread(1) }
t { f.ungetc("ab"); f.ungetbyte(0x43); f.ungetbyte(""); [f.read(3), f.read(2)] }
t { f.ungetc("x" * 40000) }
t { f.read(-1) }
t { f.read(2, "buf".freeze) }
f.rewind
g = f.dup
p g.gets, f.gets, f.pos
f.close
t { g.readline(2) }
t { g.readchar }
g.close
class Loud < File
  def write(*a) super(*a.map(&:upcase)) end
end
Loud.open("l.txt", "w") do |l|
  l.puts "puts"; l.print "print"; l << "lshift"; l.write "write"; l.printf("%s", "printf")
end
p File.read("l.txt")
r, w = IO.pipe
w.write "a\\nb\\n", "c", 7
w.close
p r.readlines, r.eof?, r.gets, r.read, r.read(1)
r.close
$stdout.putc "Z"
putc 10
""",
    # dirname's level, basename's suffix, extname, join, expand_path,
    # absolute_path, File#inspect/atime/ctime, the methods 4.0 dropped
    "file40_paths": """
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
""",
}


@pytest.mark.parametrize("name", sorted(SNIPPETS))
@pytest.mark.parametrize("engine", ["interp", "native"])
def test_io_snippet_matches_mruby40(name, engine, tmp_path):
    assert_snippet_matches_mruby40(name, SNIPPETS[name], engine, tmp_path)
