package xmpphost

import (
	"context"
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"mellium.im/xmlstream"
	"mellium.im/xmpp/disco"
	"mellium.im/xmpp/jid"
	"mellium.im/xmpp/mux"
	"mellium.im/xmpp/ping"
	"mellium.im/xmpp/stanza"

	"github.com/mobilua/mobilua/host"
	"github.com/mobilua/mobilua/internal/testbin"
)

// startProsody starts a private Prosody on loopback with the scripts in
// testdata/xmpp (MOBILUA_XMPP_SCRIPTS names another directory).
func startProsody(t testing.TB) map[string]string {
	return startProsodyWith(t, "XMPP_COMPONENT_PORT=0")
}

// startProsodyWith is startProsody with settings of start-prosody's.
func startProsodyWith(t testing.TB, settings ...string) map[string]string {
	return startProsodyAccounts(t, settings)
}

// startProsodyAccounts is startProsodyWith with these accounts
// (jid:password) instead of start-prosody's three.
func startProsodyAccounts(t testing.TB, settings []string, accounts ...string) map[string]string {
	scripts := os.Getenv("MOBILUA_XMPP_SCRIPTS")
	if scripts == "" {
		scripts, _ = filepath.Abs("../testdata/xmpp")
	}
	start := filepath.Join(scripts, "start-prosody")
	if _, err := os.Stat(start); err != nil {
		testbin.NeedTool(t, "no %s: the XMPP tests need a Prosody to start", start)
	}
	if _, err := exec.LookPath("prosody"); err != nil {
		// (start-prosody would install it; a test does not install packages)
		testbin.NeedTool(t, "prosody is not installed (apt-get install prosody): XMPP tests skipped")
	}
	dir := t.TempDir()
	cmd := exec.Command(start, append([]string{dir}, accounts...)...)
	cmd.Env = append(append(os.Environ(), "XMPP_PORT=auto"), settings...)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("start-prosody: %v", err)
	}
	t.Cleanup(func() { exec.Command(filepath.Join(scripts, "stop-prosody"), dir).Run() })
	env := map[string]string{}
	for _, m := range exportRe.FindAllStringSubmatch(string(out), -1) {
		env[m[1]] = m[2] + m[3]
	}
	return env
}

// exportRe reads K='v' and K=v out of export lines.
var exportRe = regexp.MustCompile(`([A-Z0-9_]+)=(?:'([^']*)'|([^\s']*))`)

// TestChat: a host logged in to Prosody answers a user's chat messages.
func TestChat(t *testing.T) {
	env := startProsody(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	tr, _ := xmppHost(t, ctx, env, "1")
	// the user: another account (the third), with its own session
	user := newUser(t, ctx, env, "3")
	waitFor := func(want string) string { return user.waitFor(t, want) }
	hostJID := env["XMPP_JID1"]
	user.Send(hostJID, "step print(6 * 7)")
	waitFor("42")
	user.Send(hostJID, "new print('hello from ' .. mb.pid() .. ' to ' .. mb.owner())")
	user.Send(hostJID, "run p1")
	waitFor("hello from p1 to " + env["XMPP_JID3"])
	user.Send(hostJID, "nonsense")
	waitFor("Type help")

	// a message to host/<pid> is input for that process
	user.Send(hostJID, "new print('got ' .. mb.input('x?'))")
	user.Send(hostJID, "run p2")
	waitFor("p2 asks: x?")
	user.Send(hostJID+"/p2", "via the resource")
	waitFor("got via the resource")

	// XEP-0199 ping and XEP-0030 disco#info on the host's full JID
	full := tr.s.LocalAddr()
	if err := ping.Send(ctx, user.s, full); err != nil {
		t.Errorf("ping: %v", err)
	}
	inf, err := disco.GetInfo(ctx, "", full, user.s)
	if err != nil {
		t.Fatalf("disco: %v", err)
	}
	var feats []string
	for _, f := range inf.Features {
		feats = append(feats, f.Var)
	}
	if !slices.Contains(feats, NS) || !slices.Contains(feats, ping.NS) || len(inf.Identity) == 0 || inf.Identity[0].Type != "bot" {
		t.Errorf("disco#info: %+v", inf)
	}
}

// dial logs in as account n of the private Prosody.
func dial(t testing.TB, ctx context.Context, env map[string]string, n string) *Transport {
	return dialAs(t, ctx, env, n, "")
}

// dialAs is dial binding resource (the server picks one for "").
func dialAs(t testing.TB, ctx context.Context, env map[string]string, n, resource string) *Transport {
	tr, err := Dial(ctx, Config{JID: env["XMPP_JID"+n], Password: env["XMPP_PASS"+n], Addr: env["XMPP_ADDR"],
		TLS: env["XMPP_TLS"] != "0", CAFile: env["XMPP_CA"], Resource: resource})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tr.Close() })
	return tr
}

