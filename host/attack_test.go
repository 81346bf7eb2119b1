package host

import (
	"fmt"
	"io"
	"path/filepath"
	goruntime "runtime"
	"strings"
	"testing"
	"time"

	"github.com/mobilua/mobilua/continuation"
	"github.com/mobilua/mobilua/runtime"
	"github.com/mobilua/mobilua/runtime/stdlib"
	"github.com/mobilua/mobilua/transpile"
)

// The attacks of issue 16, each as a hostile user would try it; the
// numbers are the items.

const eve = "eve@e.example"

// attackHost is a host with small limits for the attacks.
func attackHost(t *testing.T, tr *Memory, change func(*Config)) *Host {
	cfg := DefaultConfig()
	cfg.Name = "lua1@a.example"
	cfg.StepsPerSlice, cfg.MaxMemory, cfg.HostMemory = 10_000, 16<<20, 256<<20
	if change != nil {
		change(&cfg)
	}
	return hostWith(t, filepath.Join(t.TempDir(), "s.db"), tr, cfg)
}

// run makes and starts a process of from's and waits until it ends;
// it returns what from was told about its end.
func run(t *testing.T, h *Host, tr *Memory, from, code string) string {
	t.Helper()
	pid := ask(t, h, tr, from, "new "+code)
	if !isPID(pid) {
		t.Fatalf("new: %q", pid)
	}
	ask(t, h, tr, from, "run "+pid)
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		for _, m := range tr.Messages(from) {
			if strings.HasPrefix(m, pid+" failed") || strings.HasPrefix(m, pid+" finished") {
				return m
			}
		}
	}
	t.Fatalf("%s did not end: %q", pid, tr.Messages(from))
	return ""
}

// heapMB is the Go heap in use, after a collection.
func heapMB() uint64 {
	goruntime.GC()
	var ms goruntime.MemStats
	goruntime.ReadMemStats(&ms)
	return ms.HeapAlloc >> 20
}

// TestMemoryAttacks: items 1–3 and 17. Every allocation is charged, as a
// stored process and in step; the host's heap stays bounded; the store
// of a process stopped this way opens again.
func TestMemoryAttacks(t *testing.T) {
	tr := &Memory{}
	path := filepath.Join(t.TempDir(), "s.db")
	cfg := DefaultConfig()
	cfg.StepsPerSlice, cfg.MaxMemory, cfg.HostMemory, cfg.MaxSteps = 10_000, 16<<20, 256<<20, 20_000_000
	h := hostWith(t, path, tr, cfg)
	before := heapMB()
	for code, want := range map[string]string{
		// 1: a substring is a copy: 200 one-byte strings, then steps run out
		`local s = ("x"):rep(3e6) local t = {} for i = 1, 200 do t[i] = (s .. i):sub(2, 2) end while true do end`: "step limit exceeded",
		// 2: builtins' results are charged
		`local s = ("x"):rep(3e6) local t = {} for i = 1, 60 do t[i] = s:upper() end`:                                 "memory limit exceeded",
		`local s = ("x"):rep(3e6) local t = {} for i = 1, 60 do t[i] = s:reverse() end`:                               "memory limit exceeded",
		`local f = ("%c"):rep(1e5) local t = {} for i = 1, 60 do t[i] = os.date(f) end`:                               "memory limit exceeded",
		`local t = {} for i = 1, 3e6 do t[i] = {} end`:                                                                "memory limit exceeded",
		`local f for i = 1, 1e8 do local g = f f = function() return g end end`:                                       "memory limit exceeded",
		`local src = "return " .. ("1 + "):rep(1e4) .. "1" local t = {} for i = 1, 1e5 do t[i] = loadstring(src) end`: "memory limit exceeded",
	} {
		if got := run(t, h, tr, alice, code); !strings.Contains(got, want) {
			t.Errorf("%s:\n got %q\nwant %q", code, got, want)
		}
	}
	// 3: step measures its heap too
	if got := ask(t, h, tr, alice, "step local t = {} for i = 1, 3e6 do t[i] = {} end"); !strings.Contains(got, "memory limit exceeded") {
		t.Errorf("step: %q", got)
	}
	if grew := heapMB() - min(before, heapMB()); grew > 64 {
		t.Errorf("the host's heap grew by %d MB", grew)
	}
	// 17: collectgarbage reports the process's own memory, and collects
	// nothing of the host's
	if got := ask(t, h, tr, bob, `step local t = {} for i = 1, 1e5 do t[i] = i end print(collectgarbage("count") > 1000, collectgarbage("count") < 16 * 1024, collectgarbage("collect"))`); got != "true\ttrue\t0" {
		t.Errorf("collectgarbage: %q", got)
	}
	h.Close()
	h.store.Close()
	// the store opens again, with every process ended
	h2 := hostWith(t, path, tr, cfg)
	if got := ask(t, h2, tr, alice, "ps"); strings.Contains(got, "running") {
		t.Errorf("after a restart: %q", got)
	}
}

