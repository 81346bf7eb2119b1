package pack

import (
	"bytes"
	"fmt"
	"io"
	"math/rand"
	"strings"
	"testing"

	"github.com/mobilua/mobilua/continuation"
	"github.com/mobilua/mobilua/runtime"
	"github.com/mobilua/mobilua/runtime/stdlib"
	"github.com/mobilua/mobilua/transpile"
)

// options thaws into a process of the standard library writing to out;
// unpack: with this package's Unpack.
func options(out io.Writer, unpack bool) continuation.Options {
	o := continuation.Options{NewProcess: func(sb bool) *runtime.Process {
		return stdlib.NewProcess(stdlib.ProfileOf(sb), transpile.Compiler{}, out, out)
	}}
	if unpack {
		o.Unpack = Unpack
	}
	return o
}

// start runs src until its first mb.yield.
func start(t testing.TB, src string) *runtime.Process {
	p := options(io.Discard, false).NewProcess(false)
	proto, err := transpile.Compile([]byte(src), "@test.lua", transpile.Options{File: true})
	if err != nil {
		t.Fatal(err)
	}
	c := runtime.NewChunk("@test.lua", []byte(src), proto)
	c.File = true
	p.Start(runtime.ClosureValue(p.Load(c)))
	if _, err := p.Resume(); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestPack: a continuation packs and unpacks byte for byte and thaws,
// packed (with Unpack in the thaw's options; without, refused) or not;
// random bytes and short ones stay as they are; a frame that says more
// than the limit, or other than what it holds, and a damaged one are
// refused with an error.
func TestPack(t *testing.T) {
	cont, err := continuation.Freeze(start(t, `local t = {} for i = 1, 1000 do t[i] = {id = i, name = "n" .. i} end mb.yield() return t`))
	if err != nil {
		t.Fatal(err)
	}
	p := Pack(cont)
	if !continuation.Packed(p) || len(p) > len(cont)/2 { // (about 3 times: zstd's fastest level is sensitive to where the records fall)
		t.Fatalf("%d bytes packed into %d", len(cont), len(p))
	}
	if n, err := Size(p); n != len(cont) || err != nil {
		t.Errorf("Size %d, %v", n, err)
	}
	got, err := Unpack(p, len(cont))
	if err != nil || !bytes.Equal(got, cont) {
		t.Fatalf("unpacked %d bytes, %v", len(got), err)
	}
	if _, err := continuation.Thaw(got, options(io.Discard, false)); err != nil {
		t.Fatal(err)
	}
	if _, err := continuation.Thaw(p, options(io.Discard, false)); err == nil || !strings.Contains(err.Error(), "does not unpack") {
		t.Errorf("a packed continuation thawed without Unpack: %v", err)
	}
	// a packed continuation thaws as it is, to the same process, within
	// the thaw's limit on the unpacked bytes, and inspects
	tp, err := continuation.Thaw(p, options(io.Discard, true))
	if err != nil {
		t.Fatal(err)
	}
	if again, err := continuation.Freeze(tp); err != nil || !bytes.Equal(again, cont) {
		t.Errorf("thawed from packed, frozen again: %d bytes (%v), not the same %d", len(again), err, len(cont))
	}
	small := options(io.Discard, true)
	small.MaxBytes = len(cont) - 1
	if _, err := continuation.Thaw(p, small); err == nil || !strings.Contains(err.Error(), "more than the limit") {
		t.Errorf("a packed continuation over the limit: %v", err)
	}
	var desc bytes.Buffer
	if err := continuation.Inspect(&desc, p, options(io.Discard, true)); err != nil || !strings.Contains(desc.String(), fmt.Sprintf("%d bytes (packed in %d)", len(cont), len(p))) {
		t.Errorf("inspect: %v\n%s", err, desc.String())
	}
	if same, err := Unpack(cont, 10); err != nil || !bytes.Equal(same, cont) {
		t.Errorf("an unpacked continuation came back as %d bytes, %v", len(same), err)
	}
	noise := make([]byte, 1<<16)
	rand.New(rand.NewSource(1)).Read(noise)
	if continuation.Packed(Pack(noise)) || continuation.Packed(Pack(cont[:100])) {
		t.Error("random or short bytes were packed")
	}
	for _, c := range []struct {
		name string
		b    []byte
		max  int
		want string
	}{
		{"over the limit", p, len(cont) - 1, "more than the limit"},
		{"cut", p[:len(p)/2], len(cont), "packed"},
		{"damaged", append(append([]byte{}, p[:len(p)-8]...), 1, 2, 3, 4, 5, 6, 7, 8), len(cont), "packed"},
		{"two frames", append(append([]byte{}, p...), p...), 2 * len(cont), "packed"},
		{"magic alone", []byte{0x28, 0xb5, 0x2f, 0xfd}, 100, "packed"},
	} {
		if _, err := Unpack(c.b, c.max); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
}
