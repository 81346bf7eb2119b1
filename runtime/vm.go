package runtime

import (
	"fmt"
	"math"
	"strings"

	"github.com/mobilua/mobilua/ir"
)

// budgetOut is the out-of-line part of the step counter (the inline part
// is a decrement at each call and backward jump). It reports whether the
// slice's budget has run out; without a limit, or inside a nested call
// that cannot stop, it refills the counter and the step runs.
func (p *Process) budgetOut() bool {
	if (p.gcDue || p.heldSteps > 0) && p.safePoint() {
		return false
	}
	if !p.limited || p.nested > 0 {
		// the step that got here runs: count the window and refill
		p.total += p.sliceStart + 1
		p.checkMaxSteps()
		p.steps = p.window(p.limited && p.nested == 0)
		p.sliceStart = p.steps
		return false
	}
	// out of budget: the step that got here waits for the next slice
	p.total += p.sliceStart
	p.steps, p.sliceStart = 0, 0
	p.checkMaxSteps()
	return true
}

// outOfSteps is the step counter's slow path for the instruction before
// pc: a step limit's error names its line, and when the slice's budget
// has run out the instruction runs again at the next slice.
func (p *Process) outOfSteps(th *Thread, pc int) bool {
	topFrame(th).pc = int32(pc)
	if !p.budgetOut() {
		return false
	}
	topFrame(th).pc = int32(pc - 1)
	if h := th.hook; h != nil && !h.in {
		h.skip = 3 // its events were raised: it runs again without them
	}
	return true
}

func (p *Process) checkMaxSteps() {
	if p.MaxSteps > 0 && p.total >= p.MaxSteps {
		p.steps, p.sliceStart = 0, 0
		msg := fmt.Sprintf("step limit exceeded (%d steps)", p.MaxSteps)
		panic(&Error{Value: String(p.where(p.cur, 1) + msg), Fatal: true})
	}
}

// ChargeSteps counts n steps of work done inside a builtin (which cannot
// stop half way): they count toward the slice and MaxSteps.
func (t *Thread) ChargeSteps(n int64) {
	p := t.p
	p.steps -= n
	if p.steps < 0 && p.heldSteps > 0 { // held for a safe point: held again after
		p.giveHeld()
		defer p.holdSteps()
	}
	if p.steps < 0 {
		p.total += p.sliceStart - p.steps
		p.checkMaxSteps()
		p.steps = p.window(false)
		if p.limited && p.nested == 0 {
			p.steps = 0 // the next step ends the slice
		}
		p.sliceStart = p.steps
	}
}

