-- not-differential: builtins raise no call and return events here (they have no frames), lua5.1's do (README)
-- call and return events of Lua functions: calls, tail calls, metamethods,
-- coroutines; getinfo(2) in the hook is the function called or returning
local ev = {}
local function hook(e)
  local i = debug.getinfo(2, "nS")
  ev[#ev + 1] = e:sub(1, 1) .. ":" .. (i.name or i.what)
end
local function leaf(x) return x end
local function tail(x) return leaf(x) end -- (a tail call: one call event, the callee's)
local mt = {__add = function(a, b) return 3 end}
local function use() return setmetatable({}, mt) + 1 end
debug.sethook(hook, "cr")
leaf(1)
tail(2)
use()
debug.sethook()
print(#ev, table.concat(ev, " ", 1, 3), table.concat(ev, " ", 6))
--> =9	c:leaf r:leaf c:tail	c:use c:Lua r:Lua r:use
ev = {}
local co = coroutine.wrap(function(a) local b = coroutine.yield(a + 1) return b * 2 end)
debug.sethook(hook, "c")
local one = co(1)
debug.sethook()
print(one, table.concat(ev, " "))
--> =2	
print(co(5))
--> =10
