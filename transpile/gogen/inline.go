package gogen

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/mobilua/mobilua/ir"
)

// Inlining small functions at their calls.
//
// A call costs compiled code about 300 instructions (the callee's frame
// pushed and popped, two trips through the runtime's loop), and a small
// function called in a loop (spectral-norm's A(i, j), a getter, a
// comparator) does a tenth of that. Such a function is small and pure
// (inlinable): no calls, loops or allocation, and no stores but to
// upvalues once nothing can fail any more. Where a call may call one,
// compiled code runs its body at the call instead:
//
//   - which functions a call may call is guessed from the code (inlines):
//     a local function (CLOSURE, through upvalues and moves), a global the
//     chunk sets once, to a closure, the functions stored under a method's
//     name (obj:name(), M.name()), or for a function value (an argument, a
//     result) the few small ones of the chunk with as many parameters;
//   - runtime.NativeFrame.Inline checks that the value called is a
//     closure of one of them (of this chunk as loaded: the guess is only a
//     guess), and counts the call's step as Call would;
//   - the body works on Go locals (its registers) and reads the callee's
//     upvalues, constants and globals, and fields and array items that are
//     there (the hit paths). Anything else (an operand that is not a
//     number, a field that is absent, an __index) abandons it, and the call
//     is made as without inlining: the function runs from its start in its
//     own frame, with its errors, metamethods and traceback. Nothing has
//     been written when it does, so nothing is done twice.
//
// A constructor runs inline too (see constructor): a function that makes
// a table, sets its fields and maybe its metatable through the builtin
// setmetatable, and returns it, as objects' classes make their objects
// (setmetatable({x = x, y = y}, Vec)). What it made is nobody else's
// until it returns, so giving up after making it leaves only garbage; at
// a tail call (return vec(x, y)) or as a call's last argument, the one it
// returns is the call's result.
//
// So the frame never exists, but nothing could see it: the body cannot
// yield, fail or call, and has no backward jump (it ends). The interpreter
// and compiled code still agree on every frame and pc where a process can
// stop. The same body, written as a Go function of its own (pureFunc, a
// runtime.PureFunc), serves the runtime where it calls a function with two
// arguments: a metamethod, table.sort's comparator.

// maxInline is the longest function inlined, in instructions.
const maxInline = 40

// inlinable reports whether p is small and pure enough to run inline
// (see above): fixed parameters, forward jumps only, and instructions
// that only read.
func inlinable(p *ir.Proto) bool {
	if p.IsVararg || len(p.Code) > maxInline {
		return false
	}
	stored := false // a SETUPVAL came before: nothing may fail after it
	for pc, in := range p.Code {
		switch in.Op {
		case ir.MOVE, ir.LOADK, ir.LOADBOOL, ir.LOADNIL, ir.GETUPVAL, ir.NOT, ir.TEST, ir.TESTSET:
		case ir.SETUPVAL:
			stored = true
		case ir.GETGLOBAL, ir.ADD, ir.SUB, ir.MUL, ir.DIV, ir.MOD, ir.POW, ir.UNM,
			ir.EQ, ir.LT, ir.LE:
			if stored {
				return false
			}
		case ir.GETTABLE:
			if stored {
				return false
			}
			if in.C < 0 && p.Consts[^in.C].Kind != ir.KString && p.Consts[^in.C].Kind != ir.KNumber {
				return false
			}
		case ir.JMP:
			if in.B < 0 {
				return false
			}
		case ir.RETURN:
			if in.B == 0 {
				return false
			}
		default:
			return false
		}
		for _, t := range jumpTargets(pc, in) {
			if t > len(p.Code) {
				return false
			}
		}
	}
	return true
}

