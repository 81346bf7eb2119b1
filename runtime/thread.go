package runtime

import (
	"fmt"
	"unsafe"

	"github.com/mobilua/mobilua/ir"
)

type coStatus uint8

const (
	coSuspended coStatus = iota
	coRunning
	coNormal
	coDead
)

var coStatusNames = [...]string{"suspended", "running", "normal", "dead"}

// Frame delivery modes: what happens to a call's results when it returns.
const (
	modeNormal   uint8 = iota // to stack[fn...], nres of them (-1: all, sets top)
	modeBottom                // main thread's first call: the process is done
	modeCoBottom              // coroutine's first call: the coroutine is dead
	modeReg                   // first result to stack[aux] (metamethods)
	modeCond                  // truth of first result decides a skip (aux: 1 expected, 2 negate)
	modeDiscard               // results dropped (__newindex)
	modeConcat                // first result to stack[aux], CONCAT goes on
	modeNested                // a Go builtin's nested call returns
	modeBoundary              // the callee of a pcall/xpcall returns
	modeHandler               // an xpcall message handler returns (aux: boundary frame)
	modeCont                  // a call made by a resumable builtin returns (aux: its frame)
)

// Boundary kinds of frames that are not Lua functions.
const (
	boundNone uint8 = iota
	boundPcall
	boundXpcall
	boundXpcallHandling
	boundCont // a resumable builtin (not a boundary: errors go through)
)

// Frame is one activation on a thread. A Lua frame has cl != nil; a frame
// with bound != 0 is a pcall or xpcall in progress.
type Frame struct {
	cl     *Closure
	pc     int // next instruction
	base   int // register 0
	fn     int // stack index of the called function; results go here
	nres   int // results wanted (-1: all)
	nvar   int // varargs, stored just below base
	mode   uint8
	bound  uint8
	aux    int
	concat int          // CONCAT in progress: 1 + its current last register
	k      Continuation // boundCont: the builtin's state
	gofn   *GoFunction  // boundCont: the builtin
}

type waitSite struct {
	fn, nres int
	mode     uint8
	aux      int
	wrap     bool // resumed through coroutine.wrap
}

