local x = 0
x = x + 1
y, z = x, 2
t = {}
t.a, t[1] = 1, 2
do local d = 1 end
while x < 10 do x = x + 1; if x == 5 then break end end
repeat x = x - 1 until x <= 0
if x then x = 1 elseif y then x = 2 else x = 3 end
for i = 1, 10, 2 do x = x + i end
for k, v in pairs(t) do x = v end
function gf(a) return a end
function t.f(a) return a end
function t:m(a) return self, a end
local function lf(n) if n > 0 then return lf(n - 1) end end
local fs = {}
for i = 1, 3 do fs[i] = function() return i end end
gf(x)
return x, y