// constructor reports whether p, not pure, may still run inline at a
// call: a function that makes a table, sets its fields and maybe its
// metatable, and returns it (setmetatable({x = x, y = y}, Vec)), reading
// what a pure function reads. Straight code (no jumps); what it makes is
// its own until it returns it, so that giving up halfway (the call is made
// after all) leaves nothing anyone sees:
//   - NEWTABLE: compiled code makes the table only when its charge does
//     not check the memory limit (NativeFrame.NewTableInline);
//   - SETTABLE: a string constant's field of a table the body made, with no
//     metatable yet, within the room its NEWTABLE gave (it never grows: no
//     memory error);
//   - setmetatable(t, mt) of such a table, as CALL a 3 2 or as TAILCALL a
//     3 0 before its RETURN a 0: compiled code checks that the function
//     is the builtin and mt a table or nil (NativeFrame.SetMetatableInline).
func constructor(p *ir.Proto) bool {
	if p.IsVararg || len(p.Code) > maxInline {
		return false
	}
	room := map[int32]int32{} // the tables the body made, by register: fields they have room for
	made := false
	for pc, in := range p.Code {
		ok := false
		switch in.Op {
		case ir.MOVE, ir.LOADK, ir.LOADNIL, ir.GETUPVAL, ir.NOT, ir.GETGLOBAL,
			ir.ADD, ir.SUB, ir.MUL, ir.DIV, ir.MOD, ir.POW, ir.UNM:
			ok = true
		case ir.LOADBOOL:
			ok = in.C == 0
		case ir.GETTABLE:
			ok = in.C >= 0 || p.Consts[^in.C].Kind == ir.KString || p.Consts[^in.C].Kind == ir.KNumber
		case ir.NEWTABLE:
			ok, made = true, true
		case ir.SETTABLE:
			if n, fresh := room[in.A]; fresh && n > 0 && in.B < 0 && p.Consts[^in.B].Kind == ir.KString {
				room[in.A] = n - 1
				ok = true
			}
		case ir.CALL:
			_, fresh := room[in.A+1]
			ok = fresh && in.B == 3 && in.C == 2
		case ir.TAILCALL:
			_, fresh := room[in.A+1]
			ok = fresh && in.B == 3 && tailCall(p, pc)
		case ir.RETURN:
			ok = in.B != 0 || pc > 0 && p.Code[pc-1].Op == ir.TAILCALL
		}
		if !ok {
			return false
		}
		for r := range room {
			if w, _ := writes(in, r); w {
				delete(room, r)
			}
		}
		if in.Op == ir.NEWTABLE {
			room[in.A] = in.C
		}
	}
	return made
}

// returnsOne reports whether a constructor (straight code) returns one
// value: its first RETURN returns one, or the result of setmetatable.
func returnsOne(p *ir.Proto) bool {
	for pc, in := range p.Code {
		if in.Op == ir.RETURN {
			return in.B == 2 || pc > 0 && p.Code[pc-1].Op == ir.TAILCALL
		}
	}
	return false
}

// tailCall reports whether the instruction at pc is a TAILCALL of fixed
// arguments, with its RETURN after it (a call inline there returns what
// the function returns).
func tailCall(p *ir.Proto, pc int) bool {
	in := p.Code[pc]
	if in.Op != ir.TAILCALL || in.B == 0 || pc+1 >= len(p.Code) {
		return false
	}
	ret := p.Code[pc+1]
	return ret.Op == ir.RETURN && ret.A == in.A && ret.B == 0
}

// chunkTree is the chunk's functions in Chunk.Protos order, with each
// one's parent (-1 for the main chunk).
type chunkTree struct {
	protos []*ir.Proto
	index  map[*ir.Proto]int
	parent []int
	pure   []bool // inlinable (never the main chunk)
	inl    []bool // pure, or a constructor: may run inline at a call
	one    []bool // a constructor that returns one value (inline at a tail call)
	// globals: by name, the function a global is set to when the chunk
	// sets it once, to a closure made just before; -1 when it sets it
	// otherwise (absent: never)
	globals map[string]int
	// fields and arity: the pure functions stored under a field name, and
	// those with a number of parameters, when few (see few)
	fields map[string][]int
	arity  map[int][]int
}

