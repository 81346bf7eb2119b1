-- 6: map — count the primes below 160000 in 16 parts, spread over the hosts with idle workers
local function primes(from, to)
  local n = 0
  for i = math.max(from, 2), to do
    local prime = true
    for d = 2, math.floor(math.sqrt(i)) do
      if i % d == 0 then prime = false break end
    end
    if prime then n = n + 1 end
  end
  return n
end
local starts = {}
for i = 0, 15 do starts[#starts + 1] = i * 10000 end
local counts = mb.map(function(from) return primes(from, from + 9999) end, starts)
local total = 0
for _, c in ipairs(counts) do total = total + c end
print("primes below 160000: " .. total)
