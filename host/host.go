package host

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/mobilua/mobilua/continuation"
	"github.com/mobilua/mobilua/continuation/pack"
	"github.com/mobilua/mobilua/runtime"
	"github.com/mobilua/mobilua/runtime/stdlib"
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
	StateJoin      State = "waiting for its parts"
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
	Version          string        // the program's version, as its record in the directory says it
	Contact          string        // its operator's address, as its record in the directory says it
	StepsPerSlice    int64         // a process runs this many steps, then others get a turn
	MaxSteps         int64         // a process is stopped after this many steps in all (0: no limit)
	StepLimit        int64         // steps a `step` command may run
	MaxMemory        int64         // bytes a process may reach (runtime.Process.MemoryLimit)
	MaxOutput        int           // bytes of output kept per process
	MaxReply         int           // bytes of output sent in one message
	CheckpointEvery  time.Duration // a running process is checkpointed this often, and at most a twentieth of its time (0: at every slice's end)
	Workers          int           // goroutines running processes
	MaxProcsPerOwner int           // live processes (new, running, waiting, migrating) of one owner
	MaxProcs         int           // live processes on the host
	MaxEnded         int           // ended processes kept per owner (the oldest go first)
	// HostMemory bounds the host's memory: a third of it is shared among
	// the processes in memory (poolShare), and a process is admitted to
	// memory only when its share is free; Go's garbage and the store's
	// pages take the rest (GoMemoryLimit). 0: DefaultHostMemory.
	HostMemory   int64
	MaxStored    int64   // bytes of continuations the store keeps for one owner
	MaxMail      int     // messages waiting in one process's mailbox
	MaxMailBytes int     // bytes waiting in one process's mailbox
	MaxMessage   int     // bytes of one message (mb.send, send)
	MaxStanza    int     // bytes of one chat message the host sends (longer ones are cut, with a note)
	SendRate     float64 // messages a process may send per second (mb.send), in bursts of twice that
	OwnerRate    float64 // the same for all of one owner's processes together
	JumpRate     float64 // bytes a second an owner's processes may send in jumps (bursts of 64 seconds' worth)
	// LoadAllow lists what `load <url>` may reach although it is not a
	// public address: IP addresses, CIDR prefixes, or host names.
	LoadAllow   []string
	Admins      []string      // addresses that see and control every process
	MaxLoad     int           // bytes `load <url>` accepts
	LoadTimeout time.Duration // how long `load <url>` waits
	MaxLifetime time.Duration // wall-clock time a process may take from its start (0: no limit)
	OutputEvery time.Duration // at most one output message per process this often
	JumpRetry   time.Duration // how soon a jump with no settled outcome is tried again
	// PartDeadline: a part (mb.spawn, mb.map) whose host does not answer
	// pings this long after it was sent there is run again elsewhere,
	// from its parent's copy of it, while its parent waits for it
	PartDeadline time.Duration
	// MoveAbove: while more than this many processes run or wait, the
	// host moves one a second to a peer the directory lists (moveOne;
	// not pinned ones, nor those arrived in the last minute; 0: never)
	MoveAbove int
	// Backup: hosts (peers) that keep a copy of every process of this
	// one, sent when it is stored, at most every BackupEvery (backup.go)
	Backup      []string
	BackupEvery time.Duration
	// NoSync: the store does not wait for the disk at each change (see
	// Store.SetSync): faster jumps and commands, safe against the host
	// being killed, not against the machine failing.
	NoSync bool
	// Log receives the host's events (nil: none): commands (their names,
	// never their code), processes' lives, jumps, refusals, errors.
	Log *slog.Logger
	// FailPoint, when set, is called at each step of a jump (FailJump…,
	// FailReceive…): the crash tests kill the host there, the benchmarks
	// time the steps.
	FailPoint func(point string)
}

// The steps of a jump where FailPoint is called, in the order they happen.
const (
	FailJumpStart     = "jump-start"     // sender: mb.jump called, the process not yet frozen
	FailJumpStored    = "jump-stored"    // sender: stored as migrating, not yet acknowledged (maybe sent, held there)
	FailReceiveThawed = "receive-thawed" // receiver: the process arrived and thawed, not stored (held: maybe stored)
	FailReceiveStored = "receive-stored" // receiver: stored (maybe held), not acknowledged nor run
	FailJumpAcked     = "jump-acked"     // sender: acknowledged, not yet stored as migrated away
)

