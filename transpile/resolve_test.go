package transpile

import (
	"reflect"
	"testing"

	"github.com/mobilua/mobilua/transpile/ast"
)

// idents returns the names in a tree, in the order of its fields.
func idents(v reflect.Value) []*ast.IdentExpr {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil
		}
		if id, ok := v.Interface().(*ast.IdentExpr); ok {
			return []*ast.IdentExpr{id}
		}
		return idents(v.Elem())
	case reflect.Struct:
		var out []*ast.IdentExpr
		for i := 0; i < v.NumField(); i++ {
			if f := v.Type().Field(i); f.IsExported() && f.Type != reflect.TypeOf(ast.Binding{}) &&
				f.Type != reflect.TypeOf(&ast.FuncInfo{}) {
				out = append(out, idents(v.Field(i))...)
			}
		}
		return out
	case reflect.Slice:
		var out []*ast.IdentExpr
		for i := 0; i < v.Len(); i++ {
			out = append(out, idents(v.Index(i))...)
		}
		return out
	}
	return nil
}

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
	r := c.resolver()
	for _, s := range tr {
		r.stmt(s)
	}
	kinds := map[string][]ast.BindKind{}
	for _, id := range idents(reflect.ValueOf(tr)) {
		kinds[id.Value] = append(kinds[id.Value], id.Bind.Kind)
	}
	want := map[string]ast.BindKind{"a": ast.BindUpval, "x": ast.BindUpval, "c": ast.BindGlobal, "g": ast.BindLocal, "h": ast.BindGlobal, "i": ast.BindUpval}
	for name, k := range want {
		if len(kinds[name]) != 1 || kinds[name][0] != k {
			t.Errorf("%s resolved as %v, want %v", name, kinds[name], k)
		}
	}
	// a is captured through two functions: f gets an upvalue for the main
	// chunk's local, g one for f's upvalue
	fdecl := tr[1].(*ast.LocalAssignStmt)
	fexpr := fdecl.Exprs[0].(*ast.FunctionExpr)
	fu := fexpr.Info.Upvals
	if len(fu) != 1 || fu[0].Name != "a" || fu[0].Local == nil || !fu[0].Local.Captured {
		t.Errorf("f's upvalues: %+v", fu)
	}
	gexpr := fexpr.Stmts[0].(*ast.LocalAssignStmt).Exprs[0].(*ast.FunctionExpr)
	gu := gexpr.Info.Upvals
	if len(gu) != 2 || gu[0].Name != "a" || gu[0].Local != nil || gu[0].ParentUp != 0 || gu[1].Name != "x" || gu[1].Local == nil {
		t.Errorf("g's upvalues: %+v", gu)
	}
	if b := tr[0].(*ast.LocalAssignStmt).Locals[1]; b == nil || b.Captured {
		t.Errorf("b should be declared and not captured: %+v", b)
	}
	forStmt := tr[3].(*ast.NumberForStmt)
	if l := forStmt.Local; l == nil || !l.Captured {
		t.Errorf("loop variable i should be captured: %+v", l)
	}
}

func TestResolveVararg(t *testing.T) {
	_, err := Compile([]byte("local function f() return ... end"), "=v", Options{})
	if err == nil || err.Error() != "v:1: cannot use '...' outside a vararg function near '...'" {
		t.Errorf("got %v", err)
	}
}
