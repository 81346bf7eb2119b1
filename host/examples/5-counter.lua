-- 5: counter — a custom shell: `shell <pid>`, then every message goes to it
local count = 0
print("counter shell: type numbers to add them, 'quit' to leave")
while true do
  local line = mb.input("> ")
  if line == "quit" then print("bye, total " .. count) break end
  count = count + (tonumber(line) or 0)
  print("total " .. count)
end
