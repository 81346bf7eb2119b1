pcall(print, 1)
local t = setmetatable({}, {__index = function(t, k) error("idx " .. k) end})
print(t.foo)
