package continuation

import (
	"bytes"
	"fmt"
	"io"
	"math/rand"
	"strings"
	"testing"
)

// TestPack: a continuation packs and unpacks byte for byte and thaws,
// packed or not;
// random bytes and short ones stay as they are; a frame that says more
// than the limit, or other than what it holds, and a damaged one are
// refused with an error.
func TestPack(t *testing.T) {
	cont, err := Freeze(start(t, `local t = {} for i = 1, 1000 do t[i] = {id = i, name = "n" .. i} end mb.yield() return t`, io.Discard))
	if err != nil {
		t.Fatal(err)
	}
	p := Pack(cont)
	if !Packed(p) || len(p) > len(cont)/2 { // (about 3 times: zstd's fastest level is sensitive to where the records fall)
		t.Fatalf("%d bytes packed into %d", len(cont), len(p))
	}
	if n, err := PackedSize(p); n != len(cont) || err != nil {
		t.Errorf("PackedSize %d, %v", n, err)
	}
	got, err := Unpack(p, len(cont))
	if err != nil || !bytes.Equal(got, cont) {
		t.Fatalf("unpacked %d bytes, %v", len(got), err)
	}
	if _, err := Thaw(got, options(io.Discard)); err != nil {
		t.Fatal(err)
	}
	// a packed continuation thaws as it is, to the same process, within
	// the thaw's limit on the unpacked bytes, and inspects
	tp, err := Thaw(p, options(io.Discard))
	if err != nil {
		t.Fatal(err)
	}
	if again, err := Freeze(tp); err != nil || !bytes.Equal(again, cont) {
		t.Errorf("thawed from packed, frozen again: %d bytes (%v), not the same %d", len(again), err, len(cont))
	}
	small := options(io.Discard)
	small.MaxBytes = len(cont) - 1
	if _, err := Thaw(p, small); err == nil || !strings.Contains(err.Error(), "more than the limit") {
		t.Errorf("a packed continuation over the limit: %v", err)
	}
	var desc bytes.Buffer
	if err := Inspect(&desc, p, options(io.Discard)); err != nil || !strings.Contains(desc.String(), fmt.Sprintf("%d bytes (packed in %d)", len(cont), len(p))) {
		t.Errorf("inspect: %v\n%s", err, desc.String())
	}
	if same, err := Unpack(cont, 10); err != nil || !bytes.Equal(same, cont) {
		t.Errorf("an unpacked continuation came back as %d bytes, %v", len(same), err)
	}
	noise := make([]byte, 1<<16)
	rand.New(rand.NewSource(1)).Read(noise)
	if Packed(Pack(noise)) || Packed(Pack(cont[:100])) {
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
		{"magic alone", zstdMagic, 100, "packed"},
	} {
		if _, err := Unpack(c.b, c.max); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
}
