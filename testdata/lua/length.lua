-- the length operator finds the border lua5.1 finds: its tables' array
-- and hash parts are sized by lua5.1's rules (constructors, SETLIST,
-- rehash when the hash part is full) and # searches as luaH_getn does
print(#{"a", "b", nil, nil, "e", [9] = "i"})
--> =5
local u = {} u[1] = 1 u[2] = 2 u[4] = 4
print(#u)
--> =4
local t = {} for i = 2, 10 do t[i] = i end
print(#t)
--> =10
local a = {1, 2, 3} a[2] = nil
local b = {} b[1] = 1 b[2] = 2 b[3] = 3 b[2] = nil
print(#a, #b)
--> =3	1
local d = {} for i = 1, 20 do d[i] = i end for i = 1, 20, 3 do d[i] = nil end
print(#d)
--> =15
local e = {} e[3] = 3 e[1] = 1 e[2] = 2
local g = {1, 2, 3, nil, 5, nil, nil, 8}
local h = {} h.x = 1 h.y = 2 h[1] = 1 h[2] = 2 h[4] = 4
print(#e, #g, #h, #{nil, nil, 3})
--> =3	8	4	3
local m = {} for i = 1, 17 do m[i] = i end m[17] = nil m[16] = nil m[8] = nil
print(#m)
--> =7
local function va(...) return {...} end
print(#va(1, nil, 3), #va(nil, nil), #va(1, 2, nil))
--> =3	0	2
-- a constructor's counts as lua5.1's instruction carries them: 17 items
-- make an array part of 18
print(#{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, nil, 17})
--> =15
-- queues and stacks through table.insert and table.remove
local q = {} for i = 1, 10 do q[#q + 1] = i end
for i = 1, 4 do table.remove(q, 1) end
table.insert(q, 1, "a")
local s = {} for i = 1, 100 do table.insert(s, i) if i % 3 == 0 then table.remove(s) end end
print(#q, q[1], q[#q], #s)
--> =7	a	10	67
-- setting nil where no key was still takes a node of lua5.1's hash part
-- (t[9] = nil here: the later t[33] then finds it full and rehashes)
local t = {}
table.insert(t, 1, 3) t.k1 = 4 t[#t + 1] = 5 t[25] = 6 t[17] = 7 t[25] = 8 t[17] = 9
table.insert(t, 10) table.insert(t, 1, 11)
t[9] = nil
table.remove(t) t[1] = nil t[33] = 15
print(#t)
--> =0
---
-- random tables, built and changed by a fixed sequence of operations
local seed = 7
local function rnd(n) seed = (seed * 1103515245 + 12345) % 2147483648 return seed % n + 1 end
local sum, n = 0, 0
for trial = 1, 60 do
  local t
  local kind = rnd(4)
  if kind == 1 then t = {}
  elseif kind == 2 then t = {rnd(3), nil, rnd(3), x = 1}
  elseif kind == 3 then t = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17}
  else t = {a = 1, b = 2, c = 3} end
  for i = 1, rnd(40) do
    local op = rnd(10)
    if op <= 5 then t[rnd(40)] = i
    elseif op <= 7 then t[#t + 1] = i
    elseif op == 8 then t["k" .. rnd(10)] = i
    elseif op == 9 then table.insert(t, i)
    else t[rnd(40)] = nil end
    n = n + 1
    sum = (sum * 31 + #t) % 1000000007
  end
end
print(n, sum)
--> =964	284060274
---
-- a removed key the array part grows over: the table freezes and thaws
-- (its entry, kept for a traversal, was written and then refused)
local t = {}
t[9] = "x" t[9] = nil
for i = 1, 9 do t[#t + 1] = i end
local function f() end
f() -- (a stop: the corpus is frozen and thawed at each)
print(#t, t[9], next(t, 8))
--> =9	9	9	9
