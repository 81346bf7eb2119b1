package host

import (
	"path/filepath"

	bolt "go.etcd.io/bbolt"

	"github.com/mobilua/mobilua/continuation"
	"github.com/mobilua/mobilua/runtime"
	"github.com/mobilua/mobilua/transpile"
	"strings"
	"sync"
	"testing"
	"time"
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

func (l *lossy) Jump(to, id string, rec Record, cont []byte) (string, error) {
	switch l.get() {
	case "drop-send", "down":
		return "", ErrNoAnswer
	case "drop-ack":
		l.Memory.Jump(to, id, rec, cont)
		return "", ErrNoAnswer
	}
	return l.Memory.Jump(to, id, rec, cont)
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
	if err := b.ReceiveJump(ids[0], Record{Owner: alice}, cont); err == nil || !strings.Contains(err.Error(), "cancelled") {
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
