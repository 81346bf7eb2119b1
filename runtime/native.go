package runtime

import (
	"crypto/sha256"
	"sync"
	"unsafe"

	"github.com/mobilua/mobilua/ir"
)

// Compiled code (package transpile/gogen writes it; `mobilua compile`)
// runs the instructions of a Lua function as Go, with the interpreter's
// frame layout: the same registers, constants and pcs. It is an
// accelerator, not a second engine: the common case of each instruction
// is inline, the others go through the interpreter's own slow paths
// (NativeFrame's methods below: Arith, Compare, Concat, Index, SetIndex,
// Closure, Vararg, SetList, ...), and what it cannot finish (an error,
// the end of the step budget, a value with __call) is left to the
// interpreter at that very pc. So a process can stop, be
// frozen and thawed anywhere, with or without compiled code on either
// side.
//
// How they meet: when a chunk whose source and code match a registered
// CompiledChunk is loaded, the packed code of each compiled function gets
// opNative at every pc its compiled code enters at. The interpreter, on
// opNative, calls the compiled function with that pc (runNative); it
// returns the pc of the first instruction it leaves to the interpreter,
// which runs the original instruction there when it is the one it was
// called for. Calls and returns between Lua functions are the
// interpreter's own (NativeFrame.Call, TailCall and Return push and pop
// its frames, never the Go stack; a metamethod is called the same way,
// and pcall and coroutine switches are the runtime's): compiled code
// returns NativeReload after one, and runNative goes on with the frame
// then on top of the current thread, straight into its compiled code when
// it enters there (the pc after a call, or after arithmetic or a
// comparison that may call a metamethod, always does).

// opNative marks a pc where compiled code takes over (never in ir.Proto).
const opNative = ir.NumOps

// NativeFrame is what compiled code sees of the process it runs in; the
// function's closure and its frame's base come as arguments.
type NativeFrame struct {
	Steps *int64 // the step budget: compiled code decrements it at backward jumps
	p     *Process
	// smt is p.StringMeta, for StrLib; set when compiled code is
	// entered and by whatever sets p.StringMeta (setStringMeta)
	smt *Table
	// inlined counts the calls compiled code ran inline (Inline)
	inlined int64
}

// Registers are a frame's registers as compiled code sees them: as an
// array, so that indexing one by a constant needs no bounds check.
// Only the first maxStack+1 are the frame's (the stack always has room
// for them past base, see pushLua, and a thawed frame is checked for it):
// compiled code indexes no others (gogen leaves an instruction that would
// to the interpreter).
type Registers [256]Value

// Regs returns the registers of the frame at base: Regs(base)[i] is
// register i. A call may move them (the stack grows): compiled code asks
// again after one.
func (f *NativeFrame) Regs(base int) *Registers {
	return (*Registers)(unsafe.Pointer(&f.p.cur.stack[base]))
}

// NativeFunc is the compiled code of one Lua function: it runs the frame
// of cl at base from pc, and returns the pc of the first instruction it
// leaves to the interpreter, or NativeReload or NativeUnwound. It reads
// cl's constants (cl.P.K), upvalues, environment and inline caches
// (cl.P.IC, see Table.GetStrHint).
type NativeFunc func(f *NativeFrame, cl *Closure, base, pc int) int

// runNative runs compiled code from pc at in cl's frame at base, and
// goes on from one compiled function to the next through the calls and
// returns between them. It returns the pc where the interpreter goes on
// in the frame then on top, and the pc compiled code was last entered at
// (when they are equal, the interpreter runs that instruction itself);
// or NativeUnwound.
func (p *Process) runNative(th *Thread, cl *Closure, at, base int) (npc, entry int) {
	nf := &p.nf
	if nf.p != p {
		nf.p, nf.Steps = p, &p.steps
	}
	p.nativeEntries++
	nf.smt = p.StringMeta
	native := *cl.P.native.Load() // (entered at opNative: there is code)
	for {
		npc := native(nf, cl, base, at)
		if npc != NativeReload {
			return npc, at
		}
		th = p.cur // a coroutine may have been resumed, or have yielded
		fr := &th.frames[len(th.frames)-1]
		cl, base, at = fr.cl, int(fr.base), int(fr.pc)
		// a compiled function called where it does not enter (after an
		// __index function, say) returns at at once, and the interpreter
		// runs that instruction: cheaper, on calls and returns, than
		// looking for opNative at every reload
		np := cl.P.native.Load()
		if np == nil {
			return at, -1
		}
		native = *np
	}
}

