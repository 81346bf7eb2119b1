package mobilua

import (
	"strings"

	"github.com/mobilua/mobilua/runtime"
)

// A Func is a Go function Lua calls. It reads its arguments from args by
// Lua's numbering (args.Number(1) is the first), and returns its results.
// An error it returns is raised in Lua at the call, with the caller's
// position, as error(msg) would; so is a wrong argument type
// ("bad argument #1 to 'double' (number expected, got nil)").
//
// A Func runs to its end: it cannot yield, and Lua functions it calls
// (Args.Call) cannot either.
type Func func(args *Args) ([]Value, error)

// Args are a Func's arguments, numbered from 1.
type Args struct {
	t    *runtime.Thread
	vals []runtime.Value
}

// Len is the number of arguments.
func (a *Args) Len() int { return len(a.vals) }

// Value is argument i, nil when there is none.
func (a *Args) Value(i int) Value {
	if i < 1 || i > len(a.vals) {
		return Nil
	}
	return a.vals[i-1]
}

// Number is argument i, a number or a string that converts to one.
func (a *Args) Number(i int) float64 { return a.t.CheckNumber(a.vals, i-1) }

// Int is argument i as an integer (truncated, as lua5.1's).
func (a *Args) Int(i int) int { return a.t.CheckInt(a.vals, i-1) }

// String is argument i, a string or a number (converted).
func (a *Args) String(i int) string { return a.t.CheckString(a.vals, i-1) }

// Table is argument i, a table.
func (a *Args) Table(i int) *Table { return a.t.CheckTable(a.vals, i-1) }

// Bool is argument i as Lua tests it: false only for nil and false.
func (a *Args) Bool(i int) bool { return a.Value(i).Truthy() }

// OptNumber is argument i, or def when it is nil or absent.
func (a *Args) OptNumber(i int, def float64) float64 {
	if a.Value(i).IsNil() {
		return def
	}
	return a.Number(i)
}

// OptString is argument i, or def when it is nil or absent.
func (a *Args) OptString(i int, def string) string {
	if a.Value(i).IsNil() {
		return def
	}
	return a.String(i)
}

// Call calls the Lua function fn with args and returns its results
// (fn cannot yield).
func (a *Args) Call(fn Value, args ...Value) []Value { return a.t.Call(fn, args...) }

// NewTable makes a table (see State.NewTable).
func (a *Args) NewTable(narr, nhash int) *Table { return a.t.Process().NewTable(narr, nhash) }

// register makes f the global name (lib.name: in table lib).
func register(p *runtime.Process, name string, f Func) {
	lib, short, ok := strings.Cut(name, ".")
	if !ok {
		lib, short = "", name
	}
	p.Register(lib, runtime.NewGoFunction(short, func(t *runtime.Thread, vals []runtime.Value) int {
		res, err := f(&Args{t: t, vals: vals})
		if err != nil {
			t.Error("%s", err.Error())
		}
		for _, v := range res {
			t.Push(v)
		}
		return len(res)
	}))
}
