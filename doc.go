// Package mobilua runs Lua 5.1 inside a Go program, with the whole state
// of a running script as plain data: it can be frozen into bytes at any
// yield and thawed later, or elsewhere, to go on.
//
//	L := mobilua.NewState(mobilua.Options{})
//	if err := L.DoString(`print("hello")`); err != nil { ... }
//
// A State has lua5.1's standard library (or the sandbox's, Options.Sandbox),
// limits on steps, memory and time (Options.MaxSteps, MaxMemory, Context),
// Go functions Lua calls (Options.Funcs, reading their arguments by Lua's
// numbering), globals to get and set, calls into Lua (Call), scripts that
// yield to Go (mb.yield, answered by Start and Resume), and Freeze and Thaw.
// Lua code compiled ahead of time (mobilua compile) runs as Go when its
// package is linked into the program. docs/embedding.md compares the API,
// call for call, with gopher-lua's.
//
// Each front end (this API, the command line, the host) sits on the
// runtime: this package imports the runtime, its standard library, the
// front end and the continuation package, and never the host, its
// transports or the command line.
package mobilua