// xmppHost starts a host on account n with the given peers.
func xmppHost(t testing.TB, ctx context.Context, env map[string]string, n string, peers ...string) (*Transport, *host.Host) {
	return xmppHostWith(t, ctx, env, n, nil, peers...)
}

// xmppHostWith is xmppHost with changes to the transport and the host's
// configuration.
func xmppHostWith(t testing.TB, ctx context.Context, env map[string]string, n string, mod func(*Transport, *host.Config), peers ...string) (*Transport, *host.Host) {
	tr := dialAs(t, ctx, env, n, HostResource)
	return tr, serveHost(t, tr, env["XMPP_JID"+n], mod, peers)
}

// serveHost starts a host named name on tr, on a store of its own, with
// peers, and serves it until the test ends.
func serveHost(t testing.TB, tr *Transport, name string, mod func(*Transport, *host.Config), peers []string) *host.Host {
	tr.SetPeers(peers)
	st, err := host.OpenStore(filepath.Join(t.TempDir(), "h.db"))
	if err != nil {
		t.Fatal(err)
	}
	hc := host.DefaultConfig()
	hc.Name = name
	if mod != nil {
		mod(tr, &hc)
	}
	h, err := host.New(hc, st, tr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close(); st.Close() })
	tr.SetStatus("ready")
	go tr.Serve(h)
	return h
}

