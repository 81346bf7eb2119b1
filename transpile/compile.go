package transpile

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/mobilua/mobilua/ir"
	"github.com/mobilua/mobilua/transpile/ast"
)

// Options tune compilation.
type Options struct {
	// File is true for chunks read from a file: a first line starting
	// with '#' is skipped, as lua5.1 does for scripts.
	File bool
	// Generation is the version of the code to make: 0 is the current
	// one (Generation), an earlier one makes the code an earlier Mobilua
	// made, so that a continuation frozen with it thaws (see Generation).
	Generation int
}

// Generation is the version of the code the compiler makes; what each
// generation changed. Stored continuations name their code by its
// fingerprint, and a reader that finds no match for the current
// generation's code tries the earlier ones (runtime.GenerationCompiler).
//
//  1. The code until December 2026.
//  2. lua5.1's luaK_nil: no LOADNIL at a function's start (the call
//     clears those registers: ir.Proto.NilFrom), consecutive LOADNILs
//     merged where no jump lands between them; every vararg function has
//     its implicit local arg (the call makes the table when the function
//     does not use '...'), not only one that names it.
const Generation = 2

// Compile compiles a chunk. chunk is Lua's chunk name: "@file" for a file,
// "=name" for a chunk named name, or otherwise the source text itself
// (as loadstring names its chunks).
func Compile(src []byte, chunk string, opts Options) (p *ir.Proto, err error) {
	source := ShortSrc(chunk)
	c := &compiler{source: source, errSource: errorSrc(chunk), gen: opts.Generation}
	if c.gen <= 0 || c.gen > Generation {
		c.gen = Generation
	}
	defer func() {
		if r := recover(); r != nil {
			if ce, ok := r.(*Error); ok {
				p, err = nil, ce
				return
			}
			panic(r)
		}
	}()
	r := c.resolver()
	fs := c.openFunc(nil, 0)
	fs.p.IsVararg = true
	fs.p.ID = "0"
	// (a guess at the main function's code: a chunk of n bytes of source
	// has about n/16 instructions, most of them in the main function when
	// it is large; regrowth would copy it all again and again)
	fs.p.Code, fs.p.Lines = make([]ir.Instr, 0, len(src)/16), make([]int32, 0, len(src)/16)
	fs.enterBlock(false)
	last := 0
	// each statement of the main chunk is resolved and lowered as soon
	// as it is read
	if err := parse(src, c.errSource, opts.File, func(s ast.Stmt) {
		r.stmt(s)
		fs.stmt(s)
		fs.freereg = fs.nactvar()
		last = lastLine(s)
	}); err != nil {
		return nil, err
	}
	for _, l := range r.fn.locals {
		// a local a later statement captured: its block closes it, as
		// when the capture is known at the declaration (addLocal)
		fs.bl.upval = fs.bl.upval || l.Captured
	}
	fs.leaveBlock()
	fs.p.LastLine = 0
	fs.line = last
	return c.closeFunc(fs), nil
}

type compiler struct {
	source    string     // the chunk's name in run-time messages (ShortSrc)
	errSource string     // and in its syntax errors (errorSrc)
	gen       int        // the generation of code made (Options.Generation)
	spare     []*scratch // buffers of closed functions, for the next ones
	kept      struct {   // what closed functions keep, in blocks
		code   block[ir.Instr]
		lines  block[int32]
		consts block[ir.Const]
		locs   block[ir.LocVar]
	}
	blocks []*blockScope // of blocks left, for the next ones
}

// scratch holds the growing slices of a function being compiled;
// closeFunc copies them out at their size and keeps the buffers for the
// next function (functions nest: the compiler keeps a stack of them), so
// that a chunk of many functions does not leave each one's grown copies
// behind for the collector.
type scratch struct {
	code    []ir.Instr
	lines   []int32
	consts  []ir.Const
	locs    []ir.LocVar
	actvars []activeVar
}

type activeVar struct {
	name string
	lv   int // index in p.LocVars
}

type blockScope struct {
	prev    *blockScope
	nactvar int
	upval   bool
	loop    bool
	breaks  []int
}

type funcState struct {
	c       *compiler
	parent  *funcState
	p       *ir.Proto
	bl      *blockScope
	actvars []activeVar
	freereg int
	kcache  *constIndex // the constants' indexes, once there are many
	line    int
	// lasttarget is the last pc a jump may land on (lua5.1's): a LOADNIL
	// there must not be merged into the one before it
	lasttarget int
	buf        *scratch
}

func (c *compiler) openFunc(parent *funcState, line int) *funcState {
	fs := &funcState{c: c, parent: parent, line: line, lasttarget: -1}
	fs.p = &ir.Proto{Source: c.source, LineDefined: line, MaxStack: 2}
	fs.bl = &blockScope{}
	fs.buf = reuse(&c.spare)
	fs.p.Code, fs.p.Lines = fs.buf.code[:0], fs.buf.lines[:0]
	fs.p.Consts, fs.p.LocVars = fs.buf.consts[:0], fs.buf.locs[:0]
	fs.actvars = fs.buf.actvars[:0]
	return fs
}

// block hands out copies of slices from larger blocks (a chunk's
// functions live and die together): fewer objects to allocate and scan.
type block[T any] struct{ free []T }

// clone is a copy of s, its capacity its length (nil when s is empty).
func (b *block[T]) clone(s []T) []T {
	n := len(s)
	switch {
	case n == 0:
		return nil
	case n > 256:
		return slices.Clone(s)
	case len(b.free) < n:
		b.free = make([]T, 1024)
	}
	x := b.free[:n:n]
	b.free = b.free[n:]
	copy(x, s)
	return x
}

// reuse takes the last of the spare objects in *free, or a new one.
func reuse[T any](free *[]*T) *T {
	if n := len(*free); n > 0 {
		x := (*free)[n-1]
		*free = (*free)[:n-1]
		return x
	}
	return new(T)
}

