package host

import (
	"crypto/rand"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/mobilua/mobilua/continuation"
	"github.com/mobilua/mobilua/runtime"
)

//go:embed examples/*.lua
var examplesFS embed.FS

// examples returns the bundled examples in order.
func examples() []string {
	ents, _ := examplesFS.ReadDir("examples")
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	return names
}

func (h *Host) cmdExamples(from, _ string) string {
	var b strings.Builder
	for i, n := range examples() {
		src, _ := examplesFS.ReadFile(path.Join("examples", n))
		first, _, _ := strings.Cut(string(src), "\n")
		fmt.Fprintf(&b, "example %d — %s\n", i+1, strings.TrimPrefix(strings.TrimPrefix(first, "-- "), fmt.Sprintf("%d: ", i+1)))
	}
	return strings.TrimSuffix(b.String(), "\n")
}

func (h *Host) cmdExample(from, arg string) string {
	var n int
	if _, err := fmt.Sscan(arg, &n); err != nil || n < 1 || n > len(examples()) {
		return fmt.Sprintf("example wants a number from 1 to %d (examples lists them)", len(examples()))
	}
	file := examples()[n-1]
	src, _ := examplesFS.ReadFile(path.Join("examples", file))
	_, name, _ := strings.Cut(file, "-") // 1-hello.lua
	pid, err := h.New(from, name, string(src))
	if err != nil {
		return err.Error()
	}
	return h.cmdRun(from, pid)
}

// cmdShell makes a process the caller's shell: their later messages are
// its input.
func (h *Host) cmdShell(from, arg string) string {
	h.mu.Lock()
	defer h.mu.Unlock()
	if arg == "off" {
		if _, ok := h.shells[from]; !ok {
			return "you have no shell on (shell <pid> makes a process your shell)"
		}
		delete(h.shells, from)
		return "shell off: messages are commands again"
	}
	pr, msg := h.own(from, arg)
	if pr == nil {
		return msg
	}
	h.shells[from] = pr.rec.PID
	return fmt.Sprintf("your messages now go to %s as input; shell off ends that", pr.rec.PID)
}

// toShell passes a message to the caller's shell process, if they have
// one, and returns the reply ("" when the process took it).
func (h *Host) toShell(from, text string) (string, bool) {
	h.mu.Lock()
	pid, ok := h.shells[from]
	h.mu.Unlock()
	if !ok || strings.TrimSpace(text) == "shell off" {
		return "", false
	}
	return h.Input(from, pid, text), true
}

// ---- jumping between hosts on one transport

// Jumper is a transport that can carry a process to another host.
type Jumper interface {
	// Jump delivers a frozen process, migration id, to the host named to.
	// It returns once that host has stored it (nil, and the PID it has
	// there if the host said), refused it (an error), or when it did not
	// answer (ErrNoAnswer: the host may or may not have it).
	Jump(to, id string, rec Record, cont []byte) (pid string, err error)
	// Cancel settles a jump that got no answer: the host says whether it
	// took it in; if it had not, it refuses it from now on.
	Cancel(to, id string) (taken bool, err error)
	// Peers names the hosts it reaches.
	Peers() []string
}

// ErrNoAnswer is a jump the other host did not answer in time.
var ErrNoAnswer = errors.New("no answer")

// errPending: a jump that is neither done nor refused yet; the process
// stays "migrating" and the jump is tried again.
var errPending = errors.New("jump pending")

// Receive takes in a process that jumped here, stores it, and runs it
// (mb.jump returns true in it).
func (h *Host) Receive(rec Record, cont []byte) error { return h.ReceiveJump("", rec, cont) }

// ReceiveJump is Receive for migration id: the process, its new PID and
// the id are stored in one transaction, and a migration received before
// is not taken in twice (the sender may send it again after a crash).
func (h *Host) ReceiveJump(id string, rec Record, cont []byte) error {
	return h.ReceiveJumpThen(id, rec, cont, nil)
}