// What NativeFrame.Call returns, and compiled code returns in turn
// unless it is NativeContinue.
const (
	// NativeReload: the frame on top changed (a Lua function was called,
	// or returned): the interpreter goes on with that frame, at its pc.
	NativeReload = -1
	// NativeUnwound: an error unwound the stack to a pcall: the
	// interpreter starts again from the thread and frame on top.
	NativeUnwound = -2
	// NativeContinue: the call is done, its results are in place (a
	// builtin ran); compiled code goes on with the next instruction.
	NativeContinue = -3
)

// NativeJump - pc, returned by a part of a compiled function split into
// parts (a long one: see package gogen), says to go on at pc, in another
// part (joinParts calls it).
const NativeJump = -1 << 20

// joinParts makes one NativeFunc of a function's parts: first, for the
// pcs up to the second part's start, and the others. A part returns
// NativeJump - pc to go on in another; jumps between parts go forward
// only (loops are never cut), so this loop ends.
func joinParts(first NativeFunc, parts []NativePart, n int) NativeFunc {
	byPC := make([]NativeFunc, n+1)
	for pc := range byPC {
		byPC[pc] = first
		for _, part := range parts {
			if int(part.Start) <= pc && part.Func != nil {
				byPC[pc] = part.Func
			}
		}
	}
	return func(f *NativeFrame, cl *Closure, base, pc int) int {
		for {
			x := byPC[pc](f, cl, base, pc)
			if x > NativeJump {
				return x
			}
			pc = NativeJump - x
		}
	}
}

// Call runs the instruction CALL a b c at pc for compiled code, as the
// interpreter would: a Lua function gets its frame (NativeReload); a
// plain builtin runs now (NativeContinue: the registers may have moved,
// see Regs; or NativeUnwound when it raised an error that a pcall
// caught); other builtins (pcall, coroutines, resumable ones) are called
// as the interpreter's CALL calls them (NativeUnwound: the interpreter
// goes on with whatever frame and thread are then on top). The end of
// the step budget, a value with __call and a value that cannot be called
// are left to the interpreter before anything is done: Call returns pc.
func (f *NativeFrame) Call(base, pc, a, b, c int) int {
	p := f.p
	if p.steps <= 0 {
		return pc // the interpreter counts the step and may end the slice
	}
	th := p.cur
	ra := base + a
	nargs := b - 1
	if b == 0 {
		nargs = th.top - ra - 1
	}
	callee := th.stack[ra]
	if fn, ok := callee.asClosure(); ok {
		p.steps--
		th.frames[len(th.frames)-1].pc = int32(pc + 1)
		if d := (Dest{Fn: int32(ra), NRes: int32(c - 1)}); !p.pushFast(th, fn, nargs, d) {
			p.pushLua(th, fn, nargs, d)
		}
		return NativeReload
	}
	if fn, ok := callee.asGoFunction(); ok {
		p.steps--
		topFrame(th).pc = int32(pc + 1)
		if fn.kind != goPlain {
			// pcall, coroutines, resumable builtins: what the
			// interpreter's CALL does; compiled code goes on with the
			// frame then on top (maybe another thread's) when it can
			if p.nativeStop = p.callGo(th, fn, nargs, Dest{Fn: int32(ra), NRes: int32(c - 1)}); p.nativeStop == stopNone && !p.cur.hook.trapping() {
				return f.afterMeta()
			}
			return NativeUnwound
		}
		// (a builtin that set a hook: the interpreter goes on, trapped)
		if p.callPlain(th, fn, ra, nargs, c-1) || th.hook.trapping() {
			return NativeUnwound
		}
		return NativeContinue
	}
	// a value with __call, or an error: the interpreter's CALL
	return pc
}

