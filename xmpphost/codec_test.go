package xmpphost

import (
	"bytes"
	"math/rand"
	"strconv"
	"strings"
	"testing"
)

// TestPack: a continuation that compresses travels compressed and comes
// back byte for byte; one that does not travels as it is; a payload that
// says a wrong size, more than a jump may carry, or an unknown codec is
// refused without being decompressed past what it announced.
func TestPack(t *testing.T) {
	text := bytes.Repeat([]byte("local t = {} for i = 1, 10 do t[i] = i end "), 1000)
	payload, codec, size := packPayload(text)
	if codec != "zstd" || size != strconv.Itoa(len(text)) || len(payload) > len(text)/10 {
		t.Fatalf("packed %d bytes into %d, codec %q, size %q", len(text), len(payload), codec, size)
	}
	if got, err := unpackPayload(payload, codec, size); err != nil || !bytes.Equal(got, text) {
		t.Fatalf("unpacked %d bytes, %v", len(got), err)
	}
	noise := make([]byte, 1<<16)
	rand.New(rand.NewSource(1)).Read(noise)
	if p, codec, _ := packPayload(noise); codec != "" || !bytes.Equal(p, noise) {
		t.Errorf("random bytes were packed (codec %q)", codec)
	}
	if p, codec, _ := packPayload(text[:100]); codec != "" || len(p) != 100 {
		t.Errorf("a short continuation was packed (codec %q)", codec)
	}
	for _, c := range []struct{ codec, size, want string }{
		{"zstd", strconv.Itoa(len(text) - 1), "bad payload"}, // says less than it holds
		{"zstd", strconv.Itoa(len(text) + 1), "not the"},     // says more
		{"zstd", strconv.Itoa(maxContinuation + 1), "at most"},
		{"zstd", "-1", "at most"},
		{"zstd", "", "at most"},
		{"gzip", size, "unknown codec"},
	} {
		if _, err := unpackPayload(payload, c.codec, c.size); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("codec %q size %q: %v, want %q", c.codec, c.size, err, c.want)
		}
	}
	if _, err := unpackPayload([]byte("not zstd at all"), "zstd", "100"); err == nil {
		t.Error("garbage was unpacked")
	}
}