// twoHosts starts a private Prosody, two hosts that are peers of each
// other (accounts 1 and 2, on two virtual hosts) and a user (account 3)
// for a test of a minute at most.
func twoHosts(t *testing.T) (a, b string, user *chatUser) {
	env := startProsody(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	a, b = env["XMPP_JID1"], env["XMPP_JID2"]
	xmppHost(t, ctx, env, "1", b)
	xmppHost(t, ctx, env, "2", a)
	return a, b, newUser(t, ctx, env, "3")
}

// chatUser is a user's session that records what it is sent (and by whom).
type chatUser struct {
	*Transport
	mu  sync.Mutex
	got []string // "from: body"
}

func newUser(t testing.TB, ctx context.Context, env map[string]string, n string) *chatUser {
	tr := dial(t, ctx, env, n)
	u := &chatUser{Transport: tr}
	tr.SetStatus("")
	go tr.s.Serve(mux.New(stanza.NSClient, mux.MessageFunc(stanza.ChatMessage, xml.Name{Local: "body"},
		func(_ stanza.Message, r xmlstream.TokenReadEncoder) error {
			var m message
			if err := xml.NewTokenDecoder(r).Decode(&m); err != nil {
				return err
			}
			u.mu.Lock()
			u.got = append(u.got, m.From.Bare().String()+": "+m.Body)
			u.mu.Unlock()
			return nil
		})))
	return u
}

func (u *chatUser) waitFor(t testing.TB, want string) string {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		u.mu.Lock()
		for _, g := range u.got {
			if strings.Contains(g, want) {
				u.mu.Unlock()
				return g
			}
		}
		u.mu.Unlock()
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	t.Fatalf("no message with %q; got %q", want, u.got)
	return ""
}

// TestJumpOverXMPP: a process carrying a 300 KB string jumps five times
// between a host on a.localhost and one on b.localhost (each jump split
// into pieces under the stanza limit): "I'm here..." comes from the
// first, "...and now I'm here!" from the second; a host that is not a
// peer is refused.
func TestJumpOverXMPP(t *testing.T) {
	env := startProsody(t)
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	a, b := env["XMPP_JID1"], env["XMPP_JID2"]
	xmppHost(t, ctx, env, "1", b)
	trB, _ := xmppHost(t, ctx, env, "2", a)
	user := newUser(t, ctx, env, "3")
	user.Send(a, `new
local t = {n = 0, big = string.rep("x", 300000), grow = {}}
print "I'm here..."
for i = 1, 5 do
  t.n = t.n + 1
  for j = 1, 1000 do t.grow[#t.grow + 1] = {i, j, tostring(j)} end
  assert(mb.jump(mb.host() == "`+a+`" and "`+b+`" or "`+a+`"))
  assert(#t.grow == i * 1000 and t.grow[#t.grow][3] == "1000")
  print("leg", i, mb.host(), t.n, #t.big)
end
print "...and now I'm here!"`)
	user.Send(a, "run p1")
	if got := user.waitFor(t, "I'm here..."); !strings.HasPrefix(got, a+": ") {
		t.Errorf("first words from %q", got)
	}
	if got := user.waitFor(t, "leg\t1\t"+b+"\t1\t300000"); !strings.HasPrefix(got, b+": ") {
		t.Errorf("leg 1 from %q", got)
	}
	if got := user.waitFor(t, "leg\t4\t"+a+"\t4\t300000"); !strings.HasPrefix(got, a+": ") {
		t.Errorf("leg 4 from %q", got)
	}
	if got := user.waitFor(t, "...and now I'm here!"); !strings.HasPrefix(got, b+": ") {
		t.Errorf("last words from %q (5 jumps end on the second host)", got)
	}
	// a jump to a host that does not list this one as a peer is refused,
	// and the process goes on where it was
	user.Send(a, `new print(mb.jump("`+env["XMPP_JID3"]+`"))`)
	user.waitFor(t, a+": p4") // (p2 and p3 arrived here on the way)
	user.Send(a, "run p4")
	user.waitFor(t, "nil\t"+env["XMPP_JID3"]+" is not a peer of this host")
	// and a host refuses processes from hosts it does not list
	trB.SetPeers(nil)
	user.Send(a, `new print(mb.jump("`+b+`")) print("still on", mb.host())`)
	user.waitFor(t, a+": p5")
	user.Send(a, "run p5")
	user.waitFor(t, "nil\t"+b+" does not take processes from "+a)
	user.waitFor(t, "still on\t"+a)
}

// TestThirdPartyClient drives a host with Debian's slixmpp (not our code):
// testdata/xmpp/client.py sends commands as a user and prints the replies.
func TestThirdPartyClient(t *testing.T) {
	if err := exec.Command("/usr/bin/python3", "-c", "import slixmpp").Run(); err != nil {
		testbin.NeedTool(t, "python3-slixmpp is not installed (apt-get install python3-slixmpp)")
	}
	env := startProsody(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	xmppHost(t, ctx, env, "1")
	client, _ := filepath.Abs("../testdata/xmpp/client.py")
	// run sends lines as the slixmpp user and returns what it got
	run := func(lines ...string) string {
		cmd := exec.CommandContext(ctx, "/usr/bin/python3", append([]string{client, "--to", env["XMPP_JID1"], "--wait", "1.5"}, lines...)...)
		cmd.Env = append(os.Environ(), "XMPP_ADDR="+env["XMPP_ADDR"], "XMPP_TLS="+env["XMPP_TLS"], "XMPP_CA="+env["XMPP_CA"],
			"XMPP_JID3="+env["XMPP_JID3"], "XMPP_PASS3="+env["XMPP_PASS3"])
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("client.py: %v\n%s", err, out)
		}
		return string(out)
	}
	out := run("step print(6 * 7)", "new print('stored ' .. mb.pid())", "run p1", "ps", "source p1", "help step", "what")
	for _, want := range []string{": 42\n", ": p1\n", ": stored p1\n", ": p1  ", "print('stored ' .. mb.pid())", "step <lua code> — ", "Type help"} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in what slixmpp got:\n%s", want, out)
		}
	}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if from, _, ok := strings.Cut(line, ": "); ok && strings.Contains(from, "@") && !strings.HasPrefix(line, env["XMPP_JID1"]+"/") {
			t.Errorf("a reply from elsewhere: %q", line)
		}
	}
	// input: a process asks, the slixmpp user answers (a second session,
	// once the question has come)
	if out := run("new print('hello, ' .. mb.input('your name?'))", "run p2"); !strings.Contains(out, "p2 asks: your name?") {
		t.Fatalf("no question:\n%s", out)
	}
	if out := run("input p2 Ada"); !strings.Contains(out, ": hello, Ada") {
		t.Errorf("no answer to the input:\n%s", out)
	}
}

