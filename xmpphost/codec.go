package xmpphost

import (
	"fmt"
	"strconv"
	"sync"

	"github.com/mobilua/mobilua/continuation"
	"github.com/mobilua/mobilua/continuation/pack"
)

// A jump's continuation travels packed (pack.Pack: Zstandard)
// when that makes it notably smaller: the first piece says codec='zstd'
// and the continuation's size. Moving bytes through XML and the server
// costs far more per byte than packing them.

// packPayload is the payload of a jump that carries cont, its codec and size
// attributes ("" when it travels as it is).
func packPayload(cont []byte) (payload []byte, codec, size string) {
	payload = pack.Pack(cont)
	if !continuation.Packed(payload) {
		return cont, "", ""
	}
	return payload, "zstd", strconv.Itoa(len(cont))
}

// unpacking lets one continuation at a time be unpacked: the room made
// for its announced size (up to maxContinuation) is made once.
var unpacking sync.Mutex

// unpackPayload is the continuation a payload carries, checked against its
// announced size before anything is allocated.
func unpackPayload(payload []byte, codec, size string) ([]byte, error) {
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
	cont, err := pack.Unpack(payload, n) // (a frame that says more than n is refused unread)
	if err == nil && len(cont) != n {
		err = fmt.Errorf("%d bytes, not the %d announced", len(cont), n)
	}
	if err != nil {
		return nil, fmt.Errorf("bad payload: %v", err)
	}
	return cont, nil
}
