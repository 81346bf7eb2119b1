package host

import (
	"fmt"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

const alice, bob = "alice@a.example", "bob@b.example"

func startHost(t testing.TB, path string, tr *Memory) *Host {
	t.Helper()
	cfg := DefaultConfig()
	cfg.Name = "lua1@a.example"
	cfg.StepsPerSlice = 1000
	cfg.CheckpointEvery = 0 // every slice, so that a restart loses nothing
	return hostWith(t, path, tr, cfg)
}

// hostWith starts a host with cfg on a store at path; both are closed when
// the test ends.
func hostWith(t testing.TB, path string, tr Transport, cfg Config) *Host {
	t.Helper()
	h, st := openHost(t, path, tr, cfg)
	t.Cleanup(func() { h.Close(); st.Close() })
	return h
}

// openHost starts a host with cfg on a store at path, for a test that
// closes both itself (to start another host on the same store).
func openHost(t testing.TB, path string, tr Transport, cfg Config) (*Host, *Store) {
	t.Helper()
	st, err := OpenStore(path)
	if err != nil {
		t.Fatal(err)
	}
	h, err := New(cfg, st, tr)
	if err != nil {
		st.Close()
		t.Fatal(err)
	}
	return h, st
}

// waitCount asks "ps" until n of from's processes are in state (or 20 s
// have passed).
func waitCount(h *Host, from string, n int, states ...State) {
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		ps, in := h.Command(from, "ps"), 0
		for _, st := range states {
			in += strings.Count(ps, "  "+string(st)+"  ")
		}
		if in >= n {
			return
		}
	}
}

// ask runs a command and returns its reply.
func ask(t testing.TB, h *Host, tr *Memory, from, text string) string {
	t.Helper()
	return h.Command(from, text)
}

