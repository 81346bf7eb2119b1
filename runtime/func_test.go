package runtime

import (
	"testing"

	"github.com/mobilua/mobilua/transpile"
)

// TestKeyConstantsInterned: the string constants code indexes tables
// with (fields, globals, methods) are one box in every chunk, for the
// inline caches' one-word test (sameKey); the others are not interned.
func TestKeyConstantsInterned(t *testing.T) {
	konst := func(src, s string) Value {
		p, err := transpile.Compile([]byte(src), "=t", transpile.Options{})
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range NewChunk("=t", []byte(src), p).Main.K {
			if k.o == s {
				return k
			}
		}
		t.Fatalf("no constant %q in %s", s, src)
		return Nil
	}
	const a, b = `local t = {} t.field = "value" return t:method(), glob`, `local x = {field = 1} print(x.field, glob, x:method(), "value")`
	for _, s := range []string{"field", "glob", "method"} {
		if !sameKey(konst(a, s), konst(b, s)) {
			t.Errorf("key constant %q: two boxes", s)
		}
	}
	if sameKey(konst(a, "value"), konst(b, "value")) {
		t.Errorf("a constant used as a value only was interned")
	}
}
