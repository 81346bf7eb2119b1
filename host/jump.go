package host

import (
	"errors"
	"fmt"
	goruntime "runtime"
	"slices"
	"time"

	"github.com/mobilua/mobilua/continuation"
	"github.com/mobilua/mobilua/runtime"
)

// This file is jumps: a process sent to another host exactly once, and one taken in.

// Jumper is a transport that can carry a process to another host.
type Jumper interface {
	// Jump delivers a frozen process, migration id, to the host named to.
	// It returns once that host has stored it (nil, and the PID it has
	// there if the host said), refused it (an error), or when it did not
	// answer (ErrNoAnswer: the host may or may not have it).
	//
	// stored, when not nil, says when this host has stored the process
	// as migrating: nil, or the error that kept it from being stored.
	// Until then the transport may send nothing that completes the jump:
	// a process the receiver runs is one its sender can account for after
	// a crash. It may send all of it, for the receiver to store and hold
	// until told (Host.ReceiveHeld, JumpAsker). With an error the jump is
	// not completed (and returns that error).
	Jump(to, id string, rec Record, cont []byte, stored <-chan error) (pid string, err error)
	// Cancel settles a jump that got no answer: the host says whether it
	// took it in; if it had not, it refuses it from now on.
	Cancel(to, id string) (taken bool, err error)
	// Peers names the hosts it reaches.
	Peers() []string
}

// A JumpAsker is a Jumper whose jumps may be held by their receiver
// (Host.ReceiveHeld) until the sender confirms them.
type JumpAsker interface {
	// AskJump asks the host from whether migration id is to go on here;
	// its answer comes as Host.CommitJump.
	AskJump(from, id string) error
}

// ErrNoAnswer is a jump the other host did not answer in time.
var ErrNoAnswer = errors.New("no answer")

// errPending: a jump that is neither done nor refused yet; the process
// stays "migrating" and the jump is tried again.
var errPending = errors.New("jump pending")

// Migration names a jump that arrives here: the host it comes from and
// the migration ID the sender gave it. The store keeps which migrations
// were taken in (and the PID each got), which were cancelled: Receive,
// Received and CancelJump are the only ones that ask.
type Migration struct {
	From string `json:"from"` // the sending host's address ("" on a Memory transport)
	ID   string `json:"id"`
}

// key is the migration's name in the store.
func (m Migration) key() string { return m.From + " " + m.ID }

// Receive takes in a process that jumped here as migration m, stores it,
// and runs it (mb.jump returns true in it). cont is its continuation,
// packed (pack.Pack) or not: it is stored as it is; unpacked, when
// not nil, is cont unpacked (the transport unpacked it to check it), which
// the thaw reads instead of unpacking it again. The process, its new PID and
// m are stored in one transaction, and a migration taken in before is
// not taken in twice (the sender may send it again after a crash).
// stored, when not nil, is called with the PID here as soon as the
// process is stored (or was, by an earlier copy of m): before its owner
// is told and it runs, so that the sender's acknowledgement goes first.
func (h *Host) Receive(m Migration, rec Record, cont, unpacked []byte, stored func(pid string)) error {
	return h.takeIn(m, rec, cont, unpacked, false, stored)
}

// ReceiveHeld takes in a process as Receive does, but holds it, unseen
// and not run, until its sender confirms the jump (CommitJump): a sender
// that sends before it has stored the process as gone, so that the two
// stores overlap, confirms once its own is done. A held process whose
// sender does not confirm in time is asked about (JumpAsker), again after
// a restart.
func (h *Host) ReceiveHeld(m Migration, rec Record, cont, unpacked []byte, stored func(pid string)) error {
	return h.takeIn(m, rec, cont, unpacked, true, stored)
}

