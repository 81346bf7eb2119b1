package runtime

import (
	"math"
	"sync"
	"sync/atomic"
	"unique"
	"unsafe"

	"github.com/mobilua/mobilua/ir"
)

// FuncProto is an ir.Proto ready to run: its constants as Values and its
// nested protos wrapped in turn.
type FuncProto struct {
	IR *ir.Proto
	K  []Value
	// IC holds an inline-cache hint per pc for instructions that index
	// with a constant string key (see Table.GetStrHint). Hints are only
	// guesses: any value is safe.
	IC []int32
	// Code is IR.Code packed one instruction per word for the loop
	// (see inst); it says the same thing.
	Code   []inst
	Protos []*FuncProto
	Chunk  *Chunk
	index  int // position in Chunk.Protos
	// compiled code (native.go): Code has opNative where it enters; orig
	// is the code without them; plain is the code native changes to when
	// it finds a register does not hold the number it expected (Deopt).
	// (Processes running at once may share a chunk: native changes
	// atomically, plain not after attach.)
	native atomic.Pointer[NativeFunc]
	plain  *NativeFunc
	pure   PureFunc // (set at attach)
	orig   []inst
	// copies of IR's, for calls
	nparams, maxStack int
	vararg            bool
	needsArg          bool // the implicit arg table (ir.Proto.NeedsArg)
	nilFrom, nilTo    int  // registers a call clears (ir.Proto.NilFrom)
	// plainFrom is the fewest arguments a call needs for pushFast:
	// nparams; math.MaxInt (none is enough) when the function is vararg
	// or has registers to clear
	plainFrom int
}

// Chunk is one compiled unit of source: what a continuation needs to
// rebuild the code.
type Chunk struct {
	Name   string // Lua chunk name ("@script.lua", "=stdin", or the source)
	Source []byte
	Main   *FuncProto
	// File is true for a script read from a file (compiled with its
	// first line skipped when it starts with '#').
	File bool
	// Native is the compiled code attached to the chunk, or nil.
	Native *CompiledChunk
	all    []*FuncProto // Protos
	fp     uint64       // Fingerprint
	consts struct {     // stringConstants
		once   sync.Once
		m      map[string]Value
		maxLen int
	}
}

// stringConstants maps the string constants c's functions index tables
// with (keyConst) to their values (interned, see internKey), and says the
// longest's length: a thaw gives a table's keys these very boxes, so that
// the code's field accesses hit their inline caches (sameKey) as before
// the freeze.
func (c *Chunk) stringConstants() (map[string]Value, int) {
	c.consts.once.Do(func() {
		m := map[string]Value{}
		for _, fp := range c.Protos() {
			for _, in := range fp.IR.Code {
				if k := keyConst(in); k >= 0 {
					if s, ok := fp.K[k].Str(); ok {
						m[s] = fp.K[k]
						c.consts.maxLen = max(c.consts.maxLen, len(s))
					}
				}
			}
		}
		c.consts.m = m
	})
	return c.consts.m, c.consts.maxLen
}

// NewChunk wraps a compiled chunk.
func NewChunk(name string, src []byte, p *ir.Proto) *Chunk {
	c := &Chunk{Name: name, Source: src}
	var a wrapArena
	a.count(p)
	a.protos, a.children = make([]FuncProto, a.nprotos), make([]*FuncProto, a.nprotos-1)
	a.code, a.ic, a.k = make([]inst, a.ncode), make([]int32, a.ncode), make([]Value, a.nk)
	c.Main = a.wrap(p, c)
	attachCompiled(c)
	return c
}

// wrapArena holds the wrapped functions of a chunk and their slices, in
// one allocation each (a chunk's functions live and die together).
type wrapArena struct {
	nprotos, ncode, nk int
	protos             []FuncProto
	children           []*FuncProto
	code               []inst
	ic                 []int32
	k                  []Value
	// strs are the chunk's string constants made so far, by their text:
	// equal constants of all its functions are one box (a string made of
	// one, `{k = "lit"}`, is equal to another, `n.k == "lit"`, in one
	// word). Not for a chunk of more than dedupMax constants (data, most
	// of them distinct: the map would be a third of its load).
	strs map[string]Value
}

const dedupMax = 1 << 12

