-- freeze points: every mb.yield below suspends the process to its embedder,
-- and the harness's frozen run freezes and thaws it there (lua5.1 runs the
-- same chunks with a stand-in mb).
mb = mb or {yield = function() end}
-- closures sharing an upvalue, one open (its frame is live), one closed
local function counter()
  local n = 0
  return function() n = n + 1; return n end, function() return n end
end
local inc, get = counter()
inc(); inc()
local live = 10
local function bump() live = live + 1 end
mb.yield()
bump(); inc()
print(get(), live)                          --> =3	11
mb.yield()
bump()
print(live, get())                          --> =12	3
---
mb = mb or {yield = function() end}
-- tables: cycles, metatables, array and hash parts, holes, odd keys
local a = {1, 2, 3, nil, 5, x = "y", [2.5] = true, [-1] = "neg"}
a.self = a
local b = setmetatable({}, {__index = a, __tostring = function() return "B!" end})
local key = {}
a[key] = "table key"
a[print] = "function key"
mb.yield()
print(a.self == a, b.x, b[1], tostring(b), a[key], a[print], a[2.5], a[-1]) --> =true	y	1	B!	table key	function key	true	neg
print(#a == 5 or #a == 3, a[5])             --> =true	5
local s = "bin\0ary\255" .. string.rep("z", 3)
mb.yield()
print(#s, s:byte(4), s:byte(8), s == "bin\0ary\255zzz") --> =11	0	255	true
---
mb = mb or {yield = function() end}
-- traversal in progress, with keys removed during it
local t = {}
for i = 1, 20 do t["k" .. i] = i end
local sum, n = 0, 0
for k, v in pairs(t) do
  t[k] = nil
  sum = sum + v
  n = n + 1
  if n % 5 == 0 then mb.yield() end
end
print(sum, n, next(t))                      --> =210	20	nil
---
mb = mb or {yield = function() end}
-- coroutines in every state, and a wrapped one mid-iteration
local co1 = coroutine.create(function(x) local y = coroutine.yield(x + 1); return y * 2 end)
local dead = coroutine.create(function() end)
coroutine.resume(dead)
print(coroutine.resume(co1, 1))             --> =true	2
local gen = coroutine.wrap(function() for i = 1, 3 do coroutine.yield(i) end end)
print(gen())                                --> =1
local inner
local outer = coroutine.create(function()
  inner = coroutine.create(function() mb.yield(); coroutine.yield("from inner") end)
  print(coroutine.status(coroutine.running()))
  print(coroutine.resume(inner))
  mb.yield()
  return "outer done"
end)
print(coroutine.resume(outer))
--> =running
--> =true	from inner
--> =true	outer done
mb.yield()
print(coroutine.status(co1), coroutine.status(dead), coroutine.status(inner), gen(), gen()) --> =suspended	dead	suspended	2	3
print(coroutine.resume(co1, 21))            --> =true	42
---
mb = mb or {yield = function() end}
-- environments, the string metatable, and builtins in progress
local env = setmetatable({}, {__index = _G})
local function f() x_in_env = 5; mb.yield(); return x_in_env end
setfenv(f, env)
print(f(), x_in_env, env.x_in_env)          --> =5	nil	5
getmetatable("").__index.shout = function(s) return s:upper() .. "!" end
mb.yield()
print(("hey"):shout())                      --> =HEY!
local it = string.gmatch("one two three", "%a+")
print(it())                                 --> =one
mb.yield()
print(it(), it(), it())                     --> =two	three
local r = string.gsub("a b c", "%a", function(c) mb.yield(); return c:upper() end)
print(r)                                    --> =A B C
print(pcall(function() mb.yield(); error("after freeze") end)) --> ~false	.*after freeze
---
mb = mb or {yield = function() end}
-- the random generator continues its sequence
math.randomseed(42)
local before = {}
for i = 1, 3 do before[i] = math.random(1000) end
math.randomseed(42)
for i = 1, 3 do assert(math.random(1000) == before[i]) end
local nxt = math.random(1000)
math.randomseed(42)
for i = 1, 3 do math.random(1000) end
mb.yield()
print(math.random(1000) == nxt)             --> =true
---
-- frozen inside a searcher of package.loaders, and inside the module it found
mb = mb or {yield = function() end}
table.insert(package.loaders, 1, function(name)
  mb.yield()
  if name == "frozen.mod" then return function(n) mb.yield() return n .. " loaded" end end
  return "\n\tnot here"
end)
print(require("frozen.mod"))               --> =frozen.mod loaded
print(select(2, pcall(require, "nothing.here")):match("not here") ~= nil) --> =true
