-- suspended in compiled code (built in with mobilua build --cli): a numeric
-- for, a call chain and an upvalue shared by closures
local total = 0
local function add(x) total = total + x return total end
local function step(i)
  if i == 500 then mb.freeze("compiled.cont") end
  return add(i % 7)
end
local last
for i = 1, 1000 do last = step(i) end
print(total, last)
