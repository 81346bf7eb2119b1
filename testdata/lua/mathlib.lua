-- the math library against lua5.1
print(math.abs(-3), math.abs(3.5), math.ceil(1.2), math.ceil(-1.2), math.floor(1.8), math.floor(-1.2))
print(math.max(3, 9, 1), math.min(3, 9, 1), math.max(-1), math.fmod(7, 3), math.fmod(-7, 3), math.fmod(7, -3))
print(math.sqrt(16), math.sqrt(2), math.pow(2, 10), 2^0.5, math.exp(0), math.exp(1))
print(math.log(1), math.log(math.exp(2)), math.log10(1000), math.log10(0.01))
print(math.sin(0), math.cos(0), math.tan(0), math.sin(math.pi / 2), math.asin(1), math.acos(1), math.atan(1))
print(math.atan2(1, 1), math.atan2(-1, -1), math.sinh(1), math.cosh(1), math.tanh(1))
print(math.deg(math.pi), math.rad(180), math.pi, math.huge, -math.huge)
print(math.frexp(8), math.frexp(0.5), math.ldexp(0.5, 4), math.modf(3.7), math.modf(-3.7))
print(math.modf(1/0), math.floor(-0.5), math.ceil(-0.5))
print(pcall(math.floor), pcall(math.max))
print(pcall(math.abs, "x"))
print(math.abs("-2"), math.floor("3.7"))
math.randomseed(42)
local a, b, c = math.random(), math.random(10), math.random(5, 7)
print(a >= 0 and a < 1, b >= 1 and b <= 10, c >= 5 and c <= 7, b == math.floor(b))
print(pcall(math.random, 0), pcall(math.random, 3, 1), pcall(math.random, 1, 2, 3))
print(8 % 3.5, -8 % 3.5, 2^-1074 > 0, 1e308 * 10, -1e308 * 10)
print(math.mod ~= nil, math.fmod(5.5, 2))
-- expected output, as lua5.1 prints it:
--> =3	3.5	2	-1	1	-2
--> =9	1	-1	1	-1	1
--> =4	1.4142135623731	1024	1.4142135623731	1	2.718281828459
--> =0	2	3	-2
--> =0	1	0	1	1.5707963267949	0	0.78539816339745
--> =0.78539816339745	-2.3561944901923	1.1752011936438	1.5430806348152	0.76159415595576
--> =180	3.1415926535898	3.1415926535898	inf	-inf
--> =0.5	0.5	8	3	-3	-0.7
--> =inf	-1	-0
--> =false	false	bad argument #1 to '?' (number expected, got no value)
--> =false	bad argument #1 to '?' (number expected, got string)
--> =2	3
--> =true	true	true	true
--> =false	false	false	wrong number of arguments
--> =1	2.5	true	inf	-inf
--> =true	1.5
---
-- 0 and -0 are one constant in a function, as in lua5.1: whichever comes
-- first (folded arithmetic too); a function of its own has its own
print(-0, 0, 1 - 1, 0 * 5)                 --> =-0	-0	-0	-0
print((function() return 0, -0, 2 - 2 end)()) --> =0	0	0
local z = 0 -- the -0 above: -z is 0
print(-z, z * -1 == 0)                     --> =0	true
