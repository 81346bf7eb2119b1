-- suspended inside pcall, in a vararg function with upvalues
local log = {}
local function note(...) log[#log + 1] = table.concat({...}, " ") end
local function work(n, ...)
  note("work", n, select("#", ...))
  if n == 3 then note("thawed", tostring(mb.freeze("pcall.cont"))) end
  if n > 2 then error({code = n}) end
  return n * 2, ...
end
print(pcall(work, 1, "a", "b"))
local ok, e = pcall(work, 3)
print(ok, type(e), e.code)
print(table.concat(log, "; "))
