"""The mruby-io gem's own tests (mrbgems/mruby-io/test/io.rb, file.rb and
file_test.rb of mruby 3.1.0), ported: what they check, printed instead of
asserted, by programs run under ``mruby -b`` and under ``riteload run``
(both engines for some), each in a scratch folder of its own prepared the
same way; stdout, stderr and exit status must be mruby's.

What the gem's C test helper (``MRubyIOTestUtil``) sets up, the prelude
makes in Ruby: a file holding ``$msg``, an empty one, a symbolic link to the
first and a UNIX socket (made with UNIXServer, runtime/core/socket.py); the
folder ``tmpdir`` (mruby-io cannot make folders) is made by this test.
Not ported: ``IO#isatty`` on /dev/tty (whether there is one depends on how
the tests run) and what depends on the folder the test runs in (realpath's
absolute names are compared, not printed).  These programs depend on the
machine (file systems, /usr/bin, the shell), so nothing is recorded: without
mruby 3.1 on PATH they are skipped.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from mruby_runs import LIVE, ROOT, TOOLS

pytestmark = pytest.mark.skipif(not LIVE, reason="mruby 3.1 (mruby, mrbc) not on PATH")
TIMEOUT = 60

PRELUDE = """\
def t(name)
  r = yield
  puts "#{name}: #{r.inspect}"
rescue Exception => e
  puts "#{name}: #{e.class}: #{e.message}"
end
def e                   # the class of what the block raises
  yield
rescue Exception => x
  x.class
end
$msg = "mruby io test\\n"
$rf, $wf, $link, $sock = "io_read.txt", "io_write.txt", "io_link", "io_socket"
File.open($rf, "w") { |f| f.write $msg }
File.open($wf, "w") {}
File.symlink($rf, $link)
UNIXServer.new($sock).close
"""

CASES = {
    "io_open": """
t("class") { [IO.class, IO.superclass, IO.ancestors.include?(Enumerable)] }
[:open, :for_fd, :new].each do |meth|
  t("#{meth}") {
    fd = IO.sysopen($rf)
    io = IO.__send__(meth, fd)
    r = [fd.class, io.class, io.read]
    io.close
    r
  }
  t("#{meth} with a block") {
    got = nil
    io = IO.__send__(meth, IO.sysopen($rf)) { |i| got = i.read }
    r = [got, io.class]
    io.close unless meth == :open
    r
  }
  t("#{meth} 1023") { IO.__send__(meth, 1023) }
  t("#{meth} 1 << 26") { IO.__send__(meth, 1 << 26) }
end
t("new(0) a hundred times") { 100.times { IO.new(0) }; :ok }
""",
    "io_state": """
t("close") { io = IO.new(IO.sysopen($rf)); [io.closed?, io.close, io.closed?] }
t("close twice") { io = File.open($rf, "r"); io.close; io.close }
t("eof? write-only") {
  io = IO.new(IO.sysopen($wf, "w"), "w")
  begin
    io.eof?
  ensure
    io.close
  end
}
t("eof? empty") {
  IO.open(IO.sysopen($wf, "w"), "w").close
  io = IO.open(IO.sysopen($wf, "r"), "r")
  r = io.eof?
  io.close
  r
}
t("eof? full") {
  io = IO.new(IO.sysopen($rf))
  r = [io.eof?, io.readchar, io.eof?, io.read, io.eof?]
  io.close
  r
}
t("flush") { io = IO.new(IO.sysopen($wf)); r = io.flush.equal?(io); io.close; r }
t("flush closed") { io = IO.new(IO.sysopen($wf)); io.close; io.flush }
t("sync") {
  io = IO.new(IO.sysopen($rf))
  r = [io.sync]
  io.sync = true
  r << io.sync
  io.sync = false
  r << io.sync
  io.close
  r
}
t("sync closed") { io = IO.new(IO.sysopen($rf)); io.close; io.sync }
t("sync= closed") { io = IO.new(IO.sysopen($rf)); io.close; io.sync = true }
t("fileno") {
  fd = IO.sysopen($rf)
  io = IO.new(fd)
  r = [io.fileno == fd, io.to_i == fd]
  io.close
  r
}
t("close_on_exec") {
  io = IO.new(IO.sysopen($wf, "w"), "w")
  r = [io.close_on_exec?]
  [false, true, false].each { |b| io.close_on_exec = b; r << io.close_on_exec? }
  io.close
  rd, wr = IO.pipe
  [rd, wr].each do |x|
    r << x.close_on_exec?
    x.close_on_exec = false
    r << x.close_on_exec?
    x.close_on_exec = true
    r << x.close_on_exec?
    x.close
  end
  r
}
""",
    "io_read": """