// str is the string constant s of the chunk.
func (a *wrapArena) str(s string) Value {
	if a.nk > dedupMax {
		return String(s)
	}
	if v, ok := a.strs[s]; ok {
		return v
	}
	v := String(s)
	if a.strs == nil {
		a.strs = make(map[string]Value, a.nk)
	}
	a.strs[s] = v
	return v
}

// count sizes the arena for p and the functions in it.
func (a *wrapArena) count(p *ir.Proto) {
	a.nprotos++
	a.ncode += len(p.Code)
	a.nk += len(p.Consts)
	for _, c := range p.Protos {
		a.count(c)
	}
}

// take cuts n elements off the front of *s.
func take[T any](s *[]T, n int) []T {
	x := (*s)[:n:n]
	*s = (*s)[n:]
	return x
}

// wrap makes p's FuncProto, and its nested functions'.
func (a *wrapArena) wrap(p *ir.Proto, c *Chunk) *FuncProto {
	fp := &take(&a.protos, 1)[0]
	*fp = FuncProto{IR: p, Chunk: c, IC: take(&a.ic, len(p.Code)), Code: take(&a.code, len(p.Code)),
		nparams: p.NumParams, maxStack: p.MaxStack, vararg: p.IsVararg, needsArg: p.NeedsArg,
		nilFrom: p.NilFrom, nilTo: p.NilTo, plainFrom: p.NumParams}
	if p.IsVararg || p.NilTo > 0 {
		fp.plainFrom = math.MaxInt
	}
	fp.K = take(&a.k, len(p.Consts))
	for i, k := range p.Consts {
		switch k.Kind {
		case ir.KNil:
			fp.K[i] = Nil
		case ir.KBool:
			fp.K[i] = Bool(k.Num != 0)
		case ir.KNumber:
			fp.K[i] = Number(k.Num)
		case ir.KString:
			fp.K[i] = a.str(k.Str)
		}
	}
	var interned []bool // (fp.K's, by keyConst)
	for i, in := range p.Code {
		fp.Code[i] = specialize(in, p.Consts)
		if k := keyConst(in); k >= 0 && p.Consts[k].Kind == ir.KString {
			if interned == nil {
				interned = make([]bool, len(p.Consts))
			}
			if !interned[k] {
				s := p.Consts[k].Str
				fp.K[k], interned[k] = internKey(s), true
				if a.strs != nil {
					a.strs[s] = fp.K[k] // (the chunk's later constants s too)
				}
			}
		}
	}
	fp.Protos = take(&a.children, len(p.Protos))
	for i, c2 := range p.Protos {
		fp.Protos[i] = a.wrap(c2, c)
	}
	return fp
}

// keyConst is the constant that in indexes a table with (a field's key,
// a global's name, a method's: what an inline cache compares by its box,
// sameKey), or -1. Those string constants are interned (wrapArena.wrap), the
// others not: interning is a fifth of loading a chunk of many strings.
func keyConst(in ir.Instr) int {
	switch in.Op {
	case ir.GETGLOBAL, ir.SETGLOBAL:
		return int(in.B)
	case ir.GETTABLE, ir.SELF:
		if in.C < 0 {
			return int(^in.C)
		}
	case ir.SETTABLE:
		if in.B < 0 {
			return int(^in.B)
		}
	}
	return -1
}

// internKey returns the string value s, interned: equal string keys of
// the code of all chunks, and the names of library functions, share their
// bytes (key comparisons in tables are mostly pointer checks) and their
// box (an inline cache checks a field's key by one word, see sameKey).
// A library function's name is its own box, kept for good (libNames):
// interning it with unique, as other keys are, would give each a weak
// handle, a quarter of opening the libraries of the first process.
func internKey(s string) Value {
	libNames.RLock()
	k, ok := libNames.keys[s]
	libNames.RUnlock()
	if ok {
		return k
	}
	if len(s) <= 1 {
		return String(s)
	}
	h := unique.Make(s)
	// a handle is the pointer to its canonical string, kept as long as
	// a value boxes its string there (TestInternKey)
	return StringBoxed(*(**string)(unsafe.Pointer(&h)))
}

// libNames keeps the interned keys and qualified names of library
// functions (a fixed set, named by Go code: up to maxLibNames, in case an
// embedder names its functions as it goes), so that opening the libraries
// of a new process looks each up once instead of interning it again.
var libNames struct {
	sync.RWMutex
	m    map[[2]string]libName
	keys map[string]Value // the names' keys, by name
}

