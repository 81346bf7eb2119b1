package host

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mobilua/mobilua/runtime/stdlib"
)

func TestMessagesAndAliases(t *testing.T) {
	tr := &Memory{}
	h := startHost(t, filepath.Join(t.TempDir(), "s.db"), tr)
	// a server that answers each message with its double, forever
	ask(t, h, tr, alice, `new while true do local v, from = mb.receive() mb.send(from, {n = v.n * 2, from = mb.pid()}) end`)
	if got := ask(t, h, tr, alice, "alias doubler p1"); got != "doubler is p1" {
		t.Fatalf("alias: %q", got)
	}
	ask(t, h, tr, alice, "run doubler")
	ask(t, h, tr, alice, `new for i = 1, 3 do mb.send("doubler", {n = i}) local r = mb.receive() print(r.n, r.from) end`)
	ask(t, h, tr, alice, "run p2")
	if tr.WaitFor(alice, "p2 finished", 20*time.Second) == "" {
		t.Fatalf("p2: %q", tr.Messages(alice))
	}
	for _, want := range []string{"2\tp1", "4\tp1", "6\tp1"} {
		if tr.WaitFor(alice, want, time.Second) == "" {
			t.Errorf("missing %q in %q", want, tr.Messages(alice))
		}
	}
	if got := waitPs(t, h, alice, "p1  waiting for a message", 10*time.Second); !strings.Contains(got, "p1  waiting for a message") {
		t.Errorf("ps: %q", got)
	}
	// a user's message, and what cannot be sent
	ask(t, h, tr, alice, `new local v, from = mb.receive() print(v, from) print(mb.send("p1", print)) print(mb.send("p99", 1))`)
	ask(t, h, tr, alice, "run p3")
	time.Sleep(20 * time.Millisecond)
	h.Handle(alice, "send p3 hello there")
	if tr.WaitFor(alice, "hello there\talice@a.example", 20*time.Second) == "" {
		t.Errorf("user message: %q", tr.Messages(alice))
	}
	if tr.WaitFor(alice, "nil\tcannot send a function", time.Second) == "" || tr.WaitFor(alice, "nil\tno live process p99", time.Second) == "" {
		t.Errorf("refused sends: %q", tr.Messages(alice))
	}
	// receive with a timeout, comment, sleep
	ask(t, h, tr, alice, `new mb.comment("waiting a bit") print(mb.receive(0.05)) mb.sleep(0.05) print("slept")`)
	ask(t, h, tr, alice, "run p4")
	if tr.WaitFor(alice, "nil\ttimeout", 20*time.Second) == "" || tr.WaitFor(alice, "slept", 20*time.Second) == "" {
		t.Errorf("timeout and sleep: %q", tr.Messages(alice))
	}
	if got := ask(t, h, tr, alice, "ps"); !strings.Contains(got, "waiting a bit") {
		t.Errorf("comment: %q", got)
	}
}

// TestForkJoin: a computation forks workers that send their results back.
func TestForkJoin(t *testing.T) {
	tr := &Memory{}
	h := startHost(t, filepath.Join(t.TempDir(), "s.db"), tr)
	ask(t, h, tr, alice, `new
local parent = mb.pid()
local n = 4
for w = 1, n do
  local child, from = mb.fork()
  if not child then -- the worker: sum its quarter, send it, end
    local s = 0
    for i = (w - 1) * 250 + 1, w * 250 do s = s + i end
    mb.send(from, s)
    mb.exit(0)
  end
end
local total = 0
for w = 1, n do total = total + mb.receive() end
print("total", total, mb.pid() == parent)`)
	ask(t, h, tr, alice, "run p1")
	if tr.WaitFor(alice, "total\t500500\ttrue", 10*time.Second) == "" {
		t.Fatalf("fork/join: %q", tr.Messages(alice))
	}
	ps := ask(t, h, tr, alice, "ps")
	if strings.Count(ps, "finished") != 5 {
		t.Errorf("ps after fork/join: %q", ps)
	}
}