// run executes the current thread's top frame until a stop.
func (p *Process) run() stopReason {
reload:
	if p.nestStop {
		p.nestStop, p.origNext = false, false
		return stopNested
	}
	th := p.cur
	if len(th.frames) == 0 {
		return stopDone
	}
	fr0 := &th.frames[len(th.frames)-1]
	cl := fr0.cl
	code := cl.P.Code
	if th.hook != nil {
		var called bool
		var r stopReason
		if code, called, r = p.hookedCode(th, cl); called {
			if r != stopNone {
				return r
			}
			goto reload
		}
	}
	// th, cl, code, base and stack do not change in the loop below (an
	// instruction that would change them goes to reload): values the Go
	// compiler keeps once, not at every instruction
	base := int(fr0.base)
	stack := th.stack
	pc := int(fr0.pc)
	in := code[pc]
	if p.origNext { // compiled code left this instruction to the interpreter
		p.origNext = false
		if in.op() == opNative { // (not trapped code: a hook was called)
			in = cl.P.orig[pc]
		}
	}
	for pc++; ; in, pc = code[pc], pc+1 {
	redo:
		// topFrame(th).pc is saved only where the instruction may fail, call, or
		// leave the loop: the fast paths never read it
		switch in.op() {
		case opNative:
			npc, entry := p.runNative(th, cl, pc-1, base)
			if npc == NativeUnwound {
				if r := p.nativeStop; r != stopNone {
					p.nativeStop = stopNone
					return r
				}
				goto reload
			}
			// the frame on top may have changed (calls and returns), and
			// the thread (coroutines resumed, yielding, returning); when
			// the compiled code leaves this instruction to the interpreter,
			// it runs the original (not trapped: a hook was set)
			topFrame(p.cur).pc = int32(npc)
			p.origNext = npc == entry && !p.cur.hook.trapping()
			goto reload
		case opTrap:
			if hooked, r := p.trap(th, cl, pc-1); hooked {
				if r != stopNone {
					return r
				}
				goto reload
			}
			if in = cl.P.Code[pc-1]; in.op() == opNative {
				in = cl.P.orig[pc-1]
			}
			goto redo
		case ir.MOVE:
			ra := base + int(in.a())
			stack[ra] = stack[base+int(in.b())]
		case ir.LOADK:
			ra := base + int(in.a())
			stack[ra] = cl.P.K[in.b()]
		case ir.LOADBOOL:
			ra := base + int(in.a())
			stack[ra] = Bool(in.b() != 0)
			if in.c() != 0 {
				pc++
			}
		case ir.LOADNIL:
			ra := base + int(in.a())
			clear(stack[ra : base+int(in.b())+1])
		case ir.GETUPVAL:
			ra := base + int(in.a())
			stack[ra] = cl.Upvals[in.b()].get()
		case ir.GETGLOBAL:
			ra := base + int(in.a())
			key := &cl.P.K[in.b()]
			env := cl.Env
			// (as opGetFieldS reads a field of its table)
			if v, ok := env.FieldHit(*key, &cl.P.IC[pc-1]); ok {
				stack[ra] = v
				continue
			}
			if v, ok := env.getField(*key, &cl.P.IC[pc-1]); ok {
				stack[ra] = v
				continue
			}
			topFrame(th).pc = int32(pc)
			if p.index(th, TableValue(env), *key, ra, -1) {
				goto reload
			}
		case opGetFieldS:
			// (the table and the key are not copied on the way of a
			// hit: only the words it reads are loaded)
			ra, rb := base+int(in.a()), int(in.b()) // (in is not kept past a call)
			if tt, ok := stack[base+rb].asTable(); ok {
				key := &cl.P.K[in.c()]
				if v, ok := tt.FieldHit(*key, &cl.P.IC[pc-1]); ok {
					stack[ra] = v
					continue
				}
				if v, ok := tt.getField(*key, &cl.P.IC[pc-1]); ok {
					stack[ra] = v
					continue
				}
			}
			topFrame(th).pc = int32(pc)
			if p.index(th, stack[base+rb], cl.P.K[in.c()], ra, rb) {
				goto reload
			}
		case ir.GETTABLE: // (a string constant's field: opGetFieldS)
			ra, rb := base+int(in.a()), int(in.b())
			t, key := stack[base+rb], rk(stack, base, cl, in.c())
			if tt, ok := t.asTable(); ok {
				v, ok := tt.GetArrayHit(key)
				if !ok {
					v = tt.Get(key)
				}
				if v.p != nil || tt.meta == nil {
					stack[ra] = v
					continue
				}
			}
			topFrame(th).pc = int32(pc)
			if p.index(th, t, key, ra, rb) {
				goto reload
			}
		case ir.SETGLOBAL:
			ra := base + int(in.a())
			env := cl.Env
			key := cl.P.K[in.b()]
			if env.meta == nil {
				env.SetStrHint(key, stack[ra], &cl.P.IC[pc-1])
				continue
			}
			topFrame(th).pc = int32(pc)
			if p.setIndex(th, TableValue(env), key, stack[ra], -1) {
				goto reload
			}
		case ir.SETUPVAL:
			ra := base + int(in.a())
			cl.Upvals[in.b()].set(stack[ra])
		case opSetFieldS:
			ra := base + int(in.a())
			key, val := &cl.P.K[in.b()], rk(stack, base, cl, in.c()) // (as opGetFieldS's)
			// a field there already is set raw, whatever the metatable
			// (an object's, whose class has __index and no __newindex);
			// a table without __newindex is set raw
			if tt, ok := stack[ra].asTable(); ok {
				if tt.SetHit(*key, val, &cl.P.IC[pc-1]) {
					continue
				}
				if tt.PlainSet() {
					tt.SetStrHint(*key, val, &cl.P.IC[pc-1])
					continue
				}
			}
			topFrame(th).pc = int32(pc)
			if p.setIndex(th, stack[ra], *key, val, ra-base) {
				goto reload
			}
		case ir.SETTABLE: // (a string constant's field: opSetFieldS)
			ra := base + int(in.a())
			t, key, val := stack[ra], rk(stack, base, cl, in.b()), rk(stack, base, cl, in.c())
			if tt, ok := t.asTable(); ok && tt.PlainSet() {
				if tt.SetArrayHit(key, val) {
					continue
				}
				topFrame(th).pc = int32(pc)
				if err := tt.Set(key, val); err != nil {
					p.rtError(th, "%s", err.Error())
				}
				continue
			}
			topFrame(th).pc = int32(pc)
			if p.setIndex(th, t, key, val, ra-base) {
				goto reload
			}
		case ir.NEWTABLE:
			ra := base + int(in.a())
			stack[ra] = TableValue(p.newTableOp(int(in.b()), int(in.c())))
		case ir.SELF:
			ra, rb := base+int(in.a()), int(in.b())
			obj := stack[base+rb]
			key := &cl.P.K[^in.c()] // (as opGetFieldS's)
			stack[ra+1] = obj
			if tt, ok := obj.asTable(); ok {
				if v, ok := tt.FieldHit(*key, &cl.P.IC[pc-1]); ok {
					stack[ra] = v
					continue
				}
				if v, ok := tt.getField(*key, &cl.P.IC[pc-1]); ok {
					stack[ra] = v
					continue
				}
			} else if v, ok := p.stringMethod(obj, *key, &cl.P.IC[pc-1]); ok {
				stack[ra] = v
				continue
			}
			topFrame(th).pc = int32(pc)
			if p.index(th, obj, cl.P.K[^in.c()], ra, rb) {
				goto reload
			}
		case ir.ADD, ir.SUB, ir.MUL, ir.DIV, ir.MOD, ir.POW:
			// the forms the specialized ops below leave (a constant
			// first, mostly), in one case: see forPrep
			ra := base + int(in.a())
			b, c := rk(stack, base, cl, in.b()), rk(stack, base, cl, in.c())
			if b.IsNumber() && c.IsNumber() {
				var n float64
				switch in.op() { // (Arith, the four common ones inline)
				case ir.ADD:
					n = b.n + c.n
				case ir.SUB:
					n = b.n - c.n
				case ir.MUL:
					n = b.n * c.n
				case ir.DIV:
					n = b.n / c.n
				default:
					n = Arith(in.op(), b.n, c.n)
				}
				stack[ra] = Number(n)
				continue
			}
			topFrame(th).pc = int32(pc)
			if p.arith(th, in.op(), b, c, ra, cl.P.IR.Code[pc-1]) {
				goto reload
			}
		case opAddRR:
			ra := base + int(in.a())
			b, c := &stack[base+int(in.b())], &stack[base+int(in.c())]
			if isNum(b) && isNum(c) {
				stack[ra] = Number(b.n + c.n)
				continue
			}
			topFrame(th).pc = int32(pc)
			if p.arith(th, ir.ADD, *b, *c, ra, cl.P.IR.Code[pc-1]) {
				goto reload
			}
		case opAddRN:
			ra := base + int(in.a())
			b, c := &stack[base+int(in.b())], &cl.P.K[in.c()]
			if isNum(b) {
				stack[ra] = Number(b.n + c.n)
				continue
			}
			topFrame(th).pc = int32(pc)
			if p.arith(th, ir.ADD, *b, *c, ra, cl.P.IR.Code[pc-1]) {
				goto reload
			}
		case opAddNR, opSubNR, opMulNR, opDivNR: // (1 / x: rarer, one case)
			ra := base + int(in.a())
			b, c := &cl.P.K[in.b()], &stack[base+int(in.c())]
			if isNum(c) {
				stack[ra] = Number(arithNR(in.op(), b.n, c.n))
				continue
			}
			topFrame(th).pc = int32(pc)
			if p.arith(th, cl.P.IR.Code[pc-1].Op, *b, *c, ra, cl.P.IR.Code[pc-1]) {
				goto reload
			}
		case opSubRR:
			ra := base + int(in.a())
			b, c := &stack[base+int(in.b())], &stack[base+int(in.c())]
			if isNum(b) && isNum(c) {
				stack[ra] = Number(b.n - c.n)
				continue
			}
			topFrame(th).pc = int32(pc)
			if p.arith(th, ir.SUB, *b, *c, ra, cl.P.IR.Code[pc-1]) {
				goto reload
			}
		case opSubRN:
			ra := base + int(in.a())
			b, c := &stack[base+int(in.b())], &cl.P.K[in.c()]
			if isNum(b) {
				stack[ra] = Number(b.n - c.n)
				continue
			}
			topFrame(th).pc = int32(pc)
			if p.arith(th, ir.SUB, *b, *c, ra, cl.P.IR.Code[pc-1]) {
				goto reload
			}
		case opMulRR:
			ra := base + int(in.a())
			b, c := &stack[base+int(in.b())], &stack[base+int(in.c())]
			if isNum(b) && isNum(c) {
				stack[ra] = Number(b.n * c.n)
				continue
			}
			topFrame(th).pc = int32(pc)
			if p.arith(th, ir.MUL, *b, *c, ra, cl.P.IR.Code[pc-1]) {
				goto reload
			}
		case opMulRN:
			ra := base + int(in.a())
			b, c := &stack[base+int(in.b())], &cl.P.K[in.c()]
			if isNum(b) {
				stack[ra] = Number(b.n * c.n)
				continue
			}
			topFrame(th).pc = int32(pc)
			if p.arith(th, ir.MUL, *b, *c, ra, cl.P.IR.Code[pc-1]) {
				goto reload
			}
		case opDivRR:
			ra := base + int(in.a())
			b, c := &stack[base+int(in.b())], &stack[base+int(in.c())]
			if isNum(b) && isNum(c) {
				stack[ra] = Number(b.n / c.n)
				continue
			}
			topFrame(th).pc = int32(pc)
			if p.arith(th, ir.DIV, *b, *c, ra, cl.P.IR.Code[pc-1]) {
				goto reload
			}
		case opDivRN:
			ra := base + int(in.a())
			b, c := &stack[base+int(in.b())], &cl.P.K[in.c()]
			if isNum(b) {
				stack[ra] = Number(b.n / c.n)
				continue
			}
			topFrame(th).pc = int32(pc)
			if p.arith(th, ir.DIV, *b, *c, ra, cl.P.IR.Code[pc-1]) {
				goto reload
			}
		case opModRR:
			ra := base + int(in.a())
			b, c := &stack[base+int(in.b())], &stack[base+int(in.c())]
			if isNum(b) && isNum(c) {
				stack[ra] = Number(b.n - math.Floor(b.n/c.n)*c.n)
				continue
			}
			topFrame(th).pc = int32(pc)
			if p.arith(th, ir.MOD, *b, *c, ra, cl.P.IR.Code[pc-1]) {
				goto reload
			}
		case opModRN:
			ra := base + int(in.a())
			b, c := &stack[base+int(in.b())], &cl.P.K[in.c()]
			if isNum(b) {
				stack[ra] = Number(b.n - math.Floor(b.n/c.n)*c.n)
				continue
			}
			topFrame(th).pc = int32(pc)
			if p.arith(th, ir.MOD, *b, *c, ra, cl.P.IR.Code[pc-1]) {
				goto reload
			}
		case opLtRR:
			b, c := &stack[base+int(in.b())], &stack[base+int(in.c())]
			var skip bool
			if isNum(b) && isNum(c) {
				skip = (b.n < c.n) != (in.a() != 0)
			} else {
				var pushed bool
				topFrame(th).pc = int32(pc)
				skip, pushed = p.compareSkip(th, ir.LT, *b, *c, in.a())
				if pushed {
					goto reload
				}
			}
			if skip {
				pc++
			} else {
				pc = jumpAfter(code, pc)
			}
		case opLtRN:
			b, c := &stack[base+int(in.b())], &cl.P.K[in.c()]
			var skip bool
			if isNum(b) {
				skip = (b.n < c.n) != (in.a() != 0)
			} else {
				var pushed bool
				topFrame(th).pc = int32(pc)
				skip, pushed = p.compareSkip(th, ir.LT, *b, *c, in.a())
				if pushed {
					goto reload
				}
			}
			if skip {
				pc++
			} else {
				pc = jumpAfter(code, pc)
			}
		case opLtNR, opLeNR: // (x > 0, x >= 1)
			b, c := &cl.P.K[in.b()], &stack[base+int(in.c())]
			var skip bool
			if isNum(c) {
				skip = (b.n < c.n || in.op() == opLeNR && b.n == c.n) != (in.a() != 0)
			} else {
				var pushed bool
				topFrame(th).pc = int32(pc)
				skip, pushed = p.compareSkip(th, cl.P.IR.Code[pc-1].Op, *b, *c, in.a())
				if pushed {
					goto reload
				}
			}
			if skip {
				pc++
			} else {
				pc = jumpAfter(code, pc)
			}
		case opLeRR:
			b, c := &stack[base+int(in.b())], &stack[base+int(in.c())]
			var skip bool
			if isNum(b) && isNum(c) {
				skip = (b.n <= c.n) != (in.a() != 0)
			} else {
				var pushed bool
				topFrame(th).pc = int32(pc)
				skip, pushed = p.compareSkip(th, ir.LE, *b, *c, in.a())
				if pushed {
					goto reload
				}
			}
			if skip {
				pc++
			} else {
				pc = jumpAfter(code, pc)
			}
		case opLeRN:
			b, c := &stack[base+int(in.b())], &cl.P.K[in.c()]
			var skip bool
			if isNum(b) {
				skip = (b.n <= c.n) != (in.a() != 0)
			} else {
				var pushed bool
				topFrame(th).pc = int32(pc)
				skip, pushed = p.compareSkip(th, ir.LE, *b, *c, in.a())
				if pushed {
					goto reload
				}
			}
			if skip {
				pc++
			} else {
				pc = jumpAfter(code, pc)
			}
		case opEqRN:
			b, c := &stack[base+int(in.b())], &cl.P.K[in.c()]
			var skip bool
			if isNum(b) {
				skip = (b.n == c.n) != (in.a() != 0)
			} else {
				var pushed bool
				topFrame(th).pc = int32(pc)
				skip, pushed = p.compareSkip(th, ir.EQ, *b, *c, in.a())
				if pushed {
					goto reload
				}
			}
			if skip {
				pc++
			} else {
				pc = jumpAfter(code, pc)
			}
		case opEqRS:
			if eqString(&stack[base+int(in.b())], &cl.P.K[in.c()]) != (in.a() != 0) {
				pc++
			} else {
				pc = jumpAfter(code, pc)
			}
		case ir.UNM:
			ra := base + int(in.a())
			b := stack[base+int(in.b())]
			if b.IsNumber() {
				stack[ra] = Number(-b.n)
				continue
			}
			topFrame(th).pc = int32(pc)
			if p.arith(th, ir.UNM, b, b, ra, cl.P.IR.Code[pc-1]) {
				goto reload
			}
		case ir.NOT:
			ra := base + int(in.a())
			stack[ra] = Bool(!stack[base+int(in.b())].Truthy())
		case ir.LEN:
			ra, rb := base+int(in.a()), int(in.b())
			b := stack[base+rb]
			switch b.objKind() {
			case kTable:
				stack[ra] = Number(float64((*Table)(b.at(kTable)).Len()))
				continue
			case kString:
				stack[ra] = Number(float64(len(b.str())))
				continue
			}
			topFrame(th).pc = int32(pc)
			if p.lenMeta(th, b, ra, rb) {
				goto reload
			}
		case ir.CONCAT:
			topFrame(th).pc = int32(pc)
			if p.concat(th, topFrame(th), cl.P.IR.Code[pc-1]) {
				goto reload
			}
		case ir.JMP:
			// (a comparison or a test runs the JMP after it itself when
			// it is taken and forward, as lua5.1's do: one dispatch less)
			d := int(in.b())
			if d < 0 {
				p.steps--
				if p.steps < 0 && p.outOfSteps(th, pc) {
					return stopBudget
				}
			}
			pc += d
		case ir.EQ:
			b, c := rk(stack, base, cl, in.b()), rk(stack, base, cl, in.c())
			var skip bool
			if b.IsNumber() && c.IsNumber() {
				skip = (b.n == c.n) != (in.a() != 0)
			} else if bs, ok := b.Str(); ok { // (no __eq for strings)
				cs, ok := c.Str()
				skip = (ok && sameString(bs, cs)) != (in.a() != 0) // (a constant and a string made from it share their bytes)
			} else if b.p == nil || c.p == nil { // (nor for nil)
				skip = (b.p == c.p) != (in.a() != 0)
			} else {
				var pushed bool
				topFrame(th).pc = int32(pc)
				skip, pushed = p.compareSkip(th, in.op(), b, c, in.a())
				if pushed {
					goto reload
				}
			}
			if skip {
				pc++
			} else {
				pc = jumpAfter(code, pc)
			}
		case ir.LT:
			b, c := rk(stack, base, cl, in.b()), rk(stack, base, cl, in.c())
			var skip bool
			if b.IsNumber() && c.IsNumber() {
				skip = (b.n < c.n) != (in.a() != 0)
			} else {
				var pushed bool
				topFrame(th).pc = int32(pc)
				skip, pushed = p.compareSkip(th, in.op(), b, c, in.a())
				if pushed {
					goto reload
				}
			}
			if skip {
				pc++
			} else {
				pc = jumpAfter(code, pc)
			}
		case ir.LE:
			b, c := rk(stack, base, cl, in.b()), rk(stack, base, cl, in.c())
			var skip bool
			if b.IsNumber() && c.IsNumber() {
				skip = (b.n <= c.n) != (in.a() != 0)
			} else {
				var pushed bool
				topFrame(th).pc = int32(pc)
				skip, pushed = p.compareSkip(th, in.op(), b, c, in.a())
				if pushed {
					goto reload
				}
			}
			if skip {
				pc++
			} else {
				pc = jumpAfter(code, pc)
			}
		case ir.TEST:
			ra := base + int(in.a())
			if stack[ra].Truthy() != (in.c() != 0) {
				pc++
			} else {
				pc = jumpAfter(code, pc)
			}
		case ir.TESTSET:
			ra := base + int(in.a())
			b := stack[base+int(in.b())]
			if b.Truthy() == (in.c() != 0) {
				stack[ra] = b
				pc = jumpAfter(code, pc)
			} else {
				pc++
			}
		case ir.CALL:
			ra, nargs, nres := base+int(in.a()), int(in.b())-1, int(in.c())-1
			p.steps--
			if p.steps < 0 && p.outOfSteps(th, pc) {
				return stopBudget
			}
			if nargs < 0 {
				nargs = th.top - ra - 1
			}
			topFrame(th).pc = int32(pc)
			if f, ok := stack[ra].asClosure(); ok {
				if d := (Dest{Fn: int32(ra), NRes: int32(nres)}); !p.pushFast(th, f, nargs, d) {
					p.pushLua(th, f, nargs, d)
				}
				goto reload
			}
			if g, ok := stack[ra].asGoFunction(); ok {
				if g.kind == goPlain {
					p.callPlain(th, g, ra, nargs, nres)
				} else if r := p.callGo(th, g, nargs, Dest{Fn: int32(ra), NRes: int32(nres)}); r != stopNone {
					return r // (callAt's case for a builtin, without its tests)
				}
				goto reload
			}
			p.checkCallable(th, topFrame(th), ra-base, stack[ra])
			if r := p.callAt(th, nargs, Dest{Fn: int32(ra), NRes: int32(nres)}); r != stopNone {
				return r
			}
			goto reload
		case ir.TAILCALL:
			ra, nargs := base+int(in.a()), int(in.b())-1
			p.steps--
			if p.steps < 0 && p.outOfSteps(th, pc) {
				return stopBudget
			}
			if nargs < 0 {
				nargs = th.top - ra - 1
			}
			if f, ok := stack[ra].asClosure(); ok {
				p.tailCallLua(th, f, base, ra, nargs)
				goto reload
			}
			topFrame(th).pc = int32(pc)
			if g, ok := stack[ra].asGoFunction(); ok { // (see CALL)
				if r := p.callGo(th, g, nargs, Dest{Fn: int32(ra), NRes: -1}); r != stopNone {
					return r
				}
				goto reload
			}
			p.checkCallable(th, topFrame(th), ra-base, stack[ra])
			if r := p.callAt(th, nargs, Dest{Fn: int32(ra), NRes: -1}); r != stopNone {
				return r
			}
			goto reload
		case ir.RETURN:
			ra := base + int(in.a())
			n := int(in.b()) - 1
			if in.b() == 0 {
				n = th.top - ra
			}
			if len(th.open) > 0 {
				th.closeUpvals(base)
			}
			ret := topFrame(th)
			d := ret.Dest
			th.frames = th.frames[:len(th.frames)-1]
			if d.Mode == modeNormal {
				if d.NRes == 1 && n >= 1 {
					stack[d.Fn] = stack[ra] // the common cases, inline
				} else if d.NRes != 0 { // (0: a call made as a statement)
					th.moveResults(int(d.Fn), ra, n, int(d.NRes))
				}
				goto reload
			}
			p.deliverResults(th, ra, n, d)
			goto reload
		case ir.FORPREP:
			p.forPrep(th, stack[base+int(in.a()):], pc)
			pc += int(in.b())
		case ir.FORLOOP:
			ra, d := base+int(in.a()), int(in.b())
			p.steps--
			if p.steps < 0 && p.outOfSteps(th, pc) {
				return stopBudget
			}
			step := stack[ra+2].n
			idx := stack[ra].n + step
			limit := stack[ra+1].n
			if step > 0 && idx <= limit || step <= 0 && limit <= idx {
				pc += d
				stack[ra] = Number(idx)
				stack[ra+3] = Number(idx)
			}
		case ir.TFORCALL:
			ra, nres := base+int(in.a()), int(in.c())
			p.steps--
			if p.steps < 0 && p.outOfSteps(th, pc) {
				return stopBudget
			}
			stack[ra+3] = stack[ra]
			stack[ra+4] = stack[ra+1]
			stack[ra+5] = stack[ra+2]
			th.top = ra + 6
			topFrame(th).pc = int32(pc)
			if f, ok := stack[ra+3].asClosure(); ok {
				p.pushLua(th, f, 2, Dest{Fn: int32(ra + 3), NRes: int32(nres)})
				goto reload
			}
			if g, ok := stack[ra+3].asGoFunction(); ok && g.kind == goPlain {
				// fast path for next and ipairs iterators
				th.goCall = g
				n := g.Fn(th, th.stack[ra+4:ra+6])
				if n == raisedError {
					panic(p.takeRaised())
				}
				th.goCall = nil
				s := th.stack // (the builtin may have grown it: a nested call)
				src := th.top - n
				for i := 0; i < nres; i++ {
					if i < n {
						s[ra+3+i] = s[src+i]
					} else {
						s[ra+3+i] = Nil
					}
				}
				if moved(s, stack) {
					goto reload
				}
				continue
			}
			if g, ok := stack[ra+3].asGoFunction(); ok { // a wrap's generator (see CALL)
				if r := p.callGo(th, g, 2, Dest{Fn: int32(ra + 3), NRes: int32(nres)}); r != stopNone {
					return r
				}
				goto reload
			}
			p.checkCallable(th, topFrame(th), ra-base, stack[ra])
			if r := p.callAt(th, 2, Dest{Fn: int32(ra + 3), NRes: int32(nres)}); r != stopNone {
				return r
			}
			goto reload
		case ir.TFORLOOP:
			ra := base + int(in.a())
			if v := stack[ra+3]; v.p != nil {
				d := int(in.b())
				p.steps--
				if p.steps < 0 && p.outOfSteps(th, pc) {
					return stopBudget
				}
				stack[ra+2] = v
				pc += d
			}
		case ir.SETLIST:
			ra := base + int(in.a())
			th.setList(ra, int(in.b()), int(in.c()))
		case ir.CLOSE:
			ra := base + int(in.a())
			th.closeUpvals(ra)
		case ir.CLOSURE:
			ra := base + int(in.a())
			stack[ra] = ClosureValue(th.newClosure(cl, base, int(in.b())))
		case ir.VARARG:
			ra := base + int(in.a())
			topFrame(th).pc = int32(pc)
			th.vararg(ra, base, int(in.b()))
			if moved(th.stack, stack) {
				goto reload
			}
		default:
			topFrame(th).pc = int32(pc)
			p.rtError(th, "internal error: bad opcode %d", in.op())
		}
	}
}