// FailCheckpointFreezing is where FailPoint is called while a running
// process's checkpoint is frozen, the host's lock let go meanwhile
// (checkpointAside).
const FailCheckpointFreezing = "checkpoint-freezing"

func (h *Host) failPoint(point string) {
	if h.cfg.FailPoint != nil {
		h.cfg.FailPoint(point)
	}
}

// DefaultConfig is what a host runs with unless told otherwise.
func DefaultConfig() Config {
	return Config{Name: "mobilua", StepsPerSlice: 100_000, MaxSteps: 1_000_000_000, StepLimit: 10_000_000, MaxMemory: 64 << 20,
		MaxOutput: 64 << 10, MaxReply: 4 << 10, CheckpointEvery: 2 * time.Second, Workers: 2, MaxProcsPerOwner: 100,
		MaxProcs: 10_000, MaxEnded: 50, MaxStored: 256 << 20, MaxMail: 100, MaxMailBytes: 1 << 20, MaxMessage: 64 << 10, MaxStanza: 64 << 10,
		SendRate: 20, OwnerRate: 50, JumpRate: 4 << 20,
		MaxLoad: 1 << 20, LoadTimeout: 10 * time.Second, MaxLifetime: 24 * time.Hour, OutputEvery: time.Second,
		JumpRetry: 10 * time.Second, PartDeadline: time.Minute, BackupEvery: 5 * time.Second}
}

// proc is a live process.
type proc struct {
	h        *Host
	rec      Record
	p        *runtime.Process // nil when it has no live state (new, finished)
	args     []runtime.Value  // what the next Resume passes
	queued   bool
	out      bytes.Buffer // output not yet sent to the owner (a step's: its reply)
	open     *note        // the output note out goes into (outbox.go)
	lastSave time.Time
	saveTook time.Duration // what its last checkpoint took
	mail     []Message     // delivered, not yet received
	consumed uint64        // the last message received (rec.MailSeq once checkpointed)
	timer    *time.Timer
	slices   int  // since its heap was last measured
	dropped  int  // output bytes that did not fit in the next message
	running  bool // a worker runs it (its state is the worker's until the slice ends)
	mailSize int  // bytes of mail (the messages' sizes)
	contSize int  // bytes of its continuation in the store
	sends    bucket
	// stepDone, for a step's session (session.go): its reply; first:
	// the step has not had a turn yet
	stepDone chan string
	first    bool
	printed  int64 // bytes of output since the host started (at least len(rec.Output) once it prints)
	// steps and memory: what it had run and held at the end of its last
	// slice (for the operator; the process is the worker's while it runs)
	steps, memory int64
	moveTo        string // a peer it goes to at the end of its slice (Move)
	// raise: what the next Resume raises instead (a part's error at
	// mb.join); joined: the parts whose results the next Resume takes;
	// traceback: where it failed (for its parent, if it is a part)
	raise     runtime.Value
	joined    []string
	traceback string
	// backupDue: stored since it was last sent to the backup hosts;
	// backedUp: they have a copy (they are told when it ends)
	backupDue, backedUp bool
}

// Host runs processes for users.
type Host struct {
	cfg       Config
	store     *Store
	tr        Transport
	spares    chan spare // a fresh process made ahead of need
	refilling atomic.Bool
	mu        sync.Mutex
	procs     map[string]*proc
	held      map[string]*proc     // arrived, waiting for their senders' word (ReceiveHeld), by migration
	early     map[string]earlyWord // senders' words that came before their jumps were held (CommitJump)
	arriving  map[string]bool      // migrations being taken in to be held: a word for one is kept
	aliases   map[string]string    // alias → pid
	shells    map[string]string    // user → the pid their messages go to
	queue     []*proc              // processes waiting for a worker
	ready     *sync.Cond           // on mu: the queue has work, or the host closes
	steps     []*proc              // step commands' processes waiting for the step worker, by turns
	stepReady *sync.Cond           // on mu: steps has work, or the host closes
	wg        sync.WaitGroup
	closing   bool
	cache     *continuation.ChunkCache
	started   time.Time
	pool      *runtime.Pool      // the processes' share of HostMemory
	rates     map[string]*bucket // per owner: their processes' messages
	jumps     map[string]*bucket // per owner: the bytes of their processes' jumps
	stored    map[string]int     // per owner: bytes of their continuations in the store
	outboxes  map[string]*outbox // per user: messages to send, in order (outbox.go)
	resources map[string]string  // per user: the address (with resource) they last wrote from
	kick      chan struct{}      // the sender has notes to look at
	// senderDone is closed when the sender has sent everything after
	// the host closed (senderGone: nothing more is queued)
	senderDone chan struct{}
	senderGone bool
	sessions   map[string]int      // per user: bytes of their step session in the store
	stepping   map[string]bool     // users whose step runs
	partials   map[string]*partial // per user: code that waits for its rest (multiline.go)
	web        WebLinks            // the web interface's sign-in links (web.go)
	changed    chan struct{}       // closed at the next change a page shows (Changes)
	log        *slog.Logger
	events     logRing                // the log's last events (Operation)
	stats      Stats                  // counters since it started (Metrics)
	placed     map[string][]time.Time // per peer: when parts were placed there ("auto"), newest last
	backups    backups                // the copies of other hosts' processes it keeps (backup.go)
	dropped    []*proc                // removed, their backup hosts not yet told (backup.go)
}