// waitPs asks "ps" until its reply contains want or timeout passes (a
// process that has just sent a message may still be running on its way to
// its next wait), and returns the last reply.
func waitPs(t testing.TB, h *Host, from, want string, timeout time.Duration) string {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		got := h.Command(from, "ps")
		if strings.Contains(got, want) || time.Now().After(deadline) {
			return got
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestStepAndHelp(t *testing.T) {
	tr := &Memory{}
	h := startHost(t, filepath.Join(t.TempDir(), "s.db"), tr)
	if got := ask(t, h, tr, alice, "step print(1 + 1)"); got != "2" {
		t.Errorf("step: %q", got)
	}
	if got := ask(t, h, tr, alice, "step\nlocal t = {}\nfor i = 1, 3 do t[i] = i * i end\nprint(table.concat(t, ','))"); got != "1,4,9" {
		t.Errorf("multi-line step: %q", got)
	}
	if got := ask(t, h, tr, alice, "step error('boom')"); !strings.Contains(got, "step:1: boom") {
		t.Errorf("step error: %q", got)
	}
	if got := ask(t, h, tr, alice, "step print(io, os.execute, loadfile, debug)"); got != "nil\tnil\tnil\tnil" {
		t.Errorf("sandbox: %q", got)
	}
	if got := ask(t, h, tr, alice, "step while true do end"); !strings.Contains(got, "step limit exceeded") {
		t.Errorf("infinite loop: %q", got)
	}
	if got := ask(t, h, tr, alice, "step x = = 1"); !strings.Contains(got, "step:1:") {
		t.Errorf("syntax error: %q", got)
	}
	if got := ask(t, h, tr, alice, "step print(mb.host())"); got != "lua1@a.example" {
		t.Errorf("mb.host: %q", got)
	}
	help := ask(t, h, tr, alice, "help")
	for _, c := range commands {
		if !strings.Contains(help, c.name+" ") {
			t.Errorf("help does not list %s:\n%s", c.name, help)
		}
	}
	if got := ask(t, h, tr, alice, "help step"); !strings.HasPrefix(got, "step <lua code> — ") {
		t.Errorf("help step: %q", got)
	}
	if got := ask(t, h, tr, alice, "hello there"); !strings.Contains(got, "Type help") {
		t.Errorf("not a command: %q", got)
	}
}

func TestProcessLifecycle(t *testing.T) {
	tr := &Memory{}
	h := startHost(t, filepath.Join(t.TempDir(), "s.db"), tr)
	pid := ask(t, h, tr, alice, "new local s = 0 for i = 1, 20000 do s = s + i end print(mb.pid(), mb.owner(), s)")
	if pid != "p1" {
		t.Fatalf("new: %q", pid)
	}
	if got := ask(t, h, tr, alice, "ps"); !strings.HasPrefix(got, "p1  new") {
		t.Errorf("ps: %q", got)
	}
	if got := ask(t, h, tr, bob, "run p1"); !strings.Contains(got, "no process p1 of yours") {
		t.Errorf("bob runs alice's process: %q", got)
	}
	if got := ask(t, h, tr, alice, "run p1"); got != "p1 is running" {
		t.Errorf("run: %q", got)
	}
	if tr.WaitFor(alice, "p1 finished", 20*time.Second) == "" {
		t.Fatalf("p1 did not finish: %q", tr.Messages(alice))
	}
	if tr.WaitFor(alice, "p1\talice@a.example\t200010000", time.Second) == "" {
		t.Errorf("output not sent: %q", tr.Messages(alice))
	}
	if got := ask(t, h, tr, alice, "output p1"); got != "p1\talice@a.example\t200010000" {
		t.Errorf("output: %q", got)
	}
	if got := ask(t, h, tr, alice, "source p1"); !strings.HasPrefix(got, "local s = 0") {
		t.Errorf("source: %q", got)
	}
	// a failing one, and one killed while it loops
	ask(t, h, tr, alice, "new local t = nil; print(t.x)")
	ask(t, h, tr, alice, "run p2")
	if got := tr.WaitFor(alice, "p2 failed", 20*time.Second); !strings.Contains(got, "p2:1: attempt to index local 't' (a nil value)") {
		t.Errorf("failure: %q", got)
	}
	ask(t, h, tr, alice, "new while true do end")
	ask(t, h, tr, alice, "run p3")
	if got := ask(t, h, tr, alice, "kill p3"); got != "p3 killed" {
		t.Errorf("kill: %q", got)
	}
	if got := ask(t, h, tr, alice, "ps"); !strings.Contains(got, "p3  killed") || !strings.Contains(got, "p2  failed") {
		t.Errorf("ps after: %q", got)
	}
	if got := ask(t, h, tr, bob, "ps"); !strings.HasPrefix(got, "no processes") {
		t.Errorf("bob's ps: %q", got)
	}
}

// TestRestart: a process waiting for input and one in the middle of a
// loop survive the host's restart, and go on.
func TestRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	tr := &Memory{}
	st, err := OpenStore(path)
	if err != nil {
		t.Fatal(err)
	}
	cfg := DefaultConfig()
	cfg.StepsPerSlice, cfg.CheckpointEvery = 1000, 0
	h, err := New(cfg, st, tr)
	if err != nil {
		t.Fatal(err)
	}
	ask(t, h, tr, alice, "new local name = mb.input('your name?') print('hello ' .. name)")
	ask(t, h, tr, alice, "run p1")
	if tr.WaitFor(alice, "p1 asks: your name?", 20*time.Second) == "" {
		t.Fatalf("no prompt: %q", tr.Messages(alice))
	}
	ask(t, h, tr, alice, "new local s = 0 for i = 1, 3e6 do s = s + i % 3 end print('sum', s)")
	ask(t, h, tr, alice, "run p2")
	time.Sleep(20 * time.Millisecond)
	h.Close()
	st.Close()

	tr2 := &Memory{}
	st2, err := OpenStore(path)
	if err != nil {
		t.Fatal(err)
	}
	defer st2.Close()
	h2, err := New(cfg, st2, tr2)
	if err != nil {
		t.Fatal(err)
	}
	defer h2.Close()
	if got := ask(t, h2, tr2, alice, "ps"); !strings.Contains(got, "p1  waiting for input") {
		t.Errorf("after restart: %q", got)
	}
	h2.Handle(alice, "input p1 Ada")
	if tr2.WaitFor(alice, "hello Ada", 20*time.Second) == "" {
		t.Errorf("p1 did not go on: %q", tr2.Messages(alice))
	}
	if tr2.WaitFor(alice, "sum\t3000000", 20*time.Second) == "" {
		t.Errorf("p2 did not go on: %q", tr2.Messages(alice))
	}
	if pid := ask(t, h2, tr2, alice, "new print(1)"); pid != "p3" {
		t.Errorf("PIDs are reused: %q", pid)
	}
}

// TestStartExpired: item 14. A host started on a store whose sleeping
// and receiving processes' timers have all expired wakes them while it
// is still loading the others (run under -race by make test: the start
// and the timers once raced on the process map).
func TestStartExpired(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	tr := &Memory{}
	cfg := DefaultConfig()
	cfg.StepsPerSlice = 1000
	h, st := openHost(t, path, tr, cfg)
	for i := 0; i < 40; i++ {
		code := "mb.sleep(600) print('woke')"
		if i%2 == 1 {
			code = "print(mb.receive(600))"
		}
		ask(t, h, tr, alice, "new "+code)
		ask(t, h, tr, alice, fmt.Sprintf("run p%d", i+1))
	}
	waitCount(h, alice, 40, StateSleeping, StateMessage)
	h.Close()
	// every timer expired while the host was down
	recs, err := st.All()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		r.WakeAt = time.Now().Add(-time.Second)
		st.Put(r, nil, false)
	}
	st.Close()
	tr2 := &Memory{}
	h2 := hostWith(t, path, tr2, cfg)
	for i := 1; i <= 40; i++ {
		if tr2.WaitFor(alice, fmt.Sprintf("p%d finished", i), 20*time.Second) == "" {
			t.Fatalf("p%d did not wake: %q\n%s", i, tr2.Messages(alice), ask(t, h2, tr2, alice, "ps"))
		}
	}
	_ = h2
}

