package xmpphost

import (
	"fmt"
	"strconv"
	"sync"

	"github.com/klauspost/compress/zstd"
)

// A jump's continuation travels compressed with Zstandard (RFC 8878) when
// that makes it notably smaller: the first piece says codec='zstd' and the
// continuation's size. Moving bytes through XML and the server costs far
// more per byte than compressing them, so every byte saved is time saved;
// a continuation that does not shrink travels as it is.

// minPack is the smallest continuation worth compressing.
const minPack = 1 << 10

var (
	zenc, _ = zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithEncoderConcurrency(1))
	// DecodeAll never writes past its destination's capacity (the size
	// the sender announced, itself bounded): a small payload that claims
	// to decompress to gigabytes is refused, not allocated
	zdec, _ = zstd.NewReader(nil, zstd.WithDecoderConcurrency(1), zstd.WithDecodeAllCapLimit(true),
		zstd.WithDecoderMaxMemory(uint64(maxContinuation)))
)

// pack is the payload of a jump that carries cont, its codec and size
// attributes ("" when it travels uncompressed).
func pack(cont []byte) (payload []byte, codec, size string) {
	if len(cont) < minPack {
		return cont, "", ""
	}
	z := zenc.EncodeAll(cont, make([]byte, 0, len(cont)/2))
	if len(z) > len(cont)/10*9 {
		return cont, "", ""
	}
	return z, "zstd", strconv.Itoa(len(cont))
}

// unpacking lets one continuation at a time be decompressed: the room
// made for its announced size (up to maxContinuation) is made once.
var unpacking sync.Mutex

// unpack is the continuation a payload carries, checked against its
// announced size before anything is allocated.
func unpack(payload []byte, codec, size string) ([]byte, error) {
	switch codec {
	case "":
		return payload, nil
	case "zstd":
	default:
		return nil, fmt.Errorf("bad payload: unknown codec %q", codec)
	}
	n, err := strconv.Atoi(size)
	if err != nil || n < 0 || n > maxContinuation {
		return nil, fmt.Errorf("bad payload: size %q (at most %d bytes)", size, maxContinuation)
	}
	unpacking.Lock()
	defer unpacking.Unlock()
	cont, err := zdec.DecodeAll(payload, make([]byte, 0, n))
	if err != nil {
		return nil, fmt.Errorf("bad payload: %v", err)
	}
	if len(cont) != n {
		return nil, fmt.Errorf("bad payload: %d bytes, not the %d announced", len(cont), n)
	}
	return cont, nil
}