func (c *compiler) closeFunc(fs *funcState) *ir.Proto {
	fs.removeVars(0)
	fs.emit(ir.RETURN, 0, 1, 0)
	p, b := fs.p, fs.buf
	b.code, b.lines, b.consts, b.locs, b.actvars = p.Code, p.Lines, p.Consts, p.LocVars, fs.actvars
	a := &c.kept
	p.Code, p.Lines = a.code.clone(p.Code), a.lines.clone(p.Lines)
	p.Consts, p.LocVars = a.consts.clone(p.Consts), a.locs.clone(p.LocVars)
	c.spare = append(c.spare, b)
	return p
}

func (fs *funcState) errorf(line int, format string, args ...any) {
	panic(&Error{fs.c.errSource, line, fmt.Sprintf(format, args...)})
}

// ---- emission

func (fs *funcState) pc() int { return len(fs.p.Code) }

func (fs *funcState) emit(op ir.Op, a, b, c int) int {
	fs.p.Code = append(fs.p.Code, ir.Instr{Op: op, A: int32(a), B: int32(b), C: int32(c)})
	fs.p.Lines = append(fs.p.Lines, int32(fs.line))
	return len(fs.p.Code) - 1
}

func (fs *funcState) jump() int { return fs.emit(ir.JMP, 0, 0, 0) }

// patch makes the jump at pc go to target.
func (fs *funcState) patch(pc, target int) {
	fs.p.Code[pc].B = int32(target - (pc + 1))
}

func (fs *funcState) patchHere(list []int) {
	here := fs.label()
	for _, pc := range list {
		fs.patch(pc, here)
	}
}

// label returns the next pc as a place jumps land on (lua5.1's
// luaK_getlabel).
func (fs *funcState) label() int {
	fs.lasttarget = fs.pc()
	return fs.lasttarget
}

// loadNil sets n registers from from to nil: lua5.1's luaK_nil in code of
// generation 2 (nothing at a function's start, where the call clears them;
// into the LOADNIL just before, when no jump lands between them).
func (fs *funcState) loadNil(from, n int) {
	if fs.c.gen >= 2 && fs.pc() > fs.lasttarget {
		if fs.pc() == 0 {
			if from >= fs.nactvar() {
				fs.entryNil(from, from+n)
				return
			}
		} else if prev := &fs.p.Code[fs.pc()-1]; prev.Op == ir.LOADNIL {
			pfrom, pto := int(prev.A), int(prev.B)
			if pfrom <= from && from <= pto+1 {
				prev.B = int32(max(pto, from+n-1))
				return
			}
		}
	}
	fs.emit(ir.LOADNIL, from, from+n-1, 0)
}

// entryNil has the call clear registers from..to-1 (contiguous with those
// it clears already: a function's start declares them in order).
func (fs *funcState) entryNil(from, to int) {
	if fs.p.NilTo == 0 {
		fs.p.NilFrom = from
	}
	fs.p.NilFrom, fs.p.NilTo = min(fs.p.NilFrom, from), max(fs.p.NilTo, to)
}

func (fs *funcState) reserve(n int) {
	fs.freereg += n
	if fs.freereg > fs.p.MaxStack {
		fs.p.MaxStack = fs.freereg
	}
	if fs.freereg > 250 {
		fs.errorf(fs.line, "function or expression too complex")
	}
}

// constant returns k's index in the function's constants, adding it when
// it is new; a few are searched in order, many through a map.
func (fs *funcState) constant(k ir.Const) int {
	if fs.kcache != nil {
		if i, ok := fs.kcache.find(k); ok {
			return i
		}
	} else {
		for i, c := range fs.p.Consts {
			if c == k {
				return i
			}
		}
	}
	fs.p.Consts = append(fs.p.Consts, k)
	i := len(fs.p.Consts) - 1
	switch {
	case fs.kcache != nil:
		fs.kcache.add(k, i)
	case i == 16:
		fs.kcache = &constIndex{nums: map[float64]int{}, strs: map[string]int{}}
		for j, c := range fs.p.Consts {
			fs.kcache.add(c, j)
		}
	}
	return i
}

// constIndex finds a function's constants by value once it has many: a
// map per kind (a number's or a string's hash is cheaper than a Const's),
// nil and booleans, a few, in order.
type constIndex struct {
	nums   map[float64]int // (== on numbers: 0 and -0 are one key)
	strs   map[string]int
	others []ir.Const
	at     []int
}

func (x *constIndex) find(k ir.Const) (int, bool) {
	switch k.Kind {
	case ir.KNumber:
		i, ok := x.nums[k.Num]
		return i, ok
	case ir.KString:
		i, ok := x.strs[k.Str]
		return i, ok
	}
	for j, c := range x.others {
		if c == k {
			return x.at[j], true
		}
	}
	return 0, false
}

func (x *constIndex) add(k ir.Const, i int) {
	switch k.Kind {
	case ir.KNumber:
		if _, ok := x.nums[k.Num]; !ok { // (the first of 0 and -0 stays)
			x.nums[k.Num] = i
		}
	case ir.KString:
		x.strs[k.Str] = i
	default:
		x.others, x.at = append(x.others, k), append(x.at, i)
	}
}

func (fs *funcState) strK(s string) int { return fs.constant(ir.Const{Kind: ir.KString, Str: s}) }

// numK is n's constant. As in lua5.1, 0 and -0 are one constant (kcache
// compares numbers with ==): the one met first in the function (`print(-0,
// 0)` prints -0 twice, and `print(0, -0)` 0 twice).
func (fs *funcState) numK(n float64) int {
	return fs.constant(ir.Const{Kind: ir.KNumber, Num: n})
}

// ---- variables

func (fs *funcState) nactvar() int { return len(fs.actvars) }

// addLocal activates a local in the next register; loc is its resolved
// variable (nil for the hidden control variables of for loops).
func (fs *funcState) addLocal(name string, loc *ast.Local) {
	reg := len(fs.actvars)
	if loc != nil {
		loc.Reg = reg
		if loc.Captured {
			fs.bl.upval = true // this block closes it when it ends
		}
	}
	fs.p.LocVars = append(fs.p.LocVars, ir.LocVar{Name: name, Start: fs.pc(), End: -1, Reg: reg})
	fs.actvars = append(fs.actvars, activeVar{name: name, lv: len(fs.p.LocVars) - 1})
}

