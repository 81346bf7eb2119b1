-- comparison: every pair of value kinds, through ==, ~=, <, <=, >, >= (the
-- interpreter's fast path and its slow one, compiled code's, and the
-- metamethods), one line per left operand: t true, f false, e an error
local mt = {
  __eq = function(a, b) return a.v == b.v end,
  __lt = function(a, b) return a.v < b.v end,
  __le = function(a, b) return a.v <= b.v end,
}
local onlylt = {__lt = function(a, b) return a.v < b.v end}
local co = coroutine.create(function() end)
local ud = newproxy(true)
local vals = {
  {"nil", nil}, {"false", false}, {"true", true}, {"0", 0}, {"-0", -0}, {"1", 1}, {"1.5", 1.5},
  {"-inf", -1 / 0}, {"inf", 1 / 0}, {"nan", 0 / 0}, {"''", ""}, {"'a'", "a"}, {"'b'", "b"},
  {"'10'", "10"}, {"'9'", "9"}, {"t1", {}}, {"t2", {}}, {"m1", setmetatable({v = 1}, mt)},
  {"m2", setmetatable({v = 2}, mt)}, {"m1b", setmetatable({v = 1}, mt)},
  {"l1", setmetatable({v = 1}, onlylt)}, {"l2", setmetatable({v = 2}, onlylt)},
  {"print", print}, {"f", function() end}, {"co", co}, {"ud", ud},
}
local ops = {
  ["=="] = function(a, b) return a == b end, ["~="] = function(a, b) return a ~= b end,
  ["<"] = function(a, b) return a < b end, ["<="] = function(a, b) return a <= b end,
  [">"] = function(a, b) return a > b end, [">="] = function(a, b) return a >= b end,
}
local function row(op, a)
  local s = {}
  for j = 1, #vals do
    local ok, r = pcall(ops[op], a, vals[j][2])
    s[j] = not ok and "e" or r and "t" or "f"
  end
  return table.concat(s)
end
for _, op in ipairs({"==", "~=", "<", "<=", ">", ">="}) do
  for i = 1, #vals do print(op, vals[i][1], row(op, vals[i][2])) end
