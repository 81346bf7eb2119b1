package host

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/mobilua/mobilua/continuation"
	"github.com/mobilua/mobilua/runtime"
)

// serve answers a process that yielded to the host with one of the mb
// calls. h.mu is held.
func (h *Host) serve(pr *proc) {
	p := pr.p
	args := p.YieldValues()
	arg := func(i int) runtime.Value {
		if i < len(args) {
			return args[i]
		}
		return runtime.Nil
	}
	fail := func(msg string) {
		pr.args = []runtime.Value{runtime.Nil, runtime.String(msg)}
		h.enqueue(pr)
	}
	switch p.YieldedBy() {
	case "mb.receive":
		if h.receive(pr) {
			return
		}
		pr.rec.State = StateMessage
		pr.rec.WakeAt = time.Time{}
		if t, ok := runtime.ToNumber(arg(0)); ok && arg(0).Type() == runtime.TNumber && t >= 0 {
			pr.rec.WakeAt = time.Now().Add(seconds(t))
		}
		if h.checkpoint(pr) == nil {
			h.evict(pr)
		}
		h.arm(pr)
	case "mb.sleep":
		t, _ := runtime.ToNumber(arg(0))
		pr.rec.State, pr.rec.WakeAt = StateSleeping, time.Now().Add(seconds(t))
		if h.checkpoint(pr) == nil {
			h.evict(pr)
		}
		h.arm(pr)
	case "mb.checkpoint":
		if err := h.checkpoint(pr); err != nil {
			fail(err.Error())
			return
		}
		pr.args = []runtime.Value{runtime.True}
		h.enqueue(pr)
	case "mb.exit":
		code := 0
		if n, ok := runtime.ToNumber(arg(0)); ok {
			code = int(n)
		}
		pr.rec.State, pr.p = StateFinished, nil
		if code != 0 {
			pr.rec.State, pr.rec.Reason = StateFailed, fmt.Sprintf("exited with status %d", code)
		}
		h.store.Put(&pr.rec, nil, true)
		h.tr.Send(pr.rec.Owner, fmt.Sprintf("%s exited with status %d", pr.rec.PID, code))
	case "mb.fork":
		child, err := h.fork(pr)
		if err != nil {
			fail(err.Error())
			return
		}
		pr.args = []runtime.Value{runtime.String(child.rec.PID)}
		pr.rec.ForkChild = child.rec.PID
		h.checkpoint(pr)
		h.enqueue(pr)
		h.enqueue(child)
	case "mb.jump":
		to, _ := runtime.ToStringRaw(arg(0))
		if err := h.jump(pr, to); err != nil && !errors.Is(err, errPending) {
			fail(err.Error())
		}
	default: // mb.freeze: a file on the host is not the user's
		fail(p.YieldedBy() + " is not available on this host")
	}
}

func seconds(t float64) time.Duration {
	if t > 1e9 {
		t = 1e9
	}
	return time.Duration(t * float64(time.Second))
}

// receive gives pr its next message, if it has one, and runs it.
func (h *Host) receive(pr *proc) bool {
	if len(pr.mail) == 0 || h.load(pr) != nil {
		return false
	}
	m := pr.mail[0]
	pr.mail = pr.mail[1:]
	pr.consumed = m.Seq
	pr.args = []runtime.Value{m.Value.Value(), runtime.String(m.From)}
	pr.rec.State, pr.rec.WakeAt = StateRunning, time.Time{}
	if pr.timer != nil {
		pr.timer.Stop()
	}
	h.enqueue(pr)
	return true
}

// arm sets the timer that ends a sleep or a receive's wait.
func (h *Host) arm(pr *proc) {
	if pr.rec.WakeAt.IsZero() {
		return
	}
	if pr.timer != nil {
		pr.timer.Stop()
	}
	pid, at := pr.rec.PID, pr.rec.WakeAt
	pr.timer = time.AfterFunc(time.Until(at), func() { h.wake(pid, at) })
}

func (h *Host) wake(pid string, at time.Time) {
	h.mu.Lock()
	defer h.mu.Unlock()
	pr := h.procs[pid]
	if pr == nil || !pr.rec.State.waiting() || !pr.rec.WakeAt.Equal(at) || h.load(pr) != nil {
		return
	}
	switch pr.rec.State {
	case StateSleeping:
		pr.args = nil
	case StateMessage:
		pr.args = []runtime.Value{runtime.Nil, runtime.String("timeout")}
	default:
		return
	}
	pr.rec.State, pr.rec.WakeAt = StateRunning, time.Time{}
	h.enqueue(pr)
}

