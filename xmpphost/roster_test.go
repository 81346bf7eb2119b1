package xmpphost

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mobilua/mobilua/host"
	"github.com/mobilua/mobilua/internal/testbin"
)

// slixUser is a user of account n in Debian's slixmpp
// (testdata/xmpp/user.py), with as many resources (clients) as the test
// logs in: the test sends it commands and reads its events.
type slixUser struct {
	t      testing.TB
	in     io.WriteCloser
	mu     sync.Mutex
	events []map[string]any
	more   chan struct{}
}

func startSlix(t testing.TB, ctx context.Context, env map[string]string, n string) *slixUser {
	t.Helper()
	if err := exec.Command("/usr/bin/python3", "-c", "import slixmpp").Run(); err != nil {
		testbin.NeedTool(t, "python3-slixmpp is not installed (apt-get install python3-slixmpp)")
	}
	script, _ := filepath.Abs("../testdata/xmpp/user.py")
	cmd := exec.CommandContext(ctx, "/usr/bin/python3", script, "--jid", env["XMPP_JID"+n], "--password", env["XMPP_PASS"+n],
		"--addr", env["XMPP_ADDR"], "--tls", env["XMPP_TLS"], "--ca", env["XMPP_CA"])
	cmd.Stderr = os.Stderr
	in, _ := cmd.StdinPipe()
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	u := &slixUser{t: t, in: in, more: make(chan struct{}, 1)}
	go func() {
		sc := bufio.NewScanner(out)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			var ev map[string]any
			if json.Unmarshal(sc.Bytes(), &ev) != nil {
				continue
			}
			u.mu.Lock()
			u.events = append(u.events, ev)
			u.mu.Unlock()
			select {
			case u.more <- struct{}{}:
			default:
			}
		}
	}()
	t.Cleanup(func() { in.Close(); cmd.Wait() })
	return u
}

// do sends the user a command.
func (u *slixUser) do(op string, kv ...any) {
	c := map[string]any{"op": op}
	for i := 0; i+1 < len(kv); i += 2 {
		c[kv[i].(string)] = kv[i+1]
	}
	b, _ := json.Marshal(c)
	if _, err := u.in.Write(append(b, '\n')); err != nil {
		u.t.Fatal(err)
	}
}

// login logs a resource in and waits until it is online.
func (u *slixUser) login(res string) {
	u.t.Helper()
	u.do("login", "res", res)
	u.wait(fmt.Sprintf("%s online", res), func(ev map[string]any) bool { return ev["ev"] == "online" && ev["res"] == res })
}

// wait returns the first event so far or to come, within 20 s, for
// which f is true.
func (u *slixUser) wait(what string, f func(ev map[string]any) bool) map[string]any {
	u.t.Helper()
	return u.find(what, f, false)
}

// take is wait that removes the event it returns (the next one with the
// same test is another).
func (u *slixUser) take(what string, f func(ev map[string]any) bool) map[string]any {
	u.t.Helper()
	return u.find(what, f, true)
}

func (u *slixUser) find(what string, f func(ev map[string]any) bool, remove bool) map[string]any {
	u.t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		u.mu.Lock()
		for i, ev := range u.events {
			if ev["ev"] == "error" {
				u.mu.Unlock()
				u.t.Fatalf("user.py: %v", ev["what"])
			}
			if f(ev) {
				if remove {
					u.events = append(u.events[:i:i], u.events[i+1:]...)
				}
				u.mu.Unlock()
				return ev
			}
		}
		u.mu.Unlock()
		select {
		case <-u.more:
		case <-time.After(50 * time.Millisecond):
		case <-deadline:
			u.t.Fatalf("no %s within 20 s; events:\n%s", what, u.dump())
		}
	}
}

// message waits for a message to resource res whose body contains want.
func (u *slixUser) message(res, want string) map[string]any {
	u.t.Helper()
	return u.wait(fmt.Sprintf("message %q to %s", want, res), func(ev map[string]any) bool {
		return ev["ev"] == "message" && ev["res"] == res && strings.Contains(ev["body"].(string), want)
	})
}

