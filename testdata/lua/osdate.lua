-- os.date and os.time with fixed times in UTC (expectations from the differential test)
local t = 1700000000
for _, c in ipairs({"a", "A", "b", "B", "c", "d", "D", "e", "F", "H", "I", "j", "m", "M", "n", "p", "S", "t", "T", "x", "X", "y", "Y", "%", "h", "w",
    "C", "u", "r", "R", "k", "l", "U", "W", "V", "G", "g"}) do
  print(c, os.date("!%" .. c, t), os.date("!%" .. c, 0), os.date("!%" .. c, 1262304000), os.date("!%" .. c, 1293753600))
end
print(os.date("!%Y-%m-%d %H:%M:%S", 0))
local d = os.date("!*t", t)
print(d.year, d.month, d.day, d.hour, d.min, d.sec, d.wday, d.yday, d.isdst)
print(os.time({year = 2000, month = 1, day = 1, hour = 0}) - os.time({year = 1999, month = 12, day = 31, hour = 0}))
print(os.difftime(10, 4), type(os.clock()), type(os.time()))
print(pcall(os.time, {year = 2000}))
-- expected output, as lua5.1 prints it:
--> =a	Tue	Thu	Fri	Fri
--> =A	Tuesday	Thursday	Friday	Friday
--> =b	Nov	Jan	Jan	Dec
--> =B	November	January	January	December
--> =c	Tue Nov 14 22:13:20 2023	Thu Jan  1 00:00:00 1970	Fri Jan  1 00:00:00 2010	Fri Dec 31 00:00:00 2010
--> =d	14	01	01	31
--> =D	11/14/23	01/01/70	01/01/10	12/31/10
--> =e	14	 1	 1	31
--> =F	2023-11-14	1970-01-01	2010-01-01	2010-12-31
--> =H	22	00	00	00
--> =I	10	12	12	12
--> =j	318	001	001	365
--> =m	11	01	01	12
--> =M	13	00	00	00
--> =n	
--> =	
--> =	
--> =	
--> =
--> =p	PM	AM	AM	AM
--> =S	20	00	00	00
--> =t								
--> =T	22:13:20	00:00:00	00:00:00	00:00:00
--> =x	11/14/23	01/01/70	01/01/10	12/31/10
--> =X	22:13:20	00:00:00	00:00:00	00:00:00
--> =y	23	70	10	10
--> =Y	2023	1970	2010	2010
--> =%	%	%	%	%
--> =h	Nov	Jan	Jan	Dec
--> =w	2	4	5	5
--> =C	20	19	20	20
--> =u	2	4	5	5
--> =r	10:13:20 PM	12:00:00 AM	12:00:00 AM	12:00:00 AM
--> =R	22:13	00:00	00:00	00:00
--> =k	22	 0	 0	 0
--> =l	10	12	12	12
--> =U	46	00	00	52
--> =W	46	00	00	52
--> =V	46	01	53	52
--> =G	2023	1970	2009	2010
--> =g	23	70	09	10
--> =1970-01-01 00:00:00
--> =2023	11	14	22	13	20	3	318	false
--> =86400
--> =6	number	number
--> =false	field 'day' missing in date table
---
-- a UTC date's zone is GMT, as glibc's gmtime names it
print(os.date("!%Z %z %H", 0))
--> =GMT +0000 00