// restore puts a process thawed at the host's start back where it was.
func (h *Host) restore(pr *proc) {
	switch pr.rec.State {
	case StateRunning:
		if pr.p.YieldedBy() == "mb.jump" && pr.rec.Arrived { // came here, not yet run
			pr.args = []runtime.Value{runtime.True}
		}
		if pr.p.YieldedBy() == "mb.jump" && pr.rec.JumpFailed != "" { // its jump failed, not yet told
			pr.args = []runtime.Value{runtime.Nil, runtime.String(pr.rec.JumpFailed)}
		}
		if pr.p.YieldedBy() == "mb.input" && pr.rec.Answer != nil { // answered, not yet taken
			pr.args = []runtime.Value{runtime.String(*pr.rec.Answer)}
		}
		if pr.p.YieldedBy() == "mb.fork" { // stopped between the fork and its first slice
			if pr.rec.ForkChild != "" {
				pr.args = []runtime.Value{runtime.String(pr.rec.ForkChild)}
			} else {
				pr.args = []runtime.Value{runtime.Nil, runtime.String(pr.rec.Parent)}
			}
		}
		h.enqueue(pr)
	case StateMessage:
		if !h.receive(pr) {
			h.arm(pr)
		}
	case StateSleeping:
		h.arm(pr)
	case StateMigrating: // the host stopped in the middle of a jump: settle it
		h.retryJump(pr, 0)
	}
}

// fork makes a copy of pr through its continuation. h.mu is held.
func (h *Host) fork(pr *proc) (*proc, error) {
	cont, err := continuation.Freeze(pr.p)
	if err != nil {
		return nil, err
	}
	pid, err := h.store.NextPID()
	if err != nil {
		return nil, err
	}
	child := &proc{h: h, rec: Record{PID: pid, Owner: pr.rec.Owner, Source: pr.rec.Source, State: StateRunning,
		Created: time.Now().UTC(), Parent: pr.rec.PID, Comment: pr.rec.Comment}}
	if child.p, err = continuation.Thaw(cont, h.thawOptions(child)); err != nil {
		return nil, err
	}
	child.p.SetBudget(h.cfg.StepsPerSlice)
	child.args = []runtime.Value{runtime.Nil, runtime.String(pr.rec.PID)}
	if err := h.checkpoint(child); err != nil {
		return nil, err
	}
	h.procs[pid] = child
	return child, nil
}

// send delivers a message to a process (by PID or alias): stored before
// it counts as sent.
func (h *Host) send(from, to string, v runtime.Value) error {
	msg, err := copyValue(v)
	if err != nil {
		return err
	}
	if hostJID, pid, ok := h.procAddr(to); ok {
		if hostJID == h.cfg.Name {
			return h.Deliver(from, pid, msg) // this host's own address
		}
		// a process on another host: over the transport, stored there
		// before this returns
		m, ok := h.tr.(Messenger)
		if !ok {
			return fmt.Errorf("this host reaches no other host")
		}
		return m.Message(hostJID, pid, h.address(from), msg)
	}
	return h.Deliver(from, to, msg)
}

// address is the address of a process of this host: lua1@a.example/p7
// for a host logged in as an account, p7@procs.a.example for a component
// (a host named by a bare domain).
func (h *Host) address(pid string) string {
	if strings.Contains(h.cfg.Name, "@") {
		return h.cfg.Name + "/" + pid
	}
	return pid + "@" + h.cfg.Name
}

// procAddr reads the address of a process on a host: host@domain/pid, or
// pid@domain where domain is this host or a peer that is a component
// (else pid@domain is a user's address).
func (h *Host) procAddr(to string) (hostJID, pid string, ok bool) {
	if hostJID, pid, ok := strings.Cut(to, "/"); ok && strings.Contains(hostJID, "@") {
		return hostJID, pid, true
	}
	pid, dom, ok := strings.Cut(to, "@")
	if !ok || pid == "" || strings.ContainsAny(dom, "@/") {
		return "", "", false
	}
	if dom == h.cfg.Name {
		return dom, pid, true
	}
	if j, isJ := h.tr.(Jumper); isJ && slices.Contains(j.Peers(), dom) {
		return dom, pid, true
	}
	return "", "", false
}

// Messenger is a transport that carries messages to processes on other
// hosts.
type Messenger interface {
	// Message delivers v to process pid on host, from the address from;
	// it returns once that host has stored it (or refused it).
	Message(host, pid, from string, v Plain) error
}

// Deliver stores a message for a process of this host (by PID or alias)
// and wakes it if it waits for one; from is the sender's address.
func (h *Host) Deliver(from, to string, msg Plain) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	pr := h.lookup(to)
	if pr == nil && strings.Contains(to, "@") && !strings.Contains(to, "/") {
		// a user's address: the value goes to them as a chat message
		h.tr.Send(to, fmt.Sprintf("message from %s: %s", from, msg))
		return nil
	}
	if pr == nil || pr.rec.State != StateNew && pr.rec.State != StateRunning && !pr.rec.State.waiting() {
		return fmt.Errorf("no live process %s", to)
	}
	m, err := h.store.AddMail(pr.rec.PID, Message{From: from, Value: msg})
	if err != nil {
		return err
	}
	pr.mail = append(pr.mail, m)
	if pr.rec.State == StateMessage {
		h.receive(pr)
	}
	return nil
}

// lookup finds a process by PID or alias. h.mu is held.
func (h *Host) lookup(name string) *proc {
	if pr := h.procs[name]; pr != nil {
		return pr
	}
	return h.procs[h.aliases[name]]
}