end
-- a constant on one side (the instruction's RK operand)
for i = 1, #vals do
  local a = vals[i][2]
  local function try(f) local ok, r = pcall(f) return not ok and "e" or r and "t" or "f" end
  print("k", vals[i][1], try(function() return a == 1 end), try(function() return a < 1 end),
    try(function() return 1 <= a end), try(function() return a == "a" end),
    try(function() return "a" < a end), try(function() return a >= "a" end))
end
-- a number constant first (x > 1 is 1 < x, x >= 1 is 1 <= x: the
-- interpreter's NR instructions), the metamethods seeing the constant first
for i = 1, #vals do
  local a = vals[i][2]
  local function try(f) local ok, r = pcall(f) return not ok and "e" or r and "t" or "f" end
  print("kn", vals[i][1], try(function() return a > 1 end), try(function() return a >= 1 end),
    try(function() return a > -0 end), try(function() return 1.5 < a end), try(function() return a >= 1 / 0 end))
end
-- a string constant for == and ~=, on either side (compiled code decides
-- these without a slow path: equal only to a string of the same bytes)
local eqs = {}
for i = 1, #vals do
  local a = vals[i][2]
  local r = (a == "10" and "t" or "f") .. ("10" == a and "t" or "f") .. (a ~= "10" and "t" or "f")
  if "10" ~= a then r = r .. "t" else r = r .. "f" end
  eqs[#eqs + 1] = r .. (a == "" and "t" or "f")
end
print(table.concat(eqs, " "), "x" == "x", "x" ~= "x", "x" == "y")
-- strings made at run time, not sharing a constant's bytes
local ten, nine = ("1"):rep(2):sub(1, 1) .. "0", tostring(9)
print(ten == "10", "10" == ten, ten ~= "10", nine == "10", nine ~= "9", ten == "", "" == ten:sub(3), "1" == ten)
-- the error messages
print(select(2, pcall(ops["<"], 1, "1")))
print(select(2, pcall(ops["<="], {}, {})))
print(select(2, pcall(ops[">"], nil, true)))
print(select(2, pcall(function(a) return a > 1 end, "1")))
--> ===	nil	tfffffffffffffffffffffffff
--> ===	false	ftffffffffffffffffffffffff
--> ===	true	fftfffffffffffffffffffffff
--> ===	0	fffttfffffffffffffffffffff
--> ===	-0	fffttfffffffffffffffffffff
--> ===	1	ffffftffffffffffffffffffff
--> ===	1.5	fffffftfffffffffffffffffff
--> ===	-inf	ffffffftffffffffffffffffff
--> ===	inf	fffffffftfffffffffffffffff
--> ===	nan	ffffffffffffffffffffffffff
--> ===	''	fffffffffftfffffffffffffff
--> ===	'a'	ffffffffffftffffffffffffff
--> ===	'b'	fffffffffffftfffffffffffff
--> ===	'10'	ffffffffffffftffffffffffff
--> ===	'9'	fffffffffffffftfffffffffff
--> ===	t1	ffffffffffffffftffffffffff
--> ===	t2	fffffffffffffffftfffffffff
--> ===	m1	ffffffffffffffffftftffffff
--> ===	m2	fffffffffffffffffftfffffff
--> ===	m1b	ffffffffffffffffftftffffff
--> ===	l1	fffffffffffffffffffftfffff
--> ===	l2	ffffffffffffffffffffftffff
--> ===	print	fffffffffffffffffffffftfff
--> ===	f	ffffffffffffffffffffffftff
--> ===	co	fffffffffffffffffffffffftf
--> ===	ud	ffffffffffffffffffffffffft
--> =~=	nil	fttttttttttttttttttttttttt
--> =~=	false	tftttttttttttttttttttttttt
--> =~=	true	ttfttttttttttttttttttttttt
--> =~=	0	tttffttttttttttttttttttttt
--> =~=	-0	tttffttttttttttttttttttttt
--> =~=	1	tttttftttttttttttttttttttt
--> =~=	1.5	ttttttfttttttttttttttttttt
--> =~=	-inf	tttttttftttttttttttttttttt
--> =~=	inf	ttttttttfttttttttttttttttt
--> =~=	nan	tttttttttttttttttttttttttt
--> =~=	''	ttttttttttfttttttttttttttt
--> =~=	'a'	tttttttttttftttttttttttttt
--> =~=	'b'	ttttttttttttfttttttttttttt
--> =~=	'10'	tttttttttttttftttttttttttt
--> =~=	'9'	ttttttttttttttfttttttttttt
--> =~=	t1	tttttttttttttttftttttttttt
--> =~=	t2	ttttttttttttttttfttttttttt
--> =~=	m1	tttttttttttttttttftftttttt
--> =~=	m2	ttttttttttttttttttfttttttt
--> =~=	m1b	tttttttttttttttttftftttttt
--> =~=	l1	ttttttttttttttttttttfttttt
--> =~=	l2	tttttttttttttttttttttftttt
--> =~=	print	ttttttttttttttttttttttfttt
--> =~=	f	tttttttttttttttttttttttftt
--> =~=	co	ttttttttttttttttttttttttft
--> =~=	ud	tttttttttttttttttttttttttf
--> =<	nil	eeeeeeeeeeeeeeeeeeeeeeeeee
--> =<	false	eeeeeeeeeeeeeeeeeeeeeeeeee
--> =<	true	eeeeeeeeeeeeeeeeeeeeeeeeee
--> =<	0	eeeffttftfeeeeeeeeeeeeeeee
--> =<	-0	eeeffttftfeeeeeeeeeeeeeeee
--> =<	1	eeeffftftfeeeeeeeeeeeeeeee
--> =<	1.5	eeeffffftfeeeeeeeeeeeeeeee
--> =<	-inf	eeettttftfeeeeeeeeeeeeeeee
--> =<	inf	eeefffffffeeeeeeeeeeeeeeee
--> =<	nan	eeefffffffeeeeeeeeeeeeeeee
--> =<	''	eeeeeeeeeeftttteeeeeeeeeee
--> =<	'a'	eeeeeeeeeefftffeeeeeeeeeee
--> =<	'b'	eeeeeeeeeefffffeeeeeeeeeee
--> =<	'10'	eeeeeeeeeefttfteeeeeeeeeee
--> =<	'9'	eeeeeeeeeefttffeeeeeeeeeee
--> =<	t1	eeeeeeeeeeeeeeeeeeeeeeeeee
--> =<	t2	eeeeeeeeeeeeeeeeeeeeeeeeee
--> =<	m1	eeeeeeeeeeeeeeeeeftfeeeeee
--> =<	m2	eeeeeeeeeeeeeeeeefffeeeeee
--> =<	m1b	eeeeeeeeeeeeeeeeeftfeeeeee
--> =<	l1	eeeeeeeeeeeeeeeeeeeefteeee
--> =<	l2	eeeeeeeeeeeeeeeeeeeeffeeee
--> =<	print	eeeeeeeeeeeeeeeeeeeeeeeeee
--> =<	f	eeeeeeeeeeeeeeeeeeeeeeeeee
--> =<	co	eeeeeeeeeeeeeeeeeeeeeeeeee
--> =<	ud	eeeeeeeeeeeeeeeeeeeeeeeeee
--> =<=	nil	eeeeeeeeeeeeeeeeeeeeeeeeee
--> =<=	false	eeeeeeeeeeeeeeeeeeeeeeeeee
--> =<=	true	eeeeeeeeeeeeeeeeeeeeeeeeee
--> =<=	0	eeettttftfeeeeeeeeeeeeeeee
--> =<=	-0	eeettttftfeeeeeeeeeeeeeeee
--> =<=	1	eeeffttftfeeeeeeeeeeeeeeee
--> =<=	1.5	eeeffftftfeeeeeeeeeeeeeeee
--> =<=	-inf	eeettttttfeeeeeeeeeeeeeeee
--> =<=	inf	eeeffffftfeeeeeeeeeeeeeeee
--> =<=	nan	eeefffffffeeeeeeeeeeeeeeee
--> =<=	''	eeeeeeeeeettttteeeeeeeeeee
--> =<=	'a'	eeeeeeeeeefttffeeeeeeeeeee
--> =<=	'b'	eeeeeeeeeefftffeeeeeeeeeee
--> =<=	'10'	eeeeeeeeeeftttteeeeeeeeeee
--> =<=	'9'	eeeeeeeeeefttfteeeeeeeeeee
--> =<=	t1	eeeeeeeeeeeeeeeeeeeeeeeeee
--> =<=	t2	eeeeeeeeeeeeeeeeeeeeeeeeee
--> =<=	m1	eeeeeeeeeeeeeeeeettteeeeee
--> =<=	m2	eeeeeeeeeeeeeeeeeftfeeeeee
--> =<=	m1b	eeeeeeeeeeeeeeeeettteeeeee
--> =<=	l1	eeeeeeeeeeeeeeeeeeeetteeee
--> =<=	l2	eeeeeeeeeeeeeeeeeeeefteeee
--> =<=	print	eeeeeeeeeeeeeeeeeeeeeeeeee
--> =<=	f	eeeeeeeeeeeeeeeeeeeeeeeeee
--> =<=	co	eeeeeeeeeeeeeeeeeeeeeeeeee
--> =<=	ud	eeeeeeeeeeeeeeeeeeeeeeeeee
--> =>	nil	eeeeeeeeeeeeeeeeeeeeeeeeee
--> =>	false	eeeeeeeeeeeeeeeeeeeeeeeeee
--> =>	true	eeeeeeeeeeeeeeeeeeeeeeeeee
--> =>	0	eeefffftffeeeeeeeeeeeeeeee
--> =>	-0	eeefffftffeeeeeeeeeeeeeeee
--> =>	1	eeettfftffeeeeeeeeeeeeeeee
--> =>	1.5	eeetttftffeeeeeeeeeeeeeeee
--> =>	-inf	eeefffffffeeeeeeeeeeeeeeee
--> =>	inf	eeetttttffeeeeeeeeeeeeeeee
--> =>	nan	eeefffffffeeeeeeeeeeeeeeee
--> =>	''	eeeeeeeeeefffffeeeeeeeeeee
--> =>	'a'	eeeeeeeeeetfftteeeeeeeeeee
--> =>	'b'	eeeeeeeeeettftteeeeeeeeeee
--> =>	'10'	eeeeeeeeeetffffeeeeeeeeeee
--> =>	'9'	eeeeeeeeeetfftfeeeeeeeeeee
--> =>	t1	eeeeeeeeeeeeeeeeeeeeeeeeee
--> =>	t2	eeeeeeeeeeeeeeeeeeeeeeeeee
--> =>	m1	eeeeeeeeeeeeeeeeefffeeeeee
--> =>	m2	eeeeeeeeeeeeeeeeetfteeeeee
--> =>	m1b	eeeeeeeeeeeeeeeeefffeeeeee
--> =>	l1	eeeeeeeeeeeeeeeeeeeeffeeee
--> =>	l2	eeeeeeeeeeeeeeeeeeeetfeeee
--> =>	print	eeeeeeeeeeeeeeeeeeeeeeeeee
--> =>	f	eeeeeeeeeeeeeeeeeeeeeeeeee
--> =>	co	eeeeeeeeeeeeeeeeeeeeeeeeee
--> =>	ud	eeeeeeeeeeeeeeeeeeeeeeeeee
--> =>=	nil	eeeeeeeeeeeeeeeeeeeeeeeeee
--> =>=	false	eeeeeeeeeeeeeeeeeeeeeeeeee
--> =>=	true	eeeeeeeeeeeeeeeeeeeeeeeeee
--> =>=	0	eeettfftffeeeeeeeeeeeeeeee
--> =>=	-0	eeettfftffeeeeeeeeeeeeeeee
--> =>=	1	eeetttftffeeeeeeeeeeeeeeee
--> =>=	1.5	eeetttttffeeeeeeeeeeeeeeee
--> =>=	-inf	eeefffftffeeeeeeeeeeeeeeee
--> =>=	inf	eeettttttfeeeeeeeeeeeeeeee
--> =>=	nan	eeefffffffeeeeeeeeeeeeeeee
--> =>=	''	eeeeeeeeeetffffeeeeeeeeeee
--> =>=	'a'	eeeeeeeeeettftteeeeeeeeeee
--> =>=	'b'	eeeeeeeeeettttteeeeeeeeeee
--> =>=	'10'	eeeeeeeeeetfftfeeeeeeeeeee
--> =>=	'9'	eeeeeeeeeetfftteeeeeeeeeee
--> =>=	t1	eeeeeeeeeeeeeeeeeeeeeeeeee
--> =>=	t2	eeeeeeeeeeeeeeeeeeeeeeeeee
--> =>=	m1	eeeeeeeeeeeeeeeeetfteeeeee
--> =>=	m2	eeeeeeeeeeeeeeeeettteeeeee
--> =>=	m1b	eeeeeeeeeeeeeeeeetfteeeeee
--> =>=	l1	eeeeeeeeeeeeeeeeeeeetfeeee
--> =>=	l2	eeeeeeeeeeeeeeeeeeeetteeee
--> =>=	print	eeeeeeeeeeeeeeeeeeeeeeeeee
--> =>=	f	eeeeeeeeeeeeeeeeeeeeeeeeee
--> =>=	co	eeeeeeeeeeeeeeeeeeeeeeeeee
--> =>=	ud	eeeeeeeeeeeeeeeeeeeeeeeeee
--> =k	nil	f	e	e	f	e	e
--> =k	false	f	e	e	f	e	e
--> =k	true	f	e	e	f	e	e
--> =k	0	f	t	f	f	e	e
--> =k	-0	f	t	f	f	e	e
--> =k	1	t	f	t	f	e	e
--> =k	1.5	f	f	t	f	e	e
--> =k	-inf	f	t	f	f	e	e
--> =k	inf	f	f	t	f	e	e
--> =k	nan	f	f	f	f	e	e
--> =k	''	f	e	e	f	f	f
--> =k	'a'	f	e	e	t	f	t
--> =k	'b'	f	e	e	f	t	t
--> =k	'10'	f	e	e	f	f	f
--> =k	'9'	f	e	e	f	f	f
--> =k	t1	f	e	e	f	e	e
--> =k	t2	f	e	e	f	e	e
--> =k	m1	f	e	e	f	e	e
--> =k	m2	f	e	e	f	e	e
--> =k	m1b	f	e	e	f	e	e
--> =k	l1	f	e	e	f	e	e
--> =k	l2	f	e	e	f	e	e
--> =k	print	f	e	e	f	e	e
--> =k	f	f	e	e	f	e	e
--> =k	co	f	e	e	f	e	e
--> =k	ud	f	e	e	f	e	e
--> =kn	nil	e	e	e	e	e
--> =kn	false	e	e	e	e	e
--> =kn	true	e	e	e	e	e
--> =kn	0	f	f	f	f	f
--> =kn	-0	f	f	f	f	f
--> =kn	1	f	t	t	f	f
--> =kn	1.5	t	t	t	f	f
--> =kn	-inf	f	f	f	f	f
--> =kn	inf	t	t	t	t	t
--> =kn	nan	f	f	f	f	f
--> =kn	''	e	e	e	e	e
--> =kn	'a'	e	e	e	e	e
--> =kn	'b'	e	e	e	e	e
--> =kn	'10'	e	e	e	e	e
--> =kn	'9'	e	e	e	e	e
--> =kn	t1	e	e	e	e	e
--> =kn	t2	e	e	e	e	e
--> =kn	m1	e	e	e	e	e
--> =kn	m2	e	e	e	e	e
--> =kn	m1b	e	e	e	e	e
--> =kn	l1	e	e	e	e	e
--> =kn	l2	e	e	e	e	e
--> =kn	print	e	e	e	e	e
--> =kn	f	e	e	e	e	e
--> =kn	co	e	e	e	e	e
--> =kn	ud	e	e	e	e	e
--> =ffttf ffttf ffttf ffttf ffttf ffttf ffttf ffttf ffttf ffttf ffttt ffttf ffttf ttfff ffttf ffttf ffttf ffttf ffttf ffttf ffttf ffttf ffttf ffttf ffttf ffttf	true	false	false
--> =true	true	false	false	false	false	true	false
--> =compare.lua:22: attempt to compare number with string
--> =compare.lua:22: attempt to compare two table values
--> =compare.lua:23: attempt to compare boolean with nil
--> =compare.lua:69: attempt to compare number with string

-- == asks __eq only of two tables or two userdata (lua5.1's luaV_equalval):
-- strings, functions, threads, nil and booleans are equal only when they
-- are the same, whatever their metatables say
local always = function() return true end
getmetatable("").__eq = always
print("a" == "b", "a" ~= "b", "a" == "a")
--> =false	true	true
getmetatable("").__eq = nil
local g1, g2 = function() end, function() end
debug.setmetatable(g1, {__eq = always})
print(g1 == g2, g1 ~= g2)
--> =false	true
debug.setmetatable(g1, nil)
local c1, c2 = coroutine.create(g1), coroutine.create(g2)
debug.setmetatable(c1, {__eq = always})
print(c1 == c2)
--> =false
debug.setmetatable(c1, nil)
debug.setmetatable(nil, {__eq = always})
print(nil == false)
--> =false
debug.setmetatable(nil, nil)
local u1, u2 = newproxy(true), newproxy(true)
getmetatable(u1).__eq = always
getmetatable(u2).__eq = always
print(u1 == u2, u1 == {})
--> =true	false
