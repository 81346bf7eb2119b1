package continuation

import (
	"bytes"
	"fmt"
	"sync"

	"github.com/klauspost/compress/zstd"
)

// A packed continuation is a continuation in a Zstandard frame (RFC 8878)
// that says its size: stores and transports keep continuations packed
// when that makes them at least a tenth smaller (a heap of records packs
// about 6 times; random numbers not at all, and stay as they are). A
// packed continuation starts with zstd's magic number, a continuation
// with CBOR's self-describe tag, so that Unpack tells them apart.

// minPack is the smallest continuation worth packing.
const minPack = 1 << 10

var zstdMagic = []byte{0x28, 0xb5, 0x2f, 0xfd}

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

// Packed reports whether b is a packed continuation (or claims to be).
func Packed(b []byte) bool { return bytes.HasPrefix(b, zstdMagic) }

// PackedSize is the size of the continuation b holds: what a packed
// continuation's frame says, else len(b).
func PackedSize(b []byte) (int, error) {
	if !Packed(b) {
		return len(b), nil
	}
	var h zstd.Header
	if err := h.Decode(b); err != nil {
		return 0, &Error{"packed: " + err.Error()}
	}
	if !h.HasFCS || h.FrameContentSize > 1<<40 {
		return 0, &Error{"packed: the frame does not say its size"}
	}
	return int(h.FrameContentSize), nil
}

// Unpack returns the continuation b holds: b itself, or b unpacked. It
// refuses a frame that says more than max bytes before it allocates
// anything, and one that does not hold exactly what it says.
func Unpack(b []byte, max int) ([]byte, error) {
	if !Packed(b) {
		return b, nil
	}
	n, err := PackedSize(b)
	if err != nil {
		return nil, err
	}
	if n > max {
		return nil, bad("packed: %d bytes is more than the limit of %d", n, max)
	}
	cont, err := zdec().DecodeAll(b, make([]byte, 0, n))
	if err == nil && len(cont) != n {
		err = fmt.Errorf("%d bytes, not the %d its frame says", len(cont), n)
	}
	if err != nil {
		return nil, &Error{"packed: " + err.Error()}
	}
	return cont, nil
}
