// Package ir defines Mobilua's intermediate representation: a register-based
// state machine per Lua function (a Proto), whose instructions are addressed by
// program counter (pc). Both sides of the system share it: the front end
// (package transpile) produces it and the runtime (package runtime) executes
// it; the continuation format stores positions as (proto, pc) pairs.
//
// Design: the instruction set follows Lua 5.1's virtual machine (register
// operands A, B, C; "RK" operands that name either a register or a constant),
// with two changes that keep every suspension point an explicit pc:
// closures carry their upvalue descriptors in the Proto rather than in
// pseudo-instructions, and the generic for loop is split into TFORCALL (an
// ordinary call) and TFORLOOP (a test and a jump), so no instruction ever has
// to wait for a call in the middle of its own execution except a CALL.
//
// This package is a leaf: it imports nothing from the module.
package ir

import (
	"fmt"
	"math"
	"strings"
)

// Op is an instruction opcode.
type Op uint8

// The instruction set. In the comments R(x) is register x of the frame,
// K(x) constant x, RK(x) is K(-1-x) when x < 0 and R(x) otherwise,
// U(x) upvalue x.
const (
	MOVE      Op = iota // A B     R(A) := R(B)
	LOADK               // A B     R(A) := K(B)
	LOADBOOL            // A B C   R(A) := B != 0; if C != 0 { pc++ }
	LOADNIL             // A B     R(A..B) := nil
	GETUPVAL            // A B     R(A) := U(B)
	GETGLOBAL           // A B     R(A) := Env[K(B)]
	GETTABLE            // A B C   R(A) := R(B)[RK(C)]
	SETGLOBAL           // A B     Env[K(B)] := R(A)
	SETUPVAL            // A B     U(B) := R(A)
	SETTABLE            // A B C   R(A)[RK(B)] := RK(C)
	NEWTABLE            // A B C   R(A) := {} with B array and C hash slots
	SELF                // A B C   R(A+1) := R(B); R(A) := R(B)[RK(C)]
	ADD                 // A B C   R(A) := RK(B) + RK(C)
	SUB                 // A B C
	MUL                 // A B C
	DIV                 // A B C
	MOD                 // A B C
	POW                 // A B C
	UNM                 // A B     R(A) := -R(B)
	NOT                 // A B     R(A) := not R(B)
	LEN                 // A B     R(A) := #R(B)
	CONCAT              // A B C   R(A) := R(B) .. ... .. R(C)
	JMP                 // B       pc += B
	EQ                  // A B C   if (RK(B) == RK(C)) != (A != 0) { pc++ }
	LT                  // A B C   if (RK(B) <  RK(C)) != (A != 0) { pc++ }
	LE                  // A B C   if (RK(B) <= RK(C)) != (A != 0) { pc++ }
	TEST                // A C     if truth(R(A)) != (C != 0) { pc++ }
	TESTSET             // A B C   if truth(R(B)) == (C != 0) { R(A) := R(B) } else { pc++ }
	CALL                // A B C   R(A..A+C-2) := R(A)(R(A+1..A+B-1)); B=0: args to top; C=0: results to top
	TAILCALL            // A B     return R(A)(R(A+1..A+B-1))
	RETURN              // A B     return R(A..A+B-2); B=0: up to top
	FORLOOP             // A B     R(A) += R(A+2); if R(A) <?= R(A+1) { pc += B; R(A+3) := R(A) }
	FORPREP             // A B     R(A) -= R(A+2); pc += B (after checking the three are numbers)
	TFORCALL            // A C     R(A+3..A+2+C) := R(A)(R(A+1), R(A+2))
	TFORLOOP            // A B     if R(A+3) != nil { R(A+2) := R(A+3); pc += B }
	SETLIST             // A B C   R(A)[C+i] := R(A+i) for 1 <= i <= B; B=0: up to top
	CLOSE               // A       close open upvalues of registers >= A
	CLOSURE             // A B     R(A) := closure of Protos[B]
	VARARG              // A B     R(A..A+B-2) := ...; B=0: all, up to top
	NumOps
)

var opNames = [...]string{
	"MOVE", "LOADK", "LOADBOOL", "LOADNIL", "GETUPVAL", "GETGLOBAL", "GETTABLE",
	"SETGLOBAL", "SETUPVAL", "SETTABLE", "NEWTABLE", "SELF", "ADD", "SUB", "MUL",
	"DIV", "MOD", "POW", "UNM", "NOT", "LEN", "CONCAT", "JMP", "EQ", "LT", "LE",
	"TEST", "TESTSET", "CALL", "TAILCALL", "RETURN", "FORLOOP", "FORPREP",
	"TFORCALL", "TFORLOOP", "SETLIST", "CLOSE", "CLOSURE", "VARARG",
}

