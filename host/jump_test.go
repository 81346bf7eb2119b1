package host

import (
	"bytes"
	"fmt"
	"path/filepath"
	"slices"

	bolt "go.etcd.io/bbolt"

	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mobilua/mobilua/continuation"
	"github.com/mobilua/mobilua/continuation/pack"
	"github.com/mobilua/mobilua/runtime"
	"github.com/mobilua/mobilua/runtime/stdlib"
	"github.com/mobilua/mobilua/transpile"
)

// lossy is a Memory transport whose jumps can lose their message, their
// acknowledgement, or the whole peer.
type lossy struct {
	*Memory
	mu   sync.Mutex
	mode string // "", "drop-send", "drop-ack", "down"
}

func (l *lossy) set(mode string) { l.mu.Lock(); l.mode = mode; l.mu.Unlock() }

func (l *lossy) get() string { l.mu.Lock(); defer l.mu.Unlock(); return l.mode }

func (l *lossy) Jump(to, id string, rec Record, cont []byte, stored <-chan error) (string, error) {
	switch l.get() {
	case "drop-send", "down":
		return "", ErrNoAnswer
	case "drop-ack":
		l.Memory.Jump(to, id, rec, cont, stored)
		return "", ErrNoAnswer
	}
	return l.Memory.Jump(to, id, rec, cont, stored)
}

func (l *lossy) Cancel(to, id string) (bool, error) {
	if l.get() == "down" {
		return false, ErrNoAnswer
	}
	return l.Memory.Cancel(to, id)
}

func twoHosts(t *testing.T, tr *lossy, pathA string) (*Host, *Store, *Host) {
	t.Helper()
	stA, err := OpenStore(pathA)
	if err != nil {
		t.Fatal(err)
	}
	cfg := DefaultConfig()
	cfg.Name, cfg.JumpRetry, cfg.CheckpointEvery = "a", 20*time.Millisecond, 0
	a, err := New(cfg, stA, tr)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Name = "b"
	b := hostWith(t, filepath.Join(t.TempDir(), "b.db"), tr, cfg)
	tr.Attach(a)
	tr.Attach(b)
	return a, stA, b
}

const jumper = `print("jump:", mb.jump("b")) print("now on", mb.host())`

// TestJumpLostAck: the receiver took the process in but its answer was
// lost; the sender asks, learns it was taken, and lets go: one copy.
func TestJumpLostAck(t *testing.T) {
	tr := &lossy{Memory: &Memory{}}
	a, stA, _ := twoHosts(t, tr, filepath.Join(t.TempDir(), "a.db"))
	defer func() { a.Close(); stA.Close() }()
	tr.set("drop-ack")
	ask(t, a, tr.Memory, alice, "new "+jumper)
	ask(t, a, tr.Memory, alice, "run p1")
	if tr.WaitFor(alice, "now on\tb", 20*time.Second) == "" {
		t.Fatalf("%q", tr.Messages(alice))
	}
	time.Sleep(50 * time.Millisecond)
	if got := strings.Join(tr.Messages(alice), "\n"); strings.Count(got, "now on") != 1 {
		t.Errorf("ran %d times: %s", strings.Count(got, "now on"), got)
	}
	if got := waitPs(t, a, alice, "p1  migrated to", 10*time.Second); !strings.Contains(got, "p1  migrated to") {
		t.Errorf("a: %s", got)
	}
}

// TestJumpLost: the jump never arrived; the sender settles it (the
// receiver will refuse it from now on) and the process goes on here.
func TestJumpLost(t *testing.T) {
	tr := &lossy{Memory: &Memory{}}
	a, stA, b := twoHosts(t, tr, filepath.Join(t.TempDir(), "a.db"))
	defer func() { a.Close(); stA.Close() }()
	tr.set("drop-send")
	ask(t, a, tr.Memory, alice, "new "+jumper)
	ask(t, a, tr.Memory, alice, "run p1")
	if tr.WaitFor(alice, "jump:\tnil\tb did not answer in time", 20*time.Second) == "" || tr.WaitFor(alice, "now on\ta", 20*time.Second) == "" {
		t.Fatalf("%q", tr.Messages(alice))
	}
	// the lost jump turning up late is refused
	var ids []string
	b.store.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bMigr).ForEach(func(k, v []byte) error {
			if string(v) == cancelled {
				ids = append(ids, string(k))
			}
			return nil
		})
	})
	if len(ids) != 1 {
		t.Fatalf("cancelled migrations at b: %q", ids)
	}
	p := b.newProcess(&proc{h: b})
	proto, _ := transpile.Compile([]byte("print(1)"), "=late", transpile.Options{})
	p.Start(runtime.ClosureValue(p.Load(runtime.NewChunk("=late", []byte("print(1)"), proto))))
	cont, err := continuation.Freeze(p)
	if err != nil {
		t.Fatal(err)
	}
	from, id, _ := strings.Cut(ids[0], " ") // the store's key of the migration
	if err := b.Receive(Migration{From: from, ID: id}, Record{Owner: alice}, cont, nil, nil); err == nil || !strings.Contains(err.Error(), "cancelled") {
		t.Errorf("a late copy of the cancelled jump: %v", err)
	}
	if n := len(b.procs); n != 0 {
		t.Errorf("b has %d processes", n)
	}
}

