package stdlib

import (
	"strings"

	rt "github.com/mobilua/mobilua/runtime"
)

// The mb calls every embedder has, by the name Process.YieldedBy gives
// when one of them suspended the process. They are natives' names, which
// continuations store: they never change. (An embedder adds its own
// calls with EmbedderCall: the host has mb.input, mb.receive, ...)
const (
	MbYield  = "mb.yield"
	MbFreeze = "mb.freeze"
	MbJump   = "mb.jump"
)

// OpenMb installs the mb table: the calls by which a script talks to its
// embedder. Each suspends the whole process (Process.Resume returns
// Yielded, YieldedBy names the call); what the embedder passes back to
// Resume is what the call returns.
//
//	mb.yield(...)      suspend; the embedder decides when to go on
//	mb.freeze(path)    suspend to be frozen into a continuation at path
//	mb.jump(target)    suspend to travel to target (a host; in
//	                   `mobilua run`, a path, as mb.freeze)
func OpenMb(p *rt.Process) {
	p.Register("mb", EmbedderCall(MbYield), EmbedderCall(MbFreeze), EmbedderCall(MbJump))
}

// EmbedderCall makes the mb call of that name ("mb.input") which suspends
// the process to its embedder, for Process.Register("mb", ...).
func EmbedderCall(name string) *rt.GoFunction {
	return rt.NewEmbedderYield(strings.TrimPrefix(name, "mb."))
}
