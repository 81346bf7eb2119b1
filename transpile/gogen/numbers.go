package gogen

// Which registers hold numbers.
//
// Compiled code tests that an arithmetic operand is a number before it
// does the arithmetic inline, and stores a result as a whole Value (the
// type word, the tag, the float: the tag is a pointer, so the store has
// a write barrier). Where the operands are known to be numbers, the test
// and its slow path go; where the register written already holds a
// number, only the float is stored (Value.SetNum).
//
// What is known comes from a forward analysis over the whole function:
// every instruction, compiled or not, with what it does to the registers
// in either engine, met over all paths (intersection). It is a property
// of the program at each pc, so it holds however the frame got there:
// by compiled code, by the interpreter, by a thawed continuation made by
// either. A register becomes a number by a number constant, arithmetic on
// numbers, a numeric for loop (FORPREP checks its three registers, and
// converts strings in place), or a MOVE or UNM of a number; anything else
// that writes it makes it unknown: a call writes every register from its
// function's up (the callee's frame starts there), CONCAT works in place
// over its operands, VARARG and TFORCALL write past their A. Metamethods
// and builtins called by other instructions run above the frame's
// registers (callMeta) and deliver their result to the instruction's A.
// A register a closure captures may change under any call (an open
// upvalue writes the register), so it is never known. The interpreter's
// debug library has no setlocal.
//
// A continuation from the network could place other values in a register
// the analysis knows: compiled code then reads a number from a non-number
// (the float a Value carries beside its object) or writes one beside it;
// wrong results, never memory unsafety.

import "github.com/mobilua/mobilua/ir"

// regSet is a set of registers: 0 to 511 (registers past that are never
// known; the IR has fewer).
type regSet [8]uint64

func (s *regSet) has(r int32) bool {
	return r >= 0 && int(r) < 64*len(s) && s[r/64]&(1<<(r%64)) != 0
}

func (s *regSet) set(r int32, on bool) {
	if r < 0 || int(r) >= 64*len(s) {
		return
	}
	if on {
		s[r/64] |= 1 << (r % 64)
	} else {
		s[r/64] &^= 1 << (r % 64)
	}
}

// clearRange removes registers lo to hi.
func (s *regSet) clearRange(lo, hi int32) {
	for i := lo; i <= hi; i++ {
		s.set(i, false)
	}
}

// clearVararg removes the registers VARARG a b writes.
func (s *regSet) clearVararg(a, b int32) {
	if b == 0 {
		s.clearFrom(a)
	} else {
		s.clearRange(a, a+b-2)
	}
}

// clearFrom removes r and every register above it.
func (s *regSet) clearFrom(r int32) {
	r = max(r, 0)
	for w := int(r / 64); w < len(s); w++ {
		if w == int(r/64) {
			s[w] &= 1<<(r%64) - 1
		} else {
			s[w] = 0
		}
	}
}

func (s regSet) and(o regSet) regSet {
	for i := range s {
		s[i] &= o[i]
	}
	return s
}

func (s regSet) or(o regSet) regSet {
	for i := range s {
		s[i] |= o[i]
	}
	return s
}

func (s regSet) andNot(o regSet) regSet {
	for i := range s {
		s[i] &^= o[i]
	}
	return s
}

// numberRegs returns, for each pc of p, the registers that hold a number
// whenever the instruction at pc starts; unreachable pcs know nothing.
func numberRegs(p *ir.Proto) []regSet {
	a := newAnalysis(p)
	a.seed(0, regSet{})
	a.solve(func(pc int, edge func(int, regSet)) {
		flow(p, pc, p.Code[pc], a.state[pc], edge)
	})
	return a.state
}

// analysis is a forward analysis of which registers hold numbers: states
// per pc, met over the edges that reach them (intersection), from seeds.
type analysis struct {
	n        int
	state    []regSet
	seen     []bool
	work     []int
	captured regSet // registers a closure captures: never known
}

func newAnalysis(p *ir.Proto) *analysis {
	n := len(p.Code)
	a := &analysis{n: n, state: make([]regSet, n+1), seen: make([]bool, n+1)}
	for _, in := range p.Code {
		if in.Op == ir.CLOSURE && int(in.B) < len(p.Protos) {
			for _, u := range p.Protos[in.B].Upvals {
				if u.InStack {
					a.captured.set(int32(u.Index), true)
				}
			}
		}
	}
	return a
}

// seed starts the analysis at pc with s.
func (a *analysis) seed(pc int, s regSet) {
	a.state[pc], a.seen[pc] = s.andNot(a.captured), true
	a.work = append(a.work, pc)
}

