-- suspended in __concat, called from __index, called from __lt:
-- frames whose results go to a register, a concatenation and a condition
local V = {}
local frozen = false
local S = setmetatable({}, {__concat = function(a, b)
  if not frozen then frozen = mb.freeze("metamethods.cont") end
  return "S" .. tostring(b)
end})
V.__index = function(t, k) return S .. k end
V.__lt = function(a, b) return a.key < b.key end
local a, b = setmetatable({}, V), setmetatable({}, V)
if a < b then print("less") else print("not less") end
print(a.x, b.y .. "!")
