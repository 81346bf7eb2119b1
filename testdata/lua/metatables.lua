-- metatables and metamethods
local V = {}
V.__index = V
local function vec(x, y) return setmetatable({x = x, y = y}, V) end
V.__add = function(a, b) return vec(a.x + b.x, a.y + b.y) end
V.__sub = function(a, b) return vec(a.x - b.x, a.y - b.y) end
V.__mul = function(a, b) if type(b) == "number" then return vec(a.x * b, a.y * b) end return a.x * b.x + a.y * b.y end
V.__div = function(a, b) return vec(a.x / b, a.y / b) end
V.__mod = function(a, b) return "mod" end
V.__pow = function(a, b) return "pow" end
V.__unm = function(a) return vec(-a.x, -a.y) end
V.__eq = function(a, b) return a.x == b.x and a.y == b.y end
V.__lt = function(a, b) return a.x < b.x end
V.__le = function(a, b) return a.x <= b.x end
V.__concat = function(a, b)
  local function s(v) if type(v) == "table" then return "(" .. v.x .. "," .. v.y .. ")" end return tostring(v) end
  return s(a) .. s(b)
end
V.__tostring = function(v) return "vec(" .. v.x .. ", " .. v.y .. ")" end
V.__call = function(self, k) return self[k] end
V.__len = function() return 99 end
function V:norm2() return self.x * self.x + self.y * self.y end
local a, b = vec(1, 2), vec(3, 4)
print(tostring(a + b), tostring(b - a), tostring(a * 2), a * b) --> =vec(4, 6)	vec(2, 2)	vec(2, 4)	11
print(tostring(b / 2), a % b, a ^ b, tostring(-a))  --> =vec(1.5, 2)	mod	pow	vec(-1, -2)
print(a == vec(1, 2), a ~= b, a == b)              --> =true	true	false
print(a < b, a <= b, a > b, a >= b)                 --> =true	true	false	false
print(a .. b, a .. "!", "<" .. a, 1 .. a)           --> =(1,2)(3,4)	(1,2)!	<(1,2)	1(1,2)
print("x" .. a .. "y" .. b .. "z")                  --> =x(1,2)y(3,4)z
print(a("x"), a:norm2(), #a)                        --> =1	5	0
print(a)                                            --> =vec(1, 2)
-- __index / __newindex as functions and tables
local log = {}
local proxy = setmetatable({}, {
  __index = function(t, k) return k .. "!" end,
  __newindex = function(t, k, v) log[#log + 1] = k .. "=" .. tostring(v); rawset(t, k, v) end,
})
print(proxy.foo, proxy[1])                          --> =foo!	1!
proxy.a = 1; proxy.a = 2
print(table.concat(log, " "), proxy.a)             --> =a=1	2
local base = {greet = function() return "hi" end}
local mid = setmetatable({}, {__index = base})
local top = setmetatable({}, {__index = mid})
print(top.greet(), top.missing)                     --> =hi	nil
local store = {}
local w = setmetatable({}, {__newindex = store})
w.k = "v"
print(rawget(w, "k"), store.k)                      --> =nil	v
-- __metatable protects
local prot = setmetatable({}, {__metatable = "locked"})
print(getmetatable(prot))                           --> =locked
print(pcall(setmetatable, prot, {}))                --> =false	cannot change a protected metatable
print(getmetatable("abc").__index == string)       --> =true
print(("abc"):upper(), ("x"):rep(3))                --> =ABC	xxx
-- __eq only for same types with the same metamethod
local e1 = setmetatable({}, {__eq = function() return true end})
local e2 = setmetatable({}, {__eq = function() return true end})
print(e1 == e2, e1 == e1)                            --> =false	true
local eqm = {__eq = function() return true end}
print(setmetatable({}, eqm) == setmetatable({}, eqm)) --> =true
-- __le falls back to not __lt(b, a)
local L = {__lt = function(x, y) return x.v < y.v end}
local l1, l2 = setmetatable({v = 1}, L), setmetatable({v = 2}, L)
print(l1 <= l2, l2 <= l1)                            --> =true	false
-- rawequal, rawget, rawset bypass
print(rawequal(a, vec(1, 2)), rawget(a, "norm2"))   --> =false	nil
---
-- not-differential: lua5.1 recurses in C here and says "C stack overflow"
local t = setmetatable({}, {__index = function(t, k) return t[k] end})
print(pcall(function() return t.x end))
--> ~^false	.*stack overflow
---
print(#setmetatable({}, {__len = function() return 5 end}))  --> =0
---
local t = setmetatable({}, {__add = function() return 1 end})
print(t + 1, 1 + t, "2" + t)                        --> =1	1	1
print({} + 1)
### "attempt to perform arithmetic on a table value"
---
-- a metatable's metamethods found again after its fields move: removed
-- fields are dropped when new keys make it grow, and __index with them
local mt = {a = 1, b = 2, c = 3, d = 4}
mt.__index = function(_, k) return "idx " .. k end
mt.__tostring = function() return "obj" end
local obj = setmetatable({}, mt)
print(obj.x, tostring(obj))                          --> =idx x	obj
mt.a, mt.b, mt.c, mt.d = nil, nil, nil, nil
print(obj.y, tostring(obj))                          --> =idx y	obj
for i = 1, 20 do mt[i] = i end
print(obj.z, tostring(obj))                          --> =idx z	obj
-- one assignment site, objects of one class in turn: a field an object
-- has is set raw (no __newindex); one it lacks, or lost, goes to __newindex
local sets = {}
local Cls = {__index = {kind = "cls"}, __newindex = function(t, k, v) sets[#sets + 1] = k .. "=" .. tostring(v); rawset(t, k, v) end}
local has, lacks = setmetatable({n = 0}, Cls), setmetatable({}, Cls)
for i = 1, 6 do
  local o = i % 2 == 0 and has or lacks
  o.n = i
end
print(table.concat(sets, " "), has.n, lacks.n)      --> =n=1	6	5
has.n = nil
for i = 1, 3 do has.n = i end
print(table.concat(sets, " "), has.n, has.kind)     --> =n=1 n=1	3	cls
local Plain = {__index = {}}
local po = setmetatable({}, Plain)
for i = 1, 3 do po.f = i; po[i] = i end
print(po.f, #po, rawget(po, "f"))                   --> =3	3	3
---
-- one reading site, one object: a field the object had and lost is looked
-- up through __index (the site's hint still points at its entry)
local D = {__index = {name = "default", greet = function() return "class" end}}
local o = setmetatable({name = "own", greet = function() return "own" end}, D)
local got = {}
for i = 1, 3 do
  got[#got + 1] = o.name .. ":" .. o:greet()
  if i == 1 then o.name = nil; o.greet = nil end
end
print(table.concat(got, " "))                       --> =own:own default:class default:class
-- one writing site: a slot that was nil is filled, and the border moves
local a = {1, 2, 3, 4}
a[2] = nil
for _, i in ipairs({1, 3, 2}) do a[i] = i * 10 end
print(#a, a[2], a[3])                               --> =4	20	30
---
-- a key not known in advance (a register) up an __index chain: tables,
-- then a function at its end; a chain that never ends is an error
local base = setmetatable({}, {__index = function(t, k) return "f:" .. k end})
local mid = setmetatable({m = 1}, {__index = base})
local top = setmetatable({}, {__index = mid})
local got = {}
for _, k in ipairs({"m", "x", "m", 1}) do got[#got + 1] = tostring(top[k]) end
print(table.concat(got, " "))                       --> =1 f:x 1 f:1
local loop = {}
setmetatable(loop, {__index = loop})
local key = "z"
print(pcall(function() return loop[key] end))       --> =false	metatables.lua:136: loop in gettable
---
-- not-differential: lua5.1 cannot yield across a metamethod; Mobilua can (a process may freeze there)
local V = {}
-- metamethods that yield inside coroutines
local Y = {__add = function(x, y) coroutine.yield("in add"); return x.v + y.v end,
  __index = function(t, k) coroutine.yield("in index"); return k end}
local co = coroutine.wrap(function()
  local p, q = setmetatable({v = 1}, Y), setmetatable({v = 2}, Y)
  return p + q, p.zz
end)
print(co())                                          --> =in add
print(co())                                          --> =in index
print(co())                                          --> =3	zz

-- a metatable whose __index lies past 32767 other fields: found each time
-- (its position is past what the metamethod cache keeps), and a new
-- __index is seen at once
local big = {}
for i = 1, 40000 do big["f" .. i] = i end
big.__index = function(t, k) return k .. "!" end
local obj = setmetatable({}, big)
print(obj.x, obj.y, rawget(obj, "x"))                 --> =x!	y!	nil
big.__index = {x = 1}
print(obj.x, obj.y)                                   --> =1	nil
big.__index = nil
print(obj.x)                                          --> =nil

-- one field read meeting objects of two shapes, and fields set to nil
-- read again (found where the read's cache says, their value nil): the
-- __index chain answers for those only
local Defaults = {__index = {link = "default", x = "class"}}
local objs = {setmetatable({x = 1, y = 2, link = 1}, Defaults), setmetatable({y = 3, x = 4, link = 2}, Defaults)}
local seen = {}
for round = 1, 3 do
  for i = 1, 2 do seen[#seen + 1] = objs[i].x .. ":" .. objs[i].link end
  for i = 1, 2 do objs[i].link = nil end
  if round == 2 then objs[2].x = nil end
end
print(table.concat(seen, " "))                        --> =1:1 4:2 1:default 4:default 1:default class:default
