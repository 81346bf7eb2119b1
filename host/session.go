package host

import (
	"errors"
	"fmt"
	"strings"

	"github.com/mobilua/mobilua/continuation"
	"github.com/mobilua/mobilua/ir"
	"github.com/mobilua/mobilua/runtime"
	"github.com/mobilua/mobilua/runtime/stdlib"
	"github.com/mobilua/mobilua/transpile"
)

// The step command runs in the user's session: a process of their own
// whose globals carry over from one step to the next, as in lua5.1's
// interactive mode (`=expr` and `return ...` print their values).
// Between steps the session waits in sessionDriver's call of step.wait,
// frozen into the store (its sessions bucket), not in memory, so it
// survives restarts; reset drops it. A step runs on the step worker,
// under StepLimit steps and the memory limits, and the session's
// continuation counts in its owner's share of the store. An mb call that
// needs a stored process returns nil and why.

// sessionDriver runs each step's function f and waits for the next one;
// wait is the host's step.wait, which yields the step's outcome to the
// host. What it uses is local: a step may change the globals.
const sessionDriver = `local wait, f = ...
local pcall, print, select = pcall, print, select
local function show(ok, ...)
	if ok and select("#", ...) > 0 then print(...) end
	return ok, (...)
end
while true do
	local ok, v = show(pcall(f))
	f = nil -- the step's code is not kept with the session
	f = wait(ok, v)
end`

// stepWait is the name of the native the driver waits in.
const stepWait = "step.wait"

// openStepWait registers step.wait, reachable only as the driver's
// argument (a continuation names it).
func openStepWait(p *runtime.Process) {
	p.RegisterNative(stepWait, runtime.NewEmbedderYield(stepWait))
}

// cmdStep runs code in the caller's session and replies with its output.
func (h *Host) cmdStep(from, arg string) string {
	if arg == "" {
		return "step wants Lua code: step print(1 + 1), or step =1 + 1 (reset starts a new session)"
	}
	code, f := unfence(arg)
	var src string
	var proto *ir.Proto
	var err error
	if f != fenceOpen {
		src, proto, err = compileStep(code)
	}
	if reply, wait := h.waits(from, "step", arg, f, err); wait {
		return reply
	}
	if err != nil {
		return err.Error()
	}
	return h.runStep(from, src, proto)
}

// compileStep compiles a step's code (=expr is return expr): the source
// its chunk keeps, and its function.
func compileStep(code string) (string, *ir.Proto, error) {
	src := replCode(code)
	proto, err := transpile.Compile([]byte(src), "=step", transpile.Options{})
	return src, proto, err
}

// runStep runs a step's compiled code in user's session and returns the
// reply.
func (h *Host) runStep(user, code string, proto *ir.Proto) string {
	h.mu.Lock()
	switch {
	case h.closing:
		h.mu.Unlock()
		return "the host is stopping"
	case h.stepping[user]:
		h.mu.Unlock()
		return "your last step is still running; wait for its reply"
	}
	h.stepping[user] = true
	h.mu.Unlock()
	defer func() {
		h.mu.Lock()
		delete(h.stepping, user)
		h.mu.Unlock()
	}()
	pr, fresh, note := h.session(user)
	if pr == nil {
		return note
	}
	f := runtime.ClosureValue(pr.p.Load(runtime.NewChunk("=step", []byte(code), proto)))
	if fresh {
		pr.p.Start(runtime.ClosureValue(pr.p.Load(driverChunk())), runtime.FunctionValue(pr.p.Native(stepWait).(*runtime.GoFunction)), f)
	} else {
		pr.args = []runtime.Value{f}
	}
	pr.p.MaxSteps = pr.p.Steps() + h.cfg.StepLimit
	pr.p.SetBudget(max(h.cfg.StepsPerSlice/10, 1)) // short turns: steps share their worker
	pr.first = true
	h.mu.Lock()
	h.enqueue(pr)
	h.mu.Unlock()
	reply := <-pr.stepDone
	if note != "" {
		reply = note + "\n" + reply
	}
	return reply
}

// driverChunk compiles the session driver.
func driverChunk() *runtime.Chunk {
	proto, err := transpile.Compile([]byte(sessionDriver), "=session", transpile.Options{})
	if err != nil {
		panic(err) // a constant
	}
	return runtime.NewChunk("=session", []byte(sessionDriver), proto)
}