t("getc") { io = IO.new(IO.sysopen($rf)); r = []; 16.times { r << io.getc }; io.close; r }
t("getbyte") { io = IO.new(IO.sysopen($rf)); r = []; 16.times { r << io.getbyte }; io.close; r }
t("readchar") {
  IO.open(IO.sysopen($rf)) do |io|
    r = []
    14.times { r << io.readchar }
    r << e { io.readchar }
  end
}
t("read") {
  IO.open(IO.sysopen($rf)) do |io|
    r = [e { io.read(-5) }, e { io.read("str") }]
    r + [io.read(0), io.read(5), io.read(100), io.read, io.read(1)]
  end
}
t("read all") { IO.open(IO.sysopen($rf)) { |io| io.read } }
t("read more than BUF_SIZE") {
  IO.pipe do |r, w|
    n = IO::BUF_SIZE + 1
    w.write "a" * n
    r.read(n) == "a" * n
  end
}
t("_read_buf") {
  io = IO.new(IO.sysopen($rf))
  def io._buf
    @buf
  end
  r = [io._buf, io._read_buf, io._buf, io.read(5), io.pos, io._buf.size, io.read, io._buf.size]
  r << e { io._read_buf }
  r += [io.eof, io.eof?]
  io.close
  r
}
t("pos=, seek, rewind") {
  io = IO.new(IO.sysopen($rf))
  r = [io.getc, io.pos, io.seek(0), io.pos, io.getc, io.rewind, io.pos]
  io.pos = 3
  r += [io.getc, io.sysseek(2), io.sysseek(3, IO::SEEK_CUR), io.sysseek(-4, IO::SEEK_END)]
  io.close
  r
}
t("gets") {
  io = IO.new(IO.sysopen($rf))
  r = [io.gets, io.gets]
  io.pos = 0
  r << io.gets(5)
  io.pos = 0
  r << io.gets(" ")
  io.pos = 0
  r << io.gets(" ", 5)
  io.close
  r << io.closed?
}
t("gets many lines") {
  io = IO.new(IO.sysopen($wf, "w"), "w")
  io.write "0123456789" * 2 + "\\na"
  r = [io.pos]
  io.close
  io = IO.new(IO.sysopen($wf))
  line = io.gets
  r += [line, line.size, io.pos, io.gets, io.gets]
  io.close
  r
}
t("gets paragraphs") {
  io = IO.new(IO.sysopen($wf, "w"), "w")
  io.write "0" * 10 + "\\n"
  io.write "1" * 10 + "\\n\\n"
  io.write "2" * 10 + "\\n"
  r = [io.pos]
  io.close
  io = IO.new(IO.sysopen($wf))
  r += [io.gets(""), io.gets("")]
  io.close
  r
}
t("pread") {
  IO.open(IO.sysopen($rf, "r"), "r") do |io|
    [io.pread(8, 5), io.pos, io.pread(5, 1), io.pos, e { io.pread(20, -9) }]
  end
}
t("IO.read") {
  IO.new(IO.sysopen($wf, "w"), "w").close
  r = [IO.read($wf), IO.read($wf, 1)]
  io = IO.new(IO.sysopen($wf, "w"), "w")
  io.write "123"
  io.close
  r + [IO.read($wf), IO.read($wf, 0), IO.read($wf, 1), IO.read($wf, 0, 10), IO.read($wf, 2, 1),
       IO.read($wf, 10, 1), IO.read($wf, nil, 10), IO.read($wf, 1, 10)]
}
""",
    "io_write": """
t("write") {
  io = IO.open(IO.sysopen($wf))
  r = [io.write("")]
  io.close
  io = IO.open(IO.sysopen($wf, "r+"), "r+")
  r << io.write("abcdefg")
  io.rewind
  r += [io.read(2), io.write("123")]
  io.rewind
  r << io.read
  io.close
  r
}
t("<<") { io = IO.open(IO.sysopen($wf)); io << "" << ""; r = io.pos; io.close; r }
t("dup for reading") {
  io = IO.new(IO.sysopen($rf))
  dup = io.dup
  r = [io != dup, io.fileno != dup.fileno, dup.close_on_exec?]
  r += [dup.sysread(1), io.sysread(1), dup.sysread(1), io.sysread(1), dup.sysread(1)]
  dup.close
  r << io.closed?
  io.close
  r
}
t("dup for writing") {
  io = IO.open(IO.sysopen($wf, "w+"), "w+")
  dup = io.dup
  io.syswrite "mruby"
  r = [dup.sysseek(0, IO::SEEK_CUR)]
  io.sysseek 0, IO::SEEK_SET
  r += [dup.sysseek(0, IO::SEEK_CUR), dup.sysread(5)]
  dup.close
  io.close
  r
}
t("pwrite") {
  IO.open(IO.sysopen($wf, "w+"), "w+") do |io|
    r = [io.pwrite("Warld!", 7), io.pos, io.pwrite("Hello, ", 0), io.pos, io.read]
    r += [io.pwrite("world!", 7), io.pos]
    io.pos = 0
    r << io.read
  end
}
t("syswrite") {
  io = IO.new(IO.sysopen($wf, "w"), "w")
  r = [io.syswrite("abcdefg")]
  io.close
  io = IO.new(IO.sysopen($rf), "r")
  r << e { io.syswrite("a") }
  io.close
  r
}
t("sysread") {
  io = IO.new(IO.sysopen($rf))
  str1 = "     "
  str2 = io.sysread(5, str1)
  r = [str1, str2]
  r << e { io.sysread(10000); io.sysread(10000) }
  r << e { io.sysread(5, "abcde".freeze) }
  io.close
  r += [io.sysread(0), e { io.sysread(1) }, e { io.sysread(-1) }]
  io = IO.new(IO.sysopen($wf, "w"), "w")
  r << e { io.sysread(1) }
  io.close
  r
}
t("sysopen nonexistent") { IO.sysopen("./nonexistent") }
""",
    "io_popen": """
