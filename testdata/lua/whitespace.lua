print("form\ffeed")print("vt")print(1)
--> =formfeed
--> =vt
--> =1
