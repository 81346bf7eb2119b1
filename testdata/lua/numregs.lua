-- registers that hold numbers and stop holding them: compiled code skips
-- the number test where its analysis knows a register holds a number, and
-- stores only the float where one already does (see gogen/numbers.go)

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
---
-- a metamethod's result is no number
local v = setmetatable({}, {__unm = function() return {} end})
local w = -v
w = -w.x
### "numregs.lua:116: attempt to perform arithmetic on field 'x' \(a nil value\)"
