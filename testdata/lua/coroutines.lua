-- coroutines
local co = coroutine.create(function(a, b)
  print("start", a, b)
  local c = coroutine.yield(a + b)
  print("got", c)
  local d, e = coroutine.yield(c * 2)
  print("got", d, e)
  return "end", 99
end)
print(coroutine.status(co))                --> =suspended
print(coroutine.resume(co, 1, 2))
--> =start	1	2
--> =true	3
print(coroutine.status(co))                --> =suspended
print(coroutine.resume(co, 10))
--> =got	10
--> =true	20
print(coroutine.resume(co, "x", "y"))
--> =got	x	y
--> =true	end	99
print(coroutine.status(co))                --> =dead
print(coroutine.resume(co))                --> =false	cannot resume dead coroutine
-- wrap and generators
local function range(n)
  return coroutine.wrap(function() for i = 1, n do coroutine.yield(i) end end)
end
local s = 0
for i in range(10) do s = s + i end
print(s)                                   --> =55
-- running and status inside
local outer
outer = coroutine.create(function()
  print(coroutine.status(outer), coroutine.running() == outer)
  local inner = coroutine.create(function() print(coroutine.status(outer)) end)
  coroutine.resume(inner)
end)
coroutine.resume(outer)
--> =running	true
--> =normal
print(coroutine.running())                 --> =nil
-- errors inside coroutines
local bad = coroutine.create(function() error("oops") end)
print(coroutine.resume(bad))               --> =false	coroutines.lua:42: oops
print(coroutine.status(bad))               --> =dead
local bad2 = coroutine.create(function() error({1}) end)
local ok, e = coroutine.resume(bad2)
print(ok, type(e))                         --> =false	table
-- resume passing values both ways, many coroutines
local function producer()
  return coroutine.create(function()
    for _, w in ipairs({"a", "b", "c"}) do coroutine.yield(w) end
  end)
end
local function consumer(p)
  local out = {}
  while true do
    local ok, v = coroutine.resume(p)
    if not v then break end
    out[#out + 1] = v
  end
  return table.concat(out)
end
print(consumer(producer()))                --> =abc
print(select("#", coroutine.resume(coroutine.create(function() return end)))) --> =1
print(coroutine.resume(coroutine.create(function(...) return select("#", ...) end), nil, nil)) --> =true	2
-- wrap propagates errors with position
local w = coroutine.wrap(function() error("werr") end)
print(pcall(w))                            --> ~^false	.*werr$
print(pcall(coroutine.yield, 1))           --> =false	attempt to yield across metamethod/C-call boundary
local self = coroutine.create(function() return coroutine.resume(coroutine.running()) end)
print(coroutine.resume(self))              --> =true	false	cannot resume running coroutine
-- deep coroutine nesting
local function nest(n)
  if n == 0 then return 0 end
  local c = coroutine.create(function() return nest(n - 1) + 1 end)
  local _, v = coroutine.resume(c)
  return v
end
print(nest(100))                           --> =100
print(pcall(coroutine.create, print))      --> =false	bad argument #1 to '?' (Lua function expected)
---
-- not-differential: lua5.1 cannot yield inside table.sort's comparator; Mobilua's sort is resumable
local yields = 0
local co = coroutine.wrap(function()
  local t = {5, 3, 8, 1, 9, 2}
  table.sort(t, function(a, b) coroutine.yield() return a < b end)
  return table.concat(t, " ")
end)
local r = co()
while r == nil do yields = yields + 1; r = co() end
print(r, yields > 5)                       --> =1 2 3 5 8 9	true
---
-- not-differential: lua5.1 cannot yield across pcall; Mobilua can, since a process may freeze inside one
-- yield across pcall (allowed in Mobilua and needed for freezing)
local pc = coroutine.create(function()
  local ok, v = pcall(function()
    local x = coroutine.yield("inside pcall")
    if x == "boom" then error("exploded") end
    return x
  end)
  coroutine.yield(tostring(ok) .. ":" .. tostring(v))
  return "finished"
end)
print(coroutine.resume(pc))                --> =true	inside pcall
print(coroutine.resume(pc, "fine"))        --> =true	true:fine
print(coroutine.resume(pc))                --> =true	finished
---
-- not-differential: in lua5.1 __tostring, print and gsub functions cannot yield; here they are resumable
local T = setmetatable({}, {__tostring = function() coroutine.yield("from tostring") return "T!" end})
local co = coroutine.wrap(function()
  local s = tostring(T)
  print("printed:", T)
  local g = string.gsub("a-b", "%a", function(c) coroutine.yield("gsub " .. c) return c:upper() end)
  return s .. " " .. g
end)
print(co())                                --> =from tostring
-- print writes as it goes: its first piece is out before __tostring yields
print(co())                                --> =printed:	from tostring
--> =T!
print(co())                                --> =gsub a
print(co())                                --> =gsub b
print(co())                                --> =T! A-B
