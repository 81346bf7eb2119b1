-- A collision detector in the style of the CD benchmark: aircraft fly
-- along their paths in frames; each frame the motions are hashed into a
-- grid of voxels, and the motions sharing a voxel are tested pairwise
-- for a near approach. Positions and motions are small vector tables.
local sqrt, floor, sin, cos = math.sqrt, math.floor, math.sin, math.cos

local V = {}
V.__index = V
local function v3(x, y, z) return setmetatable({ x = x, y = y, z = z }, V) end
function V.__add(a, b) return v3(a.x + b.x, a.y + b.y, a.z + b.z) end
function V.__sub(a, b) return v3(a.x - b.x, a.y - b.y, a.z - b.z) end
function V:times(k) return v3(self.x * k, self.y * k, self.z * k) end
function V:dot(b) return self.x * b.x + self.y * b.y + self.z * b.z end
function V:len() return sqrt(self:dot(self)) end

local RADIUS, GOOD_VOXEL = 1.0, 2.0
local PROXIMITY = 2 * RADIUS

local function motion(callsign, from, to) return { callsign = callsign, from = from, to = to } end

-- the smallest distance between two motions during the frame
local function closest(a, b)
  local va, vb = a.to - a.from, b.to - b.from
  local dp, dv = a.from - b.from, va - vb
  local dd = dv:dot(dv)
  local t = 0
  if dd > 1e-12 then
    t = -dp:dot(dv) / dd
    if t < 0 then t = 0 elseif t > 1 then t = 1 end
  end
  return (dp + dv:times(t)):len()
end

local function voxelKey(x, y)
  return floor(x / GOOD_VOXEL) * 65536 + floor(y / GOOD_VOXEL)
end

-- every voxel a motion's segment passes (its bounding box, widened)
local function drawMotion(m, grid)
  local x0, x1 = m.from.x, m.to.x
  local y0, y1 = m.from.y, m.to.y
  if x0 > x1 then x0, x1 = x1, x0 end
  if y0 > y1 then y0, y1 = y1, y0 end
  for vx = floor((x0 - RADIUS) / GOOD_VOXEL), floor((x1 + RADIUS) / GOOD_VOXEL) do
    for vy = floor((y0 - RADIUS) / GOOD_VOXEL), floor((y1 + RADIUS) / GOOD_VOXEL) do
      local k = vx * 65536 + vy
      local cell = grid[k]
      if not cell then cell = {}; grid[k] = cell end
      cell[#cell + 1] = m
    end
  end
end

local function collisions(motions)
  local grid = {}
  for i = 1, #motions do drawMotion(motions[i], grid) end
  local seen, found = {}, {}
  for _, cell in pairs(grid) do
    for i = 1, #cell do
      for j = i + 1, #cell do
        local a, b = cell[i], cell[j]
        if a.callsign > b.callsign then a, b = b, a end
        local key = a.callsign .. "/" .. b.callsign
        if not seen[key] then
          seen[key] = true
          if closest(a, b) <= PROXIMITY then found[#found + 1] = key end
        end
      end
    end
  end
  table.sort(found)
  return found
end

-- aircraft on circles and lines, each frame a step along
local N = 400
local function position(i, frame)
  local r = 10 + (i % 17) * 2
  local w = 0.02 + (i % 7) * 0.004
  local a = i * 0.7 + frame * w
  return v3(50 + r * cos(a) + (i % 11) * 3, 50 + r * sin(a) - (i % 13) * 2, 5 + (i % 5))
end

local total, last, byFrame = 0, nil, {}
local prev = {}
for i = 1, N do prev[i] = position(i, 0) end
for frame = 1, 480 do
  local motions = {}
  for i = 1, N do
    local p = position(i, frame)
    motions[i] = motion(string.format("AC%03d", i), prev[i], p)
    prev[i] = p
  end
  local found = collisions(motions)
  total = total + #found
  if frame % 60 == 0 then byFrame[#byFrame + 1] = frame .. ":" .. #found end
  last = found
end
print("collisions", total)
print(table.concat(byFrame, " "))
print(table.concat(last, " ", 1, math.min(8, #last)))