// moved reports whether a thread's stack s is no longer the one run
// holds, old: it grew.
func moved(s, old []Value) bool { return len(s) != len(old) || &s[0] != &old[0] }

// compareSkip is a comparison's slow path (compare), the interpreter's
// and compiled code's: whether the instruction skips the next one, its
// result not the one A asks for.
func (p *Process) compareSkip(th *Thread, op ir.Op, b, c Value, want int32) (skip, pushed bool) {
	res, pushed := p.compare(th, op, b, c, want)
	return res != (want != 0), pushed
}

// moveResults moves the n results at src to dst, where nres are wanted
// (-1: all of them, and top marks their end), for a return to a Lua
// function.
func (th *Thread) moveResults(dst, src, n, nres int) {
	stack := th.stack
	switch {
	case nres == 1 && n >= 1:
		stack[dst] = stack[src]
	case nres < 0:
		copyValues(stack[dst:dst+n], stack[src:src+n])
		th.top = dst + n
	case n >= nres:
		copyValues(stack[dst:dst+nres], stack[src:src+nres])
	default:
		copyValues(stack[dst:dst+n], stack[src:src+n])
		clearValues(stack[dst+n : dst+nres])
	}
}

// callPlain calls the plain builtin g at stack[ra] with nargs arguments
// and delivers nres results (-1: all) in its place. It is called here,
// not through callAt, so that an error the builtin raises with Raise is
// handled without a Go panic: it reports whether one unwound the stack
// to a pcall.
func (p *Process) callPlain(th *Thread, g *GoFunction, ra, nargs, nres int) (unwound bool) {
	th.top = ra + 1 + nargs
	th.goCall = g
	n := g.Fn(th, th.stack[ra+1:ra+1+nargs])
	if n == raisedError {
		if err := p.handleRaised(); err != nil {
			panic(err)
		}
		return true
	}
	th.goCall = nil
	if nres == 1 && n > 0 {
		// deliverResults' common case: one result wanted, one given
		th.stack[ra] = th.stack[th.top-n]
		th.top = ra + 1
		return false
	}
	p.deliverResults(th, th.top-n, n, Dest{Fn: int32(ra), NRes: int32(nres)})
	return false
}

