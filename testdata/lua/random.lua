-- math.random draws lua5.1's numbers: the C library's random() as glibc
-- computes it (runtime/random.go), unseeded and after randomseed (the
-- seed cut to a C int as luaL_checkint does)
print(math.random(), math.random(100), math.random(5, 9))
--> =0.84018771715471	40	8
math.randomseed(42)
print(math.random(), math.random(1000))
--> =0.03346994800189	330
math.randomseed(-7)
print(math.random(10), math.random(3, 4))
--> =5	3
math.randomseed(2^40 + 3)
print(math.random(10))
--> =6
math.randomseed(0)
local s = 0
for i = 1, 1000 do s = s + math.random(6) end
print(s, math.random(2^31 - 1))
--> =3539	981914694
