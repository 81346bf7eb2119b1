-- debug.getlocal and setlocal (lua5.1's findlocal: the n-th local active
-- at the frame's pc, then "(*temporary)" slots), getinfo's activelines
local function locals(level)
  local names = {}
  local i = 1
  while true do
    local n, v = debug.getlocal(level + 1, i)
    if not n then break end
    names[#names + 1] = n .. "=" .. tostring(v)
    i = i + 1
  end
  return table.concat(names, " ")
end
local function f(a, b, ...)
  local c = a + b + select("#", ...)
  do local d = 4 end
  local e = "e"
  local r = locals(1)
  return r
end
print(f(1, 2, 3))
--> =a=1 b=2 arg=nil c=4 e=e
-- level 0 is getlocal itself: its arguments are its temporaries
print(debug.getlocal(0, 1), debug.getlocal(0, 2))
print(debug.getlocal(0, 3))
print(pcall(debug.getlocal, 50, 1))
--> =(*temporary)	(*temporary)	2
--> =nil
--> ~^false	bad argument #1 to '.*' \(level out of range\)$
-- setlocal changes the caller's local
local function g()
  local x, y = 10, 20
  local function h()
    return debug.getlocal(2, 1), debug.setlocal(2, 2, "new")
  end
  local n1, n2 = h()
  return n1, n2, x, y
end
print(g())
--> =x	y	10	new
-- a suspended coroutine's locals
local co = coroutine.create(function(p) local q = p * 2 coroutine.yield() return q end)
coroutine.resume(co, 21)
print(debug.getlocal(co, 1, 1), debug.getlocal(co, 1, 2))
print(debug.setlocal(co, 1, 2, 5), select(2, coroutine.resume(co)))
--> =p	q	42
--> =q	5
-- the lines with code, for a Lua function; none for a builtin
local info = debug.getinfo(f, "L")
local ls = {}
for l in pairs(info.activelines) do ls[#ls + 1] = l end
table.sort(ls)
print(table.concat(ls, ","), debug.getinfo(print, "L").activelines)
--> =15,16,17,18,19,20	nil
-- a function (not a level) has no name: namewhat is ""
local fi = debug.getinfo(f, "n")
print(fi.namewhat == "", fi.name)
--> =true	nil
-- every vararg function has lua5.1's arg after its parameters: the table
-- of its varargs when it does not use '...', nil when it does; a chunk's
-- main function has none
local function va(a, ...) local n, v = debug.getlocal(1, 2) return n, type(v) == "table" and v.n or v end
print(va(1, 2, 3))
--> =arg	2
local function vd(...) local n, v = debug.getlocal(1, 1) return n, v, select("#", ...) end
print(vd(1, 2))
--> =arg	nil	2
print(loadstring("return debug.getlocal(1, 1)")())
--> =nil
