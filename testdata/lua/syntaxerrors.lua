-- syntax errors: lua5.1's messages, compared by the differential test
x = = 1
### ".*"
---
print("a"
print("b")
### ".*"
---
if x then
### ".*"
---
if x y
### ".*"
---
for i = 1 do end
### ".*"
---
for i, j = 1, 2 do end
### ".*"
---
for 1 = 1, 2 do end
### ".*"
---
function f( a, 1) end
### ".*"
---
local function (x) end
### ".*"
---
local 1 = 2
### ".*"
---
x = "unfinished
### ".*"
---
x = 'abc
y'
### ".*"
---
x = [[never closed
### ".*"
---
--[[ open comment
### ".*"
---
x = 3x
### ".*"
---
x = 0x
### ".*"
---
x = 1e
### ".*"
---
x = "\300"
### ".*"
---
x = [=x
### ".*"
---
return return
### ".*"
---
f() = 1
### ".*"
---
a.b:c = 1
### ".*"
---
x = {1, 2
### ".*"
---
x = {a = }
### ".*"
---
x = (1 + )
### ".*"
---
while true do
### ".*"
---
repeat x = 1
### ".*"
---
do do end
### ".*"
---
x = function() return 1
### ".*"
---
a, b() = 1, 2
### ".*"
---
t[1 = 2
### ".*"
---
x = ~1
### ".*"
---
x = 1 @ 2
### ".*"
---
local t = {[1] 2}
### ".*"
---
f(
)
### ".*"
---
local x <const> = 1
### ".*"
---
x = a:b
### ".*"
---
x = function() return ... end
### ".*"
---
function f() x = ... end
### ".*"
---
return 1; x = 2
### ".*"
---
break
### ".*"
---
elseif
### ".*"
---
x = 1 +


### ".*"
---
if x then else elseif
### ".*"
---
x = #
### ".*"
---
goto = 1 x
### ".*"
---
a.b.c.d:e.f()
### ".*"
---
x = {,}
### ".*"
---
local a, = 1
### ".*"
---
print(1,)
### ".*"
---
x = not
### ".*"
---
x = "a" .. 
### ".*"
