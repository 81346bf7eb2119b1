-- A main chunk long enough to be compiled in parts (gogen's split): the
-- parts are cut between statements that no loop spans, and jumps from
-- one part to another go forward, through the runtime (NativeJump).
local t = {x = 1, y = 2, z = 3, list = {}}
t.x = t.x + t.y * t.z
t.y = t.y - t.x / 2
t.z = t.x % 7 + t.y ^ 2
local s = t.x + t.y + t.z
if s > 10 then
  t.big = true
  t.list[1] = s
else
  t.big = false
  t.list[1] = -s
end
for i = 2, 20 do
  t.list[i] = t.list[i - 1] * 2 % 1000 + i
end
local sum = 0
for i, v in ipairs(t.list) do
  sum = sum + v * i
end
t.sum = sum
local words = {"alpha", "beta", "gamma"}
local lens = {}
for i = 1, #words do
  lens[words[i]] = #words[i]
end
t.alpha = lens.alpha + lens.beta * lens.gamma
t.beta = t.alpha - lens.beta
t.gamma = t.beta * t.alpha % 97
local n, steps = 27, 0
while n ~= 1 do
  if n % 2 == 0 then n = n / 2 else n = 3 * n + 1 end
  steps = steps + 1
  if steps > 1000 then break end
end
t.steps = steps
local acc = {a = 0, b = 0, c = 0}
acc.a = t.x + t.y
acc.b = acc.a * t.z - t.sum
acc.c = acc.b % 13 + acc.a
acc.a = acc.c * 2 + acc.b
acc.b = acc.a - acc.c
acc.c = acc.a + acc.b + acc.c
if acc.c > 100 and t.big then
  t.result = acc.c - t.steps
elseif acc.c < 0 then
  t.result = -acc.c
else
  t.result = acc.a + acc.b
end
local m = {}
for i = 1, 10 do
  m[i] = {}
  for j = 1, 10 do
    m[i][j] = (i * j + t.steps) % 11
  end
end
local trace = 0
for i = 1, 10 do
  trace = trace + m[i][i] + m[i][11 - i]
end
t.trace = trace
t.final = t.result + t.trace + t.gamma + acc.a + acc.b + acc.c
print(t.x, t.y, t.z, t.sum, t.steps, t.result, t.trace, t.final)