// TestJumpAcrossRestart: the peer is down when the process jumps; the
// sender keeps it "migrating", is restarted, and the jump goes through
// once the peer is back: one copy, on the peer.
func TestJumpAcrossRestart(t *testing.T) {
	tr := &lossy{Memory: &Memory{}}
	pathA := filepath.Join(t.TempDir(), "a.db")
	a, stA, b := twoHosts(t, tr, pathA)
	tr.set("down")
	ask(t, a, tr.Memory, alice, "new "+jumper)
	ask(t, a, tr.Memory, alice, "run p1")
	if got := waitPs(t, a, alice, "p1  migrating", 2*time.Second); !strings.Contains(got, "p1  migrating") {
		t.Fatalf("before the restart: %s", got)
	}
	a.Close()
	stA.Close()
	tr.set("")
	stA2, err := OpenStore(pathA)
	if err != nil {
		t.Fatal(err)
	}
	defer stA2.Close()
	cfg := DefaultConfig()
	cfg.Name, cfg.JumpRetry = "a", 20*time.Millisecond
	a2, err := New(cfg, stA2, tr)
	if err != nil {
		t.Fatal(err)
	}
	defer a2.Close()
	tr.Attach(a2)
	if tr.WaitFor(alice, "now on\tb", 20*time.Second) == "" {
		t.Fatalf("%q", tr.Messages(alice))
	}
	if got := waitPs(t, a2, alice, "p1  migrated to", 2*time.Second); !strings.Contains(got, "p1  migrated to") {
		t.Errorf("a after: %s", got)
	}
	if got := strings.Join(tr.Messages(alice), "\n"); strings.Count(got, "now on") != 1 {
		t.Errorf("ran %d times: %s", strings.Count(got, "now on"), got)
	}
	_ = b
}

// TestJump: the jump example goes from one host to another on the same
// transport; its output comes from both, and it lives on the second.
func TestJump(t *testing.T) {
	a, b, tr := attachedPair(t)
	ask(t, a, tr, alice, `new
local t = {from = mb.host(), n = 0}
print("I'm here...", mb.host())
for i = 1, 3 do t.n = t.n + i end
print(mb.jump("lua2@b.example"))
print("...and now I'm here!", mb.host(), t.from, t.n, mb.pid())
print(mb.jump("nowhere"))`)
	ask(t, a, tr, alice, "run p1")
	if tr.WaitFor(alice, "...and now I'm here!\tlua2@b.example\tlua1@a.example\t6\tp1", 20*time.Second) == "" {
		t.Fatalf("jump: %q", tr.Messages(alice))
	}
	if tr.WaitFor(alice, "nil\tno host nowhere", 20*time.Second) == "" {
		t.Errorf("jump nowhere: %q", tr.Messages(alice))
	}
	if got := waitPs(t, a, alice, "p1  migrated to lua2@b.example as p1", 10*time.Second); !strings.Contains(got, "p1  migrated to lua2@b.example as p1  ") {
		t.Errorf("ps on a: %q", got)
	}
	// the arrival knows where it has been
	v, err := b.Process(alice, "p1")
	if err != nil || len(v.Travels) != 1 || v.Travels[0].Host != "lua1@a.example" || v.Travels[0].PID != "p1" || v.Travels[0].Left.IsZero() {
		t.Errorf("travels at b: %+v %v", v.Travels, err)
	}
}

// TestTravels: a record keeps the last maxTravels hops, and what a
// peer's record says of them is cut to size.
func TestTravels(t *testing.T) {
	var hops []Hop
	for i := 0; i < maxTravels+5; i++ {
		hops = travelled(hops, Hop{Host: fmt.Sprintf("h%d", i), PID: "p1"})
	}
	if len(hops) != maxTravels || hops[0].Host != "h5" || hops[len(hops)-1].Host != fmt.Sprintf("h%d", maxTravels+4) {
		t.Errorf("kept %d hops, from %s", len(hops), hops[0].Host)
	}
	long := append(hops, Hop{Host: strings.Repeat("x", 1000), PID: strings.Repeat("p", 1000)})
	got := peerTravels(long)
	if len(got) != maxTravels || len(got[len(got)-1].Host) > 256 || len(got[len(got)-1].PID) > 64 {
		t.Errorf("a peer's travels kept as %d hops, the last %d and %d bytes", len(got), len(got[len(got)-1].Host), len(got[len(got)-1].PID))
	}
}

