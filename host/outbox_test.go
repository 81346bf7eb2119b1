package host

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestReplyFirst: a command's reply goes before what the command set off,
// however long the command takes to give it.
func TestReplyFirst(t *testing.T) {
	tr := &Memory{}
	h := startHost(t, filepath.Join(t.TempDir(), "s.db"), tr)
	from := alice + "/phone"
	h.answer(from, func(user string) string { return h.Command(user, "new print('first')") })
	h.answer(from, func(user string) string {
		reply := h.Command(user, "run p1")
		tr.WaitFor(alice, "p1 finished", 200*time.Millisecond) // it has run meanwhile
		return reply
	})
	tr.WaitFor(from, "p1 finished", 10*time.Second)
	if got := strings.Join(tr.Messages(from), "|"); got != "p1|p1 is running|first|p1 finished" {
		t.Errorf("to %s: %s", from, got)
	}
}

// slowTransport sends nothing until it is let go.
type slowTransport struct {
	Memory
	gate chan struct{}
}

func (s *slowTransport) Send(to, text string) error {
	<-s.gate
	return s.Memory.Send(to, text)
}

// TestOutboxBound: what waits to be sent to one user is bounded; what
// comes past the bound is dropped, and the user is told.
func TestOutboxBound(t *testing.T) {
	tr := &slowTransport{gate: make(chan struct{})}
	h := hostWith(t, filepath.Join(t.TempDir(), "s.db"), tr, DefaultConfig())
	h.mu.Lock()
	big := strings.Repeat("x", 60<<10)
	for i := 0; i < 40; i++ { // 2.4 MB
		h.say(alice, fmt.Sprintf("%d %s", i, big))
	}
	h.mu.Unlock()
	close(tr.gate)
	note := tr.WaitFor(alice, "were dropped", 10*time.Second)
	if note == "" {
		t.Fatalf("no note of the dropped messages; %d came", len(tr.Messages(alice)))
	}
	if n := len(tr.Messages(alice)); n > 20 || n < 10 {
		t.Errorf("%d messages came", n)
	}
	t.Log(note)
}

// TestOutputToItsClient: a process's output and notices go to the
// resource that started it; replies to the one that wrote.
func TestOutputToItsClient(t *testing.T) {
	tr := &Memory{}
	h := startHost(t, filepath.Join(t.TempDir(), "s.db"), tr)
	phone, laptop := alice+"/phone", alice+"/laptop"
	h.Handle(phone, "new print('hi')")
	tr.WaitFor(phone, "p1", 5*time.Second)
	h.Handle(phone, "run p1")
	h.Handle(laptop, "ps")
	tr.WaitFor(phone, "p1 finished", 10*time.Second)
	tr.WaitFor(laptop, "p1  ", 10*time.Second)
	if got := strings.Join(tr.Messages(phone), "|"); got != "p1|p1 is running|hi|p1 finished" {
		t.Errorf("to the phone: %s", got)
	}
	if got := tr.Messages(laptop); len(got) != 1 || !strings.HasPrefix(got[0], "p1  ") {
		t.Errorf("to the laptop: %q", got)
	}
}

// TestAdminRun: an admin who runs or attaches another user's process
// does not take its output from its owner.
func TestAdminRun(t *testing.T) {
	tr := &Memory{}
	cfg := DefaultConfig()
	cfg.Name = "lua1@a.example"
	cfg.Admins = []string{bob}
	h := hostWith(t, filepath.Join(t.TempDir(), "s.db"), tr, cfg)
	h.Handle(alice+"/phone", "new print('for alice') mb.receive()")
	tr.WaitFor(alice+"/phone", "p1", 5*time.Second)
	h.Handle(bob+"/desk", "run p1")
	if got := tr.WaitFor(alice+"/phone", "for alice", 10*time.Second); got == "" {
		t.Errorf("the owner did not get the output; bob got %q", tr.Messages(bob+"/desk"))
	}
	if got := h.Command(bob, "attach p1"); got != "p1 is alice@a.example's: only its owner attaches it" {
		t.Errorf("attach by an admin: %q", got)
	}
}
