-- metamethods called from compiled code (arithmetic, comparisons) and
-- what comes back from them: Lua functions, builtins, errors, pcall,
-- coroutines; tail calls of every kind; __newindex and __index absent
-- from a metatable that has other fields.
local V = {}
V.__index = V
local function vec(x) return setmetatable({x = x}, V) end
V.__add = function(a, b) return vec(a.x + (type(b) == "table" and b.x or b)) end
V.__unm = function(a) return vec(-a.x) end
V.__eq = function(a, b) return a.x == b.x end
V.__lt = function(a, b) return a.x < b.x end
V.__le = function(a, b) return a.x <= b.x end
local s = 0
for i = 1, 50 do
  local v = vec(i) + vec(1) + 2
  if v == vec(i + 3) then s = s + 1 end
  if vec(i) < v then s = s + 10 end
  if v <= vec(i) then s = s + 1000 end
  if not (v <= vec(i)) then s = s + 100 end
  s = s + (-v).x
end
print(s)                                            --> =4125

-- only __lt: a <= b is not (b < a)
local L = {__lt = function(a, b) return a.n < b.n end}
local function l(n) return setmetatable({n = n}, L) end
local le = {}
for i = 1, 3 do le[i] = tostring(l(i) <= l(2)) .. "/" .. tostring(l(i) > l(2)) end
print(table.concat(le, " "))                        --> =true/false true/false false/true

-- builtins as metamethods
local B = {__add = math.max, __eq = rawequal, __lt = rawequal, __index = rawget}
local b1, b2 = setmetatable({}, B), setmetatable({}, B)
print(pcall(function() return b1 + b2 end))         --> ~^false\t.*number expected
print(b1 == b2, b1 < b1, b1 < b2, b1.missing)        --> =false	true	false	nil

-- strings are numbers in arithmetic, and compare as strings
local t = {}
for i = 1, 3 do t[i] = ("1" .. i) + i .. "," .. tostring(("a" .. i) < "a2") end
print(table.concat(t, " "))                         --> =12,true 14,false 16,false

-- an error inside a metamethod, caught by pcall around it
local E = {__add = function(a, b) error("no add " .. a.k, 0) end,
           __lt = function(a, b) return a.k < nil end}
