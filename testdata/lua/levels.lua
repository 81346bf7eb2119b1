-- lua5.1's levels of tail calls: a frame counts the tail calls it
-- replaced, each a level of its own below it ("(tail call)"), for
-- debug.getinfo, getfenv, getlocal, error levels and tracebacks; a
-- function a tail call reached has no name
local function f(x)
  local tail = debug.getinfo(2)
  print(tail.what, tail.short_src, tail.source, tail.linedefined, tail.currentline, tail.func, tail.name, tail.namewhat, tail.nups)
  print(pcall(getfenv, 3))
  print(debug.getinfo(3, "f").func == g1, getfenv(3) == _G, debug.getinfo(4, "S").what)
  print(pcall(getfenv, 5))
  print(debug.getinfo(5, "S").what, debug.getlocal(2, 1))
  print(debug.getinfo(1, "n").name, debug.getinfo(1, "n").namewhat)
  print(debug.traceback("here"))
  error("at a tail call's level", 2)
end
function g(x) return f(x) end
function g1(x) g(x) end
local function h(x) local f = g1 return f(x) end
print(pcall(h, true))
-- deep tail recursion: one frame, as many levels as calls
local lim = 300
local function foo(x)
  if x == 0 then
    local tails = 0
    for i = 2, lim + 1 do if debug.getinfo(i, "S").what == "tail" then tails = tails + 1 end end
    print(tails, debug.getinfo(lim + 2, "S").what)
    print(debug.traceback("deep"))
    return "done"
  end
  return foo(x - 1)
end
print(foo(lim))
-- debug.traceback's level and message
local function rec(n) if n == 0 then return debug.traceback("m", 2) end local r = rec(n - 1) return r end
print(rec(25))
print(debug.traceback("x", 0))
print(debug.traceback("y", 3))
print(debug.traceback(nil), debug.traceback(print) == print, debug.traceback(12, 50))
-- a coroutine's traceback: from the yield it waits in, its tail calls, no
-- C level at its bottom; none before it starts or once it is dead
local function cf(n)
  if n > 0 then return cf(n - 1)
  else coroutine.yield() end
end
local co = coroutine.create(cf)
print(debug.traceback(co))
coroutine.resume(co, 3)
print(debug.traceback(co))
print(debug.traceback(co, "msg", 1))
coroutine.resume(co)
print(debug.traceback(co, "dead"))
-- getinfo of another thread: level 1 is the function that yielded, 0 the
-- yield itself (a builtin), none before it starts or once it ended
local gco = coroutine.create(function(x)
  local a = 1
  coroutine.yield(debug.getinfo(1, "l"))
  return a
end)
print(debug.getinfo(gco, 0), debug.getinfo(gco, 1))
local _, gl = coroutine.resume(gco, 10)
local gx = debug.getinfo(gco, 1, "lfLS")
print(gx.currentline == gl.currentline, gx.activelines[gx.currentline], type(gx.func), gx.what)
print(debug.getinfo(gco, 2), debug.getinfo(gco, 0, "S").what, debug.getinfo(gco, 0, "l").currentline)
print(pcall(debug.getinfo, gco, "x"))
print(pcall(debug.getinfo, gco))
coroutine.resume(gco)
print(coroutine.status(gco), debug.getinfo(gco, 1))
--> =tail	(tail call)	=(tail call)	-1	-1	nil			0
--> =false	no function environment for tail call at level 3
--> =true	true	tail
--> =false	no function environment for tail call at level 5
--> =C	nil
--> =nil	
--> =here
--> =stack traceback:
--> =	levels.lua:13: in function <levels.lua:5>
--> =	(tail call): ?
--> =	levels.lua:17: in function <levels.lua:17>
--> =	(tail call): ?
--> =	[C]: in function 'pcall'
--> =	levels.lua:19: in main chunk
--> =	[C]: ?
--> =false	at a tail call's level
--> =300	main
--> =deep
--> =stack traceback:
--> =	levels.lua:27: in function <levels.lua:22>
--> =	(tail call): ?
--> =	(tail call): ?
--> =	(tail call): ?
--> =	(tail call): ?
--> =	(tail call): ?
--> =	(tail call): ?
--> =	(tail call): ?
--> =	(tail call): ?
--> =	(tail call): ?
--> =	(tail call): ?
--> =	...
--> =	(tail call): ?
--> =	(tail call): ?
--> =	(tail call): ?
--> =	(tail call): ?
--> =	(tail call): ?
--> =	(tail call): ?
--> =	(tail call): ?
--> =	(tail call): ?
--> =	levels.lua:32: in main chunk
--> =	[C]: ?
--> =done
--> =m
--> =stack traceback:
--> =	levels.lua:34: in function 'rec'
--> =	levels.lua:34: in function 'rec'
--> =	levels.lua:34: in function 'rec'
--> =	levels.lua:34: in function 'rec'
--> =	levels.lua:34: in function 'rec'
--> =	levels.lua:34: in function 'rec'
--> =	levels.lua:34: in function 'rec'
--> =	levels.lua:34: in function 'rec'
--> =	levels.lua:34: in function 'rec'
--> =	levels.lua:34: in function 'rec'
--> =	...
--> =	levels.lua:34: in function 'rec'
--> =	levels.lua:34: in function 'rec'
--> =	levels.lua:34: in function 'rec'
--> =	levels.lua:34: in function 'rec'
--> =	levels.lua:34: in function 'rec'
--> =	levels.lua:34: in function 'rec'
--> =	levels.lua:34: in function 'rec'
--> =	levels.lua:34: in function 'rec'
--> =	levels.lua:35: in main chunk
--> =	[C]: ?
--> =x
--> =stack traceback:
--> =	[C]: in function 'traceback'
--> =	levels.lua:36: in main chunk
--> =	[C]: ?
--> =y
--> =stack traceback:
--> =nil	true	12
--> =stack traceback:
--> =stack traceback:
--> =stack traceback:
--> =	[C]: in function 'yield'
--> =	levels.lua:43: in function <levels.lua:41>
--> =	(tail call): ?
--> =	(tail call): ?
--> =	(tail call): ?
--> =msg
--> =stack traceback:
--> =	levels.lua:43: in function <levels.lua:41>
--> =	(tail call): ?
--> =	(tail call): ?
--> =	(tail call): ?
--> =dead
--> =stack traceback:
--> =nil	nil
--> =true	true	function	Lua
--> =nil	C	-1
--> =false	bad argument #2 to '?' (function or level expected)
--> =false	bad argument #2 to '?' (function or level expected)
--> =dead	nil