// self returns the process a builtin runs for.
func self(t *runtime.Thread) *proc {
	pr, _ := t.Process().Embedder.(*proc)
	if pr == nil {
		t.Error("not running on a host")
	}
	return pr
}

// openHostCalls adds the host's calls to mb (stdlib.OpenMb has yield,
// freeze and jump).
func openHostCalls(p *runtime.Process) {
	p.Register("mb",
		runtime.NewGoFunction("pid", func(t *runtime.Thread, a []runtime.Value) int {
			t.Push(runtime.String(self(t).rec.PID))
			return 1
		}),
		runtime.NewGoFunction("owner", func(t *runtime.Thread, a []runtime.Value) int {
			t.Push(runtime.String(self(t).rec.Owner))
			return 1
		}),
		runtime.NewGoFunction("host", func(t *runtime.Thread, a []runtime.Value) int {
			t.Push(runtime.String(self(t).h.cfg.Name))
			return 1
		}),
		runtime.NewEmbedderYield("input"),
		runtime.NewEmbedderYield("receive"),
		runtime.NewEmbedderYield("sleep"),
		runtime.NewEmbedderYield("fork"),
		runtime.NewEmbedderYield("exit"),
		runtime.NewEmbedderYield("checkpoint"),
		runtime.NewGoFunction("send", func(t *runtime.Thread, a []runtime.Value) int {
			pr := self(t)
			to, ok := runtime.ToStringRaw(t.CheckAny(a, 0))
			if !ok {
				t.ArgError(1, "process expected")
			}
			var v runtime.Value
			if len(a) > 1 {
				v = a[1]
			}
			if err := pr.h.send(pr.rec.PID, to, v); err != nil {
				t.Push(runtime.Nil)
				t.Push(runtime.String(err.Error()))
				return 2
			}
			t.Push(runtime.True)
			return 1
		}),
		runtime.NewGoFunction("comment", func(t *runtime.Thread, a []runtime.Value) int {
			pr := self(t)
			text := t.CheckString(a, 0)
			pr.h.mu.Lock()
			pr.rec.Comment = text
			pr.h.mu.Unlock()
			return 0
		}),
		runtime.NewGoFunction("hosts", func(t *runtime.Thread, a []runtime.Value) int {
			h := self(t).h
			hosts := runtime.NewTable(1, 0)
			hosts.SetInt(1, runtime.String(h.cfg.Name))
			if j, ok := h.tr.(Jumper); ok {
				for _, n := range j.Peers() {
					if n != h.cfg.Name {
						hosts.SetInt(hosts.Len()+1, runtime.String(n))
					}
				}
			}
			t.Push(runtime.TableValue(hosts))
			return 1
		}),
	)
}

func (h *Host) cmdSend(from, arg string) string {
	pid, text, _ := strings.Cut(arg, " ")
	h.mu.Lock()
	pr, msg := h.own(from, pid)
	h.mu.Unlock()
	if pr == nil {
		return msg
	}
	if err := h.send(from, pr.rec.PID, runtime.String(text)); err != nil {
		return err.Error()
	}
	return ""
}

func (h *Host) cmdComment(from, arg string) string {
	pid, text, _ := strings.Cut(arg, " ")
	h.mu.Lock()
	defer h.mu.Unlock()
	pr, msg := h.own(from, pid)
	if pr == nil {
		return msg
	}
	pr.rec.Comment = text
	if err := h.store.Put(&pr.rec, nil, false); err != nil {
		return "cannot store it: " + err.Error()
	}
	return ""
}

func (h *Host) cmdAlias(from, arg string) string {
	name, pid, _ := strings.Cut(arg, " ")
	if name == "" || strings.ContainsAny(name, " \t\n") {
		return "alias wants a name and a PID: alias counter p3"
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	pr, msg := h.own(from, pid)
	if pr == nil {
		return msg
	}
	if other := h.lookup(name); other != nil && other != pr {
		return fmt.Sprintf("%s already names %s", name, other.rec.PID)
	}
	if pr.rec.Alias != "" {
		delete(h.aliases, pr.rec.Alias)
	}
	pr.rec.Alias = name
	h.aliases[name] = pr.rec.PID
	if err := h.store.Put(&pr.rec, nil, false); err != nil {
		return "cannot store it: " + err.Error()
	}
	return fmt.Sprintf("%s is %s", name, pr.rec.PID)
}

func (h *Host) cmdEnv(from, _ string) string {
	p := h.newProcess(&proc{h: h})
	var names []string
	for k, v, _ := p.Globals.Next(runtime.Nil); !k.IsNil(); k, v, _ = p.Globals.Next(k) {
		name, _ := k.Str()
		if t := v.Table(); t != nil && name != "_G" {
			var fs []string
			for k2, _, _ := t.Next(runtime.Nil); !k2.IsNil(); k2, _, _ = t.Next(k2) {
				s, _ := k2.Str()
				fs = append(fs, s)
			}
			sort.Strings(fs)
			name += " (" + strings.Join(fs, " ") + ")"
		}
		names = append(names, name)
	}
	sort.Strings(names)
	return strings.Join(names, "\n")
}