// Inline returns the closure v holds, and n, when it is one of function
// n of cl's chunk (Chunk.Protos order, which compiled code is entered
// after) for a bit n of mask (n < 64), whose body compiled code runs at a
// call instead of calling it (see package gogen), and takes the call's
// step; nil when it is not, or when the budget is used up: compiled code
// makes the call.
func (f *NativeFrame) Inline(v Value, cl *Closure, mask uint64) (*Closure, int) {
	g, ok := v.asClosure()
	if !ok || mask>>uint(g.P.index)&1 == 0 || g.P.Chunk != cl.P.Chunk || *f.Steps <= 0 {
		return nil, 0
	}
	*f.Steps--
	f.inlined++
	return g, g.P.index
}

// NewTableInline is NEWTABLE narr nhash in a function's body that
// compiled code runs at its call (see package gogen): ok is false, and
// nothing is charged, when charging the table would check the memory
// limit (the call is then made, and the function's own NEWTABLE checks
// it, in its frame, where an error belongs).
func (f *NativeFrame) NewTableInline(narr, nhash int) (v Value, ok bool) {
	p := f.p
	t := NewTable(narr, nhash)
	n := t.madeBytes()
	if p.allocSince+n > p.memNext {
		return Nil, false
	}
	p.allocSince += n
	t.owner = p
	t.opSizes(narr, nhash)
	return TableValue(t), true
}

// SetMetatableInline is a call setmetatable(t, mt) in a function's body
// that compiled code runs at its call, where t is a table the body made
// (no metatable, seen by nobody): when fn is the base library's
// setmetatable and mt a table or nil, it sets t's metatable as the
// builtin does and reports true; else it does nothing (the call is made,
// with the builtin's errors). It runs within the step Inline took for the
// call of the body, as the rest of the body does: with a step of its own,
// a slice of one step would give up there at every try.
func (f *NativeFrame) SetMetatableInline(fn, t, mt Value) bool {
	g, ok := fn.asGoFunction()
	if !ok || g.known != knownSetmetatable {
		return false
	}
	tt, ok := t.asTable()
	if !ok || tt.meta != nil {
		return false
	}
	m, ok := mt.asTable()
	if !ok && mt.p != nil {
		return false
	}
	tt.meta = m
	f.p.noteMeta(m)
	return true
}

// ReturnOne is RETURN a 0 (pc) after a TAILCALL a whose function compiled
// code ran at the call, with one result, in register a.
func (f *NativeFrame) ReturnOne(base, pc, a int) int {
	f.SetTop(base + a + 1) // (for the interpreter, if the return is left to it)
	return f.Return(base, pc, a, 2)
}

// SetTop marks the values on the stack up to top (an absolute index, one
// past the last) as the results of a call that compiled code ran inline
// (CALL a b 0: the next instruction takes them all).
func (f *NativeFrame) SetTop(top int) { f.p.cur.top = top }

// ComparePlain is comparison op (ir.EQ, ir.LT, ir.LE) of a and b where no
// metamethod can take part, as the runtime's compare decides it: numbers
// and strings ordered, equality of a number or a boolean, of a value with
// itself, of values of two types; ok is false for the others (compiled
// code makes the call that compares).
func ComparePlain(a, b Value, op ir.Op) (res, ok bool) {
	if isNum(&a) && isNum(&b) {
		return compareNumbers(op, a.n, b.n), true
	}
	if op == ir.EQ {
		switch {
		case isNum(&a) || a.isBool() || isNum(&b) || b.isBool():
			return RawEqual(a, b), true
		case a.is(kString): // (no __eq for strings)
			return eqString(&b, &a), true
		case a.p == b.p:
			return true, true
		case a.Type() != b.Type():
			return false, true
		}
		return false, false
	}
	as, ok1 := a.Str()
	bs, ok2 := b.Str()
	if !ok1 || !ok2 {
		return false, false
	}
	if op == ir.LT {
		return as < bs, true
	}
	return as <= bs, true
}

// NativeSkip: Compare's outcome skips the next instruction (the JMP).
const NativeSkip = -4

