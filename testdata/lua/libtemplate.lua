-- a template engine in the style of etlua and lustache: templates
-- compiled to Lua source once (text, {{ expr }} escaped, {{{ expr }}}
-- raw, {% code %}), run with loadstring in an environment of their own
-- with helpers, partials, and errors that name the template's line
local template = {}

local escapes = {["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;", ['"'] = "&quot;", ["'"] = "&#39;"}
local function escape(s) return (tostring(s):gsub("[&<>\"']", escapes)) end

function template.compile(src, name)
  name = name or "template"
  local code = {"local _out, _escape, _raw = {}, ...\n"}
  local pos = 1
  local function text(s)
    if s ~= "" then code[#code + 1] = "_out[#_out + 1] = " .. string.format("%q", s) .. "\n" end
  end
  while true do
    local s, e, kind, body = src:find("{([{%%]{?)(.-)[}%%]}}?", pos)
    if not s then break end
    text(src:sub(pos, s - 1))
    local lines = select(2, src:sub(1, s):gsub("\n", ""))
    if kind == "{{" then
      body = body:gsub("}$", "")
      code[#code + 1] = "_out[#_out + 1] = _raw(" .. body .. ") --@" .. (lines + 1) .. "\n"
    elseif kind == "{" then
      code[#code + 1] = "_out[#_out + 1] = _escape(" .. body .. ") --@" .. (lines + 1) .. "\n"
    else
      code[#code + 1] = body .. " --@" .. (lines + 1) .. "\n"
    end
    pos = e + 1
  end
  text(src:sub(pos))
  code[#code + 1] = "return table.concat(_out)"
  local source = table.concat(code)
  local fn, err = loadstring(source, "=" .. name)
  if not fn then
    local line = tonumber(err:match(":(%d+):"))
    local srcline = line and source:match(("[^\n]*\n"):rep(line - 1) .. "[^\n]*--@(%d+)")
    error(name .. ":" .. (srcline or "?") .. ": syntax error in template", 0)
  end
  return function(env, helpers)
    local scope = setmetatable({}, {__index = function(_, k)
      local v = env[k]
      if v == nil and helpers then v = helpers[k] end
      if v == nil then v = ({table = table, string = string, ipairs = ipairs, pairs = pairs, tostring = tostring, math = math})[k] end
      return v
    end})
    setfenv(fn, scope)
    local ok, res = pcall(fn, escape, tostring)
    if not ok then
      local line = tonumber(tostring(res):match("^[^:]*:(%d+):"))
      local srcline = line and source:match(("[^\n]*\n"):rep(line - 1) .. "[^\n]*--@(%d+)")
      error(name .. ":" .. (srcline or "?") .. ": " .. tostring(res):gsub("^[^:]*:%d+: ", ""), 0)
    end
    return res
  end
end

local page = template.compile([[
<h1>{{ title }}</h1>
<ul>
{% for i, item in ipairs(items) do %}  <li class="{{ i % 2 == 0 and "even" or "odd" }}">{{ item.name }}: {{ money(item.price) }}</li>
{% end %}</ul>
{% if #items == 0 then %}<p>nothing</p>{% end %}
<footer>{{{ footer }}}</footer>]], "page.html")

local helpers = {money = function(n) return string.format("$%.2f", n) end}
print(page({title = "Fish & <Chips>", footer = "<b>bold</b>", items = {
  {name = "cod", price = 4.5}, {name = "haddock \"fresh\"", price = 6}, {name = "chips", price = 2.25}}}, helpers))
--> =<h1>Fish &amp; &lt;Chips&gt;</h1>
--> =<ul>
--> =  <li class="odd">cod: $4.50</li>
--> =  <li class="even">haddock &quot;fresh&quot;: $6.00</li>
--> =  <li class="odd">chips: $2.25</li>
--> =</ul>
--> =
--> =<footer><b>bold</b></footer>
print(page({title = "Empty", footer = "", items = {}}, helpers))
--> =<h1>Empty</h1>
--> =<ul>
--> =</ul>
--> =<p>nothing</p>
--> =<footer></footer>

-- partials: a template that renders another
local row = template.compile("[{{ name }}={{ value }}]", "row")
local tbl = template.compile("{% for k, v in pairs(sorted) do %}{{{ row({name = v, value = data[v]}) }}}{% end %}", "table")
local data = {b = 2, a = 1, c = "<3>"}
local keys = {} for k in pairs(data) do keys[#keys + 1] = k end table.sort(keys)
print(tbl({sorted = keys, data = data, row = row}))
--> =[a=1][b=2][c=&lt;3&gt;]

-- rendering many times from one compilation
local item = template.compile("{{ n }}:{{ n * n }};", "item")
local parts = {}
for n = 1, 300 do parts[n] = item({n = n}) end
local all = table.concat(parts)
print(#all, all:sub(-24))
--> =2750	804;299:89401;300:90000;

-- errors name the template and its line
print(pcall(template.compile, "line 1\n{% if x then %}\n{{ x + }}\n{% end %}", "bad.html"))
--> =false	bad.html:3: syntax error in template
local broken = template.compile("a\nb\n{{ nothing.field }}", "runtime.html")
print(pcall(broken, {}))
--> ~^false	runtime\.html:3: attempt to index .*a nil value