// hidden activates the unnamed control variables of a loop.
func (fs *funcState) hidden(names ...string) {
	for _, n := range names {
		fs.addLocal(n, nil)
	}
}

// decl returns the resolved local declared by node (see declKey).
// decl is a local a declaration made, as the resolver found it.
func (fs *funcState) decl(l *ast.Local) *ast.Local {
	if l == nil {
		fs.errorf(fs.line, "internal error: unresolved declaration")
	}
	return l
}

func (fs *funcState) removeVars(to int) {
	for len(fs.actvars) > to {
		v := fs.actvars[len(fs.actvars)-1]
		fs.p.LocVars[v.lv].End = fs.pc()
		fs.actvars = fs.actvars[:len(fs.actvars)-1]
	}
}

// ---- expression descriptors

type expKind int

const (
	eVoid     expKind = iota
	eNil              // nil constant
	eTrue             // true constant
	eFalse            // false constant
	eK                // constant: info = index
	eLocal            // local: info = register
	eUpval            // upvalue: info = index
	eGlobal           // global: info = constant index of the name
	eIndexed          // table in register info, key RK aux
	eCall             // call at pc info; result at its A
	eVararg           // VARARG at pc info
	eReloc            // instruction at pc info whose A is still to be set
	eNonReloc         // value in register info
)

type expdesc struct {
	k    expKind
	info int
	aux  int
}

func (fs *funcState) freeReg(r int) {
	if r >= fs.nactvar() {
		fs.freereg--
		if r != fs.freereg {
			fs.errorf(fs.line, "internal error: register %d freed out of order (free %d)", r, fs.freereg)
		}
	}
}

func (fs *funcState) freeExp(e expdesc) {
	if e.k == eNonReloc {
		fs.freeReg(e.info)
	}
}

// discharge turns variables into values that are in a register or are an
// instruction waiting for its register.
func (fs *funcState) discharge(e *expdesc) {
	switch e.k {
	case eLocal:
		e.k = eNonReloc
	case eUpval:
		e.info = fs.emit(ir.GETUPVAL, 0, e.info, 0)
		e.k = eReloc
	case eGlobal:
		e.info = fs.emit(ir.GETGLOBAL, 0, e.info, 0)
		e.k = eReloc
	case eIndexed:
		if !ir.IsK(int32(e.aux)) && e.aux > e.info {
			fs.freeReg(e.aux)
			fs.freeReg(e.info)
		} else {
			if !ir.IsK(int32(e.aux)) {
				fs.freeReg(e.aux)
			}
			fs.freeReg(e.info)
		}
		e.info = fs.emit(ir.GETTABLE, 0, e.info, e.aux)
		e.k = eReloc
	case eCall:
		fs.p.Code[e.info].C = 2
		e.k = eNonReloc
		e.info = int(fs.p.Code[e.info].A)
	case eVararg:
		fs.p.Code[e.info].B = 2
		e.k = eReloc
	}
}

func (fs *funcState) toReg(e *expdesc, reg int) {
	fs.discharge(e)
	switch e.k {
	case eNil:
		fs.loadNil(reg, 1)
	case eTrue:
		fs.emit(ir.LOADBOOL, reg, 1, 0)
	case eFalse:
		fs.emit(ir.LOADBOOL, reg, 0, 0)
	case eK:
		fs.emit(ir.LOADK, reg, e.info, 0)
	case eReloc:
		fs.p.Code[e.info].A = int32(reg)
	case eNonReloc:
		if e.info != reg {
			fs.emit(ir.MOVE, reg, e.info, 0)
		}
	case eVoid:
		fs.errorf(fs.line, "internal error: void expression")
	}
	e.k = eNonReloc
	e.info = reg
}

func (fs *funcState) toNextReg(e *expdesc) {
	fs.discharge(e)
	fs.freeExp(*e)
	fs.reserve(1)
	fs.toReg(e, fs.freereg-1)
}

func (fs *funcState) toAnyReg(e *expdesc) int {
	fs.discharge(e)
	if e.k == eNonReloc {
		return e.info
	}
	fs.toNextReg(e)
	return e.info
}

func (fs *funcState) toRK(e *expdesc) int {
	switch e.k {
	case eNil:
		e.k, e.info = eK, fs.constant(ir.Const{Kind: ir.KNil})
	case eTrue:
		e.k, e.info = eK, fs.constant(ir.Const{Kind: ir.KBool, Num: 1})
	case eFalse:
		e.k, e.info = eK, fs.constant(ir.Const{Kind: ir.KBool})
	}
	if e.k == eK {
		return int(ir.RKConst(e.info))
	}
	return fs.toAnyReg(e)
}

// setReturns sets how many results an open call or vararg gives (-1: all).
func (fs *funcState) setReturns(e *expdesc, n int) {
	switch e.k {
	case eCall:
		fs.p.Code[e.info].C = int32(n + 1)
	case eVararg:
		fs.p.Code[e.info].B = int32(n + 1)
		fs.p.Code[e.info].A = int32(fs.freereg)
		fs.reserve(1)
	}
}

func isMulti(e ast.Expr) bool {
	switch x := e.(type) {
	case *ast.FuncCallExpr:
		return !x.AdjustRet
	case *ast.Comma3Expr:
		return !x.AdjustRet
	}
	return false
}

// ---- expressions

func (fs *funcState) number(e *ast.NumberExpr) float64 {
	s := strings.TrimSpace(e.Value)
	if len(s) > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') {
		u, err := strconv.ParseUint(s[2:], 16, 64)
		if err != nil {
			if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
				return math.Inf(1)
			}
			fs.errorf(e.Line(), "malformed number near '%s'", s)
		}
		return float64(u)
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return f
		}
		fs.errorf(e.Line(), "malformed number near '%s'", s)
	}
	return f
}

