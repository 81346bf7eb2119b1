-- DeltaBlue: an incremental constraint solver (John Maloney and Mario
-- Wolczko's benchmark, after the well-known JavaScript and Smalltalk
-- versions): strengths, variables and a hierarchy of constraint classes
-- three deep, methods found through chains of __index, and a planner that
-- adds and removes constraints one at a time. Its two tests, a chain of
-- equalities and a projection through scale constraints, run at larger
-- sizes than the original's 100, and their answers are checked and printed.

local function class(super)
  local c = {}
  c.__index = c
  if super then setmetatable(c, { __index = super }) end
  return c
end

-- OrderedCollection: an array with the original's operations; its
-- elements are self[first .. first + n - 1] (removeFirst is a step, not a
-- shift of the rest).
local OrderedCollection = class()
local function newCollection() return setmetatable({ first = 1, n = 0 }, OrderedCollection) end
function OrderedCollection:add(elm)
  local n = self.n + 1
  self[self.first + n - 1] = elm
  self.n = n
end
function OrderedCollection:at(i) return self[self.first + i - 1] end
function OrderedCollection:size() return self.n end
function OrderedCollection:removeFirst()
  local first = self.first
  local elm = self[first]
  self[first] = nil
  self.first, self.n = first + 1, self.n - 1
  return elm
end
-- remove drops every occurrence of elm, keeping the others' order.
function OrderedCollection:remove(elm)
  local first, last = self.first, self.first + self.n - 1
  local index = first - 1
  for i = first, last do
    local value = self[i]
    if value ~= elm then
      index = index + 1
      self[index] = value
    end
  end
  for i = index + 1, last do self[i] = nil end
  self.n = index - first + 1
end

-- Strength: how strongly a constraint holds, 0 (required) to 6 (weakest).
local Strength = class()
local function newStrength(value, name) return setmetatable({ strengthValue = value, name = name }, Strength) end
local REQUIRED = newStrength(0, "required")
local STRONG_PREFERRED = newStrength(1, "strongPreferred")
local PREFERRED = newStrength(2, "preferred")
local STRONG_DEFAULT = newStrength(3, "strongDefault")
local NORMAL = newStrength(4, "normal")
local WEAK_DEFAULT = newStrength(5, "weakDefault")
local WEAKEST = newStrength(6, "weakest")

local function stronger(s1, s2) return s1.strengthValue < s2.strengthValue end
local function weaker(s1, s2) return s1.strengthValue > s2.strengthValue end
local function weakestOf(s1, s2) if weaker(s1, s2) then return s1 end return s2 end

-- nextWeaker is the original's table, quirks and all.
local weakerThan = { [0] = WEAKEST, WEAK_DEFAULT, NORMAL, STRONG_DEFAULT, PREFERRED, REQUIRED }
function Strength:nextWeaker() return weakerThan[self.strengthValue] end

local planner

-- Constraint: the abstract class.
local Constraint = class()
function Constraint:addConstraint()
  self:addToGraph()
  planner:incrementalAdd(self)
end
-- satisfy tries to satisfy the constraint and returns the one it
-- overrode, if any.
function Constraint:satisfy(mark)
  self:chooseMethod(mark)
  if not self:isSatisfied() then
    if self.strength == REQUIRED then error("Could not satisfy a required constraint!") end
    return nil
  end
  self:markInputs(mark)
  local out = self:output()
  local overridden = out.determinedBy
  if overridden ~= nil then overridden:markUnsatisfied() end
  out.determinedBy = self
  if not planner:addPropagate(self, mark) then error("Cycle encountered") end
  out.mark = mark
  return overridden
end
function Constraint:destroyConstraint()
  if self:isSatisfied() then
    planner:incrementalRemove(self)
  else
    self:removeFromGraph()
  end
end
function Constraint:isInput() return false end

-- UnaryConstraint: a constraint on one variable.
local UnaryConstraint = class(Constraint)
local function initUnary(c, v, strength)
  c.strength, c.myOutput, c.satisfied = strength, v, false
  c:addConstraint()
  return c
