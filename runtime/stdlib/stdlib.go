// Package stdlib is Lua 5.1's standard library on Mobilua's runtime:
// string, table, math, os and io, and the sandbox profile. The base and
// coroutine libraries live in package runtime because they need the
// interpreter's insides.
//
// It imports runtime only; it must not import transpile, continuation or
// host.
package stdlib

import "github.com/mobilua/mobilua/runtime"

// Open installs the libraries into p's globals.
func Open(p *runtime.Process) {
	openString(p)
	openTable(p)
	openMath(p)
	openOS(p)
	if !p.Sandboxed {
		openIO(p)
		runtime.OpenDebug(p)
	}
}

// ExitCode reports a status requested by os.exit.
func ExitCode(p *runtime.Process) (int, bool) {
	return 0, false
}