// New starts a host on store: every process the store holds is back, and
// those that were running go on from their last checkpoint.
func New(cfg Config, store *Store, tr Transport) (*Host, error) {
	if cfg.Workers <= 0 {
		cfg.Workers = 1
	}
	if cfg.HostMemory <= 0 {
		cfg.HostMemory = DefaultHostMemory()
	}
	h := &Host{cfg: cfg, store: store, tr: tr, procs: map[string]*proc{}, held: map[string]*proc{}, early: map[string]earlyWord{}, arriving: map[string]bool{}, aliases: map[string]string{}, shells: map[string]string{},
		spares: make(chan spare, 1), cache: &continuation.ChunkCache{}, started: time.Now(), pool: runtime.NewPool(poolShare(cfg.HostMemory)), rates: map[string]*bucket{}, jumps: map[string]*bucket{},
		stored: map[string]int{}, outboxes: map[string]*outbox{}, resources: map[string]string{}, sessions: map[string]int{}, stepping: map[string]bool{}, partials: map[string]*partial{}, placed: map[string][]time.Time{}, kick: make(chan struct{}, 1), senderDone: make(chan struct{})}
	h.ready, h.stepReady = sync.NewCond(&h.mu), sync.NewCond(&h.mu)
	h.log = slog.New(&ringHandler{ring: &h.events, next: cmp.Or(cfg.Log, slog.New(slog.DiscardHandler)).Handler()})
	store.SetSync(!cfg.NoSync)
	recs, err := store.All()
	if err != nil {
		return nil, err
	}
	sizes, err := store.ContSizes()
	if err != nil {
		return nil, err
	}
	if h.sessions, err = store.SessionSizes(); err != nil {
		return nil, err
	}
	for user, n := range h.sessions {
		h.addStored(user, n)
	}
	// timers armed here may fire at once: nothing runs before the
	// processes are all in place
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, r := range recs {
		pr := &proc{h: h, rec: *r}
		h.kept(pr, sizes[r.PID])
		if r.Held != nil {
			h.holdArrival(pr)
			continue
		}
		h.procs[r.PID] = pr
		h.addStored(r.Owner, copyBytes(r.Parts))
		if r.Alias != "" {
			h.aliases[aliasKey(r.Owner, r.Alias)] = r.PID
		}
		if !r.State.live() {
			h.sendResult(pr, time.Second) // a part's result not yet at its parent's host
			continue
		}
		pr.consumed = r.MailSeq
		if pr.mail, err = store.Mail(r.PID, r.MailSeq); err != nil {
			return nil, err
		}
		for _, m := range pr.mail {
			pr.mailSize += m.Value.size()
		}
		if r.State == StateNew || r.State.waiting() {
			// a waiting process stays in the store until it wakes
			h.restore(pr)
			continue
		}
		h.start(pr)
	}
	if err := h.loadBackups(); err != nil {
		return nil, err
	}
	h.log.Info("host started", "name", cfg.Name, "processes", len(recs))
	for i := 0; i < cfg.Workers; i++ {
		h.wg.Add(1)
		go h.worker(&h.queue, h.ready)
	}
	// step commands have a worker of their own: a user at the keyboard
	// does not wait for the slices of every process on the host
	h.wg.Add(1)
	go h.worker(&h.steps, h.stepReady)
	go h.sender()
	go h.watchParts()
	go h.balance()
	go h.sendBackups()
	return h, nil
}

