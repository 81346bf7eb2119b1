-- debug.sethook and gethook (runtime/hook.go): line events by lua5.1's
-- rule (a new line, a jump back, a function's start), count events every
-- n instructions, return events, a hook per thread, debug.getinfo(2) in
-- a hook is the hooked function, an error in a hook is the hooked code's
local function trace(s)
  local l = {}
  debug.sethook(function(event, line) l[#l + 1] = line end, "l")
  loadstring(s)()
  debug.sethook()
  return table.concat(l, ",")
end
print(trace("if\nmath.sin(1)\nthen\n  a=1\nelse\n  a=2\nend\n"))
--> =8,2,4,7,9
print(trace("--\nif nil then\n  a=1\nelse\n  a=2\nend\n"))
--> =8,2,5,6,9
print(trace("a=1\nrepeat\n  a=a+1\nuntil a==3\n"))
--> =8,1,3,4,3,4,9
print(trace(" do\n  return\nend\n"))
--> =8,2,9
print(trace("a=1\nwhile a<=3 do\n  a=a+1\nend\n"))
--> =8,1,2,3,2,3,2,3,2,4,9
print(trace("while math.sin(1) do\n  if math.sin(1)\n  then\n    break\n  end\nend\na=1"))
--> =8,1,2,4,7,9
print(trace("for i=1,3 do\n  a=i\nend\n"))
--> =8,1,2,1,2,1,2,1,3,9
print(trace("for i,v in pairs{'a','b'} do\n  a=i..v\nend\n"))
--> =8,1,2,1,2,1,3,9
print(trace("for i=1,4 do a=1 end"))
--> =8,1,1,1,1,1,9
print(trace("local t = {\n 1,\n 2}\nlocal f = function()\n return 1\nend\nf()\n"))
--> =8,1,2,3,6,7,5,9

-- count events
local n = 0
debug.sethook(function(e) n = n + 1 end, "", 1)
for i = 1, 1000 do end
debug.sethook()
print(n > 1000 and n < 1012)
--> =true
debug.sethook(function(e) n = n + 1 end, "", 4)
n = 0 for i = 1, 1000 do end
local f, m, c = debug.gethook()
debug.sethook()
print(n > 250 and n < 255, m, c, type(f))
--> =true		4	function
debug.sethook(function(e) n = n + 1 end, "", 4000)
n = 0 for i = 1, 1000 do end
debug.sethook()
print(n, debug.gethook())
--> =0	nil		0
local function nop() end
debug.sethook(nop, "", 2^24 - 1)
print(select(3, debug.gethook()))
debug.sethook()
--> =16777215

-- the mask gethook reports, in lua5.1's order
debug.sethook(nop, "lrc")
local mask = select(2, debug.gethook())
debug.sethook(nop, "", 0)
print(mask)
print(debug.gethook()) -- (no events: the function is kept for gethook, as lua5.1 does)
debug.sethook()
--> =crl
--> ~^function: 0x[0-9a-f]+		0$

-- return events: getinfo(2) is the function that returns (builtins'
-- events, which lua5.1 raises too, are not counted here: README)
local names = {}
local function inner() return 1 end
local function outer() local v = inner() return v + 1 end
debug.sethook(function(e)
  local i = debug.getinfo(2, "nlS")
  if i.what ~= "C" then names[#names + 1] = e .. ":" .. tostring(i.name) .. "@" .. i.currentline end
end, "r")
outer()
debug.sethook()
print(table.concat(names, " "))
--> ~^return:inner@\d+ return:outer@\d+$
print(names[1]:match("@(%d+)") + 0 == debug.getinfo(inner, "S").linedefined, #names)
--> =true	2

-- in a hook: getinfo(2, "l") is the line being traced, and no events
local ok = true
debug.sethook(function(e, l)
  if debug.getinfo(2, "l").currentline ~= l then ok = false end
  local x = 1 x = x + 1 -- (would raise line events, were hooks on)
end, "l")
local a = 1
a = a + 1
debug.sethook()
print(ok)
--> =true

-- an error in a hook is the hooked code's (a pcall catches it); the hook
-- stays set, as in lua5.1
local events = {}
local okp, err = pcall(function()
  debug.sethook(function(e, l)
    events[#events + 1] = l
    if #events == 1 then error("from the hook") end
  end, "l")
  local y = 1
  return y
end)
local z = 2
debug.sethook()
print(okp, err:match("from the hook"), #events)
--> =false	from the hook	3

-- a hook is its thread's
local co = coroutine.create(function()
  local k = 0
  debug.sethook(function() k = k + 1 end, "", 1)
  for i = 1, 10 do end
  local got = k
  debug.sethook()
  coroutine.yield(got > 10)
  return debug.gethook()
end)
print(coroutine.resume(co))
print(debug.gethook())
print(coroutine.resume(co))
--> =true	true
--> =nil		0
--> =true	nil		0
local co2 = coroutine.create(function() for i = 1, 3 do coroutine.yield(i) end end)
local seen = 0
debug.sethook(co2, function(e, l) seen = seen + 1 end, "l")
print(select(2, debug.gethook(co2)), (debug.gethook()))
coroutine.resume(co2) coroutine.resume(co2)
debug.sethook(co2)
print(seen > 0, debug.gethook(co2))
--> =l	nil
--> =true	nil		0

-- the registers and varargs a hook interrupts are kept
local function va(...) return select("#", ...), ... end
local cnt = 0
debug.sethook(function() cnt = cnt + 1 end, "rl", 1)
local p, q, r, s = va(1, nil, 3)
local t = {va(va(7, 8))}
local w = ("x"):rep(3) .. #t
debug.sethook()
print(p, q, r, s, #t, t[1], t[2], t[3], t[4], w, cnt > 20)
--> =3	1	nil	3	4	3	2	7	8	xxx4	true

-- bad arguments
print(pcall(debug.sethook, print))
print(pcall(debug.sethook, 1, "l"))
--> ~^false	bad argument #2 to '.*' \(string expected, got no value\)$
--> ~^false	bad argument #1 to '.*' \(function expected, got number\)$

-- lua5.1's luaK_nil (code of the compiler's second generation): no
-- LOADNIL, so no line event, for locals declared at a function's start,
-- and consecutive LOADNILs are one where no jump lands between them
print(trace("local a\na=1\nwhile a<=3 do\n  a=a+1\nend\n"))
--> =8,2,3,4,3,4,3,4,3,5,9
print(trace("local a\nlocal b, c\nlocal d = nil\nd = 1\n"))
--> =8,4,9
print(trace("local n = 0\nrepeat\n  local x\n  local y\n  if x then n = 100 end\n  x = 1\n  n = n + 1\nuntil n >= 3\nreturn n\n"))
--> =8,1,3,5,6,7,8,3,5,6,7,8,3,5,6,7,8,9,9
-- a loop that starts a function still makes its locals nil each time
local function fresh()
  repeat
    local x
    if x then return "stale" end
    x = 1
  until true
  local i = 0
  while i < 3 do
    local y
    if y then return "stale y" end
    y = i
    i = i + 1
  end
  return "fresh"
end
print(fresh(), fresh())
--> =fresh	fresh
-- and a call clears the registers of those locals (the last call left
-- its values in the same stack slots)
local function clean(v) local x, y if x or y then return "stale" end x, y = v, v return "clean" end
local function twice() return clean(1), clean(2) end
print(twice())
print(pcall(clean, 3), coroutine.wrap(clean)(4))
--> =clean	clean
--> =true	clean

-- a hook set by a hook raises no events until that hook returns: the
-- line hook a call hook sets sees the called function's first line
local seen = {}
local function target(p, q, ...) local c = 13 return c end
debug.sethook(function(e)
  debug.sethook(function(e, l)
    local names = {}
    for i = 1, 4 do names[i] = tostring((debug.getlocal(2, i))) end
    seen[#seen + 1] = table.concat(names, " ")
    debug.sethook()
  end, "l")
end, "c")
target(1, 2, 3)
print(seen[1], #seen)
--> =p q arg (*temporary)	1
