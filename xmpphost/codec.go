package xmpphost

import (
	"fmt"
	"strconv"
	"sync"

	"github.com/mobilua/mobilua/continuation"
)

// A jump's continuation travels packed (continuation.Pack: Zstandard)
// when that makes it notably smaller: the first piece says codec='zstd'
// and the continuation's size. Moving bytes through XML and the server
// costs far more per byte than packing them.

// pack is the payload of a jump that carries cont, its codec and size
// attributes ("" when it travels as it is).
func pack(cont []byte) (payload []byte, codec, size string) {
	payload = continuation.Pack(cont)
	if !continuation.Packed(payload) {
		return cont, "", ""
	}
	return payload, "zstd", strconv.Itoa(len(cont))
}

// unpacking lets one continuation at a time be unpacked: the room made
// for its announced size (up to maxContinuation) is made once.
var unpacking sync.Mutex

// unpack is the continuation a payload carries, checked against its
// announced size before anything is allocated.
func unpack(payload []byte, codec, size string) ([]byte, error) {
	switch codec {
	case "":
		if continuation.Packed(payload) {
			return nil, fmt.Errorf("bad payload: packed without codec='zstd'")
		}
		return payload, nil
	case "zstd":
	default:
		return nil, fmt.Errorf("bad payload: unknown codec %q", codec)
	}
	n, err := strconv.Atoi(size)
	if err != nil || n < 0 || n > maxContinuation {
		return nil, fmt.Errorf("bad payload: size %q (at most %d bytes)", size, maxContinuation)
	}
	if !continuation.Packed(payload) {
		return nil, fmt.Errorf("bad payload: not packed")
	}
	unpacking.Lock()
	defer unpacking.Unlock()
	cont, err := continuation.Unpack(payload, n) // (a frame that says more than n is refused unread)
	if err == nil && len(cont) != n {
		err = fmt.Errorf("%d bytes, not the %d announced", len(cont), n)
	}
	if err != nil {
		return nil, fmt.Errorf("bad payload: %v", err)
	}
	return cont, nil
}
