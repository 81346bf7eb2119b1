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
// with step, memory and lifetime limits per process, whatever way the
// process came to be (new, step, fork, mb.fork, a jump from a peer, a
// restart: every thaw goes through Host.thaw, which applies this host's
// limits whatever the continuation says). Users are strangers: every
// resource one can make the host spend is bounded per process, per
// owner and per host (limits.go says where), and memory is charged by
// the runtime as it is allocated, against the process's limit and the
// host's budget (a runtime.Pool that admits a process before it is
// loaded). This package may import runtime, runtime/stdlib,
// continuation and transpile; nothing but the command line and the XMPP
// transport import it.
//
// Waiting costs memory only in the store: a process that waits (mb.input,
// mb.receive, mb.sleep) is frozen, stored and dropped from memory, and
// thawed when what it waits for comes (an answer, a message, its timer);
// a restart reads the records and thaws only the running processes.
// Messages (mb.send, send) are stored in the receiver's mailbox before they
// count as sent, and a message counts as received only with the
// checkpoint of the state that received it, so a crash between the two
// replays the receive instead of losing the message.
//
// Files: host.go (processes, scheduler, checkpoints, memory admission),
// api.go (the typed functions the commands and other front ends call),
// commands.go (every chat command, the examples and shells among them),
// session.go (step's sessions), multiline.go (code over several
// messages), outbox.go (what goes to users, in order), calls.go (the mb
// calls that need the host, and the one switch that answers a process
// suspended by one, messages), jump.go (jumps: sent exactly once, taken
// in once), limits.go (caps, rates, aliases), message.go (copied values),
// web.go (what the web interface needs: a process's view, the host's
// summary, changes, sign-in links, the operator's view), logring.go (the
// log's last events), load.go (`load <url>`, public addresses only),
// directory.go (what a host says of itself and knows of others: `servers`,
// mb.hosts(), mb.jump("auto"), moves by load), parts.go (mb.spawn,
// mb.join, mb.map: parts, their results exactly once, run again when
// their host dies), backup.go (copies kept for other hosts, restore),
// store.go (bbolt),
// salvage.go (checking and salvaging a store), memory.go (the in-memory
// transport, which carries jumps between attached hosts too).
package host
