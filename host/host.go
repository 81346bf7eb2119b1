package host

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/mobilua/mobilua/continuation"
	"github.com/mobilua/mobilua/runtime"
	"github.com/mobilua/mobilua/runtime/stdlib"
	"github.com/mobilua/mobilua/transpile"
)

// State is where a process is in its life.
type State string

// The states.
const (
	StateNew       State = "new"
	StateRunning   State = "running"
	StateInput     State = "waiting for input"
	StateFinished  State = "finished"
	StateFailed    State = "failed"
	StateKilled    State = "killed"
	StateMessage   State = "waiting for a message"
	StateSleeping  State = "sleeping"
	StateMigrated  State = "migrated away"
	StateMigrating State = "migrating"
)

// Transport carries the host's messages to users (the XMPP transport, or
// Memory in tests); users' messages come in through Host.Handle.
type Transport interface {
	Send(to, text string) error
}

// Config is a host's configuration.
type Config struct {
	Name             string        // the host's name (mb.host())
	StepsPerSlice    int64         // a process runs this many steps, then others get a turn
	MaxSteps         int64         // a process is stopped after this many steps in all (0: no limit)
	StepLimit        int64         // steps a `step` command may run
	MaxMemory        int64         // bytes a process may reach (runtime.Process.MemoryLimit)
	MaxOutput        int           // bytes of output kept per process
	MaxReply         int           // bytes of output sent in one message
	CheckpointEvery  time.Duration // a running process is checkpointed at least this often
	Workers          int           // goroutines running processes
	MaxProcsPerOwner int
	Admins           []string      // addresses that see and control every process
	MaxLoad          int           // bytes `load <url>` accepts
	LoadTimeout      time.Duration // how long `load <url>` waits
	MaxLifetime      time.Duration // wall-clock time a process may take from its start (0: no limit)
	OutputEvery      time.Duration // at most one output message per process this often
	JumpRetry        time.Duration // how soon a jump with no settled outcome is tried again
	// NoSync: the store does not wait for the disk at each change (see
	// Store.SetSync): faster jumps and commands, safe against the host
	// being killed, not against the machine failing.
	NoSync bool
	// FailPoint, when set, is called at each step of a jump (FailJump…,
	// FailReceive…): the crash tests kill the host there, the benchmarks
	// time the steps.
	FailPoint func(point string)
}

// The steps of a jump where FailPoint is called, in the order they happen.
const (
	FailJumpStart     = "jump-start"     // sender: mb.jump called, the process not yet frozen
	FailJumpStored    = "jump-stored"    // sender: stored as migrating, nothing sent
	FailReceiveThawed = "receive-thawed" // receiver: the process arrived and thawed, not stored
	FailReceiveStored = "receive-stored" // receiver: stored, not acknowledged nor run
	FailJumpAcked     = "jump-acked"     // sender: acknowledged, not yet stored as migrated away
)

func (h *Host) failPoint(point string) {
	if h.cfg.FailPoint != nil {
		h.cfg.FailPoint(point)
	}
}

// DefaultConfig is what a host runs with unless told otherwise.
func DefaultConfig() Config {
	return Config{Name: "mobilua", StepsPerSlice: 100_000, MaxSteps: 1_000_000_000, StepLimit: 10_000_000, MaxMemory: 64 << 20,
		MaxOutput: 64 << 10, MaxReply: 4 << 10, CheckpointEvery: 2 * time.Second, Workers: 2, MaxProcsPerOwner: 100,
		MaxLoad: 1 << 20, LoadTimeout: 10 * time.Second, MaxLifetime: 24 * time.Hour, OutputEvery: time.Second,
		JumpRetry: 10 * time.Second}
}

// proc is a live process.
type proc struct {
	h        *Host
	rec      Record
	p        *runtime.Process // nil when it has no live state (new, finished)
	args     []runtime.Value  // what the next Resume passes
	queued   bool
	out      bytes.Buffer // output not yet sent to the owner
	lastSave time.Time
	mail     []Message // delivered, not yet received
	consumed uint64    // the last message received (rec.MailSeq once checkpointed)
	timer    *time.Timer
	slices   int // since its heap was last measured
	dropped  int // output bytes that did not fit in the next message
	lastSent time.Time
}

// Host runs processes for users.
type Host struct {
	cfg     Config
	store   *Store
	tr      Transport
	mu      sync.Mutex
	procs   map[string]*proc
	aliases map[string]string // alias → pid
	shells  map[string]string // user → the pid their messages go to
	queue   []*proc           // processes waiting for a worker
	ready   *sync.Cond        // on mu: the queue has work, or the host closes
	wg      sync.WaitGroup
	closing bool
	cache   *continuation.ChunkCache
	started time.Time
}