// jumpAfter is where a comparison or a test that is taken goes on: past
// the JMP at pc after it when that jumps forward (run here, as lua5.1's
// comparisons do: one dispatch less), else at the JMP (a backward one
// counts its step there).
func jumpAfter(code []inst, pc int) int {
	if j := code[pc]; j.op() == ir.JMP && j.b() >= 0 {
		return pc + 1 + int(j.b())
	}
	return pc
}

// forPrep runs FORPREP at pc on the loop's registers r: its three values
// made numbers (or its error), the index one step back. (Out of run, as
// lenMeta: code that runs once a loop keeps run small enough for Go to
// inline the calls of its hot paths, see TestRunInlines.)
func (p *Process) forPrep(th *Thread, r []Value, pc int) {
	init, ok1 := ToNumber(r[0])
	limit, ok2 := ToNumber(r[1])
	step, ok3 := ToNumber(r[2])
	topFrame(th).pc = int32(pc) // (an error's position)
	switch {
	case !ok1:
		p.rtError(th, "'for' initial value must be a number")
	case !ok2:
		p.rtError(th, "'for' limit must be a number")
	case !ok3:
		p.rtError(th, "'for' step must be a number")
	}
	r[1] = Number(limit)
	r[2] = Number(step)
	r[0] = Number(init - step)
}