// Arith runs the arithmetic instruction at pc (ADD … POW, UNM) for
// compiled code when an operand is not a number, as the interpreter
// does: strings are converted (NativeContinue: the result is in place;
// the registers may have moved), or a metamethod is called (NativeReload
// when it is a Lua function: compiled code goes on at pc+1 when it
// returns; NativeUnwound for a builtin). Errors are raised as there.
func (f *NativeFrame) Arith(base, pc int) int {
	p, th, cl, in := f.slowPath(pc)
	b := rk(th.stack, base, cl, in.B)
	c := b
	if in.Op != ir.UNM {
		c = rk(th.stack, base, cl, in.C)
	}
	if p.arith(th, in.Op, b, c, base+int(in.A), in) {
		return f.afterMeta()
	}
	return NativeContinue
}

// Deopt is where compiled code that relies on what the tests of its
// arithmetic's operands found out is entered at pc and finds a register
// not holding the number it expects (the interpreter ran the code before,
// and went on after an instruction with an operand that was not a number,
// where compiled code would have left): the function's plain code, which
// does not rely on that, replaces it for good and runs from pc. (It is
// called once per function, one Go call deep.)
func (f *NativeFrame) Deopt(cl *Closure, base, pc int) int {
	fp := cl.P
	if fp.plain == nil {
		return pc
	}
	if cur := fp.native.Load(); cur != fp.plain && fp.native.CompareAndSwap(cur, fp.plain) {
		f.p.deopts++ // (else another process sharing the chunk changed it)
	}
	return (*fp.plain)(f, cl, base, pc)
}

// ArithOut is Arith for compiled code that does not go on after the
// instruction when its operands were not numbers (it knows, after it, that
// they are): it returns NativeReload when Arith would have it go on, and
// the runtime goes on with the frame at pc+1 (in compiled code if it is
// entered there, else in the interpreter up to the next entry).
func (f *NativeFrame) ArithOut(base, pc int) int {
	if z := f.Arith(base, pc); z != NativeContinue {
		return z
	}
	return NativeReload
}

// Compare runs the comparison at pc (EQ, LT, LE) for compiled code when
// its operands are not two numbers, as the interpreter does: it returns
// NativeSkip or NativeContinue for the outcome, or NativeReload or
// NativeUnwound when a metamethod was called (as Arith).
func (f *NativeFrame) Compare(base, pc int) int {
	p, th, cl, in := f.slowPath(pc)
	skip, pushed := p.compareSkip(th, in.Op, rk(th.stack, base, cl, in.B), rk(th.stack, base, cl, in.C), in.A)
	if pushed {
		return f.afterMeta()
	}
	if skip {
		return NativeSkip
	}
	return NativeContinue
}

// Index runs GETTABLE, SELF or GETGLOBAL at pc for compiled code when its
// fast path (a table's own field, or one up a chain of __index tables)
// found nothing, as the interpreter does: a string's methods, an __index
// function or table of any value, the errors. Compiled code returns what
// it returns: NativeReload, for the frame goes on at pc+1 once the value
// is there (now, or when an __index function called returns), or
// NativeUnwound (as Arith). The fast path stays short: a slow one leaves
// the compiled function, and runNative enters compiled code again at pc+1
// when it is an entry (else the interpreter runs to the next one).
func (f *NativeFrame) Index(base, pc int) int {
	p, th, cl, in := f.slowPath(pc)
	if z := f.index(p, th, cl, in, base); z != NativeContinue {
		return z
	}
	return NativeReload
}

// Self is Index for SELF on a value that is not a table (a string's
// methods, mostly): it returns NativeContinue when the method is in
// place without a call (the registers have not moved), and compiled
// code goes on with the call; else what Index returns.
func (f *NativeFrame) Self(base, pc int) int {
	p, th, cl, in := f.slowPath(pc)
	x := th.stack[base+int(in.B)]
	if v, ok := p.stringMethod(x, cl.P.K[^in.C], &cl.P.IC[pc]); ok {
		ra := base + int(in.A)
		th.stack[ra+1] = x
		th.stack[ra] = v
		return NativeContinue
	}
	return f.index(p, th, cl, in, base)
}