// TestForkThenJump: a process forks on the first host and the child
// jumps to the second with a 5 MB continuation (in many pieces), while the
// parent stays.
func TestForkThenJump(t *testing.T) {
	a, b, user := twoHosts(t)
	user.Send(a, `new local big = string.rep("y", 5 * 1024 * 1024)
local child = mb.fork()
if child then print("parent stays on", mb.host(), #big)
else assert(mb.jump("`+b+`")) print("child moved to", mb.host(), #big) end`)
	user.waitFor(t, a+": p1")
	user.Send(a, "run p1")
	if got := user.waitFor(t, "parent stays on\t"+a+"\t5242880"); !strings.HasPrefix(got, a+": ") {
		t.Errorf("parent: %q", got)
	}
	if got := user.waitFor(t, "child moved to\t"+b+"\t5242880"); !strings.HasPrefix(got, b+": ") {
		t.Errorf("child: %q", got)
	}
}

// TestIPCOverXMPP: mb.send and mb.receive between processes on two hosts.
func TestIPCOverXMPP(t *testing.T) {
	a, b, user := twoHosts(t)
	user.Send(b, `new while true do local v, from = mb.receive() mb.send(from, {double = v * 2, by = mb.pid()}) end`)
	user.waitFor(t, b+": p1")
	user.Send(b, "run p1")
	user.Send(a, `new print(mb.send("`+b+`/p1", 21)) local r, from = mb.receive() print(r.double, r.by, from) print(mb.send("`+b+`/p99", 1))`)
	user.waitFor(t, a+": p1")
	user.Send(a, "run p1")
	user.waitFor(t, a+": true")
	if got := user.waitFor(t, "42\tp1\t"+b+"/p1"); !strings.HasPrefix(got, a+": ") {
		t.Errorf("the answer from %q", got)
	}
	user.waitFor(t, "nil\tno live process p99")
}