// lenMeta is LEN of b (register rb) into ra through its __len, or its
// error; it reports whether the loop must reload.
func (p *Process) lenMeta(th *Thread, b Value, ra, rb int) bool {
	mm := p.metaOf(b, evLen)
	if mm.p == nil {
		p.rtError(th, "attempt to get length of %s", p.varDesc(th, topFrame(th), rb, b))
	}
	return p.callMeta(th, mm, modeReg, ra, b, Nil)
}

// topFrame is the running frame (not kept in a variable by the loop: it
// would cost a register; only slow paths need it).
func topFrame(th *Thread) *Frame { return &th.frames[len(th.frames)-1] }

// rk fetches an RK operand: constant ^x when x < 0, else register x.
func rk(stack []Value, base int, cl *Closure, x int32) Value {
	if x < 0 {
		return cl.P.K[^x]
	}
	return stack[base+int(x)]
}

// checkCallable raises "attempt to call" with the variable's name when v
// cannot be called.
func (p *Process) checkCallable(th *Thread, fr *Frame, reg int, v Value) {
	switch v.ref().(type) {
	case *Closure, *GoFunction:
		return
	}
	if p.metaOf(v, evCall).p != nil {
		return
	}
	p.rtError(th, "attempt to call %s", p.varDesc(th, fr, reg, v))
}