// solve runs step on each pc whose state changed, until none does; step
// calls edge with each pc the instruction goes on at and the state there.
func (a *analysis) solve(step func(pc int, edge func(int, regSet))) {
	edge := func(to int, s regSet) {
		if to < 0 || to > a.n {
			return
		}
		s = s.andNot(a.captured)
		switch {
		case !a.seen[to]:
			a.seen[to], a.state[to] = true, s
		case a.state[to].and(s) != a.state[to]:
			a.state[to] = a.state[to].and(s)
		default:
			return
		}
		a.work = append(a.work, to)
	}
	for len(a.work) > 0 {
		pc := a.work[len(a.work)-1]
		a.work = a.work[:len(a.work)-1]
		if pc < a.n {
			step(pc, edge)
		}
	}
}

// flow calls edge for each pc the instruction at pc may go on at, with
// the registers known to hold numbers there, given s before it.
func flow(p *ir.Proto, pc int, in ir.Instr, s regSet, edge func(to int, s regSet)) {
	a, b, c := in.A, in.B, in.C
	next := pc + 1
	switch in.Op {
	case ir.MOVE, ir.UNM:
		s.set(a, s.has(b))
	case ir.LOADK:
		s.set(a, isNumber(p, ir.RKConst(int(b)), s))
	case ir.LOADBOOL:
		s.set(a, false)
		if c != 0 {
			edge(pc+2, s)
			return
		}
	case ir.LOADNIL:
		s.clearRange(a, b)
	case ir.GETUPVAL, ir.GETGLOBAL, ir.GETTABLE, ir.NEWTABLE, ir.NOT, ir.LEN, ir.CLOSURE:
		s.set(a, false)
	case ir.SELF:
		s.set(a, false)
		s.set(a+1, false)
	case ir.SETGLOBAL, ir.SETUPVAL, ir.SETTABLE, ir.SETLIST, ir.CLOSE:
	case ir.ADD, ir.SUB, ir.MUL, ir.DIV, ir.MOD, ir.POW:
		s.set(a, isNumber(p, b, s) && isNumber(p, c, s))
	case ir.CONCAT:
		s.clearRange(b, c)
		s.set(a, false)
	case ir.JMP:
		edge(next+int(b), s)
		return
	case ir.EQ, ir.LT, ir.LE, ir.TEST:
		edge(pc+2, s)
	case ir.TESTSET:
		edge(pc+2, s) // skips: R(A) unchanged
		s.set(a, s.has(b))
	case ir.CALL, ir.TAILCALL:
		// (TAILCALL of what is not a Lua function goes on to the RETURN
		// after it)
		s.clearFrom(a)
	case ir.RETURN:
		return
	case ir.FORPREP:
		s.set(a, true)
		s.set(a+1, true)
		s.set(a+2, true)
		edge(next+int(b), s)
		return
	case ir.FORLOOP:
		edge(next, s)
		s.set(a, true)
		s.set(a+3, true)
		edge(next+int(b), s)
		return
	case ir.TFORCALL:
		s.clearFrom(a + 3)
	case ir.TFORLOOP:
		edge(next, s)
		s.set(a+2, s.has(a+3))
		edge(next+int(b), s)
		return
	case ir.VARARG:
		s.clearVararg(a, b)
	default:
		panic("gogen: flow: unknown instruction " + in.Op.String())
	}
	edge(next, s)
}

// compiledNums returns, for each pc of p, the registers that hold a
// number whenever compiled code reaches pc; an entry checks those sem
// does not know of before it goes there (see gen.body).
//
// Within compiled code more is known than in general: an arithmetic
// instruction whose operands are tested goes on only when they are
// numbers (otherwise it leaves to the runtime, ArithOut, and the
// interpreter goes on after it, up to the next entry), so after it its
// operands are numbers as well as its result. Compiled code is entered
// at entries: where a run of fast instructions starts (a loop's head, a
// function's start) only what numberRegs knows holds; where a call or a
// comparison's metamethod returns to, or where one part of a function
// jumps to another, compiled code checks the registers it needs (they
// hold numbers unless the interpreter ran the instructions before, when
// they may not), and returns the pc to the interpreter when one does not.
// (So does every other pc a part of a long function is entered at: the
// analysis sees the jumps between parts as the jumps they are, and the
// runtime may enter a part there from outside as well.)
// So what the operands' tests found out lasts through a loop's body, and
// across calls, but starts again at each loop's head.
func compiledNums(p *ir.Proto, fa funcInfo, sem []regSet) []regSet {
	n := len(p.Code)
	a := newAnalysis(p)
	var used regSet
	for _, in := range p.Code {
		switch in.Op {
		case ir.ADD, ir.SUB, ir.MUL, ir.DIV, ir.MOD, ir.POW, ir.UNM, ir.EQ, ir.LT, ir.LE:
			// the registers whose being numbers compiled code uses
			// (an operand's test, a store of the float alone)
			used.set(in.B, true)
			if in.Op != ir.UNM {
				used.set(in.C, true)
			}
			if in.Op != ir.EQ && in.Op != ir.LT && in.Op != ir.LE {
				used.set(in.A, true)
			}
		}
	}
	// loop heads (where a backward jump lands) and the function's start
	// know only what sem knows: so a check that fails (when the
	// interpreter went on after an instruction compiled code would have
	// left at) leaves the rest of one pass of the loop to the
	// interpreter, not the whole loop
	head := make([]bool, n+1)
	head[0] = true
	for pc, in := range p.Code {
		for _, t := range jumpTargets(pc, in) {
			if t <= pc && t >= 0 {
				head[t] = true
			}
		}
	}
	for pc := range p.Code {
		if head[pc] && fa.fast[pc] {
			a.seed(pc, sem[pc])
		}
	}
	for _, e := range fa.entries {
		if !head[e] && fa.fast[e] {
			a.seed(int(e), sem[e].or(used))
		}
	}
	a.solve(func(pc int, edge func(int, regSet)) {
		if !fa.fast[pc] {
			return // compiled code leaves there
		}
		in := p.Code[pc]
		s := a.state[pc]
		switch in.Op {
		case ir.ADD, ir.SUB, ir.MUL, ir.DIV, ir.MOD, ir.POW, ir.UNM:
			// tested: they are numbers, or compiled code has left
			s.set(in.B, true)
			if in.Op != ir.UNM {
				s.set(in.C, true)
			}
		}
		flow(p, pc, in, s, edge)
	})
	return a.state
}

