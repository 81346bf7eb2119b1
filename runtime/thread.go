package runtime

import (
	"fmt"
	"math"
	"unsafe"

	"github.com/mobilua/mobilua/ir"
)

// coStatus is a coroutine's status. Its numbers are part of the
// continuation format (ThreadState.Status), as Mode's are.
type coStatus uint8

const (
	coSuspended coStatus = 0
	coRunning   coStatus = 1
	coNormal    coStatus = 2
	coDead      coStatus = 3
)

var coStatusNames = [...]string{coSuspended: "suspended", coRunning: "running", coNormal: "normal", coDead: "dead"}

// Mode says what becomes of a call's results when it returns.
//
// The numbers are part of the continuation format: a frozen frame and a
// thread's wait site keep their Dest raw (FrameState, ThreadState.Wait),
// so a mode keeps its number for ever and a new one takes the next.
// runtime/testdata/numbers.golden pins them (TestFormatNumbers).
type Mode uint8

const (
	modeNormal   Mode = 0  // to stack[Fn...], NRes of them (-1: all, sets top)
	modeBottom   Mode = 1  // main thread's first call: the process is done
	modeCoBottom Mode = 2  // coroutine's first call: the coroutine is dead
	modeReg      Mode = 3  // first result to stack[Aux] (metamethods)
	modeCond     Mode = 4  // truth of first result decides a skip (Aux: 1 expected, 2 negate)
	modeDiscard  Mode = 5  // results dropped (__newindex)
	modeConcat   Mode = 6  // first result to stack[Aux], CONCAT goes on
	modeNested   Mode = 7  // a Go builtin's nested call returns
	modeBoundary Mode = 8  // the callee of a pcall/xpcall returns
	modeHandler  Mode = 9  // an xpcall message handler returns (Aux: the boundary's frame index)
	modeCont     Mode = 10 // a call made by a resumable builtin returns (Aux: its frame index)
	modeHook     Mode = 11 // a debug hook returns: results dropped, top back to Aux, the frame below runs its instruction (hook.go)

	maxMode = modeHook
)

var modeNames = [...]string{modeNormal: "normal", modeBottom: "bottom", modeCoBottom: "coroutine bottom",
	modeReg: "register", modeCond: "condition", modeDiscard: "discard", modeConcat: "concat",
	modeNested: "nested", modeBoundary: "boundary", modeHandler: "handler", modeCont: "resumable", modeHook: "hook"}

func (m Mode) String() string {
	if int(m) < len(modeNames) {
		return modeNames[m]
	}
	return fmt.Sprintf("mode %d", uint8(m))
}

// Dest is a call's destination: where its results go and what happens
// then. A Lua frame, a pcall or builtin frame and a thread waiting in
// resume or yield each hold one; the calling functions pass it along.
type Dest struct {
	Fn   int32 // stack slot of the called function; results go from here
	NRes int32 // results wanted (-1: all)
	Aux  int32 // the mode's argument: a register, condition flags or a frame index
	Mode Mode  // what becomes of them
}

// Bound is the kind of a frame that is not a Lua function's. Its numbers
// are part of the continuation format (FrameState.Bound), as Mode's are.
type Bound uint8

const (
	boundNone           Bound = 0 // a Lua function's frame
	boundPcall          Bound = 1
	boundXpcall         Bound = 2
	boundXpcallHandling Bound = 3 // an xpcall running its message handler
	boundCont           Bound = 4 // a resumable builtin (not a boundary: errors go through)
	boundC              Bound = 5 // a builtin's level: the one a hook event or an xpcall handler is about

	maxBound = boundC
)

var boundNames = [...]string{boundNone: "lua", boundPcall: "pcall", boundXpcall: "xpcall",
	boundXpcallHandling: "xpcall (handler running)", boundCont: "resumable builtin", boundC: "builtin's level"}

func (b Bound) String() string {
	if int(b) < len(boundNames) {
		return boundNames[b]
	}
	return fmt.Sprintf("bound %d", uint8(b))
}

// Frame is one activation on a thread. A Lua frame has cl != nil; a frame
// with bound != 0 is a pcall or xpcall in progress or a resumable builtin.
type Frame struct {
	cl          *Closure
	k           Continuation // boundCont: the builtin's state
	gofn        *GoFunction  // boundCont, boundC: the builtin (Frame.builtin)
	Dest                     // where the results go
	base        int32        // register 0
	frameCounts              // zero as a Lua function's frame starts
}

// frameCounts are the fields of a Frame that a call of a Lua function
// starts at zero: 16 bytes, one store of zero when assigned on their own
// (in a parallel assignment, or from a variable, they are built aside and
// copied; at 40 or 20 bytes the copy's overlapping moves made the loads
// wait for the stores: every call of fib 25%, then 14% slower).
type frameCounts struct {
	pc   int32 // next instruction
	nvar int32 // varargs, stored just below base
	// tails counts the tail calls this frame replaced (lua5.1's
	// ci->tailcalls): levels of their own below it, "(tail call)"
	tails  int32
	concat int16 // CONCAT in progress: 1 + its current last register (at most 251)
	bound  Bound // boundNone for a Lua function
}