func (h *Host) takeIn(m Migration, rec Record, cont, unpacked []byte, hold bool, stored func(pid string)) error {
	if stored == nil {
		stored = func(string) {}
	}
	if pid, ok := h.Received(m); ok { // sent again: it is here already
		stored(pid)
		return nil
	}
	// it starts its life here: the lifetime limit is this host's, from now
	pr := &proc{h: h, rec: Record{Owner: rec.Owner, Client: ownClient(rec), Name: peerName(rec.Name), Source: rec.Source, Comment: truncate(rec.Comment, maxComment),
		State: StateRunning, Created: rec.Created, Started: time.Now().UTC(), Arrived: true, Travels: peerTravels(rec.Travels),
		Part: truncate(rec.Part, 64), ReplyTo: truncate(rec.ReplyTo, 512)}}
	h.mu.Lock()
	err := h.admit(rec.Owner)
	if err == nil {
		err = h.room(rec.Owner, len(cont))
	}
	if err == nil && hold {
		// its sender's word may have come first: then it is not held
		switch ok, said := h.takeEarly(m); {
		case said && !ok:
			err = errWithdrawn
		case !said:
			pr.rec.Held = &m
			h.arriving[m.key()] = true // a word that comes meanwhile is kept
			defer h.doneArriving(m)
		}
	}
	h.mu.Unlock()
	if err != nil {
		return err
	}
	if unpacked == nil {
		unpacked = cont // (the thaw unpacks a packed one)
	}
	thawed := make(chan error, 1)
	go func() { thawed <- h.thawArrival(pr, rec, unpacked) }()
	var early *arrival
	if hold && rec.Wait == "" {
		// nothing its thaw finds changes its record (waits): stored while
		// it thaws, it is held until both are done
		early = h.storeArrival(pr.rec, cont, m)
	}
	if err := <-thawed; err != nil {
		if early != nil && early.err == nil && early.fresh {
			h.store.DropArrival(early.pid, m.key())
		}
		return err
	}
	h.failPoint(FailReceiveThawed)
	a := early
	if a == nil {
		a = h.storeArrival(pr.rec, cont, m)
	}
	if a.err != nil {
		pr.drop()
		return a.err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.failPoint(FailReceiveStored)
	stored(a.pid)
	if !a.fresh {
		pr.drop()
		return nil
	}
	pr.rec.PID, pr.lastSave = a.pid, time.Now()
	h.kept(pr, len(cont))
	if pr.rec.Held != nil {
		h.holdArrival(pr)
		return nil
	}
	h.arrive(pr, m)
	return nil
}

// thawArrival thaws pr, arriving with the record rec, as it goes on
// here: mb.jump returns true, or it waits as it waited there.
func (h *Host) thawArrival(pr *proc, rec Record, cont []byte) error {
	p, err := h.thaw(pr, cont)
	if err != nil {
		return err
	}
	pr.p = p
	pr.args = []runtime.Value{runtime.True}
	waits(pr, rec)
	return nil
}

// arrival is how a process that arrived was stored: its PID here, and
// whether it is new here (not a migration received before).
type arrival struct {
	pid   string
	fresh bool
	err   error
}

// storeArrival stores a process that arrives as migration m: its record
// (the PID given it here), and its continuation as it came, which is its
// checkpoint.
func (h *Host) storeArrival(rec Record, cont []byte, m Migration) *arrival {
	h.mu.Lock()
	defer h.mu.Unlock()
	var a arrival
	a.pid, a.fresh, a.err = h.store.PutNew(&rec, cont, m.key())
	return &a
}

// holdArrival keeps pr, arrived by a jump its sender has not confirmed, aside
// (not among the host's processes) and asks its sender about it if no
// confirmation comes in time; then its live state goes (it is thawed
// again when it runs). A confirmation that came while it was taken in
// settles it at once. h.mu is held.
func (h *Host) holdArrival(pr *proc) {
	m := *pr.rec.Held
	h.held[m.key()] = pr
	if ok, said := h.takeEarly(m); said {
		if err := h.settle(pr, m, ok); err != nil {
			h.log.Warn("jump not settled", "pid", pr.rec.PID, "migration", m.ID, "err", err)
		}
		if h.held[m.key()] != pr {
			return
		}
	}
	var ask func()
	ask = func() {
		h.mu.Lock()
		still := !h.closing && h.held[m.key()] == pr
		if still {
			pr.drop()
		}
		h.mu.Unlock()
		if !still {
			return
		}
		if a, ok := h.tr.(JumpAsker); ok {
			a.AskJump(m.From, m.ID) // the answer is a CommitJump
		}
		time.AfterFunc(h.cfg.JumpRetry, ask)
	}
	time.AfterFunc(h.cfg.JumpRetry, ask)
}

// arrive lets pr, stored here after migration m, run (or wait as it
// came), and tells its owner. h.mu is held.
func (h *Host) arrive(pr *proc, m Migration) {
	pid, was := pr.rec.PID, Hop{}
	if n := len(pr.rec.Travels); n > 0 {
		was = pr.rec.Travels[n-1]
	}
	h.procs[pid] = pr
	h.backupSoon(pr)
	h.log.Info("process arrived", "pid", pid, "was", was.PID, "owner", pr.rec.Owner, "from", m.From, "migration", m.ID)
	h.stats.JumpsIn++
	if pr.rec.Part == "" { // a part's owner hears of it from its parent
		h.tell(pr, fmt.Sprintf("%s arrived on %s (it was %s)", pid, h.cfg.Name, was.PID))
	}
	switch {
	case pr.rec.State == StateSleeping:
		h.evict(pr)
		h.arm(pr)
	case pr.rec.State == StateInput:
		h.evict(pr)
		h.ask(pr)
	case pr.p == nil: // held over a restart, or for long
		h.start(pr)
	default:
		h.enqueue(pr)
	}
}

// CommitJump settles migration m, held here (ReceiveHeld): its sender
// says whether the process is stored there as gone (go: it runs here) or
// stays there (it is forgotten here, and the migration refused from now
// on). A sender says so as soon as its own store is done, so the word may
// come before the process is held: it is kept for the process (takeIn,
// holdArrival) unless the migration was taken in and is not held (the
// word of a migration sent again).
func (h *Host) CommitJump(m Migration, ok bool) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	pr := h.held[m.key()]
	if pr == nil {
		if _, taken := h.Received(m); h.arriving[m.key()] || !taken {
			h.keepEarly(m, ok)
		}
		return nil
	}
	return h.settle(pr, m, ok)
}

