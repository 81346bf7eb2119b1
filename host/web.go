package host

import (
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/mobilua/mobilua/continuation"
)

// This file is what front ends other than chat need of the host (the web
// interface, webhost): a process's whole view, a summary of the host for
// its public page, notice of changes, and the sign-in links the `web`
// command hands out. The rules stay the typed functions' (api.go).

// WebLinks makes the sign-in links the `web` command gives (webhost
// implements it; the host knows nothing of HTTP).
type WebLinks interface {
	// SignInLink returns a one-time link that signs user in.
	SignInLink(user string) (string, error)
}

// SetWebLinks enables the `web` command.
func (h *Host) SetWebLinks(w WebLinks) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.web = w
}

func (h *Host) cmdWeb(from, _ string) string {
	h.mu.Lock()
	w := h.web
	h.mu.Unlock()
	if w == nil {
		return "this host has no web interface"
	}
	link, err := w.SignInLink(bare(from))
	if err != nil {
		return "no link: " + err.Error()
	}
	return "sign in on the web (the link works once, for 10 minutes): " + link
}

// ProcView is one process as its owner sees it on a page.
type ProcView struct {
	ProcInfo
	Source  string
	Prompt  string // what it asks (state input)
	Reason  string // why it failed, or where it went
	Parent  string // the process it was forked from
	Travels []Hop  // the hosts it was on before this one
	// Output is the end of what it printed (what the host keeps), and
	// OutputEnd how many bytes it printed in all since the host started
	// (at least len(Output)): a page that has seen up to n of them needs
	// only the last OutputEnd-n bytes of Output.
	Output    string
	OutputEnd int64
}

// Process returns one of the caller's processes (any, for an admin).
func (h *Host) Process(from, pid string) (ProcView, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	pr, err := h.mine(from, pid)
	if err != nil {
		return ProcView{}, err
	}
	r := &pr.rec
	return ProcView{
		ProcInfo: r.info(),
		Source:   r.Source, Prompt: r.Prompt, Reason: r.Reason, Parent: r.Parent, Travels: r.Travels,
		Output: r.Output, OutputEnd: max(pr.printed, int64(len(r.Output))),
	}, nil
}

// Changes returns a channel closed at the next change any process shows
// to a watcher (output, an end, a question); a front end waits on it and
// then reads what it shows again.
func (h *Host) Changes() <-chan struct{} {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.changed == nil {
		h.changed = make(chan struct{})
	}
	return h.changed
}

// notify closes the channel Changes gave, if one was asked for. h.mu is
// held.
func (h *Host) notify() {
	if h.changed != nil {
		close(h.changed)
		h.changed = nil
	}
}

// Remove removes one of the caller's processes that has ended (pid may
// be an alias) and returns its PID.
func (h *Host) Remove(from, pid string) (string, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	pr, err := h.mine(from, pid)
	if err != nil {
		return "", err
	}
	if pr.rec.State.live() {
		return "", fmt.Errorf("%s has not ended (it is %s): kill %s first", pr.rec.PID, pr.rec.State, pr.rec.PID)
	}
	if err := h.remove(pr); err != nil {
		return "", errors.New("cannot remove it: " + err.Error())
	}
	h.notify()
	return pr.rec.PID, nil
}

// PeerWatcher is a transport that knows how its peers are (xmpphost
// pings them).
type PeerWatcher interface {
	PeerStates() map[string]string
}

// Info is what a host's public page says of it.
type Info struct {
	Name      string
	Started   time.Time
	Load      Load
	Peers     []string
	PeerState map[string]string // what the transport last found of each peer (none: it does not say)
	Servers   []Server          // the computation servers it knows, itself first (servers)
	Examples  []Example
	// the limits a process runs under
	StepsPerSlice, MaxSteps int64
	MaxMemory               int64
	MaxLifetime             time.Duration
	MaxProcsPerOwner        int
}

// Example is a bundled example script.
type Example struct {
	Name, Title, Source string
}

