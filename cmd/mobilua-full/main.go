// Command mobilua-full is mobilua with every command: the host, its
// console and client, and the compiler beside what cmd/mobilua carries.
// cmd/mobilua runs it for those commands, so that it starts a script
// without their packages' start-up; it is a command of its own so that a
// host (or a container) can be one program.
//
//	mobilua-full COMMAND [arguments]   as mobilua COMMAND [arguments]
//
// This package is at the top of the import graph: it may import every
// other package of the module; nothing imports it.
package main

import (
	"os"

	"github.com/mobilua/mobilua/continuation/pack"
	"github.com/mobilua/mobilua/internal/build"
	"github.com/mobilua/mobilua/internal/cli"
	"github.com/mobilua/mobilua/internal/console"
)

func main() {
	cli.Unpack = pack.Unpack
	build.Register()
	console.Register()
	os.Exit(cli.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
