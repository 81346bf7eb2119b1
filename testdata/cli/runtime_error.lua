local t = nil
print("before")
print(t.x)