// bodies are the messages resource res got so far, in order.
func (u *slixUser) bodies(res string) []string {
	u.mu.Lock()
	defer u.mu.Unlock()
	var out []string
	for _, ev := range u.events {
		if ev["ev"] == "message" && ev["res"] == res {
			out = append(out, ev["body"].(string))
		}
	}
	return out
}

func (u *slixUser) dump() string {
	u.mu.Lock()
	defer u.mu.Unlock()
	var b strings.Builder
	for _, ev := range u.events {
		j, _ := json.Marshal(ev)
		b.Write(append(j, '\n'))
	}
	return b.String()
}

// TestRoster: a user of a roster client (slixmpp) adds the host to their
// contacts: the request is approved and returned, the host shows online
// with its load; with two clients of one account, only the client that
// wrote gets the reply, from the host's one address.
func TestRoster(t *testing.T) {
	env := startProsody(t)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	presenceEvery = 100 * time.Millisecond
	defer func() { presenceEvery = 10 * time.Second }()
	tr, _ := xmppHost(t, ctx, env, "1")
	hostJID := env["XMPP_JID1"]
	u := startSlix(t, ctx, env, "3")
	u.login("phone")
	u.do("subscribe", "res", "phone", "to", hostJID)
	u.wait("subscribed", func(ev map[string]any) bool {
		return ev["ev"] == "presence" && ev["type"] == "subscribed" && strings.HasPrefix(ev["from"].(string), hostJID)
	})
	online := u.wait("the host online", func(ev map[string]any) bool {
		return ev["ev"] == "presence" && ev["from"] == hostJID+"/"+HostResource && ev["type"] == "available"
	})
	if !strings.Contains(online["status"].(string), "type help") {
		t.Errorf("status %q", online["status"])
	}
	// the host subscribed back: both see each other
	u.wait("a subscription both ways", func(ev map[string]any) bool {
		if ev["ev"] != "roster" {
			u.do("roster", "res", "phone")
			time.Sleep(100 * time.Millisecond)
			return false
		}
		items, _ := ev["items"].(map[string]any)
		return items[hostJID] == "both"
	})
	u.login("laptop")
	u.do("send", "res", "laptop", "to", hostJID, "body", "step print(6 * 7)")
	reply := u.message("laptop", "42")
	if reply["from"] != hostJID+"/"+HostResource {
		t.Errorf("the reply came from %v", reply["from"])
	}
	// the process's output goes to the client that started it
	u.do("send", "res", "phone", "to", hostJID, "body", "new print('from p' .. 1)")
	u.message("phone", "p1")
	u.do("send", "res", "phone", "to", hostJID, "body", "run p1")
	u.message("phone", "from p1")
	u.message("phone", "p1 finished")
	u.do("send", "res", "laptop", "to", hostJID, "body", "ps")
	u.message("laptop", "p1  finished")
	for _, b := range u.bodies("phone") {
		if strings.Contains(b, "42") || strings.Contains(b, "p1  finished") {
			t.Errorf("the phone got the laptop's reply %q", b)
		}
	}
	for _, b := range u.bodies("laptop") {
		if strings.Contains(b, "from p1") {
			t.Errorf("the laptop got the phone's process's output %q", b)
		}
	}
	// the status follows the load
	u.do("send", "res", "phone", "to", hostJID, "body", "new mb.receive()")
	u.message("phone", "p2")
	u.do("send", "res", "phone", "to", hostJID, "body", "run p2")
	u.wait("a status with the load", func(ev map[string]any) bool {
		return ev["ev"] == "presence" && ev["type"] == "available" && ev["status"] == "0 running, 1 waiting, 2 processes · type help"
	})
	// the host stops: it goes offline in the roster at once
	tr.Close()
	u.wait("the host offline", func(ev map[string]any) bool {
		return ev["ev"] == "presence" && ev["res"] == "phone" && ev["from"] == hostJID+"/"+HostResource && ev["type"] == "unavailable"
	})
}