end
function UnaryConstraint:addToGraph()
  self.myOutput:addConstraint(self)
  self.satisfied = false
end
function UnaryConstraint:chooseMethod(mark)
  self.satisfied = self.myOutput.mark ~= mark and stronger(self.strength, self.myOutput.walkStrength)
end
function UnaryConstraint:isSatisfied() return self.satisfied end
function UnaryConstraint:markInputs(mark) end
function UnaryConstraint:output() return self.myOutput end
function UnaryConstraint:recalculate()
  local out = self.myOutput
  out.walkStrength = self.strength
  out.stay = not self:isInput()
  if out.stay then self:execute() end
end
function UnaryConstraint:markUnsatisfied() self.satisfied = false end
function UnaryConstraint:inputsKnown() return true end
function UnaryConstraint:removeFromGraph()
  if self.myOutput ~= nil then self.myOutput:removeConstraint(self) end
  self.satisfied = false
end

-- StayConstraint: a variable that should not change.
local StayConstraint = class(UnaryConstraint)
local function newStay(v, strength) return initUnary(setmetatable({}, StayConstraint), v, strength) end
function StayConstraint:execute() end

-- EditConstraint: a variable an outside input changes.
local EditConstraint = class(UnaryConstraint)
local function newEdit(v, strength) return initUnary(setmetatable({}, EditConstraint), v, strength) end
function EditConstraint:isInput() return true end
function EditConstraint:execute() end

local NONE, FORWARD, BACKWARD = 0, 1, -1

-- BinaryConstraint: a constraint between two variables.
local BinaryConstraint = class(Constraint)
local function initBinary(c, v1, v2, strength)
  c.strength, c.v1, c.v2, c.direction = strength, v1, v2, NONE
  c:addConstraint()
  return c
end
-- chooseMethod picks the direction to satisfy the constraint in; the
-- last test decides, as in the original.
function BinaryConstraint:chooseMethod(mark)
  local v1, v2 = self.v1, self.v2
  if v1.mark == mark then
    self.direction = (v2.mark ~= mark and stronger(self.strength, v2.walkStrength)) and FORWARD or NONE
  end
  if v2.mark == mark then
    self.direction = (v1.mark ~= mark and stronger(self.strength, v1.walkStrength)) and BACKWARD or NONE
  end
  if weaker(v1.walkStrength, v2.walkStrength) then
    self.direction = stronger(self.strength, v1.walkStrength) and BACKWARD or NONE
  else
    self.direction = stronger(self.strength, v2.walkStrength) and FORWARD or BACKWARD
  end
end
function BinaryConstraint:addToGraph()
  self.v1:addConstraint(self)
  self.v2:addConstraint(self)
  self.direction = NONE
end
function BinaryConstraint:isSatisfied() return self.direction ~= NONE end
function BinaryConstraint:markInputs(mark) self:input().mark = mark end
function BinaryConstraint:input()
  if self.direction == FORWARD then return self.v1 end
  return self.v2
end
function BinaryConstraint:output()
  if self.direction == FORWARD then return self.v2 end
  return self.v1
end
function BinaryConstraint:recalculate()
  local ihn, out = self:input(), self:output()
  out.walkStrength = weakestOf(self.strength, ihn.walkStrength)
  out.stay = ihn.stay
  if out.stay then self:execute() end
end
function BinaryConstraint:markUnsatisfied() self.direction = NONE end
function BinaryConstraint:inputsKnown(mark)
  local i = self:input()
  return i.mark == mark or i.stay or i.determinedBy == nil
end
function BinaryConstraint:removeFromGraph()
  if self.v1 ~= nil then self.v1:removeConstraint(self) end
  if self.v2 ~= nil then self.v2:removeConstraint(self) end
  self.direction = NONE
end

-- ScaleConstraint: dest = src * scale + offset.
local ScaleConstraint = class(BinaryConstraint)
local function newScale(src, scale, offset, dest, strength)
  local c = setmetatable({ direction = NONE, scale = scale, offset = offset }, ScaleConstraint)
  return initBinary(c, src, dest, strength)
