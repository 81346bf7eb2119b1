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
---
-- NaNs as lua5.1 prints them from glibc's math: an operation on a NaN gives it back, sign
-- and all (0/0 is -nan on x86); a domain error gives -nan (log10, acos, asin: nan); abs clears it
local nan = 0/0
local cases = {
 {"sqrt(-1)", function() return math.sqrt(-1) end}, {"log(-1)", function() return math.log(-1) end}, {"log10(-1)", function() return math.log10(-1) end},
 {"acos(2)", function() return math.acos(2) end}, {"asin(2)", function() return math.asin(2) end}, {"fmod(1,0)", function() return math.fmod(1, 0) end},
 {"fmod(inf,1)", function() return math.fmod(1/0, 1) end}, {"pow(-8,1/3)", function() return math.pow(-8, 1/3) end}, {"(-8)^(1/3)", function() return (-8)^(1/3) end},
 {"sin(inf)", function() return math.sin(1/0) end}, {"cos(inf)", function() return math.cos(1/0) end}, {"tan(inf)", function() return math.tan(1/0) end},
 {"log(-inf)", function() return math.log(-1/0) end}, {"sqrt(-inf)", function() return math.sqrt(-1/0) end}, {"atan2(nan,1)", function() return math.atan2(nan, 1) end},
 {"exp(nan)", function() return math.exp(nan) end}, {"floor(nan)", function() return math.floor(nan) end}, {"ceil(nan)", function() return math.ceil(nan) end}, {"abs(nan)", function() return math.abs(nan) end},
 {"abs(-nan)", function() return math.abs(-nan) end}, {"sinh(nan)", function() return math.sinh(nan) end}, {"cosh(nan)", function() return math.cosh(nan) end}, {"tanh(nan)", function() return math.tanh(nan) end},
 {"sin(nan)", function() return math.sin(nan) end}, {"log(nan)", function() return math.log(nan) end}, {"log(-nan)", function() return math.log(-nan) end}, {"sqrt(-nan)", function() return math.sqrt(-nan) end},
 {"fmod(nan,1)", function() return math.fmod(nan, 1) end}, {"fmod(-nan,1)", function() return math.fmod(-nan, 1) end}, {"fmod(1,-nan)", function() return math.fmod(1, -nan) end},
 {"pow(nan,1)", function() return math.pow(nan, 1) end}, {"pow(-nan,2)", function() return math.pow(-nan, 2) end}, {"pow(1,nan)", function() return math.pow(1, nan) end}, {"pow(nan,0)", function() return math.pow(nan, 0) end},
 {"-nan^2", function() return (-nan)^2 end}, {"nan^2", function() return nan^2 end}, {"modf(nan)", function() return math.modf(nan) end}, {"modf(-nan)", function() return math.modf(-nan) end},
 {"frexp(nan)", function() return math.frexp(nan) end}, {"ldexp(-nan,1)", function() return math.ldexp(-nan, 1) end}, {"deg(-nan)", function() return math.deg(-nan) end}, {"max(-nan,1)", function() return math.max(-nan, 1) end},
 {"min(1,-nan)", function() return math.min(1, -nan) end}, {"asin(nan)", function() return math.asin(nan) end}, {"acos(-nan)", function() return math.acos(-nan) end}, {"atan(-nan)", function() return math.atan(-nan) end},
 {"log10(nan)", function() return math.log10(nan) end}, {"log10(-nan)", function() return math.log10(-nan) end}, {"exp(-nan)", function() return math.exp(-nan) end}, {"tonumber(nan)", function() return tonumber("nan"), tonumber("-nan") end},
 {"%", function() return 5 % 0, -5 % 0, nan % 1, -nan % 1, 1 % nan end}, {"fmod(-1,0)", function() return math.fmod(-1, 0) end}, {"sqrt(-0)", function() return math.sqrt(-0.0) end},
}
for _, c in ipairs(cases) do print(c[1], c[2]()) end
n = 0/0
print(n, -n, n^1, n^3, n^0.5, n^-1, n^2, n^1.5, (-n)^1, math.pow(n, 1), n^-2, n^10, 2^n, (-2)^n, 1^n, n^0)
print(math.fmod(n, 0), math.fmod(1/0, 0), math.fmod(0, 1/0), math.log(0), math.log(-0.0), math.log10(0), math.log10(-1/0), math.acos(-2), math.asin(-1/0), math.sqrt(-1e-300))
--> =sqrt(-1)	-nan
--> =log(-1)	-nan
--> =log10(-1)	nan
--> =acos(2)	nan
--> =asin(2)	nan
--> =fmod(1,0)	-nan
--> =fmod(inf,1)	-nan
--> =pow(-8,1/3)	-nan
--> =(-8)^(1/3)	-nan
--> =sin(inf)	-nan
--> =cos(inf)	-nan
--> =tan(inf)	-nan
--> =log(-inf)	-nan
--> =sqrt(-inf)	-nan
--> =atan2(nan,1)	-nan
--> =exp(nan)	-nan
--> =floor(nan)	-nan
--> =ceil(nan)	-nan
--> =abs(nan)	nan
--> =abs(-nan)	nan
--> =sinh(nan)	-nan
--> =cosh(nan)	-nan
--> =tanh(nan)	-nan
--> =sin(nan)	-nan
--> =log(nan)	-nan
--> =log(-nan)	nan
--> =sqrt(-nan)	nan
--> =fmod(nan,1)	-nan
--> =fmod(-nan,1)	nan
--> =fmod(1,-nan)	nan
--> =pow(nan,1)	nan
--> =pow(-nan,2)	nan
--> =pow(1,nan)	1
--> =pow(nan,0)	1
--> =-nan^2	nan
--> =nan^2	-nan
--> =modf(nan)	-nan	-nan
--> =modf(-nan)	nan	nan
--> =frexp(nan)	-nan	0
--> =ldexp(-nan,1)	nan
--> =deg(-nan)	nan
--> =max(-nan,1)	nan
--> =min(1,-nan)	1
--> =asin(nan)	-nan
--> =acos(-nan)	nan
--> =atan(-nan)	nan
--> =log10(nan)	-nan
--> =log10(-nan)	nan
--> =exp(-nan)	nan
--> =tonumber(nan)	nan	-nan
--> =%	-nan	-nan	-nan	nan	-nan
--> =fmod(-1,0)	-nan
--> =sqrt(-0)	-0
--> =-nan	nan	nan	nan	-nan	nan	-nan	-nan	nan	nan	-nan	-nan	-nan	-nan	1	1
--> =-nan	-nan	0	-inf	-inf	-inf	nan	nan	nan	-nan