// TestOrder: everything a user receives comes in the order it happened,
// over many runs: a command's reply before what the process it started
// prints, and a process's prints, its mb.send to its owner and its end in
// the order the process did them.
func TestOrder(t *testing.T) {
	env := startProsody(t)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	xmppHost(t, ctx, env, "1")
	hostJID, owner := env["XMPP_JID1"], env["XMPP_JID3"]
	u := startSlix(t, ctx, env, "3")
	u.login("c")
	say := func(body string) { u.do("send", "res", "c", "to", hostJID, "body", body) }
	say(fmt.Sprintf(`new for i = 1, 20 do local v = mb.receive() print("got " .. v) mb.send(%q, v * 2) print("sent " .. v * 2) end`, owner))
	u.message("c", "p1")
	say("run p1")
	const runs = 20
	for i := 1; i <= runs; i++ {
		say(fmt.Sprintf("new print('first of p%d') for i = 1, 3 do print(i) end", i+1))
		say(fmt.Sprintf("run p%d", i+1))
		say(fmt.Sprintf("send p1 %d", i))
	}
	for i := 1; i <= runs+1; i++ {
		u.message("c", fmt.Sprintf("p%d finished", i))
	}
	all := strings.Join(u.bodies("c"), "\n") + "\n"
	pos := func(s string) int {
		i := strings.Index(all, s)
		if i < 0 {
			t.Fatalf("no %q in:\n%s", s, all)
		}
		return i
	}
	for i := 1; i <= runs; i++ {
		pid := fmt.Sprintf("p%d", i+1)
		if !(pos(pid+" is running\n") < pos("first of "+pid+"\n") && pos("first of "+pid+"\n") < pos(pid+" finished\n")) {
			t.Errorf("%s: its reply, output and end out of order:\n%s", pid, all)
		}
		got, msg, sent := pos(fmt.Sprintf("got %d\n", i)), pos(fmt.Sprintf("message from p1: %d\n", 2*i)), pos(fmt.Sprintf("sent %d\n", 2*i))
		if !(got < msg && msg < sent) {
			t.Errorf("p1's print, mb.send and print of %d out of order:\n%s", i, all)
		}
	}
}

// TestAdhoc: a client with a command menu (slixmpp's XEP-0050) lists the
// host's commands and runs a script from a data form, lists its
// processes, steps, and stops a process.
func TestAdhoc(t *testing.T) {
	env := startProsody(t)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	tr, _ := xmppHost(t, ctx, env, "1")
	me := env["XMPP_JID1"] + "/" + HostResource
	u := startSlix(t, ctx, env, "3")
	u.login("gajim")
	u.do("commands", "res", "gajim", "to", me)
	list := u.wait("the command list", func(ev map[string]any) bool { return ev["ev"] == "commands" })
	items, _ := list["items"].(map[string]any)
	for _, node := range []string{"run", "step", "ps", "kill", "status"} {
		if items[node] == nil {
			t.Errorf("no command %s in %v", node, items)
		}
	}
	done := func(node string) map[string]any {
		return u.take("command "+node, func(ev map[string]any) bool { return ev["ev"] == "command" && ev["node"] == node })
	}
	note := func(ev map[string]any) string {
		notes, _ := ev["notes"].([]any)
		if ev["status"] != "completed" || len(notes) != 1 {
			t.Fatalf("command: %v", ev)
		}
		return notes[0].(string)
	}
	u.do("command", "res", "gajim", "to", me, "node", "run", "fields", map[string]string{"name": "form.lua", "code": "print('from a form ' .. 6 * 7)\nmb.receive()"})
	if got := note(done("run")); got != "p1 is running" {
		t.Errorf("run: %q", got)
	}
	u.message("gajim", "from a form 42")
	u.do("command", "res", "gajim", "to", me, "node", "ps", "fields", nil)
	if got := note(done("ps")); !strings.HasPrefix(got, "p1  waiting for a message  form.lua") {
		t.Errorf("ps: %q", got)
	}
	u.do("command", "res", "gajim", "to", me, "node", "step", "fields", map[string]string{"code": "=2^10"})
	if got := note(done("step")); got != "the step runs; its output comes in chat" {
		t.Errorf("step: %q", got)
	}
	u.message("gajim", "1024")
	// as many steps as may run at once are running: one more is refused
	tr.steps.mu.Lock()
	tr.steps.running += maxSteps
	tr.steps.mu.Unlock()
	u.do("command", "res", "gajim", "to", me, "node", "step", "fields", map[string]string{"code": "=1"})
	if got := note(done("step")); got != "busy: too many commands at once; try again" {
		t.Errorf("step past the limit: %q", got)
	}
	tr.steps.mu.Lock()
	tr.steps.running -= maxSteps
	tr.steps.mu.Unlock()
	u.do("command", "res", "gajim", "to", me, "node", "kill", "fields", map[string]string{"pid": "p1"})
	if got := note(done("kill")); got != "p1 killed" {
		t.Errorf("kill: %q", got)
	}
	u.do("command", "res", "gajim", "to", me, "node", "run", "fields", map[string]string{"code": "x = = 1"})
	if got := note(done("run")); got != "new:1: unexpected symbol near '='" {
		t.Errorf("run of bad code: %q", got)
	}
}

