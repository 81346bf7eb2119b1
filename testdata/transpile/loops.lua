-- loops.lua: what compiled code runs fast (numeric loops, arithmetic,
-- tables, globals, upvalues) and the instructions it leaves to the interpreter
local total = 0
local function add(x) total = total + x ^ 2 end
local t = {}
for i = 1, 10 do
  t[i] = i * 1.5 - 1 / i % 3
  if t[i] >= 2 and t[i] ~= 4 then add(t[i]) end
end
local a, b
local c = a or b
local d = (a and b) or c
count = #t + (-total)
while count < 100 do count = count + 1 end
for k, v in pairs(t) do t.last = v end
print(total, c, d, count, t.last, not d)
