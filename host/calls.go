package host

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/mobilua/mobilua/continuation"
	"github.com/mobilua/mobilua/runtime"
	"github.com/mobilua/mobilua/runtime/stdlib"
	"github.com/mobilua/mobilua/transpile"
)

// The host's own mb calls that suspend a process to it, beside stdlib's
// mb.yield, mb.freeze and mb.jump. serve answers them all.
const (
	callInput      = "mb.input"
	callReceive    = "mb.receive"
	callSleep      = "mb.sleep"
	callFork       = "mb.fork"
	callExit       = "mb.exit"
	callCheckpoint = "mb.checkpoint"
)

// serve answers a process that yielded to the host with one of the mb
// calls: the one place that knows what each does on a host. h.mu is held.
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
	case stdlib.MbYield: // others get a turn
		h.requeue(pr)
	case callInput:
		pr.rec.State, pr.rec.Prompt = StateInput, ""
		if len(args) > 0 {
			pr.rec.Prompt, _ = runtime.ToStringRaw(args[0])
		}
		if h.park(pr) {
			h.ask(pr)
		}
	case callReceive:
		if h.receive(pr) {
			return
		}
		pr.rec.State = StateMessage
		pr.rec.WakeAt = time.Time{}
		if t, ok := runtime.ToNumber(arg(0)); ok && arg(0).Type() == runtime.TNumber && t >= 0 {
			pr.rec.WakeAt = h.wakeAt(pr, seconds(t))
		}
		if h.park(pr) {
			h.arm(pr)
		}
	case callSleep:
		t, _ := runtime.ToNumber(arg(0))
		pr.rec.State, pr.rec.WakeAt = StateSleeping, h.wakeAt(pr, seconds(t))
		if h.park(pr) {
			h.arm(pr)
		}
	case callCheckpoint:
		if err := h.checkpoint(pr); err != nil {
			fail(err.Error())
			return
		}
		pr.args = []runtime.Value{runtime.True}
		h.enqueue(pr)
	case callExit:
		code := 0
		if n, ok := runtime.ToNumber(arg(0)); ok {
			code = int(n)
		}
		st, reason := StateFinished, ""
		if code != 0 {
			st, reason = StateFailed, fmt.Sprintf("exited with status %d", code)
		}
		h.end(pr, st, reason)
	case callFork:
		child, err := h.fork(pr, true)
		if err != nil {
			fail(err.Error())
			return
		}
		pr.args = []runtime.Value{runtime.String(child.rec.PID)}
		h.enqueue(pr)
		h.enqueue(child)
	case callSpawn:
		hd, err := h.spawn(pr, args)
		if err != nil {
			fail(err.Error())
			return
		}
		pr.args = []runtime.Value{hd}
		h.enqueue(pr)
	case callJoin:
		if err := h.join(pr, args); err != nil {
			fail(err.Error())
			return
		}
		h.wait(pr)
	case callMap:
		if err := h.mapParts(pr, args); err != nil {
			fail(err.Error())
			return
		}
		h.wait(pr)
	case stdlib.MbJump:
		to, err := h.target(arg(0))
		if err == nil {
			err = h.jump(pr, to)
		}
		if err != nil && !errors.Is(err, errPending) {
			fail(err.Error())
		}
	default: // mb.freeze: a file on the host is not the user's
		fail(p.YieldedBy() + " is not available on this host")
	}
}

// park stores a process that starts to wait and drops it from memory; a
// process its owner's share of the store has no room for ends (false),
// for it could not wait without holding memory. h.mu is held.
func (h *Host) park(pr *proc) bool {
	switch err := h.checkpoint(pr); {
	case err == nil:
		h.evict(pr)
	case errors.Is(err, errStored):
		h.end(pr, StateFailed, err.Error())
		return false
	default:
		h.log.Error("checkpoint failed", "pid", pr.rec.PID, "err", err)
		h.tell(pr, fmt.Sprintf("%s: cannot checkpoint: %v", pr.rec.PID, err))
	}
	return true
}

// wakeAt is when a wait of d ends: at the end of pr's lifetime at the
// latest (it wakes to be stopped then).
func (h *Host) wakeAt(pr *proc, d time.Duration) time.Time {
	at := time.Now().Add(d)
	if h.cfg.MaxLifetime > 0 && !pr.rec.Started.IsZero() {
		if end := pr.rec.Started.Add(h.cfg.MaxLifetime + time.Second); end.Before(at) {
			return end
		}
	}
	return at
}

