-- arithmetic: each operator with two registers, a register and a number
-- constant, and a constant and a register (the interpreter decides the
-- instruction's kind when it loads the code: a fast path for numbers
-- each, and the generic slow path for the rest), over every kind of
-- operand: numbers, strings that convert, strings that do not, nil,
-- booleans, tables with and without metamethods
local log = {}
local mt = {}
for _, ev in ipairs({"add", "sub", "mul", "div", "mod", "pow", "lt", "le"}) do
  mt["__" .. ev] = function(a, b)
    local x = type(a) == "table" and "T" or tostring(a)
    local y = type(b) == "table" and "T" or tostring(b)
    if ev == "lt" or ev == "le" then return x < y end
    return ev .. "(" .. x .. "," .. y .. ")"
  end
end
local vals = {
  {"7", 7}, {"-2", -2}, {"'10'", "10"}, {"' 0x10 '", " 0x10 "}, {"'1e1'", "1e1"},
  {"'x'", "x"}, {"nil", nil}, {"true", true}, {"t", {}}, {"m", setmetatable({}, mt)},
}
local function show(ok, r)
  if not ok then return "e" end
  return tostring(r)
end
local rr = {
  ["+"] = function(a, b) return a + b end, ["-"] = function(a, b) return a - b end,
  ["*"] = function(a, b) return a * b end, ["/"] = function(a, b) return a / b end,
  ["%"] = function(a, b) return a % b end, ["^"] = function(a, b) return a ^ b end,
}
local rn = {
  ["+"] = function(a) return a + 3 end, ["-"] = function(a) return a - 3 end,
  ["*"] = function(a) return a * 3 end, ["/"] = function(a) return a / 4 end,
  ["%"] = function(a) return a % 3 end, ["^"] = function(a) return a ^ 2 end,
}
local nr = {
  ["+"] = function(a) return 3 + a end, ["-"] = function(a) return 3 - a end,
  ["*"] = function(a) return 3 * a end, ["/"] = function(a) return 4 / a end,
  ["%"] = function(a) return 3 % a end, ["^"] = function(a) return 2 ^ a end,
}
for _, op in ipairs({"+", "-", "*", "/", "%", "^"}) do
  for i = 1, #vals do
    local a = vals[i][2]
    local s = {}
    for j = 1, #vals do s[j] = show(pcall(rr[op], a, vals[j][2])) end
    print(op, vals[i][1], table.concat(s, " "))
  end
  local s = {}
  for i = 1, #vals do
    local a = vals[i][2]
    s[i] = show(pcall(rn[op], a)) .. "|" .. show(pcall(nr[op], a))
  end
  print(op, "k", table.concat(s, " "))
end
-- comparisons with a number constant and between registers
local cmp = {}
for i = 1, #vals do
  local a = vals[i][2]
  cmp[i] = show(pcall(function() return a < 1 end)) .. show(pcall(function() return a <= 7 end))
    .. show(pcall(function() return a == 7 end)) .. show(pcall(function() return a ~= 7 end))
    .. show(pcall(function() return a > 1 end))
end
print(table.concat(cmp, " "))
-- the error messages name the operand
local n, s, t = 1, "x", {}
print(select(2, pcall(function() return s + n end)))
print(select(2, pcall(function() return n - t end)))
print(select(2, pcall(function() return t * 2 end)))
print(select(2, pcall(function() return s / 2 end)))
print(select(2, pcall(function() return 2 % t end)))
print(select(2, pcall(function() return t < 2 end)))
print(select(2, pcall(function() return s <= n end)))
-- in a loop that runs long enough for compiled code's and the caches'
-- paths, the kinds changing under it
local acc = 0
for i = 1, 300 do
  local v = i % 3 == 0 and tostring(i) or i
  acc = acc + v * 2 - v % 7 + v / 4
  if v * 1 < 100 then acc = acc + 1 end
  if v == 90 or v == 91 then acc = acc + 1000 end
