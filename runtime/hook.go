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
// Not followed: builtins raise no call and return events (they have no
// frames here), nor "tail return". Compiled code that calls sethook
// returns to the interpreter when the builtin returns (and sethook takes
// the step budget, so that compiled code reached otherwise leaves at its
// next step); the loop then reloads into trapped code.

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

	// the frame of the last trapped instruction, and its pc (line events)
	depth  int
	base   int
	cl     *Closure
	lastPC int
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
	h.depth, h.base, h.cl, h.lastPC = len(th.frames), fr.base, fr.cl, pc
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
	if h.mask&hookCall != 0 && fr.pc == 0 && (len(th.frames) > h.depth || tail || fr.base != h.base || fr.cl != h.cl) {
		h.note(th, -1)
		return nil, true, p.callHook(th, 0, "call", Nil)
	}
	return trapCode(len(cl.P.Code)), false, stopNone
}

// trap is opTrap's part: the events of the instruction at pc of the frame
// on top. It reports true when one was raised (the hook's frame is on
// top); false: the instruction runs.
func (p *Process) trap(th *Thread, cl *Closure, pc int) (bool, stopReason) {
	h := th.hook
	if !h.trapping() {
		return false, stopNone
	}
	skip := h.skip
	h.skip = 0
	fr := topFrame(th)
	same := len(th.frames) == h.depth && fr.base == h.base && fr.cl == h.cl
	old := h.lastPC
	if !same {
		old = pc - 1 // back from a call: the call ran last
	}
	h.note(th, pc)
	if h.count > 0 && skip < 1 {
		if h.left--; h.left <= 0 {
			h.left = h.count
			h.skip = 1
			return true, p.callHook(th, pc, "count", Nil)
		}
	}
	lines := cl.P.IR.Lines
	if h.mask&hookLine != 0 && skip < 2 && pc < len(lines) {
		if pc == 0 || pc <= old || old < 0 || lines[pc] != lines[old] {
			h.skip = 2
			return true, p.callHook(th, pc, "line", Number(float64(lines[pc])))
		}
	}
	op := cl.P.IR.Code[pc].Op
	h.tail = op == ir.TAILCALL
	if op == ir.RETURN && h.mask&hookReturn != 0 && skip < 3 {
		h.skip = 3
		return true, p.callHook(th, pc, "return", Nil)
	}
	return false, stopNone
}

// callHook calls th's hook with event and arg for the instruction at pc
// of the frame on top: the frame's pc is past it while the hook runs
// (debug.getinfo sees its line), and goes back when the hook returns
// (modeHook), so that it runs then. What the frame's registers and
// th.top hold stays: the call is placed above both.
func (p *Process) callHook(th *Thread, pc int, event string, arg Value) stopReason {
	h := th.hook
	fr := topFrame(th)
	fr.pc = pc + 1
	top := th.top
	fn := max(th.top, fr.base+fr.cl.P.IR.MaxStack)
	th.ensure(fn + 4)
	s := th.stack
	s[fn], s[fn+1], s[fn+2] = h.fn, String(event), arg
	th.top = fn + 3
	h.in, h.inDepth = true, len(th.frames)
	return p.callAt(th, 2, Dest{Fn: fn, NRes: 0, Mode: modeHook, Aux: top})
}

// hookReturned is modeHook's delivery: th.top as it was, and the hooked
// frame's instruction runs (trapped again, its events skipped).
func (th *Thread) hookReturned(d Dest) {
	th.top = d.Aux
	th.frames[len(th.frames)-1].pc--
	if h := th.hook; h != nil {
		h.in = false
	}
}

// thawHook checks a hook read from a continuation (a thread of nframes
// frames).
func thawHook(s *HookState, nframes int) (*hookState, error) {
	switch s.Fn.o.(type) {
	case *Closure, *GoFunction:
	default:
		return nil, fmt.Errorf("a hook that is not a function")
	}
	const most = 1 << 30
	if s.Mask > hookCall|hookReturn|hookLine || s.Count < 0 || s.Count > most || s.Left < 0 || s.Left > s.Count ||
		s.InDepth < 0 || s.InDepth > most || s.Skip > 3 || s.Depth < 0 || s.Depth > most || s.Base < 0 || s.Base > MaxStackSlots {
		return nil, fmt.Errorf("bad hook state")
	}
	if s.Last == nil && s.LastPC != -1 || s.Last != nil && (s.LastPC < -1 || s.LastPC >= len(s.Last.P.IR.Lines)) {
		return nil, fmt.Errorf("bad hook position")
	}
	in := s.In && s.InDepth < nframes // (a hook's frame gone is seen at the next reload)
	return &hookState{fn: s.Fn, mask: s.Mask, count: s.Count, left: s.Left, in: in, inDepth: s.InDepth,
		skip: s.Skip, tail: s.Tail, depth: s.Depth, base: s.Base, cl: s.Last, lastPC: s.LastPC}, nil
}

// ---- debug.sethook, debug.gethook

// threadArg reads the optional thread argument of sethook, gethook,
// getlocal and setlocal: the thread and the remaining arguments.
func threadArg(t *Thread, a []Value) (*Thread, []Value) {
	if len(a) > 0 {
		if co, ok := a[0].o.(*Thread); ok {
			return co, a[1:]
		}
	}
	return t, a
}

func dbSethook(t *Thread, a []Value) int {
	th, args := threadArg(t, a)
	off := len(a) - len(args) // argument numbers in errors
	if len(args) == 0 || args[0].o == nil {
		th.hook = nil
		return 0
	}
	smask := t.CheckString(a, off+1)
	if _, ok := args[0].o.(*Closure); !ok {
		if _, ok := args[0].o.(*GoFunction); !ok {
			t.TypeError(a, off, "function")
		}
	}
	count := 0
	if len(args) > 2 && args[2].o != nil {
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
		th.hook.note(th, topFrame(th).pc-1) // the call of sethook ran last
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