// pushFrame appends a frame, zero, to be set in place (a literal
// appended is built aside and copied: see frameCounts).
func (th *Thread) pushFrame() *Frame {
	th.frames = append(th.frames, Frame{})
	return &th.frames[len(th.frames)-1]
}

// waitSite is where the results of a pending resume or yield go.
type waitSite struct {
	Dest
	wrap bool // resumed through coroutine.wrap
}

// Thread is a Lua thread (the main one or a coroutine): a value stack and
// call frames.
// (The small fields are together: 176 bytes, a size class below 192.)
type Thread struct {
	p            *Process
	stack        []Value
	top          int
	frames       []Frame
	open         []*Upval // sorted by stack index
	status       coStatus
	started      bool
	pendingStart bool
	nextAt       int32 // next's hint (Table.next): not kept in a continuation
	resumer      *Thread
	body         Value    // a coroutine's function, until it starts
	wait         waitSite // where the results of a pending resume or yield go
	nny          int32    // nested Go calls that forbid yielding
	goCall       *GoFunction
	gt           *Table     // this thread's globals (getfenv(0)); nil: the process's
	mark         uint64     // see door.Mark
	hook         *hookState // debug.sethook's (not in a continuation)
}

// Globals returns the thread's global table: what builtins see as _G
// and what loadstring gives new chunks.
func (t *Thread) Globals() *Table {
	if t.gt != nil {
		return t.gt
	}
	return t.p.Globals
}

func (p *Process) newThread() *Thread {
	return &Thread{p: p, stack: make([]Value, basicStack), frames: make([]Frame, 0, 8)}
}

// coroutineThread is newThread for a coroutine, its first frames in the
// thread's own allocation (most coroutines stay within a few calls: a
// generator, a producer): two allocations instead of three.
func (p *Process) coroutineThread() *Thread {
	x := &struct {
		t  Thread
		fr [4]Frame
	}{}
	x.t.p, x.t.stack, x.t.frames = p, make([]Value, basicStack), x.fr[:0]
	return &x.t
}

// Process returns the thread's process.
func (t *Thread) Process() *Process { return t.p }

func (t *Thread) ensure(n int) {
	if n > len(t.stack) {
		t.grow(n)
	}
}

// grow is the slow path of ensure.
func (t *Thread) grow(n int) {
	if n > MaxStackSlots {
		t.p.rtError(t, "stack overflow")
	}
	sz := 2 * len(t.stack)
	for sz < n {
		sz *= 2
	}
	t.p.chargeLarge(int64(sz) * sizeValue)
	ns := make([]Value, sz)
	copy(ns, t.stack)
	t.stack = ns
	for _, u := range t.open {
		u.v = &ns[u.idx]
	}
}

// Push pushes a result of a builtin.
func (t *Thread) Push(v Value) {
	if t.top >= len(t.stack) {
		t.ensure(t.top + 1)
	}
	t.stack[t.top] = v
	t.top++
}

func (t *Thread) findUpval(idx int) *Upval {
	for i := len(t.open) - 1; i >= 0; i-- {
		u := t.open[i]
		if u.idx == idx {
			return u
		}
		if u.idx < idx {
			t.p.charge(sizeUpval)
			u := &Upval{th: t, idx: idx, v: &t.stack[idx]}
			t.open = append(t.open, nil)
			copy(t.open[i+2:], t.open[i+1:])
			t.open[i+1] = u
			return u
		}
	}
	t.p.charge(sizeUpval)
	u := &Upval{th: t, idx: idx, v: &t.stack[idx]}
	t.open = append(t.open, nil)
	copy(t.open[1:], t.open)
	t.open[0] = u
	return u
}

func (t *Thread) closeUpvals(level int) {
	for len(t.open) > 0 {
		u := t.open[len(t.open)-1]
		if u.idx < level {
			return
		}
		u.own = t.stack[u.idx]
		u.v = &u.own
		u.th = nil
		t.open = t.open[:len(t.open)-1]
	}
}

// ---- calls