// TestMemoryBudget: processes together are held to the host's budget:
// one that would take more than the budget's share is refused memory
// (catchably), and the budget is all given back.
func TestMemoryBudget(t *testing.T) {
	tr := &Memory{}
	h := attackHost(t, tr, func(c *Config) { c.MaxMemory, c.HostMemory = 64<<20, 96<<20 })
	// three processes that each want 40 MB, under a 48 MB share
	for i := 0; i < 3; i++ {
		ask(t, h, tr, alice, fmt.Sprintf(`new local t = {} local ok, e = pcall(function() for i = 1, 4e6 do t[i] = i end end) print(%d, ok, e) t = nil mb.sleep(1)`, i))
	}
	for i := 1; i <= 3; i++ {
		ask(t, h, tr, alice, fmt.Sprintf("run p%d", i))
	}
	if tr.WaitFor(alice, "the host's memory is all in use", 30*time.Second) == "" {
		t.Errorf("no process was refused: %q", tr.Messages(alice))
	}
	for i := 1; i <= 3; i++ {
		tr.WaitFor(alice, fmt.Sprintf("p%d finished", i), 30*time.Second)
	}
	if used := h.pool.Used(); used != 0 {
		t.Errorf("%d bytes of the budget still reserved", used)
	}
}

// TestMessageAttacks: items 4–9.
func TestMessageAttacks(t *testing.T) {
	tr := &Memory{}
	h := attackHost(t, tr, func(c *Config) { c.MaxMail, c.MaxMailBytes, c.SendRate, c.OwnerRate = 10, 100<<10, 1000, 1000 })
	// a sleeping receiver
	ask(t, h, tr, alice, "new mb.sleep(1000)")
	ask(t, h, tr, alice, "run p1")
	waitPs(t, h, alice, "p1  sleeping", 10*time.Second)
	// 4: one message is bounded, and a mailbox is
	if got := ask(t, h, tr, alice, `step print(mb.send("p1", ("x"):rep(16e6)))`); !strings.Contains(got, "nil\tthe message is larger than 65536 bytes") {
		t.Errorf("a 16 MB message: %q", got)
	}
	if got := ask(t, h, tr, alice, `step for i = 1, 20 do local ok, e = mb.send("p1", ("x"):rep(6e4)) if not ok then print(i, e) break end end`); got != "2\tmailbox full" {
		t.Errorf("mailbox bytes: %q", got)
	}
	ask(t, h, tr, alice, "new mb.sleep(1000)")
	ask(t, h, tr, alice, "run p2")
	if got := ask(t, h, tr, alice, `step for i = 1, 20 do local ok, e = mb.send("p2", i) if not ok then print(i, e) break end end`); got != "11\tmailbox full" {
		t.Errorf("mailbox count: %q", got)
	}
	// 5, 6: no message to the host itself, a peer, or anyone but the owner
	for _, to := range []string{"lua1@a.example", "lua2@b.example", "victim@elsewhere.example", "victim@elsewhere.example/x"} {
		if got := ask(t, h, tr, eve, fmt.Sprintf(`step print(mb.send(%q, "x"))`, to)); !strings.HasPrefix(got, "nil\t") {
			t.Errorf("send to %s: %q", to, got)
		}
	}
	// a peer: its account and its processes' addresses are no users
	peer := attackHost(t, tr, func(c *Config) { c.Name = "lua2@b.example" })
	tr.Attach(h)
	tr.Attach(peer)
	for _, to := range []string{"lua2@b.example", "lua1@a.example"} {
		if got := ask(t, h, tr, eve, fmt.Sprintf(`step print(mb.send(%q, "x"))`, to)); !strings.HasPrefix(got, "nil\t") {
			t.Errorf("send to the host %s: %q", to, got)
		}
	}
	peer.Handle("lua1@a.example", "help")
	h.Handle("lua2@b.example/p3", "help")
	if msgs := append(tr.Messages("lua2@b.example"), tr.Messages("lua2@b.example/p3")...); len(msgs) > 0 {
		t.Errorf("a host answered its peer: %q", msgs)
	}
	h.Handle("lua1@a.example", "new while true do end")
	h.Handle("lua1@a.example/other", "help")
	if msgs := tr.Messages("lua1@a.example"); len(msgs) > 0 {
		t.Errorf("the host answered itself: %q", msgs)
	}
	// 7: no chat message over MaxStanza
	if got := ask(t, h, tr, eve, "comment p1 x"); !strings.Contains(got, "no process p1 of yours") {
		t.Errorf("comment on another's: %q", got)
	}
	ask(t, h, tr, eve, "new print(1)")
	if got := ask(t, h, tr, eve, "comment p3 "+strings.Repeat("c", 2<<20)); !strings.Contains(got, "at most 200 bytes") {
		t.Errorf("a 2 MB comment: %q", got[:min(len(got), 100)])
	}
	ask(t, h, tr, eve, `step print(("y"):rep(300000))`)
	run(t, h, tr, eve, `for i = 1, 30 do io = nil print(("z"):rep(100000)) end`)
	for _, u := range []string{alice, eve} {
		for _, m := range tr.Messages(u) {
			if len(m) > 64<<10 {
				t.Errorf("a message of %d bytes to %s", len(m), u)
			}
		}
	}
	// 8: aliases are in their owner's namespace, and not addresses
	if got := ask(t, h, tr, eve, "alias alice@a.example p3"); !strings.Contains(got, "without spaces, @ or /") {
		t.Errorf("an address as alias: %q", got)
	}
	if got := ask(t, h, tr, eve, "alias p1 p3"); !strings.Contains(got, "looks like a PID") {
		t.Errorf("a PID as alias: %q", got)
	}
	ask(t, h, tr, alice, "alias inbox p1")
	if got := ask(t, h, tr, eve, "alias inbox p3"); got != "inbox is p3" {
		t.Errorf("eve's own inbox: %q", got)
	}
	if got := ask(t, h, tr, alice, "source inbox"); got != "mb.sleep(1000)" {
		t.Errorf("alice's inbox: %q", got)
	}
	// 9: another owner's process takes messages only once it accepts them
	if got := ask(t, h, tr, eve, `step print(mb.send("p2", "spam"))`); !strings.Contains(got, "nil\tp2 takes messages only from its owner") {
		t.Errorf("eve to alice's p2: %q", got)
	}
	ask(t, h, tr, alice, `new mb.accept(true) local v, from = mb.receive() print("got", v, from)`)
	ask(t, h, tr, alice, "run p5")
	waitPs(t, h, alice, "p5  waiting for a message", 10*time.Second)
	if got := ask(t, h, tr, eve, `step print(mb.send("p5", "hello"))`); got != "true" {
		t.Errorf("eve to a process that accepts: %q", got)
	}
	if tr.WaitFor(alice, "got\thello\teve@e.example/step", 10*time.Second) == "" {
		t.Errorf("the sender names its owner: %q", tr.Messages(alice))
	}
}

