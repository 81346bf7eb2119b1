-- Richards: an operating system's task scheduler simulated (Martin
-- Richards' benchmark, after the well-known JavaScript and Smalltalk
-- versions): task control blocks, packets and four kinds of tasks, as
-- classes with methods through metatables.
local ID_IDLE, ID_WORKER, ID_HANDLER_A, ID_HANDLER_B, ID_DEVICE_A, ID_DEVICE_B = 1, 2, 3, 4, 5, 6
local NUMBER_OF_IDS = 6
local KIND_DEVICE, KIND_WORK = 0, 1
local DATA_SIZE = 4
local STATE_RUNNING, STATE_RUNNABLE, STATE_SUSPENDED = 0, 1, 2 -- and held: 4
local STATE_SUSPENDED_RUNNABLE = STATE_SUSPENDED + STATE_RUNNABLE

local function class()
  local c = {}
  c.__index = c
  return c
end

local Packet = class()
local function newPacket(link, id, kind)
  local p = setmetatable({ link = link, id = id, kind = kind, a1 = 0, a2 = {} }, Packet)
  for i = 1, DATA_SIZE do p.a2[i] = 0 end
  return p
end
function Packet:addTo(queue)
  self.link = nil
  if queue == nil then return self end
  local next, peek = queue, queue.link
  while peek ~= nil do next, peek = peek, peek.link end
  next.link = self
  return queue
end

local TaskControlBlock = class()
local function newTCB(link, id, priority, queue, task)
  local t = setmetatable({ link = link, id = id, priority = priority, queue = queue, task = task }, TaskControlBlock)
  t.state = queue == nil and STATE_SUSPENDED or STATE_SUSPENDED_RUNNABLE
  return t
end
function TaskControlBlock:setRunning() self.state = STATE_RUNNING end
function TaskControlBlock:markAsNotHeld() self.state = self.state - (self.state % 8 >= 4 and 4 or 0) end
function TaskControlBlock:markAsHeld() if self.state % 8 < 4 then self.state = self.state + 4 end end
function TaskControlBlock:isHeldOrSuspended()
  return self.state % 8 >= 4 or self.state == STATE_SUSPENDED
end
function TaskControlBlock:markAsSuspended() if self.state % 4 < 2 then self.state = self.state + 2 end end
function TaskControlBlock:markAsRunnable() if self.state % 2 == 0 then self.state = self.state + 1 end end
function TaskControlBlock:run()
  local packet
  if self.state == STATE_SUSPENDED_RUNNABLE then
    packet = self.queue
    self.queue = packet.link
    self.state = self.queue == nil and STATE_RUNNING or STATE_RUNNABLE
  end
  return self.task:run(packet)
end
function TaskControlBlock:checkPriorityAdd(task, packet)
  if self.queue == nil then
    self.queue = packet
    self:markAsRunnable()
    if self.priority > task.priority then return self end
  else
    self.queue = packet:addTo(self.queue)
  end
  return task
end

local Scheduler = class()
local function newScheduler()
  return setmetatable({ queueCount = 0, holdCount = 0, blocks = {}, list = nil, currentTcb = nil, currentId = nil }, Scheduler)
end
function Scheduler:addTask(id, priority, queue, task)
  self.currentTcb = newTCB(self.list, id, priority, queue, task)
  self.list = self.currentTcb
  self.blocks[id] = self.currentTcb
end
function Scheduler:addRunningTask(id, priority, queue, task)
  self:addTask(id, priority, queue, task)
  self.currentTcb:setRunning()
end
function Scheduler:schedule()
  self.currentTcb = self.list
  while self.currentTcb ~= nil do
    if self.currentTcb:isHeldOrSuspended() then
      self.currentTcb = self.currentTcb.link
    else
      self.currentId = self.currentTcb.id
      self.currentTcb = self.currentTcb:run()
    end
  end
end
function Scheduler:release(id)
  local tcb = self.blocks[id]
  if tcb == nil then return tcb end
  tcb:markAsNotHeld()
  if tcb.priority > self.currentTcb.priority then return tcb end
  return self.currentTcb
end
function Scheduler:holdCurrent()
  self.holdCount = self.holdCount + 1
  self.currentTcb:markAsHeld()
  return self.currentTcb.link
end
function Scheduler:suspendCurrent()
  self.currentTcb:markAsSuspended()
  return self.currentTcb
