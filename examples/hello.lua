-- hello.lua: a tour of what Mobilua runs today (see README.md).
-- Try: mobilua run examples/hello.lua, and compare with lua5.1 examples/hello.lua

print "I'm here..."

-- closures with shared upvalues
local function counter()
  local n = 0
  return function() n = n + 1; return n end, function() return n end
end
local inc, get = counter()
inc(); inc()
print("counter:", get())

-- coroutines are threads of the same process, not goroutines
local gen = coroutine.wrap(function()
  for i = 1, 3 do coroutine.yield(i * i) end
end)
print("squares:", gen(), gen(), gen())

-- metatables
local V = {}
V.__index = V
V.__add = function(a, b) return setmetatable({x = a.x + b.x, y = a.y + b.y}, V) end
V.__tostring = function(v) return string.format("(%g, %g)", v.x, v.y) end
local v = setmetatable({x = 1, y = 2}, V) + setmetatable({x = 0.5, y = -1}, V)
print("vector:", tostring(v))

-- errors are values, pcall is yieldable
local ok, err = pcall(function() local t = nil; return t.field end)
print("caught:", ok, err)

print "...and I'm done!"
