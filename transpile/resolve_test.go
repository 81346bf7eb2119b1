package transpile

import (
	"testing"

	"github.com/yuin/gopher-lua/ast"
)

// TestResolve checks the resolve pass on a chunk with every kind of name.
func TestResolve(t *testing.T) {
	src := `
local a, b = 1, 2
local function f(x)
  local function g() return a + x + c end
  return g
end
local h = function() return h end
for i = 1, 2 do local j = function() return i end end
`
	tr, err := parseChunk([]byte(src), "r.lua", true)
	if err != nil {
		t.Fatal(err)
	}
	c := &compiler{source: "r.lua"}
	res := c.resolve(tr)
	kinds := map[string][]bindKind{}
	for id, b := range res.idents {
		kinds[id.Value] = append(kinds[id.Value], b.kind)
	}
	want := map[string]bindKind{"a": bindUpval, "x": bindUpval, "c": bindGlobal, "g": bindLocal, "h": bindGlobal, "i": bindUpval}
	for name, k := range want {
		if len(kinds[name]) != 1 || kinds[name][0] != k {
			t.Errorf("%s resolved as %v, want %v", name, kinds[name], k)
		}
	}
	// a is captured through two functions: f gets an upvalue for the main
	// chunk's local, g one for f's upvalue
	fdecl := tr.stmts[1].(*ast.LocalAssignStmt)
	fexpr := fdecl.Exprs[0].(*ast.FunctionExpr)
	fu := res.funcs[fexpr].upvals
	if len(fu) != 1 || fu[0].name != "a" || fu[0].local == nil || !fu[0].local.Captured {
		t.Errorf("f's upvalues: %+v", fu)
	}
	gexpr := fexpr.Stmts[0].(*ast.LocalAssignStmt).Exprs[0].(*ast.FunctionExpr)
	gu := res.funcs[gexpr].upvals
	if len(gu) != 2 || gu[0].name != "a" || gu[0].local != nil || gu[0].parentUp != 0 || gu[1].name != "x" || gu[1].local == nil {
		t.Errorf("g's upvalues: %+v", gu)
	}
	if b := res.decls[declKey{tr.stmts[0], 1}]; b == nil || b.Captured {
		t.Errorf("b should be declared and not captured: %+v", b)
	}
	forStmt := tr.stmts[3].(*ast.NumberForStmt)
	if l := res.decls[declKey{forStmt, 0}]; l == nil || !l.Captured {
		t.Errorf("loop variable i should be captured: %+v", l)
	}
}

func TestResolveVararg(t *testing.T) {
	_, err := Compile([]byte("local function f() return ... end"), "=v", Options{})
	if err == nil || err.Error() != "v:1: cannot use '...' outside a vararg function near '...'" {
		t.Errorf("got %v", err)
	}
}
