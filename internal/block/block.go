// Package block hands out slices cut from blocks made for many at once:
// what a thaw allocates for many small objects (the continuation
// package's shells, lists and stacks; the runtime's small hash parts)
// comes a block at a time instead of one allocation each. A block lives
// as long as any slice cut from it.
//
// It owns that policy alone (the first block small, each next one twice
// the last, up to a most) and imports nothing, so that the runtime and
// the continuation package, which must not import each other's inner
// parts, may both import it.
package block

// Blocks cuts slices of T from blocks. Its zero value is ready; a zero
// Blocks again lets go of the last block.
type Blocks[T any] struct {
	free []T
	size int // the items of the last block made
}

// Cut returns n items (their length and capacity n), from a block of
// first to most items (or of n, when more).
func (b *Blocks[T]) Cut(n, first, most int) []T {
	if n > len(b.free) {
		b.size = min(max(2*b.size, first), most)
		b.free = make([]T, max(n, b.size))
	}
	s := b.free[:n:n]
	b.free = b.free[n:]
	return s
}
