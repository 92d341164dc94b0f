def down(n) down(n + 1) end
begin
  down(0)
rescue SystemStackError => e
  p e.class
end
$d = 0
def down2; $d += 1; down2; end
begin
  down2
rescue SystemStackError
  p $d
end