// newChunkTree walks the chunk's functions once, for everything the
// guesses need (see inlines).
func newChunkTree(main *ir.Proto) *chunkTree {
	t := &chunkTree{index: map[*ir.Proto]int{}, globals: map[string]int{}, fields: map[string][]int{}, arity: map[int][]int{}}
	var walk func(p *ir.Proto, parent int)
	walk = func(p *ir.Proto, parent int) {
		t.index[p] = len(t.protos)
		t.protos = append(t.protos, p)
		t.parent = append(t.parent, parent)
		pure := parent >= 0 && inlinable(p)
		ctor := parent >= 0 && !pure && constructor(p)
		t.pure = append(t.pure, pure)
		t.inl = append(t.inl, pure || ctor)
		t.one = append(t.one, ctor && returnsOne(p))
		me := len(t.protos) - 1
		for _, q := range p.Protos {
			walk(q, me)
		}
	}
	walk(main, -1)
	for i, p := range t.protos {
		if t.pure[i] && i < 64 {
			t.arity[p.NumParams] = append(t.arity[p.NumParams], i)
		}
		for pc, in := range p.Code {
			// the closure just made, that in stores from register r
			made := func(r int32) int {
				if pc > 0 && p.Code[pc-1].Op == ir.CLOSURE && p.Code[pc-1].A == r {
					return t.index[p.Protos[p.Code[pc-1].B]]
				}
				return -1
			}
			switch {
			case in.Op == ir.SETGLOBAL && p.Consts[in.B].Kind == ir.KString:
				name := p.Consts[in.B].Str
				if _, twice := t.globals[name]; twice {
					t.globals[name] = -1
				} else {
					t.globals[name] = made(in.A)
				}
			case in.Op == ir.SETTABLE && in.B < 0 && p.Consts[^in.B].Kind == ir.KString && in.C >= 0:
				name := p.Consts[^in.B].Str
				if n := made(in.C); n >= 0 && t.inl[n] && n < 64 && !slices.Contains(t.fields[name], n) {
					t.fields[name] = append(t.fields[name], n)
				}
			}
		}
	}
	for k, ns := range t.fields {
		t.fields[k] = t.few(ns)
	}
	for k, ns := range t.arity {
		t.arity[k] = t.few(ns)
	}
	return t
}

// few is ns when they are few and short enough to be written at a call,
// else nil.
func (t *chunkTree) few(ns []int) []int {
	size := 0
	for _, n := range ns {
		size += len(t.protos[n].Code)
	}
	if len(ns) > maxCandidates || size > maxCandidateCode {
		return nil
	}
	return ns
}

// maxCandidates is how many functions a call whose callee cannot be
// guessed may run inline, and maxCandidateCode their length together.
const (
	maxCandidates    = 4
	maxCandidateCode = 64
)

// inlines returns, for the calls of function i that may run a function
// inline, the functions they may run (positions in the tree) by the call's
// pc: the callee guessed (guessCallee), or when there is no guess, the
// few small pure functions of the chunk that take as many parameters as
// the call passes arguments (a function passed as an argument, returned
// by another: map's f, a counter's closure). Only the first 64 functions
// of a chunk can (NativeFrame.Inline's mask).
func (t *chunkTree) inlines(i int) map[int][]int {
	p := t.protos[i]
	var m map[int][]int
	for pc, in := range p.Code {
		// a call whose results go on the stack (f(g(x))) or are returned
		// takes them all: only a constructor that returns one may run
		oneOnly := tailCall(p, pc) || in.Op == ir.CALL && in.B != 0 && in.C == 0
		if !oneOnly && (in.Op != ir.CALL || in.B == 0 || in.C != 1 && in.C != 2) {
			continue
		}
		var ns []int
		if name, ok := t.methodName(i, pc, in.A); ok {
			ns = t.fields[name]
		} else if n, ok := t.guessCallee(i, pc, in.A, 4); ok {
			if t.inl[n] && n != i && n < 64 {
				ns = []int{n}
			}
		} else if !t.foreignGlobal(i, pc, in.A) {
			ns = t.arity[int(in.B)-1]
		}
		if oneOnly {
			ns = slices.DeleteFunc(slices.Clone(ns), func(n int) bool { return !t.one[n] })
		}
		if len(ns) > 0 {
			if m == nil {
				m = map[int][]int{}
			}
			m[pc] = ns
		}
	}
	return m
}

// writer is the last instruction before pc that writes reg in function
// i, and its pc (false: none, or one that writes does not know).
func (t *chunkTree) writer(i, pc int, reg int32) (ir.Instr, int, bool) {
	p := t.protos[i]
	for j := pc - 1; j >= 0; j-- {
		if w, known := writes(p.Code[j], reg); !known || w {
			return p.Code[j], j, known
		}
	}
	return ir.Instr{}, 0, false
}

// methodName is the field name a method call or a call of a field
// (obj:name(), M.name()) takes its function from: the key of the SELF or
// GETTABLE that sets reg.
func (t *chunkTree) methodName(i, pc int, reg int32) (string, bool) {
	p := t.protos[i]
	in, _, ok := t.writer(i, pc, reg)
	if ok && in.A == reg && (in.Op == ir.SELF || in.Op == ir.GETTABLE) && in.C < 0 && p.Consts[^in.C].Kind == ir.KString {
		return p.Consts[^in.C].Str, true
	}
	return "", false
}