local e1 = setmetatable({k = 1}, E)
local errs = {}
for i = 1, 2 do
  errs[#errs + 1] = select(2, pcall(function() return e1 + i end))
  errs[#errs + 1] = select(2, pcall(function() return e1 < e1 end))
end
print(#errs, errs[1], errs[3])                      --> =4	no add 1	no add 1
print(errs[2] == errs[4], errs[4])                  --> ~^true	.*:[0-9]+: attempt to compare number with nil$
print(pcall(function() local x = {} + 1 end))       --> ~^false\t.*attempt to perform arithmetic on a table value
print(pcall(function() return {} < {} end))         --> ~^false\t.*attempt to compare two table values

-- metamethods run by coroutines, yielding around them
local co = coroutine.wrap(function()
  local acc = vec(0)
  for i = 1, 3 do
    acc = acc + coroutine.yield(acc.x)
  end
  return acc.x
end)
print(co(), co(5), co(6), co(7))                    --> =0	5	11	18

-- tail calls: to Lua functions (deep), to builtins (all results), to
-- callable tables, and from a metamethod
local function count(n, acc) if n == 0 then return acc end return count(n - 1, acc + 1) end
print(count(100000, 0))                             --> =100000
local function unpack3(t) return unpack(t) end
print(unpack3({1, 2, 3}))                           --> =1	2	3
local callable = setmetatable({}, {__call = function(self, a, b) return a + b end})
local function tc(a, b) return callable(a, b) end
print(tc(2, 3))                                     --> =5
local function sel(...) return select("#", ...) end
local function tv(...) return sel(...) end
print(tv(1, nil, 3, nil))                           --> =4
local TM = {__add = function(a, b) return vec(a.x * 10 + b) end}
local function viaTail(a, b) return TM.__add(a, b) end
local T2 = {__add = viaTail}
print((setmetatable({x = 4}, T2) + 2).x)            --> =42

-- a metatable with fields but no __newindex/__index: plain reads and writes
local plain = setmetatable({}, {__tostring = function() return "plain" end})
for i = 1, 3 do plain.n = (plain.n or 0) + i; plain[i] = i end
print(plain.n, #plain, plain.missing, tostring(plain)) --> =6	3	nil	plain
-- __newindex present, key already there: a raw write
local seen = {}
local ni = setmetatable({a = 1}, {__newindex = function(t, k, v) seen[#seen + 1] = k; rawset(t, k, v) end})
for i = 1, 2 do ni.a = ni.a + 1; ni.b = i end
print(ni.a, ni.b, table.concat(seen, ","))          --> =3	2	b
-- the metatable changes between calls
local M = {}
local obj = setmetatable({}, M)
local got = {}
for i = 1, 3 do
  if i == 2 then M.__index = function(t, k) return k .. i end end
  if i == 3 then M.__index = {f = "tbl"} end
  got[i] = tostring(obj.f)
end
print(table.concat(got, " "))                       --> =nil f2 tbl
---
-- table reads and writes that reach a metamethod or a non-table value:
-- __index and __newindex functions (compiled code calls them and goes
-- on after the access), deep chains, strings' methods, globals through
-- an environment with a metatable, and the errors
local D = setmetatable({}, {__index = function(t, k) return #k end})
local names, dsum = {"a", "bb", "ccc"}, 0
for i = 1, 30 do dsum = dsum + D[names[i % 3 + 1]] + D.four end
print(dsum)                                         --> =180
local memo = setmetatable({}, {__index = function(t, n)
  local v = n < 2 and n or t[n - 1] + t[n - 2]
  t[n] = v
  return v
end})
print(memo[100] == memo[99] + memo[98], memo[30])   --> =true	832040
local log = {}
local W = setmetatable({}, {__newindex = function(t, k, v) log[#log + 1] = k .. "=" .. v; rawset(t, k, v * 2) end})
for i = 1, 3 do W[i] = i; W["k" .. i] = i; W.k1 = 10 end
print(table.concat(log, " "), W[1], W.k1, W.k3)     --> =1=1 k1=1 2=2 k2=2 3=3 k3=3	2	10	6
local proxy = setmetatable({}, {__newindex = W})
proxy.z = 5
print(rawget(proxy, "z"), W.z)                      --> =nil	10
local c0 = {base = "c0"}
local c = c0
for i = 1, 5 do c = setmetatable({}, {__index = c}) end
local Fn = setmetatable({}, {__index = function(t, k) return k .. "!" end})
local deep = setmetatable({}, {__index = setmetatable({}, {__index = Fn})})
print(c.base, c.none, deep.x, deep.y)               --> =c0	nil	x!	y!
local s, words = "Mobile Lua", {}
for i = 1, 3 do words[i] = s:upper():sub(i, i + 2) .. s.len(s) end
print(table.concat(words, ","), ("x"):rep(3), #s:lower()) --> =MOB10,OBI10,BIL10	xxx	10
local env = setmetatable({}, {__index = _G, __newindex = function(t, k, v) rawset(t, k, v .. "*") end})
local function g() for i = 1, 2 do answer = tostring(i) end return answer, type(print) end
setfenv(g, env)
print(g())                                          --> =2	function
local ok, e = pcall(function() local t = nil; for i = 1, 2 do t = t.x end end)
print(ok, e)                                        --> ~^false\t.*attempt to index local 't' \(a nil value\)$
ok, e = pcall(function() local t = {}; return t.a.b end)
print(ok, e)                                        --> ~^false\t.*attempt to index field 'a' \(a nil value\)$
ok, e = pcall(function() local t = {}; t.a.b = 1 end)
print(ok, e)                                        --> ~^false\t.*attempt to index field 'a' \(a nil value\)$
ok, e = pcall(function() local t = {}; t[nil] = 1 end)
print(ok, e)                                        --> ~^false\t.*table index is nil$
ok, e = pcall(function() return undefinedglobal.x end)
print(ok, e)                                        --> ~^false\t.*attempt to index global 'undefinedglobal' \(a nil value\)$
ok, e = pcall(function() local n = 5; return n:foo() end)
print(ok, e)                                        --> ~^false\t.*attempt to index local 'n' \(a number value\)$
---
-- not-differential: lua5.1 cannot yield across a metamethod; Mobilua can (a process may freeze inside one)
local co = coroutine.wrap(function()
  local Y = {__add = function(a, b) return coroutine.yield(b) + 1 end}
  local r = setmetatable({}, Y) + 1
  return r * 2
end)
print(co(), co(20))                                 --> =1	42
local gen = coroutine.wrap(function()
  local Y = setmetatable({}, {__index = function(t, k) return coroutine.yield(k) end,
                              __newindex = function(t, k, v) coroutine.yield(k .. v) end})
  local a = Y.first
  Y.second = a
  return "done " .. a
end)
print(gen(), gen("A"), gen())                       --> =first	secondA	done A
-- __index called 5000 deep (lua5.1 stops at 200 C levels): the stack
-- grows under compiled code
local memo = setmetatable({}, {__index = function(t, n)
  local v = n < 2 and n or (t[n - 1] + t[n - 2]) % 1000
  t[n] = v
  return v
end})
print(memo[5000], memo[4999])                       --> =125	501
---
-- builtins that raise, called by pcall and xpcall directly, from Lua
-- code, from a coroutine and from a builtin that calls back
print(pcall(error, {code = 7}))                     --> ~^false\ttable: 
print(select(2, pcall(error, "lvl0", 0)), select(2, pcall(error)))  --> =lvl0	nil
print(pcall(assert, false, "custom"))               --> =false	custom
print(pcall(assert, nil))                           --> =false	assertion failed!
print(pcall(assert, 1, 2))                          --> =true	1	2
print(xpcall(error, function(e) return "handled " .. tostring(e) end))  --> =false	handled nil
local co = coroutine.wrap(function(...) return pcall(error, ...) end)
print(co("in co", 0))                               --> =false	in co
local t = {3, 1, 2}
table.sort(t, function(a, b) local ok, e = pcall(error, "cmp", 0); return ok == false and e == "cmp" and a < b end)
print(t[1], t[2], t[3])                             --> =1	2	3
print(pcall(pcall, error, "two", 0))                --> =true	false	two
local n = 0
for i = 1, 100 do
  local ok, e = pcall(error, i, 0)
  if not ok then n = n + e end
end
print(n)                                            --> =5050

-- print writes what needs no call at once and calls __tostring, or a
-- tostring put in the builtin's place, for the rest, in order; tostring
-- and gsub that call nothing, and sort of plain items, return at once
local T = setmetatable({}, {__tostring = function() return "T" end})
print(1, "a", nil, true, 1.5, T, 2, "x")            --> =1	a	nil	true	1.5	T	2	x
print(T, T)                                         --> =T	T
local saved = tostring
tostring = function(v) return "<" .. saved(v) .. ">" end
print(1, "a", T)                                    --> =<1>	<a>	<T>
tostring = saved
print(tostring(12), tostring("s"), tostring(nil), tostring(T))  --> =12	s	nil	T
print(("abc"):gsub("x", "y"))                       --> =abc	0
print(string.gsub(12, "x", "y"), string.gsub(12, "%d", "n"))  --> =12	nn	2
print(type(string.gsub(12, "x", "y")), type(tostring(12)))  --> =string	string
local st = {"b", "c", "a"}
table.sort(st)
local sn = {3, 1, 2}
table.sort(sn, function(a, b) return a > b end)
print(table.concat(st), table.concat(sn))           --> =abc	321
