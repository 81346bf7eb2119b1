-- 2: ask — a process that waits for its owner (answer with: input <pid> <text>)
local name = mb.input("what is your name?")
print("nice to meet you, " .. name)
