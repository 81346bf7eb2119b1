// Command mobilua runs Lua 5.1 scripts on Mobilua.
//
//	mobilua run script.lua [args...]    run a script on the interpreter
//	mobilua resume FILE                 continue a frozen process
//	mobilua inspect FILE                describe a continuation
//	mobilua compile script.lua -o DIR   write the script's compiled code as Go
//	mobilua build script.lua -o PROG    build a native program that runs it
//	mobilua console [--store FILE]      a computation host driven from the terminal
//	mobilua help                        all commands and options
//
// This package is the top of the import graph: it may import every other
// package of the module; nothing imports it.
package main

import (
	"os"

	"github.com/mobilua/mobilua/internal/build"
	"github.com/mobilua/mobilua/internal/cli"
	"github.com/mobilua/mobilua/internal/console"
)

func main() {
	build.Register()
	console.Register()
	os.Exit(cli.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