func (fs *funcState) expr(e ast.Expr) expdesc {
	if l := e.Line(); l > 0 {
		fs.line = l
	}
	switch x := e.(type) {
	case *ast.NilExpr:
		return expdesc{k: eNil}
	case *ast.TrueExpr:
		return expdesc{k: eTrue}
	case *ast.FalseExpr:
		return expdesc{k: eFalse}
	case *ast.NumberExpr:
		return expdesc{k: eK, info: fs.numK(fs.number(x))}
	case *ast.StringExpr:
		return expdesc{k: eK, info: fs.strK(x.Value)}
	case *ast.Comma3Expr:
		pc := fs.emit(ir.VARARG, 0, 2, 0)
		if x.AdjustRet {
			return expdesc{k: eReloc, info: pc}
		}
		return expdesc{k: eVararg, info: pc}
	case *ast.IdentExpr:
		return fs.variable(x)
	case *ast.AttrGetExpr:
		t := fs.expr(x.Object)
		tr := fs.toAnyReg(&t)
		k := fs.expr(x.Key)
		kr := fs.toRK(&k)
		return expdesc{k: eIndexed, info: tr, aux: kr}
	case *ast.TableExpr:
		return fs.table(x)
	case *ast.FuncCallExpr:
		e := fs.call(x)
		if x.AdjustRet {
			fs.discharge(&e)
		}
		return e
	case *ast.LogicalOpExpr:
		return fs.logical(x)
	case *ast.RelationalOpExpr:
		return fs.relationalValue(x)
	case *ast.StringConcatOpExpr:
		return fs.concat(x)
	case *ast.ArithmeticOpExpr:
		return fs.arith(x)
	case *ast.UnaryMinusOpExpr:
		if n, ok := x.Expr.(*ast.NumberExpr); ok {
			return expdesc{k: eK, info: fs.numK(-fs.number(n))}
		}
		return fs.unary(ir.UNM, x.Expr)
	case *ast.UnaryNotOpExpr:
		sub := fs.expr(x.Expr)
		switch sub.k {
		case eNil, eFalse:
			return expdesc{k: eTrue}
		case eTrue, eK:
			return expdesc{k: eFalse}
		}
		r := fs.toAnyReg(&sub)
		fs.freeExp(sub)
		return expdesc{k: eReloc, info: fs.emit(ir.NOT, 0, r, 0)}
	case *ast.UnaryLenOpExpr:
		return fs.unary(ir.LEN, x.Expr)
	case *ast.FunctionExpr:
		return fs.function(x, "", false)
	}
	fs.errorf(e.Line(), "internal error: unknown expression %T", e)
	return expdesc{}
}

// variable turns a resolved name into an expression descriptor.
func (fs *funcState) variable(x *ast.IdentExpr) expdesc {
	b := x.Bind
	switch b.Kind {
	case ast.BindNone:
		fs.errorf(x.Line(), "internal error: unresolved name %s", x.Value)
	case ast.BindLocal:
		return expdesc{k: eLocal, info: b.Local.Reg}
	case ast.BindUpval:
		return expdesc{k: eUpval, info: b.Upval}
	}
	return expdesc{k: eGlobal, info: fs.strK(x.Value)}
}

func (fs *funcState) unary(op ir.Op, sub ast.Expr) expdesc {
	e := fs.expr(sub)
	r := fs.toAnyReg(&e)
	fs.freeExp(e)
	fs.line = endLine(sub)
	return expdesc{k: eReloc, info: fs.emit(op, 0, r, 0)}
}

var arithOps = map[string]ir.Op{"+": ir.ADD, "-": ir.SUB, "*": ir.MUL, "/": ir.DIV, "%": ir.MOD, "^": ir.POW}

func foldArith(op string, a, b float64) (float64, bool) {
	switch op {
	case "+":
		return a + b, true
	case "-":
		return a - b, true
	case "*":
		return a * b, true
	case "/":
		if b == 0 {
			return 0, false
		}
		return a / b, true
	case "%":
		if b == 0 {
			return 0, false
		}
		return a - math.Floor(a/b)*b, true
	case "^":
		return math.Pow(a, b), true // (a NaN is not folded: its sign is runtime.Pow's)
	}
	return 0, false
}

func (fs *funcState) numConst(e expdesc) (float64, bool) {
	if e.k == eK {
		if k := fs.p.Consts[e.info]; k.Kind == ir.KNumber {
			return k.Num, true
		}
	}
	return 0, false
}

// operands compiles two operands to RK form, freeing them in order.
func (fs *funcState) operands(l, r ast.Expr) (int, int) {
	le := fs.expr(l)
	lr := fs.toRK(&le)
	re := fs.expr(r)
	rr := fs.toRK(&re)
	if lr > rr {
		fs.freeExp(le)
		fs.freeExp(re)
	} else {
		fs.freeExp(re)
		fs.freeExp(le)
	}
	return lr, rr
}

// endLine approximates the line of an expression's last token, which is
// where lua5.1 places an operator's instruction (and its errors).
// lastLine is the line of statement s's last token, as near as the
// syntax tree tells.
func lastLine(s ast.Stmt) int {
	if l := s.LastLine(); l > 0 {
		return l
	}
	switch x := s.(type) {
	case *ast.AssignStmt:
		return endLine(x.Rhs[len(x.Rhs)-1])
	case *ast.LocalAssignStmt:
		if n := len(x.Exprs); n > 0 {
			return endLine(x.Exprs[n-1])
		}
	case *ast.FuncCallStmt:
		return endLine(x.Expr)
	}
	return s.Line()
}

func endLine(e ast.Expr) int {
	switch x := e.(type) {
	case *ast.TableExpr:
		if n := len(x.Fields); n > 0 {
			return endLine(x.Fields[n-1].Value)
		}
	case *ast.FuncCallExpr:
		if l := x.LastLine(); l > 0 {
			return l
		}
	case *ast.ArithmeticOpExpr:
		return endLine(x.Rhs)
	case *ast.StringConcatOpExpr:
		return endLine(x.Rhs)
	case *ast.RelationalOpExpr:
		return endLine(x.Rhs)
	case *ast.LogicalOpExpr:
		return endLine(x.Rhs)
	case *ast.UnaryMinusOpExpr:
		return endLine(x.Expr)
	case *ast.UnaryNotOpExpr:
		return endLine(x.Expr)
	case *ast.UnaryLenOpExpr:
		return endLine(x.Expr)
	case *ast.FunctionExpr:
		return x.LastLine()
	}
	return e.Line()
}