// foreignGlobal reports whether reg is set before pc from a global the
// chunk never sets (a builtin, most likely: no function of the chunk).
func (t *chunkTree) foreignGlobal(i, pc int, reg int32) bool {
	p := t.protos[i]
	in, _, ok := t.writer(i, pc, reg)
	if !ok || in.Op != ir.GETGLOBAL || p.Consts[in.B].Kind != ir.KString {
		return false
	}
	_, set := t.globals[p.Consts[in.B].Str]
	return !set
}

// guessCallee guesses which function register reg of function i holds
// at pc: the closure the last instruction before pc that writes reg
// makes (CLOSURE), or reads from a local that only ever holds one
// function (an upvalue, a MOVE) or from a global that the chunk sets once,
// to a function. Only a guess: a jump may land in between, a debug
// library may change a local; compiled code checks it (Inline).
func (t *chunkTree) guessCallee(i, pc int, reg int32, depth int) (int, bool) {
	if depth == 0 {
		return 0, false
	}
	p := t.protos[i]
	in, j, ok := t.writer(i, pc, reg)
	if !ok {
		return 0, false
	}
	switch in.Op {
	case ir.CLOSURE:
		return t.index[p.Protos[in.B]], true
	case ir.MOVE:
		return t.guessCallee(i, j, in.B, depth-1)
	case ir.GETUPVAL:
		return t.upvalFunc(i, int(in.B), depth-1)
	case ir.GETGLOBAL:
		if k := p.Consts[in.B]; k.Kind == ir.KString {
			return t.globalFunc(k.Str)
		}
	}
	return 0, false
}

// upvalFunc is the function upvalue u of function i holds, when the local
// it captures is set by CLOSURE only, to one function.
func (t *chunkTree) upvalFunc(i, u int, depth int) (int, bool) {
	if depth == 0 || t.parent[i] < 0 {
		return 0, false
	}
	d := t.protos[i].Upvals[u]
	par := t.parent[i]
	if !d.InStack {
		return t.upvalFunc(par, d.Index, depth-1)
	}
	pp := t.protos[par]
	// the local captured: the one in that register where the closure of
	// function i is made; what is written to it while it lives (from
	// its initializer on: `local f = function` sets it just before)
	lo, hi := 0, len(pp.Code)
	for pc, in := range pp.Code {
		if in.Op == ir.CLOSURE && t.index[pp.Protos[in.B]] == i {
			for _, lv := range pp.LocVars {
				if lv.Reg == d.Index && lv.Start <= pc && pc < lv.End {
					lo, hi = max(lv.Start-1, 0), lv.End
				}
			}
			break
		}
	}
	found := -1
	for _, in := range pp.Code[lo:hi] {
		w, known := writes(in, int32(d.Index))
		if !known || w && in.Op != ir.CLOSURE {
			return 0, false
		}
		if !w {
			continue
		}
		n := t.index[pp.Protos[in.B]]
		if found >= 0 && found != n {
			return 0, false
		}
		found = n
	}
	return found, found >= 0
}

// globalFunc is the function global name is set to, when the chunk sets
// it once, to a closure made just before.
func (t *chunkTree) globalFunc(name string) (int, bool) {
	n, ok := t.globals[name]
	return n, ok && n >= 0
}

// writes reports whether in writes register reg (known false: an
// instruction this does not know about).
func writes(in ir.Instr, reg int32) (w, known bool) {
	a := in.A
	switch in.Op {
	case ir.MOVE, ir.LOADK, ir.LOADBOOL, ir.GETUPVAL, ir.GETGLOBAL, ir.GETTABLE,
		ir.NEWTABLE, ir.ADD, ir.SUB, ir.MUL, ir.DIV, ir.MOD, ir.POW, ir.UNM, ir.NOT,
		ir.LEN, ir.CONCAT, ir.CLOSURE, ir.TESTSET:
		return reg == a, true
	case ir.LOADNIL:
		return reg >= a && reg <= in.B, true
	case ir.SELF:
		return reg == a || reg == a+1, true
	case ir.CALL, ir.VARARG, ir.TFORCALL, ir.FORPREP, ir.FORLOOP, ir.TFORLOOP:
		return reg >= a, true
	case ir.SETTABLE, ir.SETGLOBAL, ir.SETUPVAL, ir.EQ, ir.LT, ir.LE, ir.TEST,
		ir.JMP, ir.RETURN, ir.TAILCALL, ir.SETLIST, ir.CLOSE:
		return false, true
	}
	return false, false
}