// varDesc describes a register's value for an error message:
// "local 'x' (a nil value)" or "a nil value".
func (p *Process) varDesc(th *Thread, fr *Frame, reg int, v Value) string {
	if reg >= 0 && fr != nil && fr.cl != nil {
		if kind, name := objName(fr.cl.P.IR, int(fr.pc)-1, reg); kind != "" {
			return kind + " '" + name + "' (a " + v.TypeName() + " value)"
		}
	}
	return "a " + v.TypeName() + " value"
}

// objName finds what register reg held at pc: a local, global, field,
// upvalue or method name (Lua 5.1's getobjname, simplified to a backward
// scan).
func objName(ip *ir.Proto, pc, reg int) (string, string) {
	if name := ip.LocalName(reg, pc); name != "" && !strings.HasPrefix(name, "(") {
		return "local", name
	}
	for i := pc - 1; i >= 0; i-- {
		in := ip.Code[i]
		switch in.Op {
		case ir.JMP, ir.FORLOOP, ir.FORPREP, ir.TFORLOOP:
			continue
		case ir.EQ, ir.LT, ir.LE, ir.TEST, ir.SETGLOBAL, ir.SETUPVAL, ir.SETTABLE, ir.RETURN, ir.SETLIST, ir.CLOSE:
			continue
		}
		if int(in.A) != reg && !(in.Op == ir.LOADNIL && int(in.A) <= reg && reg <= int(in.B)) &&
			!(in.Op == ir.SELF && int(in.A)+1 == reg) && !(in.Op == ir.TFORCALL && reg > int(in.A)+2) {
			continue
		}
		if bypassed(ip, i, pc) {
			return "", "" // the value may come from another branch
		}
		switch in.Op {
		case ir.GETGLOBAL:
			return "global", ip.Consts[in.B].Str
		case ir.GETTABLE:
			if in.C < 0 && ip.Consts[^in.C].Kind == ir.KString {
				return "field", ip.Consts[^in.C].Str
			}
		case ir.GETUPVAL:
			return "upvalue", ip.Upvals[in.B].Name
		case ir.SELF:
			if int(in.A) == reg {
				return "method", ip.Consts[^in.C].Str
			}
		case ir.MOVE:
			if int(in.B) < int(in.A) {
				return objName(ip, i, int(in.B))
			}
		}
		return "", ""
	}
	return "", ""
}