t("popen") {
  $? = nil
  io = IO.popen("echo mruby-io")
  r = [io.close_on_exec?, io.pid.class, io.read]
  io.close
  r + [$?, io.closed?]
}
t("popen in:") {
  IO.pipe do |r, w|
    w.write "hello"
    w.close
    [IO.popen("cat", "r", in: r) { |i| i.read }, r.read]
  end
}
t("popen in: bad") { IO.popen("hello", "r", in: Object.new) }
t("popen out:") {
  IO.pipe do |r, w|
    IO.popen("echo 'hello'", "w", out: w) {}
    w.close
    r.read
  end
}
t("popen err:") {
  IO.pipe do |r, w|
    x = IO.popen("echo 'hello' 1>&2", "r", err: w) { |i| i.read }
    w.close
    [x, r.read]
  end
}
t("pipe") {
  called = false
  r0 = IO.pipe do |r, w|
    x = [r.kind_of?(IO), w.kind_of?(IO), r.closed?, w.closed?, FileTest.pipe?(r),
         FileTest.pipe?(w), r.pid, w.pid, 2 < r.fileno, 2 < w.fileno, r.fileno != w.fileno,
         r.sync, w.sync, w.write("test for"), r.read(4), r.read(4), w.write(" pipe"), w.close,
         r.read]
    called = true
    x << e { r.write("test") }
  end
  [r0, called, IO.pipe { |r, w| r.close; w.close }]
}
t("backtick") { `echo foo` }
""",
    "file": """
t("class") { [File.class, File.superclass] }
t("initialize") { io = File.open($rf, "r"); [io.close, e { io.close }] }
t("path") { io = File.open($rf, "r"); r = [io.read, io.path]; io.close; r + [io.path, io.closed?] }
t("basename") {
  [File.basename("//"), File.basename("/a/"), File.basename("/a/b"), File.basename("../a/b"),
   e { File.basename("/a/b\\0") }]
}
t("dirname") { ["", "a", "/a", "a/b", "/a/b"].map { |x| File.dirname(x) } }
t("extname") {
  ["foo/foo.txt", "foo/foo.tar.gz", "foo/bar", "foo/.bar", "foo.txt/bar", ".foo", ".a.rb",
   "foo."].map { |x| File.extname(x) }
}
t("flock") {
  f = File.open($rf)
  begin
    [f.flock(File::LOCK_SH), f.flock(File::LOCK_UN), f.flock(File::LOCK_EX | File::LOCK_NB),
     f.flock(File::LOCK_UN)]
  ensure
    f.close
  end
}
t("mtime") {
  name = "#{$wf}.mtime"
  begin
    File.open(name, "w") do |f|
      File.open(name, "r") { |f2| [f.mtime.class, f.mtime == f2.mtime] }
    end
  ensure
    File.delete(name)
  end
}
t("size, truncate") {
  name = "#{$wf}.resize"
  begin
    File.open(name, "w") do |f|
      [f.size, f.truncate(100), f.size, f.pos, f.truncate(5), f.size]
    end
  ensure
    File.delete(name)
  end
}
t("join") {
  [File.join(), File.join("a"), File.join("/a"), File.join("a/"), File.join("a", "b", "c"),
   File.join("/a", "b", "c"), File.join("a", "b", "c/"), File.join("a/", "/b/", "/c"),
   File.join(["a", "b", "c"]), File.join("a", ["b", ["c"]])]
}
t("realpath") {
  rel = "tmpdir/realpath_test"
  path = "#{File._getwd}/#{rel}"
  File.open(path, "w") {}
  begin
    [File.realpath(rel) == path, File.realpath($rf) == File.realpath($link),
     e { File.realpath("TO\\0DO") }]
  ensure
    File.delete path rescue nil
  end
}
t("readlink") { File.readlink($link) }
t("readlink of a file") { File.readlink($rf) }
t("expand_path") {
  [File.expand_path("..", "/tmp"), File.expand_path("..", "/tmp/mruby"), File.expand_path("/home"),
   File.expand_path("/home", "."), File.expand_path("/tmp/..//hoge"),
   File.expand_path("////tmp/..///////hoge"), File.expand_path("../../../..", "/"),
   File.expand_path(([".."] * 100).join("/"))]
}
t("path") {
  [File.path(""), File.path("a/b/c"), File.path("a/../b/./c"), e { File.path(nil) },
   e { File.path(123) }]
}
t("symlink") {
  name = "tmpdir/test-bin-dummy"
  begin
    [File.symlink("/usr/bin", name), File.symlink?(name)]
  ensure
    File.delete name rescue nil
  end
}
t("chmod") {
  name = "#{$wf}.chmod-test"
  File.open(name, "w") {}
  begin
    File.chmod(0400, name)
  ensure
    File.delete(name)
  end
}
""",
    "file_test": """
