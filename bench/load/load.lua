-- load.lua: loading code. A generated chunk of 8000 small functions
-- (1.3 MB of source: table constructors, ifs, calls, locals, upvalues) is
-- compiled by loadstring ten times and run once; lua5.1 takes about
-- 50-70 ms a load. The output is a checksum of what the chunk computes.
local parts = {}
for i = 1, 8000 do
  parts[#parts + 1] = string.format(
    "do local function f%d(a, b)\n  local t = {x = a, y = b, %d, 'str%d'}\n" ..
    "  if a > b then return t.x + %d else return t.y * 2 end\nend\nR[%d] = f%d(%d, 3) end\n",
    i, i, i, i, i, i, i)
end
local src = "local R = {}\n" .. table.concat(parts) .. "return R\n"
local f
for i = 1, 10 do
  f = assert(loadstring(src, "=big"))
end
local R, sum = f(), 0
for i = 1, #R do sum = sum + R[i] end
print(#src, #R, sum)
