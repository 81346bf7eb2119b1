#!/usr/bin/env lua5.1
-- the gopher-lua parser traps that the front end fixes
local function f(n) if n == 0 then return "base" end return f(n - 1) end
print(f(3))                                --> =base
local g = function() return g end
print(g())                                 --> =nil
local obj = {v = 7}
obj.inner = {v = 8}
function obj.inner:get() return self.v end
print(obj.inner:get())                     --> =8
print(0010, 0x0010, 1e1, 010.5)            --> =10	16	10	10.5
local t = {}
t.goto = "field named goto"
print(t.goto, t["goto"])                   --> =field named goto	field named goto
local goto = 5
print(goto + 1)                            --> =6
print(1 +2)                                --> =3
print("shebang line skipped")              --> =shebang line skipped
local deep = ((((((((((1))))))))))
print(deep)                                --> =1
local s = "a\
b"
print(s)
--> =a
--> =b
print(#"\0\1\2", "\97\98c")                --> =3	abc
print(2^-2, - - 2, not not nil)            --> =0.25	2	false
print(("%d"):format(3), #{n = 1}, -2 ^ 2)  --> =3	0	-4
print(1 .. 2 == "12", 2 < 3 == true)       --> =true	true
local a = {[1] = "x", [2] = "y", "z"}
print(a[1], a[2])                          --> =z	y
print(({1, 2, 3})[2], (("s")))             --> =2	s
print(type(nil) == "nil" and 1 or 2)       --> =1
do local _ENV = 1 end
print(math.max(1, 5, 3), math.min(4, 2))   --> =5	2
---
local x = ((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((1))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))
### "chunk has too many syntax levels"
---
::label::
### "unexpected symbol"
---
-- syntax errors are reported in lua5.1's words
x y
### "parser.lua:44: '=' expected near 'y'"
