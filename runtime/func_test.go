package runtime

import (
	"testing"

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
