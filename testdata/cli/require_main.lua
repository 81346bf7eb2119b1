-- require finds modules next to the script
local g = require("greeter")
print(g.greet("mobilua"), require("greeter") == g, package.loaded.greeter == g)
local ok, err = pcall(require, "no_such_module")
print(ok, (err:match("^[^\n]*")))
print(type(package.path), type(package.preload))
