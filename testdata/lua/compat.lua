-- what third-party Lua 5.1 code found (issue 17): require, assert, loadfile, module, fenv of
-- builtins, getinfo, flush, newproxy, and compiled code reading globals through __index
package.preload.m = function() print("loading m") return false end
print(require "m")                         --> =loading m
                                           --> =false
print(require "m")                         --> =loading m
                                           --> =false
package.preload.n = function() return nil end
print(require "n", package.loaded.n)       --> =true	true
print(pcall(assert, false, "msg"))         --> =false	msg
print(pcall(assert, false, nil))           --> =false	assertion failed!
print(pcall(assert, nil, 42))              --> =false	42
print(pcall(assert, 1, 2))                 --> =true	1	2
print(pcall(function() assert(false, "direct") end))  --> =false	compat.lua:14: direct
print(pcall(function() assert(nil, 42) end))          --> =false	compat.lua:15: 42
print(pcall(function() assert(false, nil) end))       --> =false	compat.lua:16: assertion failed!
print(pcall(assert, false, {}))            --> =false	bad argument #2 to '?' (string expected, got table)
print(loadfile("no_such_file.lua"))        --> =nil	cannot open no_such_file.lua: No such file or directory
print(pcall(dofile, "no_such_file.lua"))   --> =false	cannot open no_such_file.lua: No such file or directory
print(io.stdout:flush(), io.flush())       --> =true	true
print(pcall(module, "math.sin"))           --> =false	name conflict for module 'math.sin'
print(type(math.sin))                      --> =function
print(type(debug.getfenv(print)), debug.getfenv(print) == _G)  --> =table	true
print(debug.setfenv(print, {}) == print)   --> =true
print(pcall(debug.getinfo, "x"))           --> =false	bad argument #1 to '?' (function or level expected)
local function g() return debug.getinfo(1, "n") end
local info = g()
print(info.name, info.namewhat)            --> =g	local
---
local a = newproxy(true)
getmetatable(a).__index = function(t, k) return k .. "!" end
print(type(a), a.x)                        --> =userdata	x!
local b = newproxy(a)
print(getmetatable(b) == getmetatable(a), b.y)  --> =true	y!
print(getmetatable(newproxy()), getmetatable(newproxy(false)))  --> =nil	nil
print(pcall(newproxy, {}))                 --> =false	bad argument #1 to '?' (boolean or proxy expected)
print(type(debug.getregistry()))           --> =table
---
-- compiled code read a global through _G's __index from a register where B is a constant's index
setmetatable(_G, {__index = function(t, k) return "default " .. k end})
local function f()
  local t = {}
  t.k0 = 0 t.k1 = 1 t.k2 = 2 t.k3 = 3 t.k4 = 4 t.k5 = 5 t.k6 = 6 t.k7 = 7 t.k8 = 8 t.k9 = 9
  t.k10 = 10 t.k11 = 11 t.k12 = 12 t.k13 = 13 t.k14 = 14 t.k15 = 15 t.k16 = 16 t.k17 = 17 t.k18 = 18 t.k19 = 19
  t.k20 = 20 t.k21 = 21 t.k22 = 22 t.k23 = 23 t.k24 = 24 t.k25 = 25 t.k26 = 26 t.k27 = 27 t.k28 = 28 t.k29 = 29
  t.k30 = 30 t.k31 = 31 t.k32 = 32 t.k33 = 33 t.k34 = 34 t.k35 = 35 t.k36 = 36 t.k37 = 37 t.k38 = 38 t.k39 = 39
  print(undefined_global)
end
f()                                        --> =default undefined_global
local function strict()
  setfenv(1, setmetatable({}, {__index = _G}))
  local u = {} u.a1 = 1 u.a2 = 2 u.a3 = 3 u.a4 = 4 u.a5 = 5 u.a6 = 6 u.a7 = 7 u.a8 = 8 u.a9 = 9 u.b1 = 1
  u.b2 = 2 u.b3 = 3 u.b4 = 4 u.b5 = 5 u.b6 = 6 u.b7 = 7 u.b8 = 8 u.b9 = 9 u.c1 = 1 u.c2 = 2 u.c3 = 3 u.c4 = 4
  u.c5 = 5 u.c6 = 6 u.c7 = 7 u.c8 = 8 u.c9 = 9 u.d1 = 1 u.d2 = 2 u.d3 = 3 u.d4 = 4 u.d5 = 5 u.d6 = 6 u.d7 = 7
  return another_global
