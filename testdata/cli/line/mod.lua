print("loading mod", ...)
return {v = 5}
