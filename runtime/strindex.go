package runtime

import (
	"hash/maphash"
	"slices"
	"unsafe"
)

// strIndex indexes a table's string keys once it has more than smallHash
// entries: an open-addressed hash of their positions in entries, and a
// cache of the positions last found, by the address of the keys' bytes (a
// hit is checked against the entry's key itself, so a stale slot only
// costs a miss).
//
// The hash holds no pointers (a slot is a tag of the key's hash and a
// position; a key is compared through its entry), so the collector never
// scans it, and it is a third of a Go map's size: a table of a million
// string keys thaws and is looked up at the speed of its memory. Keys
// are only added: a table drops its index when it compacts (Table.compact)
// and builds it again.
type strIndex struct {
	h     []uint64 // a power of two of slots: tag<<32 | position+1; 0 is empty
	n     int      // keys indexed
	slots []strSlot
}

type strSlot struct {
	p   *byte
	pos int32
}

// strSeed seeds the hash of string keys; random in each OS process, so
// that no script can choose keys that collide.
var strSeed = maphash.MakeSeed()

// newStrIndex makes an index with room for n keys.
func newStrIndex(n int) *strIndex {
	size := 16
	for size < 2*n {
		size *= 2
	}
	return &strIndex{h: make([]uint64, size)}
}

// clone returns a copy of x, its cache of slots left to be made at the
// first lookup (most of a new process's library tables are never looked
// up).
func (x *strIndex) clone() *strIndex { return &strIndex{h: slices.Clone(x.h), n: x.n} }

// strTag is the part of s's hash a slot keeps; its low bits place it.
func strTag(s string) uint64 { return maphash.String(strSeed, s) >> 32 }

// find returns the position of key s in entries.
func (x *strIndex) find(entries []entry, s string) (int32, bool) {
	i, ok := x.slot(entries, s, strTag(s))
	if !ok {
		return 0, false
	}
	return slotPos(x.h[i]), true
}

// add records that key s is at position p; when s was there already it
// moves it to p and reports false.
func (x *strIndex) add(entries []entry, s string, p int32) bool {
	if 2*(x.n+1) > len(x.h) {
		x.grow()
	}
	tag := strTag(s)
	i, had := x.slot(entries, s, tag)
	x.h[i] = slotValue(tag, p)
	if !had {
		x.n++
	}
	return !had
}

// slotValue is what a slot holds for a key whose hash's tag is tag, at
// position p of entries; slotPos is that position again.
func slotValue(tag uint64, p int32) uint64 { return tag<<32 | uint64(p+1) }

func slotPos(sl uint64) int32 { return int32(sl) - 1 }

// addSlot is add for the key of the slot value sl.
func (x *strIndex) addSlot(entries []entry, sl uint64) bool {
	p := slotPos(sl)
	return x.add(entries, entries[p].k.str(), p)
}

// slot returns the slot of key s, whose hash's tag is tag: the one that
// holds it (found), or the empty one where it goes.
func (x *strIndex) slot(entries []entry, s string, tag uint64) (i uint64, found bool) {
	mask := uint64(len(x.h) - 1)
	for i = tag & mask; ; i = (i + 1) & mask {
		sl := x.h[i]
		if sl == 0 {
			return i, false
		}
		if sl>>32 == tag {
			if ks, ok := entries[slotPos(sl)].k.Str(); ok && ks == s {
				return i, true
			}
		}
	}
}

// grow doubles the hash.
func (x *strIndex) grow() { x.h = doubled(x.h) }

// doubled returns a hash of slots (tag<<32 | position+1, 0 empty) twice
// the size of h, each slot of h placed again by its tag (strIndex,
// wordIndex).
func doubled(h []uint64) []uint64 {
	d := make([]uint64, 2*len(h))
	mask := uint64(len(d) - 1)
	for _, sl := range h {
		if sl == 0 {
			continue
		}
		i := sl >> 32 & mask
		for d[i] != 0 {
			i = (i + 1) & mask
		}
		d[i] = sl
	}
	return d
}

// resize empties the cache, with room for 4 times n entries.
func (x *strIndex) resize(n int) {
	size := 64
	for size < 4*n {
		size *= 2
	}
	x.slots = make([]strSlot, size)
}

// bytes is the size of the index and its cache (for the memory budget).
func (x *strIndex) bytes() int64 {
	if x == nil {
		return 0
	}
	return int64(len(x.h))*8 + int64(len(x.slots))*int64(unsafe.Sizeof(strSlot{}))
}

// sortedBuildMin is the fewest keys indexStrings places in order: below,
// the index fits the caches and adding keys one by one costs no more.
const sortedBuildMin = 1 << 12

// indexStrings indexes the string keys of entries at once (a thaw's table,
// endRestore): slots are the keys' slot values (tag<<32 | position+1), in
// the order of their positions. It returns the index, or the position of
// a key that is there twice.
//
// Above sortedBuildMin keys the slots are sorted by their home slot (a
// radix sort, through the index's own room) and placed in that order,
// each in the first free slot from its home: the index is written from
// its start to its end, where adding the keys one by one would wait on
// memory at each (a million keys: a hash of 16 MB). A slot that would
// go past the end is added as add does, wrapping to the start.
func indexStrings(entries []entry, slots []uint64) (*strIndex, int) {
	x := newStrIndex(len(slots))
	if len(slots) < sortedBuildMin {
		for _, sl := range slots {
			if !x.addSlot(entries, sl) {
				return nil, int(slotPos(sl))
			}
		}
		return x, -1
	}
	mask := uint64(len(x.h) - 1)
	radixSort(slots, x.h[:len(slots)], mask)
	clear(x.h)
	next, run := uint64(0), 0 // the first slot not taken; where the run of slots of one home starts
	for k, sl := range slots {
		home := sl >> 32 & mask
		if k > 0 && home != slots[k-1]>>32&mask {
			run = k
		}
		for _, o := range slots[run:k] { // (equal keys have one home)
			if o>>32 == sl>>32 && eqString(&entries[slotPos(o)].k, &entries[slotPos(sl)].k) {
				return nil, int(slotPos(sl))
			}
		}
		i := max(home, next)
		if i > mask {
			if !x.addSlot(entries, sl) {
				return nil, int(slotPos(sl))
			}
			continue
		}
		x.h[i] = sl
		x.n++
		next = i + 1
	}
	return x, -1
}

// radixSort sorts slots by their home slot (their tag's bits in mask),
// stably, 11 bits a pass, with tmp (as long as slots) as its other room.
func radixSort(slots, tmp []uint64, mask uint64) {
	const bits = 11
	src, dst := slots, tmp
	for shift := uint(0); mask>>shift != 0; shift += bits {
		var count [1 << bits]int
		for _, sl := range src {
			count[sl>>32&mask>>shift&(1<<bits-1)]++
		}
		at := 0
		for d, c := range count {
			count[d] = at
			at += c
		}
		for _, sl := range src {
			d := sl >> 32 & mask >> shift & (1<<bits - 1)
			dst[count[d]] = sl
			count[d]++
		}
		src, dst = dst, src
	}
	if &src[0] != &slots[0] {
		copy(slots, src)
	}
}
