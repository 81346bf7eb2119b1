package console

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mobilua/mobilua/xmpphost"
)

// hostProc is a `mobilua host` started by a test: its stderr (the log)
// is kept, and serving says when it is online.
type hostProc struct {
	cmd     *exec.Cmd
	mu      sync.Mutex
	stderr  bytes.Buffer
	stdout  []string // what it printed (lines)
	serving chan struct{}
	done    chan error
}

func (h *hostProc) log() string { h.mu.Lock(); defer h.mu.Unlock(); return h.stderr.String() }

type lockedWriter struct{ h *hostProc }

func (w lockedWriter) Write(b []byte) (int, error) {
	w.h.mu.Lock()
	defer w.h.mu.Unlock()
	return w.h.stderr.Write(b)
}

func startHostProc(t *testing.T, bin string, env map[string]string, dir, store string, extra ...string) *hostProc {
	t.Helper()
	pw := filepath.Join(dir, "pw")
	os.WriteFile(pw, []byte(env["XMPP_PASS1"]), 0o600)
	args := append([]string{"host", "--jid", env["XMPP_JID1"], "--password-file", pw, "--addr", env["XMPP_ADDR"],
		"--ca", env["XMPP_CA"], "--store", filepath.Join(dir, store)}, extra...)
	h := &hostProc{cmd: exec.Command(bin, args...), serving: make(chan struct{}, 1), done: make(chan error, 1)}
	stdout, _ := h.cmd.StdoutPipe()
	h.cmd.Stderr = lockedWriter{h}
	if err := h.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			h.mu.Lock()
			h.stdout = append(h.stdout, sc.Text())
			h.mu.Unlock()
			if strings.Contains(sc.Text(), "serving") {
				h.serving <- struct{}{}
			}
		}
		h.done <- h.cmd.Wait()
	}()
	t.Cleanup(func() { h.cmd.Process.Signal(os.Interrupt); time.Sleep(50 * time.Millisecond); h.cmd.Process.Kill() })
	return h
}

// servingHost starts a private Prosody and a `mobilua host` (with extra
// flags) on its first account, and waits until it serves: the binary,
// the directory, the server's settings and the host.
func servingHost(t *testing.T, extra ...string) (bin, dir string, env map[string]string, h *hostProc) {
	t.Helper()
	bin = hostTest(t)
	dir = t.TempDir()
	env = prosody(t, dir, "XMPP_PORT=auto")
	t.Cleanup(func() { exec.Command("../../testdata/xmpp/stop-prosody", dir).Run() })
	h = startHostProc(t, bin, env, dir, "h.db", extra...)
	h.waitServing(t, "at first")
	return bin, dir, env, h
}

// waitServing waits until the host says it serves (again).
func (h *hostProc) waitServing(t *testing.T, what string) {
	t.Helper()
	select {
	case <-h.serving:
	case <-time.After(30 * time.Second):
		t.Fatalf("the host is not serving %s:\n%s", what, h.log())
	}
}

// TestOneHostPerAccount: a second host on an account where one is online
// refuses to start; with --takeover it starts and the first one stops
// (instead of both answering). The log says what happened, and names
// the commands users type, never their code.
func TestOneHostPerAccount(t *testing.T) {
	bin, dir, env, a := servingHost(t, "--log-format", "json")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	u, err := xmpphost.Dial(ctx, xmpphost.Config{JID: env["XMPP_JID3"], Password: env["XMPP_PASS3"], Addr: env["XMPP_ADDR"], TLS: true, CAFile: env["XMPP_CA"]})
	if err != nil {
		t.Fatal(err)
	}
	defer u.Close()
	u.SetStatus("")
	replies := make(chan string, 16)
	go u.Listen(func(from, body string) { replies <- from + ": " + body })
	u.Send(env["XMPP_JID1"], "step print('the secret ' .. 6 * 7)")
	select {
	case r := <-replies:
		if !strings.HasSuffix(r, "the secret 42") {
			t.Errorf("reply %q", r)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("no reply")
	}
	if l := a.log(); !strings.Contains(l, `"msg":"command"`) || !strings.Contains(l, `"command":"step"`) || strings.Contains(l, "secret") {
		t.Errorf("the log:\n%s", l)
	}

	b := startHostProc(t, bin, env, dir, "b.db")
	select {
	case err := <-b.done:
		if !strings.Contains(b.log(), "another host is online as "+env["XMPP_JID1"]+"/mobilua") || err == nil {
			t.Errorf("the second host: %v\n%s", err, b.log())
		}
	case <-b.serving:
		t.Fatal("a second host serves on the same account")
	case <-time.After(20 * time.Second):
		t.Fatal("the second host neither serves nor stops")
	}

	c := startHostProc(t, bin, env, dir, "c.db", "--takeover")
	c.waitServing(t, "taking over")
	select {
	case err := <-a.done:
		if !strings.Contains(a.log(), "took over") || err == nil {
			t.Errorf("the first host: %v\n%s", err, a.log())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the first host goes on after another took over")
	}
}

// TestHostWeb: mobilua host --http serves the web interface (on a port
// the system chose, which it prints), whose public page names the host;
// the web command in chat then gives links to it.
func TestHostWeb(t *testing.T) {
	_, _, env, h := servingHost(t, "--http", "127.0.0.1:0")
	var url string
	h.mu.Lock()
	for _, l := range h.stdout {
		if _, after, ok := strings.Cut(l, "web interface at "); ok {
			url, _, _ = strings.Cut(after, " ")
		}
	}
	h.mu.Unlock()
	if !strings.HasPrefix(url, "http://127.0.0.1:") {
		t.Fatalf("no web interface's address in %q", h.stdout)
	}
	resp, err := http.Get(url + "/")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || !strings.Contains(string(body), env["XMPP_JID1"]) {
		t.Errorf("the public page: %d %s", resp.StatusCode, body)
	}
	if !strings.Contains(h.log(), "web interface") {
		t.Errorf("the log does not say where the web interface is:\n%s", h.log())
	}
}