// Close stops the workers, checkpoints the running processes and returns.
func (h *Host) Close() error {
	h.mu.Lock()
	h.closing = true
	h.ready.Broadcast()
	h.stepReady.Broadcast()
	h.mu.Unlock()
	h.wg.Wait()
	h.mu.Lock()
	for _, pr := range h.steps {
		pr.stepDone <- "the host is stopping"
	}
	h.queue, h.steps = nil, nil
	for _, pr := range h.procs {
		if pr.p != nil && pr.rec.State == StateRunning {
			h.checkpoint(pr)
		}
	}
	h.wakeSender()
	h.mu.Unlock()
	// what was said goes out (a command still running has 10 seconds
	// to give its reply)
	select {
	case <-h.senderDone:
	case <-time.After(10 * time.Second):
	}
	return nil
}

// poolShare is what the processes in memory may reserve of a budget: a
// third. Go's heap is about twice what is live between collections, and
// the store's pages and the host's own memory need the rest.
func poolShare(budget int64) int64 { return budget / 3 }

// GoMemoryLimit is the soft limit for Go's collector on a host with this
// budget (runtime/debug.SetMemoryLimit): three quarters of it, the last
// quarter left to the store's file pages that bbolt maps.
func GoMemoryLimit(budget int64) int64 { return budget / 4 * 3 }

// start loads a running process found at the host's start and puts it
// back to work; while the memory budget has no room for it, it waits in
// the store, and is tried again. h.mu is held.
func (h *Host) start(pr *proc) {
	switch err := h.load(pr); {
	case errors.Is(err, errBusy):
		h.later(pr, func() { h.start(pr) })
	case err == nil:
		h.restore(pr)
	}
}

// later runs f (with h.mu held) in a second, unless pr has ended or the
// host closes: for work the memory budget had no room for.
func (h *Host) later(pr *proc, f func()) {
	time.AfterFunc(time.Second, func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		if !h.closing && pr.rec.State.live() && pr.p == nil {
			f()
		}
	})
}

// live reports whether a process in this state is still to end (it
// counts against its owner's and the host's number of processes).
func (s State) live() bool {
	return s == StateNew || s == StateRunning || s == StateMigrating || s.waiting()
}

// Ended reports whether a process in this state has ended (finished,
// failed, killed, or migrated away).
func (s State) Ended() bool { return !s.live() }

// waiting reports whether a process in this state waits for something.
func (s State) waiting() bool {
	return s == StateInput || s == StateMessage || s == StateSleeping || s == StateJoin
}

// load thaws a process from its stored continuation (a waiting process
// is kept only there, so that it costs little memory). A process that
// cannot be restored is marked failed; one the memory budget has no room
// for now stays as it is (errBusy).
func (h *Host) load(pr *proc) error {
	if pr.p != nil {
		return nil
	}
	_, cont, err := h.store.Get(pr.rec.PID)
	if err == nil && cont == nil {
		err = errors.New("no checkpoint")
	}
	if err == nil {
		pr.p, err = h.thaw(pr, cont)
	}
	if errors.Is(err, errBusy) {
		return err
	}
	if err != nil {
		h.end(pr, StateFailed, "could not be restored: "+err.Error())
		return err
	}
	return nil
}

// errBusy: the memory budget has no room for a process now.
var errBusy = errors.New("the host's memory is all in use; try again later")

// thaw makes pr's live state from a continuation, under this host's
// sandbox and limits whatever the bytes say, once the memory budget has
// admitted it: what a continuation of this size thaws to is reserved
// before it is thawed, and what it holds is measured after.
func (h *Host) thaw(pr *proc, cont []byte) (*runtime.Process, error) {
	opts := h.thawOptions(pr)
	opts.MaxBytes = int(min(2*h.cfg.MaxMemory+1<<20, 1<<30))
	opts.MaxObjects = int(min(h.cfg.MaxMemory/16+1<<10, 50_000_000))
	est := thawBytes(cont, opts.MaxBytes)
	if !h.pool.Reserve(est) {
		return nil, errBusy
	}
	p, err := continuation.Thaw(cont, opts)
	if err != nil {
		h.pool.Release(est)
		return nil, err
	}
	h.limit(p)
	p.Adopt(est)
	if live := p.MemoryInUse(); live > h.cfg.MaxMemory { // counted by the thaw
		p.ReleaseMemory()
		return nil, fmt.Errorf("it holds %d bytes, more than this host's memory limit of %d", live, h.cfg.MaxMemory)
	}
	p.Embedder = pr
	p.SetBudget(h.cfg.StepsPerSlice)
	return p, nil
}

