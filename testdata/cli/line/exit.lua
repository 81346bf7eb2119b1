io.write("leaving ")
os.exit(tonumber((...)) or 0)