// StrLib is the first step of Self's common case, small enough for the
// Go compiler to inline into compiled code: when x is a string, the
// table its metatable's __index was last found to be (the string
// library, mostly), where compiled code looks for the method by the
// instruction's inline cache (FieldHit). Otherwise, or when that lookup
// is no longer valid, an empty table: FieldHit misses, and Self does the
// rest.
func (f *NativeFrame) StrLib(x Value) *Table {
	if m := f.smt; m != nil && m.mc != nil && m.mc.has&(1<<evIndex) != 0 && m.mc.pos[evIndex] >= 0 {
		if _, ok := x.Str(); ok {
			if lib, ok := m.entries[m.mc.pos[evIndex]].v.asTable(); ok {
				return lib
			}
		}
	}
	return &noFields
}

// noFields is StrLib's empty table: never written.
var noFields Table

// setStringMeta sets the metatable of strings.
func (p *Process) setStringMeta(m *Table) {
	p.StringMeta = m
	p.nf.smt = m
}

// stringMethod is SELF's common case on a value that is not a table: x
// is a string, its metatable's __index the string library's table, and
// key a function there (found by the instruction's inline cache).
func (p *Process) stringMethod(x, key Value, hint *int32) (Value, bool) {
	if _, ok := x.Str(); !ok || p.StringMeta == nil {
		return Value{}, false
	}
	lib, ok := p.StringMeta.metaIndex().asTable()
	if !ok {
		return Value{}, false
	}
	if v, ok := lib.FieldHit(key, hint); ok {
		return v, true
	}
	return lib.GetField(key, hint)
}

// index is Index and Self's slow path: the instruction in, at the frame
// on top (slowPath), as the interpreter runs it.
func (f *NativeFrame) index(p *Process, th *Thread, cl *Closure, in ir.Instr, base int) int {
	ra := base + int(in.A)
	var t, key Value
	reg := int(in.B)
	switch in.Op {
	case ir.GETGLOBAL: // B is a constant's index, not a register
		t, key, reg = TableValue(cl.Env), cl.P.K[in.B], -1
	case ir.SELF:
		t, key = th.stack[base+reg], cl.P.K[^in.C]
		th.stack[ra+1] = t
	default:
		t, key = th.stack[base+reg], rk(th.stack, base, cl, in.C)
	}
	if p.index(th, t, key, ra, reg) {
		return f.afterMeta()
	}
	return NativeContinue
}

// SetIndex runs SETTABLE or SETGLOBAL at pc for compiled code when its
// fast path could not (a value that is not a table, __newindex, a nil or
// NaN key), as the interpreter does; it returns what Index returns.
func (f *NativeFrame) SetIndex(base, pc int) int {
	p, th, cl, in := f.slowPath(pc)
	var t, key, val Value
	reg := int(in.A)
	if in.Op == ir.SETGLOBAL {
		t, key, val, reg = TableValue(cl.Env), cl.P.K[in.B], th.stack[base+int(in.A)], -1
	} else {
		t, key, val = th.stack[base+int(in.A)], rk(th.stack, base, cl, in.B), rk(th.stack, base, cl, in.C)
	}
	if p.setIndex(th, t, key, val, reg) {
		return f.afterMeta()
	}
	return NativeReload
}

// slowPath prepares the slow path of the instruction at pc as the
// interpreter's: the frame's pc is saved (errors name its line).
func (f *NativeFrame) slowPath(pc int) (*Process, *Thread, *Closure, ir.Instr) {
	th := f.p.cur
	fr := topFrame(th)
	fr.pc = int32(pc + 1)
	return f.p, th, fr.cl, fr.cl.P.IR.Code[pc]
}

// afterMeta says how compiled code goes on once a metamethod was called:
// in the metamethod's compiled code or its caller's (NativeReload), or
// through the interpreter when a builtin left anything else on top.
func (f *NativeFrame) afterMeta() int {
	th := f.p.cur
	if !f.p.nestStop && len(th.frames) > 0 && th.frames[len(th.frames)-1].cl != nil {
		return NativeReload
	}
	return NativeUnwound
}

