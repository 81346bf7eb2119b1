package runtime

import (
	"math"

	"github.com/mobilua/mobilua/ir"
)

const maxTagLoop = 100

// Metatable returns v's metatable or nil.
func (p *Process) Metatable(v Value) *Table {
	switch v.objKind() {
	case kTable:
		return (*Table)(v.at(kTable)).meta
	case kString:
		return p.StringMeta
	case kUserdata:
		return (*Userdata)(v.at(kUserdata)).Meta
	}
	if p.typeMeta != nil {
		return p.typeMeta[v.Type()]
	}
	return nil
}

func (p *Process) metaOf(v Value, e event) Value {
	m := p.Metatable(v)
	if m == nil {
		return Nil
	}
	return m.metaEvent(e)
}

// callMeta calls metamethod mm with two arguments above the current frame;
// the result is delivered by mode. It returns true: the loop must reload,
// whether a Lua frame was pushed or a builtin already delivered.
func (p *Process) callMeta(th *Thread, mm Value, mode Mode, aux int, a, b Value) bool {
	fr := &th.frames[len(th.frames)-1]
	top := int(fr.base) + fr.cl.P.maxStack
	th.ensure(top + 4)
	s, d := th.stack, Dest{Fn: int32(top), NRes: 1, Mode: mode, Aux: int32(aux)}
	if cl, pure := pureOf(mm); pure != nil {
		if v, ok := p.callPure(cl, pure, a, b); ok {
			// a small pure function's compiled code ran: its result
			// is delivered as a builtin's would be
			s[top] = v
			p.deliverResults(th, top, 1, d)
			return true
		}
	}
	s[top] = mm
	s[top+1] = a
	s[top+2] = b
	p.callAt(th, 2, d)
	return true
}

// index performs R(ra) := t[key] with metamethods; reg names t's register
// for errors (-1: none). It reports whether the loop must reload.
func (p *Process) index(th *Thread, t, key Value, ra int, reg int) bool {
	for loop := 0; loop < maxTagLoop; loop++ {
		var mm Value
		if tt, ok := t.asTable(); ok {
			v := tt.Get(key)
			if v.p != nil || tt.meta == nil {
				th.stack[ra] = v
				return false
			}
			mm = tt.meta.metaIndex()
			if mm.p == nil {
				th.stack[ra] = Nil
				return false
			}
		} else {
			mm = p.metaOf(t, evIndex)
			if mm.p == nil {
				return p.indexError(th, reg, loop, t)
			}
		}
		switch mm.ref().(type) {
		case *Closure, *GoFunction:
			return p.callMeta(th, mm, modeReg, ra, t, key)
		}
		t = mm
	}
	p.rtError(th, "loop in gettable")
	return false
}

// indexError raises "attempt to index" for index and setIndex (reg names
// t's register on the chain's first step) without a Go panic, as a
// builtin's Raise: the error goes to what catches it (a pcall, a
// coroutine's resume), and the caller reloads the frame then on top
// (true). A panic and its recovery cost more than the rest of a failed
// pcall. What nothing catches is raised as a panic.
func (p *Process) indexError(th *Thread, reg, loop int, t Value) bool {
	if loop > 0 {
		reg = -1
	}
	e := p.errorAt(th, "attempt to index %s", p.varDesc(th, topFrame(th), reg, t))
	if err := p.handleError(e); err != nil {
		panic(err)
	}
	return true
}

// setIndex performs t[key] = val with metamethods.
func (p *Process) setIndex(th *Thread, t, key, val Value, reg int) bool {
	for loop := 0; loop < maxTagLoop; loop++ {
		var mm Value
		if tt, ok := t.asTable(); ok {
			if tt.meta == nil || tt.Get(key).p != nil {
				if err := tt.Set(key, val); err != nil {
					p.rtError(th, "%s", err.Error())
				}
				return false
			}
			mm = tt.meta.metaEvent(evNewindex)
			if mm.p == nil {
				if err := tt.Set(key, val); err != nil {
					p.rtError(th, "%s", err.Error())
				}
				return false
			}
		} else {
			mm = p.metaOf(t, evNewindex)
			if mm.p == nil {
				return p.indexError(th, reg, loop, t)
			}
		}
		switch mm.ref().(type) {
		case *Closure, *GoFunction:
			fr := &th.frames[len(th.frames)-1]
			top := int(fr.base) + fr.cl.P.maxStack
			th.ensure(top + 5)
			s := th.stack
			s[top], s[top+1], s[top+2], s[top+3] = mm, t, key, val
			p.callAt(th, 3, Dest{Fn: int32(top), Mode: modeDiscard})
			return true
		}
		t = mm
	}
	p.rtError(th, "loop in settable")
	return false
}

