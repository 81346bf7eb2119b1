-- what a script sees of collection: weak tables lose what nothing else
-- reaches, collectgarbage's options, the count falls after a cycle
-- (runtime/collect.go; finalizers: internal/luatest/collect_test.go, as
-- a proxy that travels in a continuation is not finalized). A cycle may
-- run at any stop of a frozen run: what a weak table holds is looked at
-- after collectgarbage() only.
local function size(t) local n = 0 for _ in pairs(t) do n = n + 1 end return n end

-- weak keys: tables, functions, coroutines and proxies go; strings,
-- numbers and booleans are values and stay
local wk = setmetatable({}, {__mode = "k"})
local keep = {}
wk[keep] = 1
for i = 1, 10 do wk[{}] = i end
wk[function() end] = "f"
wk[coroutine.create(function() end)] = "co"
wk[newproxy()] = "u"
wk["s"], wk[1], wk[true] = 1, 2, 3
collectgarbage()
print(size(wk), wk[keep], wk.s, wk[1], wk[true])
--> =4	1	1	2	3

-- weak values, in the array part and the hash part
local wv = setmetatable({}, {__mode = "v"})
for i = 1, 5 do wv[i] = {} end
for i = 1, 5 do wv["k" .. i] = {} end
wv[6], wv.s, wv.n = keep, string.rep("x", 30), 42
collectgarbage()
print(size(wv), wv[6] == keep, wv.s == string.rep("x", 30), wv.n, wv[1])
--> =3	true	true	42	nil

-- a key that its own value refers to stays in a "k" table (Lua 5.1 has
-- no ephemerons); "kv" lets either go
local e = setmetatable({}, {__mode = "k"})
do local k = {} e[k] = {k} end
local kv = setmetatable({}, {__mode = "kv"})
do local k = {} kv[k] = keep kv[keep] = {} kv[1] = k end
collectgarbage()
print(size(e), size(kv))
--> =1	0

-- what a local, an upvalue, a global or another table holds stays
local held = {}
local up = {}
local function getup() return up end
G = {}
local w = setmetatable({}, {__mode = "kv"})
w[held], w[2], w[3], w[4] = true, getup, G, {inner = held}
local other = {w[4]}
collectgarbage()
print(w[held], w[2] == getup, w[3] == G, w[4].inner == held)
--> =true	true	true	true
other, G = nil, nil
collectgarbage()
print(w[3], w[4])
--> =nil	nil

-- a memo table as programs write them: entries go when their key does
local cache = setmetatable({}, {__mode = "k"})
local function area(r) local a = cache[r] if not a then a = r.w * r.h cache[r] = a end return a end
local boxes = {}
for i = 1, 100 do boxes[i] = {w = i, h = 2} area(boxes[i]) end
print(size(cache))
--> =100
for i = 1, 90 do boxes[i] = nil end
collectgarbage()
print(size(cache), area(boxes[95]))
--> =10	190

-- cycles run by themselves: a loop that only allocates sees a weak
-- entry go (the official closure.lua waits so)
local probe = setmetatable({[1] = {}}, {__mode = "kv"})
local spins = 0
while probe[1] and spins < 1e6 do local s = spins .. "" .. spins spins = spins + 1 end
print(probe[1], spins > 0, spins < 1e6)
--> =nil	true	true

-- the options
-- (setpause and setstepmul: internal/cli/collect_test.go, as the
-- collector's settings are not part of a continuation)
print(collectgarbage("step", 100000))
--> =true
print(collectgarbage("stop"), collectgarbage("restart"), collectgarbage())
--> =0	0	0
-- the second argument is an optional integer for every option
print(pcall(collectgarbage, "count", "x"))
print(collectgarbage("step", nil) ~= nil)
--> ~^false	bad argument #2 to '.*' \(number expected, got string\)$
--> =true
print(pcall(collectgarbage, "nope"))
--> ~^false	bad argument #1 to .*invalid option .nope.
collectgarbage()
local before = collectgarbage("count")
local junk = {}
for i = 1, 2000 do junk[i] = {i} end
local mid = collectgarbage("count")
junk = nil
collectgarbage()
print(mid > before, collectgarbage("count") < mid, gcinfo() == math.floor(collectgarbage("count")))
--> =true	true	true

-- a hook keeps its function (lua5.1 keeps it in the registry): a weak
-- table's key that only the hook reaches stays
local weak = setmetatable({}, {__mode = "k"})
do
  local h = function() end
  weak[h] = true
  debug.sethook(h, "", 1000000)
end
collectgarbage()
local n = 0 for _ in pairs(weak) do n = n + 1 end
print(n, debug.gethook() ~= nil)
debug.sethook()
collectgarbage()
n = 0 for _ in pairs(weak) do n = n + 1 end
print(n)
--> =1	true
--> =0