end
print(strict())                            --> =default another_global
---
-- io.popen: a command's output to read, its input to write (lua5.1's close says true)
local f = io.popen("echo hi; echo there")
print(f:read("*l"))                        --> =hi
print(f:read("*a"))                        --> =there
                                           --> =
print(f:close())                           --> =true
for l in io.popen("printf 'a\\nb\\n'"):lines() do print("line", l) end  --> =line	a
                                                                      --> =line	b
local name = os.tmpname()
local w = io.popen("cat > " .. name, "w")
print(w:write("to cat\n", 42), io.type(w)) --> =true	file
print(w:close(), io.type(w))               --> =true	closed file
local r = io.open(name)
print(r:read("*a"))                        --> =to cat
                                           --> =42
r:close() os.remove(name)
print(io.popen("exit 3"):close())          --> =true
print(io.popen("ls", "x"))                 --> =nil	ls: Invalid argument	22
---
-- string.dump and back: a function's chunk, as source; upvalues come back nil, errors keep their place
local function add(a, b) return a + b end
local d = string.dump(add)
print(type(d), loadstring(d)(2, 3))        --> =string	5
local up = 1
print(loadstring(string.dump(function() return up end))())  --> =nil
print(pcall(loadstring(string.dump(function() error("x") end))))  --> =false	compat.lua:84: x
print(pcall(string.dump, print))           --> =false	unable to dump given function
print(pcall(string.dump))                  --> =false	bad argument #1 to '?' (function expected, got no value)
---
-- not-differential: Mobilua's binary form (pinned: a stored dump must keep loading), not lua5.1's bytecode
local src = "local a = 1\nreturn function(x) return x * 2 end\n"
local f = loadstring(src, "=t")()
print(string.dump(f) == "\27Mobilua\1\2=t" .. string.char(#src) .. src .. "\1\0")  --> =true
print(loadstring("\27Mobilua\1\2=t" .. string.char(#src) .. src .. "\1\0")(21))   --> =42
print(loadstring("\27Lua\81\0"))           --> =nil	binary string: Lua bytecode is not supported (Mobilua loads source, and its own string.dump)
print(loadstring("\27Mobilua\9", "=x"))   --> =nil	x: precompiled chunk of version 9, this Mobilua reads 1
print(loadstring("\27Mobilua\1\2=t\200", "=x"))  --> =nil	x: unexpected end in precompiled chunk
print(loadstring("\27Mobilua\1\2=t" .. string.char(#src) .. src .. "\9\0"))  --> ~bad function index
---
-- require asks the searchers of package.loaders in turn (preload, Lua, C, C root); a program
-- may add its own, and what each tried makes the message
print(type(package.loaders), #package.loaders, type(package.loaders[1]))
package.path, package.cpath = "", ""
print(select(2, pcall(require, "missing.mod")))
table.insert(package.loaders, 2, function(name)
  if name:match("^virt") then
    return function(n) return "virtual " .. n end
  end
  return "\n\tnot virtual: " .. name
end)
print(require("virt.a"), require("virt.a") == package.loaded["virt.a"])
print(select(2, pcall(require, "other")))
table.insert(package.loaders, 1, function() return 42 end)
print(select(2, pcall(require, "other")))
package.loaders = 1
print(select(2, pcall(require, "x")))
--> =table	4	function
--> =module 'missing.mod' not found:
--> =	no field package.preload['missing.mod']
--> =virtual virt.a	true
--> =module 'other' not found:
--> =	no field package.preload['other']
--> =	not virtual: other
--> =module 'other' not found:42
--> =	no field package.preload['other']
--> =	not virtual: other
--> ='package.loaders' must be a table