var arithEvents = [...]event{ir.ADD: evAdd, ir.SUB: evSub, ir.MUL: evMul, ir.DIV: evDiv, ir.MOD: evMod, ir.POW: evPow, ir.UNM: evUnm}

// Arith computes a binary arithmetic operation on numbers.
func Arith(op ir.Op, a, b float64) float64 {
	switch op {
	case ir.ADD:
		return a + b
	case ir.SUB:
		return a - b
	case ir.MUL:
		return a * b
	case ir.DIV:
		return a / b
	case ir.MOD:
		return a - math.Floor(a/b)*b
	case ir.POW:
		return Pow(a, b)
	case ir.UNM:
		return -a
	}
	return 0
}

// arith is the slow path of arithmetic: string coercion and metamethods.
func (p *Process) arith(th *Thread, op ir.Op, b, c Value, ra int, in ir.Instr) bool {
	x, ok1 := ToNumber(b)
	y, ok2 := ToNumber(c)
	if ok1 && ok2 {
		th.stack[ra] = Number(Arith(op, x, y))
		return false
	}
	ev := arithEvents[op]
	mm := p.metaOf(b, ev)
	if mm.p == nil {
		mm = p.metaOf(c, ev)
	}
	if mm.p == nil {
		fr := &th.frames[len(th.frames)-1]
		bad, reg := b, int(in.B)
		if ok1 {
			bad, reg = c, int(in.C)
		}
		if reg < 0 {
			reg = -1
		}
		p.rtError(th, "attempt to perform arithmetic on %s", p.varDesc(th, fr, reg, bad))
	}
	return p.callMeta(th, mm, modeReg, ra, b, c)
}

// compareNumbers is EQ, LT or LE of two numbers.
func compareNumbers(op ir.Op, a, b float64) bool {
	switch op {
	case ir.EQ:
		return a == b
	case ir.LT:
		return a < b
	}
	return a <= b
}

// compare is EQ, LT and LE: the rule whole (the interpreter's and compiled
// code's fast paths do its first case inline; TestCompareRulesAgree holds
// them equal). It returns the outcome, or that a metamethod call was
// pushed (its result decides the skip).
func (p *Process) compare(th *Thread, op ir.Op, b, c Value, want int32) (bool, bool) {
	if isNum(&b) && isNum(&c) {
		return compareNumbers(op, b.n, c.n), false
	}
	aux := 0
	if want != 0 {
		aux = 1
	}
	if op == ir.EQ {
		if b.is(kString) { // (no __eq for strings)
			return eqString(&c, &b), false
		}
		if b.isBool() || isNum(&b) || c.isBool() || isNum(&c) {
			return RawEqual(b, c), false
		}
		if b.p == c.p { // (objects, or nil)
			return true, false
		}
		mm := p.eqMeta(b, c)
		if mm.p == nil {
			return false, false
		}
		p.callMeta(th, mm, modeCond, aux, b, c)
		return false, true
	}
	if bs, ok := b.Str(); ok {
		if cs, ok := c.Str(); ok {
			if op == ir.LT {
				return bs < cs, false
			}
			return bs <= cs, false
		}
	}
	if b.Type() == c.Type() {
		ev := evLt
		if op == ir.LE {
			ev = evLe
		}
		if mm := p.orderMeta(b, c, ev); mm.p != nil {
			p.callMeta(th, mm, modeCond, aux, b, c)
			return false, true
		}
		if op == ir.LE {
			if mm := p.orderMeta(b, c, evLt); mm.p != nil {
				p.callMeta(th, mm, modeCond, aux|2, c, b)
				return false, true
			}
		}
	}
	t1, t2 := b.TypeName(), c.TypeName()
	if t1 == t2 {
		p.rtError(th, "attempt to compare two %s values", t1)
	}
	p.rtError(th, "attempt to compare %s with %s", t1, t2)
	return false, false
}

func (p *Process) eqMeta(b, c Value) Value {
	if !eqByMeta(b, c) {
		return Nil
	}
	m1 := p.metaOf(b, evEq)
	if m1.p == nil {
		return Nil
	}
	m2 := p.metaOf(c, evEq)
	if RawEqual(m1, m2) {
		return m1
	}
	return Nil
}