func (o Op) String() string {
	if int(o) < len(opNames) {
		return opNames[o]
	}
	return fmt.Sprintf("OP%d", o)
}

// FieldsPerFlush is how many list items a SETLIST stores at most.
const FieldsPerFlush = 50

// Instr is one instruction. Unused operands are zero.
type Instr struct {
	Op      Op
	A, B, C int32
}

// IsK reports whether an RK operand names a constant.
func IsK(x int32) bool { return x < 0 }

// KIndex returns the constant index of an RK operand that names a constant.
func KIndex(x int32) int32 { return -1 - x }

// RKConst encodes constant index k as an RK operand.
func RKConst(k int) int32 { return int32(-1 - k) }

// ConstKind says what a constant is.
type ConstKind uint8

const (
	KNil ConstKind = iota
	KBool
	KNumber
	KString
)

// Const is a constant of a Proto.
type Const struct {
	Kind ConstKind
	Num  float64 // KNumber; KBool: 1 for true
	Str  string  // KString
}

func (k Const) String() string {
	switch k.Kind {
	case KNil:
		return "nil"
	case KBool:
		if k.Num != 0 {
			return "true"
		}
		return "false"
	case KNumber:
		return fmt.Sprint(k.Num)
	default:
		return fmt.Sprintf("%q", k.Str)
	}
}

// UpvalDesc says where a closure finds an upvalue when it is created:
// a register of the enclosing frame (InStack) or an upvalue of the
// enclosing closure.
type UpvalDesc struct {
	Name    string
	InStack bool
	Index   int
}

// LocVar is a local variable's name and the pcs where it is live: [Start, End).
type LocVar struct {
	Name       string
	Start, End int
	Reg        int
}

// Proto is a compiled function.
type Proto struct {
	Source      string // chunk name as in messages, e.g. "script.lua" or "=stdin"
	Name        string // name as written in the source, "" if anonymous
	LineDefined int
	LastLine    int
	NumParams   int
	IsVararg    bool
	// NeedsArg: a vararg function that does not use '...' (or, in code
	// of generation 1, one that names arg and not '...'): a call puts
	// {n = #varargs, varargs...} in register NumParams, its implicit
	// local arg (Lua 5.1's compatibility, as lua5.1 is built).
	NeedsArg bool
	// NilFrom, NilTo: registers a call makes nil (NilTo 0: none), which
	// the code then reads without setting: lua5.1 emits no LOADNIL at a
	// function's start (its call clears the frame).
	NilFrom, NilTo int
	MaxStack       int
	Code           []Instr
	Lines          []int32 // source line per pc
	Consts         []Const
	Protos         []*Proto
	Upvals         []UpvalDesc
	LocVars        []LocVar
	ID             string // position in its chunk's tree: "0", "0.1", "0.1.0"...
}

// Renamed returns p, and the functions in it, as compiled from a chunk
// named chunk (their Source its ShortSrc): copies that share everything
// else with p (its code, constants, lines).
func (p *Proto) Renamed(chunk string) *Proto { return p.withSource(ShortSrc(chunk)) }

func (p *Proto) withSource(source string) *Proto {
	q := *p
	q.Source = source
	if len(p.Protos) > 0 {
		q.Protos = make([]*Proto, len(p.Protos))
		for i, c := range p.Protos {
			q.Protos[i] = c.withSource(source)
		}
	}
	return &q
}

// LocalName returns the name of the local variable in register reg at pc,
// or "".
func (p *Proto) LocalName(reg, pc int) string {
	name := ""
	for _, lv := range p.LocVars {
		if lv.Reg == reg && lv.Start <= pc && pc < lv.End {
			name = lv.Name
		}
	}
	return name
}

// Dump writes a readable listing of p and its nested protos.
func Dump(p *Proto) string {
	var b strings.Builder
	dump(&b, p)
	return b.String()
}

func dump(b *strings.Builder, p *Proto) {
	name := p.Name
	if name == "" {
		name = "?"
	}
	if p.ID == "0" {
		name = "main"
	}
	fmt.Fprintf(b, "function %s <%s:%d,%d> proto %s\n", name, p.Source, p.LineDefined, p.LastLine, p.ID)
	va := ""
	if p.IsVararg {
		va = "+"
	}
	if p.NeedsArg {
		va += " arg"
	}
	if p.NilTo > 0 {
		va += fmt.Sprintf(", nil %d-%d", p.NilFrom, p.NilTo-1)
	}
	fmt.Fprintf(b, "  params %d%s, slots %d, upvalues %d, constants %d, functions %d\n",
		p.NumParams, va, p.MaxStack, len(p.Upvals), len(p.Consts), len(p.Protos))
	for pc, in := range p.Code {
		fmt.Fprintf(b, "  %4d [%d] %-9s %s\n", pc, p.Lines[pc], in.Op, operands(p, pc, in))
	}
	for i, k := range p.Consts {
		fmt.Fprintf(b, "  const %d %s\n", i, k)
	}
	for _, lv := range p.LocVars {
		fmt.Fprintf(b, "  local %s r%d pc %d-%d\n", lv.Name, lv.Reg, lv.Start, lv.End)
	}
	for i, u := range p.Upvals {
		where := "upvalue"
		if u.InStack {
			where = "register"
		}
		fmt.Fprintf(b, "  upvalue %d %s from %s %d\n", i, u.Name, where, u.Index)
	}
	for _, c := range p.Protos {
		b.WriteString("\n")
		dump(b, c)
	}
}

