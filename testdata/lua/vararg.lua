-- Lua 5.1's implicit arg (LUA_COMPAT_VARARG, as lua5.1 is built): a
-- vararg function has a local arg after its parameters, {n = #varargs,
-- ...} when it does not use '...', nil when it does
function f(...) return arg end
local t = f(1, nil, 3)
print(t.n, t[1], t[2], t[3], #t)
--> =3	1	nil	3	3
print(f().n, #f(), next(f(nil, nil)))
--> =0	0	n	2
function g(...) local a = ... return arg end
print(g(1, 2))
--> =nil
---
-- a closure inside reaches it as an upvalue; a local arg shadows it
function h(a, ...)
  local function inner() return arg end
  return inner()
end
local r = h(1, 2, 3)
print(r.n, r[1], r[2])
--> =2	2	3
function k(...) local arg = 5 return arg end
print(k(1))
--> =5
function m(...) return function(...) return arg end end
print(m(1)(7, 8).n)
--> =2
-- methods: self, the parameters, then arg
local obj = {}
function obj:count(x, ...) return self == obj, x, arg.n, arg[1] end
print(obj:count("x", "y", "z"))
--> =true	x	2	y
---
-- outside vararg functions, arg is the global
arg = "global"
local function p() return arg end
print(p())
--> =global
function q(...) arg = 3 return arg end
print(q(), arg)
--> =3	global
-- the table is an ordinary one: changed, kept, frozen with the frame
function keep(...)
  arg[#arg + 1] = "more"
  coroutine.yield()
  return table.concat(arg, ",")
end
local co = coroutine.wrap(keep)
co("a", "b")
print(co())
--> =a,b,more
---
-- select: the arguments from n on, counted from the end when negative
print(select(2, "a", "b", "c"), select(-1, "a", "b", "c"), select(4, "a", "b", "c"))
--> =b	c
print(select("#"), select("#", nil, nil), pcall(select, 0, 1))
--> =0	2	false	bad argument #1 to '?' (index out of range)
local function from2(...) return select(2, ...) end
local t = {from2(1, 2, 3)}
print(#t, t[1], t[2], (from2(1, 2, 3)))
--> =2	2	3	2
