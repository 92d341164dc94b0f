# float arithmetic and comparisons in while loops (a Mandelbrot count)
scale = (ARGV[0] || 1).to_i   # bench/run.py --scale
count = 0
rep = 0
while rep < scale
  y = -1.0
  while y < 1.0
    x = -2.0
    while x < 0.5
      zr = 0.0
      zi = 0.0
      n = 0
      while n < 50 && zr * zr + zi * zi < 4.0
        t = zr * zr - zi * zi + x
        zi = 2.0 * zr * zi + y
        zr = t
        n += 1
      end
      count += 1 if n == 50
      x += 0.04
    end
    y += 0.04
  end
  rep += 1
end
puts count
