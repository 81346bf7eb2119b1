local function f() error("boom") end
local function g() f() end
g()
