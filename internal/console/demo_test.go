package console

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDemo runs scripts/demo-xmpp (make demo's XMPP part) with a freshly
// built mobilua: two `mobilua host` processes on a private Prosody and
// `mobilua client` running examples/jump.lua on the first. The first words
// come from one host, the last from the other.
func TestDemo(t *testing.T) {
	bin := hostTest(t)
	cmd := exec.Command("scripts/demo-xmpp")
	cmd.Dir = "../.."
	cmd.Env = append(cmd.Environ(), "BIN="+bin)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("demo: %v\n%s", err, out)
	}
	want := "[host1@a.localhost] I'm here...\n[host2@b.localhost] ...and now I'm here!\n"
	if !strings.HasSuffix(string(out), want) {
		t.Errorf("demo printed:\n%s\nwant it to end with:\n%s", out, want)
	}
}
