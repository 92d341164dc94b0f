print "name? "
name = gets
puts "hi #{name}"
