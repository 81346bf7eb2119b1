// Package stdlib is Lua 5.1's standard library on Mobilua's runtime:
// string, table, math, os and io, and the sandbox profile. The base and
// coroutine libraries live in package runtime because they need the
// interpreter's insides.
//
// It imports runtime only; it must not import transpile, continuation or
// host.
package stdlib

import (
	"strings"

	"github.com/mobilua/mobilua/runtime"
)

// SandboxOmits names what the sandbox profile leaves out of a process's
// globals: everything that reaches the host's files, processes or
// internals. (collectgarbage stays, but its "collect" does nothing there.)
var SandboxOmits = []string{
	"io", "os.exit", "os.execute", "os.remove", "os.rename", "os.tmpname",
	"os.getenv", "dofile", "loadfile", "require", "module", "package", "debug",
}

// Open installs the libraries into p's globals; when p.Sandboxed it
// applies the sandbox profile (SandboxOmits).
func Open(p *runtime.Process) {
	openString(p)
	openTable(p)
	openMath(p)
	openOS(p)
	if !p.Sandboxed {
		openIO(p)
		runtime.OpenDebug(p)
		return
	}
	for _, name := range SandboxOmits {
		lib, field, found := strings.Cut(name, ".")
		if !found {
			p.Globals.SetStr(lib, runtime.Nil)
			continue
		}
		if t := p.Globals.GetStr(lib).Table(); t != nil {
			t.SetStr(field, runtime.Nil)
		}
	}
}

// ExitCode reports a status requested by os.exit.
func ExitCode(p *runtime.Process) (int, bool) {
	return 0, false
}
