-- string.format against lua5.1, conversion by conversion (expectations come from the differential test)
local function f(...) print(string.format(...)) end
f("%d %d %d %d", 0, -0, 42, -42)
f("%5d|%-5d|%05d|%+d|% d", 7, 7, 7, 7, 7)
f("%.3d|%8.3d|%-8.3d|", 5, 5, 5)
f("%i %i", 3.99, -3.99)
f("%u", 42)
f("%x %X %#x %#X %08x", 3735928559, 3735928559, 255, 255, 255)
f("%o %#o", 8, 8)
f("%c%c%c", 76, 117, 97)
f("%e %E %.2e %10.3e %-12.1e|", 12345.6789, 12345.6789, 0.000123, 1e10, -5.5)
f("%f %.0f %.1f %10.2f %-10.2f| %+.3f", 3.14159, 2.5, 0.05, -1.005, 1.5, 2)
f("%g %g %g %g %g %g", 100, 1e15, 1e16, 0.0001, 0.00001, 123456789)
f("%.3g %.10g %#g %G %g", 3.14159, 1/3, 1.5, 1e-20, -0.0)
f("%g %g %g", 1/0, -1/0, 2^63)
f("%5.1f|%5s|%-5s|%.2s|%5.1s|", 3.14159, "ab", "ab", "abcdef", "xyz")
f("%s %s %s", 1, 1.5, "x")
f("%q", "a\nb\"c\\d\0e\r")
f("%q", 1/3)
f("%%|%%|")
f("%s", string.rep("x", 120):sub(1, 5))
print(#string.format("%s", string.rep("y", 200)))
f("%10.4f|%-10.4f|%010.4f", math.pi, math.pi, -math.pi)
f("%.14g %.17g %.0e", 0.1, 0.1, 15)
f("[%3c]", 65)
print(pcall(string.format, "%d", "x"))
print(pcall(string.format, "%y", 1))
print(pcall(string.format, "%", 1))
print(pcall(string.format, "%d"))
print(pcall(string.format, "%123d", 1))
print(pcall(string.format, "%s", {}))
print(string.format("%d", 2^31), string.format("%d", -2^31), string.format("%.0f", 2^53))
-- expected output, as lua5.1 prints it:
--> =0 0 42 -42
--> =    7|7    |00007|+7| 7
--> =005|     005|005     |
--> =3 -3
--> =42
--> =deadbeef DEADBEEF 0xff 0XFF 000000ff
--> =10 010
--> =Lua
--> =1.234568e+04 1.234568E+04 1.23e-04  1.000e+10 -5.5e+00    |
--> =3.141590 2 0.1      -1.00 1.50      | +2.000
--> =100 1e+15 1e+16 0.0001 1e-05 1.23457e+08
--> =3.14 0.3333333333 1.50000 1E-20 0
--> =inf -inf 9.22337e+18
--> =  3.1|   ab|ab   |ab|    x|
--> =1 1.5 x
--> ="a\
--> =b\"c\\d\000e\r"
--> ="0.33333333333333"
--> =%|%|
--> =xxxxx
--> =200
--> =    3.1416|3.1416    |-0003.1416
--> =0.1 0.10000000000000001 2e+01
--> =[  A]
--> =false	bad argument #2 to '?' (number expected, got string)
--> =false	invalid option '%y' to 'format'
--> =false	invalid option '%' to 'format'
--> =false	bad argument #2 to '?' (no value)
--> =false	invalid format (width or precision too long)
--> =false	bad argument #2 to '?' (string expected, got table)
--> =2147483648	-2147483648	9007199254740992
---
print(string.format("%5%"))
### "bad argument #2 to 'format' \(no value\)"