// settle lets pr, held after migration m, run (ok) or forgets it. h.mu
// is held.
func (h *Host) settle(pr *proc, m Migration, ok bool) error {
	if !ok {
		if err := h.store.DropArrival(pr.rec.PID, m.key()); err != nil {
			return err
		}
		delete(h.held, m.key())
		h.kept(pr, 0)
		pr.drop()
		h.log.Info("jump withdrawn by its sender", "pid", pr.rec.PID, "from", m.From, "migration", m.ID)
		return nil
	}
	pr.rec.Held = nil
	// (not synced: a host that loses it finds the process held, asks its
	// sender again and is told the same; either way the process goes on
	// from its last checkpoint, the continuation that came)
	if err := h.store.PutLater(&pr.rec, nil, false); err != nil {
		pr.rec.Held = &m
		return err
	}
	delete(h.held, m.key())
	h.arrive(pr, m)
	return nil
}

// earlyWord is a sender's word on a migration not held here yet (CommitJump),
// and when it came.
type earlyWord struct {
	ok bool
	at time.Time
}

// maxEarly bounds the words kept for migrations not held yet; a word is
// kept at most earlyFor (a sender's word for a jump this host refused, or
// never got, is never taken).
const (
	maxEarly = 4096
	earlyFor = time.Minute
)

// errWithdrawn refuses a migration whose sender withdrew it before it came.
var errWithdrawn = errors.New("this migration was withdrawn by its sender")

// keepEarly keeps the word ok on migration m for when it is taken in:
// past maxEarly words, those older than earlyFor go, and if none does the
// word is not kept (the process is then held, and its sender asked after
// JumpRetry). h.mu is held.
func (h *Host) keepEarly(m Migration, ok bool) {
	now := time.Now()
	if len(h.early) >= maxEarly {
		for k, e := range h.early {
			if now.Sub(e.at) > earlyFor {
				delete(h.early, k)
			}
		}
		if len(h.early) >= maxEarly {
			return
		}
	}
	h.early[m.key()] = earlyWord{ok, now}
}

// takeEarly takes the word kept on migration m, if there is one. h.mu is
// held.
func (h *Host) takeEarly(m Migration) (ok, said bool) {
	e, said := h.early[m.key()]
	delete(h.early, m.key())
	return e.ok, said
}

// doneArriving ends migration m's taking in (takeIn).
func (h *Host) doneArriving(m Migration) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.arriving, m.key())
}

// JumpSent answers a receiver that holds migration id from the host
// to (JumpAsker): whether the process is stored here as gone there, so
// that it runs there; if not, it never will be (it is not migrating
// under that ID, and only a jump now starting makes a new ID).
func (h *Host) JumpSent(to, id string) bool {
	h.mu.Lock() // a jump stores its process with h.mu held
	defer h.mu.Unlock()
	return h.store.Sent(to, id)
}