// TailCall runs TAILCALL a b at pc for compiled code, as the interpreter
// does: a Lua function replaces the frame (NativeReload); anything else is
// called as CALL a b 0 calls it (see Call), and compiled code goes on with
// the RETURN after it.
func (f *NativeFrame) TailCall(base, pc, a, b int) int {
	p := f.p
	th := p.cur
	ra := base + a
	fn, ok := th.stack[ra].asClosure()
	if !ok {
		return f.Call(base, pc, a, b, 0)
	}
	if p.steps <= 0 {
		return pc // the interpreter counts the step and may end the slice
	}
	p.steps--
	nargs := b - 1
	if b == 0 {
		nargs = th.top - ra - 1
	}
	p.tailCallLua(th, fn, base, ra, nargs)
	return NativeReload
}

// NewTable runs NEWTABLE for compiled code: a table the process is
// charged for.
func (f *NativeFrame) NewTable(narr, nhash int) Value { return TableValue(f.p.newTableOp(narr, nhash)) }

// Closure runs CLOSURE for compiled code: a closure of cl's proto idx
// over the frame at base.
func (f *NativeFrame) Closure(cl *Closure, base, idx int) Value {
	return ClosureValue(f.p.cur.newClosure(cl, base, idx))
}

// Close runs CLOSE: the upvalues open at or above register ra (an
// absolute stack index) are closed.
func (f *NativeFrame) Close(ra int) { f.p.cur.closeUpvals(ra) }

// SetList runs SETLIST a b c for compiled code.
func (f *NativeFrame) SetList(base, a, b, c int) { f.p.cur.setList(base+a, b, c) }

// Vararg runs VARARG a b at pc for compiled code (b 0: the stack may
// grow; compiled code asks for its registers again).
func (f *NativeFrame) Vararg(base, pc, a, b int) {
	th := f.p.cur
	topFrame(th).pc = int32(pc + 1)
	th.vararg(base+a, base, b)
}

// Concat runs CONCAT at pc for compiled code, as the interpreter does:
// NativeContinue when the strings and numbers are joined; a __concat
// metamethod is called as Arith calls one, and the interpreter then runs
// the rest of the instruction.
func (f *NativeFrame) Concat(base, pc int) int {
	p, th, _, in := f.slowPath(pc)
	if p.concat(th, topFrame(th), in) {
		return f.afterMeta()
	}
	return NativeContinue
}

// Return runs RETURN a b at pc for compiled code when the function was
// called by a Lua function, a metamethod call of one, pcall called by one,
// a resumable builtin (table.sort's comparator: the builtin takes its next
// step at once) or a coroutine's body, and returns NativeReload; or
// NativeUnwound when the builtin's step ended the process or a nested
// call (the interpreter's reload sees to it). It returns pc, and does
// nothing, in the other cases: the interpreter delivers the results.
func (f *NativeFrame) Return(base, pc, a, b int) int {
	th := f.p.cur
	nf := len(th.frames)
	ret := &th.frames[nf-1]
	if ret.Mode != modeNormal || nf < 2 || b == 0 || len(th.open) > 0 && th.open[len(th.open)-1].idx >= base {
		return f.returnSlow(base, pc, a, b)
	}
	ra := base + a
	th.frames = th.frames[:nf-1]
	switch nres := ret.NRes; {
	case nres == 1 && b >= 2:
		th.stack[ret.Fn] = th.stack[ra] // the common cases, inline
	case nres == 0:
	default:
		th.moveResults(int(ret.Fn), ra, b-1, int(nres))
	}
	return NativeReload
}

