package runtime

import (
	"math"
	"math/rand/v2"
	"slices"
	"unsafe"
)

// wordIndex indexes the keys of a table's hash part that are equal only
// when their two words are (a Value's p and n): numbers (normalized: no
// -0, no NaN), booleans and objects. It is an open-addressed hash of
// their positions in entries, as strIndex's, each slot a tag of the key's
// hash and its position (a key is compared through its entry). It holds
// no pointers, a slot is 8 bytes, and a lookup reads one slot and the
// entry, where a Go map read its control word, its slot and then the
// entry. Keys are only added: a table makes it again when it compacts
// (Table.compact). An object is hashed by its address, which Go's
// collector does not move.
type wordIndex struct {
	h []uint64 // a power of two of slots: tag<<32 | position+1; 0 is empty
	n int      // keys indexed
}

// wordSeed seeds the hash of keys; random in each OS process, so that no
// script can choose keys that collide.
var wordSeed = rand.Uint64()

// wordTag is the part of the hash of key k that a slot keeps; its low
// bits place it: k's words folded, seeded, through splitmix64's
// finalizer, every bit of which depends on every bit of its input. (A
// random odd multiplier, the product's halves folded, was weak for some
// seeds: 20,000 keys -1, -2, ... lay 37 slots from home on average for
// the worst of 150 seeds; this one's worst is 0.24.)
func wordTag(k *Value) uint64 {
	z := uint64(uintptr(k.p)) ^ math.Float64bits(k.n) ^ wordSeed
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return (z ^ z>>31) & 0xffffffff
}

// sameWords reports whether a and b are the same key (their words).
func sameWords(a, b *Value) bool {
	return a.p == b.p && math.Float64bits(a.n) == math.Float64bits(b.n)
}

// newWordIndex makes an index with room for n keys.
func newWordIndex(n int) *wordIndex {
	size := 8
	for size < 2*n {
		size *= 2
	}
	return &wordIndex{h: make([]uint64, size)}
}

// clone returns a copy of x (nil for nil).
func (x *wordIndex) clone() *wordIndex {
	if x == nil {
		return nil
	}
	return &wordIndex{h: slices.Clone(x.h), n: x.n}
}

// len is how many keys x holds (0 for nil).
func (x *wordIndex) len() int {
	if x == nil {
		return 0
	}
	return x.n
}

// find returns the position of key k in entries. (slot's loop, written
// out: a call per lookup was 5% more instructions in a script that looks
// up table keys.)
func (x *wordIndex) find(entries []entry, k Value) (int32, bool) {
	if x == nil {
		return 0, false
	}
	tag := wordTag(&k)
	mask := uint64(len(x.h) - 1)
	for i := tag & mask; ; i = (i + 1) & mask {
		sl := x.h[i]
		if sl == 0 {
			return 0, false
		}
		if p := slotPos(sl); sl>>32 == tag && sameWords(&entries[p].k, &k) {
			return p, true
		}
	}
}

// add records that key k is at position p of entries (whose entry may
// not be there yet): a key already there moves.
func (x *wordIndex) add(entries []entry, k Value, p int32) {
	if 2*(x.n+1) > len(x.h) {
		x.grow()
	}
	tag := wordTag(&k)
	i, had := x.slot(entries, &k, tag)
	x.h[i] = slotValue(tag, p)
	if !had {
		x.n++
	}
}

// slot returns the slot of key k, whose hash's tag is tag: the one that
// holds it (found), or the empty one where it goes.
func (x *wordIndex) slot(entries []entry, k *Value, tag uint64) (i uint64, found bool) {
	mask := uint64(len(x.h) - 1)
	for i = tag & mask; ; i = (i + 1) & mask {
		sl := x.h[i]
		if sl == 0 {
			return i, false
		}
		if sl>>32 == tag && sameWords(&entries[slotPos(sl)].k, k) {
			return i, true
		}
	}
}

// grow doubles the hash.
func (x *wordIndex) grow() { x.h = doubled(x.h) }

// bytes is the size of the index (for the memory budget).
func (x *wordIndex) bytes() int64 {
	if x == nil {
		return 0
	}
	return int64(unsafe.Sizeof(*x)) + int64(len(x.h))*8
}
