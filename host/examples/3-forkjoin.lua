-- 3: fork/join — split a sum among four copies of this process, then join
local workers, n = 4, 1000000
for w = 1, workers do
  local child, parent = mb.fork()
  if not child then
    local s = 0
    for i = (w - 1) * n / workers + 1, w * n / workers do s = s + i end
    mb.send(parent, s)
    mb.exit(0)
  end
end
local total = 0
for w = 1, workers do total = total + mb.receive() end
print("sum of 1.." .. n .. " = " .. total)