t("directory?") { [FileTest.directory?("tmpdir"), FileTest.directory?($rf)] }
t("exist?") {
  io = IO.new(IO.sysopen($rf))
  r = [FileTest.exist?($rf), FileTest.exist?($rf + "-"), FileTest.exist?(io)]
  io.close
  r + [io.closed?, e { FileTest.exist?(io) }, e { File.exist?($rf.to_sym) }]
}
t("file?") { [FileTest.file?($rf), FileTest.file?("tmpdir")] }
t("pipe?") { io = IO.popen("ls"); r = [FileTest.pipe?("/tmp"), FileTest.pipe?(io)]; io.close; r }
t("size") { [FileTest.size($rf), FileTest.size($wf)] }
t("size?") {
  r = [FileTest.size?($rf), FileTest.size?($wf), FileTest.size?("not-exist-test-target-file")]
  fp1 = File.open($rf)
  fp2 = File.open($wf)
  r += [FileTest.size?(fp1), FileTest.size?(fp2)]
  fp1.close
  fp2.close
  r + [e { FileTest.size?(fp1) }, fp1.closed?, e { FileTest.size?(fp2) }]
}
t("socket?") { [FileTest.socket?($sock), FileTest.socket?($rf)] }
t("symlink?") { [FileTest.symlink?($link), FileTest.symlink?($rf)] }
t("zero?") {
  r = [FileTest.zero?($rf), FileTest.zero?($wf), FileTest.zero?("not-exist-test-target-file")]
  fp1 = File.open($rf)
  fp2 = File.open($wf)
  r += [FileTest.zero?(fp1), FileTest.zero?(fp2)]
  fp1.close
  fp2.close
  r + [e { FileTest.zero?(fp1) }, e { FileTest.zero?(fp2) }]
}
""",
}


def _scratch(folder, source: str):
    """``folder`` (made) holding p.rb, its p.mrb (``mrbc -g``) and ``tmpdir``."""
    folder.mkdir()
    (folder / "tmpdir").mkdir()
    (folder / "p.rb").write_text(source)
    subprocess.run([TOOLS[0], "-g", "-o", "p.mrb", "p.rb"], cwd=folder, check=True,
                   capture_output=True, timeout=TIMEOUT)
    return folder


def _env() -> dict:
    env = dict(os.environ)
    old = env.get("PYTHONPATH")
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + old if old else "")
    return env


def _run(cmd, cwd):
    p = subprocess.run(cmd, cwd=cwd, capture_output=True, timeout=TIMEOUT, env=_env(),
                       stdin=subprocess.DEVNULL)
    return p.stdout, p.stderr, p.returncode


def _both(tmp_path, name: str, engine: str):
    source = PRELUDE + CASES[name]
    expected = _run([TOOLS[1], "-b", "p.mrb"], _scratch(tmp_path / "mruby", source))
    got = _run([sys.executable, "-m", "riteload", "run", "--engine", engine, "p.mrb"],
               _scratch(tmp_path / "riteload", source))
    return expected, got


QUICK = ("io_read",)                # the quick tier's sample (pytest -m "not slow")


@pytest.mark.parametrize("name", [pytest.param(n, marks=[] if n in QUICK else [pytest.mark.slow])
                                  for n in sorted(CASES)])
def test_io_gem_program_matches_mruby(name, tmp_path):
    expected, got = _both(tmp_path, name, "interp")
    assert expected[2] == 0 and b"Error" not in expected[1]
    assert got == expected


@pytest.mark.slow
@pytest.mark.parametrize("name", ["io_read", "io_write"])
def test_io_gem_program_native(name, tmp_path):
    expected, got = _both(tmp_path, name, "native")
    assert got == expected