// TestReceiveOnce: a jump that arrives twice (resent after a crash) is
// taken in once, also across a restart; a process that arrived and had
// not run yet when the host stopped gets true from mb.jump after the
// restart.
func TestReceiveOnce(t *testing.T) {
	// a process stopped in mb.jump, frozen as a sender freezes it
	src := startHost(t, filepath.Join(t.TempDir(), "a.db"), &Memory{})
	code := `local t = {} for i = 1, 2000 do t[i] = "item " .. i end
print("jumped:", mb.jump("lua2@b.example")) print("on", mb.host(), #t, t[2000])`
	rec := Record{PID: "p1", Owner: alice, Source: code, State: StateRunning, Created: time.Now()}
	p := src.newProcess(&proc{h: src, rec: rec})
	proto, err := transpile.Compile([]byte(code), "=p1", transpile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	p.Start(runtime.ClosureValue(p.Load(runtime.NewChunk("=p1", []byte(code), proto))))
	if st, err := p.Resume(); err != nil || st != runtime.Yielded || p.YieldedBy() != stdlib.MbJump {
		t.Fatalf("%v %v %s", st, err, p.YieldedBy())
	}
	cont, err := continuation.Freeze(p)
	if err != nil {
		t.Fatal(err)
	}
	cont = pack.Pack(cont) // as a transport passes it: stored as it came
	if !continuation.Packed(cont) {
		t.Fatal("not packed")
	}
	path := filepath.Join(t.TempDir(), "b.db")
	st, err := OpenStore(path)
	if err != nil {
		t.Fatal(err)
	}
	cfg := DefaultConfig()
	cfg.Name = "lua2@b.example"
	b, err := New(cfg, st, &Memory{})
	if err != nil {
		t.Fatal(err)
	}
	b.mu.Lock()
	b.closing = true // keep the workers from taking it: a host stopped right after storing it
	b.mu.Unlock()
	for i := 0; i < 2; i++ {
		if err := b.Receive(Migration{ID: "mig-1"}, rec, cont, nil, nil); err != nil {
			t.Fatal(err)
		}
	}
	if n := countState(b, StateRunning); n != 1 {
		t.Errorf("%d copies taken in", n)
	}
	for pid := range b.procs {
		if _, got, err := st.Get(pid); err != nil || !bytes.Equal(got, cont) {
			t.Errorf("stored %d bytes (%v), not the %d packed ones that came", len(got), err, len(cont))
		}
	}
	b.Close()
	st.Close()
	st2, err := OpenStore(path)
	if err != nil {
		t.Fatal(err)
	}
	defer st2.Close()
	tr2 := &Memory{}
	b2, err := New(cfg, st2, tr2)
	if err != nil {
		t.Fatal(err)
	}
	defer b2.Close()
	if err := b2.Receive(Migration{ID: "mig-1"}, rec, cont, nil, nil); err != nil {
		t.Fatal(err)
	}
	if tr2.WaitFor(alice, "on\tlua2@b.example\t2000\titem 2000", 20*time.Second) == "" {
		t.Fatalf("after the restart: %q", tr2.Messages(alice))
	}
	if tr2.WaitFor(alice, "jumped:\ttrue", time.Second) == "" {
		t.Errorf("mb.jump did not return true: %q", tr2.Messages(alice))
	}
	if n := len(b2.procs); n != 1 {
		t.Errorf("%d processes after the restart", n)
	}
}

// TestMove: its owner sends a running process to a peer, where it goes
// on from where its slice ended; what cannot move is refused.
func TestMove(t *testing.T) {
	a, b, tr := attachedPair(t)
	pid, err := a.New(alice, "count.lua", `local n = 0 while n < 3e6 do n = n + 1 end print("done on", mb.host(), n)`)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Move(alice, pid, "lua2@b.example"); err == nil || !strings.Contains(err.Error(), "run it first") {
		t.Errorf("moving a new process: %v", err)
	}
	if _, err := a.Run(alice, pid); err != nil {
		t.Fatal(err)
	}
	if err := a.Move(alice, pid, "lua9@z.example"); err == nil || !strings.Contains(err.Error(), "not a peer") {
		t.Errorf("moving to a stranger: %v", err)
	}
	if err := a.Move(bob, pid, "lua2@b.example"); err == nil {
		t.Errorf("bob moved alice's process")
	}
	if err := a.Move(alice, pid, "lua2@b.example"); err != nil {
		t.Fatal(err)
	}
	if tr.WaitFor(alice, "done on\tlua2@b.example\t3000000", 30*time.Second) == "" {
		t.Fatalf("%q", tr.Messages(alice))
	}
	if v, _ := a.Process(alice, pid); v.State != StateMigrated || !strings.Contains(v.StateText, "lua2@b.example") {
		t.Errorf("at a: %s %s", v.State, v.StateText)
	}
	if ps := b.Processes(alice); len(ps) != 1 || ps[0].Name != "count.lua" {
		t.Errorf("at b: %+v", ps)
	}
	if ma, mb := a.Metrics(), b.Metrics(); ma.JumpsOut != 1 || mb.JumpsIn != 1 || ma.Steps == 0 || mb.Steps == 0 || ma.States[StateMigrated] != 1 {
		t.Errorf("metrics: a %+v, b %+v", ma, mb)
	}
}

// attachedPair starts lua1@a.example and lua2@b.example on one Memory
// transport.
func attachedPair(t *testing.T) (a, b *Host, tr *Memory) {
	tr = &Memory{}
	a = startHost(t, filepath.Join(t.TempDir(), "a.db"), tr)
	cfg := DefaultConfig()
	cfg.Name = "lua2@b.example"
	b = hostWith(t, filepath.Join(t.TempDir(), "b.db"), tr, cfg)
	tr.Attach(a)
	tr.Attach(b)
	return a, b, tr
}

// asker is a Memory transport that keeps the questions a host asks
// about the jumps it holds.
type asker struct {
	*Memory
	mu    sync.Mutex
	asked []string
}

func (a *asker) AskJump(from, id string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.asked = append(a.asked, from+" "+id)
	return nil
}

// waitAsked waits until the host has asked about migration id.
func (a *asker) waitAsked(t *testing.T, id string) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		a.mu.Lock()
		asked := slices.Contains(a.asked, id)
		a.asked = nil
		a.mu.Unlock()
		if asked {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s was not asked about", id)
		}
	}
}

