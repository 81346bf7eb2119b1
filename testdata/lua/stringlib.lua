-- string library edge cases against lua5.1: empty strings, negative and out-of-range indices, nil and non-string arguments
print(("").sub("", 1), ("abc"):sub(-1), ("abc"):sub(-2, -2), ("abc"):sub(2, 100), ("abc"):sub(0, 0), ("abc"):sub(4))
print(("abc"):byte(0), ("abc"):byte(-1), ("abc"):byte(10), ("abc"):byte(1, 3), (""):byte())
print(string.char(), string.char(0):len(), pcall(string.char, 256), pcall(string.char, -1))
print(("x"):rep(-1), ("x"):rep(0), (""):rep(5), ("ab"):rep(2.9))
print(("MiXeD 123"):upper(), ("MiXeD 123"):lower(), (""):upper(), ("\0a"):upper():byte(1, 2))
print(string.len(123), string.upper(12), string.rep(1, 3), string.reverse(123))
print(pcall(string.rep, nil, 1))
print(pcall(string.rep, "x", nil))
print(pcall(string.sub))
print(pcall(string.len, {}))
print(string.find("abc", ""), string.find("abc", "", 10), string.find("", ""), string.find("abc", "c", -1))
print(string.find("a+b", "+", 1, true), string.find("a.b", "%."), string.find("aaa", "a-", 2))
print(string.match("hello", ".-(l+)(.*)"), string.match("x", "()"), string.match("abc", "^(a)(b)(c)$"))
print(string.match("  x  ", "^%s*(.-)%s*$"), string.match("[[x]]", "%[%[(.-)%]%]"), string.match("a\0b", "%z"))
print(string.gsub("hello world", "%w+", "%0 %0", 1), pcall(string.gsub, "abc", ".", {a = 1, b = true}))
print(string.gsub("abc", ".", {a = 1, b = false}))
print(string.gsub("abc", "%w", function(c) if c == "b" then return nil end return c:upper() end))
print(string.gsub("", "", "x"), string.gsub("abc", "$", "!"), string.gsub("abc", "^", "!"))
print(pcall(string.gsub, "abc", "(", "x"))
print(pcall(string.gsub, "abc", "%1", "x"))
print(pcall(string.gsub, "abc", "a", "%9"))
print(pcall(string.find, "abc", "[a"))
print(pcall(string.find, "abc", "%g"))
print(pcall(string.gsub, "abc", "b", false))
print(string.format("%s|%s", string.match("key = value", "(%w+)%s*=%s*(%w+)")))
for k, v in string.gmatch("a=1,b=2,,c=3", "(%w*)=(%w*)") do io.write(k, ":", v, ";") end print()
for w in string.gmatch("", ".") do print("never") end
print(("%d items"):format(3), ("x"):rep(3, nil), #("\n"):rep(10))
print(tostring(nil) .. "", tostring(1e100), 1e100 .. "", -0.0 .. "", 2^63 .. "")
print(string.find("abcabc", "b", 3), string.find("abc", "b", -10), string.find("abc", "b", 100))
print(("test"):find("t", 2), ("%a"):find("%a", 1, true), ("f(x)"):find("(", 1, true))
print(string.match("2024", "^%d%d%d%d$"), string.match("20x4", "^%d+$"), string.match("-12.5e3", "^[+-]?%d+%.?%d*[eE]?[+-]?%d*$"))
print(string.gsub("one two three", "(%w+) (%w+)", "%2 %1"), string.gsub("hello", "l+", string.upper))
-- expected output, as lua5.1 prints it:
--> =	c	b	bc		
--> =nil	99	nil	97
--> =	1	false	false	bad argument #1 to '?' (invalid value)
--> =			abab
--> =MIXED 123	mixed 123		0	65
--> =3	12	111	321
--> =false	bad argument #1 to '?' (string expected, got nil)
--> =false	bad argument #2 to '?' (number expected, got nil)
--> =false	bad argument #1 to '?' (string expected, got no value)
--> =false	bad argument #1 to '?' (string expected, got table)
--> =1	4	1	3	3
--> =2	2	2	1
--> =ll	1	a	b	c
--> =x	x	
--> =hello hello world	false	invalid replacement value (a boolean)
--> =1bc	3
--> =AbC	3
--> =x	abc!	!abc	1
--> =true	xaxbxcx	4
--> =false	invalid capture index
--> =false	invalid capture index
--> =false	malformed pattern (missing ']')
--> =true	nil
--> =false	bad argument #3 to '?' (string/function/table expected)
--> =key|value
--> =a:1;b:2;c:3;
--> =3 items	xxx	10
--> =nil	1e+100	1e+100	0	9.2233720368548e+18
--> =5	2	nil
--> =4	1	2	2
--> =2024	nil	-12.5e3
--> =two one three	heLLo	1

