package xmpphost

import (
	"context"
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"mellium.im/xmlstream"
	"mellium.im/xmpp/mux"
	"mellium.im/xmpp/stanza"

	"github.com/mobilua/mobilua/host"
)

// startProsody starts a private Prosody on loopback with the scripts of
// ../shared/xmpp (MOBILUA_XMPP_SCRIPTS names another directory); the test
// is skipped when they are not there.
func startProsody(t *testing.T) map[string]string {
	scripts := os.Getenv("MOBILUA_XMPP_SCRIPTS")
	if scripts == "" {
		scripts, _ = filepath.Abs("../../shared/xmpp")
	}
	start := filepath.Join(scripts, "start-prosody")
	if _, err := os.Stat(start); err != nil {
		t.Skipf("no %s: the XMPP tests need a Prosody to start", start)
	}
	if _, err := exec.LookPath("prosody"); err != nil {
		// (start-prosody would install it; a test does not install packages)
		t.Skip("prosody is not installed (apt-get install prosody): XMPP tests skipped")
	}
	dir := t.TempDir()
	cmd := exec.Command(start, dir)
	cmd.Env = append(os.Environ(), "XMPP_PORT=auto", "XMPP_COMPONENT_PORT=0")
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
	cfg := func(n string) Config {
		return Config{JID: env["XMPP_JID"+n], Password: env["XMPP_PASS"+n], Addr: env["XMPP_ADDR"],
			TLS: env["XMPP_TLS"] != "0", CAFile: env["XMPP_CA"]}
	}
	tr, err := Dial(ctx, cfg("1"))
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	st, err := host.OpenStore(filepath.Join(t.TempDir(), "h.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	hc := host.DefaultConfig()
	hc.Name = env["XMPP_JID1"]
	h, err := host.New(hc, st, tr)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	if err := tr.SetStatus("ready"); err != nil {
		t.Fatal(err)
	}
	go tr.Serve(h)

	// the user: another account (the third), with its own session
	user, err := Dial(ctx, cfg("3"))
	if err != nil {
		t.Fatal(err)
	}
	defer user.Close()
	user.SetStatus("")
	var mu sync.Mutex
	var got []string
	go user.s.Serve(mux.New(stanza.NSClient, mux.MessageFunc(stanza.ChatMessage, xml.Name{Local: "body"},
		func(_ stanza.Message, r xmlstream.TokenReadEncoder) error {
			var m message
			if err := xml.NewTokenDecoder(r).Decode(&m); err != nil {
				return err
			}
			mu.Lock()
			got = append(got, m.Body)
			mu.Unlock()
			return nil
		})))
	waitFor := func(want string) string {
		for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			mu.Lock()
			for _, g := range got {
				if strings.Contains(g, want) {
					mu.Unlock()
					return g
				}
			}
			mu.Unlock()
		}
		t.Fatalf("no reply with %q; got %q", want, got)
		return ""
	}
	hostJID := env["XMPP_JID1"]
	user.Send(hostJID, "step print(6 * 7)")
	waitFor("42")
	user.Send(hostJID, "new print('hello from ' .. mb.pid() .. ' to ' .. mb.owner())")
	user.Send(hostJID, "run p1")
	waitFor("hello from p1 to " + env["XMPP_JID3"])
	user.Send(hostJID, "nonsense")
	waitFor("Type help")
}