// inlineCall is the code of CALL a b c (c 1 or 2) at pc running one of
// functions ns inline; the call itself follows it, at label call<pc>.
func (g *gen) inlineCall(pc int, in ir.Instr, ns []int) []jen.Code {
	var mask uint64
	for _, n := range ns {
		mask |= 1 << n
	}
	which := jen.Id("_")
	if len(ns) > 1 {
		which = jen.Id("n")
	}
	head := []jen.Code{
		jen.List(jen.Id("ic"), which).Op(":=").Id("f").Dot("Inline").Call(reg(in.A), jen.Id("cl"), jen.Lit(mask)),
		jen.If(jen.Id("ic").Op("==").Nil()).Block(jen.Goto().Id(fmt.Sprintf("call%d", pc))),
	}
	var names []string
	for _, n := range ns {
		names = append(names, funcName(n, g.tree.protos[n]))
	}
	doc := jen.Commentf("%s inline (the call follows, for when it cannot be)", strings.Join(names, " or "))
	if len(ns) == 1 {
		return []jen.Code{doc, jen.Block(append(head, g.inlineBody(ns[0], g.callSite(pc, in, ""))...)...)}
	}
	sw := jen.Switch(jen.Id("n")).BlockFunc(func(gr *jen.Group) {
		for _, n := range ns {
			gr.Case(jen.Lit(n)).Block(g.inlineBody(n, g.callSite(pc, in, fmt.Sprintf("_%d", n)))...)
		}
	})
	return []jen.Code{doc, jen.Block(append(head, sw)...)}
}

// site is where a function's body is written (inlineBody): at a call, or
// as a function of its own (pureFunc).
type site struct {
	prefix string     // of its labels
	fail   jen.Code   // gives up: the call is made after all
	args   []jen.Code // the arguments (the parameters past them are nil)
	known  []bool     // the arguments known to hold numbers
	// ret delivers the result v (nil: none) and leaves the body
	ret func(v jen.Code) []jen.Code
}

// callSite is the site of CALL a b c at pc (sfx tells one candidate's
// labels from another's), or of TAILCALL a b, whose RETURN after it
// returns the one result (see tailCall).
func (g *gen) callSite(pc int, in ir.Instr, sfx string) site {
	st := site{prefix: fmt.Sprintf("in%d%s", pc, sfx), fail: jen.Goto().Id(fmt.Sprintf("call%d", pc))}
	for i := int32(0); i < in.B-1; i++ {
		st.args = append(st.args, reg(in.A+1+i))
		st.known = append(st.known, g.nums[pc].has(in.A+1+i))
	}
	if in.Op == ir.TAILCALL {
		st.ret = func(v jen.Code) []jen.Code {
			return []jen.Code{reg(in.A).Op("=").Add(v), jen.Return(jen.Id("f").Dot("ReturnOne").Call(jen.Id("base"), jen.Lit(pc+1), jen.Lit(int(in.A))))}
		}
		return st
	}
	done := fmt.Sprintf("in%d_done", pc)
	st.ret = func(v jen.Code) []jen.Code {
		switch in.C {
		case 0: // (one result: see inlines)
			return []jen.Code{reg(in.A).Op("=").Add(v), jen.Id("f").Dot("SetTop").Call(jen.Id("base").Op("+").Lit(int(in.A) + 1)), jen.Goto().Id(done)}
		case 2:
			return []jen.Code{reg(in.A).Op("=").Add(v), jen.Goto().Id(done)}
		}
		return []jen.Code{jen.Goto().Id(done)}
	}
	return st
}

