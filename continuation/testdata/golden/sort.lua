-- suspended in a table.sort comparator (a resumable builtin's call)
local calls = 0
local t = {}
for i = 1, 30 do t[i] = (i * 17) % 31 end
table.sort(t, function(a, b)
  calls = calls + 1
  if calls == 7 then mb.freeze("sort.cont") end
  return a > b
end)
print(calls, table.concat(t, ","))