// thawBytes is what a continuation is admitted with: its heap takes up
// to about three times its bytes (8-byte numbers become 16-byte values;
// a packed one's bytes unpacked), and the first allocations after it. A
// thaw refuses one of more than max bytes before it allocates anything.
func thawBytes(cont []byte, max int) int64 {
	n, err := pack.Size(cont)
	if err != nil || n > max {
		n = len(cont) // (refused by the thaw)
	}
	return 3*int64(n) + 256<<10
}

// limit puts p under this host's sandbox and limits (a continuation
// brings its own: a peer's may have been made without any).
func (h *Host) limit(p *runtime.Process) {
	p.Sandboxed = true
	p.MaxSteps = h.cfg.MaxSteps
	p.MemoryLimit = h.cfg.MaxMemory
	p.Pool = h.pool
}

// drop lets go of pr's live state and the memory it reserved (a worker
// running it gives that back at the end of its slice). h.mu is held.
func (pr *proc) drop() {
	if pr.p != nil && !pr.running {
		pr.p.ReleaseMemory()
	}
	pr.p = nil
}

// evict drops the live state of a process that waits, once checkpointed.
func (h *Host) evict(pr *proc) {
	if pr.rec.State.waiting() && !pr.lastSave.IsZero() {
		pr.drop()
	}
}

// end records that pr ended (finished, failed, killed) and tells its
// owner why, except for a kill (the owner asked for it). h.mu is held.
func (h *Host) end(pr *proc, st State, reason string) {
	pr.rec.State, pr.rec.Reason = st, reason
	h.log.Info("process ended", "pid", pr.rec.PID, "owner", pr.rec.Owner, "state", st, "reason", reason)
	h.partEnded(pr, st, reason)
	h.addStored(pr.rec.Owner, -copyBytes(pr.rec.Parts)) // its copies go with it
	pr.rec.Parts, pr.joined = nil, nil
	pr.drop()
	if pr.timer != nil {
		pr.timer.Stop()
	}
	if err := h.endPart(pr); err != nil {
		h.log.Error("cannot store", "pid", pr.rec.PID, "err", err)
	}
	h.sendResult(pr, 0)
	h.kept(pr, 0)
	h.prune(pr.rec.Owner)
	h.notify()
	switch {
	case pr.rec.Part != "": // its parent has its result
	case st == StateFinished:
		h.tell(pr, fmt.Sprintf("%s finished", pr.rec.PID))
	case st == StateFailed:
		h.tell(pr, fmt.Sprintf("%s failed: %s", pr.rec.PID, reason))
	}
}

func (h *Host) enqueue(pr *proc) {
	if h.closing && pr.stepDone != nil {
		pr.stepDone <- "the host is stopping"
		return
	}
	if pr.queued || h.closing {
		return
	}
	pr.queued = true
	if pr.stepDone != nil {
		if pr.first { // a new step goes first: most end in one turn
			pr.first = false
			h.steps = append([]*proc{pr}, h.steps...)
		} else {
			h.steps = append(h.steps, pr)
		}
		h.stepReady.Signal()
		return
	}
	h.queue = append(h.queue, pr)
	h.ready.Signal()
}

// newProcess makes a process with the host's libraries: the sandbox
// profile, mb, sealed (so continuations carry only what the script did).
func (h *Host) newProcess(pr *proc) *runtime.Process {
	var s spare
	select {
	case s = <-h.spares:
	default:
		s = h.makeSpare()
	}
	h.refill()
	s.out.pr, s.p.Embedder = pr, pr
	return s.p
}

// spare is a fresh process made ahead of need: opening the libraries is
// most of what a small process's thaw costs (100 µs of a jump's way).
// Its output goes to the proc it is given to.
type spare struct {
	p   *runtime.Process
	out *procOut
}

func (h *Host) makeSpare() spare {
	out := &procOut{h: h}
	p := hostPrototype().NewProcess(out, out)
	h.limit(p)
	return spare{p, out}
}

// refill makes the next spare in the background (one at a time).
func (h *Host) refill() {
	if !h.refilling.CompareAndSwap(false, true) {
		return
	}
	go func() {
		defer h.refilling.Store(false)
		select {
		case h.spares <- h.makeSpare():
		default:
		}
	}()
}