// bypassed reports whether a jump from before def lands after it (up to
// use): then def is not the only way the register got its value.
func bypassed(ip *ir.Proto, def, use int) bool {
	for pc := 0; pc < def; pc++ {
		in := ip.Code[pc]
		t := -1
		switch in.Op {
		case ir.JMP, ir.FORLOOP, ir.FORPREP, ir.TFORLOOP:
			t = pc + 1 + int(in.B)
		case ir.LOADBOOL:
			if in.C != 0 {
				t = pc + 2
			}
		}
		if t > def && t <= use {
			return true
		}
	}
	return false
}

// setList runs SETLIST: n values above ra (0: up to top) into the table
// at ra from index c+1.
func (th *Thread) setList(ra, n, c int) {
	if n == 0 {
		n = th.top - ra - 1
	}
	t := th.stack[ra].Table() // (SETLIST follows NEWTABLE; nil panics)
	if last := c + n; last > int(t.lsa) {
		t.luaResizeArray(last) // lua5.1 sizes the array part for all the items
	}
	if len(t.arr) == c && t.numKeys() == nil {
		// Lua's constructor sizes the array part for all its items,
		// nils among them ({1, nil, 3} has #3, {f()} keeps f's nils):
		// they go in as they are
		t.arr = append(t.arr, th.stack[ra+1:ra+1+n]...)
		t.noteAppended(c)
		return
	}
	for i := 1; i <= n; i++ {
		t.SetInt(c+i, th.stack[ra+i])
	}
}