// TestRestartWhileWaitingForMessage: a message sent after the restart
// reaches a process that waited for it before.
func TestRestartWhileWaitingForMessage(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	tr := &Memory{}
	st, _ := OpenStore(path)
	cfg := DefaultConfig()
	cfg.StepsPerSlice, cfg.CheckpointEvery = 1000, 0
	h, _ := New(cfg, st, tr)
	ask(t, h, tr, alice, `new local t = {} for i = 1, 10 do t[i] = i end print("got", mb.receive(), #t)`)
	ask(t, h, tr, alice, "run p1")
	time.Sleep(30 * time.Millisecond)
	h.Close()
	st.Close()
	st2, _ := OpenStore(path)
	defer st2.Close()
	tr2 := &Memory{}
	h2, err := New(cfg, st2, tr2)
	if err != nil {
		t.Fatal(err)
	}
	defer h2.Close()
	h2.Handle(alice, "send p1 42")
	if tr2.WaitFor(alice, "got\t42\t10", 20*time.Second) == "" {
		t.Errorf("after restart: %q", tr2.Messages(alice))
	}
}

func TestEnv(t *testing.T) {
	tr := &Memory{}
	h := startHost(t, filepath.Join(t.TempDir(), "s.db"), tr)
	env := ask(t, h, tr, alice, "env")
	for _, want := range []string{"mb (", "receive", "string (", "print"} {
		if !strings.Contains(env, want) {
			t.Errorf("env lacks %q:\n%s", want, env)
		}
	}
	for _, not := range []string{"io", "loadfile", "dofile", "debug"} {
		for _, line := range strings.Split(env, "\n") {
			if line == not || strings.HasPrefix(line, not+" (") {
				t.Errorf("env has %q", not)
			}
		}
	}
}

func TestSmallCalls(t *testing.T) {
	tr := &Memory{}
	cfg := DefaultConfig()
	cfg.Admins = []string{"root@a.example"}
	h := hostWith(t, filepath.Join(t.TempDir(), "s.db"), tr, cfg)
	ask(t, h, tr, alice, `new print(mb.checkpoint(), #mb.hosts(), mb.hosts()[1].jid) mb.send(mb.owner(), {answer = 42}) print(mb.send("carol@c.example", "hi"))`)
	ask(t, h, tr, alice, "run p1")
	if tr.WaitFor(alice, "true\t1\tmobilua", 20*time.Second) == "" {
		t.Errorf("checkpoint/hosts: %q", tr.Messages(alice))
	}
	if tr.WaitFor(alice, `message from p1: {"t":[[{"s":"answer"},{"n":42}]],"table":true}`, time.Second) == "" {
		t.Errorf("send to the owner: %q", tr.Messages(alice))
	}
	// no open relay: a process's chat goes to its owner only
	if tr.WaitFor(alice, "nil\tmb.send reaches one user: the process's owner (alice@a.example)", 5*time.Second) == "" || len(tr.Messages("carol@c.example")) > 0 {
		t.Errorf("send to another user: %q, %q", tr.Messages(alice), tr.Messages("carol@c.example"))
	}
	if got := ask(t, h, tr, alice, "comment p1 my first"); got != "p1's comment is set (ps shows it)" {
		t.Errorf("comment: %q", got)
	}
	ask(t, h, tr, alice, "alias first p1")
	if got := ask(t, h, tr, alice, "ps"); !strings.Contains(got, "my first") || !strings.Contains(got, "(first)") {
		t.Errorf("ps with comment and alias: %q", got)
	}
	if got := ask(t, h, tr, "root@a.example", "ps"); !strings.Contains(got, "p1  ") || !strings.Contains(got, "of alice@a.example") {
		t.Errorf("admin ps: %q", got)
	}
	if got := ask(t, h, tr, "root@a.example", "source p1"); !strings.Contains(got, "mb.checkpoint") {
		t.Errorf("admin source: %q", got)
	}
	if got := ask(t, h, tr, bob, "source first"); !strings.Contains(got, "no process first of yours") {
		t.Errorf("bob reads alice's source: %q", got)
	}
	for _, c := range []string{"run", "kill p99", "input", "send", "alias", "fork nothing", "load", "step", "new", "example x", "comment"} {
		if got := ask(t, h, tr, bob, c); got == "" || strings.Contains(got, "panic") {
			t.Errorf("%q: %q", c, got)
		}
	}
}

// TestHostPrototype: the host's processes are copies of one process of
// its profile (stdlib.Prototype): its calls keep no state in Go closures.
func TestHostPrototype(t *testing.T) {
	if !hostPrototype().Copies() {
		t.Fatal("the host's processes are not copies:", stdlib.NewProcess(hostProfile(), nil, nil, nil).Copyable())
	}
}
