package runtime

import (
	"fmt"
	"math"
)

// Continuation is the state of a builtin that calls back into Lua without
// nesting the interpreter loop (invariant 3: such a builtin is a resumable
// state machine). The builtin's frame holds it; the Lua functions it calls
// run as ordinary frames, so they may yield, be stopped by the step budget,
// or raise errors like any other call.
type Continuation interface {
	// Step advances the builtin. r is the first result of the call it
	// asked for last (Nil on the first step). It returns n = Call to ask
	// for a call of fn (any value: calling a nil one is the caller's
	// error) with args, or n >= 0 when it has finished, having pushed its
	// n results with Thread.Push.
	Step(t *Thread, r Value) (fn Value, args []Value, n int)
	// Freeze returns the state as plain values, for a continuation; the
	// builtin's thaw function (NewResumable) rebuilds it.
	Freeze() []Value
}

// Call is what Continuation.Step returns for n to ask for a call.
const Call = -1

// NewResumable makes a builtin whose calls into Lua do not nest: start
// checks the arguments and returns the state machine, or nil when the
// call is done already, its results pushed (Thread.Push; a sort of
// numbers, a gsub that finds no match: no frame, nothing allocated for
// it); thaw rebuilds one from what its Freeze returned (it must check
// every value: the state may come from untrusted bytes).
func NewResumable(name string, start func(t *Thread, args []Value) Continuation, thaw func(state []Value) (Continuation, error)) *GoFunction {
	return &GoFunction{Name: name, kind: goCont, start: start, thaw: thaw}
}

// startCont pushes the frame of a resumable builtin and runs its first step.
func (p *Process) startCont(th *Thread, f *GoFunction, nargs int, d Dest) stopReason {
	saved := th.goCall
	th.goCall = f
	top := th.top
	k := f.start(th, th.stack[d.Fn+1:][:nargs])
	th.goCall = saved
	if k == nil { // done: its results pushed
		p.deliverResults(th, top, th.top-top, d)
		return stopNone
	}
	fr := th.pushFrame()
	fr.Dest, fr.k, fr.gofn, fr.bound = d, k, f, boundCont
	return p.contStep(th, len(th.frames)-1, Nil)
}

// contStep runs the builtin whose frame is th.frames[idx] (the top) until
// it asks for a Lua call (a frame is pushed; its return comes back here
// through modeCont) or finishes.
func (p *Process) contStep(th *Thread, idx int, r Value) stopReason {
	for {
		fr := &th.frames[idx]
		th.top = int(fr.Fn + 1)
		fn, args, n := fr.k.Step(th, r)
		fr = &th.frames[idx]
		if n != Call {
			b := *fr
			th.frames = th.frames[:idx]
			p.deliverResults(th, th.top-n, n, b.Dest)
			return stopNone
		}
		base := th.top
		th.ensure(base + len(args) + 2)
		s := th.stack
		s[base] = fn
		for i, a := range args {
			s[base+1+i] = a
		}
		th.top = base + 1 + len(args)
		switch f := fn.ref().(type) {
		case *Closure:
			p.pushLua(th, f, len(args), Dest{Fn: int32(base), NRes: 1, Mode: modeCont, Aux: int32(idx)})
			return stopNone
		case *GoFunction:
			if f.kind == goPlain {
				saved := th.goCall
				th.goCall = f
				k := f.Fn(th, th.stack[base+1:base+1+len(args)])
				if k == raisedError {
					panic(p.takeRaised())
				}
				th.goCall = saved
				r = Nil
				if k > 0 {
					r = th.stack[th.top-k]
				}
				continue
			}
		}
		return p.callAt(th, len(args), Dest{Fn: int32(base), NRes: 1, Mode: modeCont, Aux: int32(idx)})
	}
}

// StateReader reads back what a Continuation's Freeze returned, checking
// each value: thaw functions use it, since the state may come from
// untrusted bytes. The first failure sticks; Err reports it.
type StateReader struct {
	vals []Value
	i    int
	err  error
}

// ReadState starts reading vals, which must hold at least n values.
func ReadState(vals []Value, n int) *StateReader {
	r := &StateReader{vals: vals}
	if len(vals) < n {
		r.err = fmt.Errorf("state has %d values, wants %d", len(vals), n)
	}
	return r
}

func (r *StateReader) next() Value {
	if r.err != nil || r.i >= len(r.vals) {
		if r.err == nil {
			r.err = fmt.Errorf("state too short")
		}
		return Nil
	}
	v := r.vals[r.i]
	r.i++
	return v
}

func (r *StateReader) fail(what string, v Value) {
	if r.err == nil {
		r.err = fmt.Errorf("state value %d: %s expected, got %s", r.i, what, v.TypeName())
	}
}

// Value reads any value.
func (r *StateReader) Value() Value { return r.next() }

// Int reads an integer in [lo, hi].
func (r *StateReader) Int(lo, hi int) int {
	v := r.next()
	if !isNum(&v) || v.n != math.Trunc(v.n) || v.n < float64(lo) || v.n > float64(hi) {
		r.fail(fmt.Sprintf("integer in [%d, %d]", lo, hi), v)
		return lo
	}
	return int(v.n)
}

// Bool reads a boolean.
func (r *StateReader) Bool() bool {
	v := r.next()
	if !v.isBool() {
		r.fail("boolean", v)
	}
	return v.Truthy()
}

// Str reads a string.
func (r *StateReader) Str() string {
	v := r.next()
	s, ok := v.Str()
	if !ok {
		r.fail("string", v)
	}
	return s
}

// Table reads a table.
func (r *StateReader) Table() *Table {
	v := r.next()
	t, ok := v.asTable()
	if !ok {
		r.fail("table", v)
		return NewTable(0, 0)
	}
	return t
}

// Rest returns the values not read yet.
func (r *StateReader) Rest() []Value {
	if r.err != nil || r.i > len(r.vals) {
		return nil
	}
	rest := r.vals[r.i:]
	r.i = len(r.vals)
	return rest
}

// Err returns the first failure.
func (r *StateReader) Err() error { return r.err }

// Builtin returns the builtin running on t (for GoFunction.State).
func (t *Thread) Builtin() *GoFunction { return t.goCall }
