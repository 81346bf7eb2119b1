package mobilua

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/mobilua/mobilua/continuation"
	"github.com/mobilua/mobilua/runtime"
	"github.com/mobilua/mobilua/runtime/stdlib"
	"github.com/mobilua/mobilua/transpile"
)

// Value is a Lua value: nil, a boolean, a number, a string, a table, a
// function, a coroutine or a userdata. Its String method writes it as
// Lua's tostring does (without metamethods).
type Value = runtime.Value

// Table is a Lua table.
type Table = runtime.Table

// Nil, True and False are Lua's constants.
var (
	Nil   = runtime.Nil
	True  = runtime.True
	False = runtime.False
)

// Number, String and Bool make Lua values of Go ones.
func Number(f float64) Value { return runtime.Number(f) }

// String makes a Lua string.
func String(s string) Value { return runtime.String(s) }

// Bool makes a Lua boolean.
func Bool(b bool) Value { return runtime.Bool(b) }

// TableValue makes a value of a table.
func TableValue(t *Table) Value { return runtime.TableValue(t) }

// RawEqual reports whether a and b are equal as Lua's rawequal says
// (values are not comparable with ==: two equal strings may be held
// apart).
func RawEqual(a, b Value) bool { return runtime.RawEqual(a, b) }

// Options are a state's settings. The zero value is lua5.1's whole
// standard library, no limits, the process's standard output and error.
type Options struct {
	// Sandbox leaves out what a script of a stranger must not have: io,
	// os.exit, os.execute, os.remove, os.rename, os.tmpname, os.getenv,
	// dofile, loadfile, require, package and debug (Mobilua's host runs
	// every script so).
	Sandbox bool
	// MaxSteps, when positive, ends a call (DoString, DoFile, Call, or
	// Start and its Resumes) after this many steps (calls and loop
	// turns) with an error no pcall catches.
	MaxSteps int64
	// MaxMemory, when positive, bounds the bytes the state's values may
	// hold: past it, an allocation raises "memory limit exceeded" (a
	// pcall catches it, as lua5.1's "not enough memory").
	MaxMemory int64
	// Stdout and Stderr are where print and io.write, and io.stderr,
	// write (default: os.Stdout and os.Stderr).
	Stdout, Stderr io.Writer
	// Context, when it is done, ends the running script with its error
	// where it stands (looked at every few thousand steps).
	Context context.Context
	// Funcs are Go functions for Lua, by global name ("double", or
	// "mylib.double" in table mylib). A state that is frozen must be
	// thawed with the same names.
	Funcs map[string]Func
}

// State is a Lua state: its globals and its running script, all of it
// plain data that Freeze writes as bytes and Thaw brings back. A State
// is not safe for use by several goroutines at once.
type State struct {
	p    *runtime.Process
	opts Options
}

// idleName is the yield a state that runs nothing is frozen in.
const idleName = "mobilua.idle"

// slice is how many steps run between two looks at Options.Context.
const slice = 1 << 14

// NewState makes a state.
func NewState(opts Options) *State {
	return &State{p: newProcess(opts, opts.Sandbox), opts: opts}
}

// newProcess makes the process of a state: the libraries, the Go
// functions, the idle yield, sealed (what a continuation is written
// against).
func newProcess(opts Options, sandboxed bool) *runtime.Process {
	stdout, stderr := opts.Stdout, opts.Stderr
	if stdout == nil {
		stdout = os.Stdout
	}
	if stderr == nil {
		stderr = os.Stderr
	}
	prof := stdlib.ProfileOf(sandboxed)
	prof.Extra = func(p *runtime.Process) {
		for name, f := range opts.Funcs {
			register(p, name, f)
		}
		p.RegisterNative(idleName, runtime.NewEmbedderYield(idleName))
	}
	p := stdlib.NewProcess(prof, transpile.Compiler{}, stdout, stderr)
	p.MemoryLimit = opts.MaxMemory
	return p
}

// DoString runs a chunk of Lua; its errors are named as loadstring's are
// ([string "first line..."]:3:).
func (L *State) DoString(src string) error {
	fn, err := L.Load(src, src)
	if err != nil {
		return err
	}
	_, err = L.Call(fn)
	return err
}

// DoFile runs the Lua file at path (its errors say path:3:). Compiled
// code linked into the program (mobilua compile) runs for the file it
// was compiled from.
func (L *State) DoFile(path string) error {
	src, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("cannot open %s", path)
	}
	fn, err := L.load(src, "@"+path, true)
	if err != nil {
		return err
	}
	_, err = L.Call(fn)
	return err
}

// Load compiles src as a function, without running it; chunk names it in
// errors as lua5.1's loadstring does ("=name": name itself, "@file": a
// file, anything else: [string "..."]).
func (L *State) Load(src, chunk string) (Value, error) {
	return L.load([]byte(src), chunk, false)
}