// callAt calls the value at stack[fn] with the nargs values above it.
// A Lua function gets a frame (the loop runs it); a builtin runs now.
func (p *Process) callAt(th *Thread, nargs int, d Dest) stopReason {
	fn := int(d.Fn)
	for i := 0; ; i++ {
		switch f := th.stack[fn].ref().(type) {
		case *Closure:
			p.pushLua(th, f, nargs, d)
			return stopNone
		case *GoFunction:
			return p.callGo(th, f, nargs, d)
		}
		mm := p.metaOf(th.stack[fn], evCall)
		if mm.p == nil || i > 100 {
			msg := fmt.Sprintf("attempt to call a %s value", th.stack[fn].TypeName())
			if n := len(th.frames); n > 0 && th.frames[n-1].bound == boundCont {
				// a call a builtin makes: as in lua5.1, an error raised
				// while a C function runs has no position
				panic(&Error{Value: String(msg)})
			}
			p.rtError(th, "%s", msg)
		}
		th.ensure(fn + nargs + 2)
		copy(th.stack[fn+1:fn+nargs+2], th.stack[fn:fn+nargs+1])
		th.stack[fn] = mm
		nargs++
	}
}

func (p *Process) pushLua(th *Thread, cl *Closure, nargs int, d Dest) {
	fp, fn := cl.P, int(d.Fn)
	if len(th.frames) >= p.MaxFrames {
		p.rtError(th, "stack overflow")
	}
	var base, nvar int
	np := fp.nparams
	if fp.vararg {
		base = fn + 1 + nargs
		th.ensure(base + fp.maxStack + 1)
		s := th.stack
		for i := 0; i < np; i++ {
			if i < nargs {
				s[base+i] = s[fn+1+i]
				s[fn+1+i] = Nil
			} else {
				s[base+i] = Nil
			}
		}
		if nargs > np {
			nvar = nargs - np
		}
		if fp.needsArg {
			s[base+np] = p.argTable(s[fn+1+np : fn+1+np+nvar])
		}
	} else {
		base = fn + 1
		th.ensure(base + fp.maxStack + 1)
		if nargs < np {
			clearValues(th.stack[base+nargs : base+np]) // missing arguments are nil
		}
	}
	// The other registers are not cleared: the front end writes every
	// register before reading it (locals get LOADNIL), so stale values
	// above the parameters are never seen; but those lua5.1's code reads
	// nil at a function's start (ir.Proto.NilFrom).
	fp.clearEntry(th.stack, base)
	n := len(th.frames)
	if n == cap(th.frames) {
		p.charge(int64(n+1) * sizeFrame)
		th.frames = append(th.frames, Frame{})
	} else {
		th.frames = th.frames[:n+1]
	}
	th.frames[n].start(cl, base, nvar, d)
}

// pushFast is pushLua's common case, small enough to inline: a fixed
// number of parameters (no fewer arguments), room on the stack and for
// the frame, no register the code reads nil at its start. It reports
// false, having done nothing, for the others.
func (p *Process) pushFast(th *Thread, cl *Closure, nargs int, d Dest) bool {
	fp, n := cl.P, len(th.frames)
	if nargs < fp.plainFrom || n >= p.MaxFrames || n == cap(th.frames) || int(d.Fn)+fp.maxStack+2 > len(th.stack) {
		return false
	}
	th.frames = th.frames[:n+1]
	f := &th.frames[n]
	f.cl, f.base, f.Dest = cl, d.Fn+1, d
	f.frameCounts = frameCounts{}
	return true
}

// clearEntry makes nil the registers fp's code reads nil at its start
// without setting them (ir.Proto.NilFrom), in a frame at base.
func (fp *FuncProto) clearEntry(stack []Value, base int) {
	if fp.nilTo > 0 {
		clearValues(stack[base+fp.nilFrom : base+fp.nilTo])
	}
}

// argTable is a vararg function's implicit arg: {n = #varargs,
// varargs...} (Lua 5.1's compatibility).
func (p *Process) argTable(varargs []Value) Value {
	t := p.NewTable(len(varargs), 1)
	t.arr = append(t.arr, varargs...) // nils too: an array part as lua5.1's, for #
	t.noteAppended(0)
	t.SetStr("n", Number(float64(len(varargs))))
	return TableValue(t)
}

// start makes f the frame of a call of cl at pc 0 (the frame is reused:
// every field a call reads is set).
func (f *Frame) start(cl *Closure, base, nvar int, d Dest) {
	f.cl, f.base, f.Dest = cl, int32(base), d
	f.frameCounts = frameCounts{nvar: int32(nvar)}
}

// tailCallLua replaces the frame at base with a call of fn, whose
// nargs arguments follow it at ra (TAILCALL).
func (p *Process) tailCallLua(th *Thread, fn *Closure, base, ra, nargs int) {
	if len(th.open) > 0 {
		th.closeUpvals(base)
	}
	old := topFrame(th)
	d, tails := old.Dest, old.tails
	th.frames = th.frames[:len(th.frames)-1]
	copyValues(th.stack[d.Fn:][:nargs+1], th.stack[ra:ra+nargs+1])
	if !p.pushFast(th, fn, nargs, d) {
		p.pushLua(th, fn, nargs, d)
	}
	if tails < math.MaxInt32 { // (lua5.1's int wraps; the count saturates)
		tails++
	}
	topFrame(th).tails = tails
}

