-- A parser and interpreter for a small language: a lexer, a recursive
-- descent parser building a tree of tables, and a tree-walking
-- evaluator with closures and environments; it runs a few programs
-- (recursion, loops over lists, higher-order functions).
local sub, find, byte = string.sub, string.find, string.byte

local function lex(src)
  local toks, i, n = {}, 1, #src
  while i <= n do
    local s, e = find(src, "^%s+", i)
    if s then i = e + 1 end
    if i > n then break end
    local c = sub(src, i, i)
    s, e = find(src, "^%d+%.?%d*", i)
    if s then
      toks[#toks + 1] = { k = "num", v = tonumber(sub(src, s, e)) }
      i = e + 1
    else
      s, e = find(src, "^[%a_][%w_]*", i)
      if s then
        local w = sub(src, s, e)
        local kw = { let = true, fn = true, ["if"] = true, ["then"] = true, ["else"] = true, ["end"] = true, ["while"] = true, ["do"] = true, ["return"] = true }
        toks[#toks + 1] = { k = kw[w] and w or "id", v = w }
        i = e + 1
      else
        s, e = find(src, '^"[^"]*"', i)
        if s then
          toks[#toks + 1] = { k = "str", v = sub(src, s + 1, e - 1) }
          i = e + 1
        else
          local two = sub(src, i, i + 1)
          if two == "==" or two == "<=" or two == ">=" or two == "!=" or two == ".." then
            toks[#toks + 1] = { k = two }
            i = i + 2
          else
            toks[#toks + 1] = { k = c }
            i = i + 1
          end
        end
      end
    end
  end
  toks[#toks + 1] = { k = "eof" }
  return toks
end

local Parser = {}
Parser.__index = Parser
local function parser(toks) return setmetatable({ toks = toks, pos = 1 }, Parser) end
function Parser:peek() return self.toks[self.pos].k end
function Parser:next() local t = self.toks[self.pos]; self.pos = self.pos + 1; return t end
function Parser:expect(k)
  local t = self:next()
  if t.k ~= k then error("expected " .. k .. " got " .. t.k) end
  return t
end

local prec = { ["=="] = 1, ["!="] = 1, ["<"] = 2, [">"] = 2, ["<="] = 2, [">="] = 2, [".."] = 3, ["+"] = 4, ["-"] = 4, ["*"] = 5, ["/"] = 5, ["%"] = 5 }

function Parser:block(stop)
  local stmts = {}
  while not stop[self:peek()] do stmts[#stmts + 1] = self:statement() end
  return { k = "block", stmts }
end

local enders = { ["end"] = true, ["else"] = true, eof = true }
function Parser:statement()
  local k = self:peek()
  if k == "let" then
    self:next()
    local name = self:expect("id").v
    self:expect("=")
    return { k = "let", name = name, e = self:expr(0) }
  elseif k == "while" then
    self:next()
    local cond = self:expr(0)
    self:expect("do")
    local body = self:block(enders)
    self:expect("end")
    return { k = "while", cond = cond, body = body }
  elseif k == "return" then
    self:next()
    return { k = "return", e = self:expr(0) }
  elseif k == "id" and self.toks[self.pos + 1].k == "=" then
    local name = self:next().v
    self:next()
    return { k = "set", name = name, e = self:expr(0) }
  end
  local e = self:expr(0)
  if self:peek() == "=" and e.k == "index" then
    self:next()
    return { k = "setindex", t = e.e, i = e.i, e = self:expr(0) }
  end
  return { k = "expr", e = e }
end

function Parser:primary()
  local t = self:next()
  if t.k == "num" or t.k == "str" then return { k = "lit", v = t.v }
  elseif t.k == "id" then return { k = "var", name = t.v }
  elseif t.k == "(" then
    local e = self:expr(0)
    self:expect(")")
    return e
  elseif t.k == "[" then
    local items = {}
    while self:peek() ~= "]" do
      items[#items + 1] = self:expr(0)
      if self:peek() == "," then self:next() end
    end
    self:next()
    return { k = "list", items = items }
  elseif t.k == "fn" then
    self:expect("(")
    local params = {}
    while self:peek() ~= ")" do
      params[#params + 1] = self:expect("id").v
      if self:peek() == "," then self:next() end
    end
    self:next()
    local body = self:block(enders)
    self:expect("end")
    return { k = "fn", params = params, body = body }
  elseif t.k == "if" then
    local cond = self:expr(0)
    self:expect("then")
    local yes = self:block(enders)
    local no
    if self:peek() == "else" then self:next(); no = self:block(enders) end
    self:expect("end")
    return { k = "if", cond = cond, yes = yes, no = no }
  elseif t.k == "-" then
    return { k = "neg", e = self:primary() }
  end
  error("unexpected " .. t.k)
end

function Parser:postfix()
  local e = self:primary()
  while true do
    local k = self:peek()
    if k == "(" then
      self:next()
      local args = {}
      while self:peek() ~= ")" do
        args[#args + 1] = self:expr(0)
        if self:peek() == "," then self:next() end
      end
      self:next()
      e = { k = "call", f = e, args = args }
    elseif k == "[" then
      self:next()
      local i = self:expr(0)
      self:expect("]")
      e = { k = "index", e = e, i = i }
    else
      return e
    end
  end
end

function Parser:expr(min)
  local left = self:postfix()
  while true do
    local op = self:peek()
    local p = prec[op]
    if not p or p <= min then return left end
    self:next()
    left = { k = "bin", op = op, a = left, b = self:expr(p) }
  end
end

-- the evaluator: environments are tables chained by __index
local ReturnTag = {}
local eval

local function newEnv(parent) return setmetatable({}, { __index = parent }) end

local function setVar(env, name, v)
  local e = env
  while e do
    if rawget(e, name) ~= nil then rawset(e, name, v); return end
    local mt = getmetatable(e)
    e = mt and mt.__index
  end
  rawset(env, name, v)
end

local binops = {
  ["+"] = function(a, b) return a + b end, ["-"] = function(a, b) return a - b end,
  ["*"] = function(a, b) return a * b end, ["/"] = function(a, b) return a / b end,
  ["%"] = function(a, b) return a % b end, [".."] = function(a, b) return a .. b end,
  ["=="] = function(a, b) return a == b end, ["!="] = function(a, b) return a ~= b end,
  ["<"] = function(a, b) return a < b end, [">"] = function(a, b) return a > b end,
  ["<="] = function(a, b) return a <= b end, [">="] = function(a, b) return a >= b end,
}

local function call(f, args)
  if type(f) == "function" then return f(unpack(args)) end
  local env = newEnv(f.env)
  for i, p in ipairs(f.params) do rawset(env, p, args[i] == nil and false or args[i]) end
  local ok, r = pcall(eval, f.body, env)
  if ok then return r end
  if type(r) == "table" and r.tag == ReturnTag then return r.v end
  error(r, 0)
end

function eval(n, env)
  local k = n.k
  if k == "lit" then return n.v
  elseif k == "var" then return env[n.name]
  elseif k == "bin" then return binops[n.op](eval(n.a, env), eval(n.b, env))
  elseif k == "call" then
    local args = {}
    for i, a in ipairs(n.args) do args[i] = eval(a, env) end
    return call(eval(n.f, env), args)
  elseif k == "block" then
    local r
    for _, s in ipairs(n[1]) do r = eval(s, env) end
    return r
  elseif k == "let" then rawset(env, n.name, eval(n.e, env))
  elseif k == "set" then setVar(env, n.name, eval(n.e, env))
  elseif k == "expr" then return eval(n.e, env)
  elseif k == "if" then
    local c = eval(n.cond, env)
    if c and c ~= 0 then return eval(n.yes, newEnv(env)) elseif n.no then return eval(n.no, newEnv(env)) end
  elseif k == "while" then
    while true do
      local c = eval(n.cond, env)
      if not c or c == 0 then break end
      eval(n.body, newEnv(env))
    end
  elseif k == "return" then error({ tag = ReturnTag, v = eval(n.e, env) }, 0)
  elseif k == "fn" then return { params = n.params, body = n.body, env = env }
  elseif k == "list" then
    local t = {}
    for i, e in ipairs(n.items) do t[i] = eval(e, env) end
    return t
  elseif k == "index" then return eval(n.e, env)[eval(n.i, env)]
  elseif k == "setindex" then eval(n.t, env)[eval(n.i, env)] = eval(n.e, env)
  elseif k == "neg" then return -eval(n.e, env)
  end
end

local globals = {
  len = function(t) return #t end,
  push = function(t, v) t[#t + 1] = v; return t end,
  str = tostring,
}

local function run(src)
  local ast = parser(lex(src)):block({ eof = true })
  return eval(ast, newEnv(globals))
end

local programs = {
  [[
let fib = fn(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end
fib(20)
]],
  [[
let map = fn(f, xs) let out = [] let i = 0 while i < len(xs) do push(out, f(xs[i + 1])) i = i + 1 end return out end
let fold = fn(f, acc, xs) let i = 0 while i < len(xs) do acc = f(acc, xs[i + 1]) i = i + 1 end return acc end
let xs = []
let i = 0
while i < 3000 do push(xs, i) i = i + 1 end
let sq = map(fn(x) return x * x % 97 end, xs)
fold(fn(a, b) return a + b end, 0, sq)
]],
  [[
let counter = fn() let n = 0 return fn() n = n + 1 return n end end
let c = counter()
let s = ""
let i = 0
while i < 400 do s = s .. str(c() % 10) i = i + 1 end
len(s) * 1000 + c()
]],
  [[
let sieve = fn(n) let flags = [] let i = 0 while i <= n do push(flags, 1) i = i + 1 end
  let count = 0 let p = 2
  while p <= n do
    if flags[p + 1] == 1 then count = count + 1 let m = p * p while m <= n do flags[m + 1] = 0 m = m + p end end
    p = p + 1
  end
  return count end
sieve(5000)
]],
}

local out = {}
for round = 1, 15 do
  for i, src in ipairs(programs) do
    local r = run(src)
    if round == 1 then out[#out + 1] = tostring(r) end
  end
end
print(table.concat(out, " "))
