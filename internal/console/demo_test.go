package console

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDemo runs scripts/demo-xmpp (make demo's XMPP part) with a freshly
// built mobilua: two `mobilua host` processes on a private Prosody and
// `mobilua client` running examples/jump.lua on the first. The first words
// come from one host, the last from the other; the first host's web
// interface answers with its public page.
func TestDemo(t *testing.T) {
	bin := hostTest(t)
	cmd := exec.Command("scripts/demo-xmpp")
	cmd.Dir = "../.."
	cmd.Env = append(cmd.Environ(), "BIN="+bin)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("demo: %v\n%s", err, out)
	}
	want := "[host1@a.localhost] I'm here...\n[host2@b.localhost] ...and now I'm here!\nthe first host's web interface: http://127.0.0.1:"
	if !strings.Contains(string(out), want) || !strings.Contains(string(out), "  peers: host2@b.localhost") {
		t.Errorf("demo printed:\n%s\nwant:\n%s ... and its peer", out, want)
	}
}
