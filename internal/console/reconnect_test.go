package console

import (
	"context"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mobilua/mobilua/internal/testbin"
	"github.com/mobilua/mobilua/xmpphost"
)

func TestMain(m *testing.M) { testbin.Main(m) }

// hostTest skips a test that runs the built mobilua on a private Prosody
// when it cannot (-short, no prosody), and returns the binary.
func hostTest(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds mobilua and starts Prosody")
	}
	if _, err := exec.LookPath("prosody"); err != nil {
		testbin.NeedTool(t, "prosody is not installed (apt-get install prosody)")
	}
	return testbin.Mobilua(t)
}

var exportRe = regexp.MustCompile(`([A-Z0-9_]+)=(?:'([^']*)'|([^\s']*))`)

// prosody starts (or restarts) the private Prosody in dir.
func prosody(t *testing.T, dir string, settings ...string) map[string]string {
	t.Helper()
	cmd := exec.Command("../../testdata/xmpp/start-prosody", dir)
	cmd.Env = append(append(os.Environ(), "XMPP_COMPONENT_PORT=0"), settings...)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("start-prosody: %v", err)
	}
	env := map[string]string{}
	for _, m := range exportRe.FindAllStringSubmatch(string(out), -1) {
		env[m[1]] = m[2] + m[3]
	}
	return env
}

// TestHostReconnects: `mobilua host` keeps serving across a restart of
// its XMPP server: it reconnects (with backoff), and a process that was
// waiting for input before the outage gets it after.
func TestHostReconnects(t *testing.T) {
	_, dir, env, h := servingHost(t)

	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	var mu sync.Mutex
	var got []string
	user := func() *xmpphost.Transport {
		u, err := xmpphost.Dial(ctx, xmpphost.Config{JID: env["XMPP_JID3"], Password: env["XMPP_PASS3"], Addr: env["XMPP_ADDR"], TLS: true, CAFile: env["XMPP_CA"]})
		if err != nil {
			t.Fatal(err)
		}
		u.SetStatus("")
		go u.Listen(func(from, body string) {
			mu.Lock()
			got = append(got, body)
			mu.Unlock()
		})
		return u
	}
	waitFor := func(want string) {
		t.Helper()
		for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			mu.Lock()
			for _, g := range got {
				if strings.Contains(g, want) {
					mu.Unlock()
					return
				}
			}
			mu.Unlock()
		}
		t.Fatalf("no message with %q; got %q", want, got)
	}
	u := user()
	u.Send(env["XMPP_JID1"], "new print('got ' .. mb.input('x?'))")
	waitFor("p1")
	u.Send(env["XMPP_JID1"], "run p1")
	waitFor("p1 asks: x?")
	u.Close()

	// the server goes away, and comes back on the same port
	if out, err := exec.Command("../../testdata/xmpp/stop-prosody", dir).CombinedOutput(); err != nil {
		t.Fatalf("stop-prosody: %v %s", err, out)
	}
	time.Sleep(500 * time.Millisecond)
	port := env["XMPP_ADDR"][strings.LastIndex(env["XMPP_ADDR"], ":")+1:]
	prosody(t, dir, "XMPP_PORT="+port)
	h.waitServing(t, "after the restart")

	u = user()
	defer u.Close()
	u.Send(env["XMPP_JID1"], "input p1 hello again")
	waitFor("got hello again")
}
