-- calls through builtins, tail calls into builtins, __call, nested boundaries
local function tp(...) return pcall(...) end
print(tp(function(a, b) return a + b end, 1, 2))      --> =true	3
print(tp(error, "e"))                                  --> =false	e
local function tprint(...) return select("#", ...), ... end
print(tprint(1, nil, 3))                               --> =3	1	nil	3
local function tailgo(s) return string.rep(s, 2) end
print(tailgo("ab"))                                    --> =abab
local callable = setmetatable({}, {__call = function(self, a, b) return a * b, self end})
local r1, r2 = callable(6, 7)
print(r1, r2 == callable)                              --> =42	true
print(pcall(callable, 2, 3))                           --> ~^true	6	table: 
local function tcall() return callable(3, 3) end
print((tcall()))                                       --> =9
print(select("#", pcall(pcall)))                       --> =2
print(pcall(pcall))                                    --> =false	bad argument #1 to '?' (value expected)
print(xpcall(function() error("a") end, function(m) error("b") end)) --> =false	error in error handling
local obj = setmetatable({}, {__tostring = function() return "OBJ" end})
print(obj, tostring(obj))                              --> =OBJ	OBJ
-- upvalues shared between coroutine and main
local shared = 0
local inc = coroutine.wrap(function() while true do shared = shared + 1; coroutine.yield(shared) end end)
inc(); inc()
shared = shared + 10
print(inc(), shared)                                   --> =13	13
-- closures created inside a coroutine outlive it
local maker = coroutine.wrap(function() local v = "captured"; coroutine.yield(function() return v end) end)
local got = maker()
print(got())                                           --> =captured
-- vararg forwarding and adjustment
local function count(...) return select("#", ...) end
print(count(nil), count(nil, nil), count(unpack({1, nil, 3}, 1, 3))) --> =1	2	3
local function first(...) return (...) end
print(first(9, 8, 7))                                  --> =9
-- method call on string literal and number coercion in concat
print(("%d-%s"):format(5, "x"), 1 .. "", 1.5 .. "|")   --> =5-x	1	1.5|
-- deep pcall nesting
local depth = 0
local function nest(n) if n == 0 then return "bottom" end depth = depth + 1; local ok, v = pcall(nest, n - 1); return v end
print(nest(150), depth)                                --> =bottom	150
-- many arguments and results
local many = {}
for i = 1, 250 do many[i] = i end
print(select("#", unpack(many)), select(250, unpack(many))) --> =250	250
print(math.max(unpack(many)))                          --> =250
---
-- not-differential: lua5.1 cannot yield inside pcall
local co = coroutine.create(function(x)
  local y = coroutine.yield(x + 1)
  return pcall(function() local z = coroutine.yield(y * 2); return z .. "!" end)
end)
print(coroutine.resume(co, 1))                         --> =true	2
print(coroutine.resume(co, 5))                         --> =true	10
print(coroutine.resume(co, "done"))                    --> =true	true	done!
---
-- a builtin used as a for iterator that calls back into Lua (nested call)
local calls = 0
local function it(s, c) calls = calls + 1; if c < 3 then return c + 1 end end
local function viaPcall(s, c) local ok, v = pcall(it, s, c); return v end
local sum = 0
for v in pcall, it, 0 do sum = sum + 1; if sum > 5 then break end end
for i in viaPcall, nil, 0 do sum = sum + i end
print(sum, calls)                                      --> =12	10
