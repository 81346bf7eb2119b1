-- numbers, strings, operators, coercions, formatting
print(1 + 2 * 3 - 4 / 2)        --> =5
print(2 ^ 3 ^ 2)                --> =512
print(-2 ^ 2)                   --> =-4
print(7 % 3, -7 % 3, 7 % -3, 5.5 % 2)  --> =1	2	-2	1.5
print(1 / 0, -1 / 0)            --> =inf	-inf
print(0 / 0 ~= 0 / 0)           --> =true
print(10 / 3)                   --> =3.3333333333333
print(1e15, 1e14, 123456789012) --> =1e+15	1e+14	123456789012
print(2 ^ 53)                   --> =9.007199254741e+15
print(0.1 + 0.2)                --> =0.3
print(-0.0)                     --> =0
print(3.0, 3.5, -3.25)          --> =3	3.5	-3.25
print(0x10, 0xff, 0XA)          --> =16	255	10
print(0010, 1e2, .5, 3.)        --> =10	100	0.5	3
print("10" + 5, "3" * "4")      --> =15	12
print("0x10" + 0, " 7 " * 1)    --> =16	7
print(10 .. 20)                 --> =1020
print("a" .. 1.5 .. "b")        --> =a1.5b
print(#"hello", #"")            --> =5	0
print(1 == 1.0, "1" == 1)       --> =true	false
print(1 < 2, "a" < "b", "Z" < "a") --> =true	true	true
print("abc" < "abd", "" < "a")  --> =true	true
print(not nil, not 0, not false) --> =true	false	true
print(nil and 1, false or "x", 1 and 2, nil or false) --> =nil	x	2	false
print(1 and nil or 3)           --> =3
print(type(1), type("s"), type(nil), type({}), type(print), type(true)) --> =number	string	nil	table	function	boolean
print(tostring(12), tostring(nil), tostring(false)) --> =12	nil	false
print(tonumber("  12  "), tonumber("1e3"), tonumber("x"), tonumber("")) --> =12	1000	nil	nil
print(tonumber("ff", 16), tonumber("777", 8), tonumber("zz", 36), tonumber("8", 8)) --> =255	511	1295	nil
print(tonumber("0x1F"), tonumber("-0x10"))  --> =31	-16
print("esc: \65\066\x" == "esc: AB" .. "x")  --> =true
print("tab\tnew\\n")            --> =tab	new\n
print([[long
string]])
--> =long
--> =string
print([==[a]]b]==])             --> =a]]b
print(#[[
x]])                            --> =1
-- comments --[[ inline ]] and
--[[ block
comment ]] print("after block comment") --> =after block comment
--[==[ another
]==]
print(2^-1, 8 % 3.5)            --> =0.5	1
print(math.huge, -math.huge)    --> =inf	-inf
print(100000000000000)          --> =1e+14
print(12345678901234567)        --> =1.2345678901235e+16
print(0.1, 1/3, 2/3)            --> =0.1	0.33333333333333	0.66666666666667
print(1e-5, 1.5e-10, 123.456e2) --> =1e-05	1.5e-10	12345.6
local a, b, c = 1
print(a, b, c)                  --> =1	nil	nil
local x, y = 1, 2, 3
print(x, y)                     --> =1	2
a, b = b, a
print(a, b)                     --> =nil	1
local t = {}
t.x, t.y = 1, 2
print(t.x, t.y)                 --> =1	2
local i = 1
i, t[i] = i + 1, 20
print(i, t[1], t[2])            --> =2	20	nil
---
-- arithmetic and comparisons with the constant 0 (compiled code folds
-- it, but not as a divisor, and a -0 keeps its sign)
local out = {}
for _, x in ipairs({3, -2, 0, -0, 0.5}) do
  local m = -x
  out[#out + 1] = table.concat({x + 0, x - 0, 0 - x, x * 0, 0 * m, 0 / (x ~= 0 and x or 1),
    x ^ 0, 0 % 3, tostring(x == 0), tostring(x < 0), tostring(0 <= x), tostring(m > 0), x + -0, m - -0}, " ")
end
print(table.concat(out, " | "))  --> =3 3 -3 0 -0 0 1 0 false false true false 3 -3 | -2 -2 2 -0 0 -0 1 0 false true false true -2 2 | 0 0 0 0 -0 0 1 0 true false true false 0 -0 | 0 0 0 0 -0 0 1 0 true false true false 0 -0 | 0.5 0.5 -0.5 0 -0 0 1 0 false false true false 0.5 -0.5
local s = 0
for i = -3, 3 do if i % 2 == 0 then s = s + 1 end if i ~= 0 and 1 / i > 0 then s = s + 10 end end
print(s, pcall(function() local z = 0; return 1 / z, -1 / z, 0 / z ~= 0 / z, 5 % z ~= 5 % z end))  --> =33	true	inf	-inf	true	true
---
print(5 // 1 == nil)
### "unexpected symbol near '/'"
