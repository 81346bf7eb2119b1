-- suspended inside a coroutine that a coroutine.wrap resumed, in a generic for
local function gen(n)
  return coroutine.wrap(function()
    for i = 1, n do coroutine.yield(i, i * i) end
  end)
end
local outer = coroutine.create(function(limit)
  local sum = 0
  for i, sq in gen(limit) do
    sum = sum + sq
    if i == 3 then mb.freeze("coroutine.cont") end
    local got = coroutine.yield(sum)
    sum = sum + (got or 0)
  end
  return "done", sum
end)
local res = {coroutine.resume(outer, 5)}
while coroutine.status(outer) ~= "dead" do
  res = {coroutine.resume(outer, 100)}
  print(unpack(res))
end
print(coroutine.status(outer), select("#", unpack(res)))