func (f *NativeFrame) returnSlow(base, pc, a, b int) int {
	p := f.p
	th := p.cur
	ret := topFrame(th)
	mode := ret.Mode
	if mode == modeCont {
		// a resumable builtin's call: its next step, with the first result
		// (deliverResults' modeCont, without the trip through it)
		var first Value
		if ra := base + a; b >= 2 || b == 0 && th.top > ra {
			first = th.stack[ra]
		}
		if len(th.open) > 0 {
			th.closeUpvals(base)
		}
		th.frames = th.frames[:len(th.frames)-1]
		p.contStep(th, int(ret.Aux), first)
		if p.nestStop || len(p.cur.frames) == 0 {
			return NativeUnwound // the builtin finished the process or a nested call
		}
		return NativeReload
	}
	switch {
	case mode == modeNormal:
	case mode == modeReg || mode == modeCond || mode == modeDiscard || mode == modeConcat || mode == modeCoBottom:
	case mode == modeBoundary && len(th.frames) >= 2 && th.frames[len(th.frames)-2].Mode == modeNormal:
	default:
		return pc
	}
	if len(th.frames) < 2 && mode != modeCoBottom {
		return pc
	}
	ra := base + a
	n := b - 1
	if b == 0 {
		n = th.top - ra
	}
	if len(th.open) > 0 {
		th.closeUpvals(base)
	}
	th.frames = th.frames[:len(th.frames)-1]
	if mode == modeNormal {
		th.moveResults(int(ret.Fn), ra, n, int(ret.NRes))
		return NativeReload
	}
	p.deliverResults(th, ra, n, ret.Dest)
	return NativeReload
}

// CompiledChunk is the compiled code of one chunk, registered by the
// generated package's init.
type CompiledChunk struct {
	Name        string   // the chunk name it was compiled under (for messages)
	SourceHash  [32]byte // SHA-256 of the source
	Fingerprint uint64   // Chunk.Fingerprint of the code it was compiled from
	Funcs       []NativeFunc
	Entries     [][]int32 // per function (Chunk.Protos order), the pcs Funcs enter at
	// Parts, for a function whose code is split into parts (nil for the
	// others), are the parts after the first (Funcs), each with the pc it
	// starts at, in order
	Parts [][]NativePart
	// Plain, for a function whose code relies on what the tests of its
	// arithmetic's operands found out (nil for the others, or nil), is its
	// code that does not; it enters at the same Entries, and runs instead
	// once Funcs' finds a register not holding the number it expected (see
	// NativeFrame.Deopt). PlainParts are its parts, as Parts.
	Plain      []NativeFunc
	PlainParts [][]NativePart
	// Pure, for a small pure function (nil for the others, or nil), is
	// its code as a Go function the runtime calls without a frame: a
	// metamethod, table.sort's comparator (see PureFunc).
	Pure []PureFunc
}

// PureFunc runs a small pure Lua function of cl's (see package gogen's
// inline.go: no calls, no stores but to upvalues once nothing can fail,
// no loops, no allocation) on arguments a and b (its parameters past
// them nil), without a frame: it cannot yield, call or fail. It reports
// false, having written nothing, when it cannot finish (an operand that
// is not a number, an absent field, an error): the caller makes the call.
type PureFunc func(cl *Closure, a, b Value) (Value, bool)

// pureOf is fn's PureFunc, or nil (inlined where a call is made: the
// test is all a call of anything else pays).
func pureOf(fn Value) (*Closure, PureFunc) {
	if cl, ok := fn.asClosure(); ok && cl.P.pure != nil {
		return cl, cl.P.pure
	}
	return nil, nil
}

// HasPure reports whether fn is a small pure Lua function with compiled
// code the runtime can run without a frame (CallPure): the test a caller
// makes before it, inlined.
func HasPure(fn Value) bool {
	_, pure := pureOf(fn)
	return pure != nil
}

// callPure runs cl's PureFunc pure on a and b when the budget has a step
// for the call (which it takes).
func (p *Process) callPure(cl *Closure, pure PureFunc, a, b Value) (Value, bool) {
	if p.steps <= 0 || p.cur.hook.trapping() { // (a hook sees every call)
		return Nil, false
	}
	v, ok := pure(cl, a, b)
	if ok {
		p.steps--
		p.nf.inlined++
	}
	return v, ok
}

// CallPure runs fn(a, b) as a call would when fn is a small pure Lua
// function with compiled code (see PureFunc) and reports true; false when
// it did nothing: the caller (a builtin, table.sort) makes the call.
func (t *Thread) CallPure(fn, a, b Value) (Value, bool) {
	if cl, pure := pureOf(fn); pure != nil {
		return t.p.callPure(cl, pure, a, b)
	}
	return Nil, false
}

// NativePart is a part of a compiled function split into parts: its
// code for the pcs from Start up to the next part's.
type NativePart struct {
	Start int32
	Func  NativeFunc
}