// inlineBody is the body of function n, once ic holds a closure of it,
// written at st.
func (g *gen) inlineBody(n int, st site) []jen.Code {
	q := g.tree.protos[n]
	fail := st.fail
	lbl := func(qpc int) string { return fmt.Sprintf("%s_%d", st.prefix, qpc) }
	qr := func(i int32) *jen.Statement { return jen.Id(fmt.Sprintf("q%d", i)) }
	qk := func(i int) *jen.Statement { return jen.Id("ic").Dot("P").Dot("K").Index(jen.Lit(i)) }
	qrk := func(x int32) *jen.Statement {
		if x < 0 {
			return qk(int(^x))
		}
		return qr(x)
	}
	qhint := func(qpc int) jen.Code { return jen.Op("&").Id("ic").Dot("P").Dot("IC").Index(jen.Lit(qpc)) }
	// a number operand: a literal for a plain number constant, else the
	// value's float after a test
	// known: the registers that hold numbers here (written by arithmetic
	// since the last label: the body is straight code between them)
	known := map[int32]bool{}
	var tested []int32 // the registers the instruction tests
	num := func(x int32, name string, divisor bool) (val *jen.Statement, decl, guard jen.Code) {
		if v, ok := numConst(q, x, divisor); ok {
			return jen.Lit(v), nil, nil
		}
		if x >= 0 && known[x] {
			return qr(x).Dot("Num").Call(), nil, nil
		}
		if x >= 0 {
			tested = append(tested, x)
		}
		return jen.Id(name).Dot("Num").Call(), jen.Id(name).Op(":=").Add(qrk(x)), jen.Op("!").Id(name).Dot("IsNumber").Call()
	}
	guarded := func(decls []jen.Code, guard jen.Code, then ...jen.Code) jen.Code {
		s := decls
		if guard != nil {
			s = append(s, jen.If(guard).Block(fail))
		}
		return jen.Block(append(s, then...)...)
	}
	// the parameters the caller knows are numbers
	for i := 0; i < min(q.NumParams, len(st.args)); i++ {
		known[int32(i)] = st.known[i]
	}
	// what runs: from pc 0, through jumps (forward only) and fall-throughs
	targets := map[int]bool{}
	reach := make([]bool, len(q.Code)+1)
	reach[0] = true
	for qpc, qin := range q.Code {
		if !reach[qpc] {
			continue
		}
		for _, t := range jumpTargets(qpc, qin) {
			targets[t], reach[t] = true, true
		}
		if fallsThrough(qin) && qin.Op != ir.TAILCALL { // (it returns: see below)
			reach[qpc+1] = true
		}
	}
	var body []jen.Code
	for qpc, qin := range q.Code {
		if !reach[qpc] {
			continue
		}
		if targets[qpc] {
			body = append(body, jen.Id(lbl(qpc)).Op(":"))
			clear(known)
		}

		body = append(body, jen.Comment(q.FormatInstr(qpc)))
		a, b, c := qin.A, qin.B, qin.C
		tested = tested[:0]
		jump := func(t int) jen.Code { return jen.Goto().Id(lbl(t)) }
		switch qin.Op {
		case ir.MOVE:
			body = append(body, qr(a).Op("=").Add(qr(b)))
		case ir.LOADK:
			if v, ok := numConst(q, ir.RKConst(int(b)), false); ok {
				body = append(body, qr(a).Op("=").Add(rt("Number")).Call(jen.Lit(v)))
			} else {
				body = append(body, qr(a).Op("=").Add(qk(int(b))))
			}
		case ir.LOADBOOL:
			v := "False"
			if b != 0 {
				v = "True"
			}
			body = append(body, qr(a).Op("=").Add(rt(v)))
			if c != 0 {
				body = append(body, jump(qpc+2))
			}
		case ir.LOADNIL:
			for i := a; i <= b; i++ {
				body = append(body, qr(i).Op("=").Add(rt("Nil")))
			}
		case ir.GETUPVAL:
			body = append(body, qr(a).Op("=").Id("ic").Dot("Upvals").Index(jen.Lit(int(b))).Dot("Get").Call())
		case ir.SETUPVAL:
			body = append(body, jen.Id("ic").Dot("Upvals").Index(jen.Lit(int(b))).Dot("Set").Call(qr(a)))
		case ir.GETGLOBAL:
			// (a builtin's name is not the constant's string: found by
			// its bytes)
			body = append(body, jen.Block(
				jen.List(jen.Id("v"), jen.Id("ok")).Op(":=").Id("ic").Dot("Env").Dot("FieldHit").Call(qk(int(b)), qhint(qpc)),
				jen.If(jen.Op("!").Id("ok")).Block(
					jen.List(jen.Id("ks"), jen.Id("_")).Op(":=").Add(qk(int(b))).Dot("Str").Call(),
					jen.If(jen.Id("v").Op("=").Id("ic").Dot("Env").Dot("GetStrHint").Call(jen.Id("ks"), qhint(qpc)), jen.Id("v").Dot("IsNil").Call()).Block(fail),
				),
				qr(a).Op("=").Id("v"),
			))
		case ir.GETTABLE:
			get := jen.List(jen.Id("v"), jen.Id("ok")).Op(":=").Id("t").Dot("GetArrayHit").Call(qrk(c))
			if c < 0 && q.Consts[^c].Kind == ir.KString {
				get = jen.List(jen.Id("v"), jen.Id("ok")).Op(":=").Id("t").Dot("FieldHit").Call(qk(int(^c)), qhint(qpc))
			}
			body = append(body, jen.Block(
				jen.Id("t").Op(":=").Add(qr(b)).Dot("Table").Call(),
				jen.If(jen.Id("t").Op("==").Nil()).Block(fail),
				get,
				jen.If(jen.Op("!").Id("ok").Op("||").Id("v").Dot("IsNil").Call()).Block(fail),
				qr(a).Op("=").Id("v"),
			))
		case ir.ADD, ir.SUB, ir.MUL, ir.DIV, ir.MOD, ir.POW:
			bv, bd, bg := num(b, "x", false)
			cv, cd, cg := num(c, "y", qin.Op == ir.DIV || qin.Op == ir.MOD)
			if b < 0 && c < 0 {
				cv, cd, cg = jen.Id("y").Dot("Num").Call(), jen.Id("y").Op(":=").Add(qrk(c)), jen.Op("!").Id("y").Dot("IsNumber").Call()
			}
			decls, guard := operands(bd, cd, bg, cg)
			body = append(body, guarded(decls, guard, qr(a).Op("=").Add(rt("Number")).Call(arithExpr(qin.Op, bv, cv))))
		case ir.UNM:
			bv, bd, bg := num(b, "x", false)
			decls, guard := operands(bd, nil, bg, nil)
			body = append(body, guarded(decls, guard, qr(a).Op("=").Add(rt("Number")).Call(jen.Op("-").Add(bv))))
		case ir.NOT:
			body = append(body, qr(a).Op("=").Add(rt("Bool")).Call(jen.Op("!").Add(qr(b)).Dot("Truthy").Call()))
		case ir.EQ, ir.LT, ir.LE:
			plain := func(x int32) bool {
				_, lit := numConst(q, x, false)
				return lit || x >= 0 && known[x]
			}
			if !plain(b) || !plain(c) || b < 0 && c < 0 {
				// not both numbers: the runtime's comparison when no
				// metamethod can take part (strings, equality of
				// different types)
				cond := jen.Id("res")
				if a != 0 {
					cond = jen.Op("!").Id("res")
				}
				op := cmpOp(qin.Op)
				body = append(body, jen.Block(
					jen.List(jen.Id("x"), jen.Id("y")).Op(":=").List(qrk(b), qrk(c)),
					jen.Var().Id("res").Bool(),
					jen.If(jen.Id("x").Dot("IsNumber").Call().Op("&&").Id("y").Dot("IsNumber").Call()).Block(
						jen.Id("res").Op("=").Id("x").Dot("Num").Call().Op(op).Id("y").Dot("Num").Call(),
					).Else().Block(
						jen.Var().Id("ok").Bool(),
						jen.If(jen.List(jen.Id("res"), jen.Id("ok")).Op("=").Add(rt("ComparePlain")).Call(jen.Id("x"), jen.Id("y"), jen.Qual("github.com/mobilua/mobilua/ir", qin.Op.String())), jen.Op("!").Id("ok")).Block(fail),
					),
					jen.If(cond).Block(jump(qpc+2)),
				))
				break
			}
			bv, bd, bg := num(b, "x", false)
			cv, cd, cg := num(c, "y", false)
			if b < 0 && c < 0 {
				cv, cd, cg = jen.Id("y").Dot("Num").Call(), jen.Id("y").Op(":=").Add(qrk(c)), jen.Op("!").Id("y").Dot("IsNumber").Call()
			}
			cond := bv.Clone().Op(cmpOp(qin.Op)).Add(cv)
			if a != 0 {
				cond = jen.Op("!").Parens(cond)
			}
			decls, guard := operands(bd, cd, bg, cg)
			body = append(body, guarded(decls, guard, jen.If(cond).Block(jump(qpc+2))))
		case ir.TEST:
			cond := qr(a).Dot("Truthy").Call()
			if c != 0 {
				cond = jen.Op("!").Add(cond)
			}
			body = append(body, jen.If(cond).Block(jump(qpc+2)))
		case ir.TESTSET:
			cond := qr(b).Dot("Truthy").Call()
			if c == 0 {
				cond = jen.Op("!").Add(cond)
			}
			body = append(body, jen.If(jen.Op("!").Parens(cond)).Block(jump(qpc+2)), qr(a).Op("=").Add(qr(b)))
		case ir.JMP:
			body = append(body, jump(qpc+1+int(b)))
		case ir.NEWTABLE: // (a constructor's: see constructor)
			body = append(body, jen.Block(
				jen.List(jen.Id("v"), jen.Id("ok")).Op(":=").Id("f").Dot("NewTableInline").Call(jen.Lit(int(b)), jen.Lit(int(c))),
				jen.If(jen.Op("!").Id("ok")).Block(fail),
				qr(a).Op("=").Id("v"),
			))
		case ir.SETTABLE: // a field of a table the body made
			body = append(body, qr(a).Dot("Table").Call().Dot("SetStrHint").Call(qk(int(^b)), qrk(c), qhint(qpc)))
		case ir.CALL, ir.TAILCALL: // setmetatable(t, mt) of a table the body made
			body = append(body, jen.If(jen.Op("!").Id("f").Dot("SetMetatableInline").Call(qr(a), qr(a+1), qr(a+2))).Block(fail))
			if qin.Op == ir.TAILCALL {
				body = append(body, st.ret(qr(a+1))...)
			} else {
				body = append(body, qr(a).Op("=").Add(qr(a+1)))
			}
		case ir.RETURN:
			v := rt("Nil")
			if b >= 2 {
				v = qr(a)
			}
			body = append(body, st.ret(v)...)
		default:
			panic(fmt.Sprintf("gogen: %v inline", qin.Op))
		}
		for _, x := range tested {
			known[x] = true // (else the call was made)
		}
		switch qin.Op {
		case ir.ADD, ir.SUB, ir.MUL, ir.DIV, ir.MOD, ir.POW, ir.UNM:
			known[a] = true
		case ir.MOVE:
			known[a] = known[b]
		case ir.LOADNIL:
			for i := a; i <= b; i++ {
				delete(known, i)
			}
		case ir.EQ, ir.LT, ir.LE, ir.TEST, ir.JMP, ir.RETURN, ir.SETUPVAL:
		default:
			delete(known, a)
		}
	}
	if reach[len(q.Code)] {
		body = append(body, jen.Id(lbl(len(q.Code))).Op(":"))
		body = append(body, st.ret(rt("Nil"))...)
	}
	// its registers: the parameters from the call's arguments (nil for
	// those it does not pass), the others nil, as a new frame's
	var regs, init []jen.Code
	for i := 0; i < q.MaxStack; i++ {
		regs = append(regs, qr(int32(i)))
		if i < q.NumParams && i < len(st.args) {
			init = append(init, qr(int32(i)).Op("=").Add(st.args[i]))
		}
	}
	var head []jen.Code
	if len(regs) > 0 {
		head = append(head, jen.Var().List(regs...).Add(rt("Value")), jen.List(underscores(len(regs))...).Op("=").List(regs...))
	}
	head = append(head, init...)
	return append(head, body...)
}

