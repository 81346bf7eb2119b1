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
// It carries what running a script needs (internal/cli) and runs
// mobilua-full, installed beside it, for compile, build and the host's
// commands (cli.Delegate): a Go program runs the init of every package it
// links before main, and theirs (XMPP, TLS, the web interface, go/types)
// doubled a script's start-up.
//
// This package is at the top of the import graph: nothing imports it.
package main

import (
	"os"

	"github.com/mobilua/mobilua/internal/cli"
)

func main() {
	cli.Delegate()
	os.Exit(cli.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
