package host

import (
	"embed"
	"fmt"
	"io"
	"net/http"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/mobilua/mobilua/continuation"
	"github.com/mobilua/mobilua/runtime"
)

//go:embed examples/*.lua
var examplesFS embed.FS

// examples returns the bundled examples in order.
func examples() []string {
	ents, _ := examplesFS.ReadDir("examples")
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	return names
}

func (h *Host) cmdExamples(from, _ string) string {
	var b strings.Builder
	for i, n := range examples() {
		src, _ := examplesFS.ReadFile(path.Join("examples", n))
		first, _, _ := strings.Cut(string(src), "\n")
		fmt.Fprintf(&b, "example %d — %s\n", i+1, strings.TrimPrefix(strings.TrimPrefix(first, "-- "), fmt.Sprintf("%d: ", i+1)))
	}
	return strings.TrimSuffix(b.String(), "\n")
}

func (h *Host) cmdExample(from, arg string) string {
	var n int
	if _, err := fmt.Sscan(arg, &n); err != nil || n < 1 || n > len(examples()) {
		return fmt.Sprintf("example wants a number from 1 to %d (examples lists them)", len(examples()))
	}
	src, _ := examplesFS.ReadFile(path.Join("examples", examples()[n-1]))
	pid := h.cmdNew(from, string(src))
	if !strings.HasPrefix(pid, "p") {
		return pid
	}
	return h.cmdRun(from, pid)
}

// cmdLoad makes a process from the source at an http(s) URL.
func (h *Host) cmdLoad(from, url string) string {
	if !strings.HasPrefix(url, "http://") && !strings.HasPrefix(url, "https://") {
		return "load wants an http(s) URL: load https://example.com/script.lua"
	}
	client := &http.Client{Timeout: h.cfg.LoadTimeout}
	resp, err := client.Get(url)
	if err != nil {
		return "cannot load it: " + err.Error()
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Sprintf("cannot load it: %s", resp.Status)
	}
	src, err := io.ReadAll(io.LimitReader(resp.Body, int64(h.cfg.MaxLoad)+1))
	if err != nil {
		return "cannot load it: " + err.Error()
	}
	if len(src) > h.cfg.MaxLoad {
		return fmt.Sprintf("cannot load it: more than %d bytes", h.cfg.MaxLoad)
	}
	return h.cmdNew(from, string(src))
}

// cmdShell makes a process the caller's shell: their later messages are
// its input.
func (h *Host) cmdShell(from, arg string) string {
	h.mu.Lock()
	defer h.mu.Unlock()
	if arg == "off" {
		delete(h.shells, from)
		return "shell off: messages are commands again"
	}
	pr, msg := h.own(from, arg)
	if pr == nil {
		return msg
	}
	h.shells[from] = pr.rec.PID
	return fmt.Sprintf("your messages now go to %s as input; shell off ends that", pr.rec.PID)
}

// toShell passes a message to the caller's shell process, if they have one.
func (h *Host) toShell(from, text string) bool {
	h.mu.Lock()
	pid, ok := h.shells[from]
	h.mu.Unlock()
	if !ok || strings.TrimSpace(text) == "shell off" {
		return false
	}
	if reply := h.cmdInput(from, pid+" "+text); reply != "" {
		h.tr.Send(from, reply)
	}
	return true // (the reply, if any, is sent here)
}

// ---- jumping between hosts on one transport

// Jumper is a transport that can carry a process to another host.
type Jumper interface {
	// Jump delivers a frozen process to the host named to; it returns
	// once that host has stored it (or failed).
	Jump(to string, rec Record, cont []byte) error
	// Peers names the hosts it reaches.
	Peers() []string
}

// Receive takes in a process that jumped here, stores it, and runs it
// (mb.jump returns true in it).
func (h *Host) Receive(rec Record, cont []byte) error { return h.ReceiveJump("", rec, cont) }

// ReceiveJump is Receive for migration id: the process, its new PID and
// the id are stored in one transaction, and a migration received before
// is not taken in twice (the sender may send it again after a crash).
func (h *Host) ReceiveJump(id string, rec Record, cont []byte) error {
	pr := &proc{h: h, rec: Record{Owner: rec.Owner, Source: rec.Source, Comment: rec.Comment,
		State: StateRunning, Created: rec.Created, Arrived: true}}
	p, err := continuation.Thaw(cont, h.thawOptions(pr))
	if err != nil {
		return err
	}
	pr.p = p
	pr.p.SetBudget(h.cfg.StepsPerSlice)
	pr.args = []runtime.Value{runtime.True}
	h.mu.Lock()
	defer h.mu.Unlock()
	// the continuation as it came: it is this process's checkpoint
	pid, fresh, err := h.store.PutNew(&pr.rec, cont, id)
	if err != nil || !fresh {
		return err
	}
	pr.lastSave = time.Now()
	h.procs[pid] = pr
	h.tr.Send(pr.rec.Owner, fmt.Sprintf("%s arrived on %s (it was %s)", pid, h.cfg.Name, rec.PID))
	h.enqueue(pr)
	return nil
}

// jump sends pr to another host. h.mu is held.
func (h *Host) jump(pr *proc, to string) error {
	j, ok := h.tr.(Jumper)
	if !ok {
		return fmt.Errorf("this host has no peers")
	}
	if to == h.cfg.Name {
		return fmt.Errorf("already on %s", to)
	}
	cont, err := continuation.Freeze(pr.p)
	if err != nil {
		return err
	}
	rec := pr.rec
	h.mu.Unlock() // the other host takes its own lock
	err = j.Jump(to, rec, cont)
	h.mu.Lock()
	if err != nil {
		return err
	}
	pr.rec.State, pr.rec.Reason, pr.p = StateMigrated, "jumped to "+to, nil
	h.store.Put(&pr.rec, nil, true)
	return nil
}

// Network connects hosts that share a Memory transport, for mb.jump.
func (m *Memory) Attach(h *Host) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.hosts == nil {
		m.hosts = map[string]*Host{}
	}
	m.hosts[h.cfg.Name] = h
}

// Jump delivers a process to an attached host.
func (m *Memory) Jump(to string, rec Record, cont []byte) error {
	m.mu.Lock()
	h := m.hosts[to]
	m.mu.Unlock()
	if h == nil {
		return fmt.Errorf("no host %s", to)
	}
	return h.Receive(rec, cont)
}

// Peers names the attached hosts.
func (m *Memory) Peers() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	var ns []string
	for n := range m.hosts {
		ns = append(ns, n)
	}
	sort.Strings(ns)
	return ns
}

// Message delivers a message to a process on an attached host.
func (m *Memory) Message(host, pid, from string, v Plain) error {
	m.mu.Lock()
	h := m.hosts[host]
	m.mu.Unlock()
	if h == nil {
		return fmt.Errorf("no host %s", host)
	}
	return h.Deliver(from, pid, v)
}
