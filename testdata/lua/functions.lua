-- functions, varargs, multiple results, closures
local function f(...) return select("#", ...), ... end
print(f())                        --> =0
print(f(nil, nil))                --> =2	nil	nil
print(select(2, "a", "b", "c"))   --> =b	c
print(select(-1, "a", "b", "c"))  --> =c
local function mr() return 1, 2, 3 end
print(mr())                       --> =1	2	3
print(mr(), 10)                   --> =1	10
print((mr()))                     --> =1
local t = {mr(), mr()}
print(#t)                         --> =4
local t2 = {mr(), (mr())}
print(#t2)                        --> =2
print(#{...}, select("#", ...))   --> =0	0
local function va(a, ...) local x, y = ...; return a, x, y, select("#", ...) end
print(va(1))                      --> =1	nil	nil	0
print(va(1, 2, 3, 4))             --> =1	2	3	3
local function pass(...) return ... end
print(pass(1, nil, 3))            --> =1	nil	3
print(unpack({1, 2, 3}))          --> =1	2	3
print(unpack({1, 2, 3}, 2))       --> =2	3
print(unpack({1, 2, 3}, 2, 5))    --> =2	3	nil	nil
local function counter()
  local n = 0
  return function() n = n + 1; return n end, function() return n end
end
local inc, get = counter()
inc(); inc()
print(get())                      --> =2
local function fact(n) if n <= 1 then return 1 end return n * fact(n - 1) end
print(fact(10))                   --> =3628800
local fib
fib = function(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end
print(fib(15))                    --> =610
local function loop(n) if n == 0 then return "done" end return loop(n - 1) end
print(loop(100000))               --> =done
local obj = {name = "o"}
function obj:hello(x) return self.name .. x end
function obj.static(x) return x end
print(obj:hello("!"), obj.static(5)) --> =o!	5
local a = {b = {}}
function a.b.c(x) return x * 2 end
function a.b:d(x) return self == a.b, x end
print(a.b.c(4), a.b:d(1))         --> =8	true	1
local g = function(...) local n = select("#", ...); return n end
print(g(1, 2, nil))               --> =3
print(string.format("%d", select("#", mr())))  --> =3
local function outer()
  local x = 1
  local function mid()
    local function inner() x = x + 1; return x end
    return inner
  end
  return mid(), function() return x end
end
local i1, r1 = outer()
i1(); i1()
print(r1())                       --> =3
print(type(print), type(function() end)) --> =function	function
---
local function lf() return lf end
print(lf() == lf)                 --> =true
local lv = function() return lv end
print(lv())                       --> =nil
---
-- deep recursion is a catchable error
local function deep(n) return 1 + deep(n + 1) end
local ok, err = pcall(deep, 1)
print(ok, err)                    --> ~^false	functions.lua:[0-9]+: stack overflow$