// waits makes an arriving process wait as the record it came with says
// (a host moved it while it slept or waited for input), if its state
// agrees: it yielded in that wait.
func waits(pr *proc, rec Record) {
	switch by := pr.p.YieldedBy(); {
	case rec.Wait == StateSleeping && by == callSleep && !rec.WakeAt.IsZero():
		pr.rec.State, pr.rec.WakeAt = StateSleeping, rec.WakeAt
	case rec.Wait == StateInput && by == callInput:
		pr.rec.State, pr.rec.Prompt = StateInput, truncate(rec.Prompt, maxComment)
	default:
		return
	}
	pr.rec.Arrived, pr.args = false, nil
}

// travelled is a record's travels with one more hop (the earliest go past
// maxTravels).
func travelled(hops []Hop, h Hop) []Hop {
	out := append(slices.Clone(hops), h)
	return out[max(0, len(out)-maxTravels):]
}

// peerTravels is what a host keeps of the travels a peer's record says:
// the last maxTravels hops, each host and PID cut to a sane length.
func peerTravels(hops []Hop) []Hop {
	hops = hops[max(0, len(hops)-maxTravels):]
	out := make([]Hop, len(hops))
	for i, h := range hops {
		out[i] = Hop{Host: truncate(h.Host, 256), PID: truncate(h.PID, 64), Left: h.Left}
	}
	return out
}

// peerName is a script's name from a peer's record, if it is one.
func peerName(name string) string {
	if !isScriptName(name) {
		return ""
	}
	return name
}

// ownClient is rec's client address if it is one of its owner's (a
// record from a peer may say anything).
func ownClient(rec Record) string {
	if bare(rec.Client) != rec.Owner {
		return ""
	}
	return rec.Client
}

// jump sends pr to another host, exactly once: the process is stored as
// "migrating" (with its continuation and a migration ID) before anything
// is sent, so that a crash of this host at any point leaves it either
// here or there, never both, and never lost. h.mu is held.
func (h *Host) jump(pr *proc, to string) error {
	if _, ok := h.tr.(Jumper); !ok {
		return fmt.Errorf("this host has no peers")
	}
	if to == h.cfg.Name {
		return fmt.Errorf("already on %s", to)
	}
	h.failPoint(FailJumpStart)
	cont, err := continuation.Freeze(pr.p)
	if err != nil {
		return err
	}
	if err := h.room(pr.rec.Owner, len(cont)-pr.contSize); err != nil {
		return err
	}
	if err := h.jumpRate(pr.rec.Owner, len(cont)); err != nil {
		return err
	}
	pr.rec.State, pr.rec.Migration, pr.rec.MigrateTo = StateMigrating, randomID(), to
	// the transport starts while the store writes: what it may send
	// before the process is stored does not complete the jump
	stored := make(chan error, 1)
	sent := h.sendJump(pr, cont, stored)
	// the sending goroutine first: made next to run on this thread, it
	// would wait here through the store's syscalls (a thread in a syscall
	// keeps it until Go's monitor takes it back); its first piece left
	// 400 µs after mb.jump, 160 µs with this
	goruntime.Gosched()
	err = h.store.Put(&pr.rec, cont, false)
	stored <- err
	if err != nil {
		pr.rec.State, pr.rec.Migration, pr.rec.MigrateTo = StateRunning, "", ""
		return err
	}
	h.kept(pr, len(cont))
	pr.lastSave = time.Now()
	h.failPoint(FailJumpStored)
	h.log.Info("jump", "pid", pr.rec.PID, "owner", pr.rec.Owner, "to", to, "migration", pr.rec.Migration, "bytes", len(cont))
	return h.finishJump(pr, sent)
}

// sent is how a jump's sending ended: the PID the process has at the
// other host, or why not (Jumper.Jump).
type sent struct {
	pid string
	err error
}

// sendJump starts sending pr, migrating, with its continuation cont to the
// host it migrates to (stored as in Jumper.Jump: nil when the process is
// stored already). h.mu is held.
func (h *Host) sendJump(pr *proc, cont []byte, stored <-chan error) <-chan sent {
	j := h.tr.(Jumper)
	rec, id, to := pr.rec, pr.rec.Migration, pr.rec.MigrateTo
	rec.Travels = travelled(rec.Travels, Hop{Host: h.cfg.Name, PID: rec.PID, Left: time.Now().UTC()})
	done := make(chan sent, 1)
	go func() {
		pid, err := j.Jump(to, id, rec, cont, stored)
		done <- sent{pid, err}
	}()
	return done
}

