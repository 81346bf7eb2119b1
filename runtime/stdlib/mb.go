package stdlib

import rt "github.com/mobilua/mobilua/runtime"

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
	p.Register("mb",
		rt.NewEmbedderYield("yield"),
		rt.NewEmbedderYield("freeze"),
		rt.NewEmbedderYield("jump"),
	)
}