// inlineWeights is, by pc, what the bodies the function's calls run
// inline add to its weight (see split): Go's compiler inlines nothing
// into a function that grows too long, the table accesses' hit paths
// among the rest.
func (g *gen) inlineWeights() map[int]int {
	m := map[int]int{}
	for pc, ns := range g.inl {
		for _, n := range ns {
			for _, in := range g.tree.protos[n].Code {
				m[pc] += weight(in)
			}
		}
	}
	return m
}

// pureFunc writes function n's body as a runtime.PureFunc: the runtime
// runs it where it would call the function with two arguments, a
// metamethod or table.sort's comparator, without a frame.
func (g *gen) pureFunc(name string, n int) jen.Code {
	q := g.tree.protos[n]
	st := site{
		prefix: "p",
		fail:   jen.Return(rt("Nil"), jen.False()),
		args:   []jen.Code{jen.Id("a"), jen.Id("b")},
		known:  []bool{false, false},
		ret:    func(v jen.Code) []jen.Code { return []jen.Code{jen.Return(v, jen.True())} },
	}
	src := path.Base(strings.TrimPrefix(q.Source, "@"))
	what := "an anonymous function"
	if q.Name != "" {
		what = "function " + q.Name
	}
	return jen.Commentf("%s is %s, %s:%d, as the runtime runs it without a frame (see runtime.PureFunc).", name, what, src, q.LineDefined).Line().
		Func().Id(name).Params(jen.Id("ic").Op("*").Add(rt("Closure")), jen.List(jen.Id("a"), jen.Id("b")).Add(rt("Value"))).Params(rt("Value"), jen.Bool()).
		Block(g.inlineBody(n, st)...)
}

func underscores(n int) []jen.Code {
	s := make([]jen.Code, n)
	for i := range s {
		s[i] = jen.Id("_")
	}
	return s
}