// Info describes the host for its public page.
func (h *Host) Info() Info {
	in := Info{Name: h.cfg.Name, Started: h.started, Load: h.Load(), Peers: h.Peers(), Servers: h.Servers(), Examples: exampleList(),
		StepsPerSlice: h.cfg.StepsPerSlice, MaxSteps: h.cfg.MaxSteps, MaxMemory: h.cfg.MaxMemory,
		MaxLifetime: h.cfg.MaxLifetime, MaxProcsPerOwner: h.cfg.MaxProcsPerOwner}
	if w, ok := h.tr.(PeerWatcher); ok {
		in.PeerState = w.PeerStates()
	}
	return in
}

// Name is the host's address.
func (h *Host) Name() string { return h.cfg.Name }

// Peers names the hosts its processes may jump to (none without a
// transport that jumps).
func (h *Host) Peers() []string {
	j, ok := h.tr.(Jumper)
	if !ok {
		return nil
	}
	var ps []string
	for _, n := range j.Peers() {
		if n != h.cfg.Name {
			ps = append(ps, n)
		}
	}
	return ps
}

// Continuation returns the stored continuation of one of the caller's
// processes: its state at its last checkpoint (a waiting process's
// state now).
func (h *Host) Continuation(from, pid string) ([]byte, error) {
	h.mu.Lock()
	pr, err := h.mine(from, pid)
	var rec Record
	if err == nil {
		rec = pr.rec
	}
	h.mu.Unlock()
	if err != nil {
		return nil, err
	}
	_, cont, err := h.store.Get(rec.PID)
	if err != nil {
		return nil, err
	}
	if cont == nil {
		return nil, fmt.Errorf("%s has no stored state (it is %s)", rec.PID, rec.State)
	}
	return cont, nil
}

// Inspect describes what one of the caller's processes holds at its last
// checkpoint, as mobilua inspect does: threads, frames with their lines,
// the heap, line by line (a Lua frame's line names its chunk and line).
func (h *Host) Inspect(from, pid string) ([]continuation.Line, error) {
	cont, err := h.Continuation(from, pid)
	if err != nil {
		return nil, err
	}
	est := thawBytes(cont, 1<<30) // (InspectLines' limit)
	if !h.pool.Reserve(est) {
		return nil, errors.New("the host has no memory for that at the moment")
	}
	defer h.pool.Release(est)
	return continuation.InspectLines(cont, h.thawOptions(&proc{h: h}))
}

// Operation is what a host's operator sees: every process with its use
// of the host, the processes' memory budget, the log's last events.
type Operation struct {
	Info
	Procs     []OpProc
	PoolUsed  int64 // bytes the processes in memory hold of ...
	PoolLimit int64 // ... their share of the host's memory
	Events    []string
}

// OpProc is a process as its host's operator sees it.
type OpProc struct {
	ProcInfo
	Steps    int64 // steps it had run at the end of its last slice here
	Memory   int64 // bytes it held then (0 when it is not in memory)
	InMemory bool
	Stored   int // bytes of its continuation in the store
}

// Operation describes the host for one of its admins (Config.Admins).
func (h *Host) Operation(from string) (Operation, error) {
	if !h.isAdmin(bare(from)) {
		return Operation{}, errors.New("only the host's admins see its operation")
	}
	op := Operation{Info: h.Info(), PoolUsed: h.pool.Used(), PoolLimit: h.pool.Limit(), Events: h.events.recent()}
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, pr := range h.procs {
		r := &pr.rec
		o := OpProc{ProcInfo: r.info(), Steps: pr.steps, InMemory: pr.p != nil, Stored: pr.contSize}
		if pr.p != nil {
			o.Memory = pr.memory
		}
		op.Procs = append(op.Procs, o)
	}
	sort.Slice(op.Procs, func(i, j int) bool { return pidLess(op.Procs[i].PID, op.Procs[j].PID) })
	return op, nil
}

// IsAdmin says whether from is one of the host's admins.
func (h *Host) IsAdmin(from string) bool { return h.isAdmin(bare(from)) }