// frameLevel is the level of th's stack that level names when thread t
// asks (debug.getinfo, getlocal): levels count from the builtin running,
// 0, which another thread has while it waits in one (a yield) or after it
// died in one (an error it raised); one that died by an error of Lua code
// has its top frame at level 0, as lua5.1's.
func (th *Thread) frameLevel(t *Thread, level int) int {
	if th != t && th.status == coDead && th.goCall == nil {
		return level + 1
	}
	return level
}

// builtinOnTop is the builtin at level 0 of th when t asks: the one
// running, or the one th waits in or died in (nil: none known).
func (th *Thread) builtinOnTop(t *Thread) *GoFunction {
	if th == t || th.goCall != nil || len(th.frames) == 0 {
		return th.goCall
	}
	g, _ := th.stack[th.wait.Fn].asGoFunction()
	return g
}

// levels counts the levels of th's stack: its frames and the tail calls
// they replaced.
func (th *Thread) levels() int {
	n := 0
	for i := range th.frames {
		n += 1 + int(th.frames[i].tails)
	}
	return n
}

// stackLevel finds a level of th's stack (1: the frame on top) as lua5.1's
// lua_getstack: below each frame come the tail calls it replaced, a level
// each. It returns the frame's index, or tail for such a level; -1 and
// false past the bottom.
func (th *Thread) stackLevel(level int) (i int, tail bool) {
	for i = len(th.frames) - 1; i >= 0 && level > 0; i-- {
		if level--; level == 0 {
			return i, false
		}
		if t := th.frames[i].tails; t > 0 {
			if level <= int(t) {
				return -1, true
			}
			level -= int(t)
		}
	}
	return -1, false
}

// copyValues is copy for Values: small counts by a loop (copy of
// values holding pointers is a call into the runtime), none when dst and
// src are the same.
func copyValues(dst, src []Value) {
	if len(src) > 16 || len(dst) < len(src) {
		copy(dst, src)
		return
	}
	if len(src) == 0 {
		return
	}
	d, o := uintptr(unsafe.Pointer(&dst[0])), uintptr(unsafe.Pointer(&src[0]))
	if d == o {
		return
	}
	if d > o && d < o+uintptr(len(src))*unsafe.Sizeof(Value{}) {
		copy(dst, src) // overlapping, dst above src: copy moves backwards
		return
	}
	for i, v := range src {
		dst[i] = v
	}
}

// clearValues sets vs to nil.
func clearValues(vs []Value) {
	if len(vs) > 16 {
		clear(vs)
		return
	}
	for i := range vs {
		vs[i] = Value{}
	}
}

func (p *Process) callGo(th *Thread, f *GoFunction, nargs int, d Dest) stopReason {
	fn := int(d.Fn)
	th.top = fn + 1 + nargs
	switch f.kind {
	case goPcall, goXpcall:
		return p.callProtected(th, f, nargs, d)
	case goResume, goWrap:
		return p.resume(th, f, nargs, d)
	case goYield:
		return p.yield(th, nargs, d)
	case goMbYield:
		return p.mbYield(th, nargs, d)
	case goCont:
		return p.startCont(th, f, nargs, d)
	}
	saved := th.goCall
	th.goCall = f
	n := f.Fn(th, th.stack[fn+1:fn+1+nargs])
	if n == raisedError {
		if d.Mode == modeBoundary && th.frames[len(th.frames)-1].Mode == modeNormal {
			// pcall(error, v) called by Lua code: the pcall below
			// catches it here, without a Go panic (its caller, the
			// interpreter or compiled code, reloads after the call)
			if err := p.handleRaised(); err != nil {
				panic(err)
			}
			return stopNone
		}
		panic(p.takeRaised())
	}
	th.goCall = saved
	p.deliverResults(th, th.top-n, n, d)
	return stopNone
}

