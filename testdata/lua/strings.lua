-- the string library (more in the stdlib issue)
print(string.len("abc"), ("abc"):len(), #"abc")   --> =3	3	3
print(("hello"):sub(2, 3), ("hello"):sub(-3), ("hello"):sub(2), ("hello"):sub(0)) --> =el	llo	ello	hello
print(("hello"):sub(10), ("hello"):sub(3, 2), ("hello"):sub(-100, 2)) --> =		he
print(("Hi"):upper(), ("Hi"):lower(), ("ab"):rep(3), ("ab"):rep(0))   --> =HI	hi	ababab	
print(("abc"):reverse(), ("abc"):byte(1, -1))     --> =cba	97	98	99
print(string.char(72, 105), ("A"):byte())         --> =Hi	65
print(string.format("%5d|%-5d|%05d", 42, 42, 42))  --> =   42|42   |00042
print(string.format("%x %X %o %#x", 255, 255, 8, 255)) --> =ff FF 10 0xff
print(string.format("%.2f %10.3f %e %g", 3.14159, 2.5, 12345.678, 0.0001)) --> =3.14      2.500 1.234568e+04 0.0001
print(string.format("%g %g %g %g", 1e20, 123456789, 0.1, 100))  --> =1e+20 1.23457e+08 0.1 100
print(string.format("%s %s %q", "a", 12, 'he said "hi"\n'))
--> =a 12 "he said \"hi\"\
--> ="
print(string.format("%5.2s|%-4s|", "abc", "x")) --> =   ab|x   |
print(string.format("%c%c", 76, 117), string.format("%%"))  --> =Lu	%
print(string.format("%d", 3.7), string.format("%i", -2.5))  --> =3	-2
print(string.find("hello world", "o w"), string.find("hello", "l+"))  --> =5	3	4
print(string.find("a.b", ".", 1, true), string.find("abc", "x"))  --> =2	nil
print(string.match("key=value", "(%w+)=(%w+)"))   --> =key	value
print(string.match("  trim  ", "^%s*(.-)%s*$"))  --> =trim
print(string.match("2024-01-15", "(%d+)-(%d+)-(%d+)")) --> =2024	01	15
print(string.match("hello", "()ll()"))           --> =3	5
print(string.gsub("hello world", "o", "0"))      --> =hell0 w0rld	2
print(string.gsub("abc", "%w", "%0%0"))          --> =aabbcc	3
print(string.gsub("hello world", "(%w+)", "<%1>"))  --> =<hello> <world>	2
print(string.gsub("abc", "", "-"))               --> =-a-b-c-	4
print(string.gsub("x = 1, y = 2", "(%w+) = (%w+)", "%2 = %1")) --> =1 = x, 2 = y	2
print(string.gsub("$name is $age", "%$(%w+)", {name = "Bob", age = 42})) --> =Bob is 42	2
print(string.gsub("1 2 3", "%d", function(d) return d * 2 end)) --> =2 4 6	3
print(string.gsub("abc", "b", "%%"))             --> =a%c	1
print(string.gsub("aaa", "a", "b", 2))           --> =bba	2
print(string.match("THE (quick) fox", "%((%a+)%)")) --> =quick
print(string.match("f(a(b)c)d", "%b()"))         --> =(a(b)c)
print(string.find("THE (quick) fox", "%f[%a]%a+", 5)) --> =6	10
print(string.match("aaa", "(a*)%1"))             --> =a
local words = {}
for w in string.gmatch("one two  three", "%a+") do words[#words + 1] = w end
print(table.concat(words, ","))                  --> =one,two,three
for k, v in string.gmatch("a=1, b=2", "(%w+)=(%w+)") do io.write(k, v, ";") end print() --> =a1;b2;
print(pcall(string.match, "x", "("))             --> =false	unfinished capture
print(pcall(string.match, "x", "%"))             --> =false	malformed pattern (ends with '%')
print(pcall(string.gsub, "x", "(x)", "%2"))      --> =false	invalid capture index
print(pcall(string.rep))                         --> =false	bad argument #1 to '?' (string expected, got no value)
print(tostring(1e100), 2^63, -2^63)              --> =1e+100	9.2233720368548e+18	-9.2233720368548e+18
print(string.format("%5.1f|%-8.3e|%+d", -0.05, 1234.5, 5)) --> = -0.1|1.234e+03|+5
print(#string.format("%099d", 1))                --> =99
---
-- concatenation runs longer than 8 pieces, numbers converted once, a
-- __concat operand in the middle of a run
local C = setmetatable({}, {__concat = function(a, b) return "[" .. (type(a) == "table" and "C" or a) .. "+" .. (type(b) == "table" and "C" or b) .. "]" end})
local x = 2.5
print(1 .. 2 .. "a" .. x .. "b" .. 4 .. 5 .. 6 .. 7 .. 8 .. 9 .. 10 .. 1e100 .. 2^53)  --> =12a2.5b456789101e+1009.007199254741e+15
print(1 .. 2 .. C .. 3 .. 4, C .. 1 .. 2, 1 .. 2 .. C)  --> =12[C+34]	[C+12]	1[2+C]
print("a" .. 1 .. 2 .. 3 .. 4 .. 5 .. 6 .. 7 .. 8 .. 9 .. C .. 10 .. 11 .. 12 .. 13 .. 14 .. 15 .. 16 .. 17 .. 18)  --> =a123456789[C+101112131415161718]
---
-- strings' methods through a replaced __index function, and back
local smt = getmetatable("")
local saved = smt.__index
local calls = 0
smt.__index = function(s, k) calls = calls + 1; return saved[k] or function(self) return k .. "(" .. self .. ")" end end
local out = {}
for i = 1, 3 do out[i] = ("ab"):upper() .. ("x"):shout() .. tostring(#("abc"):rep(i)) end
smt.__index = saved
print(table.concat(out, " "), calls, ("z"):upper(), pcall(function() return ("z"):nothing() end))  --> ~^ABshout\(x\)3 ABshout\(x\)6 ABshout\(x\)9\t9\tZ\tfalse\t.*attempt to call method .nothing. \(a nil value\)$
---
-- string methods found through the inline cache follow every change of the
-- string library and of the strings' metatable, even inside one loop
local s, out = "abc", {}
local mt = getmetatable("")
local lib = mt.__index
local saved = lib.upper
for i = 1, 6 do
  if i == 2 then lib.upper = function(x) return "U" .. x end end
  if i == 3 then lib.upper = saved end
  if i == 4 then mt.__index = {upper = function(x) return "other" end} end
  if i == 5 then mt.__index = function(x, k) return function() return k .. "!" end end end
  if i == 6 then mt.__index = lib end
  out[#out + 1] = s:upper()
end
print(table.concat(out, " "))                 --> =ABC Uabc ABC other upper! ABC
local function up(x) return x:upper() end
local res = {}
for i = 1, 5 do
  if i == 2 then debug.setmetatable("", nil) end
  if i == 3 then debug.setmetatable("", mt) end
  if i == 4 then lib.upper = nil end
  if i == 5 then lib.upper = saved end
  local ok, v = pcall(up, s)
  res[i] = ok and v or string.match(v, "attempt to .*")
end
print(table.concat(res, "; ")) --> =ABC; attempt to index local 'x' (a string value); ABC; attempt to call method 'upper' (a nil value); ABC
---
-- tonumber and arithmetic on strings read numbers as glibc's strtod: hex floats, signed nan and inf
for _, s in ipairs{"0x1p4", "0x.8", "0x1.8", "-0x10", "0x1P-1", "0X1p+2", "0x", "0xp1", "0x1p", " 0x1p4 ", "+0x10", "0x1e", "0x.p1", "1e+", "0x1.8p1x", "0x10000000000000000", "0xffffffffffffffffff", "0x1p2000", "0x1p-2000", "-0x1p-1080",
  "nan", "-nan", "+nan", "NaN", "-NAN", "inf", "-inf", "+Infinity", "infinity", "-infinit", "nan1", "0x_1", "0x1_0", "1_0", "0x1.", "0x.", ".", "0x1p+", "0x1.8p-1 ", "\t0xA\n", "0xG", "1e5", "1.5e-3", ".5", "5.", "- 1", "0x-1", "0x+1", "00x1", "0x0.1p4"} do
  io.write(string.format("%-24q", s), tostring(tonumber(s)), "\n")
end
print("0x1p4" + 0, "0x.8" * 2, (pcall(function() return "0x1p" + 0 end)))
--> ="0x1p4"16
--> ="0x.8"0.5
--> ="0x1.8"1.5
--> ="-0x10"-16
--> ="0x1P-1"0.5
--> ="0X1p+2"4
--> ="0x"nil
--> ="0xp1"nil
--> ="0x1p"nil
--> =" 0x1p4 "16
--> ="+0x10"16
--> ="0x1e"30
--> ="0x.p1"nil
--> ="1e+"nil
--> ="0x1.8p1x"nil
--> ="0x10000000000000000"1.844674407371e+19
--> ="0xffffffffffffffffff"4.7223664828696e+21
--> ="0x1p2000"inf
--> ="0x1p-2000"0
--> ="-0x1p-1080"-0
--> ="nan"nan
--> ="-nan"-nan
--> ="+nan"nan
--> ="NaN"nan
--> ="-NAN"-nan
--> ="inf"inf
--> ="-inf"-inf
--> ="+Infinity"inf
--> ="infinity"inf
--> ="-infinit"nil
--> ="nan1"nil
--> ="0x_1"nil
--> ="0x1_0"nil
--> ="1_0"nil
--> ="0x1."1
--> ="0x."nil
--> ="."nil
--> ="0x1p+"nil
--> ="0x1.8p-1 "0.75
--> ="	0xA\
--> ="10
--> ="0xG"nil
--> ="1e5"100000
--> ="1.5e-3"0.0015
--> =".5"0.5
--> ="5."5
--> ="- 1"nil
--> ="0x-1"nil
--> ="0x+1"nil
--> ="00x1"nil
--> ="0x0.1p4"1
--> =16	1	false