// Move sends one of the caller's running processes to the peer to, at
// the end of its current slice, as mb.jump would (it goes on there where
// it stopped). A process that waits moves when it runs again; one that
// cannot go stays, and its owner is told why.
func (h *Host) Move(from, pid, to string) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	pr, err := h.mine(from, pid)
	if err != nil {
		return err
	}
	switch peers := h.Peers(); {
	case len(peers) == 0:
		return errors.New("this host has no peers")
	case !slices.Contains(peers, to):
		return fmt.Errorf("%s is not a peer of this host", to)
	case pr.rec.State == StateNew:
		return fmt.Errorf("%s has not started: run it first", pr.rec.PID)
	case !pr.rec.State.live() || pr.rec.State == StateMigrating:
		return fmt.Errorf("%s is %s", pr.rec.PID, pr.rec.State)
	}
	pr.moveTo = to
	return nil
}

// move sends pr, stopped at the end of a slice, to pr.moveTo. h.mu is
// held.
func (h *Host) move(pr *proc) {
	to := pr.moveTo
	pr.moveTo = ""
	if err := h.jump(pr, to); err != nil && !errors.Is(err, errPending) {
		h.tell(pr, fmt.Sprintf("%s stays on %s: %v", pr.rec.PID, h.cfg.Name, err))
		h.requeue(pr)
	}
}

// finishJump waits for a migrating process's sending (sendJump) and settles
// the outcome. h.mu is held (and released while the network is waited
// for).
func (h *Host) finishJump(pr *proc, sending <-chan sent) error {
	j := h.tr.(Jumper)
	id, to := pr.rec.Migration, pr.rec.MigrateTo
	h.mu.Unlock()
	r := <-sending
	newPID, err := r.pid, r.err
	taken := err == nil
	if errors.Is(err, ErrNoAnswer) {
		var cerr error
		if taken, cerr = j.Cancel(to, id); cerr != nil {
			h.mu.Lock()
			h.retryJump(pr, h.cfg.JumpRetry)
			return errPending
		}
		err = nil
		if !taken {
			err = fmt.Errorf("%s did not answer in time", to)
		}
	}
	h.mu.Lock()
	if pr.rec.State != StateMigrating || pr.rec.Migration != id {
		return errPending // killed meanwhile
	}
	if taken {
		h.failPoint(FailJumpAcked)
		pr.rec.State, pr.rec.Reason = StateMigrated, "to "+to
		if newPID != "" {
			pr.rec.Reason += " as " + newPID
		}
		h.log.Info("jumped", "pid", pr.rec.PID, "to", to, "as", newPID, "migration", id)
		h.stats.JumpsOut++
		pr.drop()
		// (not synced: a host that loses it finds the process stored as
		// on its way, and asks the receiver again)
		h.store.PutLater(&pr.rec, nil, true)
		h.kept(pr, 0)
		return nil
	}
	// refused, or cancelled: it goes on here, mb.jump returning nil, why
	h.log.Warn("jump failed", "pid", pr.rec.PID, "to", to, "migration", id, "err", err)
	h.stats.JumpsFailed++
	pr.rec.State, pr.rec.Migration, pr.rec.MigrateTo, pr.rec.JumpFailed = StateRunning, "", "", err.Error()
	h.store.Put(&pr.rec, nil, false)
	return err
}

// retryJump tries a pending jump again after d. h.mu is held.
func (h *Host) retryJump(pr *proc, d time.Duration) {
	pid, id := pr.rec.PID, pr.rec.Migration
	time.AfterFunc(d, func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		if h.closing || pr.rec.State != StateMigrating || pr.rec.Migration != id {
			return
		}
		_, cont, err := h.store.Get(pid)
		if err != nil || cont == nil {
			return
		}
		if err := h.load(pr); err != nil {
			return
		}
		switch err := h.finishJump(pr, h.sendJump(pr, cont, nil)); {
		case err == nil, errors.Is(err, errPending):
		default:
			pr.args = []runtime.Value{runtime.Nil, runtime.String(err.Error())}
			h.enqueue(pr)
		}
	})
}

// Received says whether migration m was taken in here, and the PID it got.
func (h *Host) Received(m Migration) (pid string, ok bool) { return h.store.Migrated(m.key()) }

// CancelJump settles migration m, which its sender gave up waiting for:
// whether it was taken in; if not, it will be refused from now on.
func (h *Host) CancelJump(m Migration) (taken bool, err error) {
	if taken, err = h.store.CancelMigration(m.key()); taken && err == nil {
		// held here: its sender, asking, has it stored as gone
		err = h.CommitJump(m, true)
	}
	return taken, err
}
