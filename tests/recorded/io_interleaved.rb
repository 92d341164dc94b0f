puts "out 1"
$stderr.puts "err 1"
print "out 2 "
STDERR.write "err 2\n"
p :out3
$stdout.write "out 4\n"
$stderr.print "err 3\n"
STDOUT.syswrite "out 5\n"
warn_io = IO.new(2, "w")
warn_io.puts "err 4"
$stdout.printf("%s\n", "out 6")
IO.popen("echo child out; echo child err >&2") { |io| print io.read }
$stdout << "out 7\n"
STDERR << "err 5\n"
puts `echo back; echo back err >&2`
def deep(n) = n == 0 ? raise("uncaught") : deep(n - 1)
deep(2)
