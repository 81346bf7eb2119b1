// Package host is the computation server: it keeps users' processes, runs
// them in time slices on a few goroutines, persists them, and answers the
// chat commands users type. It is driven through a Transport (the XMPP
// transport of the next layer, or Memory in tests) and Host.Handle.
//
// # Design
//
// A process is a record (PID, owner, source, state, the end of its
// output) and, while it lives, a runtime.Process. Processes never run on
// their own goroutines: a worker takes one from the run queue, resumes it
// for StepsPerSlice steps (the runtime's budget, checked inside the
// interpreter loop), and puts it back, so many processes share few
// goroutines and a waiting process costs no CPU. Every suspension that
// matters (mb.input, a periodic checkpoint, the start) freezes the process
// with package continuation and writes record and continuation in one
// bbolt transaction; a command is acknowledged only after its change is
// persisted. A host killed at any moment and started again on the same
// store has every acknowledged process back, each from its last
// checkpoint.
//
// Scripts run only in the sandbox profile (runtime/stdlib.SandboxOmits),
// with a step limit per process. This package may import runtime,
// runtime/stdlib, continuation and transpile; nothing but the command
// line and the XMPP transport import it.
//
// This is the host's first part: processes, the scheduler, persistence
// and the commands help, step, new, run, ps, source, output, input, kill,
// status. The rest of the host issue (fork, IPC, sleep, aliases, shells,
// load, memory accounting, examples) builds on it.
package host
