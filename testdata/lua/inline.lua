-- Calls of small pure functions, which compiled code runs inline (see
-- transpile/gogen/inline.go): whatever the inline body cannot do makes
-- the call after all, and the output must be the interpreter's.
-- (compiled code: inlines) a local function, called with numbers
local function A(i, j)
  local ij = i + j - 1
  return 1.0 / (ij * (ij - 1) * 0.5 + i)
end
local s = 0
for i = 1, 30 do
  for j = 1, 30 do s = s + A(i, j) end
end
print(string.format("%.10f", s))          --> =7.3008541013
-- strings that convert, and a table with __add: the call is made
print(A("2", 3), A(2, "3"))               --> =0.125	0.125
local V = setmetatable({}, {__add = function(a, b) return 10 end, __sub = function() return 7 end,
  __mul = function() return 2 end, __div = function() return 3 end})
print(A(V, 1))                             --> =0.1
print(pcall(A, 1, {}))                     --> =false	inline.lua:6: attempt to perform arithmetic on local 'j' (a table value)
print(pcall(A, 1))                         --> =false	inline.lua:6: attempt to perform arithmetic on local 'j' (a nil value)
local ok, err = pcall(function() return A(nil, 1) + 1 end)
print(ok, err)                             --> =false	inline.lua:6: attempt to perform arithmetic on local 'i' (a nil value)
---
-- (compiled code: inlines) branches, comparisons, booleans, upvalues,
-- globals and fields, and what a fresh frame holds (nil)
local limit = 10
local function clamp(x) if x > limit then return limit elseif x < -limit then return -limit end return x end
local function pick(a, b) return a and b or "none" end
local function less(a, b) return a < b end
local function nothing(x) local y; return y end
local function noresult(x) local y = x * 2 end
local function pi2() return math.pi * 2 end
local function second(t) return t[2] end
local function field(t) return t.name end
local function notx(x) return not x end
local out = {}
for i = -12, 12, 6 do
  out[#out + 1] = clamp(i) .. "/" .. tostring(less(i, 0)) .. "/" .. tostring(notx(i > 0))
end
print(table.concat(out, " "))              --> =-10/true/true -6/true/true 0/false/true 6/false/false 10/false/false
print(pick(1, 2), pick(nil, 2), pick(false), nothing(1), (noresult(2))) --> =2	none	none	nil	nil
print(string.format("%.4f", pi2()))        --> =6.2832
print(second({5, 6, 7}), second({5}), field({name = "n"}), field({})) --> =6	nil	n	nil
-- an absent field, found through __index: the call is made
local proto = {name = "from __index"}
print(field(setmetatable({}, {__index = proto})), second(setmetatable({}, {__index = {1, 2}}))) --> =from __index	2
-- a string's field goes through the string metatable: the call is made
print(pcall(field, "abc"))                 --> =true	nil
print(pcall(second, 5))                    --> ~^false\tinline.lua:\d+: attempt to index local 't' \(a number value\)$
limit = 3                                  -- an upvalue changes: read at each call
print(clamp(5), clamp(-5), clamp(2))       --> =3	-3	2
math.pi = 1                                -- a field changes
print(pi2())                               --> =2
---
-- (compiled code: inlines) a global function, defined once, and then
-- replaced behind the compiler's back: the check sees another function
function double(x) return x * 2 end
local t = 0
for i = 1, 10 do t = t + double(i) end
print(t)                                   --> =110
rawset(_G, "double", function(x) return x * 3 end)
t = 0
for i = 1, 10 do t = t + double(i) end
print(t)                                   --> =165
_G.double = function(x) error("boom " .. x) end
print(pcall(function() return double(1) end)) --> ~^false\tinline.lua:\d+: boom 1$
---
-- (compiled code: inlines) closures of one function with other upvalues:
-- each reads its own
local s = 0
for k = 1, 3 do
  local function add(x) return x + k end
  s = s + add(10 * k)
  k = k + 100                              -- the upvalue, changed before the next call
  s = s + add(0)
end
print(s)                                   --> =372
---
-- (compiled code: no inline) what is not inlined: calls inside, stores
-- into tables, loops, varargs, several results wanted
local function calls(x) return tostring(x) end
local t = {}
local function store(x) t.x = x end
local function loop(x) local s = 0 for i = 1, x do s = s + i end return s end
local function va(...) return select("#", ...) end
local function two(x) return x, x + 1 end
store(3)
print(calls(1), t.x, loop(4), va(1, 2), two(5)) --> =1	3	10	2	5	6
local a, b = two(1)
print(a, b)                                --> =1	2
---
-- (compiled code: inlines) functions that set an upvalue once nothing can
-- fail any more; functions passed and returned as values, which the call
-- cannot name: the chunk's small functions with as many parameters run
-- inline when the value is one of them
local P = 1000
local function counter(start)
  local n = start
  return function(d) n = n + d; return n end
end
local c = counter(5)
c(1); c(2)
print(c(3), c(0))                          --> =11	11
print(pcall(c, {}))                        --> ~^false\tinline.lua:\d+: attempt to perform arithmetic on local 'd' \(a table value\)$
print(c(0))                                --> =11
local balance = 0
local function deposit(x) balance = (balance + x) % P end
for i = 1, 100 do deposit(i) end
print(balance)                             --> =50
deposit("7"); print(balance)               --> =57
local hits = 0
local function bump(d) hits = hits + 1; return hits * d end -- (not inline: it could fail after its store)
print(bump(2), pcall(function() local v = bump({}) return v end)) --> ~^2\tfalse\tinline.lua:\d+: attempt to perform arithmetic on local 'd' \(a table value\)$
print(hits)                                --> =2
local function map(t, f)
  local r = {}
  for i = 1, #t do r[i] = f(t[i]) end
  return r
end
local k = 3
local m = map({1, 2, 3}, function(x) return x * k end)
print(m[1], m[2], m[3])                    --> =3	6	9
m = map({1, 2, 3}, function(x) return x % 2 == 0 end)
print(m[1], m[2], m[3])                    --> =false	true	false
m = map({1, "2", {}}, tostring)
print(m[1], m[2], type(m[3]))              --> =1	2	string
print(pcall(map, {1, {}}, function(x) return x * k end)) --> ~^false\tinline.lua:\d+: attempt to perform arithmetic on local 'x' \(a table value\)$
---
-- (compiled code: inlines) inline calls in a coroutine that yields
-- between them, and in a deep recursion of a function that calls them
local function sq(x) return x * x end
local co = coroutine.wrap(function()
  for i = 1, 4 do coroutine.yield(sq(i)) end
end)
print(co(), co(), co(), co())              --> =1	4	9	16
local function sum(n) if n == 0 then return 0 end return sq(n) + sum(n - 1) end
print(sum(100))                            --> =338350
---
-- (compiled code: inlines) metamethods and comparators that are small pure
-- functions run without a frame; when they cannot, they are called
local V = {}
V.__index = V
V.__eq = function(a, b) return a.x == b.x end
V.__lt = function(a, b) return a.x < b.x end
V.__le = function(a, b) return a.x <= b.x end
V.__add = function(a, b) return a.x + b.x end
V.__concat = function(a, b) return "cat" end
V.__unm = function(a) return -a.x end
local function v(x) return setmetatable({x = x}, V) end
local p, q = v(1), v(2)
print(p == q, p == v(1), p < q, q <= p, p + q, p .. q, -q) --> =false	true	true	false	3	cat	-2
print(v("1") == v(1), v("2") + v("3"))     --> =false	5
local ok, err = pcall(function() return v({}) < v(1) end)
print(ok, err)                             --> ~^false\tinline.lua:\d+: attempt to compare table with number$
local defaults = setmetatable({}, {__index = function(t, k) return k * 2 end})
print(defaults[4], pcall(function() return defaults.x end)) --> ~^8\tfalse\tinline.lua:\d+: attempt to perform arithmetic on local 'k' \(a string value\)$
local t = {5, 3, 8, 1, 9, 2, 7}
table.sort(t, function(a, b) return a > b end)
print(table.concat(t, " "))                --> =9 8 7 5 3 2 1
local calls = 0
local function counting(a, b) local r = a < b; calls = calls + 1; return r end
table.sort(t, counting)
print(table.concat(t, " "), calls)         --> =1 2 3 5 7 8 9	14
local vs = {v(3), v(1), v(2)}
table.sort(vs)                             -- __lt, pure
print(vs[1].x, vs[2].x, vs[3].x)           --> =1	2	3
print(pcall(table.sort, {3, "x", 1}, function(a, b) return a < b end)) --> ~^false\tinline.lua:\d+: attempt to compare (number with string|string with number)$
---
-- (compiled code: inlines) methods: the functions stored under the
-- method's name in the chunk, whichever the object has
local Shape = {}
Shape.__index = Shape
function Shape:area() return 0 end
local Rect = setmetatable({}, {__index = Shape})
Rect.__index = Rect
function Rect:area() return self.w * self.h end
local Sq = setmetatable({}, {__index = Rect})
Sq.__index = Sq
local shapes = {setmetatable({}, Shape), setmetatable({w = 2, h = 3}, Rect), setmetatable({w = 4, h = 4}, Sq)}
local total = 0
for _, s in ipairs(shapes) do total = total + s:area() end
print(total)                               --> =22
shapes[2].area = function(self) return 100 end  -- another function, on the object
shapes[3].area = string.len                -- a builtin
local out = {}
for _, s in ipairs(shapes) do out[#out + 1] = tostring(pcall(s.area, s)) .. ":" .. tostring(select(2, pcall(s.area, s))) end
print(table.concat(out, " "))              --> =true:0 true:100 false:bad argument #1 to '?' (string expected, got table)
local t = {}
for _, s in ipairs(shapes) do t[#t + 1] = (pcall(function() return s:area() end)) end
print(t[1], t[2], t[3])                    --> =true	true	false
---
-- (compiled code: inlines) comparisons of strings, booleans, nil and
-- tables in small functions: the runtime's own answers
local function same(a, b) return a == b end
local function before(a, b) return a < b end
local function upto(a, b) return a <= b end
local t1, t2 = {}, {}
print(same("a", "a"), same("a", "b"), same(true, true), same(nil, false), same(1, "1"), same(t1, t1), same(t1, t2)) --> =true	false	true	false	false	true	false
print(before("a", "b"), before("b", "a"), upto("b", "b"), upto(2, 10), before("10", "2")) --> =true	false	true	true	true
print(pcall(before, 1, "2"))               --> ~^false\tinline.lua:\d+: attempt to compare number with string$
print(pcall(upto, {}, {}))                 --> ~^false\tinline.lua:\d+: attempt to compare two table values$
local E = {__eq = function() return true end}
local e1, e2 = setmetatable({}, E), setmetatable({}, E)
print((same(e1, e2)), (same(e1, t1)))      --> =true	false
local names = {{n = "pear"}, {n = "apple"}, {n = "fig"}, {n = "banana"}}
table.sort(names, function(a, b) return a.n < b.n end)
print(names[1].n, names[2].n, names[3].n, names[4].n) --> =apple	banana	fig	pear
---
-- (compiled code: inlines) constructors: a function that makes a table,
-- sets its fields and maybe its metatable, and returns it, runs inline
-- too; a metatable that is not a table, a setmetatable that is not the
-- builtin, and a step budget used up make the call after all
local V = {}
V.__index = V
local function vec(x, y) return setmetatable({x = x, y = y}, V) end
function V.__add(a, b) return vec(a.x + b.x, a.y + b.y) end
function V:len2() return self.x * self.x + self.y * self.y end
local s = vec(0, 0)
for i = 1, 20 do s = s + vec(i, 1) end
print(s.x, s.y, s:len2(), getmetatable(s) == V) --> =210	20	44500	true
local function rec(a, b, c) return {a = a, b = b, c = c} end
local n = 0
for k, v in pairs(rec(1, nil, 3)) do n = n + 1 end
print(n, rec(1, 2, 3).b, next(rec(nil, nil, nil))) --> =2	2	nil
local function wrap(x, y) return vec(x, y) end
print(select("#", vec(1, 2)), select("#", wrap(1, 2)), wrap(3, 4).y) --> =1	1	4
local function two() return setmetatable({}, V), 2 end
local function tail2() return two() end
print(select("#", tail2()), select("#", two()), select(2, tail2())) --> =2	2	2
local setmeta = setmetatable
local function obj(n) return setmeta({n = n}, V) end
print(obj(5).n, getmetatable(obj(6)) == V)  --> =5	true
local function bad(m) return setmetatable({}, m) end
local function bad2(m) local t = setmetatable({}, m) return t end
print(pcall(function() local t = bad(1) return t end))      --> =false	inline.lua:233: bad argument #2 to 'setmetatable' (nil or table expected)
print(pcall(function() local t = bad2("x") return t end))   --> =false	inline.lua:234: bad argument #2 to 'setmetatable' (nil or table expected)
local real = setmetatable
local calls = 0
local function mk(x) return setmetatable({x = x}, V) end
for i = 1, 3 do
  if i == 2 then setmetatable = function(t, m) calls = calls + 1; return real(t, m) end end
  mk(i)
end
setmetatable = rawequal -- another builtin
print(mk(1), mk(2))                        --> =false	false
setmetatable = real
print(calls)                               --> =2
local function env(parent) return setmetatable({}, {__index = parent}) end
local e = env(env({a = 1}))
print(e.a, rawget(e, "a"))                 --> =1	nil
local function weak() return setmetatable({}, {__mode = "v"}) end
local w = weak()
w[1] = {}
collectgarbage()
print(w[1])                                --> =nil
