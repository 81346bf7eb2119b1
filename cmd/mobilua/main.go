// Command mobilua runs Lua 5.1 scripts on Mobilua.
//
//	mobilua [options] [script [args]]   as lua5.1: -e, -l, -i, -v, --, -, LUA_INIT; a prompt at a terminal
//	mobilua resume FILE                 continue a frozen process
//	mobilua inspect FILE                describe a continuation
//	mobilua compile script.lua -o DIR   write the script's compiled code as Go
//	mobilua build script.lua -o PROG    build a native program that runs it
//	mobilua console | host | client     a computation host, in the terminal or on XMPP, and its client
//	mobilua help [COMMAND]              the commands, or one command's flags
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
