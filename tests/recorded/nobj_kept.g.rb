class Item
  def initialize(name, pair); @name = name; @pair = pair; end
  def name; @name; end
  def pair; @pair; end
end
kept = []
i = 0
while i < 5000
  kept << Item.new("s" + i.to_s, [i, "t"])
  i += 1
end
GC.start
x = []
j = 0
while j < 3000
  x << [j]
  j += 1
end
GC.start
p kept.size, kept[4999].name, kept[17].pair, kept[2500].pair[1] + kept[2500].name