end
function Scheduler:queue(packet)
  local t = self.blocks[packet.id]
  if t == nil then return t end
  self.queueCount = self.queueCount + 1
  packet.link = nil
  packet.id = self.currentId
  return t:checkPriorityAdd(self.currentTcb, packet)
end

-- bxor is a ~ b for 16-bit numbers (Lua 5.1 has no bit operations)
local function bxor(a, b)
  local r, bit = 0, 1
  for _ = 1, 16 do
    if a % 2 ~= b % 2 then r = r + bit end
    a, b, bit = (a - a % 2) / 2, (b - b % 2) / 2, bit * 2
  end
  return r
end

local IdleTask = class()
function IdleTask:run()
  local s = self.scheduler
  self.count = self.count - 1
  if self.count == 0 then return s:holdCurrent() end
  if self.v1 % 2 == 0 then
    self.v1 = self.v1 / 2
    return s:release(ID_DEVICE_A)
  end
  self.v1 = bxor((self.v1 - 1) / 2, 0xD008)
  return s:release(ID_DEVICE_B)
end

local DeviceTask = class()
function DeviceTask:run(packet)
  local s = self.scheduler
  if packet == nil then
    if self.v1 == nil then return s:suspendCurrent() end
    local v = self.v1
    self.v1 = nil
    return s:queue(v)
  end
  self.v1 = packet
  return s:holdCurrent()
end

local WorkerTask = class()
function WorkerTask:run(packet)
  local s = self.scheduler
  if packet == nil then return s:suspendCurrent() end
  self.v1 = self.v1 == ID_HANDLER_A and ID_HANDLER_B or ID_HANDLER_A
  packet.id = self.v1
  packet.a1 = 0
  for i = 1, DATA_SIZE do
    self.v2 = self.v2 + 1
    if self.v2 > 26 then self.v2 = 1 end
    packet.a2[i] = self.v2
  end
  return s:queue(packet)
end

local HandlerTask = class()
function HandlerTask:run(packet)
  local s = self.scheduler
  if packet ~= nil then
    if packet.kind == KIND_WORK then self.v1 = packet:addTo(self.v1) else self.v2 = packet:addTo(self.v2) end
  end
  if self.v1 ~= nil then
    local count = self.v1.a1
    if count < DATA_SIZE then
      if self.v2 ~= nil then
        local v = self.v2
        self.v2 = self.v2.link
        v.a1 = self.v1.a2[count + 1]
        self.v1.a1 = count + 1
        return s:queue(v)
      end
    else
      local v = self.v1
      self.v1 = self.v1.link
      return s:queue(v)
    end
  end
  return s:suspendCurrent()
end

local function task(cls, s, fields)
  fields.scheduler = s
  return setmetatable(fields, cls)
end

local function runRichards(count)
  local s = newScheduler()
  s:addRunningTask(ID_IDLE, 0, nil, task(IdleTask, s, { v1 = 1, count = count }))
  local queue = newPacket(nil, ID_WORKER, KIND_WORK)
  queue = newPacket(queue, ID_WORKER, KIND_WORK)
  s:addTask(ID_WORKER, 1000, queue, task(WorkerTask, s, { v1 = ID_HANDLER_A, v2 = 0 }))
  queue = newPacket(nil, ID_DEVICE_A, KIND_DEVICE)
  queue = newPacket(queue, ID_DEVICE_A, KIND_DEVICE)
  queue = newPacket(queue, ID_DEVICE_A, KIND_DEVICE)
  s:addTask(ID_HANDLER_A, 2000, queue, task(HandlerTask, s, {}))
  queue = newPacket(nil, ID_DEVICE_B, KIND_DEVICE)
  queue = newPacket(queue, ID_DEVICE_B, KIND_DEVICE)
  queue = newPacket(queue, ID_DEVICE_B, KIND_DEVICE)
  s:addTask(ID_HANDLER_B, 3000, queue, task(HandlerTask, s, {}))
  s:addTask(ID_DEVICE_A, 4000, nil, task(DeviceTask, s, {}))
  s:addTask(ID_DEVICE_B, 5000, nil, task(DeviceTask, s, {}))
  s:schedule()
  return s.queueCount, s.holdCount
end

-- the original's check: 10000 idle counts queue 23246 packets and hold 9297 times
print(runRichards(10000))
local q, h = 0, 0
for i = 1, 40 do
  local a, b = runRichards(10000 + i)
  q, h = q + a, h + b
end
print("queued " .. q .. ", held " .. h)
