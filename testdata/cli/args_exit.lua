print(#arg, arg[0], arg[1], arg[2], ...)
os.exit(3)
