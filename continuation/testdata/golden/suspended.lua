-- suspended.lua: coroutines suspended where a Lua function called, each
-- thread and frame in the compact form (December 2026), one with an open
-- upvalue and one with varargs in its frame in the longer ones.
local cos = {}
for i = 1, 5 do
  cos[i] = coroutine.create(function(a) local b = coroutine.yield(a) return a * b end)
  coroutine.resume(cos[i], i)
end
local up = coroutine.create(function(a) local f = function() return a end local b = coroutine.yield() return f() + b end)
coroutine.resume(up, 5)
local va = coroutine.create(function(...) local n = coroutine.yield(...) return n + select('#', ...) end)
coroutine.resume(va, 1, 2, 3)
print("before", coroutine.status(cos[1]))
mb.freeze("suspended.cont")
for i = 1, 5 do print(coroutine.resume(cos[i], 10 * i)) end
print(select(2, coroutine.resume(up, 10)), coroutine.resume(va, 4))