// TestSendRate: a process that sends without end is slowed to its rate.
func TestSendRate(t *testing.T) {
	tr := &Memory{}
	h := attackHost(t, tr, func(c *Config) { c.SendRate, c.OwnerRate = 5, 8 })
	got := ask(t, h, tr, alice, `step local n = 0 for i = 1, 1000 do if not mb.send(mb.owner(), i) then break end n = n + 1 end print(n)`)
	if got != "10" {
		t.Errorf("sent %q in a burst, want 10", got)
	}
	if n := len(tr.Messages(alice)); n > 12 {
		t.Errorf("%d messages reached the owner", n)
	}
}

// TestProcessCaps: items 10 and 11.
func TestProcessCaps(t *testing.T) {
	tr := &Memory{}
	h := attackHost(t, tr, func(c *Config) { c.MaxProcsPerOwner, c.MaxLifetime = 5, 5*time.Second })
	// mb.fork, sleeping children: all count
	got := run(t, h, tr, alice, `local n = 0 while true do local child, e = mb.fork() if child == nil and e and e:match("live processes") then print("refused after", n, e) break elseif child == nil then mb.sleep(100) return end n = n + 1 end`)
	if !strings.Contains(got, "p1 finished") || tr.WaitFor(alice, "refused after\t4\talice@a.example has 5 live processes", 5*time.Second) == "" {
		t.Errorf("mb.fork: %q", tr.Messages(alice))
	}
	if got := ask(t, h, tr, alice, "new print(1)"); got != "p6" { // the parent has ended: 4 live children
		t.Errorf("new under the cap: %q", got)
	}
	if got := ask(t, h, tr, alice, "new print(1)"); !strings.Contains(got, "live processes") {
		t.Errorf("new past the cap: %q", got)
	}
	for _, pid := range []string{"p2", "p6"} { // waiting, new
		if got := ask(t, h, tr, alice, "fork "+pid); !strings.Contains(got, "live processes") {
			t.Errorf("fork %s past the cap: %q", pid, got)
		}
	}
	// the sleeping children end with their parent's lifetime
	if got := tr.WaitFor(alice, "p2 failed: lifetime exceeded", 10*time.Second); got == "" {
		t.Errorf("a forked child outlived the lifetime: %q", tr.Messages(alice))
	}
}