func (fs *funcState) arith(x *ast.ArithmeticOpExpr) expdesc {
	line := endLine(x.Rhs)
	le := fs.expr(x.Lhs)
	if a, ok := fs.numConst(le); ok {
		if rn, ok := x.Rhs.(*ast.NumberExpr); ok {
			b := fs.number(rn)
			if v, ok := foldArith(x.Operator, a, b); ok && !math.IsNaN(v) {
				return expdesc{k: eK, info: fs.numK(v)}
			}
		}
	}
	lr := fs.toRK(&le)
	re := fs.expr(x.Rhs)
	rr := fs.toRK(&re)
	if lr > rr {
		fs.freeExp(le)
		fs.freeExp(re)
	} else {
		fs.freeExp(re)
		fs.freeExp(le)
	}
	fs.line = line
	return expdesc{k: eReloc, info: fs.emit(arithOps[x.Operator], 0, lr, rr)}
}

func (fs *funcState) concat(x *ast.StringConcatOpExpr) expdesc {
	// flatten the right-associative chain into consecutive registers
	var items []ast.Expr
	var e ast.Expr = x
	for {
		c, ok := e.(*ast.StringConcatOpExpr)
		if !ok {
			break
		}
		items = append(items, c.Lhs)
		e = c.Rhs
	}
	items = append(items, e)
	base := fs.freereg
	for _, it := range items {
		d := fs.expr(it)
		fs.toNextReg(&d)
	}
	fs.line = endLine(items[len(items)-1])
	fs.freereg = base
	return expdesc{k: eReloc, info: fs.emit(ir.CONCAT, 0, base, base+len(items)-1)}
}

// compare emits a comparison followed by a jump taken when the comparison's
// outcome equals want; it returns the jump's pc.
func (fs *funcState) compare(x *ast.RelationalOpExpr, want bool) int {
	var op ir.Op
	l, r := x.Lhs, x.Rhs
	cond := want
	swap := false
	switch x.Operator {
	case "==":
		op = ir.EQ
	case "~=":
		op, cond = ir.EQ, !want
	case "<":
		op = ir.LT
	case ">":
		op, swap = ir.LT, true
	case "<=":
		op = ir.LE
	case ">=":
		op, swap = ir.LE, true
	}
	lr, rr := fs.operands(l, r)
	if swap {
		lr, rr = rr, lr
	}
	fs.line = endLine(x.Rhs)
	a := 0
	if cond {
		a = 1
	}
	fs.emit(op, a, lr, rr)
	return fs.jump()
}

// jumpIf compiles e as a condition and returns the jumps taken when its
// truth equals want; otherwise execution falls through.
func (fs *funcState) jumpIf(e ast.Expr, want bool) []int {
	switch x := e.(type) {
	case *ast.RelationalOpExpr:
		return []int{fs.compare(x, want)}
	case *ast.UnaryNotOpExpr:
		return fs.jumpIf(x.Expr, !want)
	case *ast.LogicalOpExpr:
		if (x.Operator == "and") == !want {
			// and/jump-if-false or or/jump-if-true: either side suffices
			return append(fs.jumpIf(x.Lhs, want), fs.jumpIf(x.Rhs, want)...)
		}
		// and/jump-if-true or or/jump-if-false: skip when the left decides
		skip := fs.jumpIf(x.Lhs, !want)
		j := fs.jumpIf(x.Rhs, want)
		fs.patchHere(skip)
		return j
	case *ast.TrueExpr, *ast.NumberExpr, *ast.StringExpr:
		if want {
			return []int{fs.jump()}
		}
		return nil
	case *ast.NilExpr, *ast.FalseExpr:
		if !want {
			return []int{fs.jump()}
		}
		return nil
	}
	d := fs.expr(e)
	r := fs.toAnyReg(&d)
	fs.freeExp(d)
	c := 0
	if want {
		c = 1
	}
	fs.emit(ir.TEST, r, 0, c)
	return []int{fs.jump()}
}

func (fs *funcState) relationalValue(x *ast.RelationalOpExpr) expdesc {
	j := fs.compare(x, true)
	fs.reserve(1)
	r := fs.freereg - 1
	fs.emit(ir.LOADBOOL, r, 0, 1)
	fs.patchHere([]int{j})
	fs.emit(ir.LOADBOOL, r, 1, 0)
	return expdesc{k: eNonReloc, info: r}
}

func (fs *funcState) logical(x *ast.LogicalOpExpr) expdesc {
	l := fs.expr(x.Lhs)
	fs.toNextReg(&l)
	r := l.info
	c := 0 // and: keep the left value when it is false
	if x.Operator == "or" {
		c = 1
	}
	fs.emit(ir.TEST, r, 0, c)
	j := fs.jump()
	fs.freeReg(r)
	re := fs.expr(x.Rhs)
	fs.discharge(&re)
	fs.freeExp(re)
	fs.reserve(1)
	fs.toReg(&re, r)
	fs.patchHere([]int{j})
	return expdesc{k: eNonReloc, info: r}
}

func (fs *funcState) table(x *ast.TableExpr) expdesc {
	pc := fs.emit(ir.NEWTABLE, 0, 0, 0)
	fs.reserve(1)
	t := fs.freereg - 1
	fs.p.Code[pc].A = int32(t)
	narray, nhash, pending := 0, 0, 0
	flush := func(multi bool) {
		b := pending
		if multi {
			b = 0
		}
		fs.emit(ir.SETLIST, t, b, narray-pending)
		fs.freereg = t + 1
		pending = 0
	}
	for i, f := range x.Fields {
		if f.Key == nil {
			if i == len(x.Fields)-1 && isMulti(f.Value) {
				e := fs.expr(f.Value)
				fs.setReturns(&e, -1) // results land in the next register
				narray++
				pending++
				flush(true)
				narray--
				continue
			}
			e := fs.expr(f.Value)
			fs.toNextReg(&e)
			narray++
			pending++
			if pending == ir.FieldsPerFlush {
				flush(false)
			}
			continue
		}
		nhash++
		k := fs.expr(f.Key)
		kr := fs.toRK(&k)
		v := fs.expr(f.Value)
		vr := fs.toRK(&v)
		fs.line = x.Line()
		fs.emit(ir.SETTABLE, t, kr, vr)
		if kr > vr {
			fs.freeExp(k)
			fs.freeExp(v)
		} else {
			fs.freeExp(v)
			fs.freeExp(k)
		}
	}
	if pending > 0 {
		flush(false)
	}
	fs.p.Code[pc].B = int32(narray)
	fs.p.Code[pc].C = int32(nhash)
	return expdesc{k: eNonReloc, info: t}
}

