-- Methods found up chains of classes (setmetatable(Class, {__index =
-- Super})): a call site that found a method some classes up finds it
-- again, or a nearer one, as the objects it sees and their classes change;
-- a field no table on the chain has is nil.
local function class(super)
  local c = {}
  c.__index = c
  if super then setmetatable(c, {__index = super}) end
  return c
end
local A = class()
function A:name() return "A" end
function A:who() return self:name() end
local B = class(A)
function B:name() return "B" end
local C = class(B)
local D = class(C)
local E = class(D)
local F = class(E)
local objs = {setmetatable({}, A), setmetatable({}, B), setmetatable({}, C), setmetatable({}, D), setmetatable({}, F)}
local function names()
  local t = {}
  for i, o in ipairs(objs) do t[i] = o:who() .. (o.missing == nil and "" or "?") end
  return table.concat(t, " ")
end
for _ = 1, 3 do names() end
print(names())                             --> =A B B B B
-- a nearer class gets the method, then loses it
function D:name() return "D" end
print(names())                             --> =A B B D D
D.name = nil
print(names())                             --> =A B B B B
function E:name() return "E" end
print(names())                             --> =A B B B E
-- an object's own field shadows its classes'
objs[3].name = function() return "own" end
print(names())                             --> =A B own B E
-- a class's __index becomes a function
setmetatable(C, {__index = function(_, k) if k == "name" then return function() return "fn" end end return B[k] end})
objs[3].name = nil
print(names())                             --> =A B fn fn E
-- a superclass swapped under the site
setmetatable(C, {__index = A})
print(names())                             --> =A B A A E
-- a field set far up is found, and unset again is nil
A.missing = true
print(names())                             --> =A? B? A? A? E?
A.missing = nil
print(names())                             --> =A B A A E
-- a metatable without __index, which then gets one
local G = {}
G.__index = G
local H = setmetatable({}, {})
setmetatable(G, getmetatable(H))
local g = setmetatable({}, G)
for _ = 1, 3 do assert(g.x == nil) end
getmetatable(G).__index = {x = 5}
print(g.x, H.x)                             --> =5	5
-- more classes than the quick path walks: 12 up
local top = class()
function top:hello() return "hello" end
local c = top
for _ = 1, 11 do c = class(c) end
local deep = setmetatable({}, c)
for _ = 1, 3 do assert(deep:hello() == "hello" and deep.nothing == nil) end
function c:hello() return "near" end
print(deep:hello())                        --> =near
