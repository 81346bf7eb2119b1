-- a serializer in the style of Serpent and Ser: any value to Lua source
-- that loadstring reads back, with shared and cyclic tables, sorted keys,
-- escaped strings, numbers kept exact, and functions carried through
-- string.dump (a function without upvalues; Mobilua's dump is its own
-- form, lua5.1's is bytecode: each loads its own back)
local serial = {}

local keywords = {}
for w in ("and break do else elseif end false for function if in local nil not or repeat return then true until while"):gmatch("%a+") do
  keywords[w] = true
end

local function number(n)
  if n ~= n then return "0/0" end
  if n == math.huge then return "math.huge" end
  if n == -math.huge then return "-math.huge" end
  if math.floor(n) == n and math.abs(n) < 2^53 then return string.format("%d", n) end
  return string.format("%.17g", n)
end

local function keyOrder(a, b)
  local ta, tb = type(a), type(b)
  if ta ~= tb then return ta < tb end
  if ta == "number" or ta == "string" then return a < b end
  return tostring(a) < tostring(b)
end

function serial.dump(value)
  local seen, defs, count, fixups = {}, {}, 0, {}
  local function ser(v, path)
    local ty = type(v)
    if ty == "number" then return number(v)
    elseif ty == "string" then return string.format("%q", v):gsub("\\\n", "\\n")
    elseif ty == "boolean" or ty == "nil" then return tostring(v)
    elseif ty == "function" then
      local ok, code = pcall(string.dump, v)
      if not ok then error("cannot serialize a function: " .. code) end
      return "loadstring(" .. string.format("%q", code):gsub("\\\n", "\\n") .. ")"
    elseif ty == "table" then
      if seen[v] then
        fixups[#fixups + 1] = path .. " = " .. seen[v]
        return "nil"
      end
      seen[v] = path
      local keys = {}
      for k in pairs(v) do keys[#keys + 1] = k end
      table.sort(keys, keyOrder)
      local parts = {}
      for _, k in ipairs(keys) do
        local ks, path2
        if type(k) == "string" and k:match("^[%a_][%w_]*$") and not keywords[k] then
          ks, path2 = k, path .. "." .. k
        else
          ks = "[" .. ser(k, "?") .. "]"
          path2 = path .. ks
        end
        parts[#parts + 1] = ks .. " = " .. ser(v[k], path2)
      end
      return "{" .. table.concat(parts, ", ") .. "}"
    end
    error("cannot serialize a " .. ty)
  end
  local body = ser(value, "x")
  if #fixups == 0 then return "return " .. body end
  return "local x = " .. body .. "\n" .. table.concat(fixups, "\n") .. "\nreturn x"
end

function serial.load(s)
  local f, err = loadstring(s, "=serialized")
  if not f then return nil, err end
  setfenv(f, {loadstring = loadstring, math = {huge = math.huge}})
  return f()
end

-- plain data
local data = {1, 2.5, -3, "four\n\"quoted\"\0zero", true, false, {nested = {deep = {"x"}}},
  ["key with spaces"] = 1, ["end"] = "keyword", [10] = "sparse", [1.5] = "float key", big = 2^60 + 1,
  third = 1 / 3, inf = math.huge}
local text = serial.dump(data)
print(text)
--> =return {[1] = 1, [1.5] = "float key", [2] = 2.5, [3] = -3, [4] = "four\n\"quoted\"\000zero", [5] = true, [6] = false, [7] = {nested = {deep = {[1] = "x"}}}, [10] = "sparse", big = 1.152921504606847e+18, ["end"] = "keyword", inf = math.huge, ["key with spaces"] = 1, third = 0.33333333333333331}
local back = serial.load(text)
print(serial.dump(back) == text, back[4] == data[4], back.third == data.third, back[7].nested.deep[1])
--> =true	true	true	x

-- shared and cyclic tables
local node = {name = "root"}
node.self = node
node.children = {{parent = node, name = "a"}, {parent = node, name = "b"}}
local src = serial.dump(node)
print(src)
--> =local x = {children = {[1] = {name = "a", parent = nil}, [2] = {name = "b", parent = nil}}, name = "root", self = nil}
--> =x.children[1].parent = x
--> =x.children[2].parent = x
--> =x.self = x
--> =return x
local n2 = serial.load(src)
print(n2.self == n2, n2.children[2].parent == n2, n2.children[1].name)
--> =true	true	a

-- functions through string.dump, in tables, called after the round trip
local function fib(n) local a, b = 0, 1 for i = 1, n do a, b = b, a + b end return a end
local lib = {fib = fib, square = function(x) return x * x end, greet = function(name) return "hello " .. name end}
local loaded = serial.load(serial.dump(lib))
print(loaded.fib(30), loaded.square(12), loaded.greet("ada"), loaded.fib ~= fib)
--> =832040	144	hello ada	true
-- a function with an upvalue loads back with the upvalue nil, as lua5.1 does
local count = 10
local function counter() count = (count or 0) + 1 return count end
local c2 = serial.load(serial.dump({f = counter})).f
print(counter(), c2(), c2())
--> =11	1	2
print(pcall(serial.dump, {print}))
--> ~^false	.*cannot serialize a function: unable to dump given function$
print(pcall(serial.dump, {coroutine.create(function() end)}))
--> ~^false	.*cannot serialize a thread$

-- a saved game state, written and read back 50 times
local state = {turn = 1, players = {}, board = {}}
for i = 1, 4 do state.players[i] = {name = "p" .. i, score = i * 10, items = {"sword", "shield", i}} end
for y = 1, 8 do state.board[y] = {} for x = 1, 8 do state.board[y][x] = (x + y) % 3 end end
local s = serial.dump(state)
for i = 1, 50 do
  local st = serial.load(s)
  st.turn = st.turn + 1
  s = serial.dump(st)
end
print(#s, serial.load(s).turn, serial.load(s).board[8][8])
--> =1012	51	1
