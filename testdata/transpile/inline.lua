-- Calls that compiled code runs inline: small pure functions, guessed
-- from a local function (CLOSURE, an upvalue, a MOVE) or a global one.
local scale = 2
local function A(i, j)
  local ij = i + j - 1
  return 1.0 / (ij * (ij - 1) * 0.5 + i)
end
local function clamp(x)
  if x > scale then return scale elseif x <= -scale then return -scale end
  return x
end
local function pick(a, b, c) local n; return a and b or c, not a, a == b, n end
local function get(t, k) return t.name, t[1], t[k], -t[2] % 3 ^ 2, "s" end
function G(x) return x - 1 end
local B = A
local s = 0
for i = 1, 10 do
  s = s + A(i, 1) + B(1, i) + clamp(i) + G(i)
  local p = pick(i > 5, i, nil)
  local q = get({1, 2, name = "n"}, 1)
end
print(s)
-- constructors: at a call, a tail call and as the last argument
local V = {}
local function vec(x, y) return setmetatable({x = x, y = y}, V) end
local function rec(a) local t = setmetatable({}, {__index = a}) return t end
function V.__add(a, b) return vec(a.x + b.x, a.y + b.y) end
local v = vec(1, 2) + vec(3, 4)
print(v.x, rec(v).y, select("#", vec(5, 6)))