end
print(acc)
--> =+	7	14 5 17 23 17 e e e e add(7,T)
--> =+	-2	5 -4 8 14 8 e e e e add(-2,T)
--> =+	'10'	17 8 20 26 20 e e e e add(10,T)
--> =+	' 0x10 '	23 14 26 32 26 e e e e add( 0x10 ,T)
--> =+	'1e1'	17 8 20 26 20 e e e e add(1e1,T)
--> =+	'x'	e e e e e e e e e add(x,T)
--> =+	nil	e e e e e e e e e add(nil,T)
--> =+	true	e e e e e e e e e add(true,T)
--> =+	t	e e e e e e e e e add(T,T)
--> =+	m	add(T,7) add(T,-2) add(T,10) add(T, 0x10 ) add(T,1e1) add(T,x) add(T,nil) add(T,true) add(T,T) add(T,T)
--> =+	k	10|10 1|1 13|13 19|19 13|13 e|e e|e e|e e|e add(T,3)|add(3,T)
--> =-	7	0 9 -3 -9 -3 e e e e sub(7,T)
--> =-	-2	-9 0 -12 -18 -12 e e e e sub(-2,T)
--> =-	'10'	3 12 0 -6 0 e e e e sub(10,T)
--> =-	' 0x10 '	9 18 6 0 6 e e e e sub( 0x10 ,T)
--> =-	'1e1'	3 12 0 -6 0 e e e e sub(1e1,T)
--> =-	'x'	e e e e e e e e e sub(x,T)
--> =-	nil	e e e e e e e e e sub(nil,T)
--> =-	true	e e e e e e e e e sub(true,T)
--> =-	t	e e e e e e e e e sub(T,T)
--> =-	m	sub(T,7) sub(T,-2) sub(T,10) sub(T, 0x10 ) sub(T,1e1) sub(T,x) sub(T,nil) sub(T,true) sub(T,T) sub(T,T)
--> =-	k	4|-4 -5|5 7|-7 13|-13 7|-7 e|e e|e e|e e|e sub(T,3)|sub(3,T)
--> =*	7	49 -14 70 112 70 e e e e mul(7,T)
--> =*	-2	-14 4 -20 -32 -20 e e e e mul(-2,T)
--> =*	'10'	70 -20 100 160 100 e e e e mul(10,T)
--> =*	' 0x10 '	112 -32 160 256 160 e e e e mul( 0x10 ,T)
--> =*	'1e1'	70 -20 100 160 100 e e e e mul(1e1,T)
--> =*	'x'	e e e e e e e e e mul(x,T)
--> =*	nil	e e e e e e e e e mul(nil,T)
--> =*	true	e e e e e e e e e mul(true,T)
--> =*	t	e e e e e e e e e mul(T,T)
--> =*	m	mul(T,7) mul(T,-2) mul(T,10) mul(T, 0x10 ) mul(T,1e1) mul(T,x) mul(T,nil) mul(T,true) mul(T,T) mul(T,T)
--> =*	k	21|21 -6|-6 30|30 48|48 30|30 e|e e|e e|e e|e mul(T,3)|mul(3,T)
--> =/	7	1 -3.5 0.7 0.4375 0.7 e e e e div(7,T)
--> =/	-2	-0.28571428571429 1 -0.2 -0.125 -0.2 e e e e div(-2,T)
--> =/	'10'	1.4285714285714 -5 1 0.625 1 e e e e div(10,T)
--> =/	' 0x10 '	2.2857142857143 -8 1.6 1 1.6 e e e e div( 0x10 ,T)
--> =/	'1e1'	1.4285714285714 -5 1 0.625 1 e e e e div(1e1,T)
--> =/	'x'	e e e e e e e e e div(x,T)
--> =/	nil	e e e e e e e e e div(nil,T)
--> =/	true	e e e e e e e e e div(true,T)
--> =/	t	e e e e e e e e e div(T,T)
--> =/	m	div(T,7) div(T,-2) div(T,10) div(T, 0x10 ) div(T,1e1) div(T,x) div(T,nil) div(T,true) div(T,T) div(T,T)
--> =/	k	1.75|0.57142857142857 -0.5|-2 2.5|0.4 4|0.25 2.5|0.4 e|e e|e e|e e|e div(T,4)|div(4,T)
--> =%	7	0 -1 7 7 7 e e e e mod(7,T)
--> =%	-2	5 0 8 14 8 e e e e mod(-2,T)
--> =%	'10'	3 0 0 10 0 e e e e mod(10,T)
--> =%	' 0x10 '	2 0 6 0 6 e e e e mod( 0x10 ,T)
--> =%	'1e1'	3 0 0 10 0 e e e e mod(1e1,T)
--> =%	'x'	e e e e e e e e e mod(x,T)
--> =%	nil	e e e e e e e e e mod(nil,T)
--> =%	true	e e e e e e e e e mod(true,T)
--> =%	t	e e e e e e e e e mod(T,T)
--> =%	m	mod(T,7) mod(T,-2) mod(T,10) mod(T, 0x10 ) mod(T,1e1) mod(T,x) mod(T,nil) mod(T,true) mod(T,T) mod(T,T)
--> =%	k	1|3 1|-1 1|3 1|3 1|3 e|e e|e e|e e|e mod(T,3)|mod(3,T)
--> =^	7	823543 0.020408163265306 282475249 33232930569601 282475249 e e e e pow(7,T)
--> =^	-2	-128 0.25 1024 65536 1024 e e e e pow(-2,T)
--> =^	'10'	10000000 0.01 10000000000 1e+16 10000000000 e e e e pow(10,T)
--> =^	' 0x10 '	268435456 0.00390625 1099511627776 1.844674407371e+19 1099511627776 e e e e pow( 0x10 ,T)
--> =^	'1e1'	10000000 0.01 10000000000 1e+16 10000000000 e e e e pow(1e1,T)
--> =^	'x'	e e e e e e e e e pow(x,T)
--> =^	nil	e e e e e e e e e pow(nil,T)
--> =^	true	e e e e e e e e e pow(true,T)
--> =^	t	e e e e e e e e e pow(T,T)
--> =^	m	pow(T,7) pow(T,-2) pow(T,10) pow(T, 0x10 ) pow(T,1e1) pow(T,x) pow(T,nil) pow(T,true) pow(T,T) pow(T,T)
--> =^	k	49|128 4|0.25 100|1024 256|65536 100|1024 e|e e|e e|e e|e pow(T,2)|pow(2,T)
--> =falsetruetruefalsetrue truetruefalsetruefalse eefalsetruee eefalsetruee eefalsetruee eefalsetruee eefalsetruee eefalsetruee eefalsetruee eefalsetruee
--> =arith.lua:65: attempt to perform arithmetic on upvalue 's' (a string value)
--> =arith.lua:66: attempt to perform arithmetic on upvalue 't' (a table value)
--> =arith.lua:67: attempt to perform arithmetic on upvalue 't' (a table value)
--> =arith.lua:68: attempt to perform arithmetic on upvalue 's' (a string value)
--> =arith.lua:69: attempt to perform arithmetic on upvalue 't' (a table value)
--> =arith.lua:70: attempt to compare table with number
--> =arith.lua:71: attempt to compare string with number
--> =101783.5
