package mobilua_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/mobilua/mobilua"
)

var double = map[string]mobilua.Func{"double": func(a *mobilua.Args) ([]mobilua.Value, error) {
	return []mobilua.Value{mobilua.Number(2 * a.Number(1))}, nil
}}

// TestThawNeedsFuncs: a frozen state that holds a Go function thaws with
// it (by its name), and without it is refused with the name.
func TestThawNeedsFuncs(t *testing.T) {
	L := mobilua.NewState(mobilua.Options{Funcs: double})
	fn, err := L.Load(`local f = double
		local x = mb.yield(f(1))
		return f(x)`, "=keeps")
	if err != nil {
		t.Fatal(err)
	}
	L.Start(fn)
	if vals, done, err := L.Resume(); done || err != nil || len(vals) != 1 || !mobilua.RawEqual(vals[0], mobilua.Number(2)) {
		t.Fatalf("first resume: %v %v %v", vals, done, err)
	}
	b, err := L.Freeze()
	if err != nil {
		t.Fatal(err)
	}
	L2, err := mobilua.Thaw(b, mobilua.Options{Funcs: double})
	if err != nil {
		t.Fatal(err)
	}
	if vals, done, err := L2.Resume(mobilua.Number(21)); !done || err != nil || len(vals) != 1 || !mobilua.RawEqual(vals[0], mobilua.Number(42)) {
		t.Errorf("after the thaw: %v %v %v", vals, done, err)
	}
	if _, err := mobilua.Thaw(b, mobilua.Options{}); err == nil || !strings.Contains(err.Error(), "double") {
		t.Errorf("thawed without its Go function: %v", err)
	}
}

// TestValueString: fmt prints values as Lua writes them.
func TestValueString(t *testing.T) {
	L := mobilua.NewState(mobilua.Options{})
	got := fmt.Sprint([]mobilua.Value{mobilua.Number(0.1), mobilua.Number(1e15), mobilua.Number(3), mobilua.String("s"), mobilua.True, mobilua.Nil})
	if got != "[0.1 1e+15 3 s true nil]" {
		t.Errorf("got %s", got)
	}
	if s := mobilua.TableValue(L.NewTable(0, 0)).String(); !strings.HasPrefix(s, "table: 0x") {
		t.Errorf("a table: %s", s)
	}
}

// TestArgs: arguments are numbered from 1; past the last, or at 0, nil;
// a wrong type names Lua's argument number.
func TestArgs(t *testing.T) {
	var seen []string
	L := mobilua.NewState(mobilua.Options{Funcs: map[string]mobilua.Func{"f": func(a *mobilua.Args) ([]mobilua.Value, error) {
		seen = append(seen, strings.TrimSpace(fmt.Sprintln(a.Len(), a.Value(0), a.Value(1), a.Value(2), a.Value(3), a.OptString(3, "def"), a.OptNumber(4, 7), a.Bool(2))))
		a.Table(2)
		return nil, nil
	}}})
	err := L.DoString(`f("one", false)`)
	if want := "2 nil one false nil def 7 false"; len(seen) != 1 || seen[0] != want {
		t.Errorf("seen %q, want %q", seen, want)
	}
	if err == nil || err.Error() != `[string "f("one", false)"]:1: bad argument #2 to 'f' (table expected, got boolean)` {
		t.Errorf("error: %v", err)
	}
}