func (h *Host) thawOptions(pr *proc) continuation.Options {
	return continuation.Options{NewProcess: func(bool) *runtime.Process { return h.newProcess(pr) }, Cache: h.cache, Unpack: pack.Unpack}
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
	if pr.stepDone != nil { // a step's output is its reply
		pr.addOutput(b, o.h.cfg.MaxReply)
	} else {
		o.h.output(pr, b)
	}
	keep, tail := o.h.cfg.MaxOutput, b
	if len(tail) > keep { // only its end is kept
		tail = tail[len(tail)-keep:]
	}
	out := pr.rec.Output + string(tail)
	if len(out) > keep {
		out = out[len(out)-keep:]
	}
	pr.printed = max(pr.printed, int64(len(pr.rec.Output))) + int64(len(b))
	pr.rec.Output = out
	o.h.notify()
	return len(b), nil
}

// ProcessSender is a transport that can send a message as a process, from
// an address of its own that the user may answer (a component's
// p42@procs.example).
type ProcessSender interface {
	SendAs(pid, to, text string) error
}

// cut shortens text to MaxStanza bytes (on a character's boundary), with
// a note of what was cut: an XMPP server drops a stream that sends a
// stanza over its limit (Prosody's is 256 KiB).
func (h *Host) cut(text string) string {
	limit := h.cfg.MaxStanza
	if limit <= 0 || len(text) <= limit {
		return text
	}
	n := max(limit-40, 0) // room for the note
	for n > 0 && !utf8.RuneStart(text[n]) {
		n--
	}
	return text[:n] + fmt.Sprintf("\n[... %d more bytes cut]", len(text)-n)
}

// checkpoint persists the process's record and continuation. h.mu is held.
func (h *Host) checkpoint(pr *proc) error {
	start := time.Now()
	cont, err := continuation.Freeze(pr.p)
	if err != nil {
		return err
	}
	return h.keep(pr, cont, start)
}

// errEnded: a process ended (killed) while its checkpoint was frozen.
var errEnded = errors.New("ended meanwhile")

// checkpointAside is checkpoint for a process at the end of its slice,
// frozen with h.mu let go: the host answers others meanwhile (a large
// heap takes a second or more to freeze). It is marked running as it was
// during its slice, so that what else happens to it waits or, as a kill,
// leaves it to this worker (errEnded). h.mu is held.
func (h *Host) checkpointAside(pr *proc) error {
	start, p := time.Now(), pr.p
	pr.running = true
	h.mu.Unlock()
	h.failPoint(FailCheckpointFreezing)
	cont, err := continuation.Freeze(p)
	h.mu.Lock()
	pr.running = false
	switch {
	case pr.rec.State != StateRunning || pr.p != p: // killed meanwhile
		p.ReleaseMemory()
		return errEnded
	case err != nil:
		return err
	}
	return h.keep(pr, cont, start)
}

// keep stores pr with cont, its continuation frozen from start on. h.mu
// is held.
func (h *Host) keep(pr *proc, cont []byte, start time.Time) error {
	if err := h.room(pr.rec.Owner, len(cont)-pr.contSize); err != nil {
		return err
	}
	h.saving(pr, &pr.rec)
	if err := h.store.Put(&pr.rec, cont, false); err != nil {
		return err
	}
	h.kept(pr, len(cont))
	pr.lastSave = time.Now()
	pr.saveTook = pr.lastSave.Sub(start)
	h.backupSoon(pr)
	return nil
}

// checkpointPace is how many times its last checkpoint took a running
// process waits at least for the next: checkpoints, made while h.mu is
// held, take at most about a twentieth of its time (a process holding
// 100 MB takes about a second to freeze and store).
const checkpointPace = 20

// checkpointDue says whether a running process at the end of a slice is
// due a checkpoint (CheckpointEvery).
func (h *Host) checkpointDue(pr *proc) bool {
	every := h.cfg.CheckpointEvery
	if every > 0 {
		every = max(every, checkpointPace*pr.saveTook)
	}
	return time.Since(pr.lastSave) >= every
}

