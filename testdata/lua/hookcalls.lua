-- call and return events of Lua functions and builtins: calls, tail calls
-- (a "tail return" for each), metamethods, coroutines; getinfo(2) in the
-- hook is the function called or returning, a builtin's level for a builtin
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
--> =14	r:sethook c:leaf r:leaf	r:Lua t:tail c:use c:setmetatable r:setmetatable c:Lua r:Lua r:use c:sethook
ev = {}
local co = coroutine.wrap(function(a) local b = coroutine.yield(a + 1) return b * 2 end)
debug.sethook(hook, "c")
local one = co(1)
debug.sethook()
print(one, table.concat(ev, " ")) -- (the coroutine has a hook of its own: none)
--> =2	c:co c:sethook
print(co(5))
--> =10

-- a builtin's events: getinfo(2) is the builtin (what "C", its name as
-- called); one that raises an error has no return event, and pcall's
-- has its own after its callee's
ev = {}
local function chook(e)
  local i = debug.getinfo(2, "nSf")
  ev[#ev + 1] = e:sub(1, 1) .. ":" .. (i.name or "?") .. ":" .. i.what .. ":" .. tostring(i.func == type or i.func == pcall)
end
local function errs() error("no") end
debug.sethook(chook, "cr")
local ty = type(1)
pcall(errs)
local s = string.rep("a", 2)
debug.sethook()
print(ty, s, #ev)
print(table.concat(ev, " "))
--> =number	aa	10
--> =r:sethook:C:false c:type:C:true r:type:C:true c:pcall:C:true c:?:Lua:false c:error:C:false r:pcall:C:true c:rep:C:false r:rep:C:false c:sethook:C:false

-- a long run of tail calls: one "tail return" for each, the levels below
-- the returning function going one by one
ev = {}
local function down(n) if n == 0 then return 0 end return down(n - 1) end
local levels = {}
debug.sethook(function(e)
  if e == "tail return" then
    local n = 2
    while debug.getinfo(n + 1, "S").what == "tail" do n = n + 1 end
    levels[#levels + 1] = n - 2
  end
  ev[e] = (ev[e] or 0) + 1
end, "r")
down(5)
debug.sethook()
print(ev["return"], ev["tail return"], table.concat(levels, " "))
--> =2	5	4 3 2 1 0
