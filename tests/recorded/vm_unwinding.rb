def m
  [1, 2].each { |x| return x * 10 if x == 2 }
end
p m
def e
  begin
    [1].each { return :r }
  ensure
    puts :ens
  end
end
p e
p [1, 2, 3].each { |x| break x if x == 2 }
def n
  while true
    begin
      break
    ensure
      puts :w
    end
  end
  :n
end
p n