func rk(p *Proto, x int32) string {
	if IsK(x) {
		return "K" + p.Consts[KIndex(x)].String()
	}
	return fmt.Sprintf("r%d", x)
}

func operands(p *Proto, pc int, in Instr) string {
	switch in.Op {
	case MOVE, UNM, NOT, LEN:
		return fmt.Sprintf("r%d r%d", in.A, in.B)
	case LOADK, GETGLOBAL:
		return fmt.Sprintf("r%d %s", in.A, p.Consts[in.B])
	case SETGLOBAL:
		return fmt.Sprintf("%s r%d", p.Consts[in.B], in.A)
	case LOADBOOL:
		return fmt.Sprintf("r%d %d %d", in.A, in.B, in.C)
	case LOADNIL:
		return fmt.Sprintf("r%d..r%d", in.A, in.B)
	case GETUPVAL, SETUPVAL:
		return fmt.Sprintf("r%d u%d", in.A, in.B)
	case GETTABLE, SELF:
		return fmt.Sprintf("r%d r%d %s", in.A, in.B, rk(p, in.C))
	case SETTABLE:
		return fmt.Sprintf("r%d %s %s", in.A, rk(p, in.B), rk(p, in.C))
	case ADD, SUB, MUL, DIV, MOD, POW:
		return fmt.Sprintf("r%d %s %s", in.A, rk(p, in.B), rk(p, in.C))
	case EQ, LT, LE:
		return fmt.Sprintf("%d %s %s", in.A, rk(p, in.B), rk(p, in.C))
	case JMP:
		return fmt.Sprintf("-> %d", pc+1+int(in.B))
	case FORLOOP, FORPREP, TFORLOOP:
		return fmt.Sprintf("r%d -> %d", in.A, pc+1+int(in.B))
	case CLOSURE:
		return fmt.Sprintf("r%d proto %s", in.A, p.Protos[in.B].ID)
	default:
		return fmt.Sprintf("%d %d %d", in.A, in.B, in.C)
	}
}

// Fingerprint is a hash of a compiled chunk's code (FNV-1a over every
// function's shape, instructions, constants and upvalue descriptors, main
// function first, then depth first): equal fingerprints mean that pcs and
// registers mean the same thing. Continuations and compiled code use it
// to check that they meet the code they were made for.
func Fingerprint(p *Proto) uint64 {
	h := uint64(14695981039346656037)
	mix := func(x uint64) {
		for i := 0; i < 8; i++ {
			h ^= x & 0xff
			h *= 1099511628211
			x >>= 8
		}
	}
	var walk func(p *Proto)
	walk = func(p *Proto) {
		vararg := uint64(0)
		if p.IsVararg {
			vararg = 1
		}
		mix(uint64(p.NumParams)<<32 | uint64(p.MaxStack)<<1 | vararg)
		if p.NeedsArg {
			mix(0xa4) // (only then: every other function's fingerprint stays)
		}
		if p.NilTo > 0 {
			mix(0x4e11 | uint64(p.NilFrom)<<16 | uint64(p.NilTo)<<32) // (the same)
		}
		mix(uint64(len(p.Code))<<32 | uint64(len(p.Consts))<<16 | uint64(len(p.Upvals)))
		for _, in := range p.Code {
			mix(uint64(in.Op) | uint64(uint8(in.A))<<8 | uint64(uint32(in.B))<<16)
			mix(uint64(uint32(in.C)))
		}
		for _, k := range p.Consts {
			mix(uint64(k.Kind)<<56 ^ math.Float64bits(k.Num))
			for i := 0; i < len(k.Str); i++ {
				mix(uint64(k.Str[i]))
			}
		}
		for _, u := range p.Upvals {
			in := uint64(0)
			if u.InStack {
				in = 1
			}
			mix(uint64(u.Index)<<1 | in)
		}
		for _, c := range p.Protos {
			walk(c)
		}
	}
	walk(p)
	return h | 1
}

// FormatInstr returns instruction pc as Dump writes it: "ADD r2 r0 K1".
func (p *Proto) FormatInstr(pc int) string {
	in := p.Code[pc]
	return strings.ReplaceAll(fmt.Sprintf("%s %s", in.Op, operands(p, pc, in)), "\n", `\n`)
}