func (L *State) load(src []byte, chunk string, file bool) (Value, error) {
	proto, err := transpile.Compile(src, chunk, transpile.Options{File: file})
	if err != nil {
		return Nil, err
	}
	c := runtime.NewChunk(chunk, src, proto)
	c.File = file
	return runtime.ClosureValue(L.p.Load(c)), nil
}

// Call calls fn with args and returns its results. A yield to Go inside
// it (mb.yield) goes on at once; Start and Resume let Go answer it.
func (L *State) Call(fn Value, args ...Value) ([]Value, error) {
	L.Start(fn, args...)
	for {
		vals, done, err := L.Resume()
		if err != nil || done {
			return vals, err
		}
	}
}

// Start prepares a call of fn with args, which Resume runs. A call that
// was suspended in a yield is dropped.
func (L *State) Start(fn Value, args ...Value) {
	L.p.Start(fn, args...)
	if L.opts.MaxSteps > 0 {
		L.p.MaxSteps = L.p.Steps() + L.opts.MaxSteps
	}
}

// Resume runs the call Start prepared until it returns (done: vals are
// its results) or yields to Go with mb.yield(...) (vals are what it
// passed); args are what that mb.yield returns when it goes on. An error
// of the script is a *Error.
func (L *State) Resume(args ...Value) (vals []Value, done bool, err error) {
	L.p.SetBudget(slice)
	for {
		st, err := L.p.Resume(args...)
		args = nil
		switch {
		case err != nil:
			return nil, true, err
		case st == runtime.Done:
			return L.p.Results(), true, nil
		case st == runtime.OutOfSteps:
			if ctx := L.opts.Context; ctx != nil && ctx.Err() != nil {
				return nil, true, L.p.Halt(ctx.Err().Error())
			}
		case L.p.YieldedBy() == stdlib.MbYield:
			return L.p.YieldValues(), false, nil
		default: // mb.freeze, mb.jump: a host's, not an embedder's
			args = []Value{Nil, String(L.p.YieldedBy() + ": not here (State.Freeze freezes from Go)")}
		}
	}
}

// Stats are counts of what a state has run.
type Stats struct {
	Steps    int64 // calls and loop turns, what MaxSteps counts
	Compiled int64 // entries into compiled code (0: none is linked in for the state's code)
}

// Stats returns the state's counts so far.
func (L *State) Stats() Stats {
	return Stats{Steps: L.p.Steps(), Compiled: L.p.NativeEntries()}
}

// GetGlobal returns the global name.
func (L *State) GetGlobal(name string) Value { return L.p.Globals.GetStr(name) }

// SetGlobal sets the global name.
func (L *State) SetGlobal(name string, v Value) { L.p.Globals.SetStr(name, v) }

// NewTable makes a table with room for narr items in its array part and
// nhash in its hash part (hints, either may be 0).
func (L *State) NewTable(narr, nhash int) *Table { return L.p.NewTable(narr, nhash) }

// Freeze writes the whole state as bytes: its globals and, when a call
// is suspended in mb.yield, the call, to go on after Thaw. A state that
// holds what cannot be frozen (an open file) gives an error.
func (L *State) Freeze() ([]byte, error) {
	if L.p.YieldedBy() == "" {
		// nothing is running: freeze it waiting in the idle yield
		rest, err := L.load([]byte("local idle = ...\nidle()"), "="+idleName, false)
		if err != nil {
			return nil, err
		}
		L.p.Start(rest, runtime.FunctionValue(L.p.Native(idleName).(*runtime.GoFunction)))
		if st, err := L.p.Resume(); err != nil || st != runtime.Yielded {
			return nil, fmt.Errorf("mobilua: the state cannot rest: %v", err)
		}
	}
	return continuation.Freeze(L.p)
}

// Thaw brings back a state Freeze wrote; opts must have the Funcs of the
// state that was frozen (Sandbox is the frozen state's). A call that was
// suspended goes on with Resume. The bytes are checked as untrusted.
func Thaw(b []byte, opts Options) (*State, error) {
	p, err := continuation.Thaw(b, continuation.Options{NewProcess: func(sandboxed bool) *runtime.Process {
		return newProcess(opts, sandboxed)
	}})
	if err != nil {
		return nil, err
	}
	opts.Sandbox = p.Sandboxed
	p.MemoryLimit = opts.MaxMemory
	if opts.MaxSteps > 0 {
		p.MaxSteps = p.Steps() + opts.MaxSteps // the suspended call's
	}
	return &State{p: p, opts: opts}, nil
}

// Error is an error raised in Lua: its value (a message, usually with
// the position) and the traceback.
type Error = runtime.Error
