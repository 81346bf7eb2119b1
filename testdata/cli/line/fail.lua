local function check(n)
  if n > 2 then error("too big: " .. n) end
end
check(1)
check(3)
