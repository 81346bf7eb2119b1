package host

import (
	"cmp"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/mobilua/mobilua/runtime"
	"github.com/mobilua/mobilua/transpile"
)

// The host's typed functions: what the chat commands, ad-hoc commands
// (XEP-0050) and later front ends call, so that each rule is decided
// here once. A caller is named by its address: a user's bare address, or
// a full one with the resource (the client) that asked, which then gets
// the process's output. Errors are for the user to read.

// ProcInfo is what a user may know of one of their processes.
type ProcInfo struct {
	PID, Owner, Name, Alias, Comment string
	State                            State
	StateText                        string // as ps says it: where a migrated one went
	Created                          time.Time
}

// info is what a user may know of the record's process.
func (r *Record) info() ProcInfo {
	return ProcInfo{PID: r.PID, Owner: r.Owner, Name: r.Name, Alias: r.Alias, Comment: r.Comment,
		State: r.State, StateText: stateText(r), Created: r.Created}
}

// Processes lists the caller's processes (every process, for an admin),
// by PID.
func (h *Host) Processes(from string) []ProcInfo {
	user := bare(from)
	h.mu.Lock()
	defer h.mu.Unlock()
	var rows []ProcInfo
	for _, pr := range h.procs {
		if pr.rec.Owner == user || h.isAdmin(user) {
			rows = append(rows, pr.rec.info())
		}
	}
	sort.Slice(rows, func(i, j int) bool { return pidLess(rows[i].PID, rows[j].PID) })
	return rows
}

// New stores a process of the caller's with this code and script name
// ("": its PID names its chunk), not started.
func (h *Host) New(from, name, code string) (pid string, err error) {
	user := bare(from)
	if code == "" {
		return "", errors.New("no code")
	}
	if name != "" && !isScriptName(name) {
		return "", fmt.Errorf("%q is no script name (a word ending in .lua)", name)
	}
	if len(code) > h.cfg.MaxLoad {
		return "", fmt.Errorf("the code is too long: at most %d KiB", h.cfg.MaxLoad>>10)
	}
	if _, err := transpile.Compile([]byte(code), "="+cmp.Or(name, "new"), transpile.Options{}); err != nil {
		return "", err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if err := h.admit(user); err != nil {
		return "", err
	}
	if pid, err = h.store.NextPID(); err != nil {
		return "", fmt.Errorf("cannot store the process: %v", err)
	}
	pr := &proc{h: h, rec: Record{PID: pid, Owner: user, Name: name, Source: code, State: StateNew, Created: time.Now().UTC()}}
	if err := h.store.Put(&pr.rec, nil, false); err != nil {
		return "", fmt.Errorf("cannot store the process: %v", err)
	}
	h.procs[pid] = pr
	h.log.Info("process stored", "pid", pid, "owner", user, "name", name, "bytes", len(code))
	return pid, nil
}

// Run starts the caller's new process pid (a PID or an alias) with args
// (its chunk's ...); its output goes to the caller's client. It returns
// the PID.
func (h *Host) Run(from, pid string, args ...string) (string, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	pr, err := h.mine(from, pid)
	if err != nil {
		return "", err
	}
	if pr.rec.State != StateNew {
		return "", errors.New(notNew(pr))
	}
	name := "=" + cmp.Or(pr.rec.Name, pr.rec.PID)
	proto, err := transpile.Compile([]byte(pr.rec.Source), name, transpile.Options{})
	if err != nil {
		return "", err
	}
	p := h.newProcess(pr)
	if !p.Reserve(startBytes) {
		return "", errBusy
	}
	if n := len(strings.Join(args, " ")); n > h.cfg.MaxMessage {
		return "", fmt.Errorf("the arguments take %d bytes, more than %d", n, h.cfg.MaxMessage)
	}
	vs := make([]runtime.Value, len(args))
	for i, a := range args {
		vs[i] = runtime.String(a)
	}
	p.Start(runtime.ClosureValue(p.Load(runtime.NewChunk(name, []byte(pr.rec.Source), proto))), vs...)
	p.SetBudget(h.cfg.StepsPerSlice)
	pr.p = p
	pr.rec.State, pr.rec.Started, pr.rec.Client = StateRunning, time.Now().UTC(), h.client(from, pr.rec.Owner)
	// acknowledged only once persisted (its first checkpoint: not started)
	if err := h.checkpoint(pr); err != nil {
		pr.drop()
		pr.rec.State = StateNew
		return "", fmt.Errorf("cannot start: %v", err)
	}
	h.enqueue(pr)
	h.log.Info("process started", "pid", pr.rec.PID, "owner", pr.rec.Owner)
	return pr.rec.PID, nil
}

// mine is the caller's process pid (any, for an admin). h.mu is held.
func (h *Host) mine(from, pid string) (*proc, error) {
	pr, msg := h.own(bare(from), pid)
	if pr == nil {
		return nil, errors.New(msg)
	}
	return pr, nil
}

// client is the address with a resource of owner's that from stands
// for: itself, or the user's last one; "" when from is not owner (an
// admin's run leaves the output to the owner). h.mu is held.
func (h *Host) client(from, owner string) string {
	switch user := bare(from); {
	case user != owner:
		return ""
	case from == user:
		return h.resources[user]
	}
	return from
}

// Attach sends the output and notices of the caller's process pid to
// the caller's client from now on. It returns the PID.
func (h *Host) Attach(from, pid string) (string, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	pr, err := h.mine(from, pid)
	if err != nil {
		return "", err
	}
	if !pr.rec.State.live() {
		return "", fmt.Errorf("%s has ended (%s): output %s shows what it printed", pr.rec.PID, stateText(&pr.rec), pr.rec.PID)
	}
	if bare(from) != pr.rec.Owner {
		return "", fmt.Errorf("%s is %s's: only its owner attaches it", pr.rec.PID, pr.rec.Owner)
	}
	pr.rec.Client = h.client(from, pr.rec.Owner)
	if err := h.store.Put(&pr.rec, nil, false); err != nil {
		return "", fmt.Errorf("cannot store it: %v", err)
	}
	if pr.rec.State == StateInput { // asked before: asked again, here
		h.ask(pr)
	}
	return pr.rec.PID, nil
}

// Kill stops the caller's process pid. It returns the PID.
func (h *Host) Kill(from, pid string) (string, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	pr, err := h.mine(from, pid)
	if err != nil {
		return "", err
	}
	if pr.rec.State.Ended() {
		return "", fmt.Errorf("%s has already ended (%s)", pr.rec.PID, stateText(&pr.rec))
	}
	h.end(pr, StateKilled, "")
	return pr.rec.PID, nil
}

// Step runs code in the caller's step session and returns its output.
func (h *Host) Step(from, code string) string {
	src, proto, err := compileStep(code)
	if err != nil {
		return err.Error()
	}
	return h.runStep(bare(from), src, proto)
}

// Say sends text to the address to, in its order with everything else
// the host sends that user.
func (h *Host) Say(to, text string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.say(to, text)
}