// call compiles a call; its result is an open eCall.
func (fs *funcState) call(x *ast.FuncCallExpr) expdesc {
	line := x.Line()
	var base int
	if x.Method != "" {
		o := fs.expr(x.Receiver)
		or := fs.toAnyReg(&o)
		fs.freeExp(o)
		base = fs.freereg
		fs.reserve(2)
		fs.line = line
		fs.emit(ir.SELF, base, or, int(ir.RKConst(fs.strK(x.Method))))
	} else {
		f := fs.expr(x.Func)
		fs.toNextReg(&f)
		base = f.info
	}
	nargs := 0
	multi := false
	for i, a := range x.Args {
		e := fs.expr(a)
		if i == len(x.Args)-1 && isMulti(a) {
			fs.setReturns(&e, -1)
			multi = true
			break
		}
		fs.toNextReg(&e)
		nargs++
	}
	b := nargs + 1
	if x.Method != "" {
		b++
	}
	if multi {
		b = 0
	}
	fs.line = line
	pc := fs.emit(ir.CALL, base, b, 2)
	fs.freereg = base + 1
	if fs.freereg > fs.p.MaxStack {
		fs.p.MaxStack = fs.freereg
	}
	return expdesc{k: eCall, info: pc}
}

// function compiles a function body into a nested proto.
func (fs *funcState) function(x *ast.FunctionExpr, name string, method bool) expdesc {
	child := fs.c.openFunc(fs, x.Line())
	child.p.Name = name
	child.p.LastLine = x.LastLine()
	child.p.ID = fmt.Sprintf("%s.%d", fs.p.ID, len(fs.p.Protos))
	for _, u := range x.Info.Upvals {
		if u.Local != nil {
			child.p.Upvals = append(child.p.Upvals, ir.UpvalDesc{Name: u.Name, InStack: true, Index: u.Local.Reg})
		} else {
			child.p.Upvals = append(child.p.Upvals, ir.UpvalDesc{Name: u.Name, Index: u.ParentUp})
		}
	}
	if method {
		child.addLocal("self", child.decl(x.Self))
	}
	for i, n := range x.ParList.Names {
		child.addLocal(n, child.decl(x.Params[i]))
	}
	child.p.NumParams = len(child.actvars)
	child.p.IsVararg = x.ParList.HasVargs
	child.reserve(child.p.NumParams)
	if info := x.Info; info.Arg != nil {
		// the implicit arg (resolve.go): the call fills it, or it is nil
		child.addLocal("arg", info.Arg)
		child.reserve(1)
		switch child.p.NeedsArg = !info.Dots; {
		case child.p.NeedsArg:
		case fs.c.gen >= 2:
			child.entryNil(info.Arg.Reg, info.Arg.Reg+1)
		default:
			child.emit(ir.LOADNIL, info.Arg.Reg, info.Arg.Reg, 0)
		}
	}
	child.block(x.Stmts, false)
	child.line = x.LastLine()
	fs.c.closeFunc(child)
	fs.p.Protos = append(fs.p.Protos, child.p)
	fs.line = x.LastLine() // lua5.1: the closure is made at the body's 'end'
	pc := fs.emit(ir.CLOSURE, 0, len(fs.p.Protos)-1, 0)
	fs.line = x.Line()
	return expdesc{k: eReloc, info: pc}
}

// ---- statements

func (fs *funcState) enterBlock(loop bool) *blockScope {
	bl := reuse(&fs.c.blocks)
	*bl = blockScope{prev: fs.bl, nactvar: fs.nactvar(), loop: loop, breaks: bl.breaks[:0]}
	fs.bl = bl
	return bl
}

func (fs *funcState) leaveBlock() {
	bl := fs.bl
	fs.bl = bl.prev
	fs.removeVars(bl.nactvar)
	if bl.upval {
		fs.emit(ir.CLOSE, bl.nactvar, 0, 0)
	}
	fs.freereg = fs.nactvar()
	fs.patchHere(bl.breaks)
	fs.c.blocks = append(fs.c.blocks, bl) // (for the next block)
}

// block compiles statements in a new scope.
func (fs *funcState) block(stmts []ast.Stmt, loop bool) {
	fs.enterBlock(loop)
	for _, s := range stmts {
		fs.stmt(s)
		fs.freereg = fs.nactvar()
	}
	fs.leaveBlock()
}

func (fs *funcState) stmt(s ast.Stmt) {
	fs.line = s.Line()
	switch x := s.(type) {
	case *ast.AssignStmt:
		fs.assign(x.Lhs, x.Rhs)
	case *ast.LocalAssignStmt:
		fs.local(x)
	case *ast.FuncCallStmt:
		c, ok := x.Expr.(*ast.FuncCallExpr)
		if !ok {
			fs.errorf(x.Line(), "syntax error near call")
		}
		e := fs.call(c)
		fs.p.Code[e.info].C = 1
	case *ast.DoBlockStmt:
		fs.block(x.Stmts, false)
	case *ast.WhileStmt:
		start := fs.label()
		exit := fs.jumpIf(x.Condition, false)
		fs.enterBlock(true)
		fs.block(x.Stmts, false)
		fs.line = x.Line() // lua5.1: the jump back has the line of the body's last token
		if n := len(x.Stmts); n > 0 {
			fs.line = lastLine(x.Stmts[n-1])
		}
		fs.patch(fs.jump(), start)
		fs.leaveBlock()
		fs.patchHere(exit)
	case *ast.RepeatStmt:
		fs.repeat(x)
	case *ast.IfStmt:
		fs.ifStmt(x)
	case *ast.NumberForStmt:
		fs.numFor(x)
	case *ast.GenericForStmt:
		fs.genFor(x)
	case *ast.FuncDefStmt:
		fs.funcDef(x)
	case *ast.ReturnStmt:
		fs.ret(x)
	case *ast.BreakStmt:
		fs.breakStmt(x)
	default:
		fs.errorf(s.Line(), "internal error: unknown statement %T", s)
	}
}