// neededNums returns, for each pc of p, the registers whose holding a
// number (as nums says) the compiled code from pc on relies on before it
// writes them: an operand read without its test, a register whose float
// alone is stored, and what such a register's being a number came from
// (a MOVE's source, say). An entry checks only those: what it does not
// check, nothing relies on. (A backward analysis; too many is safe, it
// only checks more.)
func neededNums(p *ir.Proto, fa funcInfo, nums []regSet) []regSet {
	n := len(p.Code)
	needed := make([]regSet, n+2)
	for changed := true; changed; {
		changed = false
		for pc := n - 1; pc >= 0; pc-- {
			if !fa.fast[pc] {
				continue // compiled code leaves there
			}
			s := needIn(p, pc, p.Code[pc], nums[pc], needed)
			if s != needed[pc] {
				needed[pc], changed = s, true
			}
		}
	}
	return needed
}

// needIn is neededNums' step: what is needed before the instruction at pc,
// given what is needed where it goes on.
func needIn(p *ir.Proto, pc int, in ir.Instr, known regSet, needed []regSet) regSet {
	a, b, c := in.A, in.B, in.C
	var out regSet
	for _, t := range jumpTargets(pc, in) {
		if t >= 0 && t < len(needed) {
			out = out.or(needed[t])
		}
	}
	if fallsThrough(in) {
		out = out.or(needed[pc+1])
	}
	use := func(r int32) {
		if known.has(r) {
			out.set(r, true)
		}
	}
	switch in.Op {
	case ir.MOVE, ir.UNM:
		from := out.has(a)
		out.set(a, false)
		if from {
			out.set(b, true)
		}
		use(a)
		use(b)
	case ir.LOADK:
		out.set(a, false)
		use(a)
	case ir.ADD, ir.SUB, ir.MUL, ir.DIV, ir.MOD, ir.POW:
		// after it, its result and its operands are numbers however they
		// were before: tested, or relied on (use)
		out.set(a, false)
		out.set(b, false)
		out.set(c, false)
		use(a)
		use(b)
		use(c)
	case ir.EQ, ir.LT, ir.LE:
		use(b)
		use(c)
	case ir.FORPREP:
		for i := a; i <= a+2; i++ {
			out.set(i, false)
			use(i)
		}
	case ir.FORLOOP:
		for i := a; i <= a+3; i++ {
			use(i)
		}
	case ir.LOADBOOL, ir.GETUPVAL, ir.GETGLOBAL, ir.GETTABLE, ir.NEWTABLE, ir.NOT, ir.LEN, ir.CLOSURE:
		out.set(a, false)
	case ir.SELF:
		out.set(a, false)
		out.set(a+1, false)
	case ir.LOADNIL:
		out.clearRange(a, b)
	case ir.CONCAT:
		out.clearRange(b, c)
		out.set(a, false)
	case ir.CALL, ir.TAILCALL:
		out.clearFrom(a)
	case ir.TFORCALL:
		out.clearFrom(a + 3)
	case ir.TESTSET:
		if out.has(a) {
			out.set(b, true)
		}
	case ir.TFORLOOP:
		if out.has(a + 2) {
			out.set(a+3, true)
		}
	case ir.VARARG:
		out.clearVararg(a, b)
	}
	return out
}