// TestHeldArrival: a process that arrives held (ReceiveHeld) is neither
// seen nor run until its sender confirms it; confirmed, it runs (mb.jump
// gives true); withdrawn, it is forgotten and its migration refused from
// then on. One held when its host stops is held again when it starts,
// asked about, and runs once confirmed; held, it counts among its owner's
// processes.
func TestHeldArrival(t *testing.T) {
	tr := &asker{Memory: &Memory{}}
	path := filepath.Join(t.TempDir(), "b.db")
	cfg := DefaultConfig()
	cfg.Name, cfg.JumpRetry, cfg.MaxProcsPerOwner = "b", 20*time.Millisecond, 1
	h, st := openHost(t, path, tr, cfg)
	tr.Attach(h)
	cont := crafted(t, jumper)
	rec := Record{PID: "p9", Owner: alice, Source: "-"}
	held := func(h *Host, id string) string {
		t.Helper()
		var pid string
		if err := h.ReceiveHeld(Migration{From: "a", ID: id}, rec, cont, nil, func(p string) { pid = p }); err != nil {
			t.Fatal(err)
		}
		if _, err := h.Process(alice, pid); err == nil {
			t.Fatalf("%s (%s) is seen before its sender confirmed it", id, pid)
		}
		return pid
	}

	held(h, "m1")
	time.Sleep(50 * time.Millisecond)
	if got := tr.Messages(alice); len(got) != 0 {
		t.Fatalf("a held process ran: %q", got)
	}
	if err := h.CommitJump(Migration{From: "a", ID: "m1"}, true); err != nil {
		t.Fatal(err)
	}
	if tr.WaitFor(alice, "now on\tb", 10*time.Second) == "" || tr.WaitFor(alice, "jump:\ttrue", time.Second) == "" {
		t.Fatalf("confirmed, it did not run: %q", tr.Messages(alice))
	}

	pid := held(h, "m2")
	if err := h.CommitJump(Migration{From: "a", ID: "m2"}, false); err != nil {
		t.Fatal(err)
	}
	if _, ok := h.Received(Migration{From: "a", ID: "m2"}); ok {
		t.Errorf("withdrawn, m2 is still %s", pid)
	}
	if err := h.Receive(Migration{From: "a", ID: "m2"}, rec, cont, nil, nil); err == nil || !strings.Contains(err.Error(), "cancelled") {
		t.Errorf("m2 sent again after it was withdrawn: %v", err)
	}

	held(h, "m3")
	tr.waitAsked(t, "a m3")
	h.Close()
	st.Close()
	h, st = openHost(t, path, tr, cfg)
	defer func() { h.Close(); st.Close() }()
	tr.Attach(h)
	tr.waitAsked(t, "a m3")
	if err := h.Receive(Migration{From: "a", ID: "m4"}, rec, cont, nil, nil); err == nil || !strings.Contains(err.Error(), "live processes") {
		t.Errorf("a second process of an owner allowed one, the first held: %v", err)
	}
	if err := h.CommitJump(Migration{From: "a", ID: "m3"}, true); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); strings.Count(strings.Join(tr.Messages(alice), "\n"), "now on\tb") < 2; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("held over a restart and confirmed, it did not run: %q", tr.Messages(alice))
		}
	}
}