// deliverResults moves n results from stack[src...] to the call's
// destination d.
func (p *Process) deliverResults(th *Thread, src, n int, d Dest) {
	s, fn, nres := th.stack, int(d.Fn), int(d.NRes)
	switch d.Mode {
	case modeNormal, modeNested, modeBoundary:
		if nres < 0 {
			th.ensure(fn + n + 1)
			s = th.stack
			copyValues(s[fn:fn+n], s[src:src+n])
			th.top = fn + n
		} else {
			th.ensure(fn + nres + 1)
			s = th.stack
			if src == fn {
				if n < nres {
					clearValues(s[fn+n : fn+nres])
				}
			} else if n >= nres {
				copyValues(s[fn:fn+nres], s[src:src+nres])
			} else {
				copyValues(s[fn:fn+n], s[src:src+n])
				clearValues(s[fn+n : fn+nres])
			}
			th.top = fn + nres
		}
		if d.Mode == modeNested {
			p.nestStop = true
		} else if d.Mode == modeBoundary {
			p.finishBoundary(th)
		}
		return
	}
	var first Value // the modes below take the first result, or nil
	if n > 0 {
		first = s[src]
	}
	switch aux := d.Aux; d.Mode {
	case modeReg, modeConcat:
		s[aux] = first
	case modeDiscard:
	case modeHook:
		th.hookReturned(d)
	case modeCond:
		truth := first.Truthy()
		if aux&2 != 0 {
			truth = !truth
		}
		if truth != (aux&1 != 0) {
			th.frames[len(th.frames)-1].pc++
		}
	case modeBottom:
		p.results = append([]Value(nil), s[src:src+n]...)
		th.frames = th.frames[:0]
	case modeCoBottom:
		vals := s[src : src+n]
		th.frames = th.frames[:0]
		th.status = coDead
		th.top = 0
		p.switchBack(th, vals, true)
	case modeCont:
		p.contStep(th, int(aux), first)
	case modeHandler:
		p.unwindTo(th, int(aux))
		p.failBoundary(th, int(aux), first)
	}
}

// finishBoundary completes the pcall or xpcall frame on top of th, whose
// callee has just returned its results starting at fn+1 (pcall) or fn+2.
func (p *Process) finishBoundary(th *Thread) {
	b := &th.frames[len(th.frames)-1]
	d, first := b.Dest, int(b.Fn)+1
	if b.bound != boundPcall {
		first++
	}
	th.frames = th.frames[:len(th.frames)-1]
	n := th.top - first
	th.stack[first-1] = True
	p.deliverResults(th, first-1, n+1, d)
}

// failBoundary ends the pcall or xpcall at frame i of th (the frames
// above it unwound): it returns false and v.
func (p *Process) failBoundary(th *Thread, i int, v Value) {
	d := th.frames[i].Dest
	th.frames = th.frames[:i]
	fn := int(d.Fn)
	th.ensure(fn + 2)
	th.stack[fn] = False
	th.stack[fn+1] = v
	p.deliverResults(th, fn, 2, d)
}

func (p *Process) callProtected(th *Thread, f *GoFunction, nargs int, d Dest) stopReason {
	s, fn := th.stack, int(d.Fn)
	if f.kind == goPcall {
		if nargs < 1 {
			p.argError(th, 1, "value expected")
		}
		f := th.pushFrame()
		f.Dest, f.bound = d, boundPcall
		return p.callAt(th, nargs-1, Dest{Fn: int32(fn + 1), NRes: -1, Mode: modeBoundary})
	}
	// xpcall(f, handler): keep the handler at fn+1, call f at fn+2
	if nargs < 2 {
		p.argError(th, 2, "value expected")
	}
	th.ensure(fn + 4)
	s = th.stack
	fv, h := s[fn+1], s[fn+2]
	s[fn+1], s[fn+2] = h, fv
	fr := th.pushFrame()
	fr.Dest, fr.bound = d, boundXpcall
	return p.callAt(th, 0, Dest{Fn: int32(fn + 2), NRes: -1, Mode: modeBoundary})
}

// builtin is the builtin of a frame that stands for one (a resumable
// builtin's, boundCont, or a builtin's level, boundC), or nil: other
// frames may keep a stale gofn.
func (f *Frame) builtin() *GoFunction {
	if f.bound == boundCont || f.bound == boundC {
		return f.gofn
	}
	return nil
}

// pushBuiltinLevel pushes the level of builtin g (boundC), which the
// frame on top called at pc-1, below a hook or an xpcall message handler
// to be called at stack slot fn: lua5.1 has g's frame there
// (debug.getinfo, tracebacks). It never runs: the call above it returns
// through it (hookReturned, modeHandler's unwinding).
func (th *Thread) pushBuiltinLevel(g *GoFunction, fn, pc int) {
	f := th.pushFrame()
	f.gofn, f.base, f.Dest, f.bound, f.pc = g, int32(fn), Dest{Fn: int32(fn)}, boundC, int32(pc)
}

// unwindTo drops the frames above index b, closing their upvalues.
func (p *Process) unwindTo(th *Thread, b int) {
	th.closeUpvals(int(th.frames[b].Fn + 1))
	th.frames = th.frames[:b+1]
}

// ---- coroutines