// TestJumpToAbsentPeer: the peer is offline when the process jumps; the
// jump is neither done nor refused, so the process stays "migrating" and
// is sent again until the peer, once online, takes it: it runs once, there.
func TestJumpToAbsentPeer(t *testing.T) {
	env := startProsody(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	a, b := env["XMPP_JID1"], env["XMPP_JID2"]
	xmppHostWith(t, ctx, env, "1", func(tr *Transport, c *host.Config) {
		// (an answer later than AckTimeout has the jump cancelled: 300 ms
		// was too little for a peer that just logged in, under the race
		// detector on a slow machine)
		tr.AckTimeout, c.JumpRetry = 2*time.Second, 200*time.Millisecond
	}, b)
	user := newUser(t, ctx, env, "3")
	user.Send(a, `new print("jump:", mb.jump("`+b+`")) print("now on", mb.host())`)
	user.waitFor(t, a+": p1")
	user.Send(a, "run p1")
	for i := 0; ; i++ {
		user.Send(a, "ps")
		time.Sleep(100 * time.Millisecond)
		user.mu.Lock()
		migrating := false
		for _, g := range user.got {
			migrating = migrating || strings.Contains(g, "p1  migrating")
		}
		user.mu.Unlock()
		if migrating {
			break
		}
		if i > 50 {
			t.Fatalf("p1 is not migrating: %q", user.got)
		}
	}
	xmppHost(t, ctx, env, "2", a) // the peer comes online
	if got := user.waitFor(t, "now on\t"+b); !strings.HasPrefix(got, b+": ") {
		t.Errorf("from %q", got)
	}
	time.Sleep(300 * time.Millisecond)
	user.mu.Lock()
	defer user.mu.Unlock()
	if n := strings.Count(strings.Join(user.got, "\n"), "now on"); n != 1 {
		t.Errorf("ran %d times: %q", n, user.got)
	}
}

// TestJumpTooLarge: a continuation larger than a jump may carry is
// refused by the sender before anything is sent (compressed, it would be
// small), and the process goes on at home.
func TestJumpTooLarge(t *testing.T) {
	old := maxContinuation
	maxContinuation = 100000
	defer func() { maxContinuation = old }()
	a, b, user := twoHosts(t)
	user.Send(a, `new local t = string.rep("x", 300000) print(mb.jump("`+b+`")) print("still on", mb.host(), #t)`)
	user.waitFor(t, a+": p1")
	user.Send(a, "run p1")
	user.waitFor(t, "nil\tthe process is too large to travel (0.3 MiB frozen; at most 0.1 MiB)")
	if got := user.waitFor(t, "still on"); !strings.Contains(got, "still on\t"+a+"\t300000") {
		t.Errorf("after the refusal: %q", got)
	}
}

// TestComponent: hosts logged in as external components (XEP-0114) of a
// real Prosody answer commands on their domain, take input for a process
// at its own JID (p1@procs.a.localhost), carry a process to one another,
// and pass messages between processes addressed by their JIDs.
func TestComponent(t *testing.T) {
	ca, cb := "procs.a.localhost", "procs.b.localhost"
	env := startProsodyWith(t, "XMPP_COMPONENT_PORT=auto", "XMPP_COMPONENTS="+ca+":s3cret "+cb+":an0ther")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	component := func(domain, secret, peer string) {
		tr, err := Dial(ctx, Config{JID: domain, Password: secret, Addr: env["XMPP_COMPONENT_ADDR"], Component: true})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { tr.Close() })
		serveHost(t, tr, domain, nil, []string{peer})
	}
	component(ca, "s3cret", cb)
	component(cb, "an0ther", ca)
	if _, err := Dial(ctx, Config{JID: ca, Password: "wrong", Addr: env["XMPP_COMPONENT_ADDR"], Component: true}); err == nil {
		t.Error("a wrong secret was accepted")
	}
	user := newUser(t, ctx, env, "3")
	user.Send(ca, "step print(6 * 7)")
	if got := user.waitFor(t, "42"); got != ca+": 42" {
		t.Errorf("step: %q", got)
	}
	if err := ping.Send(ctx, user.s, jid.MustParse(ca)); err != nil {
		t.Errorf("ping: %v", err)
	}
	user.Send(ca, `new print("got " .. mb.input("x?"))
print("jump", mb.jump("`+cb+`"))
print("on", mb.host())
local v, from = mb.receive()
print("message", v, from)`)
	user.waitFor(t, ca+": p1")
	user.Send(ca, "run p1")
	if got := user.waitFor(t, "p1 asks: x?"); !strings.HasPrefix(got, "p1@"+ca+": ") {
		t.Errorf("the question comes from %q, not the process's JID", got)
	}
	user.Send("p1@"+ca, "hello") // the process's own JID
	if got := user.waitFor(t, "got hello"); !strings.HasPrefix(got, "p1@"+ca+": ") {
		t.Errorf("the output comes from %q, not the process's JID", got)
	}
	if got := user.waitFor(t, "on\t"+cb); !strings.HasPrefix(got, "p1@"+cb+": ") { // p1 there too
		t.Errorf("after the jump: %q", got)
	}
	user.Send(ca, `new print(mb.send("p1@`+cb+`", "ping"))`)
	user.waitFor(t, ca+": p2")
	user.Send(ca, "run p2")
	if got := user.waitFor(t, "message\tping\tp2@"+ca); !strings.HasPrefix(got, "p1@"+cb+": ") {
		t.Errorf("the message: %q", got)
	}
}

// TestPeerHeardFrom: a host that started before its peer, and would not
// ping it again for an hour, sees it online as soon as a jump to it is
// acknowledged (heardFrom).
func TestPeerHeardFrom(t *testing.T) {
	defer peerEvery.Store(peerEvery.Swap(int64(time.Hour)))
	defer peerRetry.Store(peerRetry.Swap(int64(time.Hour)))
	env := startProsody(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	a, b := env["XMPP_JID1"], env["XMPP_JID2"]
	trA, _ := xmppHost(t, ctx, env, "1", b)
	state := func() string { return trA.PeerStates()[b] }
	for deadline := time.Now().Add(20 * time.Second); state() == ""; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the peer was not pinged")
		}
	}
	if strings.HasPrefix(state(), "online") {
		t.Fatalf("a peer not logged in yet: %q", state())
	}
	xmppHost(t, ctx, env, "2", a)
	user := newUser(t, ctx, env, "3")
	user.Send(a, `new print("jumped", mb.jump("`+b+`"))`)
	user.waitFor(t, a+": p1")
	user.Send(a, "run p1")
	user.waitFor(t, "jumped\ttrue")
	for deadline := time.Now().Add(10 * time.Second); !strings.HasPrefix(state(), "online"); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("after a jump to it: %q", state())
		}
	}
}
