package console

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestServersCommand: `mobilua host --directory` publishes its record to
// the server's publish-subscribe service, and `mobilua servers`, logged
// in as a user, lists it with its load, round trip and operator; it
// leaves the list when the host stops.
func TestServersCommand(t *testing.T) {
	bin := hostTest(t)
	dir := t.TempDir()
	env := prosody(t, dir, "XMPP_PORT=auto", "XMPP_PUBSUB=1")
	t.Cleanup(func() { exec.Command("../../testdata/xmpp/stop-prosody", dir).Run() })
	h := startHostProc(t, bin, env, dir, "h.db", "--directory", env["XMPP_PUBSUB_JID"], "--contact", "xmpp:op@a.localhost")
	h.waitServing(t, "at first")
	pw := filepath.Join(dir, "userpw")
	os.WriteFile(pw, []byte(env["XMPP_PASS3"]), 0o600)
	servers := func() (string, error) {
		out, err := exec.Command(bin, "servers", "--jid", env["XMPP_JID3"], "--password-file", pw, "--addr", env["XMPP_ADDR"],
			"--ca", env["XMPP_CA"]).CombinedOutput()
		return string(out), err
	}
	want := env["XMPP_JID1"] + ": online ("
	var out string
	for deadline := time.Now().Add(20 * time.Second); !strings.Contains(out, want); time.Sleep(200 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("mobilua servers: %s", out)
		}
		var err error
		if out, err = servers(); err != nil {
			t.Fatalf("mobilua servers: %v\n%s", err, out)
		}
	}
	if !strings.HasPrefix(out, "1 servers in "+env["XMPP_PUBSUB_JID"]+":\n") || !strings.Contains(out, "0 running, 0 waiting on 2 workers") ||
		!strings.Contains(out, "operator xmpp:op@a.localhost") {
		t.Errorf("mobilua servers:\n%s", out)
	}
	h.cmd.Process.Signal(os.Interrupt)
	<-h.done
	if out, err := servers(); err != nil || !strings.HasPrefix(out, "0 servers in ") {
		t.Errorf("after the host stopped: %v\n%s", err, out)
	}
	if out, err := exec.Command(bin, "servers").CombinedOutput(); err == nil || !strings.Contains(string(out), "--jid is required") {
		t.Errorf("without --jid: %v %s", err, out)
	}
}
