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

---
-- patterns whose first item lets a scan pass over positions (find,
-- gmatch and gsub skip bytes where no match can start), and ones where
-- it must not: optional items, anchors, captures, %b, %f, back-references
local subjects = {"", "abc", "  key12 = (x (y)) [z]", "a*b^c$d", "((a)(b))", "aaa\nbb\n\nc", "%a[]-"}
local function check(p)
  local out = {}
  for _, s in ipairs(subjects) do
    local r = {pcall(string.find, s, p)}
    out[#out + 1] = table.concat({tostring(r[1]), tostring(r[2]), tostring(r[3]), tostring(r[4])}, ",")
    local g = {}
    local ok = pcall(function() for a, b in s:gmatch(p) do g[#g + 1] = tostring(a) .. "/" .. tostring(b) if #g > 20 then break end end end)
    out[#out + 1] = tostring(ok) .. ":" .. table.concat(g, ";")
    local ok2, t, n = pcall(string.gsub, s, p, "<%0>")
    out[#out + 1] = tostring(ok2) .. ":" .. tostring(t) .. ":" .. tostring(n)
    local ok3, t3, n3 = pcall(string.gsub, s, p, "#", 2)
    out[#out + 1] = tostring(ok3) .. ":" .. tostring(t3) .. ":" .. tostring(n3)
  end
  return (table.concat(out, "|"):gsub("\n", "\\n"))
end
print(check("%a+")) --> =true,nil,nil,nil|true:|true::0|true::0|true,1,3,nil|true:abc/nil|true:<abc>:1|true:#:1|true,3,5,nil|true:key/nil;x/nil;y/nil;z/nil|true:  <key>12 = (<x> (<y>)) [<z>]:4|true:  #12 = (# (y)) [z]:2|true,1,1,nil|true:a/nil;b/nil;c/nil;d/nil|true:<a>*<b>^<c>$<d>:4|true:#*#^c$d:2|true,3,3,nil|true:a/nil;b/nil|true:((<a>)(<b>)):2|true:((#)(#)):2|true,1,3,nil|true:aaa/nil;bb/nil;c/nil|true:<aaa>\n<bb>\n\n<c>:3|true:#\n#\n\nc:2|true,2,2,nil|true:a/nil|true:%<a>[]-:1|true:%#[]-:1
print(check("%d+")) --> =true,nil,nil,nil|true:|true::0|true::0|true,nil,nil,nil|true:|true:abc:0|true:abc:0|true,6,7,nil|true:12/nil|true:  key<12> = (x (y)) [z]:1|true:  key# = (x (y)) [z]:1|true,nil,nil,nil|true:|true:a*b^c$d:0|true:a*b^c$d:0|true,nil,nil,nil|true:|true:((a)(b)):0|true:((a)(b)):0|true,nil,nil,nil|true:|true:aaa\nbb\n\nc:0|true:aaa\nbb\n\nc:0|true,nil,nil,nil|true:|true:%a[]-:0|true:%a[]-:0
print(check("(%a+)a")) --> =true,nil,nil,nil|true:|true::0|true::0|true,nil,nil,nil|true:|true:abc:0|true:abc:0|true,nil,nil,nil|true:|true:  key12 = (x (y)) [z]:0|true:  key12 = (x (y)) [z]:0|true,nil,nil,nil|true:|true:a*b^c$d:0|true:a*b^c$d:0|true,nil,nil,nil|true:|true:((a)(b)):0|true:((a)(b)):0|true,1,3,aa|true:aa/nil|true:<aaa>\nbb\n\nc:1|true:#\nbb\n\nc:1|true,nil,nil,nil|true:|true:%a[]-:0|true:%a[]-:0
print(check("()b")) --> =true,nil,nil,nil|true:|true::0|true::0|true,2,2,2|true:2/nil|true:a<b>c:1|true:a#c:1|true,nil,nil,nil|true:|true:  key12 = (x (y)) [z]:0|true:  key12 = (x (y)) [z]:0|true,3,3,3|true:3/nil|true:a*<b>^c$d:1|true:a*#^c$d:1|true,6,6,6|true:6/nil|true:((a)(<b>)):1|true:((a)(#)):1|true,5,5,5|true:5/nil;6/nil|true:aaa\n<b><b>\n\nc:2|true:aaa\n##\n\nc:2|true,nil,nil,nil|true:|true:%a[]-:0|true:%a[]-:0
print(check("(()%a)")) --> =true,nil,nil,nil|true:|true::0|true::0|true,1,1,a|true:a/1;b/2;c/3|true:<a><b><c>:3|true:##c:2|true,3,3,k|true:k/3;e/4;y/5;x/12;y/15;z/20|true:  <k><e><y>12 = (<x> (<y>)) [<z>]:6|true:  ##y12 = (x (y)) [z]:2|true,1,1,a|true:a/1;b/3;c/5;d/7|true:<a>*<b>^<c>$<d>:4|true:#*#^c$d:2|true,3,3,a|true:a/3;b/6|true:((<a>)(<b>)):2|true:((#)(#)):2|true,1,1,a|true:a/1;a/2;a/3;b/5;b/6;c/9|true:<a><a><a>\n<b><b>\n\n<c>:6|true:##a\nbb\n\nc:2|true,2,2,a|true:a/2|true:%<a>[]-:1|true:%#[]-:1
print(check("%b()")) --> =true,nil,nil,nil|true:|true::0|true::0|true,nil,nil,nil|true:|true:abc:0|true:abc:0|true,11,17,nil|true:(x (y))/nil|true:  key12 = <(x (y))> [z]:1|true:  key12 = # [z]:1|true,nil,nil,nil|true:|true:a*b^c$d:0|true:a*b^c$d:0|true,1,8,nil|true:((a)(b))/nil|true:<((a)(b))>:1|true:#:1|true,nil,nil,nil|true:|true:aaa\nbb\n\nc:0|true:aaa\nbb\n\nc:0|true,nil,nil,nil|true:|true:%a[]-:0|true:%a[]-:0
print(check("%bxy")) --> =true,nil,nil,nil|true:|true::0|true::0|true,nil,nil,nil|true:|true:abc:0|true:abc:0|true,12,15,nil|true:x (y/nil|true:  key12 = (<x (y>)) [z]:1|true:  key12 = (#)) [z]:1|true,nil,nil,nil|true:|true:a*b^c$d:0|true:a*b^c$d:0|true,nil,nil,nil|true:|true:((a)(b)):0|true:((a)(b)):0|true,nil,nil,nil|true:|true:aaa\nbb\n\nc:0|true:aaa\nbb\n\nc:0|true,nil,nil,nil|true:|true:%a[]-:0|true:%a[]-:0
print(check("[^\
]+")) --> =true,nil,nil,nil|true:|true::0|true::0|true,1,3,nil|true:abc/nil|true:<abc>:1|true:#:1|true,1,21,nil|true:  key12 = (x (y)) [z]/nil|true:<  key12 = (x (y)) [z]>:1|true:#:1|true,1,7,nil|true:a*b^c$d/nil|true:<a*b^c$d>:1|true:#:1|true,1,8,nil|true:((a)(b))/nil|true:<((a)(b))>:1|true:#:1|true,1,3,nil|true:aaa/nil;bb/nil;c/nil|true:<aaa>\n<bb>\n\n<c>:3|true:#\n#\n\nc:2|true,1,5,nil|true:%a[]-/nil|true:<%a[]->:1|true:#:1
print(check("[%a_][%w_]*")) --> =true,nil,nil,nil|true:|true::0|true::0|true,1,3,nil|true:abc/nil|true:<abc>:1|true:#:1|true,3,7,nil|true:key12/nil;x/nil;y/nil;z/nil|true:  <key12> = (<x> (<y>)) [<z>]:4|true:  # = (# (y)) [z]:2|true,1,1,nil|true:a/nil;b/nil;c/nil;d/nil|true:<a>*<b>^<c>$<d>:4|true:#*#^c$d:2|true,3,3,nil|true:a/nil;b/nil|true:((<a>)(<b>)):2|true:((#)(#)):2|true,1,3,nil|true:aaa/nil;bb/nil;c/nil|true:<aaa>\n<bb>\n\n<c>:3|true:#\n#\n\nc:2|true,2,2,nil|true:a/nil|true:%<a>[]-:1|true:%#[]-:1
print(check("^a")) --> =true,nil,nil,nil|true:|true::0|true::0|true,1,1,nil|true:|true:<a>bc:1|true:#bc:1|true,nil,nil,nil|true:|true:  key12 = (x (y)) [z]:0|true:  key12 = (x (y)) [z]:0|true,1,1,nil|true:|true:<a>*b^c$d:1|true:#*b^c$d:1|true,nil,nil,nil|true:|true:((a)(b)):0|true:((a)(b)):0|true,1,1,nil|true:|true:<a>aa\nbb\n\nc:1|true:#aa\nbb\n\nc:1|true,nil,nil,nil|true:|true:%a[]-:0|true:%a[]-:0
print(check("a*")) --> =true,1,0,nil|true:/nil|true:<>:1|true:#:1|true,1,1,nil|true:a/nil;/nil;/nil;/nil|true:<a><>b<>c<>:4|true:##bc:2|true,1,0,nil|true:/nil;/nil;/nil;/nil;/nil;/nil;/nil;/nil;/nil;/nil;/nil;/nil;/nil;/nil;/nil;/nil;/nil;/nil;/nil;/nil;/nil|true:<> <> <>k<>e<>y<>1<>2<> <>=<> <>(<>x<> <>(<>y<>)<>)<> <>[<>z<>]<>:22|true:# # key12 = (x (y)) [z]:2|true,1,1,nil|true:a/nil;/nil;/nil;/nil;/nil;/nil;/nil;/nil|true:<a><>*<>b<>^<>c<>$<>d<>:8|true:##*b^c$d:2|true,1,0,nil|true:/nil;/nil;a/nil;/nil;/nil;/nil;/nil;/nil;/nil|true:<>(<>(<a><>)<>(<>b<>)<>)<>:9|true:#(#(a)(b)):2|true,1,3,nil|true:aaa/nil;/nil;/nil;/nil;/nil;/nil;/nil;/nil|true:<aaa><>\n<>b<>b<>\n<>\n<>c<>:8|true:##\nbb\n\nc:2|true,1,0,nil|true:/nil;a/nil;/nil;/nil;/nil;/nil|true:<>%<a><>[<>]<>-<>:6|true:#%#[]-:2
print(check("x?b")) --> =true,nil,nil,nil|true:|true::0|true::0|true,2,2,nil|true:b/nil|true:a<b>c:1|true:a#c:1|true,nil,nil,nil|true:|true:  key12 = (x (y)) [z]:0|true:  key12 = (x (y)) [z]:0|true,3,3,nil|true:b/nil|true:a*<b>^c$d:1|true:a*#^c$d:1|true,6,6,nil|true:b/nil|true:((a)(<b>)):1|true:((a)(#)):1|true,5,5,nil|true:b/nil;b/nil|true:aaa\n<b><b>\n\nc:2|true:aaa\n##\n\nc:2|true,nil,nil,nil|true:|true:%a[]-:0|true:%a[]-:0
print(check("c$")) --> =true,nil,nil,nil|true:|true::0|true::0|true,3,3,nil|true:c/nil|true:ab<c>:1|true:ab#:1|true,nil,nil,nil|true:|true:  key12 = (x (y)) [z]:0|true:  key12 = (x (y)) [z]:0|true,nil,nil,nil|true:|true:a*b^c$d:0|true:a*b^c$d:0|true,nil,nil,nil|true:|true:((a)(b)):0|true:((a)(b)):0|true,9,9,nil|true:c/nil|true:aaa\nbb\n\n<c>:1|true:aaa\nbb\n\n#:1|true,nil,nil,nil|true:|true:%a[]-:0|true:%a[]-:0
print(check("$")) --> =true,1,0,nil|true:/nil|true:<>:1|true:#:1|true,4,3,nil|true:/nil|true:abc<>:1|true:abc#:1|true,22,21,nil|true:/nil|true:  key12 = (x (y)) [z]<>:1|true:  key12 = (x (y)) [z]#:1|true,8,7,nil|true:/nil|true:a*b^c$d<>:1|true:a*b^c$d#:1|true,9,8,nil|true:/nil|true:((a)(b))<>:1|true:((a)(b))#:1|true,10,9,nil|true:/nil|true:aaa\nbb\n\nc<>:1|true:aaa\nbb\n\nc#:1|true,6,5,nil|true:/nil|true:%a[]-<>:1|true:%a[]-#:1
print(check("%f[%a]%a+")) --> =true,nil,nil,nil|true:|true::0|true::0|true,1,3,nil|true:abc/nil|true:<abc>:1|true:#:1|true,3,5,nil|true:key/nil;x/nil;y/nil;z/nil|true:  <key>12 = (<x> (<y>)) [<z>]:4|true:  #12 = (# (y)) [z]:2|true,1,1,nil|true:a/nil;b/nil;c/nil;d/nil|true:<a>*<b>^<c>$<d>:4|true:#*#^c$d:2|true,3,3,nil|true:a/nil;b/nil|true:((<a>)(<b>)):2|true:((#)(#)):2|true,1,3,nil|true:aaa/nil;bb/nil;c/nil|true:<aaa>\n<bb>\n\n<c>:3|true:#\n#\n\nc:2|true,2,2,nil|true:a/nil|true:%<a>[]-:1|true:%#[]-:1
print(check("(a)%1")) --> =true,nil,nil,nil|true:|true::0|true::0|true,nil,nil,nil|true:|true:abc:0|true:abc:0|true,nil,nil,nil|true:|true:  key12 = (x (y)) [z]:0|true:  key12 = (x (y)) [z]:0|true,nil,nil,nil|true:|true:a*b^c$d:0|true:a*b^c$d:0|true,nil,nil,nil|true:|true:((a)(b)):0|true:((a)(b)):0|true,1,2,a|true:a/nil|true:<aa>a\nbb\n\nc:1|true:#a\nbb\n\nc:1|true,nil,nil,nil|true:|true:%a[]-:0|true:%a[]-:0
print(check("%s")) --> =true,nil,nil,nil|true:|true::0|true::0|true,nil,nil,nil|true:|true:abc:0|true:abc:0|true,1,1,nil|true: /nil; /nil; /nil; /nil; /nil; /nil|true:< >< >key12< >=< >(x< >(y))< >[z]:6|true:##key12 = (x (y)) [z]:2|true,nil,nil,nil|true:|true:a*b^c$d:0|true:a*b^c$d:0|true,nil,nil,nil|true:|true:((a)(b)):0|true:((a)(b)):0|true,4,4,nil|true:\n/nil;\n/nil;\n/nil|true:aaa<\n>bb<\n><\n>c:3|true:aaa#bb#\nc:2|true,nil,nil,nil|true:|true:%a[]-:0|true:%a[]-:0
print(check("[]]")) --> =true,nil,nil,nil|true:|true::0|true::0|true,nil,nil,nil|true:|true:abc:0|true:abc:0|true,21,21,nil|true:]/nil|true:  key12 = (x (y)) [z<]>:1|true:  key12 = (x (y)) [z#:1|true,nil,nil,nil|true:|true:a*b^c$d:0|true:a*b^c$d:0|true,nil,nil,nil|true:|true:((a)(b)):0|true:((a)(b)):0|true,nil,nil,nil|true:|true:aaa\nbb\n\nc:0|true:aaa\nbb\n\nc:0|true,4,4,nil|true:]/nil|true:%a[<]>-:1|true:%a[#-:1
print(check("[^%s]")) --> =true,nil,nil,nil|true:|true::0|true::0|true,1,1,nil|true:a/nil;b/nil;c/nil|true:<a><b><c>:3|true:##c:2|true,3,3,nil|true:k/nil;e/nil;y/nil;1/nil;2/nil;=/nil;(/nil;x/nil;(/nil;y/nil;)/nil;)/nil;[/nil;z/nil;]/nil|true:  <k><e><y><1><2> <=> <(><x> <(><y><)><)> <[><z><]>:15|true:  ##y12 = (x (y)) [z]:2|true,1,1,nil|true:a/nil;*/nil;b/nil;^/nil;c/nil;$/nil;d/nil|true:<a><*><b><^><c><$><d>:7|true:##b^c$d:2|true,1,1,nil|true:(/nil;(/nil;a/nil;)/nil;(/nil;b/nil;)/nil;)/nil|true:<(><(><a><)><(><b><)><)>:8|true:##a)(b)):2|true,1,1,nil|true:a/nil;a/nil;a/nil;b/nil;b/nil;c/nil|true:<a><a><a>\n<b><b>\n\n<c>:6|true:##a\nbb\n\nc:2|true,1,1,nil|true:%/nil;a/nil;[/nil;]/nil;-/nil|true:<%><a><[><]><->:5|true:##[]-:2
print(check("%%")) --> =true,nil,nil,nil|true:|true::0|true::0|true,nil,nil,nil|true:|true:abc:0|true:abc:0|true,nil,nil,nil|true:|true:  key12 = (x (y)) [z]:0|true:  key12 = (x (y)) [z]:0|true,nil,nil,nil|true:|true:a*b^c$d:0|true:a*b^c$d:0|true,nil,nil,nil|true:|true:((a)(b)):0|true:((a)(b)):0|true,nil,nil,nil|true:|true:aaa\nbb\n\nc:0|true:aaa\nbb\n\nc:0|true,1,1,nil|true:%/nil|true:<%>a[]-:1|true:#a[]-:1
print(check("%*")) --> =true,nil,nil,nil|true:|true::0|true::0|true,nil,nil,nil|true:|true:abc:0|true:abc:0|true,nil,nil,nil|true:|true:  key12 = (x (y)) [z]:0|true:  key12 = (x (y)) [z]:0|true,2,2,nil|true:*/nil|true:a<*>b^c$d:1|true:a#b^c$d:1|true,nil,nil,nil|true:|true:((a)(b)):0|true:((a)(b)):0|true,nil,nil,nil|true:|true:aaa\nbb\n\nc:0|true:aaa\nbb\n\nc:0|true,nil,nil,nil|true:|true:%a[]-:0|true:%a[]-:0
print(check("^")) --> =true,1,0,nil|true:|true:<>:1|true:#:1|true,1,0,nil|true:|true:<>abc:1|true:#abc:1|true,1,0,nil|true:|true:<>  key12 = (x (y)) [z]:1|true:#  key12 = (x (y)) [z]:1|true,1,0,nil|true:^/nil|true:<>a*b^c$d:1|true:#a*b^c$d:1|true,1,0,nil|true:|true:<>((a)(b)):1|true:#((a)(b)):1|true,1,0,nil|true:|true:<>aaa\nbb\n\nc:1|true:#aaa\nbb\n\nc:1|true,1,0,nil|true:|true:<>%a[]-:1|true:#%a[]-:1
print(check("*")) --> =true,nil,nil,nil|true:|true::0|true::0|true,nil,nil,nil|true:|true:abc:0|true:abc:0|true,nil,nil,nil|true:|true:  key12 = (x (y)) [z]:0|true:  key12 = (x (y)) [z]:0|true,2,2,nil|true:*/nil|true:a<*>b^c$d:1|true:a#b^c$d:1|true,nil,nil,nil|true:|true:((a)(b)):0|true:((a)(b)):0|true,nil,nil,nil|true:|true:aaa\nbb\n\nc:0|true:aaa\nbb\n\nc:0|true,nil,nil,nil|true:|true:%a[]-:0|true:%a[]-:0
print(check("-")) --> =true,nil,nil,nil|true:|true::0|true::0|true,nil,nil,nil|true:|true:abc:0|true:abc:0|true,nil,nil,nil|true:|true:  key12 = (x (y)) [z]:0|true:  key12 = (x (y)) [z]:0|true,nil,nil,nil|true:|true:a*b^c$d:0|true:a*b^c$d:0|true,nil,nil,nil|true:|true:((a)(b)):0|true:((a)(b)):0|true,nil,nil,nil|true:|true:aaa\nbb\n\nc:0|true:aaa\nbb\n\nc:0|true,5,5,nil|true:-/nil|true:%a[]<->:1|true:%a[]#:1
print(check(".-b")) --> =true,nil,nil,nil|true:|true::0|true::0|true,1,2,nil|true:ab/nil|true:<ab>c:1|true:#c:1|true,nil,nil,nil|true:|true:  key12 = (x (y)) [z]:0|true:  key12 = (x (y)) [z]:0|true,1,3,nil|true:a*b/nil|true:<a*b>^c$d:1|true:#^c$d:1|true,1,6,nil|true:((a)(b/nil|true:<((a)(b>)):1|true:#)):1|true,1,5,nil|true:aaa\nb/nil;b/nil|true:<aaa\nb><b>\n\nc:2|true:##\n\nc:2|true,nil,nil,nil|true:|true:%a[]-:0|true:%a[]-:0
print(check(".")) --> =true,nil,nil,nil|true:|true::0|true::0|true,1,1,nil|true:a/nil;b/nil;c/nil|true:<a><b><c>:3|true:##c:2|true,1,1,nil|true: /nil; /nil;k/nil;e/nil;y/nil;1/nil;2/nil; /nil;=/nil; /nil;(/nil;x/nil; /nil;(/nil;y/nil;)/nil;)/nil; /nil;[/nil;z/nil;]/nil|true:< >< ><k><e><y><1><2>< ><=>< ><(><x>< ><(><y><)><)>< ><[><z><]>:21|true:##key12 = (x (y)) [z]:2|true,1,1,nil|true:a/nil;*/nil;b/nil;^/nil;c/nil;$/nil;d/nil|true:<a><*><b><^><c><$><d>:7|true:##b^c$d:2|true,1,1,nil|true:(/nil;(/nil;a/nil;)/nil;(/nil;b/nil;)/nil;)/nil|true:<(><(><a><)><(><b><)><)>:8|true:##a)(b)):2|true,1,1,nil|true:a/nil;a/nil;a/nil;\n/nil;b/nil;b/nil;\n/nil;\n/nil;c/nil|true:<a><a><a><\n><b><b><\n><\n><c>:9|true:##a\nbb\n\nc:2|true,1,1,nil|true:%/nil;a/nil;[/nil;]/nil;-/nil|true:<%><a><[><]><->:5|true:##[]-:2
print(check("%]")) --> =true,nil,nil,nil|true:|true::0|true::0|true,nil,nil,nil|true:|true:abc:0|true:abc:0|true,21,21,nil|true:]/nil|true:  key12 = (x (y)) [z<]>:1|true:  key12 = (x (y)) [z#:1|true,nil,nil,nil|true:|true:a*b^c$d:0|true:a*b^c$d:0|true,nil,nil,nil|true:|true:((a)(b)):0|true:((a)(b)):0|true,nil,nil,nil|true:|true:aaa\nbb\n\nc:0|true:aaa\nbb\n\nc:0|true,4,4,nil|true:]/nil|true:%a[<]>-:1|true:%a[#-:1
print(check("%(")) --> =true,nil,nil,nil|true:|true::0|true::0|true,nil,nil,nil|true:|true:abc:0|true:abc:0|true,11,11,nil|true:(/nil;(/nil|true:  key12 = <(>x <(>y)) [z]:2|true:  key12 = #x #y)) [z]:2|true,nil,nil,nil|true:|true:a*b^c$d:0|true:a*b^c$d:0|true,1,1,nil|true:(/nil;(/nil;(/nil|true:<(><(>a)<(>b)):3|true:##a)(b)):2|true,nil,nil,nil|true:|true:aaa\nbb\n\nc:0|true:aaa\nbb\n\nc:0|true,nil,nil,nil|true:|true:%a[]-:0|true:%a[]-:0
print(check("((%a))")) --> =true,nil,nil,nil|true:|true::0|true::0|true,1,1,a|true:a/a;b/b;c/c|true:<a><b><c>:3|true:##c:2|true,3,3,k|true:k/k;e/e;y/y;x/x;y/y;z/z|true:  <k><e><y>12 = (<x> (<y>)) [<z>]:6|true:  ##y12 = (x (y)) [z]:2|true,1,1,a|true:a/a;b/b;c/c;d/d|true:<a>*<b>^<c>$<d>:4|true:#*#^c$d:2|true,3,3,a|true:a/a;b/b|true:((<a>)(<b>)):2|true:((#)(#)):2|true,1,1,a|true:a/a;a/a;a/a;b/b;b/b;c/c|true:<a><a><a>\n<b><b>\n\n<c>:6|true:##a\nbb\n\nc:2|true,2,2,a|true:a/a|true:%<a>[]-:1|true:%#[]-:1
---
-- gsub: no match gives the subject back; the first match starts the copy
print(string.gsub("hello world", "o", "0"))
--> =hell0 w0rld	2
print(string.gsub("hello", "x", "y"))
--> =hello	0
print(string.gsub("hello", "", "-"))
--> =-h-e-l-l-o-	6
print(string.gsub("hello", "l*", "L"))
--> =LhLeLLoL	5
print(string.gsub("abc", "^a", "A"))
--> =Abc	1
print(string.gsub("abc", "^b", "B"))
--> =abc	0
print(string.gsub("abc", "%w", "%0%0", 0))
--> =abc	0
print(string.gsub("abc", "%w", "%0%0", 2))
--> =aabbc	2
print(string.gsub("abc", "%w", function(c) return nil end))
--> =abc	3
print(string.gsub("abc", "%w", {a = "1"}))
--> =1bc	3
print(string.gsub("", "x*", "y"))
--> =y	1
print(string.gsub("a.b", "%.", "%%"))
--> =a%b	1
---
-- a replacement ending in a lone % adds the C string's terminator (lua5.1's add_s)
local s, n = string.gsub("abc", "b", "%")
print(#s, s:byte(2), n)
-- setmetatable's second argument: lua5.1's message has no "got"
print(pcall(setmetatable, {}, 1))
--> =3	0	1
--> =false	bad argument #2 to '?' (nil or table expected)
---
-- gsub that finds no match, or its first one after a prefix (looked for before its state is made)
print(("hello world"):gsub("%d", "x"))                  --> =hello world	0
print(("hello"):gsub("l", "L", 0), ("hello"):gsub("%", "L", 0))  --> =hello	hello	0
print(("ab1cd2"):gsub("%d", function(d) return "<" .. d .. ">" end))  --> =ab<1>cd<2>	2
print(("hello"):gsub("^x", "H"), ("hello"):gsub("o$", "0"))   --> =hello	hell0	1
print(("abc"):gsub("x*", "-"), ("hello"):gsub("(", "L")) --> =-a-b-c-	LhLeLlLlLoL	6
-- a class repeated: lower case, upper case (its complement), an escaped byte
print(("abc123def"):match("%D+"), ("123abc"):match("^%D*"), ("a..b"):match("%.+"), ("x  y"):match("%S+$"))  --> =abc		..	y
print(("ab12"):gsub("%W*", "-"))                           --> =-a-b-1-2-	5
---
-- one matcher state serves find, match and gsub in turn: a pattern's first
-- item is kept only while the pattern is the same text, an error leaves it
-- right for the next call, and a replacement function may find on its own
local s = "xx-ab12 cd"
for _, p in ipairs({"[ab]", "%d+", "[ab]", "c", "%d+", "%s(%a+)", "[ab]", "^x*", "[ab]"}) do io.write(tostring(s:find(p)), " ") end print()
print(pcall(string.find, s, "[a"), s:find("[ab]+"), s:match("(%d)(%d)"))
print(pcall(string.find, s, "(%d"), s:find("%d"), s:find("%d", 7))
print(s:gsub("[ab]", function(c) return (("_" .. c):find("%a")) .. c:upper() end), s:find("%d"), s:match("[ab]+"))
print(s:gsub("%d", "#"), ("a1b2"):gsub("%d", "#"), s:match("^(x+)-"))
local finds = setmetatable({}, {__index = function(_, k) return (("abcabc"):find(k .. "c")) end})
print(("a-b-c"):gsub("%a", finds))
--> =4 6 4 9 6 8 4 1 4 
--> =false	4	1	2
--> =false	6	7	7
--> =xx-2A2B12 cd	6	ab
--> =xx-ab## cd	a#b#	xx
--> =a-2-c	3
