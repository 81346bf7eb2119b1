-- A JSON encoder and decoder over a generated document, in the style of
-- the widely used pure-Lua codecs: encode, decode, compare, many times.
local char, byte, sub, find, format, concat = string.char, string.byte, string.sub, string.find, string.format, table.concat

local escapes = { ['"'] = '\\"', ['\\'] = '\\\\', ['\b'] = '\\b', ['\f'] = '\\f', ['\n'] = '\\n', ['\r'] = '\\r', ['\t'] = '\\t' }

local function encodeString(s)
  return '"' .. s:gsub('[%c"\\]', function(c) return escapes[c] or format("\\u%04x", byte(c)) end) .. '"'
end

local function isArray(t)
  local n = 0
  for k in pairs(t) do
    if type(k) ~= "number" then return false end
    n = n + 1
  end
  return n == #t
end

local encode
local function encodeTable(t, out)
  if isArray(t) then
    out[#out + 1] = "["
    for i = 1, #t do
      if i > 1 then out[#out + 1] = "," end
      encode(t[i], out)
    end
    out[#out + 1] = "]"
  else
    local keys = {}
    for k in pairs(t) do keys[#keys + 1] = k end
    table.sort(keys)
    out[#out + 1] = "{"
    for i, k in ipairs(keys) do
      if i > 1 then out[#out + 1] = "," end
      out[#out + 1] = encodeString(k)
      out[#out + 1] = ":"
      encode(t[k], out)
    end
    out[#out + 1] = "}"
  end
end

function encode(v, out)
  local tv = type(v)
  if tv == "table" then encodeTable(v, out)
  elseif tv == "string" then out[#out + 1] = encodeString(v)
  elseif tv == "number" then
    if v == math.floor(v) then out[#out + 1] = format("%d", v) else out[#out + 1] = format("%.14g", v) end
  elseif tv == "boolean" then out[#out + 1] = tostring(v)
  else out[#out + 1] = "null" end
end

local function toJSON(v)
  local out = {}
  encode(v, out)
  return concat(out)
end

-- the decoder: a position-passing recursive descent parser
local decodeValue
local function skip(s, i)
  local _, e = find(s, "^[ \n\r\t]*", i)
  return e + 1
end

local unescapes = { b = "\b", f = "\f", n = "\n", r = "\r", t = "\t", ['"'] = '"', ["\\"] = "\\", ["/"] = "/" }

local function decodeString(s, i)
  local parts, j = {}, i + 1
  while true do
    local c = sub(s, j, j)
    if c == '"' then return concat(parts), j + 1 end
    if c == "\\" then
      local e = sub(s, j + 1, j + 1)
      if e == "u" then
        parts[#parts + 1] = char(tonumber(sub(s, j + 2, j + 5), 16))
        j = j + 6
      else
        parts[#parts + 1] = unescapes[e]
        j = j + 2
      end
    else
      local k = find(s, '["\\]', j)
      parts[#parts + 1] = sub(s, j, k - 1)
      j = k
    end
  end
end

local function decodeArray(s, i)
  local t, n = {}, 0
  i = skip(s, i + 1)
  if sub(s, i, i) == "]" then return t, i + 1 end
  while true do
    local v
    v, i = decodeValue(s, i)
    n = n + 1
    t[n] = v
    i = skip(s, i)
    local c = sub(s, i, i)
    if c == "]" then return t, i + 1 end
    i = skip(s, i + 1)
  end
end

local function decodeObject(s, i)
  local t = {}
  i = skip(s, i + 1)
  if sub(s, i, i) == "}" then return t, i + 1 end
  while true do
    local k
    k, i = decodeString(s, i)
    i = skip(s, skip(s, i) + 1)
    t[k], i = decodeValue(s, i)
    i = skip(s, i)
    local c = sub(s, i, i)
    if c == "}" then return t, i + 1 end
    i = skip(s, i + 1)
  end
end

function decodeValue(s, i)
  i = skip(s, i)
  local c = sub(s, i, i)
  if c == "{" then return decodeObject(s, i)
  elseif c == "[" then return decodeArray(s, i)
  elseif c == '"' then return decodeString(s, i)
  elseif c == "t" then return true, i + 4
  elseif c == "f" then return false, i + 5
  elseif c == "n" then return nil, i + 4
  end
  local _, e = find(s, "^-?%d+%.?%d*[eE]?[-+]?%d*", i)
  return tonumber(sub(s, i, e)), e + 1
end

local function fromJSON(s) return (decodeValue(s, 1)) end

-- a generated document: users with profiles, tags, scores and notes
local seed = 42
local function rand(n)
  seed = (seed * 1103515245 + 12345) % 2147483648
  return seed % n
end
local words = { "alpha", "beta", "gamma", "delta", "tab\there", "quote\"d", "new\nline", "plain", "x", "émigré" }
local function document(n)
  local users = {}
  for i = 1, n do
    local tags = {}
    for j = 1, 1 + rand(5) do tags[j] = words[1 + rand(#words)] end
    users[i] = {
      id = i, name = "user" .. i, active = rand(2) == 1, score = rand(100000) / 100,
      tags = tags, profile = { age = 18 + rand(60), city = words[1 + rand(#words)], ratio = rand(1000) / 7 },
      history = { rand(1000), rand(1000), rand(1000), { nested = true, level = rand(9) } },
    }
  end
  return { version = 3, users = users, count = n, meta = { generated = "bench", empty = {} } }
end

local doc = document(400)
local text, total = nil, 0
for round = 1, 75 do
  text = toJSON(doc)
  local back = fromJSON(text)
  total = total + #text + #back.users + back.users[round].id
  doc = back
end
print(#text, total)
print(sub(text, 1, 120))
print(toJSON(fromJSON(toJSON(doc.users[7]))))