type libName struct {
	key  Value  // internKey(name)
	full string // "lib.name", or name in the globals
}

func libNameOf(lib, name string) libName {
	k := [2]string{lib, name}
	libNames.RLock()
	n, ok := libNames.m[k]
	libNames.RUnlock()
	if ok {
		return n
	}
	n = libName{full: name}
	if lib != "" {
		n.full = lib + "." + name
	}
	libNames.Lock()
	defer libNames.Unlock()
	if libNames.m == nil {
		libNames.m, libNames.keys = map[[2]string]libName{}, map[string]Value{}
	}
	if n.key, ok = libNames.keys[name]; !ok {
		n.key = String(name) // (a chunk loaded before may hold another box of it: sameKey is not necessary)
	}
	if len(libNames.m) < maxLibNames {
		libNames.m[k] = n
		libNames.keys[name] = n.key
	}
	return n
}

const maxLibNames = 4096

// Closure is a Lua function value.
type Closure struct {
	P      *FuncProto
	Upvals []*Upval
	Env    *Table
	mark   uint64 // see door.Mark
}

// Upval is a variable captured by closures. While open it aliases a stack
// slot of a thread; when the slot's scope ends it is closed and holds the
// value itself. Closures that captured the same variable share one Upval.
type Upval struct {
	v    *Value // the stack slot while open, &own once closed
	own  Value
	th   *Thread // while open
	idx  int     // stack index while open
	mark uint64  // see door.Mark
}

func (u *Upval) get() Value { return *u.v }

func (u *Upval) set(v Value) { *u.v = v }

// isOpen reports whether u still aliases a stack slot.
func (u *Upval) isOpen() bool { return u.v != &u.own }

type goKind uint8

const (
	goPlain goKind = iota
	goPcall
	goXpcall
	goResume
	goYield
	goWrap
	goMbYield
	goCont
)

// GoFunction is a builtin. Fn receives its arguments (a view of the stack,
// valid until it pushes), pushes its results with Thread.Push and returns
// how many it pushed. It reports errors by calling Thread.Error or
// Thread.ArgError, which do not return.
type GoFunction struct {
	Name string // stable name, e.g. "string.format"
	Fn   func(t *Thread, args []Value) int
	// State is plain data a builtin keeps between calls, like a C
	// closure's upvalues (string.gmatch's iterator keeps its subject,
	// pattern and position here); Fn finds it through Thread.Builtin. A
	// continuation freezes it with the builtin's name.
	State []Value
	// Scratch is a cache Fn may keep beside State; it is not frozen. (A
	// library's builtins are shared by the processes copied from one
	// prototype, Process.Copy: only a builtin made at run time, with its
	// State, keeps one.)
	Scratch any
	kind    goKind
	// known says which builtin this is, for compiled code that does its
	// work inline (NativeFrame.SetMetatableInline); 0 for the others
	known knownBuiltin
	co    *Thread                                    // coroutine.wrap: the coroutine
	start func(t *Thread, args []Value) Continuation // NewResumable
	thaw  func(state []Value) (Continuation, error)  // NewResumable
}

// knownBuiltin names a builtin compiled code knows (GoFunction.known).
type knownBuiltin uint8

const (
	knownNone knownBuiltin = iota
	knownSetmetatable
)

// NewGoFunction makes a builtin.
func NewGoFunction(name string, fn func(t *Thread, args []Value) int) *GoFunction {
	return &GoFunction{Name: name, Fn: fn}
}

// inst is an instruction packed for the interpreter: opcode in bits 0-7,
// A in 8-15, B (signed) in 16-39, C (signed) in 40-63. The front end keeps
// registers below 256 and constants and jumps well inside 24 bits.
type inst uint64

func pack(in ir.Instr) inst {
	return inst(uint64(in.Op) | uint64(uint8(in.A))<<8 | (uint64(uint32(in.B))&0xffffff)<<16 | uint64(uint32(in.C))<<40)
}

func (w inst) op() ir.Op { return ir.Op(w) }
func (w inst) a() int32  { return int32(w>>8) & 0xff }
func (w inst) b() int32  { return int32(int64(w<<24) >> 40) }
func (w inst) c() int32  { return int32(int64(w) >> 40) }