// crafted is a continuation made outside any sandbox, without limits:
// what a peer could send.
func crafted(t testing.TB, src string) []byte {
	p := stdlib.NewProcess(stdlib.Plain, transpile.Compiler{}, io.Discard, io.Discard)
	proto, err := transpile.Compile([]byte(src), "=crafted", transpile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	p.Start(runtime.ClosureValue(p.Load(runtime.NewChunk("=crafted", []byte(src), proto))))
	if st, err := p.Resume(); err != nil || st != runtime.Yielded {
		t.Fatalf("crafted: %v %v", st, err)
	}
	cont, err := continuation.Freeze(p)
	if err != nil {
		t.Fatal(err)
	}
	return cont
}

// TestArrivalLimits: item 12. A continuation brings no limits of its own.
func TestArrivalLimits(t *testing.T) {
	tr := &Memory{}
	h := attackHost(t, tr, func(c *Config) { c.MaxSteps = 1_000_000 })
	cont := crafted(t, `mb.jump("x") local n = 0 while true do n = n + 1 end`)
	if err := h.Receive(Migration{ID: "m1"}, Record{PID: "p9", Owner: alice, Source: "-"}, cont, nil, nil); err != nil {
		t.Fatal(err)
	}
	if got := tr.WaitFor(alice, "failed", 30*time.Second); !strings.Contains(got, "step limit exceeded") {
		t.Errorf("an unlimited continuation: %q", got)
	}
	cont = crafted(t, `mb.jump("x") print(io, os.execute, loadfile) local t = {} for i = 1, 1e8 do t[i] = i end`)
	if err := h.Receive(Migration{ID: "m2"}, Record{PID: "p9", Owner: bob, Source: "-"}, cont, nil, nil); err != nil {
		t.Fatal(err)
	}
	if got := tr.WaitFor(bob, "failed", 30*time.Second); !strings.Contains(got, "memory limit exceeded") || tr.WaitFor(bob, "nil\tnil\tnil", time.Second) == "" {
		t.Errorf("an unsandboxed continuation: %q", tr.Messages(bob))
	}
	// past the owner's cap, an arrival is refused
	h2 := attackHost(t, tr, func(c *Config) { c.MaxProcsPerOwner = 1 })
	ask(t, h2, tr, alice, "new print(1)")
	if err := h2.Receive(Migration{ID: "m3"}, Record{PID: "p9", Owner: alice, Source: "-"}, crafted(t, `mb.jump("x")`), nil, nil); err == nil || !strings.Contains(err.Error(), "live processes") {
		t.Errorf("an arrival past the cap: %v", err)
	}
}

// TestShellTyped: item 16. Input addressed to a process reaches it, not
// the user's shell; the status query is not shell text.
func TestShellTyped(t *testing.T) {
	tr := &Memory{}
	h := attackHost(t, tr, nil)
	ask(t, h, tr, alice, `new while true do print("p1 got " .. mb.input()) end`)
	ask(t, h, tr, alice, `new while true do print("p2 got " .. mb.input()) end`)
	ask(t, h, tr, alice, "run p1")
	ask(t, h, tr, alice, "run p2")
	waitPs(t, h, alice, "p2  waiting for input", 10*time.Second)
	ask(t, h, tr, alice, "shell p1")
	h.HandleInput(alice, "p2", "hi")
	if tr.WaitFor(alice, "p2 got hi", 10*time.Second) == "" {
		t.Errorf("input for p2: %q", tr.Messages(alice))
	}
	if st := h.Status(); !strings.HasPrefix(st, "lua1@a.example: up") {
		t.Errorf("status: %q", st)
	}
	time.Sleep(100 * time.Millisecond)
	for _, m := range tr.Messages(alice) {
		if strings.Contains(m, "p1 got") {
			t.Errorf("the shell took another's input: %q", m)
		}
	}
}

// TestTooLargeAtStart: a stored process too large for the host's limits
// (lowered since it was stored) is refused with a clear message at the
// start; the others come back.
func TestTooLargeAtStart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	tr := &Memory{}
	cfg := DefaultConfig()
	cfg.StepsPerSlice, cfg.MaxMemory = 10_000, 64<<20
	h, st := openHost(t, path, tr, cfg)
	ask(t, h, tr, alice, `new local t = {} for i = 1, 1e6 do t[i] = i end print(mb.input("big?"))`)
	ask(t, h, tr, alice, `new print(mb.input("small?"))`)
	ask(t, h, tr, alice, "run p1")
	ask(t, h, tr, alice, "run p2")
	waitCount(h, alice, 2, StateInput)
	h.Close()
	st.Close()
	cfg.MaxMemory = 8 << 20
	tr2 := &Memory{}
	h2 := hostWith(t, path, tr2, cfg)
	if got := ask(t, h2, tr2, alice, "input p1 yes"); !strings.Contains(got, "more than this host's memory limit of 8388608") {
		t.Errorf("the large process: %q", got)
	}
	if got := tr2.WaitFor(alice, "p1 failed", 5*time.Second); !strings.Contains(got, "could not be restored: it holds") {
		t.Errorf("its owner is told: %q", tr2.Messages(alice))
	}
	ask(t, h2, tr2, alice, "input p2 yes")
	if tr2.WaitFor(alice, "p2 finished", 10*time.Second) == "" {
		t.Errorf("the small one: %q", tr2.Messages(alice))
	}
}