func (p *Process) resume(th *Thread, f *GoFunction, nargs int, d Dest) stopReason {
	s, fn := th.stack, int(d.Fn)
	var co *Thread
	first := fn + 1
	if f.kind == goWrap {
		co = f.co
	} else {
		if nargs >= 1 {
			co, _ = s[fn+1].asThread()
		}
		if co == nil {
			p.argError(th, 1, "coroutine expected")
		}
		first = fn + 2
		nargs--
	}
	if co.status != coSuspended {
		msg := "cannot resume " + coStatusNames[co.status] + " coroutine"
		if f.kind == goWrap {
			p.rtError(th, "%s", msg)
		}
		s[fn] = False
		s[fn+1] = String(msg)
		p.deliverResults(th, fn, 2, d)
		return stopNone
	}
	args := s[first : first+nargs] // moved straight to co's stack
	th.wait = waitSite{Dest: d, wrap: f.kind == goWrap}
	th.status = coNormal
	co.status = coRunning
	co.resumer = th
	p.cur = co
	if !co.started {
		co.started = true
		co.ensure(nargs + 8)
		co.stack[0] = co.body
		co.body = Nil
		copyValues(co.stack[1:], args)
		co.top = 1 + nargs
		return p.callAt(co, nargs, Dest{NRes: -1, Mode: modeCoBottom})
	}
	w := co.takeWait()
	co.ensure(int(w.Fn) + nargs + 1)
	copyValues(co.stack[w.Fn:], args)
	p.deliverResults(co, int(w.Fn), nargs, w.Dest)
	return stopNone
}

// takeWait returns t's wait site and clears it: a site is used once, and
// a stale one would be frozen with the thread (its frame index may point
// at a frame that has gone).
func (t *Thread) takeWait() waitSite {
	w := t.wait
	t.wait = waitSite{}
	return w
}

// switchBack returns control from coroutine co to its resumer with vals
// (a view of co's stack, copied straight to the resumer's).
func (p *Process) switchBack(co *Thread, vals []Value, ok bool) {
	r := co.resumer
	co.resumer = nil
	r.status = coRunning
	p.cur = r
	w := r.takeWait()
	if w.wrap && !ok {
		panic(&Error{Value: vals[0]})
	}
	r.ensure(int(w.Fn) + len(vals) + 2)
	dst, n := int(w.Fn), len(vals)
	if !w.wrap {
		r.stack[dst] = Bool(ok)
		dst++
		n++
	}
	copyValues(r.stack[dst:], vals)
	p.deliverResults(r, int(w.Fn), n, w.Dest)
}

// errYieldAcross is lua_yield's error where it cannot yield: raised in
// the builtin, it has no position (lua5.1's luaG_runerror adds one only
// in a Lua function).
func errYieldAcross() *Error {
	return &Error{Value: String("attempt to yield across metamethod/C-call boundary")}
}

func (p *Process) yield(th *Thread, nargs int, d Dest) stopReason {
	if th.resumer == nil || th.nny > 0 {
		panic(errYieldAcross())
	}
	fn := int(d.Fn)
	vals := th.stack[fn+1 : fn+1+nargs]
	th.wait = waitSite{Dest: d}
	th.status = coSuspended
	p.switchBack(th, vals, true)
	return stopNone
}

func (p *Process) mbYield(th *Thread, nargs int, d Dest) stopReason {
	if th.nny > 0 || p.nested > 0 {
		panic(errYieldAcross())
	}
	p.yieldv = append([]Value(nil), th.stack[d.Fn+1:][:nargs]...)
	th.wait = waitSite{Dest: d}
	p.yieldTh = th
	p.yieldBy, _ = th.stack[d.Fn].asGoFunction()
	return stopYield
}

// ---- nested calls from builtins

// Call calls f with args from inside a builtin and returns its results.
// The call is not yieldable; a yield inside it is an error.
func (t *Thread) Call(f Value, args ...Value) []Value {
	fn := t.callNested(f, args)
	res := append([]Value(nil), t.stack[fn:t.top]...)
	t.top = fn
	return res
}

// Call1 is Call for the first result only; it does not allocate.
func (t *Thread) Call1(f Value, args ...Value) Value {
	fn := t.callNested(f, args)
	var r Value
	if t.top > fn {
		r = t.stack[fn]
	}
	t.top = fn
	return r
}

// callNested runs f(args...) to completion in a nested loop and leaves its
// results at t.stack[fn:t.top], returning fn.
func (t *Thread) callNested(f Value, args []Value) int {
	p := t.p
	if p.nested >= maxNested {
		p.rtError(t, "C stack overflow")
	}
	fn := t.top
	t.ensure(fn + len(args) + 2)
	st := t.stack
	st[fn] = f
	for i, a := range args { // a loop beats copy's barrier for a few
		st[fn+1+i] = a
	}
	t.top = fn + 1 + len(args)
	depth := len(t.frames)
	savedTh, savedAt := p.nestTh, p.nestAt
	p.nested++
	t.nny++
	defer func() {
		p.nested--
		t.nny--
		p.nestTh, p.nestAt = savedTh, savedAt
	}()
	p.nestTh, p.nestAt = t, depth
	if cl, ok := f.asClosure(); ok {
		p.pushLua(t, cl, len(args), Dest{Fn: int32(fn), NRes: -1, Mode: modeNested})
	} else {
		p.callAt(t, len(args), Dest{Fn: int32(fn), NRes: -1, Mode: modeNested})
	}
	if len(t.frames) > depth {
		p.nestStop = false
		for {
			reason, e := p.safe(p.run)
			if e != nil {
				if err := p.handleError(e); err != nil {
					panic(err)
				}
				continue
			}
			if reason == stopNested {
				break
			}
			if reason == stopBudget {
				continue
			}
			panic(errYieldAcross())
		}
	}
	p.nestStop = false
	return fn
}

