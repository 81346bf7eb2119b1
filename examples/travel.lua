-- travel.lua: a process that freezes itself in the middle of its work and
-- goes on in another OS process. Run it with
--   mobilua run examples/travel.lua        (freezes into travel.cont)
--   mobilua resume travel.cont             (goes on from there, twice)
-- or `make demo`. Under lua5.1 (where mb does not exist) it simply runs.
mb = mb or {jump = function() return true end}

print "I'm here..."
local primes, n = {}, 1
local function nextPrime()
  repeat
    n = n + 1
    local isPrime = true
    for _, p in ipairs(primes) do
      if p * p > n then break end
      if n % p == 0 then isPrime = false break end
    end
    if isPrime then primes[#primes + 1] = n; return n end
  until false
end
local squares = coroutine.wrap(function() for i = 1, math.huge do coroutine.yield(i * i) end end)

for leg = 1, 3 do
  local found = {}
  for i = 1, 5 do found[i] = nextPrime() end
  print(("leg %d: primes %s, square %d"):format(leg, table.concat(found, " "), squares()))
  if leg < 3 then
    -- everything above (locals, the closure's upvalues, the coroutine in the
    -- middle of its loop) becomes bytes in travel.cont, and this OS process ends
    assert(mb.jump("travel.cont"))
  end
end
print "...and now I'm here!"
