-- suspended inside an xpcall message handler
local seen = {}
local function handler(msg)
  seen[#seen + 1] = msg
  mb.freeze("xpcall.cont")
  return "handled: " .. tostring(msg)
end
print(xpcall(function() local x = nil; return x.field end, handler))
print(xpcall(function() return "fine" end, handler))
print(#seen, seen[1])