end
function ScaleConstraint:addToGraph()
  BinaryConstraint.addToGraph(self)
  self.scale:addConstraint(self)
  self.offset:addConstraint(self)
end
function ScaleConstraint:removeFromGraph()
  BinaryConstraint.removeFromGraph(self)
  if self.scale ~= nil then self.scale:removeConstraint(self) end
  if self.offset ~= nil then self.offset:removeConstraint(self) end
end
function ScaleConstraint:markInputs(mark)
  BinaryConstraint.markInputs(self, mark)
  self.scale.mark, self.offset.mark = mark, mark
end
function ScaleConstraint:execute()
  if self.direction == FORWARD then
    self.v2.value = self.v1.value * self.scale.value + self.offset.value
  else
    self.v1.value = (self.v2.value - self.offset.value) / self.scale.value
  end
end
function ScaleConstraint:recalculate()
  local ihn, out = self:input(), self:output()
  out.walkStrength = weakestOf(self.strength, ihn.walkStrength)
  out.stay = ihn.stay and self.scale.stay and self.offset.stay
  if out.stay then self:execute() end
end

-- EqualityConstraint: two variables kept equal.
local EqualityConstraint = class(BinaryConstraint)
local function newEquality(v1, v2, strength) return initBinary(setmetatable({}, EqualityConstraint), v1, v2, strength) end
function EqualityConstraint:execute() self:output().value = self:input().value end

-- Variable: a value, the constraints on it and the planner's marks.
local Variable = class()
local function newVariable(name, value)
  return setmetatable({
    value = value or 0, constraints = newCollection(), determinedBy = nil,
    mark = 0, walkStrength = WEAKEST, stay = true, name = name,
  }, Variable)
end
function Variable:addConstraint(c) self.constraints:add(c) end
function Variable:removeConstraint(c)
  self.constraints:remove(c)
  if self.determinedBy == c then self.determinedBy = nil end
end

-- Plan: the constraints to execute, in order, to propagate a change.
local Plan = class()
local function newPlan() return setmetatable({ v = newCollection() }, Plan) end
function Plan:addConstraint(c) self.v:add(c) end
function Plan:size() return self.v:size() end
function Plan:constraintAt(i) return self.v:at(i) end
function Plan:execute()
  for i = 1, self:size() do self:constraintAt(i):execute() end
end

-- Planner: adds and removes constraints, keeping the graph satisfied.
local Planner = class()
local function newPlanner() return setmetatable({ currentMark = 0 }, Planner) end
function Planner:incrementalAdd(c)
  local mark = self:newMark()
  local overridden = c:satisfy(mark)
  while overridden ~= nil do overridden = overridden:satisfy(mark) end
end
function Planner:incrementalRemove(c)
  local out = c:output()
  c:markUnsatisfied()
  c:removeFromGraph()
  local unsatisfied = self:removePropagateFrom(out)
  local strength = REQUIRED
  repeat
    for i = 1, unsatisfied:size() do
      local u = unsatisfied:at(i)
      if u.strength == strength then self:incrementalAdd(u) end
    end
    strength = strength:nextWeaker()
  until strength == WEAKEST
end
function Planner:newMark()
  self.currentMark = self.currentMark + 1
  return self.currentMark
end
function Planner:makePlan(sources)
  local mark = self:newMark()
  local plan = newPlan()
  local todo = sources
  while todo:size() > 0 do
    local c = todo:removeFirst()
    if c:output().mark ~= mark and c:inputsKnown(mark) then
      plan:addConstraint(c)
      c:output().mark = mark
      self:addConstraintsConsumingTo(c:output(), todo)
    end
  end
  return plan
end
function Planner:extractPlanFromConstraints(constraints)
  local sources = newCollection()
  for i = 1, constraints:size() do
    local c = constraints:at(i)
    if c:isInput() and c:isSatisfied() then sources:add(c) end
  end
  return self:makePlan(sources)
