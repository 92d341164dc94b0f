pr = proc { break 1 }
pr.call