func (fs *funcState) breakStmt(x *ast.BreakStmt) {
	upval := false
	bl := fs.bl
	for bl != nil && !bl.loop {
		upval = upval || bl.upval
		bl = bl.prev
	}
	if bl == nil { // (the parser refused it: "no loop to break")
		fs.errorf(x.Line(), "internal error: break outside a loop")
	}
	if upval || bl.upval {
		fs.emit(ir.CLOSE, bl.nactvar, 0, 0)
	}
	bl.breaks = append(bl.breaks, fs.jump())
}

func (fs *funcState) repeat(x *ast.RepeatStmt) {
	start := fs.label()
	fs.enterBlock(true) // the loop block: breaks leave it
	inner := fs.enterBlock(false)
	for _, s := range x.Stmts {
		fs.stmt(s)
		fs.freereg = fs.nactvar()
	}
	fs.line = x.LastLine()
	jf := fs.jumpIf(x.Condition, false)
	if inner.upval {
		fs.emit(ir.CLOSE, inner.nactvar, 0, 0)
		exit := fs.jump()
		fs.patchHere(jf)
		fs.emit(ir.CLOSE, inner.nactvar, 0, 0)
		fs.patch(fs.jump(), start)
		fs.patchHere([]int{exit})
		inner.upval = false
	} else {
		for _, j := range jf {
			fs.patch(j, start)
		}
	}
	fs.leaveBlock()
	fs.leaveBlock()
}

func (fs *funcState) ifStmt(x *ast.IfStmt) {
	jf := fs.jumpIf(x.Condition, false)
	fs.block(x.Then, false)
	if len(x.Else) > 0 {
		end := fs.jump()
		fs.patchHere(jf)
		if len(x.Else) == 1 {
			if nested, ok := x.Else[0].(*ast.IfStmt); ok && nested.LastLine() == 0 {
				fs.line = nested.Line()
				fs.ifStmt(nested)
				fs.patchHere([]int{end})
				return
			}
		}
		fs.block(x.Else, false)
		fs.patchHere([]int{end})
		return
	}
	fs.patchHere(jf)
}

func (fs *funcState) numFor(x *ast.NumberForStmt) {
	fs.enterBlock(true) // the loop block: breaks leave it
	base := fs.freereg
	for _, e := range []ast.Expr{x.Init, x.Limit} {
		d := fs.expr(e)
		fs.toNextReg(&d)
	}
	if x.Step != nil {
		d := fs.expr(x.Step)
		fs.toNextReg(&d)
	} else {
		fs.emit(ir.LOADK, fs.freereg, fs.numK(1), 0)
		fs.reserve(1)
	}
	fs.hidden("(for index)", "(for limit)", "(for step)")
	fs.line = x.Line()
	prep := fs.emit(ir.FORPREP, base, 0, 0)
	fs.enterBlock(false)
	fs.addLocal(x.Name, fs.decl(x.Local))
	fs.reserve(1)
	body := fs.label()
	for _, s := range x.Stmts {
		fs.stmt(s)
		fs.freereg = fs.nactvar()
	}
	fs.leaveBlock()
	fs.patch(prep, fs.label())
	fs.line = x.Line()
	loop := fs.emit(ir.FORLOOP, base, 0, 0)
	fs.patch(loop, body)
	fs.leaveBlock()
}

func (fs *funcState) genFor(x *ast.GenericForStmt) {
	fs.enterBlock(true)
	base := fs.freereg
	fs.explist(x.Exprs, 3)
	fs.hidden("(for generator)", "(for state)", "(for control)")
	fs.line = x.Line()
	prep := fs.jump()
	fs.enterBlock(false)
	for i, n := range x.Names {
		fs.addLocal(n, fs.decl(x.Locals[i]))
	}
	fs.reserve(len(x.Names))
	body := fs.label()
	for _, s := range x.Stmts {
		fs.stmt(s)
		fs.freereg = fs.nactvar()
	}
	fs.leaveBlock()
	fs.patchHere([]int{prep})
	fs.line = x.Exprs[0].Line() // lua5.1: the line of the first token after 'in'
	// TFORCALL copies the generator, state and control to base+3..base+5
	// and gets its results there
	if need := base + 3 + max(3, len(x.Names)); need > fs.p.MaxStack {
		fs.p.MaxStack = need
	}
	fs.emit(ir.TFORCALL, base, 0, len(x.Names))
	fs.patch(fs.emit(ir.TFORLOOP, base, 0, 0), body)
	fs.leaveBlock()
}

// explist evaluates exprs into want consecutive new registers (want < 0:
// all values, the last one open), adjusting with nils or dropping extras.
func (fs *funcState) explist(exprs []ast.Expr, want int) {
	n := len(exprs)
	for i, e := range exprs {
		d := fs.expr(e)
		if i == n-1 && isMulti(e) && (want < 0 || want > i) {
			extra := want - i
			if want < 0 {
				extra = -1
			}
			fs.setReturns(&d, extra)
			if d.k == eCall {
				fs.freereg = int(fs.p.Code[d.info].A)
				if extra > 0 {
					fs.reserve(extra)
				}
			} else if d.k == eVararg {
				fs.freereg--
				if extra > 0 {
					fs.reserve(extra)
				}
			}
			return
		}
		if want >= 0 && i >= want {
			// evaluated for side effects only
			r := fs.toAnyReg(&d)
			fs.freeReg(r)
			continue
		}
		fs.toNextReg(&d)
	}
	if want > n {
		first := fs.freereg
		fs.reserve(want - n)
		fs.loadNil(first, want-n)
	}
}

