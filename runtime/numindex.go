package runtime

import (
	"math"
	"math/bits"
	"math/rand/v2"
	"slices"
	"unsafe"
)

// numIndex indexes the number keys of a table's hash part: an
// open-addressed hash of their positions in entries, as strIndex's, each
// slot a tag of the key's hash and its position (a key is compared
// through its entry). It holds no pointers, a slot is 8 bytes, and a
// lookup reads one slot and the entry, where a Go map read its control
// word, its slot and then the entry. Keys are only added: a table makes
// it again when it compacts (Table.compact).
type numIndex struct {
	h []uint64 // a power of two of slots: tag<<32 | position+1; 0 is empty
	n int      // keys indexed
}

// numSeed and numMul seed the hash of number keys; random in each OS
// process, so that no script can choose keys that collide.
var numSeed, numMul = rand.Uint64(), rand.Uint64() | 1

// numHashTag is the part of the hash of a number key's bits that a slot
// keeps; its low bits place it (the bits, seeded, times an odd number,
// the product's halves folded: every bit of the key reaches the low
// bits, as in wyhash).
func numHashTag(b uint64) uint64 {
	hi, lo := bits.Mul64(b^numSeed, numMul)
	return (hi ^ lo) & 0xffffffff
}

// newNumIndex makes an index with room for n keys.
func newNumIndex(n int) *numIndex {
	size := 8
	for size < 2*n {
		size *= 2
	}
	return &numIndex{h: make([]uint64, size)}
}

func (x *numIndex) clone() *numIndex {
	if x == nil {
		return nil
	}
	return &numIndex{h: slices.Clone(x.h), n: x.n}
}

// len is how many keys x holds (0 for nil).
func (x *numIndex) len() int {
	if x == nil {
		return 0
	}
	return x.n
}

// find returns the position in entries of the number key whose bits are
// b (normalized: no -0).
func (x *numIndex) find(entries []entry, b uint64) (int32, bool) {
	if x == nil {
		return 0, false
	}
	tag := numHashTag(b)
	mask := uint64(len(x.h) - 1)
	for i := tag & mask; ; i = (i + 1) & mask {
		sl := x.h[i]
		if sl == 0 {
			return 0, false
		}
		if sl>>32 == tag {
			if p := slotPos(sl); math.Float64bits(entries[p].k.n) == b && isNum(&entries[p].k) {
				return p, true
			}
		}
	}
}

// add records that the number key whose bits are b is at position p of
// entries (whose entry may not be there yet): a key already there moves.
func (x *numIndex) add(entries []entry, b uint64, p int32) {
	if 2*(x.n+1) > len(x.h) {
		x.grow()
	}
	tag := numHashTag(b)
	mask := uint64(len(x.h) - 1)
	i := tag & mask
	for ; x.h[i] != 0; i = (i + 1) & mask {
		if sl := x.h[i]; sl>>32 == tag {
			if q := slotPos(sl); math.Float64bits(entries[q].k.n) == b && isNum(&entries[q].k) {
				x.h[i] = slotValue(tag, p)
				return
			}
		}
	}
	x.h[i] = slotValue(tag, p)
	x.n++
}

// grow doubles the hash, placing each slot again by its tag.
func (x *numIndex) grow() {
	old := x.h
	x.h = make([]uint64, 2*len(old))
	mask := uint64(len(x.h) - 1)
	for _, sl := range old {
		if sl == 0 {
			continue
		}
		i := sl >> 32 & mask
		for x.h[i] != 0 {
			i = (i + 1) & mask
		}
		x.h[i] = sl
	}
}

// bytes is the size of the index (for the memory budget).
func (x *numIndex) bytes() int64 {
	if x == nil {
		return 0
	}
	return int64(unsafe.Sizeof(*x)) + int64(len(x.h))*8
}
