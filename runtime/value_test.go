package runtime

import (
	"bytes"
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

// TestBuildString: a string built in place is the same value as one boxed
// by String (equal, the same map key and table key, the same text), made
// in one allocation, and its bytes outlive collections while only its
// value, or only the string taken out of it, holds them.
func TestBuildString(t *testing.T) {
	texts := []string{"", "a", "hi", "hello, world", strings.Repeat("xyz", 100)}
	var vs []Value
	for _, s := range texts {
		vs = append(vs, BuildString(len(s), func(b []byte) { copy(b, s) }))
	}
	taken, _ := BuildString(5, func(b []byte) { copy(b, "taken") }).Str()
	for i := 0; i < 3; i++ {
		junk := make([][]byte, 1000) // (so that freed memory is reused)
		for j := range junk {
			junk[j] = bytes.Repeat([]byte{'#'}, 32)
		}
		runtime.GC()
	}
	tb := NewTable(0, 0)
	for i, s := range texts {
		w := String(strings.Clone(s))
		if got, ok := vs[i].Str(); !ok || got != s || vs[i] != w || vs[i].Type() != TString {
			t.Errorf("%q: built %q (%v), String %v", s, got, ok, w)
		}
		if s != "" {
			tb.Set(vs[i], Number(float64(i)))
			if got := tb.Get(w); got != Number(float64(i)) {
				t.Errorf("%q: the table has %v under it", s, got)
			}
		}
	}
	if taken != "taken" {
		t.Errorf("the string taken out of a built value: %q", taken)
	}
	if n := testing.AllocsPerRun(100, func() {
		sinkValue = BuildString(40, func(b []byte) { b[0], b[39] = 'a', 'z' })
	}); n != 1 {
		t.Errorf("a built string of 40 bytes: %v allocations, want 1", n)
	}
}

// TestBufferValue: a buffer's string, taken as it grows and as a value at
// the end, holds what was added, and the value is the one allocation its
// bytes were already in (the buffer empties: the next value is another).
func TestBufferValue(t *testing.T) {
	var b Buffer
	want := ""
	for i := 0; i < 50; i++ {
		piece := strings.Repeat(string(rune('a'+i%26)), i%7)
		b.Add(nil, piece)
		b.AddByte(nil, '.')
		want += piece + "."
		if b.String() != want || b.Len() != len(want) {
			t.Fatalf("after %d pieces: %q (%d), want %q", i+1, b.String(), b.Len(), want)
		}
	}
	v := b.Value()
	b.Add(nil, "next")
	w := b.Value()
	runtime.GC()
	if s, _ := v.Str(); s != want || v != String(strings.Clone(want)) {
		t.Errorf("value %q, want %q", s, want)
	}
	if s, _ := w.Str(); s != "next" {
		t.Errorf("the next value %q", s)
	}
	var empty Buffer
	if s, ok := empty.Value().Str(); !ok || s != "" {
		t.Errorf("an empty buffer's value: %q, %v", s, ok)
	}
	if n := testing.AllocsPerRun(100, func() {
		var b Buffer
		b.Add(nil, "hello, ")
		b.Add(nil, "world")
		sinkValue = b.Value()
	}); n != 1 {
		t.Errorf("a buffer's value: %v allocations, want 1", n)
	}
}
