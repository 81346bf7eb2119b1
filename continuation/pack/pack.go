// Package pack packs a continuation into a Zstandard frame (RFC 8878)
// that says its size, and unpacks one: the form transports and stores
// keep continuations in when that makes them at least a tenth smaller (a
// heap of records packs about 6 times; random numbers not at all, and
// stay as they are). continuation.Thaw and Inspect take a packed
// continuation when their Options.Unpack is this package's Unpack.
//
// It is apart from the continuation package so that a program that only
// writes and reads plain continuations (cmd/mobilua: a script's start-up)
// does not link the codec, whose packages' initialization is a seventh of
// that start-up. It imports the continuation package (its Error, Packed)
// and the codec (github.com/klauspost/compress/zstd) only.
package pack

import (
	"fmt"
	"sync"

	"github.com/klauspost/compress/zstd"
	"github.com/mobilua/mobilua/continuation"
)

// minPack is the smallest continuation worth packing.
const minPack = 1 << 10

// The encoder and decoder are made when first needed (not at every
// program's start).
var (
	zenc = sync.OnceValue(func() *zstd.Encoder {
		e, _ := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithEncoderConcurrency(1))
		return e
	})
	// DecodeAll never writes past its destination's capacity, which
	// Unpack makes the size the frame says (itself checked first): a small
	// frame that claims to hold gigabytes is refused, not allocated
	zdec = sync.OnceValue(func() *zstd.Decoder {
		d, _ := zstd.NewReader(nil, zstd.WithDecoderConcurrency(1), zstd.WithDecodeAllCapLimit(true),
			zstd.WithDecoderMaxMemory(1<<30))
		return d
	})
)

// Pack returns cont packed, or cont itself when packing does not make it
// at least a tenth smaller.
func Pack(cont []byte) []byte {
	if len(cont) < minPack {
		return cont
	}
	z := zenc().EncodeAll(cont, make([]byte, 0, len(cont)/2))
	if len(z) > len(cont)/10*9 {
		return cont
	}
	return z
}

// Size is the size of the continuation b holds: what a packed
// continuation's frame says, else len(b).
func Size(b []byte) (int, error) {
	if !continuation.Packed(b) {
		return len(b), nil
	}
	var h zstd.Header
	if err := h.Decode(b); err != nil {
		return 0, &continuation.Error{Msg: "packed: " + err.Error()}
	}
	if !h.HasFCS || h.FrameContentSize > 1<<40 {
		return 0, &continuation.Error{Msg: "packed: the frame does not say its size"}
	}
	return int(h.FrameContentSize), nil
}

// Unpack returns the continuation b holds: b itself, or b unpacked. It
// refuses a frame that says more than max bytes before it allocates
// anything, and one that does not hold exactly what it says.
func Unpack(b []byte, max int) ([]byte, error) {
	if !continuation.Packed(b) {
		return b, nil
	}
	n, err := Size(b)
	if err != nil {
		return nil, err
	}
	if n > max {
		return nil, &continuation.Error{Msg: fmt.Sprintf("packed: %d bytes is more than the limit of %d", n, max)}
	}
	cont, err := zdec().DecodeAll(b, make([]byte, 0, n))
	if err == nil && len(cont) != n {
		err = fmt.Errorf("%d bytes, not the %d its frame says", len(cont), n)
	}
	if err != nil {
		return nil, &continuation.Error{Msg: "packed: " + err.Error()}
	}
	return cont, nil
}