// eqByMeta says whether == may ask __eq about b and c: as lua5.1's
// luaV_equalval, only for two tables or two userdata (strings, functions
// and threads are equal only when they are the same, whatever their
// metatables hold).
func eqByMeta(b, c Value) bool {
	switch b.ref().(type) {
	case *Table:
		_, ok := c.asTable()
		return ok
	case *Userdata:
		_, ok := c.asUserdata()
		return ok
	}
	return false
}

func (p *Process) orderMeta(b, c Value, ev event) Value {
	m1 := p.metaOf(b, ev)
	if m1.p == nil {
		return Nil
	}
	m2 := p.metaOf(c, ev)
	if RawEqual(m1, m2) {
		return m1
	}
	return Nil
}

// concat runs CONCAT: strings and numbers are joined from the right, and
// __concat is called for the first pair that is not; the instruction is
// then run again with the collapsed tail (frame.concat).
func (p *Process) concat(th *Thread, fr *Frame, in ir.Instr) bool {
	base := int(fr.base)
	first := base + int(in.B)
	last := base + int(in.C)
	if fr.concat != 0 {
		last = base + int(fr.concat) - 1
		fr.concat = 0
	}
	s := th.stack
	for last > first {
		// the longest run of strings/numbers ending at last, each
		// converted once (pieces, last first)
		var small [8]string
		pieces := small[:0]
		n := 0
		j := last
		for ; j >= first; j-- {
			x, ok := ToStringRaw(s[j])
			if !ok {
				break
			}
			pieces = append(pieces, x)
			n += len(x)
		}
		j++ // s[j..last] are all strings or numbers
		if j < last {
			th.ChargeMemory(n)
			s[j] = BuildString(n, func(b []byte) {
				for k := len(pieces) - 1; k >= 0; k-- {
					b = b[copy(b, pieces[k]):]
				}
			})
			last = j
		}
		if last == first {
			break
		}
		// s[last-1] .. s[last] needs a metamethod
		a, b := s[last-1], s[last]
		mm := p.metaOf(a, evConcat)
		if mm.p == nil {
			mm = p.metaOf(b, evConcat)
		}
		if mm.p == nil {
			bad, reg := a, last-1-base
			if _, ok := ToStringRaw(a); ok {
				bad, reg = b, last-base
			}
			p.rtError(th, "attempt to concatenate %s", p.varDesc(th, fr, reg, bad))
		}
		fr.concat = int16(last - base)
		fr.pc--
		p.callMeta(th, mm, modeConcat, last-1, a, b)
		return true
	}
	s[base+int(in.A)] = s[first]
	return false
}

// LessThan compares a < b as the < operator does, calling __lt from Go
// (a nested, non-yieldable call).
func (t *Thread) LessThan(a, b Value) bool {
	if isNum(&a) && isNum(&b) {
		return a.n < b.n
	}
	if as, ok := a.Str(); ok {
		if bs, ok := b.Str(); ok {
			return as < bs
		}
	}
	if a.Type() == b.Type() {
		if mm := t.p.orderMeta(a, b, evLt); mm.p != nil {
			return t.Call1(mm, a, b).Truthy()
		}
	}
	t1, t2 := a.TypeName(), b.TypeName()
	if t1 == t2 {
		t.Error("attempt to compare two %s values", t1)
	}
	t.Error("attempt to compare %s with %s", t1, t2)
	return false
}

// Index returns v[k] with metamethods, from Go (__index functions run as a
// nested, non-yieldable call).
func (t *Thread) Index(v, k Value) Value {
	for loop := 0; loop < maxTagLoop; loop++ {
		var mm Value
		if tt, ok := v.asTable(); ok {
			r := tt.Get(k)
			if r.p != nil || tt.meta == nil {
				return r
			}
			mm = tt.meta.metaIndex()
			if mm.p == nil {
				return Nil
			}
		} else {
			mm = t.p.metaOf(v, evIndex)
			if mm.p == nil {
				t.Error("attempt to index a %s value", v.TypeName())
			}
		}
		switch mm.ref().(type) {
		case *Closure, *GoFunction:
			return t.Call1(mm, v, k)
		}
		v = mm
	}
	t.Error("loop in gettable")
	return Nil
}

// LessMeta returns the __lt metamethod that a < b would call, or nil.
func (t *Thread) LessMeta(a, b Value) Value {
	if a.Type() != b.Type() {
		return Nil
	}
	return t.p.orderMeta(a, b, evLt)
}
