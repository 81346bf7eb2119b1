-- a class system in the style of middleclass and 30log: classes made by
-- calling a base, inheritance through __index chains, metamethods
-- inherited by subclasses, mixins with an included hook, class methods,
-- isInstanceOf/isSubclassOf, tostring of classes and instances
local Object = {name = "Object", static = {}, __instanceDict = {}, subclasses = setmetatable({}, {__mode = "k"})}
Object.__instanceDict.__index = Object.__instanceDict

local metamethods = {"__add", "__sub", "__mul", "__eq", "__lt", "__le", "__len", "__call", "__concat", "__unm", "__tostring"}

local function propagate(klass, name, f)
  klass.__instanceDict[name] = f
  for sub in pairs(klass.subclasses) do
    if rawget(sub.__declaredMethods, name) == nil then propagate(sub, name, f) end
  end
end

local function declare(klass, name, f)
  klass.__declaredMethods[name] = f
  if f == nil and klass.super then f = klass.super.__instanceDict[name] end
  propagate(klass, name, f)
end

local function createClass(name, super)
  local dict = {}
  dict.__index = dict
  local klass = {name = name, super = super, static = {}, __instanceDict = dict, __declaredMethods = {},
    subclasses = setmetatable({}, {__mode = "k"})}
  if super then
    setmetatable(klass.static, {__index = function(_, k)
      local r = rawget(dict, k)
      if r == nil then return super.static[k] end
      return r
    end})
  else
    setmetatable(klass.static, {__index = function(_, k) return rawget(dict, k) end})
  end
  setmetatable(klass, {__index = klass.static, __tostring = function() return "class " .. name end,
    __newindex = declare, __call = function(self, ...) return self:new(...) end})
  return klass
end

local function includeMixin(klass, mixin)
  for name, method in pairs(mixin) do
    if name ~= "included" and name ~= "static" then klass[name] = method end
  end
  for name, method in pairs(mixin.static or {}) do klass.static[name] = method end
  if type(mixin.included) == "function" then mixin:included(klass) end
  return klass
end

local DefaultMixin = {
  __tostring = function(self) return "instance of " .. tostring(self.class) end,
  initialize = function() end,
  isInstanceOf = function(self, klass)
    local c = self.class
    while c do if c == klass then return true end c = c.super end
    return false
  end,
  static = {
    allocate = function(self) return setmetatable({class = self}, self.__instanceDict) end,
    new = function(self, ...)
      local instance = self:allocate()
      instance:initialize(...)
      return instance
    end,
    subclass = function(self, name)
      local sub = createClass(name, self)
      for k, v in pairs(self.__instanceDict) do
        if not (k == "__index" and type(v) == "table") then propagate(sub, k, v) end
      end
      sub.initialize = function(instance, ...) return self.initialize(instance, ...) end
      self.subclasses[sub] = true
      self:subclassed(sub)
      return sub
    end,
    subclassed = function() end,
    isSubclassOf = function(self, other) return self.super ~= nil and (self.super == other or self.super:isSubclassOf(other)) end,
    include = function(self, ...) for _, m in ipairs{...} do includeMixin(self, m) end return self end,
  },
}

local function class(name, super)
  if super then return super:subclass(name) end
  return includeMixin(createClass(name), DefaultMixin)
end

-- a hierarchy
local Point = class("Point")
function Point:initialize(x, y) self.x, self.y = x, y end
function Point.__add(a, b) return Point(a.x + b.x, a.y + b.y) end
function Point.__eq(a, b) return a.x == b.x and a.y == b.y end
function Point:__tostring() return "(" .. self.x .. ", " .. self.y .. ")" end
function Point:len2() return self.x * self.x + self.y * self.y end

local Point3 = class("Point3", Point)
function Point3:initialize(x, y, z) Point.initialize(self, x, y) self.z = z end
function Point3:__tostring() return "(" .. self.x .. ", " .. self.y .. ", " .. self.z .. ")" end
function Point3:len2() return Point.len2(self) + self.z * self.z end

local p, q = Point(1, 2), Point(3, 4)
print(tostring(p + q), p + q == Point(4, 6), p == q, (p + q):len2())
--> =(4, 6)	true	false	52
local r = Point3(1, 2, 3)
print(tostring(r), r:len2(), r:isInstanceOf(Point), r:isInstanceOf(Point3), p:isInstanceOf(Point3))
--> =(1, 2, 3)	14	true	true	false
print(tostring(Point), tostring(Point3), Point3:isSubclassOf(Point), Point:isSubclassOf(Point3), Point3.super == Point)
--> =class Point	class Point3	true	false	true
-- inherited metamethod: Point3 + Point3 uses Point.__add (a Point)
print(tostring(r + r), getmetatable(r + r) == Point.__instanceDict)
--> =(2, 4)	true

-- a method added to the base later reaches the subclasses that did not
-- declare their own
function Point:describe() return "point " .. tostring(self) end
print(r:describe(), p:describe())
--> =point (1, 2, 3)	point (1, 2)

-- mixins: methods, class methods, an included hook
local log = {}
local Comparable = {
  included = function(mixin, klass) log[#log + 1] = "included in " .. klass.name end,
  __lt = function(a, b) return a:key() < b:key() end,
  __le = function(a, b) return a:key() <= b:key() end,
  static = {sorted = function(klass, list) table.sort(list, function(a, b) return a < b end) return list end},
}
local Serializable = {
  serialize = function(self)
    local keys = {}
    for k, v in pairs(self) do if k ~= "class" then keys[#keys + 1] = k .. "=" .. tostring(v) end end
    table.sort(keys)
    return self.class.name .. "{" .. table.concat(keys, ",") .. "}"
  end,
}
local Account = class("Account"):include(Comparable, Serializable)
function Account:initialize(owner, balance) self.owner, self.balance = owner, balance or 0 end
function Account:key() return self.balance end
function Account:deposit(n)
  if n <= 0 then error("deposit must be positive", 2) end
  self.balance = self.balance + n
  return self
end
local Savings = class("Savings", Account)
function Savings:initialize(owner, balance, rate) Account.initialize(self, owner, balance) self.rate = rate end
function Savings:key() return self.balance * (1 + self.rate) end

local accts = {Account("ann", 30), Savings("bob", 25, 0.5), Account("cid", 10):deposit(5), Savings("dee", 40, 0)}
local names = {}
for i, a in ipairs(Account:sorted(accts)) do names[i] = a.owner end
print(table.concat(names, " "), table.concat(log, ";"), accts[1] < accts[2], accts[3] <= accts[3])
--> =cid ann bob dee	included in Account	true	true
print(Savings("eve", 1, 0.25):serialize())
--> =Savings{balance=1,owner=eve,rate=0.25}
print(pcall(Account.deposit, Account("x"), -1))
--> ~^false	.*deposit must be positive$

-- many objects and method calls through the chains
local total = 0
for i = 1, 2000 do
  local a = (i % 2 == 0) and Savings("s" .. i, i, 0.1) or Account("a" .. i, i)
  a:deposit(1)
  total = total + a:key()
end
print(string.format("%.1f", total))
--> =2103200.0
