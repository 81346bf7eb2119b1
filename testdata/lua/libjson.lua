-- a JSON codec in the style of the widely used pure-Lua ones (rxi's
-- json.lua, dkjson): escapes, unicode escapes to UTF-8, numbers, nested
-- arrays and objects, sorted keys for a stable output, errors with the
-- position
local json = {}

local escapes = {['"'] = '\\"', ['\\'] = '\\\\', ['\b'] = '\\b', ['\f'] = '\\f',
  ['\n'] = '\\n', ['\r'] = '\\r', ['\t'] = '\\t'}
local unescapes = {['"'] = '"', ['\\'] = '\\', ['/'] = '/', b = '\b', f = '\f', n = '\n', r = '\r', t = '\t'}

local function isarray(t)
  local n = 0
  for k in pairs(t) do
    if type(k) ~= "number" or k <= 0 or math.floor(k) ~= k then return false end
    n = math.max(n, k)
  end
  return n == #t
end

local encode
local function encodeTable(t, stack)
  if stack[t] then error("circular reference") end
  stack[t] = true
  local parts = {}
  if next(t) ~= nil and isarray(t) then
    for i = 1, #t do parts[i] = encode(t[i], stack) end
    stack[t] = nil
    return "[" .. table.concat(parts, ",") .. "]"
  end
  local keys = {}
  for k in pairs(t) do
    if type(k) ~= "string" then error("invalid key type '" .. type(k) .. "'") end
    keys[#keys + 1] = k
  end
  table.sort(keys)
  for i, k in ipairs(keys) do parts[i] = encode(k, stack) .. ":" .. encode(t[k], stack) end
  stack[t] = nil
  return "{" .. table.concat(parts, ",") .. "}"
end

function encode(v, stack)
  local ty = type(v)
  if ty == "nil" then return "null"
  elseif ty == "boolean" then return tostring(v)
  elseif ty == "number" then
    if v ~= v or v == math.huge or v == -math.huge then error("unexpected number value '" .. tostring(v) .. "'") end
    if math.floor(v) == v and math.abs(v) < 1e15 then return string.format("%d", v) end
    return string.format("%.14g", v)
  elseif ty == "string" then
    return '"' .. v:gsub('[%c"\\]', function(c) return escapes[c] or string.format("\\u%04x", c:byte()) end) .. '"'
  elseif ty == "table" then return encodeTable(v, stack)
  end
  error("unexpected type '" .. ty .. "'")
end

function json.encode(v) return encode(v, {}) end

local function decodeError(s, i, msg)
  local line, col = 1, 1
  for j = 1, i - 1 do
    col = col + 1
    if s:sub(j, j) == "\n" then line, col = line + 1, 1 end
  end
  error(string.format("%s at line %d col %d", msg, line, col), 0)
end

local function utf8(n)
  if n < 0x80 then return string.char(n)
  elseif n < 0x800 then return string.char(0xc0 + math.floor(n / 64), 0x80 + n % 64)
  end
  return string.char(0xe0 + math.floor(n / 4096), 0x80 + math.floor(n / 64) % 64, 0x80 + n % 64)
end

local decode
local function skip(s, i) return s:find("[^ \t\r\n]", i) or #s + 1 end

local function decodeString(s, i)
  local out, j = {}, i + 1
  while true do
    local c = s:sub(j, j)
    if c == "" then decodeError(s, i, "unclosed string") end
    if c == '"' then return table.concat(out), j + 1 end
    if c == "\\" then
      local e = s:sub(j + 1, j + 1)
      if e == "u" then
        local hex = s:match("^%x%x%x%x", j + 2)
        if not hex then decodeError(s, j, "invalid unicode escape") end
        out[#out + 1] = utf8(tonumber(hex, 16))
        j = j + 6
      elseif unescapes[e] then
        out[#out + 1] = unescapes[e]
        j = j + 2
      else
        decodeError(s, j, "invalid escape char '" .. e .. "'")
      end
    else
      out[#out + 1] = c
      j = j + 1
    end
  end
end

local literals = {["true"] = true, ["false"] = false, ["null"] = json}

function decode(s, i)
  i = skip(s, i)
  local c = s:sub(i, i)
  if c == "{" then
    local t = {}
    i = skip(s, i + 1)
    if s:sub(i, i) == "}" then return t, i + 1 end
    while true do
      if s:sub(i, i) ~= '"' then decodeError(s, i, "expected string for key") end
      local k
      k, i = decodeString(s, i)
      i = skip(s, i)
      if s:sub(i, i) ~= ":" then decodeError(s, i, "expected ':' after key") end
      t[k], i = decode(s, i + 1)
      if t[k] == json then t[k] = nil end
      i = skip(s, i)
      c = s:sub(i, i)
      if c == "}" then return t, i + 1 end
      if c ~= "," then decodeError(s, i, "expected '}' or ','") end
      i = skip(s, i + 1)
    end
  elseif c == "[" then
    local t, n = {}, 0
    i = skip(s, i + 1)
    if s:sub(i, i) == "]" then return t, i + 1 end
    while true do
      n = n + 1
      local v
      v, i = decode(s, i)
      if v ~= json then t[n] = v end
      i = skip(s, i)
      c = s:sub(i, i)
      if c == "]" then return t, i + 1 end
      if c ~= "," then decodeError(s, i, "expected ']' or ','") end
      i = i + 1
    end
  elseif c == '"' then
    return decodeString(s, i)
  end
  local num = s:match("^-?%d+%.?%d*[eE]?[-+]?%d*", i)
  if num and num ~= "" and num ~= "-" then return tonumber(num), i + #num end
  local word = s:match("^%a+", i)
  if word and literals[word] ~= nil then return literals[word], i + #word end
  decodeError(s, i, "unexpected character '" .. c .. "'")
end

function json.decode(s)
  local v, i = decode(s, 1)
  i = skip(s, i)
  if i <= #s then decodeError(s, i, "trailing garbage") end
  if v == json then return nil end
  return v
end

-- round trips
local doc = {
  name = "Mobilua \"test\"\n", version = 1.5, tags = {"a", "b", "c"},
  nested = {list = {1, 2, {3, 4}}, empty = {}, flag = false, big = 1e20, small = -0.125},
  unicode = "caf\195\169",
}
local text = json.encode(doc)
print(text)
--> ={"name":"Mobilua \"test\"\n","nested":{"big":1e+20,"empty":{},"flag":false,"list":[1,2,[3,4]],"small":-0.125},"tags":["a","b","c"],"unicode":"café","version":1.5}
local back = json.decode(text)
print(json.encode(back) == text, back.nested.list[3][2], back.tags[3], back.unicode == doc.unicode)
--> =true	4	c	true
print(json.encode(json.decode('  [1, "two", null, true, {"x": {"y": [ ]}}, "\\u00e9\\u20ac\\t"] ')))
--> =[1,"two",null,true,{"x":{"y":{}}},"é€\t"]
local arr = json.decode('[1, "two", null, true]')
print(#arr, arr[1], arr[2], arr[3], arr[4])
--> =4	1	two	nil	true
print(json.decode('"\\u00e9\\u20ac"') == "\195\169\226\130\172", json.decode("-12.5e2"), json.decode("null"))
--> =true	-1250	nil

-- a larger document, generated, encoded and decoded 20 times
local people = {}
for i = 1, 200 do
  people[i] = {id = i, name = "person" .. i, score = i * 1.25, friends = {i % 7, i % 11}, active = i % 3 == 0}
end
local s
for round = 1, 20 do s = json.encode(json.decode(json.encode(people))) end
print(#s, s:sub(1, 70))
--> =14651	[{"active":false,"friends":[1,1],"id":1,"name":"person1","score":1.25}

-- errors, with positions
for _, bad in ipairs{'{"a" 1}', '[1, 2', '{"a": tru}', '"abc', '[1] x', '"\\q"'} do
  print(pcall(json.decode, bad))
end
--> =false	expected ':' after key at line 1 col 6
--> =false	expected ']' or ',' at line 1 col 6
--> =false	unexpected character 't' at line 1 col 7
--> =false	unclosed string at line 1 col 1
--> =false	trailing garbage at line 1 col 5
--> =false	invalid escape char 'q' at line 1 col 2
local cyc = {} cyc.self = cyc
print(pcall(json.encode, cyc))
--> ~^false	.*circular reference$
print(pcall(json.encode, {[true] = 1}), pcall(json.encode, {math.huge}))
--> ~^false	false	.*unexpected number value 'inf'$
