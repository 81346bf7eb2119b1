package console

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestClient: `mobilua client` runs a script with arguments, answers its
// mb.input with lines of standard input and exits with its status;
// ps, step and attach work; Ctrl-D leaves a waiting process on the host.
func TestClient(t *testing.T) {
	bin, dir, env, h := servingHost(t)
	pw3 := filepath.Join(dir, "pw3")
	os.WriteFile(pw3, []byte(env["XMPP_PASS3"]), 0o600)
	client := func(stdin string, args ...string) (string, string, int) {
		t.Helper()
		cmd := exec.Command(bin, append([]string{"client", "--jid", env["XMPP_JID3"], "--password-file", pw3, "--addr", env["XMPP_ADDR"],
			"--ca", env["XMPP_CA"], "--to", env["XMPP_JID1"], "--timeout", "30s"}, args...)...)
		var out, errs bytes.Buffer
		cmd.Stdin, cmd.Stdout, cmd.Stderr = strings.NewReader(stdin), &out, &errs
		cmd.Run()
		return out.String(), errs.String(), cmd.ProcessState.ExitCode()
	}
	script := filepath.Join(dir, "greet.lua")
	os.WriteFile(script, []byte(`local greeting, times = ...
local name = mb.input("your name?")
for i = 1, tonumber(times) do print(greeting .. ", " .. name) end
local again = mb.input("again?")
print("bye " .. again)
mb.exit(3)`), 0o600)
	host := "[" + env["XMPP_JID1"] + "] "
	out, errs, code := client("Ada\nsoon\n", "run", script, "hello", "2")
	if want := "your name? " + host + "hello, Ada\n" + host + "hello, Ada\nagain? " + host + "bye soon\n"; out != want || code != 3 {
		t.Errorf("run: status %d, stdout:\n%q\nwant\n%q\nstderr: %s", code, out, want, errs)
	}
	// Ctrl-D: the process waits on the host, and attach follows it again
	out, errs, code = client("", "run", script, "hi", "1")
	if code != 0 || !strings.Contains(errs, "p2 waits for input on "+env["XMPP_JID1"]+"; mobilua client attach p2 follows it again") {
		t.Errorf("EOF: status %d, %q %q", code, out, errs)
	}
	out, _, _ = client("", "ps")
	if !strings.Contains(out, "p1  failed") || !strings.Contains(out, "p2  waiting for input") || !strings.Contains(out, "greet.lua") {
		t.Errorf("ps: %q", out)
	}
	if out, _, code = client("", "step", "=6", "*", "7"); out != "42\n" || code != 0 {
		t.Errorf("step: %d %q", code, out)
	}
	h.cmd.Process.Signal(os.Interrupt) // it stays waiting across a restart
	<-h.done
	h = startHostProc(t, bin, env, dir, "h.db")
	h.waitServing(t, "after a restart")
	// attach: the question is asked again, here
	out, errs, code = client("Bob\nlater\n", "attach", "p2")
	if want := "your name? " + host + "hi, Bob\nagain? " + host + "bye later\n"; out != want || code != 3 {
		t.Errorf("attach: status %d, stdout:\n%q\nwant\n%q\nstderr: %s", code, out, want, errs)
	}
	if _, errs, code := client("", "run", filepath.Join(dir, "missing.lua")); code != 1 || !strings.Contains(errs, "missing.lua") {
		t.Errorf("a missing script: %d %q", code, errs)
	}
	os.WriteFile(script, []byte("for i = 1, 3 do"), 0o600)
	if _, errs, code := client("", "run", script); code != 1 || !strings.Contains(errs, "greet.lua:") {
		t.Errorf("an incomplete script: %d %q", code, errs)
	}
}
