-- what a script gets: ... and arg, with the options at negative indices
print("args", select("#", ...), ...)
for i = -2, #arg do io.write(tostring(arg[i]), " ") end
print()
print(x, y)
