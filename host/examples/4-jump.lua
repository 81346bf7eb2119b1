-- 4: jump — the process travels to another host and goes on there
print "I'm here..."
local ok, err = mb.jump(mb.hosts()[2] or mb.host())
if not ok then print("(no other host to jump to: " .. tostring(err) .. ")") end
print "...and now I'm here!"