var compiled struct {
	sync.RWMutex
	m   map[[32]byte][]*CompiledChunk
	off bool
}

// SetCompiledEnabled turns the use of registered compiled code on or off
// for chunks loaded afterwards (tests use it to run the same program on
// both engines in one binary).
func SetCompiledEnabled(on bool) {
	compiled.Lock()
	defer compiled.Unlock()
	compiled.off = !on
}

// RegisterCompiled makes compiled code available to every chunk loaded
// afterwards with the same source and code.
func RegisterCompiled(c *CompiledChunk) {
	compiled.Lock()
	defer compiled.Unlock()
	if compiled.m == nil {
		compiled.m = map[[32]byte][]*CompiledChunk{}
	}
	compiled.m[c.SourceHash] = append(compiled.m[c.SourceHash], c)
}

// CompiledCount returns how many chunks have compiled code registered.
func CompiledCount() int {
	compiled.RLock()
	defer compiled.RUnlock()
	return len(compiled.m)
}

// attachCompiled gives c the compiled code registered for its source, if
// any matches its code exactly.
func attachCompiled(c *Chunk) {
	compiled.RLock()
	empty := len(compiled.m) == 0 || compiled.off
	compiled.RUnlock()
	if empty {
		return
	}
	sum := sha256.Sum256(c.Source)
	compiled.RLock()
	cands := compiled.m[sum]
	compiled.RUnlock()
	for _, cc := range cands {
		n := len(cc.Funcs)
		if cc.Fingerprint == c.Fingerprint() && n == len(c.Protos()) && len(cc.Entries) == n &&
			(cc.Parts == nil || len(cc.Parts) == n) && (cc.Plain == nil || len(cc.Plain) == n) &&
			(cc.PlainParts == nil || len(cc.PlainParts) == n) {
			c.Native = cc
			for i, fp := range c.Protos() {
				fp.pure = nth(cc.Pure, i)
				fp.attach(cc.Funcs[i], nth(cc.Parts, i), cc.Entries[i], nth(cc.Plain, i), nth(cc.PlainParts, i))
			}
			return
		}
	}
}

// nth is s[i], or the zero value when s is nil (CompiledChunk's optional
// per-function lists).
func nth[T any](s []T, i int) (z T) {
	if s == nil {
		return z
	}
	return s[i]
}

// attach gives fp compiled code fn (in parts, when there are) entered at
// entries, and its plain code (Deopt), when there is.
func (fp *FuncProto) attach(fn NativeFunc, parts []NativePart, entries []int32, plain NativeFunc, plainParts []NativePart) {
	if fn == nil || len(entries) == 0 {
		return
	}
	if len(parts) > 0 {
		fn = joinParts(fn, parts, len(fp.Code))
	}
	if plain != nil {
		if len(plainParts) > 0 {
			plain = joinParts(plain, plainParts, len(fp.Code))
		}
		fp.plain = &plain
	}
	fp.orig = fp.Code
	fp.Code = append([]inst(nil), fp.Code...)
	for _, pc := range entries {
		if pc >= 0 && int(pc) < len(fp.Code) {
			fp.Code[pc] = inst(opNative)
		}
	}
	fp.native.Store(&fn)
}

// Compiled reports whether the function runs compiled code.
func (fp *FuncProto) Compiled() bool { return fp.native.Load() != nil }

// Get returns the upvalue's value (for compiled code).
func (u *Upval) Get() Value { return *u.v }

// Set sets the upvalue's value (for compiled code).
func (u *Upval) Set(v Value) { *u.v = v }

// NativeEntries returns how many times the interpreter handed the process
// to compiled code (which goes on by itself across calls and returns).
func (p *Process) NativeEntries() int64 { return p.nativeEntries }

// NativeDeopts returns how many compiled functions changed to their plain
// code (see NativeFrame.Deopt).
func (p *Process) NativeDeopts() int64 { return p.deopts }

// NativeInlines returns how many calls compiled code ran inline (a small
// function's body at the call, see NativeFrame.Inline) or without a frame
// (PureFunc).
func (p *Process) NativeInlines() int64 { return p.nf.inlined }