// New starts a host on store: every process the store holds is back, and
// those that were running go on from their last checkpoint.
func New(cfg Config, store *Store, tr Transport) (*Host, error) {
	if cfg.Workers <= 0 {
		cfg.Workers = 1
	}
	h := &Host{cfg: cfg, store: store, tr: tr, procs: map[string]*proc{}, aliases: map[string]string{}, shells: map[string]string{},
		cache: &continuation.ChunkCache{}, started: time.Now()}
	h.ready = sync.NewCond(&h.mu)
	store.SetSync(!cfg.NoSync)
	recs, err := store.All()
	if err != nil {
		return nil, err
	}
	for _, r := range recs {
		pr := &proc{h: h, rec: *r}
		h.procs[r.PID] = pr
		if r.Alias != "" {
			h.aliases[r.Alias] = r.PID
		}
		if !r.State.waiting() && r.State != StateRunning && r.State != StateMigrating {
			continue
		}
		pr.consumed = r.MailSeq
		if pr.mail, err = store.Mail(r.PID, r.MailSeq); err != nil {
			return nil, err
		}
		if r.State.waiting() {
			// a waiting process stays in the store until it wakes
			h.restore(pr)
			continue
		}
		if err := h.load(pr); err != nil {
			continue
		}
		h.restore(pr)
	}
	for i := 0; i < cfg.Workers; i++ {
		h.wg.Add(1)
		go h.worker()
	}
	return h, nil
}

// Close stops the workers, checkpoints the running processes and returns.
func (h *Host) Close() error {
	h.mu.Lock()
	h.closing = true
	h.ready.Broadcast()
	h.mu.Unlock()
	h.wg.Wait()
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, pr := range h.procs {
		if pr.p != nil && pr.rec.State == StateRunning {
			h.checkpoint(pr)
		}
	}
	return nil
}

// waiting reports whether a process in this state waits for something.
func (s State) waiting() bool {
	return s == StateInput || s == StateMessage || s == StateSleeping
}

// load thaws a process from its stored continuation (a waiting process
// is kept only there, so that it costs little memory). A process that
// cannot be restored is marked failed.
func (h *Host) load(pr *proc) error {
	if pr.p != nil {
		return nil
	}
	_, cont, err := h.store.Get(pr.rec.PID)
	if err == nil && cont == nil {
		err = errors.New("no checkpoint")
	}
	if err == nil {
		pr.p, err = continuation.Thaw(cont, h.thawOptions(pr))
	}
	if err != nil {
		pr.rec.State, pr.rec.Reason = StateFailed, "could not be restored: "+err.Error()
		h.store.Put(&pr.rec, nil, true)
		h.tr.Send(pr.rec.Owner, fmt.Sprintf("%s failed: %s", pr.rec.PID, pr.rec.Reason))
		return err
	}
	pr.p.Embedder = pr
	pr.p.SetBudget(h.cfg.StepsPerSlice)
	return nil
}

// evict drops the live state of a process that waits, once checkpointed.
func (h *Host) evict(pr *proc) {
	if pr.rec.State.waiting() && !pr.lastSave.IsZero() {
		pr.p = nil
	}
}

func (h *Host) enqueue(pr *proc) {
	if pr.queued || h.closing {
		return
	}
	pr.queued = true
	h.queue = append(h.queue, pr)
	h.ready.Signal()
}

// newProcess makes a process with the host's libraries: the sandbox
// profile, mb, sealed (so continuations carry only what the script did).
func (h *Host) newProcess(pr *proc) *runtime.Process {
	p := runtime.NewProcess()
	p.Stdout = &procOut{h: h, pr: pr}
	p.Stderr = p.Stdout
	p.Compiler = transpile.Compiler{}
	p.Sandboxed = true
	stdlib.Open(p)
	stdlib.OpenMb(p)
	openHostCalls(p)
	p.SealNatives()
	p.Embedder = pr
	p.MaxSteps = h.cfg.MaxSteps
	p.MemoryLimit = h.cfg.MaxMemory
	return p
}

func (h *Host) thawOptions(pr *proc) continuation.Options {
	return continuation.Options{NewProcess: func(bool) *runtime.Process { return h.newProcess(pr) }, Cache: h.cache}
}

// procOut collects a process's output: kept (bounded) in its record, and
// sent to its owner after each slice.
type procOut struct {
	h  *Host
	pr *proc
}

func (o *procOut) Write(b []byte) (int, error) {
	o.h.mu.Lock()
	defer o.h.mu.Unlock()
	pr := o.pr
	n := min(max(o.h.cfg.MaxReply-pr.out.Len(), 0), len(b))
	pr.out.Write(b[:n])
	pr.dropped += len(b) - n
	out := pr.rec.Output + string(b)
	if n := o.h.cfg.MaxOutput; len(out) > n {
		out = out[len(out)-n:]
	}
	pr.rec.Output = out
	return len(b), nil
}

// flushOutput sends what the process printed to its owner in one message,
// at most one per OutputEvery unless force (the process stops or waits);
// what did not fit in MaxReply is dropped with a note. h.mu is held.
func (h *Host) flushOutput(pr *proc, force bool) {
	if pr.out.Len() == 0 || !force && time.Since(pr.lastSent) < h.cfg.OutputEvery {
		return
	}
	text := strings.TrimSuffix(pr.out.String(), "\n")
	pr.out.Reset()
	if pr.dropped > 0 {
		text += fmt.Sprintf("\n[... %d more bytes; `output %s` shows the last %d]", pr.dropped, pr.rec.PID, h.cfg.MaxOutput)
		pr.dropped = 0
	}
	pr.lastSent = time.Now()
	h.sendAs(pr, text)
}

