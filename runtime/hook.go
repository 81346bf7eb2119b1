package runtime

import (
	"fmt"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/mobilua/mobilua/ir"
)

// Debug hooks (debug.sethook): a thread's hook is called with "call"
// when a Lua function starts, "return" before one returns, "line" when
// an instruction of a new line runs (or one jumped back to: lua5.1's
// rule), and "count" every count instructions, as lua5.1 calls it, in a
// frame of its own: debug.getinfo(2) is the hooked function, and the hook
// raises no events.
//
// A hooked thread runs trapped code: at each reload the loop reads the
// instructions from a slice of opTrap (shared, the length of the
// function's code) instead of the function's, so an unhooked thread pays
// one test per call and return, nothing per instruction. opTrap (trap)
// decides the events of the instruction at pc, then runs the real one
// (compiled code is not entered: frames are the interpreter's). An event
// pushes the hook's frame (modeHook) with the hooked frame's pc past the
// instruction, as if it had started; when the hook returns, the pc goes
// back and the instruction is trapped again, skipping the events already
// raised. A continuation keeps the hook and where it stands
// (ThreadState.Hook), and that frame.
//
// A builtin called by a trapped CALL, TAILCALL or TFORCALL raises "call"
// before it runs and "return" when the frame that called it goes on (its
// next trapped instruction; one that errors raises none, as in lua5.1);
// for each, a frame of the builtin's (boundC) stands between the hooked
// frame and the hook's, so that debug.getinfo(2) is the builtin. Not
// followed: a builtin called by a builtin (pcall(error)) raises none. A Lua
// function's "return" is followed by a "tail return" for each tail call
// its frame replaced, its levels going one by one (lua5.1's). Compiled
// code that calls sethook returns to the interpreter when the builtin
// returns (and sethook takes the step budget, so that compiled code
// reached otherwise leaves at its next step); the loop then reloads into
// trapped code.

// hook masks
const (
	hookCall = 1 << iota
	hookReturn
	hookLine
)

// hookState is a thread's hook.
type hookState struct {
	fn    Value
	mask  uint8
	count int // a count event every count instructions (0: none)
	left  int // instructions before the next count event

	in      bool // the hook runs (no events) ...
	inDepth int  // ... in a frame above this many

	skip uint8 // events of the trapped instruction already raised: 1 count, 2 line, 3 all
	tail bool  // the trapped instruction was a tail call
	// builtins called by trapped frames (one at most each, by increasing
	// depth), whose "return" is raised at the frame's next instruction
	crets []builtinCall

	// the frame of the last trapped instruction, and its pc (line events)
	depth  int
	base   int
	cl     *Closure
	lastPC int
}

// builtinCall is a builtin that the frame at depth (of base base) called.
type builtinCall struct {
	fn          *GoFunction
	depth, base int
}

// trapping reports whether h wants the events of the code that runs (nil:
// no hook): the thread runs trapped code, and compiled code is left.
func (h *hookState) trapping() bool {
	return h != nil && !h.in && h.wants()
}

// wants reports whether h has events to raise (sethook keeps a hook with
// none, for gethook, as lua5.1 does).
func (h *hookState) wants() bool { return h.mask != 0 || h.count > 0 }

// note records the frame on top of th and pc as where the hook last was.
func (h *hookState) note(th *Thread, pc int) {
	fr := topFrame(th)
	h.depth, h.base, h.cl, h.lastPC = len(th.frames), int(fr.base), fr.cl, pc
}

// opTrap is the instruction of trapped code (never in an ir.Proto).
const opTrap = ir.NumOps + 1

var (
	trapMu    sync.Mutex
	trapSlice atomic.Pointer[[]inst]
)

// trapCode is n opTraps.
func trapCode(n int) []inst {
	if t := trapSlice.Load(); t != nil && len(*t) >= n {
		return (*t)[:n]
	}
	trapMu.Lock()
	defer trapMu.Unlock()
	if t := trapSlice.Load(); t != nil && len(*t) >= n {
		return (*t)[:n]
	}
	t := make([]inst, max(n, 1024))
	for i := range t {
		t[i] = inst(opTrap)
	}
	trapSlice.Store(&t)
	return t[:n]
}

// hookedCode is the code the loop reads for the frame on top of th: its
// function's, or trapped code while a hook wants events. It raises a
// call event when a Lua function has just started (reported true: the
// hook's frame is on top).
func (p *Process) hookedCode(th *Thread, cl *Closure) (code []inst, called bool, r stopReason) {
	h := th.hook
	if !h.wants() {
		return cl.P.Code, false, stopNone
	}
	if h.in {
		if len(th.frames) > h.inDepth {
			return cl.P.Code, false, stopNone
		}
		h.in, h.skip = false, 0 // the hook's frame was unwound by an error
	}
	tail := h.tail
	h.tail = false
	fr := topFrame(th)
	if h.mask&hookCall != 0 && fr.pc == 0 && (len(th.frames) > h.depth || tail || int(fr.base) != h.base || fr.cl != h.cl) {
		h.note(th, -1)
		return nil, true, p.callHook(th, 0, "call", Nil, nil)
	}
	return trapCode(len(cl.P.Code)), false, stopNone
}