// session returns user's session, thawed from the store or new (fresh),
// and a note for the user; nil and why when there is none to be had. It
// runs outside h.mu (a session may be large to thaw); the caller's mark
// in h.stepping keeps other steps of the user's away meanwhile.
func (h *Host) session(user string) (pr *proc, fresh bool, note string) {
	pr = &proc{h: h, rec: Record{PID: "step", Owner: user, State: StateRunning}, stepDone: make(chan string, 1)}
	cont, err := h.store.Session(user)
	if err == nil && cont != nil {
		var p *runtime.Process
		p, err = h.thaw(pr, cont)
		if errors.Is(err, errBusy) {
			return nil, false, err.Error()
		}
		if err == nil && p.YieldedBy() == stepWait {
			pr.p = p
			return pr, false, ""
		}
		if err == nil {
			p.ReleaseMemory()
			err = errors.New("it is not waiting for a step")
		}
	}
	if err != nil {
		note = fmt.Sprintf("(your session could not be restored (%v): a new one starts)", err)
	}
	p := h.newProcess(pr)
	if !p.Reserve(startBytes) {
		return nil, false, errBusy.Error()
	}
	pr.p = p
	return pr, true, note
}

// stepSlice decides what comes after a slice of a step's session: its
// reply when the step is over, else another slice (an mb call that
// needs a stored process returns nil and why). h.mu is held.
func (h *Host) stepSlice(pr *proc, st runtime.Status, err error) {
	var reply string
	lost := true
	switch {
	case err != nil:
		reply = errorText(err)
	case st == runtime.Yielded && pr.p.YieldedBy() == stepWait:
		lost = false
		if vs := pr.p.YieldValues(); len(vs) > 1 && !vs[0].Truthy() {
			reply = errorText(&runtime.Error{Value: vs[1]})
		}
	case st == runtime.Done:
	case st == runtime.Yielded && pr.p.YieldedBy() != stdlib.MbYield:
		pr.args = []runtime.Value{runtime.Nil, runtime.String(pr.p.YieldedBy() + " is for stored processes (new, then run)")}
		h.enqueue(pr)
		return
	default:
		h.enqueue(pr)
		return
	}
	if lost {
		reply += "\n(your session ended: its globals are gone; the next step starts a new one)"
		h.keepSession(pr.rec.Owner, nil)
	} else if kerr := h.keepSession(pr.rec.Owner, pr.p); kerr != nil {
		reply += fmt.Sprintf("\n(your session could not be kept: %v; the next step starts a new one)", kerr)
	}
	pr.drop()
	pr.stepDone <- h.stepReply(pr, strings.TrimPrefix(reply, "\n"))
}

// stepReply is a step's output, its error if it failed, or a note that
// there was none.
func (h *Host) stepReply(pr *proc, reply string) string {
	out := strings.TrimSuffix(pr.out.String(), "\n")
	if pr.dropped > 0 {
		out += fmt.Sprintf("\n[... %d more bytes]", pr.dropped)
	}
	if reply != "" {
		if out != "" {
			out += "\n"
		}
		out += reply
	}
	if out == "" {
		out = "(no output)"
	}
	return out
}

// keepSession stores user's session as p is now (nil: drops it), within
// the user's share of the store. h.mu is held.
func (h *Host) keepSession(user string, p *runtime.Process) error {
	var cont []byte
	if p != nil {
		var err error
		if cont, err = continuation.Freeze(p); err != nil {
			p = nil
			h.keepSession(user, nil)
			return err
		}
		if err := h.room(user, len(cont)-h.sessions[user]); err != nil {
			h.keepSession(user, nil)
			return err
		}
	}
	if err := h.store.PutSession(user, cont); err != nil {
		return err
	}
	h.addStored(user, len(cont)-h.sessions[user])
	if cont == nil {
		delete(h.sessions, user)
	} else {
		h.sessions[user] = len(cont)
	}
	return nil
}

func (h *Host) cmdReset(from, _ string) string {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.stepping[from] {
		return "your last step is still running; wait for its reply"
	}
	if _, ok := h.sessions[from]; !ok {
		return "you have no session (step starts one)"
	}
	if err := h.keepSession(from, nil); err != nil {
		return "cannot drop it: " + err.Error()
	}
	return "your session is gone: the next step starts a new one"
}