// TestStoredQuota: an owner's continuations take at most MaxStored of
// the store: a process that would pass it ends with a clear reason, an
// ended one gives its bytes back, others' are not affected, and the
// accounting survives a restart.
func TestStoredQuota(t *testing.T) {
	tr := &Memory{}
	path := filepath.Join(t.TempDir(), "s.db")
	cfg := DefaultConfig()
	cfg.StepsPerSlice, cfg.MaxStored = 10_000, 2<<20
	h, st := openHost(t, path, tr, cfg)
	const hold = `local t = {} for i = 1, 1e5 do t[i] = i / 3 end mb.sleep(600)` // about 900 KB frozen
	for i := 1; i <= 3; i++ {
		ask(t, h, tr, alice, "new "+hold)
		ask(t, h, tr, alice, fmt.Sprintf("run p%d", i))
	}
	// whichever comes third ends
	if got := tr.WaitFor(alice, " failed", 20*time.Second); !strings.Contains(got, "alice@a.example's stored processes take more than this host keeps per user (2 MB)") {
		t.Fatalf("the third: %q", tr.Messages(alice))
	}
	waitCount(h, alice, 2, StateSleeping)
	var asleep []string
	for _, line := range strings.Split(ask(t, h, tr, alice, "ps"), "\n") {
		if strings.Contains(line, "  sleeping") {
			asleep = append(asleep, strings.Fields(line)[0])
		}
	}
	if len(asleep) != 2 {
		t.Fatalf("sleeping: %q", asleep)
	}
	ask(t, h, tr, bob, "new "+hold)
	ask(t, h, tr, bob, "run p4")
	waitCount(h, bob, 1, StateSleeping)
	if got := ask(t, h, tr, bob, "ps"); !strings.Contains(got, "p4  sleeping") {
		t.Errorf("another user: %q", got)
	}
	// a restart counts what the store holds
	h.Close()
	st.Close()
	h, st = openHost(t, path, tr, cfg)
	defer func() { h.Close(); st.Close() }()
	if got := ask(t, h, tr, alice, "fork "+asleep[0]); !strings.Contains(got, "stored processes take more") {
		t.Errorf("a fork past the quota after a restart: %q", got)
	}
	ask(t, h, tr, alice, "kill "+asleep[1])
	if got := ask(t, h, tr, alice, "fork "+asleep[0]); !isPID(got) {
		t.Errorf("a fork once there is room: %q", got)
	}
	if err := h.Receive(Migration{ID: "q1"}, Record{PID: "p9", Owner: alice, Source: "-"}, crafted(t, `local t = {} for i = 1, 1e5 do t[i] = i / 3 end mb.jump("x")`), nil, nil); err == nil || !strings.Contains(err.Error(), "stored processes take more") {
		t.Errorf("an arrival past the quota: %v", err)
	}
}

