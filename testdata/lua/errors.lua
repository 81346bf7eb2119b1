-- error values, levels, pcall, xpcall
print(pcall(error, "msg"))                 --> =false	msg
print(pcall(error, "msg", 0))              --> =false	msg
print(pcall(error))                        --> =false	nil
print(select("#", pcall(error)))           --> =2
local ok, e = pcall(error, {code = 42})
print(ok, e.code)                          --> =false	42
local function lvl1() error("lvl1") end
local function lvl2() error("lvl2", 2) end
local function call2() lvl2() end
print(pcall(lvl1))                         --> =false	errors.lua:8: lvl1
print(pcall(call2))                        --> =false	errors.lua:10: lvl2
print(pcall(function() local x = nil; return x.y end))   --> =false	errors.lua:13: attempt to index local 'x' (a nil value)
print(pcall(function() return undefinedglobal.y end))    --> =false	errors.lua:14: attempt to index global 'undefinedglobal' (a nil value)
print(pcall(function() local t = {} return t.a.b end))   --> =false	errors.lua:15: attempt to index field 'a' (a nil value)
print(pcall(function() nofunc() end))                    --> =false	errors.lua:16: attempt to call global 'nofunc' (a nil value)
print(pcall(function() local t = {} t.x() end))          --> =false	errors.lua:17: attempt to call field 'x' (a nil value)
print(pcall(function() local t = {} t:m() end))          --> =false	errors.lua:18: attempt to call method 'm' (a nil value)
print(pcall(function() local n = "a" return n + 1 end))  --> =false	errors.lua:19: attempt to perform arithmetic on local 'n' (a string value)
print(pcall(function() return 1 < nil end))              --> =false	errors.lua:20: attempt to compare number with nil
print(pcall(function() return {} < {} end))              --> =false	errors.lua:21: attempt to compare two table values
print(pcall(function() return "a" .. {} end))            --> =false	errors.lua:22: attempt to concatenate a table value
print(pcall(function() local s; return #s end))          --> =false	errors.lua:23: attempt to get length of local 's' (a nil value)
print(pcall(function() local t = {} t[nil] = 1 end))     --> =false	errors.lua:24: table index is nil
print(pcall(function() local up = nil; return (function() return up.x end)() end)) --> =false	errors.lua:25: attempt to index upvalue 'up' (a nil value)
print(pcall(function() return -{} end))                  --> =false	errors.lua:26: attempt to perform arithmetic on a table value
print(pcall(string.rep))                                 --> =false	bad argument #1 to '?' (string expected, got no value)
print(pcall(function() return ("x"):rep() end))          --> =false	errors.lua:28: bad argument #1 to 'rep' (number expected, got no value)
print(pcall(setmetatable, 1, {}))                        --> =false	bad argument #1 to '?' (table expected, got number)
print(xpcall(function() error("E") end, function(m) return "handled: " .. m end)) --> =false	handled: errors.lua:30: E
print(xpcall(function() return 1, 2 end, print))         --> =true	1	2
print(pcall(pcall, error, "x"))                          --> =true	false	x
print(pcall(assert, false))                              --> =false	assertion failed!
print(pcall(assert, nil, "custom"))                      --> =false	custom
print(assert(1, 2, 3))                                   --> =1	2	3
print(pcall(error, setmetatable({}, {__tostring = function() return "tostr" end})) == false) --> =true
local function thrower() error({msg = "tbl"}) end
local ok2, err2 = pcall(thrower)
print(ok2, type(err2), err2.msg)                         --> =false	table	tbl
-- error with a non-string in nested pcall keeps identity
local obj = {}
local _, got = pcall(function() pcall(function() end); error(obj) end)
print(got == obj)                                        --> =true
-- tracebacks through xpcall handlers see the stack
print(xpcall(function() local x = nil; x() end, function(m) return (m:gsub("^.-:%d+: ", "")) end)) --> =false	attempt to call local 'x' (a nil value)
---
local t = nil
print(t.x)
### "errors.lua:48: attempt to index local 't' \(a nil value\)"
---
cfg.x = 1
### "errors.lua:51: attempt to index global 'cfg' \(a nil value\)"
---
error("top level")
### "errors.lua:54: top level"
---
local function f() error("deep", 2) end
f()
### "errors.lua:58: deep"
---
local x = 1 +
### "unexpected symbol near '<eof>'"
---
x = = 2
### "errors.lua:64: unexpected symbol near '='"
---
-- runtime errors raised in callbacks of builtins, in coroutines and in
-- an __index function, caught where lua5.1 catches them; load takes a
-- function only
local function bad(x) local t = nil; return t.x end
print(pcall(table.sort, {3, 2, 1}, function(a, b) return bad(a) end))  --> =false	errors.lua:70: attempt to index local 't' (a nil value)
print(pcall(string.gsub, "abc", "%w", function(c) return bad(c) end))  --> =false	errors.lua:70: attempt to index local 't' (a nil value)
print(pcall(tostring, setmetatable({}, {__tostring = function() return bad(1) end})))  --> =false	errors.lua:70: attempt to index local 't' (a nil value)
local co = coroutine.create(function() local n = 5; return n.x end)
print(coroutine.resume(co))                              --> =false	errors.lua:74: attempt to index local 'n' (a number value)
local w = coroutine.wrap(function() local n = 5; return n.x end)
print(pcall(w))                                          --> =false	errors.lua:76: attempt to index local 'n' (a number value)
print(xpcall(function() local s = nil; return s.y end, function(e) return "H:" .. e end))  --> =false	H:errors.lua:78: attempt to index local 's' (a nil value)
local got = {}
for i = 1, 3 do got[i] = tostring(select(2, pcall(function() local q = (i == 2) and {x = 1} or nil; return q.x end))) end
print(table.concat(got, " | "))                          --> =errors.lua:80: attempt to index local 'q' (a nil value) | 1 | errors.lua:80: attempt to index local 'q' (a nil value)
local ix = setmetatable({}, {__index = function(t, k) return bad(k) end})
print(pcall(function() return ix.z end))                 --> =false	errors.lua:70: attempt to index local 't' (a nil value)
print(pcall(load, "return 1"))                           --> =false	bad argument #1 to '?' (function expected, got string)
print(pcall(load))                                       --> =false	bad argument #1 to '?' (function expected, got no value)
---
-- errors lua5.1 raises inside a builtin (luaG_runerror) carry no position
print(pcall(coroutine.yield))
print(pcall(next, {}, 1))
-- chunk names in messages, cut as luaO_chunkid cuts them: to 60 bytes at run time,
-- to 80 in syntax errors
print(loadstring("x = = 1", "=" .. string.rep("n", 100)))
print(loadstring("x = = 1", "@" .. string.rep("f", 100)))
print(loadstring("x = = 1", string.rep("s", 100)))
print(pcall(loadstring("error('rt')", "@" .. string.rep("g", 100))))
print(pcall(loadstring("error('rt')", "=" .. string.rep("h", 100))))
print(pcall(loadstring("error('rt')", string.rep("i", 100))))
print(pcall(loadstring("error('rt')", string.rep("j", 43))))
print(pcall(loadstring("error('rt')", string.rep("j", 44))))
print(loadstring("x = = 1", string.rep("k", 63)))
print(loadstring("x = = 1", string.rep("l", 64)))
print(loadstring("x = = 1", "a\nb"))
--> =false	attempt to yield across metamethod/C-call boundary
--> =false	invalid key to 'next'
--> =nil	nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn:1: unexpected symbol near '='
--> =nil	...ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff:1: unexpected symbol near '='
--> =nil	[string "sssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssss..."]:1: unexpected symbol near '='
--> =false	...gggggggggggggggggggggggggggggggggggggggggggggggggggg:1: rt
--> =false	hhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhh:1: rt
--> =false	[string "iiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiii..."]:1: rt
--> =false	[string "jjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjj"]:1: rt
--> =false	[string "jjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjj..."]:1: rt
--> =nil	[string "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk"]:1: unexpected symbol near '='
--> =nil	[string "lllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllll..."]:1: unexpected symbol near '='
--> =nil	[string "a..."]:1: unexpected symbol near '='