// TestREPLOverXMPP: in a roster client (slixmpp), step is lua5.1's
// interactive mode: code joined from three messages, a fenced block,
// =expr, globals kept across steps and across a restart of the host;
// rm and clean; ps after a jump names the peer and the PID there.
func TestREPLOverXMPP(t *testing.T) {
	env := startProsody(t)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	a, b := env["XMPP_JID1"], env["XMPP_JID2"]
	store := filepath.Join(t.TempDir(), "a.db")
	start := func() (*Transport, *host.Host, *host.Store) {
		tr := dialAs(t, ctx, env, "1", HostResource)
		tr.SetPeers([]string{b})
		st, err := host.OpenStore(store)
		if err != nil {
			t.Fatal(err)
		}
		hc := host.DefaultConfig()
		hc.Name = a
		h, err := host.New(hc, st, tr)
		if err != nil {
			t.Fatal(err)
		}
		go tr.Serve(h)
		return tr, h, st
	}
	tr, h, st := start()
	xmppHost(t, ctx, env, "2", a)
	u := startSlix(t, ctx, env, "3")
	u.login("c")
	n := 0
	say := func(body, want string) {
		t.Helper()
		u.do("send", "res", "c", "to", a, "body", body)
		n++
		got := u.take(fmt.Sprintf("reply %d to %q", n, body), func(ev map[string]any) bool { return ev["ev"] == "message" && ev["res"] == "c" })
		if got["body"] != want {
			t.Errorf("%q: got %q, want %q", body, got["body"], want)
		}
	}
	const more = "... (the code goes on: send the rest, or cancel)"
	say("step total = 0", "(no output)")
	say("step for i = 1, 4 do", more)
	say("  total = total + i", "...")
	say("end print(total)", "10")
	say("step ```lua\nlocal s = {}\nfor w in ('a b c'):gmatch('%a') do s[#s + 1] = w:upper() end", more)
	say("print(table.concat(s, '-'))\n```", "A-B-C")
	say("step =total * 2, type(total)", "20\tnumber")
	// the host restarts: the session's globals are still there
	tr.Close()
	h.Close()
	st.Close()
	tr, h, st = start()
	defer func() { tr.Close(); h.Close(); st.Close() }()
	time.Sleep(200 * time.Millisecond)
	say("step =total", "10")
	say("new print('short')", "p1")
	say("run p1", "p1 is running")
	for _, want := range []string{"short", "p1 finished"} {
		u.take(want, func(ev map[string]any) bool { return ev["ev"] == "message" && ev["body"] == want })
	}
	say(`new travel.lua mb.jump("`+b+`")`, "p2")
	say("run p2", "p2 is running")
	u.message("c", "p1 arrived on "+b+" (it was p2)")
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if strings.Contains(fmt.Sprint(h.Processes(env["XMPP_JID3"])), "migrated to") || time.Now().After(deadline) {
			break
		}
	}
	u.do("send", "res", "c", "to", a, "body", "ps")
	ps := u.message("c", "p2  ")["body"].(string)
	if !strings.Contains(ps, "p2  migrated to "+b+" as p1") || !strings.Contains(ps, "travel.lua") {
		t.Errorf("ps after the jump: %q", ps)
	}
	u.do("send", "res", "c", "to", a, "body", "rm p1")
	u.message("c", "p1 removed")
	u.do("send", "res", "c", "to", a, "body", "clean")
	u.message("c", "1 ended process removed")
}
