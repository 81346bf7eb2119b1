-- the level of a builtin that raised an error, as lua5.1 keeps it: an
-- xpcall message handler runs above it (debug.getinfo(2) is the builtin),
-- and a coroutine that died by an error keeps its frames below it
print(xpcall(function() error("boom") end, debug.traceback))
print(xpcall(function() local x = nil; return x.y end, debug.traceback))
print(xpcall(function() error("e2") end, function(m)
  local i, j = debug.getinfo(2, "nSl"), debug.getinfo(3, "nSl")
  return m .. " " .. i.what .. " " .. tostring(i.name) .. " " .. i.currentline .. " " .. j.what .. " " .. j.currentline
end))
local co = coroutine.create(function(a)
  local function g(b) error("died") end
  g(a + 1)
end)
print(coroutine.resume(co, 1))
print(coroutine.status(co), debug.traceback(co))
print(debug.getinfo(co, 1, "l").currentline, debug.getlocal(co, 1, 1))
print(debug.getinfo(co, 2, "l").currentline, debug.getlocal(co, 2, 1))
print(coroutine.resume(co))
-- died by an error of Lua code: no builtin's level on top
local co2 = coroutine.create(function() local t = nil; return t.x end)
print(coroutine.resume(co2))
print(debug.traceback(co2, "msg"))
-- through coroutine.wrap
local w = coroutine.wrap(function() local s = "k" error(s) end)
print(pcall(w))
--> =false	builtinlevels.lua:4: boom
--> =stack traceback:
--> =	[C]: in function 'error'
--> =	builtinlevels.lua:4: in function <builtinlevels.lua:4>
--> =	[C]: in function 'xpcall'
--> =	builtinlevels.lua:4: in main chunk
--> =	[C]: ?
--> =false	builtinlevels.lua:5: attempt to index local 'x' (a nil value)
--> =stack traceback:
--> =	builtinlevels.lua:5: in function <builtinlevels.lua:5>
--> =	[C]: in function 'xpcall'
--> =	builtinlevels.lua:5: in main chunk
--> =	[C]: ?
--> =false	builtinlevels.lua:6: e2 C error -1 Lua 6
--> =false	builtinlevels.lua:11: died
--> =dead	stack traceback:
--> =	[C]: in function 'error'
--> =	builtinlevels.lua:11: in function 'g'
--> =	builtinlevels.lua:12: in function <builtinlevels.lua:10>
--> =11	b	2
--> =12	a	1
--> =false	cannot resume dead coroutine
--> =false	builtinlevels.lua:20: attempt to index local 't' (a nil value)
--> =msg
--> =stack traceback:
--> =	builtinlevels.lua:20: in function <builtinlevels.lua:20>
--> =false	builtinlevels.lua:24: k

-- level 0 of another thread: the builtin it waits in or died in, named
-- as it was called; a coroutine that died by an error of Lua code has its
-- function at level 0. Below the main chunk, a C level.
local w0 = coroutine.create(function() coroutine.yield() end)
coroutine.resume(w0)
local i0 = debug.getinfo(w0, 0)
print(i0.func == coroutine.yield, i0.what, i0.name, i0.namewhat, i0.currentline, i0.short_src)
local e0 = coroutine.create(function() error("x") end)
coroutine.resume(e0)
print(debug.getinfo(e0, 0).func == error, debug.getinfo(e0, 0, "S").what)
local l0 = coroutine.create(function(p) local x = nil; return x.y end)
coroutine.resume(l0, 7)
print(debug.getinfo(l0, 0, "Sl").what, debug.getinfo(l0, 0, "l").currentline, debug.getlocal(l0, 0, 1), debug.getinfo(l0, 1))
local function below() return debug.getinfo(3, "S") end
print(below().what, debug.getinfo(2, "S").what, debug.getinfo(3))
--> =true	C	yield	field	-1	[C]
--> =true	C
--> =Lua	64	p	nil
--> =C	C	nil
