-- the io library against lua5.1 (temporary files only)
local name = os.tmpname()
local f = assert(io.open(name, "w"))
print(io.type(f), io.type(io.stdout), io.type(42))
print(f:write("line one\n", 2, " ", 3.5, "\n", "last") == f)
f:close()
print(io.type(f), pcall(f.write, f, "x"))
for l in io.lines(name) do io.write("[", l, "]") end print()
local r = assert(io.open(name))
print(r:read("*l"), r:read("*n"), r:read("*n"), r:read("*l"), r:read("*a"), r:read("*a"), r:read("*l"))
r:seek("set", 5)
print(r:read(3), r:seek("cur"), r:seek("end"))
print(r:seek(), r:seek("set"), pcall(r.seek, r, "bogus"))
print(pcall(r.seek, r, 3))
r:close()
local a = assert(io.open(name, "a")); a:write("\nappended"); a:close()
local r2 = io.open(name); local all = r2:read("*a"); r2:close()
print(#all, select(2, all:gsub("\n", "")))
print(io.open("/nonexistent/dir/file"))
print(io.type(io.open(name, "rz")), (io.open(name, "q")))
print(os.remove(name), (os.remove(name)))
io.write("a", 1, " ", 2.5, "\n")
print(pcall(io.write, {}))
-- expected output, as lua5.1 prints it:
--> =file	file	nil
--> =false
--> =closed file	false	attempt to use a closed file
--> =[line one][2 3.5][last]
--> =line one	2	3.5		last		nil
--> =one	8	19
--> =19	0	false	bad argument #2 to '?' (invalid option 'bogus')
--> =false	bad argument #2 to '?' (invalid option '3')
--> =28	3
--> =nil	/nonexistent/dir/file: No such file or directory	2
--> =file	nil
--> =true	nil
--> =a1 2.5
--> =false	bad argument #1 to '?' (string expected, got table)
---
-- io.lines of a file that cannot be opened: an argument error, as lua5.1's
print(pcall(io.lines, "/nonexistent/file"))
--> =false	bad argument #1 to '?' (/nonexistent/file: No such file or directory)
