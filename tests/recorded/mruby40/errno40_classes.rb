
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
