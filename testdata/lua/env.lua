-- environments, loadstring, load
x = "global x"
local function show() return x end
print(show())                              --> =global x
setfenv(show, {x = "fenv x"})
print(show(), x)                           --> =fenv x	global x
print(getfenv(show).x)                     --> =fenv x
print(getfenv(1) == _G, getfenv() == _G)   --> =true	true
local f = loadstring("return 1 + ...")
print(f(41))                               --> =42
print(loadstring("x = ", "=mychunk"))      --> =nil	mychunk:1: unexpected symbol near '<eof>'
local g = loadstring("local a = ... return a * 2, _G ~= nil")
print(g(21))                               --> =42	true
local parts = {"return ", "'pie", "ces'"}
local i = 0
local h = load(function() i = i + 1; return parts[i] end)
print(h())                                 --> =pieces
local sandboxed = loadstring("y = 5; return y")
setfenv(sandboxed, {})
print(sandboxed(), y)                      --> =5	nil
local function setter() setfenv(1, {print = print, tostring = tostring}); z = 1; print(tostring(z)) end
setter()                                   --> =1
print(z)                                   --> =nil
print(pcall(loadstring("error('in loaded', 1)")))  --> =false	[string "error('in loaded', 1)"]:1: in loaded
print(_VERSION)                            --> =Lua 5.1
print(rawequal(_G._G, _G))                 --> =true
local env = setmetatable({}, {__index = _G})
local code = loadstring("newvar = 10; return print ~= nil")
setfenv(code, env)
print(code(), env.newvar, newvar)          --> =true	10	nil
print(type(collectgarbage("count")), collectgarbage())  --> =number	0
---
print(loadstring("syntax error here"))     --> =nil	[string "syntax error here"]:1: '=' expected near 'error'
---
-- not-differential: load's reader may yield in Mobilua (lua5.1: attempt to yield across C-call boundary)
local parts = {"return ", "1 + ", "41"}
local co = coroutine.wrap(function()
  local i = 0
  local f = load(function() i = i + 1; coroutine.yield("piece " .. i); return parts[i] end)
  return f()
end)
print(co(), co(), co(), co())              --> =piece 1	piece 2	piece 3	piece 4
print(co())                                --> =42
---
-- print calls the thread's global tostring, as lua5.1's does: with setfenv(0, {}) there is none
setfenv(0, {})
print(1)
### "^attempt to call a nil value$"