func (fs *funcState) local(x *ast.LocalAssignStmt) {
	names := x.Names
	if f, ok := localFunction(x); ok {
		// local function f: f is in scope in its own body
		fs.addLocal(names[0], fs.decl(x.Locals[0]))
		fs.reserve(1)
		e := fs.function(f, names[0], false)
		fs.toReg(&e, fs.nactvar()-1)
		return
	}
	if len(x.Exprs) == 1 && len(names) == 1 {
		if f, ok := x.Exprs[0].(*ast.FunctionExpr); ok {
			d := fs.function(f, names[0], false)
			fs.toNextReg(&d)
			fs.addLocal(names[0], fs.decl(x.Locals[0]))
			return
		}
	}
	fs.explist(x.Exprs, len(names))
	for i, n := range names {
		fs.addLocal(n, fs.decl(x.Locals[i]))
	}
}

func (fs *funcState) funcDef(x *ast.FuncDefStmt) {
	var target ast.Expr
	method := false
	name := ""
	if x.Name.Method != "" {
		key := &ast.StringExpr{Value: x.Name.Method}
		key.SetLine(x.Line())
		at := &ast.AttrGetExpr{Object: x.Name.Receiver, Key: key}
		at.SetLine(x.Line())
		target = at
		method = true
		name = x.Name.Method
	} else {
		target = x.Name.Func
		switch t := target.(type) {
		case *ast.IdentExpr:
			name = t.Value
		case *ast.AttrGetExpr:
			if k, ok := t.Key.(*ast.StringExpr); ok {
				name = k.Value
			}
		}
	}
	v := fs.lvalue(target, false)
	e := fs.function(x.Func, name, method)
	fs.line = x.Line()
	fs.store(v, &e)
}

// lvalue compiles the parts of an assignment target that are evaluated
// before the values: the table and the key of an indexed target.
func (fs *funcState) lvalue(e ast.Expr, copyLocals bool) expdesc {
	switch x := e.(type) {
	case *ast.IdentExpr:
		return fs.variable(x)
	case *ast.AttrGetExpr:
		t := fs.expr(x.Object)
		var tr int
		if copyLocals && t.k == eLocal {
			fs.toNextReg(&t)
			tr = t.info
		} else {
			tr = fs.toAnyReg(&t)
		}
		k := fs.expr(x.Key)
		var kr int
		if copyLocals && k.k == eLocal {
			fs.toNextReg(&k)
			kr = k.info
		} else {
			kr = fs.toRK(&k)
		}
		return expdesc{k: eIndexed, info: tr, aux: kr}
	}
	fs.errorf(e.Line(), "syntax error near '='")
	return expdesc{}
}

// store assigns the value e to the target v.
func (fs *funcState) store(v expdesc, e *expdesc) {
	switch v.k {
	case eLocal:
		fs.freeExp(*e)
		fs.toReg(e, v.info)
	case eUpval:
		r := fs.toAnyReg(e)
		fs.emit(ir.SETUPVAL, r, v.info, 0)
		fs.freeExp(*e)
	case eGlobal:
		r := fs.toAnyReg(e)
		fs.emit(ir.SETGLOBAL, r, v.info, 0)
		fs.freeExp(*e)
	case eIndexed:
		r := fs.toRK(e)
		fs.emit(ir.SETTABLE, v.info, v.aux, r)
		fs.freeExp(*e)
	}
}

func (fs *funcState) assign(lhs, rhs []ast.Expr) {
	line := fs.line
	if len(lhs) == 1 && len(rhs) == 1 {
		v := fs.lvalue(lhs[0], false)
		e := fs.expr(rhs[0])
		if e.k == eCall || e.k == eVararg {
			fs.setReturns(&e, 1) // the value is in the instruction's A
			e = expdesc{k: eNonReloc, info: int(fs.p.Code[e.info].A)}
		}
		fs.line = line
		fs.store(v, &e)
		return
	}
	vars := make([]expdesc, len(lhs))
	for i, l := range lhs {
		vars[i] = fs.lvalue(l, true)
	}
	base := fs.freereg
	fs.explist(rhs, len(lhs))
	fs.line = line
	for i := len(lhs) - 1; i >= 0; i-- {
		e := expdesc{k: eNonReloc, info: base + i}
		fs.store(vars[i], &e)
	}
}

func (fs *funcState) ret(x *ast.ReturnStmt) {
	n := len(x.Exprs)
	if n == 1 {
		if c, ok := x.Exprs[0].(*ast.FuncCallExpr); ok && !c.AdjustRet {
			e := fs.call(c)
			in := &fs.p.Code[e.info]
			in.Op = ir.TAILCALL
			in.C = 0
			fs.emit(ir.RETURN, int(in.A), 0, 0)
			return
		}
		if !isMulti(x.Exprs[0]) {
			e := fs.expr(x.Exprs[0])
			r := fs.toAnyReg(&e)
			fs.line = x.Line()
			fs.emit(ir.RETURN, r, 2, 0)
			return
		}
	}
	base := fs.freereg
	if n > 0 && isMulti(x.Exprs[n-1]) {
		fs.explist(x.Exprs, -1)
		fs.line = x.Line()
		fs.emit(ir.RETURN, base, 0, 0)
		return
	}
	fs.explist(x.Exprs, n)
	fs.line = x.Line()
	fs.emit(ir.RETURN, base, n+1, 0)
}

// Compiler adapts Compile to the runtime's Compiler interface (used by
// loadstring, load and dofile).
type Compiler struct{}

// Compile compiles a chunk that is not a file.
func (Compiler) Compile(src []byte, chunk string) (*ir.Proto, error) {
	return Compile(src, chunk, Options{})
}

// CompileGeneration compiles src as generation gen of the compiler did.
func (Compiler) CompileGeneration(src []byte, chunk string, gen int) (*ir.Proto, error) {
	return Compile(src, chunk, Options{Generation: gen})
}

// Generation is the generation Compile makes.
func (Compiler) Generation() int { return Generation }