// trap is opTrap's part: the events of the instruction at pc of the frame
// on top, in lua5.1's order: the return of a builtin the frame called,
// count, line, then a builtin's call or the frame's return and its tail
// returns. It reports true when one was raised (the hook's frame is on
// top, and the instruction is trapped again when it returns, the events
// raised skipped); false: the instruction runs.
func (p *Process) trap(th *Thread, cl *Closure, pc int) (bool, stopReason) {
	h := th.hook
	if !h.trapping() {
		return false, stopNone
	}
	skip := h.skip
	h.skip = 0
	fr := topFrame(th)
	if skip == 0 { // (else the instruction's events began: this came first)
		if g := h.builtinReturned(th); g != nil {
			return true, p.callHook(th, pc, "return", Nil, g)
		}
	}
	same := len(th.frames) == h.depth && int(fr.base) == h.base && fr.cl == h.cl
	old := h.lastPC
	if !same {
		old = pc - 1 // back from a call: the call ran last
	}
	if h.count > 0 && skip < 1 {
		if h.left--; h.left <= 0 {
			h.left = h.count
			h.skip = 1
			return true, p.callHook(th, pc, "count", Nil, nil)
		}
	}
	h.note(th, pc)
	lines := cl.P.IR.Lines
	if h.mask&hookLine != 0 && skip < 2 && pc < len(lines) {
		if pc == 0 || pc <= old || old < 0 || lines[pc] != lines[old] {
			h.skip = 2
			return true, p.callHook(th, pc, "line", Number(float64(lines[pc])), nil)
		}
	}
	in := cl.P.IR.Code[pc]
	h.tail = in.Op == ir.TAILCALL
	switch in.Op {
	case ir.RETURN:
		if h.mask&hookReturn == 0 {
			break
		}
		if skip < 3 || fr.tails > 0 {
			// then one for each tail call the frame replaced, its levels
			// going as lua5.1's do
			event := "return"
			if skip == 3 {
				event = "tail return"
				fr.tails--
			}
			h.skip = 3
			return true, p.callHook(th, pc, event, Nil, nil)
		}
	case ir.CALL, ir.TAILCALL, ir.TFORCALL:
		g, ok := th.stack[int(fr.base)+int(in.A)].asGoFunction()
		if !ok {
			break
		}
		if h.mask&hookCall != 0 && skip < 3 {
			h.skip = 3
			return true, p.callHook(th, pc, "call", Nil, g)
		}
		if h.mask&hookReturn != 0 {
			h.calls(builtinCall{g, len(th.frames), int(fr.base)})
		}
	}
	return false, stopNone
}

// calls notes that a frame calls a builtin (again, when a budget stop
// came before the call).
func (h *hookState) calls(c builtinCall) {
	if n := len(h.crets); n > 0 && h.crets[n-1].depth == c.depth {
		h.crets[n-1] = c
		return
	}
	h.crets = append(h.crets, c)
}

// builtinReturned is the builtin whose return event is due before the
// instruction of the frame on top (the one before called it), or nil; it
// forgets those of frames that are gone (an error unwound them). Those
// of frames below stay: their builtins run.
func (h *hookState) builtinReturned(th *Thread) *GoFunction {
	n, depth := len(h.crets), len(th.frames)
	for n > 0 && h.crets[n-1].depth > depth {
		n--
	}
	h.crets = h.crets[:n]
	if n == 0 || h.crets[n-1].depth < depth {
		return nil
	}
	c := h.crets[n-1]
	h.crets = h.crets[:n-1]
	if c.base != int(topFrame(th).base) {
		return nil // (another frame in a gone one's place)
	}
	return c.fn
}

// callHook calls th's hook with event and arg for the instruction at pc
// of the frame on top: the frame's pc is past it while the hook runs
// (debug.getinfo sees its line), and goes back when the hook returns
// (modeHook), so that it runs then. What the frame's registers and
// th.top hold stays: the call is placed above both. An event of builtin
// c, which the frame calls at pc or called at pc-1, has c's level between
// the frame and the hook's (a boundC frame).
func (p *Process) callHook(th *Thread, pc int, event string, arg Value, c *GoFunction) stopReason {
	h := th.hook
	fr := topFrame(th)
	fr.pc = int32(pc + 1)
	top := th.top
	fn := max(th.top, int(fr.base)+fr.cl.P.maxStack)
	th.ensure(fn + 4)
	if c != nil {
		at := pc + 1 // its call: this instruction, or (its return) the one before
		if event == "return" {
			at = pc
		}
		th.pushBuiltinLevel(c, fn, at)
	}
	s := th.stack
	s[fn], s[fn+1], s[fn+2] = h.fn, String(event), arg
	th.top = fn + 3
	h.in, h.inDepth = true, len(th.frames)
	return p.callAt(th, 2, Dest{Fn: int32(fn), NRes: 0, Mode: modeHook, Aux: int32(top)})
}