// ---- errors

// Error is a Lua error: the error value and, when nothing caught it, the
// traceback at the point where it was raised.
type Error struct {
	Value     Value
	Traceback string
	Fatal     bool // a limit: no pcall catches it, the process ends
}

func (e *Error) Error() string {
	if s, ok := ToStringRaw(e.Value); ok {
		return s
	}
	if e.Value.p == nil {
		return "nil"
	}
	return fmt.Sprintf("(error object is a %s value)", e.Value.TypeName())
}

// where returns "source:line:" for the Lua function at level (1: the
// function running on top, for builtins the one that called them).
func (p *Process) where(th *Thread, level int) string {
	if n := len(th.frames); n > 0 && th.frames[n-1].bound == boundCont {
		level++ // the top frame is the running builtin itself
	}
	i, _ := th.stackLevel(level) // (a tail call's level has no line: "")
	if i < 0 {
		return ""
	}
	fr := &th.frames[i]
	if fr.cl == nil {
		return ""
	}
	return fmt.Sprintf("%s:%d: ", fr.cl.P.IR.Source, currentLine(fr))
}

func currentLine(fr *Frame) int {
	ip := fr.cl.P.IR
	pc := fr.pc - 1
	if pc < 0 {
		pc = 0
	}
	if int(pc) >= len(ip.Lines) {
		return -1
	}
	return int(ip.Lines[pc])
}

// rtError raises a runtime error with the position of the running Lua
// function.
func (p *Process) rtError(th *Thread, format string, args ...any) {
	panic(p.errorAt(th, format, args...))
}

// errorAt is rtError's error, not raised.
func (p *Process) errorAt(th *Thread, format string, args ...any) *Error {
	return &Error{Value: String(p.where(th, 1) + fmt.Sprintf(format, args...))}
}

// Error raises an error from a builtin, with the caller's position.
func (t *Thread) Error(format string, args ...any) {
	t.p.rtError(t, format, args...)
}

// Throw raises v as an error value, unchanged.
func (t *Thread) Throw(v Value) {
	panic(&Error{Value: v})
}

// Raise is Throw for a builtin's return statement (`return t.Raise(v)`):
// it raises v without a Go panic when the interpreter called the builtin
// directly, which makes error-heavy code (pcall around error) cheap.
func (t *Thread) Raise(v Value) int {
	t.p.raised = v
	return raisedError
}

// raisedError is what a builtin returns after Raise.
const raisedError = -1

// takeRaised turns a builtin's Raise into a panic, for callers that are
// not the interpreter loop.
func (p *Process) takeRaised() *Error {
	e := &Error{Value: p.raised}
	p.raised = Nil
	return e
}

// handleRaised is handleError of a builtin's Raise where the interpreter
// or compiled code called it, without making an Error when a pcall
// catches it (error as control flow: a loop of pcall around error, an
// interpreter's return): handleError's work on p.raisedErr reads its
// value and leaves nothing pointing to it; what it returns, an error
// nothing caught, is a copy. p.raisedErr is emptied after (it would keep
// the error's value alive).
func (p *Process) handleRaised() *Error {
	p.raisedErr = Error{Value: p.raised}
	p.raised = Nil
	e := p.handleError(&p.raisedErr)
	if e == &p.raisedErr {
		c := *e
		e = &c
	}
	p.raisedErr = Error{}
	return e
}

// ArgError raises "bad argument #n to 'name' (msg)".
func (t *Thread) ArgError(n int, msg string) { t.p.argError(t, n, msg) }

func (p *Process) argError(th *Thread, n int, msg string) {
	// As luaL_argerror: the name is the one the caller used, '?' when the
	// builtin was not called from a Lua function; a method call counts self.
	name := "?"
	top := len(th.frames) - 1
	if top >= 0 && th.frames[top].bound == boundCont {
		top-- // the running builtin's own frame
	}
	if top >= 0 {
		if fr := &th.frames[top]; fr.cl != nil {
			ip := fr.cl.P.IR
			if pc := int(fr.pc) - 1; pc >= 0 && pc < len(ip.Code) {
				in := ip.Code[pc]
				if in.Op == ir.CALL || in.Op == ir.TAILCALL {
					kind, nm := objName(ip, pc, int(in.A))
					if nm != "" {
						name = nm
					}
					if kind == "method" {
						n--
						if n == 0 {
							p.rtError(th, "calling '%s' on bad self (%s)", name, msg)
						}
					}
				}
			}
		}
	}
	p.rtError(th, "bad argument #%d to '%s' (%s)", n, name, msg)
}

