package runtime

import (
	"runtime"
	"strings"
	"testing"
)

var sinkValue Value

// TestByteStrings: a string of one byte is made without allocating and
// holds that byte, all 256 of them; type names are made once too.
func TestByteStrings(t *testing.T) {
	for i := 0; i < 256; i++ {
		s := string([]byte{byte(i)})
		if got := String(s).o.(string); got != s {
			t.Errorf("String(%q) holds %q", s, got)
		}
	}
	s := "abc"
	if n := testing.AllocsPerRun(100, func() { sinkValue = String(s[1:2]) }); n != 0 {
		t.Errorf("a string of one byte: %v allocations", n)
	}
	// string.sub of one byte of a long string (a parser's s:sub(i, i))
	th := NewProcess().cur
	long := strings.Repeat("json", 1000)
	if n := testing.AllocsPerRun(100, func() { sinkValue = th.Substring(long, 5, 6) }); n != 0 || sinkValue.o.(string) != "s" {
		t.Errorf("one byte of a long string: %v allocations, %q", n, sinkValue.o)
	}
	for _, v := range []Value{Nil, True, Number(1), String("xy"), TableValue(NewTable(0, 0))} {
		if got := v.TypeNameValue(); got.o.(string) != v.TypeName() {
			t.Errorf("TypeNameValue of %s: %q", v.TypeName(), got.o)
		}
		if n := testing.AllocsPerRun(100, func() { sinkValue = v.TypeNameValue() }); n != 0 {
			t.Errorf("TypeNameValue of %s: %v allocations", v.TypeName(), n)
		}
	}
}

// TestStringBoxed: a string boxed in place is the same value as one boxed
// by String (equal, the same map key, the same type and text), and it
// outlives the block of boxes it was made in once nothing else holds it.
func TestStringBoxed(t *testing.T) {
	texts := []string{"", "a", "hello", strings.Repeat("x", 100)}
	var vs []Value
	for _, s := range texts {
		box := make([]string, 4)
		box[2] = strings.Clone(s)
		vs = append(vs, StringBoxed(&box[2]))
	}
	runtime.GC()
	m := map[Value]int{}
	for i, v := range vs {
		m[v] = i
	}
	for i, s := range texts {
		w := String(strings.Clone(s))
		if vs[i] != w || m[w] != i || vs[i].Type() != TString {
			t.Errorf("%q: boxed %v (%v), String %v", s, vs[i], vs[i].Type(), w)
		}
		if got, ok := vs[i].Str(); !ok || got != s {
			t.Errorf("%q: Str gives %q, %v", s, got, ok)
		}
	}
}
