-- os.setlocale: the locales that behave as "C" (C, POSIX, C.UTF-8), by
-- category; a query of all of them gives the C library's composite name
-- when they differ, which sets them all back; "" is the environment's
print(os.setlocale(), os.setlocale(nil, "numeric"), os.setlocale("POSIX"))
--> =C	C	C
print(os.setlocale("C.UTF-8", "ctype"), os.setlocale(nil, "ctype"), os.setlocale(nil, "time"))
--> =C.UTF-8	C.UTF-8	C
local mixed = os.setlocale()
print(mixed)
--> =LC_CTYPE=C.UTF-8;LC_NUMERIC=C;LC_TIME=C;LC_COLLATE=C;LC_MONETARY=C;LC_MESSAGES=C;LC_PAPER=C;LC_NAME=C;LC_ADDRESS=C;LC_TELEPHONE=C;LC_MEASUREMENT=C;LC_IDENTIFICATION=C
print(os.setlocale("C"), os.setlocale(nil, "ctype"), os.setlocale(mixed) == mixed, os.setlocale(nil, "ctype"))
--> =C	C	true	C.UTF-8
print(os.setlocale("C.UTF-8", "all"), os.setlocale(nil, "collate"), os.setlocale("C", "monetary"))
--> =C.UTF-8	C.UTF-8	C
print(os.setlocale("xx_YY.UTF-8"), os.setlocale("xx_YY", "time"), os.setlocale(nil, "time"))
--> =nil	nil	C.UTF-8
print(os.setlocale("LC_CTYPE=C;bad"), os.setlocale(nil, "ctype"))
--> =nil	C.UTF-8
-- the categories Lua cannot name one by one are set by a composite name
local paper = "LC_CTYPE=C;LC_NUMERIC=C;LC_TIME=C;LC_COLLATE=C;LC_MONETARY=C;LC_MESSAGES=C;LC_PAPER=C.UTF-8;LC_NAME=C;LC_ADDRESS=C;LC_TELEPHONE=C;LC_MEASUREMENT=C;LC_IDENTIFICATION=C"
print(os.setlocale(paper) == paper, os.setlocale() == paper, os.setlocale(nil, "ctype"))
--> =true	true	C
print(os.setlocale("C.UTF-8"), os.setlocale("LC_CTYPE=C;LC_CTYPE=C"), os.setlocale())
--> =C.UTF-8	nil	C.UTF-8
print(pcall(os.setlocale, "C", "bogus"))
--> =false	bad argument #2 to '?' (invalid option 'bogus')
print(select(2, pcall(os.setlocale, {})))
--> ~bad argument #1 to '\?' \(string expected, got table\)
print(string.find(os.setlocale("") or "none", "^C") ~= nil or os.setlocale("") == nil)
--> =true
print(os.setlocale("C", "all"), string.upper("abc"), tostring(1.5))
--> =C	ABC	1.5