// TestJumpRate: a process that jumps back and forth between two hosts is
// held to each host's allowance of jump traffic per owner.
func TestJumpRate(t *testing.T) {
	tr := &Memory{}
	slow := func(name string) func(*Config) {
		return func(c *Config) { c.Name, c.JumpRate, c.CheckpointEvery = name, 64<<10, 0 } // 64 jumps at once, one a second
	}
	a := attackHost(t, tr, slow("a"))
	b := attackHost(t, tr, slow("b"))
	tr.Attach(a)
	tr.Attach(b)
	ask(t, a, tr, alice, `new for i = 1, 1000 do local ok, e = mb.jump(mb.host() == "a" and "b" or "a") if not ok then print(i, e) return end end print("never refused")`)
	ask(t, a, tr, alice, "run p1")
	got := tr.WaitFor(alice, "too many jumps", 60*time.Second)
	var n int
	if _, err := fmt.Sscan(got, &n); err != nil || n < 120 || n > 140 || !strings.Contains(got, "alice@a.example's processes send at most 64 KB a second in jumps") {
		t.Errorf("ping-pong: %q (%v)", got, tr.Messages(alice)[len(tr.Messages(alice))-3:])
	}
}

// TestOwnerMaps: what the host keeps for each owner goes once it is as
// if the owner had never come: message and jump allowances that have
// refilled (let go once maxBuckets are kept: so many owners, or those who
// sent lately), and a count of stored bytes back at none.
func TestOwnerMaps(t *testing.T) {
	tr := &Memory{}
	h := attackHost(t, tr, nil)
	if got := run(t, h, tr, "s@a.example", `print(1)`); !strings.Contains(got, "finished") {
		t.Fatal(got)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if n, ok := h.stored["s@a.example"]; ok {
		t.Errorf("an owner whose process ended keeps a count of %d stored bytes", n)
	}
	// owners whose allowances are spent (refilled in seconds), then one
	// more of each
	const n = maxBuckets + 50
	for i := 0; i < n; i++ {
		owner := fmt.Sprint("u", i, "@a.example")
		h.rates[owner], h.jumps[owner] = &bucket{last: time.Now()}, &bucket{last: time.Now()}
	}
	if err := h.rate(&proc{rec: Record{Owner: "one@a.example"}}); err != nil {
		t.Fatal(err)
	}
	if err := h.jumpRate("one@a.example", 1); err != nil {
		t.Fatal(err)
	}
	if len(h.rates) != n+1 || len(h.jumps) != n+1 {
		t.Fatalf("%d and %d allowances of %d owners who just sent: each is kept", len(h.rates), len(h.jumps), n+1)
	}
	for _, m := range []map[string]*bucket{h.rates, h.jumps} {
		for _, b := range m {
			b.last = b.last.Add(-time.Hour)
		}
	}
	h.rate(&proc{rec: Record{Owner: "late@a.example"}})
	h.jumpRate("late@a.example", 1)
	if len(h.rates) != 1 || len(h.jumps) != 1 {
		t.Errorf("an hour later, %d and %d allowances kept", len(h.rates), len(h.jumps))
	}
}
