package runtime

import (
	"bytes"
	"fmt"
	"math"
	"runtime"
	"strings"
	"testing"
	"unsafe"
)

var sinkValue Value

// TestByteStrings: a string of one byte is made without allocating and
// holds that byte, all 256 of them; type names are made once too.
func TestByteStrings(t *testing.T) {
	for i := 0; i < 256; i++ {
		s := string([]byte{byte(i)})
		if got := String(s).String(); got != s {
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
	if n := testing.AllocsPerRun(100, func() { sinkValue = th.Substring(long, 5, 6) }); n != 0 || sinkValue.String() != "s" {
		t.Errorf("one byte of a long string: %v allocations, %q", n, sinkValue)
	}
	for _, v := range []Value{Nil, True, Number(1), String("xy"), TableValue(NewTable(0, 0))} {
		if got := v.TypeNameValue(); got.String() != v.TypeName() {
			t.Errorf("TypeNameValue of %s: %q", v.TypeName(), got)
		}
		if n := testing.AllocsPerRun(100, func() { sinkValue = v.TypeNameValue() }); n != 0 {
			t.Errorf("TypeNameValue of %s: %v allocations", v.TypeName(), n)
		}
	}
}

// TestStringBoxed: a string boxed in place is the same value as one boxed
// by String (equal, the same table key, the same type and text), and it
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
	m := NewTable(0, 0)
	for i, v := range vs {
		m.Set(v, Number(float64(i)))
	}
	for i, s := range texts {
		w := String(strings.Clone(s))
		if !RawEqual(vs[i], w) || !RawEqual(m.Get(w), Number(float64(i))) || vs[i].Type() != TString {
			t.Errorf("%q: boxed %v (%v), String %v", s, vs[i], vs[i].Type(), w)
		}
		if got, ok := vs[i].Str(); !ok || got != s {
			t.Errorf("%q: Str gives %q, %v", s, got, ok)
		}
	}
}

// TestBuildString: a string built in place is the same value as one boxed
// by String (equal, the same table key, the same text), made
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
		if got, ok := vs[i].Str(); !ok || got != s || !RawEqual(vs[i], w) || vs[i].Type() != TString {
			t.Errorf("%q: built %q (%v), String %v", s, got, ok, w)
		}
		if s != "" {
			tb.Set(vs[i], Number(float64(i)))
			if got := tb.Get(w); !RawEqual(got, Number(float64(i))) {
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
	if s, _ := v.Str(); s != want || !RawEqual(v, String(strings.Clone(want))) {
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

// TestValueWords: a value is two words; each kind of object comes back out
// of its value, as no other kind; a nil object's value is nil (not a kind
// alone in a pointer's word); a number whose bits are a kind's is a
// number.
func TestValueWords(t *testing.T) {
	if n := unsafe.Sizeof(Value{}); n != 2*unsafe.Sizeof(uintptr(0)) {
		t.Fatalf("a value is %d bytes", n)
	}
	tab, fn, ud, th := NewTable(0, 0), &GoFunction{Name: "f"}, &Userdata{}, NewProcess().cur
	vs := []Value{TableValue(tab), FunctionValue(fn), UserdataValue(ud), ThreadValue(th), String("hello")}
	for i, v := range vs {
		_, isStr := v.Str()
		got := []bool{v.Table() != nil, v.GoFunction() != nil, v.Userdata() != nil, v.Thread() != nil, isStr}
		for j, ok := range got {
			if ok != (i == j) {
				t.Errorf("value %d (%s) read as kind %d: %v", i, v.TypeName(), j, ok)
			}
		}
		if v.IsNumber() || v.Closure() != nil || v.Num() != 0 {
			t.Errorf("value %d (%s) is a number or a closure", i, v.TypeName())
		}
	}
	if vs[0].Table() != tab || vs[1].GoFunction() != fn || vs[2].Userdata() != ud || vs[3].Thread() != th || vs[4].String() != "hello" {
		t.Error("an object is not the one its value was made of")
	}
	for i, v := range []Value{TableValue(nil), FunctionValue(nil), UserdataValue(nil), ThreadValue(nil), ClosureValue(nil)} {
		if !v.IsNil() || v.Type() != TNil {
			t.Errorf("value %d of a nil object is not nil: %s", i, v.TypeName())
		}
	}
	for k := uint64(0); k <= kindMask+1; k++ {
		v := Number(math.Float64frombits(k))
		if v.Type() != TNumber || v.Table() != nil || v.objKind() != 0 {
			t.Errorf("the number of bits %d is a %s", k, v.TypeName())
		}
		if _, ok := v.Str(); ok {
			t.Errorf("the number of bits %d is a string", k)
		}
	}
}

// TestValueHoldsObject: an object or a string that only values hold (by a
// pointer into it, past its start) outlives collections, its contents
// intact.
func TestValueHoldsObject(t *testing.T) {
	const n = 200
	vs := make([]Value, 0, 3*n)
	for i := 0; i < n; i++ {
		tab := NewTable(0, 0)
		tab.SetInt(1, Number(float64(i)))
		vs = append(vs, TableValue(tab), String(fmt.Sprintf("string %d", i)), UserdataValue(&Userdata{Name: fmt.Sprint(i)}))
	}
	for round := 0; round < 3; round++ {
		junk := make([][]byte, 2000) // (so that freed memory is reused)
		for j := range junk {
			junk[j] = bytes.Repeat([]byte{'#'}, 64)
		}
		runtime.GC()
	}
	for i := 0; i < n; i++ {
		tab, s, ud := vs[3*i], vs[3*i+1], vs[3*i+2]
		if got := tab.Table().GetInt(1); !RawEqual(got, Number(float64(i))) {
			t.Errorf("table %d holds %v", i, got)
		}
		if got, _ := s.Str(); got != fmt.Sprintf("string %d", i) {
			t.Errorf("string %d is %q", i, got)
		}
		if got := ud.Userdata().Name; got != fmt.Sprint(i) {
			t.Errorf("userdata %d is named %q", i, got)
		}
	}
}