// newClosure runs CLOSURE: a closure of cl's proto idx, capturing the
// frame at base's registers and cl's upvalues.
func (th *Thread) newClosure(cl *Closure, base, idx int) *Closure {
	np := cl.P.Protos[idx]
	th.p.charge(sizeClosure + 8*int64(len(np.IR.Upvals)))
	ncl := allocClosure(len(np.IR.Upvals))
	ncl.P, ncl.Env = np, cl.Env
	for i, u := range np.IR.Upvals {
		if u.InStack {
			ncl.Upvals[i] = th.findUpval(base + u.Index)
		} else {
			ncl.Upvals[i] = cl.Upvals[u.Index]
		}
	}
	return ncl
}

// allocClosure makes a closure with room for n upvalues: up to four in
// the closure's own allocation (a function that captures a few locals
// costs one allocation, not two).
func allocClosure(n int) *Closure {
	switch n {
	case 0:
		return &Closure{}
	case 1:
		x := &struct {
			Closure
			ups [1]*Upval
		}{}
		x.Upvals = x.ups[:]
		return &x.Closure
	case 2:
		x := &struct {
			Closure
			ups [2]*Upval
		}{}
		x.Upvals = x.ups[:]
		return &x.Closure
	case 3, 4:
		x := &struct {
			Closure
			ups [4]*Upval
		}{}
		x.Upvals = x.ups[:n]
		return &x.Closure
	}
	return &Closure{Upvals: make([]*Upval, n)}
}

// vararg runs VARARG: b-1 of the frame's varargs (b 0: all, setting
// top; the stack may grow) to ra...
func (th *Thread) vararg(ra, base, b int) {
	nvar := int(topFrame(th).nvar)
	n := b - 1
	if b == 0 {
		n = nvar
		th.ensure(ra + n + 1)
		th.top = ra + n
	}
	stack := th.stack
	for i := 0; i < n; i++ {
		if i < nvar {
			stack[ra+i] = stack[base-nvar+i]
		} else {
			stack[ra+i] = Nil
		}
	}
}