// ReceiveJumpThen is ReceiveJump calling stored with its PID here, when
// not nil, as soon as the process is stored (or was, by an earlier copy
// of the migration):
// before its owner is told and it runs, so that the sender's
// acknowledgement goes first.
func (h *Host) ReceiveJumpThen(id string, rec Record, cont []byte, stored func(pid string)) error {
	// it starts its life here: the lifetime limit is this host's, from now
	pr := &proc{h: h, rec: Record{Owner: rec.Owner, Client: ownClient(rec), Name: peerName(rec.Name), Source: rec.Source, Comment: truncate(rec.Comment, maxComment),
		State: StateRunning, Created: rec.Created, Started: time.Now().UTC(), Arrived: true}}
	h.mu.Lock()
	err := h.admit(rec.Owner)
	if err == nil {
		err = h.room(rec.Owner, len(cont))
	}
	h.mu.Unlock()
	if err != nil && !h.store.Migrated(id) {
		return err
	}
	p, err := h.thaw(pr, cont)
	if err != nil {
		return err
	}
	pr.p = p
	pr.args = []runtime.Value{runtime.True}
	h.failPoint(FailReceiveThawed)
	h.mu.Lock()
	defer h.mu.Unlock()
	// the continuation as it came: it is this process's checkpoint
	pid, fresh, err := h.store.PutNew(&pr.rec, cont, id)
	if err != nil {
		pr.drop()
		return err
	}
	h.failPoint(FailReceiveStored)
	if stored != nil {
		stored(pid)
	}
	if !fresh {
		pr.drop()
		return nil
	}
	pr.lastSave = time.Now()
	h.kept(pr, len(cont))
	h.procs[pid] = pr
	h.log.Info("process arrived", "pid", pid, "was", rec.PID, "owner", rec.Owner, "migration", id)
	h.tell(pr, fmt.Sprintf("%s arrived on %s (it was %s)", pid, h.cfg.Name, rec.PID))
	h.enqueue(pr)
	return nil
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
	var idb [12]byte
	rand.Read(idb[:])
	if err := h.room(pr.rec.Owner, len(cont)-pr.contSize); err != nil {
		return err
	}
	if err := h.jumpRate(pr.rec.Owner, len(cont)); err != nil {
		return err
	}
	pr.rec.State, pr.rec.Migration, pr.rec.MigrateTo = StateMigrating, hex.EncodeToString(idb[:]), to
	if err := h.store.Put(&pr.rec, cont, false); err != nil {
		pr.rec.State, pr.rec.Migration, pr.rec.MigrateTo = StateRunning, "", ""
		return err
	}
	h.kept(pr, len(cont))
	pr.lastSave = time.Now()
	h.failPoint(FailJumpStored)
	h.log.Info("jump", "pid", pr.rec.PID, "owner", pr.rec.Owner, "to", to, "migration", pr.rec.Migration, "bytes", len(cont))
	return h.finishJump(pr, cont)
}

// finishJump sends a migrating process and settles the outcome. h.mu is
// held (and released while the network is waited for).
func (h *Host) finishJump(pr *proc, cont []byte) error {
	j := h.tr.(Jumper)
	rec, id, to := pr.rec, pr.rec.Migration, pr.rec.MigrateTo
	h.mu.Unlock()
	newPID, err := j.Jump(to, id, rec, cont)
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
		pr.drop()
		h.store.Put(&pr.rec, nil, true)
		h.kept(pr, 0)
		return nil
	}
	// refused, or cancelled: it goes on here, mb.jump returning nil, why
	h.log.Warn("jump failed", "pid", pr.rec.PID, "to", to, "migration", id, "err", err)
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
		switch err := h.finishJump(pr, cont); {
		case err == nil, errors.Is(err, errPending):
		default:
			pr.args = []runtime.Value{runtime.Nil, runtime.String(err.Error())}
			h.enqueue(pr)
		}
	})
}

// CancelJump settles a migration that arrives here as key (the sender's
// address and the migration ID): whether it was taken in; if not, it will
// be refused from now on.
func (h *Host) CancelJump(key string) (bool, error) { return h.store.CancelMigration(key) }

// Network connects hosts that share a Memory transport, for mb.jump.
func (m *Memory) Attach(h *Host) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.hosts == nil {
		m.hosts = map[string]*Host{}
	}
	m.hosts[h.cfg.Name] = h
}

// Jump delivers a process to an attached host.
func (m *Memory) Jump(to, id string, rec Record, cont []byte) (pid string, err error) {
	h, err := m.peer(to)
	if err != nil {
		return "", err
	}
	err = h.ReceiveJumpThen(id, rec, cont, func(p string) { pid = p })
	return pid, err
}

// peer returns the attached host named name.
func (m *Memory) peer(name string) (*Host, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if h := m.hosts[name]; h != nil {
		return h, nil
	}
	return nil, fmt.Errorf("no host %s", name)
}

// Cancel settles a jump to an attached host.
func (m *Memory) Cancel(to, id string) (bool, error) {
	h, err := m.peer(to)
	if err != nil {
		return false, err
	}
	return h.CancelJump(id)
}

// Peers names the attached hosts.
func (m *Memory) Peers() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	var ns []string
	for n := range m.hosts {
		ns = append(ns, n)
	}
	sort.Strings(ns)
	return ns
}

// Message delivers a message to a process on an attached host.
func (m *Memory) Message(host, pid string, from Sender, v Plain) error {
	h, err := m.peer(host)
	if err != nil {
		return err
	}
	return h.Deliver(from, pid, v)
}
