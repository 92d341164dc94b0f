
def t; p yield; rescue => e; p [e.class, e.message]; end
File.open("d.txt", "w") do |f|
  f.puts "héllo", "two", "three"; f.print "4", 5; f << "six" << "\n"; f.putc "xyz"; f.putc 65
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
w.write "a\nb\n", "c", 7
w.close
p r.readlines, r.eof?, r.gets, r.read, r.read(1)
r.close
$stdout.putc "Z"
putc 10