// TestCheckpointPace: a running process is checkpointed every
// CheckpointEvery and no sooner than 20 times what its last checkpoint
// took; at every slice's end when CheckpointEvery is 0. A checkpoint
// records what it took.
func TestCheckpointPace(t *testing.T) {
	tr := &Memory{}
	h := startHost(t, filepath.Join(t.TempDir(), "h.db"), tr)
	pid, err := h.New(alice, "loop.lua", `local t = {} for i = 1, 2e4 do t[i] = {i} end
local n = 0 while n < 2e5 do n = n + 1 end print("done", #t)`)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.Run(alice, pid); err != nil {
		t.Fatal(err)
	}
	if tr.WaitFor(alice, "done\t20000", 20*time.Second) == "" {
		t.Fatalf("%q", tr.Messages(alice))
	}
	h.mu.Lock()
	took := h.procs[pid].saveTook
	h.mu.Unlock()
	if took <= 0 {
		t.Errorf("its checkpoints took %v", took)
	}
	now := time.Now()
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, c := range []struct {
		every, since, took time.Duration
		due                bool
	}{
		{2 * time.Second, 3 * time.Second, 50 * time.Millisecond, true},
		{2 * time.Second, time.Second, 0, false},
		{2 * time.Second, 3 * time.Second, 200 * time.Millisecond, false}, // 4 s
		{2 * time.Second, 5 * time.Second, 200 * time.Millisecond, true},
		{0, 0, time.Second, true},
	} {
		h.cfg.CheckpointEvery = c.every
		if got := h.checkpointDue(&proc{lastSave: now.Add(-c.since), saveTook: c.took}); got != c.due {
			t.Errorf("every %v, %v since the last, which took %v: due %v", c.every, c.since, c.took, got)
		}
	}
}

// TestCheckpointAside: a running process's checkpoint at the end of its
// slice is frozen with the host's lock let go: the host answers its users
// meanwhile, and a process killed meanwhile stays killed (its store too).
func TestCheckpointAside(t *testing.T) {
	tr := &Memory{}
	cfg := DefaultConfig()
	cfg.Name, cfg.CheckpointEvery, cfg.StepsPerSlice = "a", time.Millisecond, 10_000
	var hp atomic.Pointer[Host]
	var pid atomic.Value
	answers := make(chan string, 2)
	var hits atomic.Int32
	cfg.FailPoint = func(point string) {
		if point != FailCheckpointFreezing {
			return
		}
		n := hits.Add(1)
		if n > 2 {
			return
		}
		done := make(chan string, 1)
		go func() {
			if n == 1 {
				done <- hp.Load().Command(alice, "ps")
			} else {
				got, err := hp.Load().Kill(alice, pid.Load().(string))
				done <- fmt.Sprint(got, err)
			}
		}()
		select {
		case got := <-done:
			answers <- got
		case <-time.After(10 * time.Second):
			answers <- "no answer: the host's lock is held"
		}
	}
	path := filepath.Join(t.TempDir(), "s.db")
	h, st := openHost(t, path, tr, cfg)
	hp.Store(h)
	p := ask(t, h, tr, alice, `new local t = {} for i = 1, 1e4 do t[i] = {i} end while true do t[1][1] = t[1][1] + 1 end`)
	pid.Store(p)
	ask(t, h, tr, alice, "run "+p)
	for i, want := range []string{p + "  running", p + "<nil>"} {
		select {
		case got := <-answers:
			if !strings.Contains(got, want) {
				t.Errorf("while a checkpoint froze (%d): %q, want %q", i, got, want)
			}
		case <-time.After(30 * time.Second):
			t.Fatal("no checkpoint was frozen")
		}
	}
	if got := waitPs(t, h, alice, p+"  killed", 10*time.Second); !strings.Contains(got, p+"  killed") {
		t.Errorf("killed while its checkpoint froze: %q", got)
	}
	h.Close()
	st.Close()
	h, st = openHost(t, path, tr, DefaultConfig())
	defer func() { h.Close(); st.Close() }()
	if got := h.Command(alice, "ps"); !strings.Contains(got, p+"  killed") {
		t.Errorf("after a restart: %q", got)
	}
}
