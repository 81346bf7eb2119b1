package runtime

import (
	"math"
	goruntime "runtime"
	"strings"
	"testing"
	"unsafe"

	"github.com/mobilua/mobilua/ir"
)

// TestKeyConstantsInterned: the string constants code indexes tables
// with (fields, globals, methods) are one box in every chunk, for the
// inline caches' one-word test (sameKey); the others are not interned.
func TestKeyConstantsInterned(t *testing.T) {
	str := func(s string) ir.Const { return ir.Const{Kind: ir.KString, Str: s} }
	// constants: 0 "field", 1 "glob", 2 "method", 3 "value"; the key
	// operands are constants as RK: ^k
	chunk := func(code ...ir.Instr) *FuncProto {
		p := &ir.Proto{MaxStack: 4, Code: append(code, ir.Instr{Op: ir.RETURN, B: 1}),
			Consts: []ir.Const{str("field"), str("glob"), str("method"), str("value")}}
		p.Lines = make([]int32, len(p.Code))
		return NewChunk("=t", nil, p).Main
	}
	a := chunk(ir.Instr{Op: ir.SETTABLE, A: 0, B: ^0, C: ^3}, ir.Instr{Op: ir.GETGLOBAL, A: 1, B: 1},
		ir.Instr{Op: ir.SELF, A: 2, B: 0, C: ^2})
	b := chunk(ir.Instr{Op: ir.GETTABLE, A: 1, B: 0, C: ^0}, ir.Instr{Op: ir.SETGLOBAL, A: 1, B: 1},
		ir.Instr{Op: ir.GETTABLE, A: 1, B: 0, C: ^2}, ir.Instr{Op: ir.LOADK, A: 2, B: 3})
	for k, s := range []string{"field", "glob", "method"} {
		if !sameKey(a.K[k], b.K[k]) {
			t.Errorf("key constant %q: two boxes", s)
		}
	}
	if sameKey(a.K[3], b.K[3]) {
		t.Errorf("a constant used as a value only was interned")
	}
}

// TestChunkStringsShared: equal string constants of a chunk's functions
// are one box (`n.k == "lit"` in one function, `{k = "lit"}` in another,
// equal in one word), a key's the interned one; a chunk of more than
// dedupMax constants makes each its own.
func TestChunkStringsShared(t *testing.T) {
	str := func(s string) ir.Const { return ir.Const{Kind: ir.KString, Str: s} }
	fn := func(consts []ir.Const, code ...ir.Instr) *ir.Proto {
		p := &ir.Proto{MaxStack: 4, Code: append(code, ir.Instr{Op: ir.RETURN, B: 1}), Consts: consts}
		p.Lines = make([]int32, len(p.Code))
		return p
	}
	f1 := fn([]ir.Const{str("lit"), str("k")}, ir.Instr{Op: ir.LOADK, A: 0, B: 0}, ir.Instr{Op: ir.GETTABLE, A: 1, B: 0, C: ^1})
	f2 := fn([]ir.Const{str("k"), str("lit")}, ir.Instr{Op: ir.EQ, A: 1, B: 0, C: ^1}, ir.Instr{Op: ir.LOADK, A: 0, B: 0})
	main := fn([]ir.Const{str("lit")}, ir.Instr{Op: ir.LOADK, A: 0, B: 0})
	main.Protos = []*ir.Proto{f1, f2}
	c := NewChunk("=t", nil, main).Main
	a, b := c.Protos[0], c.Protos[1]
	if !same(c.K[0], a.K[0]) || !same(a.K[0], b.K[1]) {
		t.Error(`"lit": more than one box in a chunk`)
	}
	if !same(a.K[1], b.K[0]) || !same(b.K[0], internKey("k")) {
		t.Error(`"k": not the key's interned box`)
	}
	big := make([]ir.Const, dedupMax+1)
	for i := range big {
		big[i] = ir.Const{Kind: ir.KNumber, Num: float64(i)}
	}
	big[0], big[1] = str("lit"), str("lit")
	if d := NewChunk("=d", nil, fn(big)).Main; same(d.K[0], d.K[1]) {
		t.Error("a chunk of data: its strings are shared")
	}
}

// TestInternKey: an interned key is one box while a value holds it, through
// collections (the box is unique's canonical string, which only the values
// keep), and holds its text.
func TestInternKey(t *testing.T) {
	a := internKey(strings.Clone("an interned key"))
	for i := 0; i < 3; i++ {
		goruntime.GC()
	}
	b := internKey(strings.Clone("an interned key"))
	if !same(a, b) {
		t.Error("two boxes for one key")
	}
	if s, ok := b.Str(); !ok || s != "an interned key" {
		t.Errorf("the key holds %q", s)
	}
	if c := internKey("another key"); same(a, c) || RawEqual(a, c) {
		t.Error("two keys are one")
	}
}

// TestFrameTails: a frame is 72 bytes (its counts and slots 32-bit) and a
// thread 176, and a frame's count of the tail calls it replaced stops at
// the largest int32 instead of wrapping to a negative number of levels.
func TestFrameTails(t *testing.T) {
	if n := unsafe.Sizeof(Frame{}); n > 72 {
		t.Errorf("a frame is %d bytes, want at most 72", n)
	}
	if n := unsafe.Sizeof(Thread{}); n > 176 {
		t.Errorf("a thread is %d bytes, want at most 176", n)
	}
	main := &ir.Proto{MaxStack: 2, Code: []ir.Instr{{Op: ir.RETURN, B: 1}}, Lines: []int32{1}}
	p := NewProcess()
	cl := p.Load(NewChunk("=t", nil, main))
	th := p.Main
	th.stack[0] = ClosureValue(cl)
	p.pushLua(th, cl, 0, Dest{Fn: 0, NRes: -1})
	topFrame(th).tails = math.MaxInt32 - 1
	for i := 0; i < 3; i++ {
		th.stack[1] = ClosureValue(cl)
		p.tailCallLua(th, cl, 1, 1, 0)
	}
	if got := topFrame(th).tails; got != math.MaxInt32 {
		t.Errorf("tails = %d after three tail calls from MaxInt32-1", got)
	}
	if got, want := th.levels(), 1+math.MaxInt32; got != want {
		t.Errorf("levels = %d, want %d", got, want)
	}
}