func seconds(t float64) time.Duration {
	if t > 1e9 {
		t = 1e9
	}
	return time.Duration(t * float64(time.Second))
}

// receive gives pr its next message, if it has one, and runs it (once
// the memory budget has room for it).
func (h *Host) receive(pr *proc) bool {
	if len(pr.mail) == 0 {
		return false
	}
	if err := h.load(pr); err != nil {
		if errors.Is(err, errBusy) {
			h.later(pr, func() { h.receive(pr) })
			return true // taken care of
		}
		return false
	}
	m := pr.mail[0]
	pr.mail = pr.mail[1:]
	pr.mailSize -= m.Value.size()
	pr.consumed = m.Seq
	pr.args = []runtime.Value{m.Value.Value(pr.p), runtime.String(m.From)}
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
	h.wakeUp(pid, at)
}

// wakeUp ends the wait of pid that was to end at at. h.mu is held.
func (h *Host) wakeUp(pid string, at time.Time) {
	pr := h.procs[pid]
	if pr == nil || !pr.rec.State.waiting() || !pr.rec.WakeAt.Equal(at) {
		return
	}
	if err := h.load(pr); errors.Is(err, errBusy) {
		h.later(pr, func() { h.wakeUp(pid, at) })
		return
	} else if err != nil {
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
		switch by := pr.p.YieldedBy(); {
		case by == stdlib.MbJump && pr.rec.JumpFailed != "": // its jump failed, not yet told
			pr.args = []runtime.Value{runtime.Nil, runtime.String(pr.rec.JumpFailed)}
		case by == stdlib.MbJump && pr.rec.Arrived: // came here, not yet run
			pr.args = []runtime.Value{runtime.True}
		case by == callInput && pr.rec.Answer != nil: // answered, not yet taken
			pr.args = []runtime.Value{runtime.String(*pr.rec.Answer)}
		case by == callSpawn && pr.rec.SpawnPart != "": // stopped between the spawn and its first slice
			if p, ok := findPart(pr.rec.Parts, pr.rec.SpawnPart); ok {
				pr.args = []runtime.Value{handle(p)}
			}
		case (by == callJoin || by == callMap) && pr.rec.Join != nil: // joined, not yet gone on
			pr.rec.State = StateJoin
			if !h.tryJoin(pr) {
				h.park(pr)
			}
			return
		case by == callFork: // stopped between the fork and its first slice
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
	case StateJoin:
		h.tryJoin(pr)
	case StateMigrating: // the host stopped in the middle of a jump: settle it
		h.retryJump(pr, 0)
	}
}

// fork makes a copy of pr through its continuation. h.mu is held.
//
// At mb.fork (atFork), the parent is stored with the child, in one
// transaction, at the fork and knowing its child (Record.ForkChild): a
// host killed at any moment has both or neither, and a parent that runs
// again from before the fork cannot fork twice.
func (h *Host) fork(pr *proc, atFork bool) (*proc, error) {
	if err := h.admit(pr.rec.Owner); err != nil {
		return nil, err
	}
	cont, err := continuation.Freeze(pr.p)
	if err != nil {
		return nil, err
	}
	pid, err := h.store.NextPID()
	if err != nil {
		return nil, err
	}
	// the child lives as long as its parent may: forking is no way to
	// outlive the lifetime limit
	child := &proc{h: h, rec: Record{PID: pid, Owner: pr.rec.Owner, Client: pr.rec.Client, Source: pr.rec.Source, State: StateRunning,
		Created: time.Now().UTC(), Started: pr.rec.Started, Parent: pr.rec.PID, Comment: pr.rec.Comment, Name: pr.rec.Name}}
	if child.p, err = h.thaw(child, cont); err != nil {
		return nil, err
	}
	child.args = []runtime.Value{runtime.Nil, runtime.String(pr.rec.PID)}
	grow := len(cont)
	if atFork {
		grow += len(cont) - pr.contSize
	}
	if err = h.room(pr.rec.Owner, grow); err == nil && atFork {
		parent := pr.rec
		parent.ForkChild = pid
		h.saving(pr, &parent)
		if err = h.store.PutPair(&parent, cont, &child.rec, cont); err == nil {
			pr.rec = parent
			pr.lastSave = time.Now()
			h.kept(pr, len(cont))
		}
	} else if err == nil {
		err = h.store.Put(&child.rec, cont, false)
	}
	if err != nil {
		child.drop()
		return nil, err
	}
	h.kept(child, len(cont))
	child.lastSave = time.Now()
	h.procs[pid] = child
	return child, nil
}

// A Sender is who sends a message: the address the receiver sees and
// may answer (alice@a.example/p4 for a process of this host,
// lua1@a.example/p3 for one of another host, the user's address for
// `send`), and the owner it acts for.
type Sender struct {
	Addr, Owner string
}

// sendFrom is mb.send: pr sends v to the address to (a PID or alias, a
// process on this or another host, or its owner's address).
func (h *Host) sendFrom(pr *proc, to string, v runtime.Value) error {
	h.mu.Lock()
	err := h.rate(pr)
	owner, pid := pr.rec.Owner, pr.rec.PID
	h.mu.Unlock()
	if err != nil {
		return err
	}
	msg, err := copyValue(v, h.cfg.MaxMessage)
	if err != nil {
		return err
	}
	from := Sender{Addr: owner + "/" + pid, Owner: owner}
	if hostJID, rpid, ok := h.procAddr(to); ok {
		if hostJID == "" {
			return h.Deliver(from, rpid, msg) // this host's own address
		}
		// a process on another host: over the transport, stored there
		// before this returns
		m, ok := h.tr.(Messenger)
		if !ok {
			return fmt.Errorf("this host reaches no other host")
		}
		return m.Message(hostJID, rpid, Sender{Addr: h.address(pid), Owner: owner}, msg)
	}
	if strings.Contains(to, "@") { // a user's address: only the owner's
		if to != owner {
			return fmt.Errorf("mb.send reaches one user: the process's owner (%s)", owner)
		}
		pr.p.FlushOutput() // what it printed before comes before
		h.mu.Lock()
		h.tell(pr, fmt.Sprintf("message from %s: %s", pid, msg))
		h.mu.Unlock()
		return nil
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

// procAddr reads the address of a process: host@domain/pid, or
// pid@domain where domain is this host or a peer that is a component
// (else pid@domain is a user's address), or owner/pid for a process of
// this host. hostJID is "" for this host.
func (h *Host) procAddr(to string) (hostJID, pid string, ok bool) {
	if hostJID, pid, ok := strings.Cut(to, "/"); ok && strings.Contains(hostJID, "@") {
		if hostJID == h.cfg.Name || !h.isPeer(hostJID) {
			return "", pid, true // this host, or owner/pid
		}
		return hostJID, pid, true
	}
	pid, dom, ok := strings.Cut(to, "@")
	if !ok || pid == "" || strings.ContainsAny(dom, "@/") {
		return "", "", false
	}
	if dom == h.cfg.Name {
		return "", pid, true
	}
	if h.isPeer(dom) {
		return dom, pid, true
	}
	return "", "", false
}

// isPeer says whether name is a host this one reaches.
func (h *Host) isPeer(name string) bool {
	j, ok := h.tr.(Jumper)
	return ok && slices.Contains(j.Peers(), name)
}

// Messenger is a transport that carries messages to processes on other
// hosts.
type Messenger interface {
	// Message delivers v to process pid on host, from a process of this
	// host; it returns once that host has stored it (or refused it).
	Message(host, pid string, from Sender, v Plain) error
}

// Deliver stores a message for a process of this host (by PID, or an
// alias of the sender's owner) and wakes it if it waits for one. A
// process takes messages from its owner and its owner's processes, and
// from others' only once it accepts them (mb.accept); its mailbox holds
// at most MaxMail messages and MaxMailBytes.
func (h *Host) Deliver(from Sender, to string, msg Plain) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	pr := h.lookup(from.Owner, to)
	if pr == nil || pr.stepDone != nil || !pr.rec.State.live() || pr.rec.State == StateMigrating {
		return fmt.Errorf("no live process %s", to)
	}
	if pr.rec.Owner != from.Owner && !pr.rec.Public {
		return fmt.Errorf("%s takes messages only from its owner and the owner's processes", to)
	}
	size := msg.size()
	if len(pr.mail) >= h.cfg.MaxMail || pr.mailSize+size > h.cfg.MaxMailBytes {
		return fmt.Errorf("mailbox full")
	}
	m, err := h.store.AddMail(pr.rec.PID, Message{From: from.Addr, Owner: from.Owner, Value: msg})
	if err != nil {
		return err
	}
	pr.mail = append(pr.mail, m)
	pr.mailSize += size
	if pr.rec.State == StateMessage {
		h.receive(pr)
	}
	return nil
}

// lookup finds a process by PID, or by an alias in owner's namespace.
// h.mu is held.
func (h *Host) lookup(owner, name string) *proc {
	if pr := h.procs[name]; pr != nil {
		return pr
	}
	return h.procs[h.aliases[aliasKey(owner, name)]]
}

// self returns the process a builtin runs for.
func self(t *runtime.Thread) *proc {
	pr, _ := t.Process().Embedder.(*proc)
	if pr == nil {
		t.Error("not running on a host")
	}
	return pr
}

// hostProfile is what every process of a host holds, run, thawed, a step
// session or an operator's look into a store: the baseline its
// continuations are written against. (A function: a variable would be an
// initialization cycle through openHostCalls.)
func hostProfile() stdlib.Profile { return stdlib.Profile{Sandboxed: true, Extra: openHostNatives} }

// hostPrototype makes the host's processes: copies of one of the profile
// (stdlib.Prototype), made once for all hosts of the program (a function:
// see hostProfile).
func hostPrototype() *stdlib.Prototype {
	hostProto.once.Do(func() { hostProto.pr = stdlib.NewPrototype(hostProfile(), transpile.Compiler{}) })
	return hostProto.pr
}

var hostProto struct {
	once sync.Once
	pr   *stdlib.Prototype
}

// openHostNatives opens what a host's processes hold beside the sandboxed
// libraries: the host's calls and the step driver's wait.
func openHostNatives(p *runtime.Process) {
	openHostCalls(p)
	openStepWait(p)
}

// openHostCalls adds the host's calls to mb (stdlib.OpenMb has yield,
// freeze and jump).
func openHostCalls(p *runtime.Process) {
	p.Register("", runtime.NewGoFunction("env", func(t *runtime.Thread, a []runtime.Value) int {
		text := envText(t.Process().Globals)
		t.ChargeSteps(int64(len(text)>>6 + 1))
		t.ChargeMemory(len(text))
		w := t.Process().Out()
		w.WriteString(text)
		w.WriteByte('\n')
		return 0
	}))
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
		stdlib.EmbedderCall(callInput),
		stdlib.EmbedderCall(callReceive),
		stdlib.EmbedderCall(callSleep),
		stdlib.EmbedderCall(callFork),
		stdlib.EmbedderCall(callExit),
		stdlib.EmbedderCall(callCheckpoint),
		stdlib.EmbedderCall(callSpawn),
		stdlib.EmbedderCall(callJoin),
		stdlib.EmbedderCall(callMap),
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
			if err := pr.h.sendFrom(pr, to, v); err != nil {
				t.Push(runtime.Nil)
				t.Push(runtime.String(err.Error()))
				return 2
			}
			t.Push(runtime.True)
			return 1
		}),
		runtime.NewGoFunction("pin", func(t *runtime.Thread, a []runtime.Value) int {
			pr := self(t)
			pr.h.mu.Lock()
			pr.rec.Pinned = len(a) == 0 || a[0].Truthy()
			pr.h.mu.Unlock()
			return 0
		}),
		runtime.NewGoFunction("accept", func(t *runtime.Thread, a []runtime.Value) int {
			pr := self(t)
			pr.h.mu.Lock()
			pr.rec.Public = len(a) > 0 && a[0].Truthy()
			pr.h.mu.Unlock()
			return 0
		}),
		runtime.NewGoFunction("comment", func(t *runtime.Thread, a []runtime.Value) int {
			pr := self(t)
			text := t.CheckString(a, 0)
			if len(text) > maxComment {
				t.ArgError(1, fmt.Sprintf("a comment has at most %d bytes", maxComment))
			}
			pr.h.mu.Lock()
			pr.rec.Comment = text
			pr.h.mu.Unlock()
			return 0
		}),
		runtime.NewGoFunction("hosts", func(t *runtime.Thread, a []runtime.Value) int {
			h := self(t).h
			hosts := runtime.NewTable(1, 0)
			for i, s := range h.Servers() {
				hosts.SetInt(i+1, runtime.TableValue(serverTable(s, i == 0)))
			}
			t.Push(runtime.TableValue(hosts))
			return 1
		}),
	)
}

// maxEnv is the most names envText lists.
const maxEnv = 500