// hookReturned is modeHook's delivery: th.top as it was, and the hooked
// frame's instruction runs (trapped again, its events skipped).
func (th *Thread) hookReturned(d Dest) {
	th.top = int(d.Aux)
	if topFrame(th).bound == boundC {
		th.frames = th.frames[:len(th.frames)-1]
	}
	th.frames[len(th.frames)-1].pc--
	if h := th.hook; h != nil {
		h.in = false
	}
}

// thawHook checks a hook read from a continuation (a thread of nframes
// frames).
func thawHook(s *HookState, nframes int) (*hookState, error) {
	switch s.Fn.ref().(type) {
	case *Closure, *GoFunction:
	default:
		return nil, fmt.Errorf("a hook that is not a function")
	}
	const most = 1 << 30
	if s.Mask > hookCall|hookReturn|hookLine || s.Count < 0 || s.Count > most || s.Left < 0 || s.Left > s.Count ||
		s.InDepth < 0 || s.InDepth > most || s.Skip > 3 || s.Depth < 0 || s.Depth > most || s.Base < 0 || s.Base > MaxStackSlots ||
		len(s.Builtins) > nframes {
		return nil, fmt.Errorf("bad hook state")
	}
	if s.Last == nil && s.LastPC != -1 || s.Last != nil && (s.LastPC < -1 || s.LastPC >= len(s.Last.P.IR.Lines)) {
		return nil, fmt.Errorf("bad hook position")
	}
	crets := make([]builtinCall, len(s.Builtins))
	for i, c := range s.Builtins {
		if c.Fn == nil || c.Depth < 1 || c.Depth > nframes || c.Base < 0 || c.Base > MaxStackSlots || i > 0 && c.Depth <= crets[i-1].depth {
			return nil, fmt.Errorf("bad hook state")
		}
		crets[i] = builtinCall{c.Fn, c.Depth, c.Base}
	}
	in := s.In && s.InDepth < nframes // (a hook's frame gone is seen at the next reload)
	return &hookState{fn: s.Fn, mask: s.Mask, count: s.Count, left: s.Left, in: in, inDepth: s.InDepth,
		skip: s.Skip, tail: s.Tail, depth: s.Depth, base: s.Base, cl: s.Last, lastPC: s.LastPC,
		crets: crets}, nil
}

// ---- debug.sethook, debug.gethook

// threadArg reads the optional thread argument of sethook, gethook,
// getlocal and setlocal: the thread and the remaining arguments.
func threadArg(t *Thread, a []Value) (*Thread, []Value) {
	if len(a) > 0 {
		if co, ok := a[0].asThread(); ok {
			return co, a[1:]
		}
	}
	return t, a
}

func dbSethook(t *Thread, a []Value) int {
	th, args := threadArg(t, a)
	off := len(a) - len(args) // argument numbers in errors
	if len(args) == 0 || args[0].p == nil {
		th.hook = nil
		return 0
	}
	smask := t.CheckString(a, off+1)
	if _, ok := args[0].asClosure(); !ok {
		if _, ok := args[0].asGoFunction(); !ok {
			t.TypeError(a, off, "function")
		}
	}
	count := 0
	if len(args) > 2 && args[2].p != nil {
		count = t.CheckInt(a, off+2)
	}
	var mask uint8
	for c, m := range map[byte]uint8{'c': hookCall, 'r': hookReturn, 'l': hookLine} {
		if strings.IndexByte(smask, c) >= 0 {
			mask |= m
		}
	}
	// (with no events, lua5.1 keeps the function for gethook: so do we)
	t.p.holdSteps() // compiled code leaves at its next step: trapped code
	old := th.hook
	th.hook = &hookState{fn: args[0], mask: mask, count: max(count, 0), left: max(count, 0), lastPC: -1}
	if old != nil && old.in { // set by a hook: no events until it returns (lua5.1's allowhook)
		th.hook.in, th.hook.inDepth = true, old.inDepth
	}
	if th == t && len(th.frames) > 0 && topFrame(th).cl != nil {
		th.hook.note(th, int(topFrame(th).pc-1)) // the call of sethook ran last
		if mask&hookReturn != 0 {                // sethook's return is the first event
			th.hook.crets = []builtinCall{{t.goCall, len(th.frames), int(topFrame(th).base)}}
		}
	}
	return 0
}

func dbGethook(t *Thread, a []Value) int {
	th, _ := threadArg(t, a)
	h := th.hook
	if h == nil {
		t.Push(Nil)
		t.Push(String(""))
		t.Push(Number(0))
		return 3
	}
	var m []byte
	for _, c := range []struct {
		b byte
		m uint8
	}{{'c', hookCall}, {'r', hookReturn}, {'l', hookLine}} {
		if h.mask&c.m != 0 {
			m = append(m, c.b)
		}
	}
	t.Push(h.fn)
	t.Push(String(string(m)))
	t.Push(Number(float64(h.count)))
	return 3
}