// saving brings rec, pr's record about to be stored with a continuation
// of pr's state now, up to that state.
func (h *Host) saving(pr *proc, rec *Record) {
	rec.MailSeq = pr.consumed // the messages it received go with the state that received them
	if pr.p.YieldedBy() != callInput {
		rec.Answer = nil // taken
	}
	if pr.p.YieldedBy() != stdlib.MbJump {
		rec.Arrived, rec.JumpFailed = false, ""
	}
	if pr.p.YieldedBy() != callSpawn {
		rec.SpawnPart = ""
	}
	h.joinedParts(pr, rec)
}

// worker runs slices of the processes in queue (the run queue, or the
// step commands' queue) until the host closes.
func (h *Host) worker(queue *[]*proc, ready *sync.Cond) {
	defer h.wg.Done()
	for {
		h.mu.Lock()
		for len(*queue) == 0 && !h.closing {
			ready.Wait()
		}
		if h.closing {
			h.mu.Unlock()
			return
		}
		pr := (*queue)[0]
		(*queue)[0] = nil
		*queue = (*queue)[1:]
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
	args, raise, p := pr.args, pr.raise, pr.p
	pr.args, pr.raise, pr.running = nil, runtime.Nil, true
	h.mu.Unlock()
	before := p.Steps()
	var st runtime.Status
	var err error
	if raise.IsNil() {
		st, err = p.Resume(args...)
	} else {
		st, err = p.Raise(raise)
	}
	if pr.slices++; err == nil && st != runtime.Done && pr.slices >= 8 {
		// what no charge saw: measure the heap every few slices
		pr.slices = 0
		err = p.CheckMemory()
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	pr.running = false
	h.stats.Steps += p.Steps() - before
	pr.steps, pr.memory = p.Steps(), p.MemoryInUse()
	if pr.rec.State != StateRunning || pr.p != p { // killed meanwhile
		p.ReleaseMemory()
		return
	}
	if err == nil && h.cfg.MaxLifetime > 0 && !pr.rec.Started.IsZero() && time.Since(pr.rec.Started) > h.cfg.MaxLifetime {
		err = fmt.Errorf("lifetime exceeded (%s)", h.cfg.MaxLifetime)
	}
	if pr.stepDone != nil {
		h.stepSlice(pr, st, err)
		return
	}
	if err != nil || st != runtime.OutOfSteps {
		h.flushOutput(pr)
	}
	switch {
	case err != nil:
		if le, ok := err.(*runtime.Error); ok && le.Traceback != "" {
			pr.traceback = "\n" + le.Traceback
		}
		h.end(pr, StateFailed, errorText(err))
	case st == runtime.Done:
		h.end(pr, StateFinished, "")
	case st == runtime.Yielded:
		h.serve(pr)
	case pr.moveTo != "": // out of steps, and its owner moves it (Move)
		h.move(pr)
	default: // out of steps
		h.requeue(pr)
	}
}

// requeue puts pr, which has used its slice, at the end of the run queue
// (others get a turn), storing it first when its last checkpoint is old.
// h.mu is held.
func (h *Host) requeue(pr *proc) {
	if h.checkpointDue(pr) {
		// freezing and storing take about three times the heap for a
		// moment: within the budget, or at a later slice
		if need := 3 * pr.p.MemoryInUse(); h.pool.Reserve(need) {
			err := h.checkpointAside(pr)
			h.pool.Release(need)
			switch {
			case errors.Is(err, errEnded):
				return
			case errors.Is(err, errStored):
				h.end(pr, StateFailed, err.Error())
				return
			}
		}
	}
	h.enqueue(pr)
}

// ask tells pr's user that it waits in mb.input, and what it asks.
// h.mu is held.
func (h *Host) ask(pr *proc) {
	msg := fmt.Sprintf("%s waits for input %s", pr.rec.PID, h.answerHint(pr))
	if pr.rec.Prompt != "" {
		msg = fmt.Sprintf("%s asks: %s %s", pr.rec.PID, pr.rec.Prompt, h.answerHint(pr))
	}
	h.tellAs(pr, msg)
	h.notify()
}

// answerHint says how pr's owner answers its mb.input: in their shell
// by typing, to a component's process by answering in its chat, else
// with the input command. h.mu is held.
func (h *Host) answerHint(pr *proc) string {
	switch {
	case h.shells[pr.rec.Owner] == pr.rec.PID:
		return "(it is your shell: type the answer)"
	case !strings.Contains(h.cfg.Name, "@"):
		return fmt.Sprintf("(answer in this chat, or: input %s <text>)", pr.rec.PID)
	}
	return fmt.Sprintf("(answer with: input %s <text>)", pr.rec.PID)
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