end
function Planner:addPropagate(c, mark)
  local todo = newCollection()
  todo:add(c)
  while todo:size() > 0 do
    local d = todo:removeFirst()
    if d:output().mark == mark then
      self:incrementalRemove(c)
      return false
    end
    d:recalculate()
    self:addConstraintsConsumingTo(d:output(), todo)
  end
  return true
end
function Planner:removePropagateFrom(out)
  out.determinedBy = nil
  out.walkStrength = WEAKEST
  out.stay = true
  local unsatisfied = newCollection()
  local todo = newCollection()
  todo:add(out)
  while todo:size() > 0 do
    local v = todo:removeFirst()
    for i = 1, v.constraints:size() do
      local c = v.constraints:at(i)
      if not c:isSatisfied() then unsatisfied:add(c) end
    end
    local determining = v.determinedBy
    for i = 1, v.constraints:size() do
      local next = v.constraints:at(i)
      if next ~= determining and next:isSatisfied() then
        next:recalculate()
        todo:add(next:output())
      end
    end
  end
  return unsatisfied
end
function Planner:addConstraintsConsumingTo(v, coll)
  local determining = v.determinedBy
  local cc = v.constraints
  for i = 1, cc:size() do
    local c = cc:at(i)
    if c ~= determining and c:isSatisfied() then coll:add(c) end
  end
end

-- chainTest: a chain of n equalities, its first variable edited and its
-- last one held by a stay; a change at one end reaches the other.
local function chainTest(n)
  planner = newPlanner()
  local prev, first, last
  for i = 0, n do
    local v = newVariable("v" .. i)
    if prev ~= nil then newEquality(prev, v, REQUIRED) end
    if i == 0 then first = v end
    if i == n then last = v end
    prev = v
  end
  newStay(last, STRONG_DEFAULT)
  local edit = newEdit(first, PREFERRED)
  local edits = newCollection()
  edits:add(edit)
  local plan = planner:extractPlanFromConstraints(edits)
  for i = 0, 99 do
    first.value = i
    plan:execute()
    if last.value ~= i then error("Chain test failed.") end
  end
  return plan:size(), planner.currentMark
end

-- change edits v to a new value through a plan, then removes the edit.
local function change(v, newValue)
  local edit = newEdit(v, PREFERRED)
  local edits = newCollection()
  edits:add(edit)
  local plan = planner:extractPlanFromConstraints(edits)
  for _ = 1, 10 do
    v.value = newValue
    plan:execute()
  end
  edit:destroyConstraint()
end

-- projectionTest: n pairs of variables related by scale constraints that
-- share their scale and offset; changes go forward and backward.
local function projectionTest(n)
  planner = newPlanner()
  local scale = newVariable("scale", 10)
  local offset = newVariable("offset", 1000)
  local src, dst
  local dests = newCollection()
  for i = 0, n - 1 do
    src = newVariable("src" .. i, i)
    dst = newVariable("dst" .. i, i)
    dests:add(dst)
    newStay(src, NORMAL)
    newScale(src, scale, offset, dst, REQUIRED)
  end
  change(src, 17)
  if dst.value ~= 1170 then error("Projection 1 failed") end
  change(dst, 1050)
  if src.value ~= 5 then error("Projection 2 failed") end
  change(scale, 5)
  for i = 0, n - 2 do
    if dests:at(i + 1).value ~= i * 5 + 1000 then error("Projection 3 failed") end
  end
  change(offset, 2000)
  local sum = 0
  for i = 0, n - 2 do
    local value = dests:at(i + 1).value
    if value ~= i * 5 + 2000 then error("Projection 4 failed") end
    sum = sum + value
  end
  return sum, planner.currentMark
end

-- the original's sizes once, then larger ones
print("chain 100", chainTest(100))
print("projection 100", projectionTest(100))
local steps, marks, sum = 0, 0, 0
for round = 1, 22 do
  local s, m = chainTest(1000 + round)
  steps, marks = steps + s, marks + m
  local p, pm = projectionTest(1000 + round)
  sum, marks = sum + p, marks + pm
end
print(string.format("plans %d, marks %d, projected %.0f", steps, marks, sum))