// TestEarlyCommit: a sender confirms a jump as soon as its own store is
// done, so its word may come before the receiver holds the process:
// before the process arrives, it runs as soon as it is stored (not held,
// its sender not asked); a word that comes while it is taken in settles
// it as it is held; a withdrawal that came first refuses it. A word on a
// migration taken in and not held is not kept, and the words kept are
// bounded.
func TestEarlyCommit(t *testing.T) {
	tr := &asker{Memory: &Memory{}}
	cfg := DefaultConfig()
	cfg.Name, cfg.JumpRetry = "b", time.Hour // (asking would settle it too, much later)
	var h *Host
	var during atomic.Value // a migration whose word comes while it is taken in
	during.Store("")
	cfg.FailPoint = func(point string) {
		if id := during.Load().(string); point == FailReceiveThawed && id != "" {
			h.CommitJump(Migration{From: "a", ID: id}, true)
		}
	}
	h, _ = openHost(t, filepath.Join(t.TempDir(), "b.db"), tr, cfg)
	tr.Attach(h)
	cont := crafted(t, jumper)
	rec := Record{PID: "p9", Owner: alice, Source: "-"}
	runs := func(id string, n int) {
		t.Helper()
		var pid string
		if err := h.ReceiveHeld(Migration{From: "a", ID: id}, rec, cont, nil, func(p string) { pid = p }); err != nil {
			t.Fatal(err)
		}
		if _, err := h.Process(alice, pid); err != nil {
			t.Fatalf("%s, confirmed: %v", id, err)
		}
		for deadline := time.Now().Add(10 * time.Second); strings.Count(strings.Join(tr.Messages(alice), "\n"), "jump:\ttrue") < n; time.Sleep(5 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("%s, confirmed, did not run: %q", id, tr.Messages(alice))
			}
		}
	}

	if err := h.CommitJump(Migration{From: "a", ID: "m1"}, true); err != nil {
		t.Fatal(err)
	}
	runs("m1", 1)
	during.Store("m2")
	runs("m2", 2)
	during.Store("")
	h.mu.Lock()
	held, kept := len(h.held), len(h.early)
	h.mu.Unlock()
	tr.mu.Lock()
	asked := tr.asked
	tr.mu.Unlock()
	if held != 0 || kept != 0 || len(asked) != 0 {
		t.Fatalf("%d held, %d words kept, asked %q", held, kept, asked)
	}

	h.CommitJump(Migration{From: "a", ID: "m3"}, false)
	if err := h.ReceiveHeld(Migration{From: "a", ID: "m3"}, rec, cont, nil, nil); err == nil || !strings.Contains(err.Error(), "withdrawn") {
		t.Fatalf("withdrawn before it came, m3: %v", err)
	}

	h.CommitJump(Migration{From: "a", ID: "m1"}, true) // taken in, running
	h.mu.Lock()
	kept = len(h.early)
	h.mu.Unlock()
	if kept != 0 {
		t.Fatalf("a word on a migration taken in was kept")
	}
	for i := 0; i < maxEarly+10; i++ {
		h.CommitJump(Migration{From: "a", ID: fmt.Sprint("never", i)}, true)
	}
	h.mu.Lock()
	kept = len(h.early)
	for k, e := range h.early {
		h.early[k] = earlyWord{e.ok, e.at.Add(-2 * earlyFor)}
	}
	h.mu.Unlock()
	if kept != maxEarly {
		t.Fatalf("%d words kept, at most %d", kept, maxEarly)
	}
	h.CommitJump(Migration{From: "a", ID: "later"}, true)
	h.mu.Lock()
	kept = len(h.early)
	h.mu.Unlock()
	if kept != 1 {
		t.Fatalf("%d words kept after the old ones went, want 1", kept)
	}
}