// ProcessSender is a transport that can send a message as a process, from
// an address of its own that the user may answer (a component's
// p42@procs.example).
type ProcessSender interface {
	SendAs(pid, to, text string) error
}

// sendAs sends text to pr's owner as pr when the transport can, else as
// the host.
func (h *Host) sendAs(pr *proc, text string) {
	if ps, ok := h.tr.(ProcessSender); ok {
		ps.SendAs(pr.rec.PID, pr.rec.Owner, text)
		return
	}
	h.tr.Send(pr.rec.Owner, text)
}

// checkpoint persists the process's record and continuation. h.mu is held.
func (h *Host) checkpoint(pr *proc) error {
	cont, err := continuation.Freeze(pr.p)
	if err != nil {
		return err
	}
	pr.rec.MailSeq = pr.consumed // the messages it received go with the state that received them
	if pr.p.YieldedBy() != "mb.input" {
		pr.rec.Answer = nil // taken
	}
	if pr.p.YieldedBy() != "mb.jump" {
		pr.rec.Arrived, pr.rec.JumpFailed = false, ""
	}
	if err := h.store.Put(&pr.rec, cont, false); err != nil {
		return err
	}
	pr.lastSave = time.Now()
	return nil
}

func (h *Host) worker() {
	defer h.wg.Done()
	for {
		h.mu.Lock()
		for len(h.queue) == 0 && !h.closing {
			h.ready.Wait()
		}
		if h.closing {
			h.mu.Unlock()
			return
		}
		pr := h.queue[0]
		h.queue[0] = nil
		h.queue = h.queue[1:]
		h.mu.Unlock()
		h.slice(pr)
	}
}

// slice runs one time slice of pr and decides what comes next.
func (h *Host) slice(pr *proc) {
	h.mu.Lock()
	pr.queued = false
	if pr.p == nil || pr.rec.State != StateRunning {
		h.mu.Unlock()
		return
	}
	args, p := pr.args, pr.p
	pr.args = nil
	h.mu.Unlock()
	st, err := p.Resume(args...)
	if pr.slices++; err == nil && st != runtime.Done && pr.slices >= 8 {
		// tables grow a step at a time: measure the heap every few slices
		pr.slices = 0
		err = p.CheckMemory()
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if pr.rec.State != StateRunning || pr.p != p { // killed meanwhile
		return
	}
	if err == nil && h.cfg.MaxLifetime > 0 && !pr.rec.Started.IsZero() && time.Since(pr.rec.Started) > h.cfg.MaxLifetime {
		err = fmt.Errorf("lifetime exceeded (%s)", h.cfg.MaxLifetime)
	}
	h.flushOutput(pr, err != nil || st != runtime.OutOfSteps)
	switch {
	case err != nil:
		pr.rec.State, pr.rec.Reason = StateFailed, errorText(err)
		pr.p = nil
		h.store.Put(&pr.rec, nil, true)
		h.tr.Send(pr.rec.Owner, fmt.Sprintf("%s failed: %s", pr.rec.PID, pr.rec.Reason))
	case st == runtime.Done:
		pr.rec.State = StateFinished
		pr.p = nil
		h.store.Put(&pr.rec, nil, true)
		h.tr.Send(pr.rec.Owner, fmt.Sprintf("%s finished", pr.rec.PID))
	case st == runtime.Yielded && pr.p.YieldedBy() == "mb.input":
		pr.rec.State, pr.rec.Prompt = StateInput, ""
		if vs := pr.p.YieldValues(); len(vs) > 0 {
			pr.rec.Prompt, _ = runtime.ToStringRaw(vs[0])
		}
		if err := h.checkpoint(pr); err != nil {
			h.tr.Send(pr.rec.Owner, fmt.Sprintf("%s: cannot checkpoint: %v", pr.rec.PID, err))
		} else {
			h.evict(pr)
		}
		msg := fmt.Sprintf("%s waits for input (input %s <text>)", pr.rec.PID, pr.rec.PID)
		if pr.rec.Prompt != "" {
			msg = fmt.Sprintf("%s asks: %s (answer with: input %s <text>)", pr.rec.PID, pr.rec.Prompt, pr.rec.PID)
		}
		h.sendAs(pr, msg)
	case st == runtime.Yielded && pr.p.YieldedBy() != "mb.yield":
		h.serve(pr)
	default: // out of steps, or mb.yield: others get a turn
		if time.Since(pr.lastSave) >= h.cfg.CheckpointEvery {
			h.checkpoint(pr)
		}
		h.enqueue(pr)
	}
}

func errorText(err error) string {
	if le, ok := err.(*runtime.Error); ok {
		if s, ok := runtime.ToStringRaw(le.Value); ok {
			return s
		}
		return "(error object is not a string)"
	}
	return err.Error()
}