// handleError routes an error raised in the current thread to the nearest
// pcall, xpcall, resume or nested-call boundary. It returns the error when
// nothing catches it (the process fails).
func (p *Process) handleError(e *Error) *Error {
	inC := p.cur.goCall != nil
	for {
		th := p.cur
		g := th.goCall // the builtin that raised e, if one did
		th.goCall = nil
		if i := p.boundary(th, e); i >= 0 {
			if e = p.catchAt(th, i, e, g); e == nil {
				return nil
			}
			continue // an xpcall's message handler failed: its boundary answers
		}
		switch {
		case th == p.nestTh:
			if len(th.frames) > p.nestAt {
				th.closeUpvals(int(th.frames[p.nestAt].Fn))
				th.frames = th.frames[:p.nestAt]
			}
			return e
		case th == p.Main || th.resumer == nil:
			if e.Traceback == "" {
				e.Traceback = p.traceback(th, inC)
			}
			return e
		case e.Fatal:
			// a limit hit inside a coroutine ends the whole process
			th.status = coDead
			p.backTo(th)
		case th.resumer.wait.wrap:
			// the error comes out of the wrap function, with its position
			p.endCoroutine(th, g)
			r := p.backTo(th)
			r.takeWait()
			if s, ok := e.Value.Str(); ok {
				e = &Error{Value: String(p.where(r, 1) + s)}
			}
			inC = true
		default:
			// resume returns false and the error
			p.endCoroutine(th, g)
			if e = p.protect(func() { p.switchBack(th, []Value{e.Value}, false) }); e == nil {
				return nil
			}
		}
	}
}

// boundary is the index of th's innermost frame that catches e (a pcall or
// xpcall inside the current nested call), or -1.
func (p *Process) boundary(th *Thread, e *Error) int {
	low := 0
	if th == p.nestTh {
		low = p.nestAt
	}
	if e.Fatal {
		return -1 // no boundary catches a limit
	}
	for i := len(th.frames) - 1; i >= low; i-- {
		if b := th.frames[i].bound; b == boundPcall || b == boundXpcall || b == boundXpcallHandling {
			return i
		}
	}
	return -1
}

// catchAt has the pcall or xpcall at frame i of th catch e: the pcall
// returns false and the error; an xpcall calls its message handler where
// the error happened (what it returns is the xpcall's, through
// modeHandler), above the level of g, the builtin that raised e, if one
// did. It returns the error the handler raised, or nil.
func (p *Process) catchAt(th *Thread, i int, e *Error, g *GoFunction) *Error {
	fr := &th.frames[i]
	if fr.bound == boundXpcall {
		fr.bound = boundXpcallHandling
		top := th.top
		if last := &th.frames[len(th.frames)-1]; last.cl != nil {
			top = max(top, int(last.base)+last.cl.P.maxStack)
		}
		th.ensure(top + 3)
		th.stack[top] = th.stack[fr.Fn+1]
		th.stack[top+1] = e.Value
		th.top = top + 2
		if g != nil {
			th.pushBuiltinLevel(g, top, int(th.frames[len(th.frames)-1].pc)) // (fr moves)
		}
		return p.protect(func() { p.callAt(th, 1, Dest{Fn: int32(top), NRes: 1, Mode: modeHandler, Aux: int32(i)}) })
	}
	if fr.bound == boundXpcallHandling {
		// the message handler itself failed (lua5.1's LUA_ERRERR)
		e = &Error{Value: String("error in error handling")}
	}
	p.unwindTo(th, i)
	p.failBoundary(th, i, e.Value)
	return nil
}

// endCoroutine makes coroutine th dead after an error raised in it (by
// builtin g, if one did). As lua5.1, it keeps its frames, where the error
// left them, for debug.traceback and debug.getinfo; its upvalues close.
func (p *Process) endCoroutine(th *Thread, g *GoFunction) {
	th.closeUpvals(0)
	th.status = coDead
	th.goCall = g
}

// backTo makes th's resumer the running thread again and returns it.
func (p *Process) backTo(th *Thread) *Thread {
	r := th.resumer
	th.resumer = nil
	r.status = coRunning
	p.cur = r
	return r
}

// protect runs f and returns the Lua error it raised, or nil.
func (p *Process) protect(f func()) (e *Error) {
	defer func() {
		if x := recover(); x != nil {
			le, ok := x.(*Error)
			if !ok {
				panic(x)
			}
			e = le
		}
	}()
	f()
	return nil
}
