-- A small ray tracer: spheres and a plane, vectors as tables with
-- methods through a metatable, shadows and reflections; prints a
-- checksum of the image and a coarse picture of it.
local sqrt, floor, max, min = math.sqrt, math.floor, math.max, math.min

local Vec = {}
Vec.__index = Vec
local function vec(x, y, z) return setmetatable({ x = x, y = y, z = z }, Vec) end
function Vec.__add(a, b) return vec(a.x + b.x, a.y + b.y, a.z + b.z) end
function Vec.__sub(a, b) return vec(a.x - b.x, a.y - b.y, a.z - b.z) end
function Vec:scale(k) return vec(self.x * k, self.y * k, self.z * k) end
function Vec:dot(b) return self.x * b.x + self.y * b.y + self.z * b.z end
function Vec:norm() return self:scale(1 / sqrt(self:dot(self))) end
function Vec:mul(b) return vec(self.x * b.x, self.y * b.y, self.z * b.z) end

local Sphere = {}
Sphere.__index = Sphere
local function sphere(c, r, color, refl) return setmetatable({ c = c, r = r, color = color, refl = refl }, Sphere) end
function Sphere:hit(o, d)
  local oc = o - self.c
  local b = oc:dot(d)
  local disc = b * b - oc:dot(oc) + self.r * self.r
  if disc < 0 then return nil end
  local s = sqrt(disc)
  local t = -b - s
  if t < 1e-4 then t = -b + s end
  if t < 1e-4 then return nil end
  return t
end
function Sphere:normal(p) return (p - self.c):scale(1 / self.r) end

local Plane = {}
Plane.__index = Plane
local function plane(n, d, color, refl) return setmetatable({ n = n, d = d, color = color, refl = refl }, Plane) end
function Plane:hit(o, d)
  local den = self.n:dot(d)
  if den > -1e-6 then return nil end
  local t = -(self.n:dot(o) + self.d) / den
  if t < 1e-4 then return nil end
  return t
end
function Plane:normal() return self.n end
function Plane:colorAt(p)
  if (floor(p.x) + floor(p.z)) % 2 == 0 then return self.color end
  return vec(0.9, 0.9, 0.9)
end

local scene = {
  sphere(vec(0, 1, 5), 1, vec(0.9, 0.2, 0.2), 0.3),
  sphere(vec(-2.2, 0.8, 6), 0.8, vec(0.2, 0.9, 0.2), 0.2),
  sphere(vec(2.1, 0.7, 4.5), 0.7, vec(0.2, 0.3, 0.9), 0.5),
  sphere(vec(0.5, 0.3, 3), 0.3, vec(0.9, 0.9, 0.2), 0.1),
  plane(vec(0, 1, 0), 0, vec(0.2, 0.2, 0.2), 0.15),
}
local light = vec(-4, 6, -2)

local function closest(o, d)
  local best, obj = math.huge, nil
  for i = 1, #scene do
    local t = scene[i]:hit(o, d)
    if t and t < best then best, obj = t, scene[i] end
  end
  return obj, best
end

local function trace(o, d, depth)
  local obj, t = closest(o, d)
  if not obj then return vec(0.5, 0.7, 1.0):scale(0.5 + 0.5 * d.y) end
  local p = o + d:scale(t)
  local n = obj:normal(p)
  local color = obj.colorAt and obj:colorAt(p) or obj.color
  local l = (light - p):norm()
  local shade = 0.1
  local blocker = closest(p, l)
  if not blocker then shade = shade + max(0, n:dot(l)) * 0.9 end
  local c = color:scale(shade)
  if depth < 3 and obj.refl > 0 then
    local r = d - n:scale(2 * d:dot(n))
    c = c:scale(1 - obj.refl) + trace(p, r:norm(), depth + 1):scale(obj.refl)
  end
  return c
end

local W, H = 400, 300
local sum, rows = 0, {}
local shades = " .:-=+*#%@"
local eye = vec(0, 1.2, -1)
for y = 0, H - 1 do
  local row = {}
  for x = 0, W - 1 do
    local d = vec((x - W / 2) / H, (H / 2 - y) / H, 1):norm()
    local c = trace(eye, d, 0)
    local lum = min(1, 0.3 * c.x + 0.59 * c.y + 0.11 * c.z)
    sum = sum + floor(lum * 255)
    if x % 8 == 0 and y % 16 == 0 then row[#row + 1] = shades:sub(floor(lum * 9) + 1, floor(lum * 9) + 1) end
  end
  if y % 16 == 0 then rows[#rows + 1] = table.concat(row) end
end
print("checksum", sum)
print(table.concat(rows, "\n"))