// Thread is a Lua thread (the main one or a coroutine): a value stack and
// call frames.
type Thread struct {
	p            *Process
	stack        []Value
	top          int
	frames       []Frame
	open         []*Upval // sorted by stack index
	status       coStatus
	resumer      *Thread
	body         Value // a coroutine's function, until it starts
	started      bool
	wait         waitSite // where the results of a pending resume or yield go
	nny          int      // nested Go calls that forbid yielding
	goCall       *GoFunction
	pendingStart bool
	gt           *Table // this thread's globals (getfenv(0)); nil: the process's
	mark         uint64 // see FreezeMark
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
	return &Thread{p: p, stack: make([]Value, 64), frames: make([]Frame, 0, 8)}
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
func (p *Process) callAt(th *Thread, fn, nargs, nres int, mode uint8, aux int) stopReason {
	for i := 0; ; i++ {
		switch f := th.stack[fn].o.(type) {
		case *Closure:
			p.pushLua(th, f, fn, nargs, nres, mode, aux)
			return stopNone
		case *GoFunction:
			return p.callGo(th, f, fn, nargs, nres, mode, aux)
		}
		mm := p.metaOf(th.stack[fn], evCall)
		if mm.o == nil || i > 100 {
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

func (p *Process) pushLua(th *Thread, cl *Closure, fn, nargs, nres int, mode uint8, aux int) {
	fp := cl.P
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
	} else {
		base = fn + 1
		th.ensure(base + fp.maxStack + 1)
		if nargs < np {
			clearValues(th.stack[base+nargs : base+np]) // missing arguments are nil
		}
	}
	// The other registers are not cleared: the front end writes every
	// register before reading it (locals get LOADNIL), so stale values
	// above the parameters are never seen.
	n := len(th.frames)
	if n == cap(th.frames) {
		p.charge(int64(n+1) * sizeFrame)
		th.frames = append(th.frames, Frame{})
	} else {
		th.frames = th.frames[:n+1]
	}
	th.frames[n].start(cl, base, fn, nres, nvar, mode, aux)
}

// start makes f the frame of a call of cl at pc 0 (the frame is reused:
// every field a call reads is set).
func (f *Frame) start(cl *Closure, base, fn, nres, nvar int, mode uint8, aux int) {
	f.cl, f.pc, f.base, f.fn, f.nres, f.nvar = cl, 0, base, fn, nres, nvar
	f.mode, f.bound, f.aux, f.concat = mode, boundNone, aux, 0
}

// tailCallLua replaces the frame at base with a call of fn, whose
// nargs arguments follow it at ra (TAILCALL).
func (p *Process) tailCallLua(th *Thread, fn *Closure, base, ra, nargs int) {
	if len(th.open) > 0 {
		th.closeUpvals(base)
	}
	old := *topFrame(th)
	th.frames = th.frames[:len(th.frames)-1]
	copy(th.stack[old.fn:], th.stack[ra:ra+nargs+1])
	p.pushLua(th, fn, old.fn, nargs, old.nres, old.mode, old.aux)
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

func (p *Process) callGo(th *Thread, f *GoFunction, fn, nargs, nres int, mode uint8, aux int) stopReason {
	th.top = fn + 1 + nargs
	switch f.kind {
	case goPcall, goXpcall:
		return p.callProtected(th, f, fn, nargs, nres, mode, aux)
	case goResume, goWrap:
		return p.resume(th, f, fn, nargs, nres, mode, aux)
	case goYield:
		return p.yield(th, fn, nargs, nres, mode, aux)
	case goMbYield:
		return p.mbYield(th, fn, nargs, nres, mode, aux)
	case goCont:
		return p.startCont(th, f, fn, nargs, nres, mode, aux)
	}
	saved := th.goCall
	th.goCall = f
	n := f.Fn(th, th.stack[fn+1:fn+1+nargs])
	if n == raisedError {
		if mode == modeBoundary && th.frames[len(th.frames)-1].mode == modeNormal {
			// pcall(error, v) called by Lua code: the pcall below
			// catches it here, without a Go panic (its caller, the
			// interpreter or compiled code, reloads after the call)
			if err := p.handleError(p.takeRaised()); err != nil {
				panic(err)
			}
			return stopNone
		}
		panic(p.takeRaised())
	}
	th.goCall = saved
	p.deliverResults(th, th.top-n, n, fn, nres, mode, aux)
	return stopNone
}

// deliverResults moves n results from stack[src...] to where the call at
// fn wanted them.
func (p *Process) deliverResults(th *Thread, src, n, fn, nres int, mode uint8, aux int) {
	s := th.stack
	switch mode {
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
		if mode == modeNested {
			p.nestStop = true
		} else if mode == modeBoundary {
			p.finishBoundary(th)
		}
		return
	}
	var first Value // the modes below take the first result, or nil
	if n > 0 {
		first = s[src]
	}
	switch mode {
	case modeReg, modeConcat:
		s[aux] = first
	case modeDiscard:
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
		p.contStep(th, aux, first)
	case modeHandler:
		p.unwindTo(th, aux)
		b := th.frames[aux]
		th.frames = th.frames[:aux]
		th.stack[b.fn] = False
		th.stack[b.fn+1] = first
		p.deliverResults(th, b.fn, 2, b.fn, b.nres, b.mode, b.aux)
	}
}

// finishBoundary completes the pcall or xpcall frame on top of th, whose
// callee has just returned its results starting at fn+1 (pcall) or fn+2.
func (p *Process) finishBoundary(th *Thread) {
	b := th.frames[len(th.frames)-1]
	th.frames = th.frames[:len(th.frames)-1]
	first := b.fn + 1
	if b.bound != boundPcall {
		first = b.fn + 2
	}
	n := th.top - first
	th.stack[first-1] = True
	p.deliverResults(th, first-1, n+1, b.fn, b.nres, b.mode, b.aux)
}

func (p *Process) callProtected(th *Thread, f *GoFunction, fn, nargs, nres int, mode uint8, aux int) stopReason {
	s := th.stack
	if f.kind == goPcall {
		if nargs < 1 {
			p.argError(th, 1, "value expected")
		}
		th.frames = append(th.frames, Frame{fn: fn, nres: nres, mode: mode, aux: aux, bound: boundPcall})
		return p.callAt(th, fn+1, nargs-1, -1, modeBoundary, 0)
	}
	// xpcall(f, handler): keep the handler at fn+1, call f at fn+2
	if nargs < 2 {
		p.argError(th, 2, "value expected")
	}
	th.ensure(fn + 4)
	s = th.stack
	fv, h := s[fn+1], s[fn+2]
	s[fn+1], s[fn+2] = h, fv
	th.frames = append(th.frames, Frame{fn: fn, nres: nres, mode: mode, aux: aux, bound: boundXpcall})
	return p.callAt(th, fn+2, 0, -1, modeBoundary, 0)
}

// unwindTo drops the frames above index b, closing their upvalues.
func (p *Process) unwindTo(th *Thread, b int) {
	th.closeUpvals(th.frames[b].fn + 1)
	th.frames = th.frames[:b+1]
}

// ---- coroutines

func (p *Process) resume(th *Thread, f *GoFunction, fn, nargs, nres int, mode uint8, aux int) stopReason {
	s := th.stack
	var co *Thread
	first := fn + 1
	if f.kind == goWrap {
		co = f.co
	} else {
		if nargs >= 1 {
			co, _ = s[fn+1].o.(*Thread)
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
		p.deliverResults(th, fn, 2, fn, nres, mode, aux)
		return stopNone
	}
	args := s[first : first+nargs] // moved straight to co's stack
	th.wait = waitSite{fn: fn, nres: nres, mode: mode, aux: aux, wrap: f.kind == goWrap}
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
		return p.callAt(co, 0, nargs, -1, modeCoBottom, 0)
	}
	w := co.wait
	co.ensure(w.fn + nargs + 1)
	copyValues(co.stack[w.fn:], args)
	p.deliverResults(co, w.fn, nargs, w.fn, w.nres, w.mode, w.aux)
	return stopNone
}

// switchBack returns control from coroutine co to its resumer with vals
// (a view of co's stack, copied straight to the resumer's).
func (p *Process) switchBack(co *Thread, vals []Value, ok bool) {
	r := co.resumer
	co.resumer = nil
	r.status = coRunning
	p.cur = r
	w := r.wait
	if w.wrap && !ok {
		panic(&Error{Value: vals[0]})
	}
	r.ensure(w.fn + len(vals) + 2)
	dst, n := w.fn, len(vals)
	if !w.wrap {
		r.stack[dst] = Bool(ok)
		dst++
		n++
	}
	copyValues(r.stack[dst:], vals)
	p.deliverResults(r, w.fn, n, w.fn, w.nres, w.mode, w.aux)
}

func (p *Process) yield(th *Thread, fn, nargs, nres int, mode uint8, aux int) stopReason {
	if th.resumer == nil || th.nny > 0 {
		p.rtError(th, "attempt to yield across metamethod/C-call boundary")
	}
	vals := th.stack[fn+1 : fn+1+nargs]
	th.wait = waitSite{fn: fn, nres: nres, mode: mode, aux: aux}
	th.status = coSuspended
	p.switchBack(th, vals, true)
	return stopNone
}

func (p *Process) mbYield(th *Thread, fn, nargs, nres int, mode uint8, aux int) stopReason {
	if th.nny > 0 || p.nested > 0 {
		p.rtError(th, "attempt to yield across metamethod/C-call boundary")
	}
	p.yieldv = append([]Value(nil), th.stack[fn+1:fn+1+nargs]...)
	th.wait = waitSite{fn: fn, nres: nres, mode: mode, aux: aux}
	p.yieldTh = th
	p.yieldBy, _ = th.stack[fn].o.(*GoFunction)
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
	if cl, ok := f.o.(*Closure); ok {
		p.pushLua(t, cl, fn, len(args), -1, modeNested, 0)
	} else {
		p.callAt(t, fn, len(args), -1, modeNested, 0)
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
			p.rtError(t, "attempt to yield across metamethod/C-call boundary")
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
	if e.Value.o == nil {
		return "nil"
	}
	return fmt.Sprintf("(error object is a %s value)", e.Value.TypeName())
}

// where returns "source:line:" for the Lua function at level (1: the
// function running on top, for builtins the one that called them).
func (p *Process) where(th *Thread, level int) string {
	i := len(th.frames) - level
	if n := len(th.frames); n > 0 && th.frames[n-1].bound == boundCont {
		i-- // the top frame is the running builtin itself
	}
	if i < 0 || i >= len(th.frames) {
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
	if pc >= len(ip.Lines) {
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
	t.p.raised = &Error{Value: v}
	return raisedError
}

// raisedError is what a builtin returns after Raise.
const raisedError = -1

// takeRaised turns a builtin's Raise into a panic, for callers that are
// not the interpreter loop.
func (p *Process) takeRaised() *Error {
	e := p.raised
	p.raised = nil
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
			if pc := fr.pc - 1; pc >= 0 && pc < len(ip.Code) {
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
retry:
	for {
		th := p.cur
		th.goCall = nil
		low := 0
		if th == p.nestTh {
			low = p.nestAt
		}
		if e.Fatal {
			low = len(th.frames) // no boundary catches a limit
		}
		for i := len(th.frames) - 1; i >= low; i-- {
			fr := &th.frames[i]
			switch fr.bound {
			case boundPcall, boundXpcallHandling:
				if fr.bound == boundXpcallHandling {
					// the message handler itself failed (lua5.1's LUA_ERRERR)
					e = &Error{Value: String("error in error handling")}
				}
				p.unwindTo(th, i)
				b := th.frames[i]
				th.frames = th.frames[:i]
				th.ensure(b.fn + 2)
				th.stack[b.fn] = False
				th.stack[b.fn+1] = e.Value
				p.deliverResults(th, b.fn, 2, b.fn, b.nres, b.mode, b.aux)
				return nil
			case boundXpcall:
				// call the handler where the error happened
				fr.bound = boundXpcallHandling
				top := th.top
				if last := &th.frames[len(th.frames)-1]; last.cl != nil {
					if t := last.base + last.cl.P.IR.MaxStack; t > top {
						top = t
					}
				}
				th.ensure(top + 3)
				th.stack[top] = th.stack[fr.fn+1]
				th.stack[top+1] = e.Value
				th.top = top + 2
				func() {
					defer func() {
						if x := recover(); x != nil {
							if le, ok := x.(*Error); ok {
								e = le
								return
							}
							panic(x)
						}
					}()
					p.callAt(th, top, 1, 1, modeHandler, i)
					e = nil
				}()
				if e == nil {
					return nil
				}
				continue retry // the handler failed: this boundary answers
			}
		}
		if th == p.nestTh {
			if len(th.frames) > p.nestAt {
				th.closeUpvals(th.frames[p.nestAt].fn)
				th.frames = th.frames[:p.nestAt]
			}
			return e
		}
		if th != p.Main && th.resumer != nil && e.Fatal {
			// a limit hit inside a coroutine ends the whole process
			th.status = coDead
			r := th.resumer
			th.resumer = nil
			r.status = coRunning
			p.cur = r
			continue
		}
		if th != p.Main && th.resumer != nil {
			th.closeUpvals(0)
			th.frames = th.frames[:0]
			th.status = coDead
			r := th.resumer
			if r.wait.wrap {
				if s, ok := e.Value.o.(string); ok {
					e = &Error{Value: String(p.where(r, 1) + s)}
				}
				th.resumer = nil
				r.status = coRunning
				p.cur = r
				inC = true // the error comes out of the wrap function
				continue
			}
			ok := func() (ok bool) {
				defer func() {
					if x := recover(); x != nil {
						if le, isErr := x.(*Error); isErr {
							e = le
							return
						}
						panic(x)
					}
				}()
				p.switchBack(th, []Value{e.Value}, false)
				return true
			}()
			if ok {
				return nil
			}
			continue
		}
		if e.Traceback == "" {
			e.Traceback = p.traceback(th, inC)
		}
		return e
	}
}
