package runtime

import "testing"

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
	for _, v := range []Value{Nil, True, Number(1), String("xy"), TableValue(NewTable(0, 0))} {
		if got := v.TypeNameValue(); got.o.(string) != v.TypeName() {
			t.Errorf("TypeNameValue of %s: %q", v.TypeName(), got.o)
		}
		if n := testing.AllocsPerRun(100, func() { sinkValue = v.TypeNameValue() }); n != 0 {
			t.Errorf("TypeNameValue of %s: %v allocations", v.TypeName(), n)
		}
	}
}
