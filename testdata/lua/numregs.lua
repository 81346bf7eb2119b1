-- registers that hold numbers and stop holding them: compiled code skips
-- the number test where its analysis knows a register holds a number, and
-- stores only the float where one already does (see gogen/numbers.go).
-- When compiled code finds a register not holding the number it expects,
-- the function changes to its plain code (compiled code: deopts).

-- a local a closure captures changes under a call
local x = 1
local function set(v) x = v end
x = x + 1
set("a")
print(x .. "b")                 --> =ab
set("5")
print(x + 1)                    --> =6
set(10)
x = x * 2
print(x)                        --> =20

-- a captured loop variable
for i = 1, 3 do
  local f = function() i = i .. "!" end
  f()
  print(i)
end
--> =1!
--> =2!
--> =3!

-- a numeric for loop over strings: FORPREP converts them
for i = "1", "5", "2" do print(i + 0, type(i)) end
--> =1	number
--> =3	number
--> =5	number

-- a register that is a number on one path and a string on the other
local acc = 0
for i = 1, 6 do
  local y = i
  if i % 2 == 0 then y = tostring(i) .. "" end
  acc = acc + y
end
print(acc)                      --> =21

-- a number that becomes a string in the middle of a loop
local z = 0
for i = 1, 4 do
  z = z + 1
  if i == 2 then z = "7" end
end
print(z, type(z))               --> =9	number

-- arithmetic with a string operand gives a number; with a metamethod, anything
local s = "10"
local n = s + 1
print(n * 2)                    --> =22
local v = setmetatable({}, {__add = function() return "str" end, __unm = function() return {} end})
local w = v + 1
print(w .. "!")                 --> =str!
w = 1 + 1
print(w)                        --> =2
w = -v
print(type(w))                  --> =table

-- and/or (TESTSET)
local a = nil
local b = a or 5
print(b + 1)                    --> =6
local c = false and 1 or "s"
print(c .. 1)                   --> =s1
local d = 3
d = d > 2 and d or "no"
print(d + 1)                    --> =4

-- varargs over registers that held numbers
local function va(...)
  local p, q = 1, 2
  p, q = ...
  return p, q
end
print(va("x", 4))               --> =x	4
print(va())                     --> =nil	nil

-- numbers kept across calls; a call's results replace numbers
local k = 5
local function one() return 1 end
k = k + one()
print(k)                        --> =6
local m = 1
m = tostring(m)
print(m .. m)                   --> =11

-- unary minus on a string; comparisons of numbers known
local u = "3"
print(-u)                       --> =-3
local e, f = 0 / 0, 1
print(e == e, e < f, f <= f)    --> =false	false	true

-- a loop counter used after a call that writes the registers above it
local t = {}
for i = 1, 3 do
  t[i] = select("#", i, i, i) + i
end
print(t[1], t[2], t[3])         --> =4	5	6

-- concatenation works in place over its operands
local q1, q2 = 1, 2
for i = 1, 2 do
  local r1, r2 = q1 + i, q2 + i
  local cat = r1 .. r2
  print(cat, r1 + r2)
end
--> =23	5
--> =34	7
-- an operand that is a string: compiled code leaves after the instruction
-- (what follows it knows the operands are numbers), and the entries after
-- it (where the call returns) find one is not
local function id(v) return v end
local sum = 0
for i = 1, 6 do
  local a = i
  if i % 3 == 0 then a = tostring(i) end
  local b = a + 1
  id(b)
  sum = sum + b + a * 2
  if i % 2 == 0 then a = i .. "" end
  sum = sum - a
end
print(sum)                      --> =48

-- arithmetic metamethods in a loop, among number arithmetic
local V = {}
V.__index = V
V.__add = function(p, q) return setmetatable({x = p.x + q.x}, V) end
V.__mul = function(p, k) return setmetatable({x = p.x * k}, V) end
local pos, vel = setmetatable({x = 0}, V), setmetatable({x = 1}, V)
local last
for i = 1, 4 do
  pos = pos + vel * i
  local d = pos.x * 2 + i
  last = d - i / 2
  print(pos.x, d, last)
end
--> =1	3	2.5
--> =3	8	7
--> =6	15	13.5
--> =10	24	22
print(pcall(function() return pos * 2 + 1 end))
--> ~^false	numregs.lua:[0-9]+: attempt to index local .q. \(a number value\)$
---
-- (compiled code: no deopt) numbers from tables and parameters: compiled
-- code tests them once and knows them after, across calls, in budget
-- slices and after them
local function norm(v) return math.sqrt(v.x * v.x + v.y * v.y) end
local function step(p, dt)
  local x, y = p.x, p.y
  local vx, vy = p.vx, p.vy
  for i = 1, 10 do
    local d = norm(p) + 1
    vx = vx - x / d * dt
    vy = vy - y / d * dt
    x, y = x + vx * dt, y + vy * dt
    p.x, p.y = x, y
    if d > 2 then vx = -vx end
  end
  p.vx, p.vy = vx, vy
end
local p = {x = 1, y = 0, vx = 0, vy = 1}
for i = 1, 20 do step(p, 0.1) end
print(string.format("%.6f %.6f %.6f %.6f", p.x, p.y, p.vx, p.vy)) --> =-0.664211 0.429871 -0.431557 1.001633
---
-- a metamethod's result is no number
local v = setmetatable({}, {__unm = function() return {} end})
local w = -v
w = -w.x
### "numregs.lua:174: attempt to perform arithmetic on field 'x' \(a nil value\)"
