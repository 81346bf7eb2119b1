-- tables
local t = {1, 2, 3, nil, 5}
print(#t == 5 or #t == 3)                  --> =true
local u = {}
for i = 1, 100 do u[i] = i end
print(#u, u[50])                           --> =100	50
for i = 100, 51, -1 do u[i] = nil end
print(#u)                                  --> =50
u[#u + 1] = "new"
print(#u, u[51])                           --> =51	new
local h = {}
h[1.0] = "one"; h[2] = "two"
print(h[1], h[2.0], #h)                    --> =one	two	2
local k = {}
k[-0] = "zero"
print(k[0])                                --> =zero
print(pcall(function() local x = {}; x[0/0] = 1 end)) --> ~^false	.*table index is NaN
local n = 0
local big = {}
for i = 1, 1000 do big["k" .. i] = i end
for key, v in pairs(big) do n = n + v end
print(n)                                   --> =500500
for i = 1, 1000, 2 do big["k" .. i] = nil end
n = 0
for key, v in pairs(big) do n = n + 1 end
print(n)                                   --> =500
-- removing during traversal is allowed
for key in pairs(big) do big[key] = nil end
print(next(big))                           --> =nil
print(table.concat({1, 2, "3"}, "-"), table.concat({}, "x"), table.concat({1, 2, 3}, ", ", 2, 3)) --> =1-2-3		2, 3
local q = {}
table.insert(q, "a"); table.insert(q, 1, "b"); table.insert(q, 2, "c")
print(table.concat(q, ","))                --> =b,c,a
print(table.remove(q), table.remove(q, 1), table.concat(q, ",")) --> =a	b	c
print(table.remove({}))                    --> =
-- positions outside 1..#t remove nothing (Lua 5.1.5)
local o = {[0] = "z", "a", "b"}
print(select("#", table.remove(o, 0)), select("#", table.remove(o, 3)), o[0], #o) --> =0	0	z	2
-- shifting inside the array part, at both ends, and through the hash part
local sh = {1, 2, 3, 4, 5}
table.insert(sh, 1, "s"); table.insert(sh, 4, "x"); table.insert(sh, #sh + 1, 6)
print(table.concat(sh, ","), #sh)          --> =s,1,2,x,3,4,5,6	8
print(table.remove(sh, 1), table.remove(sh, 3), table.remove(sh), table.concat(sh, ",")) --> =s	x	6	1,2,3,4,5
local hs = {}
hs[1] = 1; hs[2] = 2; hs[3] = 3
table.insert(hs, 0, "z")
print(hs[0], hs[1], hs[2], hs[3], hs[4])   --> =z	nil	1	2	3
local st = {}
for i = 1, 20 do table.insert(st, i); if i % 3 == 0 then table.remove(st) end end
print(#st, table.concat(st, ","))          --> =14	1,2,4,5,7,8,10,11,13,14,16,17,19,20
local ring = {}
for i = 1, 10 do ring[i] = i end
for i = 1, 25 do
  table.insert(ring, 1, table.remove(ring))
  if i % 2 == 0 then table.insert(ring, table.remove(ring, 1)) end
end
print(table.concat(ring, ","))             --> =8,9,10,1,2,3,4,5,6,7
-- a constructor's array part holds all its items, nils among them
local function two() return nil, nil end
local function four() return 1, nil, 3, nil end
print(#{1, 2, nil, 4}, #{1, nil}, #{nil, nil, 3}, #{two()}, #{four()}, #{1, four()}, #{nil}) --> =4	1	3	0	1	2	0
local cz = {1, 2, nil}
print(#cz); cz[3] = 3; print(#cz)          --> =2
                                           --> =3
print((function(...) return #{...} end)(1, nil, 3)) --> =3
print(table.maxn({1, 2, [10] = 3}), table.getn({1, 2}))  --> =10	2
local srt = {5, 3, 8, 1, 9, 2}
table.sort(srt)
print(table.concat(srt, " "))              --> =1 2 3 5 8 9
table.sort(srt, function(a, b) return a > b end)
print(table.concat(srt, " "))              --> =9 8 5 3 2 1
local words = {"pear", "Apple", "fig", "banana"}
table.sort(words)
print(table.concat(words, " "))            --> =Apple banana fig pear
local recs = {}
for i = 1, 20 do recs[i] = {k = i % 3, id = i} end
table.sort(recs, function(a, b) return a.k < b.k end)
local ids = {}
for i, r in ipairs(recs) do ids[i] = r.id end
print(table.concat(ids, " "))              --> =15 9 6 12 18 3 13 1 16 19 10 4 7 17 2 11 8 14 5 20
print(pcall(table.sort, {3, 1, "x"}))      --> ~^false	attempt to compare
print(pcall(table.concat, {{}}))           --> =false	invalid value (table) at index 1 in table for 'concat'
local nested = {a = {b = {c = "deep"}}}
print(nested.a.b.c, #nested)               --> =deep	0
local mixed = {10, 20, x = "x", 30, [5] = 50}
print(mixed[1], mixed[3], mixed.x, mixed[5]) --> =10	30	x	50
local cnt = 0
for _ in pairs(mixed) do cnt = cnt + 1 end
print(cnt)                                 --> =5
print(next({}, nil))                       --> =nil
print(pcall(next, {}, "nokey"))            --> =false	invalid key to 'next'
print(select("#", unpack({}, 1, 3)))       --> =3
print(rawget({5}, 1), rawset({}, "a", 1).a) --> =5	1
local list = {}
for i = 1, 300 do list[#list + 1] = i end
print(#list, select("#", unpack(list)))    --> =300	300
---
-- sort errors and metamethod comparisons go through the resumable sort
local V = {__lt = function(a, b) return a.v < b.v end}
local vs = {}
for i, x in ipairs({4, 1, 3, 2}) do vs[i] = setmetatable({v = x}, V) end
table.sort(vs)
print(vs[1].v, vs[2].v, vs[3].v, vs[4].v)  --> =1	2	3	4
print(pcall(table.sort, {1, 2, 3, 4, 5}, function(a, b) return true end))  --> ~^false	.*invalid order function for sorting
print(pcall(table.sort, {3, 1, 2}, function(a, b) error("cmp failed") end)) --> ~^false	.*cmp failed
print(pcall(table.sort, {{}, {}}))          --> ~^false	.*attempt to compare two table values
local one = {7}; table.sort(one); print(one[1]) --> =7
local none = {}; table.sort(none); print(#none) --> =0
print(pcall(table.sort, {1, 2}, 3))         --> =false	bad argument #2 to '?' (function expected, got number)
---
-- presorted and reversed inputs (a shortcut without a comparator) give lua5.1's result
local function show(t) local o = {} for i, v in ipairs(t) do o[i] = type(v) == "table" and (v.k .. v.id) or tostring(v) end return table.concat(o, " ") end
local up = {} for i = 1, 12 do up[i] = i end
table.sort(up); print(show(up))                 --> =1 2 3 4 5 6 7 8 9 10 11 12
local down = {} for i = 1, 12 do down[i] = 13 - i end
table.sort(down); print(show(down))             --> =1 2 3 4 5 6 7 8 9 10 11 12
table.sort(down, function(a, b) return a > b end); print(show(down)) --> =12 11 10 9 8 7 6 5 4 3 2 1
local tied = {} for i = 1, 9 do tied[i] = {k = i <= 3 and "a" or (i <= 6 and "b" or "c"), id = i} end
table.sort(tied, function(x, y) return x.k < y.k end); print(show(tied))
--> =a1 a3 a2 b6 b5 b4 c8 c7 c9
local rtied = {} for i = 1, 9 do rtied[i] = {k = i <= 3 and "c" or (i <= 6 and "b" or "a"), id = i} end
table.sort(rtied, function(x, y) return x.k < y.k end); print(show(rtied))
--> =a9 a7 a8 b6 b5 b4 c3 c2 c1
print(pcall(table.sort, {1, 2, 3, 4, 5, 6}, function(a, b) return true end))  --> ~^false	.*invalid order function for sorting
print(pcall(table.sort, {6, 5, 4, 3, 2, 1}, function(a, b) return true end))  --> ~^false	.*invalid order function for sorting
local words = {"a", "b", "c", "d"}; table.sort(words, function(a, b) return a > b end); print(show(words)) --> =d c b a
---
-- the default order on all-number or all-string arrays sorts in place without
-- asking Lua; ties that can be told apart (0 and -0) must end where lua5.1 puts them
local seed, zero = 11, 0
local nz = -zero
local function rnd(n) seed = (seed * 16807) % 2147483647; return seed % n end
local function zeros(t) local o = {} for i = 1, #t do if t[i] == 0 then o[#o + 1] = 1 / t[i] > 0 and "+" or "-" end end return table.concat(o) end
local function sum(t) local h = 0 for i = 1, #t do h = (h * 31 + (tonumber(t[i]) or #t[i]) * i) % 1000000007 end return h end
local z = {} for i = 1, 60 do z[i] = rnd(3) == 0 and nz or (rnd(2) == 0 and 0 or rnd(5) - 2) end
table.sort(z); print(zeros(z), z[1], z[60])    --> =-+++-++--+-+----+++-+-+---+++-+-+-+-++-++-+	-2	2
local big = {} for i = 1, 3000 do big[i] = rnd(50) + (rnd(4) == 0 and 0.5 or 0) end
table.sort(big); print(sum(big), big[1], big[3000])  --> =824102865	0	49.5
local ok = true for i = 2, #big do ok = ok and not (big[i] < big[i - 1]) end print(ok) --> =true
local words = {} for i = 1, 2000 do words[i] = "w" .. rnd(300) end
table.sort(words); print(words[1], words[1000], words[2000], sum(words)) --> =w0	w230	w99	241302314
local nan = {3, 0/0, 1, 2, 0/0, 5, 4}
table.sort(nan); local o = {} for i, v in ipairs(nan) do o[i] = v ~= v and "nan" or tostring(v) end print(table.concat(o, " ")) --> =1 nan 2 3 nan 4 5
print(pcall(table.sort, {3, 2, 1, "x", 5}))        --> ~^false	.*attempt to compare
print(pcall(table.sort, {"b", "a", 1}))            --> ~^false	.*attempt to compare
local holes = {5, 4, 3}; holes[5] = 1; print(pcall(table.sort, holes)) --> ~.
local desc = {} for i = 1, 100 do desc[i] = 101 - i end desc[50] = nz; desc[51] = 0
table.sort(desc); print(zeros(desc), desc[1], desc[100]) --> =-+	-0	100
---
-- a sort that Lua code did not call (module's option function, called from Go):
-- its comparisons (__lt here) return to it, and its end returns to Go
local print = print
local V = {__lt = function(a, b) return a.v < b.v end}
sortme = {}
for i, x in ipairs({4, 1, 3, 2}) do sortme[i] = setmetatable({v = x}, V) end
local m = sortme
module("sortme", table.sort)
print(m[1].v, m[2].v, m[3].v, m[4].v)      --> =1	2	3	4
---
-- a comparator (or __lt) is called as often as lua5.1 calls it, on any input
local calls = 0
local function lt(a, b) calls = calls + 1 return a < b end
local function count(make)
  local t = {} for i = 1, 200 do t[i] = make(i) end
  calls = 0; table.sort(t, lt); return calls
end
print(count(function(i) return i end), count(function(i) return -i end), count(function(i) return (i * 37) % 101 end)) --> =1351	1742	1409
local C = {__lt = function(a, b) calls = calls + 1 return a.v < b.v end}
local objs = {} for i = 1, 50 do objs[i] = setmetatable({v = i}, C) end
calls = 0; table.sort(objs); print(calls)   --> =241
local two = {2, 1}
table.sort(two, coroutine.wrap(function(a, b) return a < b end)); print(two[1], two[2]) --> =1	2
-- (the main thread's wait site of that call is used once: frozen after
-- it, the process thaws, though the sort's frame has gone)
local s = 0 for i = 1, 3 do s = s + i end print(s) --> =6
---
-- table.foreach / foreachi (deprecated in 5.1, still there)
local seen = {}
table.foreachi({"a", "b", "c"}, function(i, v) seen[#seen + 1] = i .. v end)
print(table.concat(seen, ","))              --> =1a,2b,3c
print(table.foreachi({5, 6, 7}, function(i, v) if v == 6 then return "stop at " .. i end end)) --> =stop at 2
local n = 0
print(table.foreach({x = 1, y = 2}, function(k, v) n = n + v end), n)  --> =nil	3
print(table.foreach({x = 1}, function(k, v) return k .. "=" .. v end)) --> =x=1
print(pcall(table.foreach, {}, nil))        --> =false	bad argument #2 to '?' (function expected, got nil)
---
-- constant keys that are not strings (numbers, booleans) in the hash
-- part: never mistaken for one another by an inline cache
local t = {[1.5] = "a", [true] = "b"}
print(t[2.5], t[false], t[1.5], t[true])   --> =nil	nil	a	b
local got = {}
for i = 1, 3 do t[0.5] = i; got[i] = tostring(t[0.25]) .. "/" .. t[0.5] end
print(table.concat(got, " "))              --> =nil/1 nil/2 nil/3
---
-- table.concat of the strings an array part holds, of ranges reaching
-- into the hash part, of numbers among them, and of holes; a key past
-- the end of the array part but within lua5.1's goes to its place
local a = {"a", "bc", "", "d"}
a[6] = "f"
print(#a, a[5], a[6], table.concat(a, "-", 1, 4), table.concat(a, "", 2, 4), table.concat(a, ", ", 4, 4), table.concat(a, "x", 3, 2))
print(pcall(table.concat, a, "-"))
print(pcall(table.concat, a, "-", 6, 7))
local h = {"x", "y"}
h[4] = "w"; h[3] = "z"; h[5] = 5.5
print(table.concat(h, "+"), table.concat(h, "+", 2, 5), table.concat({1, "a", 2.5}, " "), table.concat({"s"}, "sep"))
print(pcall(table.concat, {"a", {}, "b"}))
print(pcall(table.concat, {"a", "b"}, "", 0, 2))
local b = {}
b[1] = "1"; b[2] = "2"; b[4] = "4"
print(#b, b[3], b[4], pcall(table.concat, b, ","))
--> =6	nil	f	a-bc--d	bcd	d	
--> =false	invalid value (nil) at index 5 in table for 'concat'
--> =false	invalid value (nil) at index 7 in table for 'concat'
--> =x+y+z+w+5.5	y+z+w+5.5	1 a 2.5	s
--> =false	invalid value (table) at index 2 in table for 'concat'
--> =false	invalid value (nil) at index 0 in table for 'concat'
--> =4	nil	4	false	invalid value (nil) at index 3 in table for 'concat'
