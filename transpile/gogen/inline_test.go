package gogen

import (
	"testing"

	"github.com/mobilua/mobilua/transpile"
)

// TestConstructor: which functions run inline as constructors (see
// constructor): those that make a table, set its fields within its room
// and its metatable, and return it; not those that set a field of a
// table with a metatable (its __newindex), set more fields than their
// constructor made room for (the table would grow), store elsewhere, or
// call anything but what may be setmetatable on a table they made.
func TestConstructor(t *testing.T) {
	for _, c := range []struct {
		src  string
		ctor bool
		one  bool
	}{
		{"return setmetatable({x = x, y = y}, V)", true, true},
		{"return {a = x, b = y}", true, true},
		{"local t = setmetatable({}, {__index = x}) return t", true, true},
		{"local t = {} return t, 1", true, false},
		{"local t = setmetatable({}, V) t.x = 1 return t", false, false},
		{"local t = {} t.a = 1 return t", false, false},
		{"local t = {a = 1} t.b = 2 return t", false, false},
		{"local t = {a = 1} x.b = t return t", false, false},
		{"return setmetatable(x, V)", false, false},
		{"return print({a = 1}, V)", true, true},
		{"return setmetatable({}, V), 1", true, false},
		{"if x then return {a = 1} end return {}", false, false},
		{"return x + y", false, false}, // pure, not a constructor
	} {
		p, err := transpile.Compile([]byte("local V local function f(x, y) "+c.src+" end"), "=t", transpile.Options{})
		if err != nil {
			t.Fatal(err)
		}
		f := p.Protos[0]
		if got := constructor(f); got != c.ctor {
			t.Errorf("%s: constructor %v, want %v", c.src, got, c.ctor)
		}
		if got := constructor(f) && returnsOne(f); got != c.one {
			t.Errorf("%s: returns one %v, want %v", c.src, got, c.one)
		}
	}
}
