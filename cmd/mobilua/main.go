// Command mobilua runs Lua 5.1 scripts on Mobilua.
//
//	mobilua run script.lua [args...]   run a script on the interpreter
//	mobilua run - [args...]            read the script from standard input
//	mobilua run -e 'code'              run a chunk given on the command line
//	mobilua version                    print the version
//	mobilua help                       print this help
//
// This package is the top of the import graph: it may import every other
// package of the module; nothing imports it.
package main

import (
	"os"

	"github.com/mobilua/mobilua/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
