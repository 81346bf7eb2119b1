local a, b, c = 1, "s", nil
local t = {1, 2, x = 3, [4] = true, false, ...}
print(a + b * 2 - a / 3 % 2 ^ 2, -a, not b, #t)
print(a .. b .. c, (f()), (...))
print(a == b, a ~= b, a < b, a <= b, a > b, a >= b)
print(a and b, a or c, a and b or c, not (a and b))
local g = function(x, ...) return x, ... end
print(t.x, t[a], t:m(1), g{1}, g"s")
print(0x10, 1e3, 0010, true, false, nil)
