-- control flow
local s = 0
for i = 1, 10 do s = s + i end
print(s)                          --> =55
for i = 10, 1, -3 do io.write(i, " ") end print()  --> =10 7 4 1 
for i = 0, 1, 0.25 do io.write(i, " ") end print() --> =0 0.25 0.5 0.75 1 
for i = 1, 0 do print("never") end
for i = 1, 3 do local i = i * 2; io.write(i, " ") end print() --> =2 4 6 
local n = 0
while n < 5 do n = n + 1 end
print(n)                          --> =5
repeat n = n - 2 until n < 0
print(n)                          --> =-1
repeat local z = n; n = n + 1 until z >= 1
print(n)                          --> =2
for i = 1, 100 do if i > 3 then break end io.write(i) end print() --> =123
local k = 0
while true do k = k + 1; if k == 7 then break end end
print(k)                          --> =7
local function classify(x)
  if x < 0 then return "neg" elseif x == 0 then return "zero" elseif x < 10 then return "small" else return "big" end
end
print(classify(-1), classify(0), classify(5), classify(50)) --> =neg	zero	small	big
local t = {10, 20, 30}
for i, v in ipairs(t) do io.write(i, "=", v, " ") end print() --> =1=10 2=20 3=30 
local keys = {}
for k in pairs({a = 1, b = 2, c = 3}) do keys[#keys + 1] = k end
table.sort(keys)
print(table.concat(keys, ","))    --> =a,b,c
local function iter(st, c) if c < st then return c + 1, c * 2 end end
for a, b in iter, 3, 0 do io.write(a, ":", b, " ") end print() --> =1:0 2:2 3:4 
for i = "1", "3" do io.write(i) end print() --> =123
do local x = 1; do local x = 2; print(x) end print(x) end
--> =2
--> =1
local fs = {}
for i = 1, 3 do fs[i] = function() return i end end
print(fs[1](), fs[2](), fs[3]())  --> =1	2	3
local ws = {}
local j = 0
while j < 3 do j = j + 1; local v = j * 10; ws[j] = function() return v end end
print(ws[1](), ws[2](), ws[3]())  --> =10	20	30
local rs = {}
local m = 0
repeat m = m + 1; local v = m; rs[m] = function() return v end until v >= 3
print(rs[1](), rs[3]())           --> =1	3
local bs = {}
for i = 1, 10 do local c = i; bs[#bs + 1] = function() return c end; if i == 2 then break end end
print(#bs, bs[1](), bs[2]())      --> =2	1	2
---
for i = 1, "x" do end
### "'for' limit must be a number"
---
for i = nil, 2 do end
### "'for' initial value must be a number"
---
for i = 1, 2, {} do end
### "'for' step must be a number"
