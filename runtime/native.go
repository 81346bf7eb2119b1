package runtime

import (
	"crypto/sha256"
	"sync"

	"github.com/mobilua/mobilua/ir"
)

// Compiled code (package transpile/gogen writes it; `mobilua compile`)
// runs the instructions of a Lua function that have a fast path, as Go,
// with the interpreter's frame layout: the same registers, constants and
// pcs. It is an accelerator, not a second engine: every instruction it
// does not handle, and every case its fast path does not cover (a
// metamethod, an error, a call, the end of the step budget), is left to
// the interpreter at that very pc. So a process can stop, be frozen and
// thawed anywhere, with or without compiled code on either side.
//
// How they meet: when a chunk whose source and code match a registered
// CompiledChunk is loaded, the packed code of each compiled function gets
// opNative at every pc its compiled code enters at. The interpreter, on
// opNative, calls the compiled function with that pc; it returns the pc of
// the first instruction it leaves to the interpreter, which runs the
// original instruction there when it is the one it was called for.

// opNative marks a pc where compiled code takes over (never in ir.Proto).
const opNative ir.Op = 255

// NativeFrame is what compiled code sees of the frame it runs.
type NativeFrame struct {
	R     []Value // the frame's registers: R[i] is register i
	K     []Value // the function's constants
	U     []*Upval
	Env   *Table
	IC    []int32 // inline-cache hints, per pc (see Table.GetStrHint)
	Steps *int64  // the step budget: compiled code decrements it at backward jumps
}

// NativeFunc is the compiled code of one Lua function: it runs from pc and
// returns the pc of the first instruction it leaves to the interpreter.
type NativeFunc func(f *NativeFrame, pc int) int

// CompiledChunk is the compiled code of one chunk, registered by the
// generated package's init.
type CompiledChunk struct {
	Name        string   // the chunk name it was compiled under (for messages)
	SourceHash  [32]byte // SHA-256 of the source
	Fingerprint uint64   // Chunk.Fingerprint of the code it was compiled from
	Funcs       []NativeFunc
	Entries     [][]int32 // per function (Chunk.Protos order), the pcs Funcs enter at
}

var compiled struct {
	sync.RWMutex
	m   map[[32]byte][]*CompiledChunk
	off bool
}

// SetCompiledEnabled turns the use of registered compiled code on or off
// for chunks loaded afterwards (tests use it to run the same program on
// both engines in one binary).
func SetCompiledEnabled(on bool) {
	compiled.Lock()
	defer compiled.Unlock()
	compiled.off = !on
}

// RegisterCompiled makes compiled code available to every chunk loaded
// afterwards with the same source and code.
func RegisterCompiled(c *CompiledChunk) {
	compiled.Lock()
	defer compiled.Unlock()
	if compiled.m == nil {
		compiled.m = map[[32]byte][]*CompiledChunk{}
	}
	compiled.m[c.SourceHash] = append(compiled.m[c.SourceHash], c)
}

// CompiledCount returns how many chunks have compiled code registered.
func CompiledCount() int {
	compiled.RLock()
	defer compiled.RUnlock()
	return len(compiled.m)
}

// attachCompiled gives c the compiled code registered for its source, if
// any matches its code exactly.
func attachCompiled(c *Chunk) {
	compiled.RLock()
	empty := len(compiled.m) == 0 || compiled.off
	compiled.RUnlock()
	if empty {
		return
	}
	sum := sha256.Sum256(c.Source)
	compiled.RLock()
	cands := compiled.m[sum]
	compiled.RUnlock()
	for _, cc := range cands {
		if cc.Fingerprint == c.Fingerprint() && len(cc.Funcs) == len(c.Protos()) && len(cc.Entries) == len(cc.Funcs) {
			c.Native = cc
			for i, fp := range c.Protos() {
				fp.attach(cc.Funcs[i], cc.Entries[i])
			}
			return
		}
	}
}

func (fp *FuncProto) attach(fn NativeFunc, entries []int32) {
	if fn == nil || len(entries) == 0 {
		return
	}
	fp.orig = fp.Code
	fp.Code = append([]inst(nil), fp.Code...)
	for _, pc := range entries {
		if pc >= 0 && int(pc) < len(fp.Code) {
			fp.Code[pc] = inst(opNative)
		}
	}
	fp.native = fn
}

// Compiled reports whether the function runs compiled code.
func (fp *FuncProto) Compiled() bool { return fp.native != nil }

// Get returns the upvalue's value (for compiled code).
func (u *Upval) Get() Value { return *u.v }

// Set sets the upvalue's value (for compiled code).
func (u *Upval) Set(v Value) { *u.v = v }

// NativeEntries returns how many times the process entered compiled code.
func (p *Process) NativeEntries() int64 { return p.nativeEntries }
