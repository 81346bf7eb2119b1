-- os.date and os.time with fixed times in UTC (expectations from the differential test)
local t = 1700000000
for _, c in ipairs({"a", "A", "b", "B", "c", "d", "D", "e", "F", "H", "I", "j", "m", "M", "n", "p", "S", "t", "T", "x", "X", "y", "Y", "%", "h", "w"}) do
  print(c, os.date("!%" .. c, t))
end
print(os.date("!%Y-%m-%d %H:%M:%S", 0))
local d = os.date("!*t", t)
print(d.year, d.month, d.day, d.hour, d.min, d.sec, d.wday, d.yday, d.isdst)
print(os.time({year = 2000, month = 1, day = 1, hour = 0}) - os.time({year = 1999, month = 12, day = 31, hour = 0}))
print(os.difftime(10, 4), type(os.clock()), type(os.time()))
print(pcall(os.time, {year = 2000}))
-- expected output, as lua5.1 prints it:
--> =a	Tue
--> =A	Tuesday
--> =b	Nov
--> =B	November
--> =c	Tue Nov 14 22:13:20 2023
--> =d	14
--> =D	11/14/23
--> =e	14
--> =F	2023-11-14
--> =H	22
--> =I	10
--> =j	318
--> =m	11
--> =M	13
--> =n	
--> =
--> =p	PM
--> =S	20
--> =t		
--> =T	22:13:20
--> =x	11/14/23
--> =X	22:13:20
--> =y	23
--> =Y	2023
--> =%	%
--> =h	Nov
--> =w	2
--> =1970-01-01 00:00:00
--> =2023	11	14	22	13	20	3	318	false
--> =86400
--> =6	number	number
--> =false	field 'day' missing in date table
