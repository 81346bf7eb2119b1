package continuation

import (
	"encoding/binary"
	"fmt"
	"math"
	"slices"
)

// The subset of CBOR (RFC 8949) a continuation uses, written and read by
// hand for speed (FORMAT.md has the figures): unsigned and negative
// integers, byte and text strings, arrays of definite length, tags,
// false/true/null, and floats. The reader checks every length against the
// bytes that are left before it allocates anything.

const (
	majUint  = 0 << 5
	majNeg   = 1 << 5
	majBytes = 2 << 5
	majText  = 3 << 5
	majArray = 4 << 5
	majTag   = 6 << 5
	majOther = 7 << 5

	cborFalse = 0xf4
	cborTrue  = 0xf5
	cborNull  = 0xf6
	cborF32   = 0xfa
	cborF64   = 0xfb
)

// Tags.
const (
	tagStringRef       = 25    // a string seen before: its index in the string table
	tagObjectRef       = 29    // a heap object: its index in the object table
	tagStringNamespace = 256   // the scope of string references
	tagSelfDescribe    = 55799 // marks the bytes as CBOR
)

type writer struct {
	b []byte
}

func (w *writer) head(major byte, n uint64) {
	switch {
	case n < 24:
		w.b = append(w.b, major|byte(n))
	case n <= math.MaxUint8:
		w.b = append(w.b, major|24, byte(n))
	case n <= math.MaxUint16:
		w.b = append(w.b, major|25, byte(n>>8), byte(n))
	case n <= math.MaxUint32:
		w.b = append(w.b, major|26)
		w.b = binary.BigEndian.AppendUint32(w.b, uint32(n))
	default:
		w.b = append(w.b, major|27)
		w.b = binary.BigEndian.AppendUint64(w.b, n)
	}
}

func (w *writer) uint(n uint64) {
	if n < 24 { // (inlined)
		w.b = append(w.b, majUint|byte(n))
		return
	}
	w.head(majUint, n)
}

// fixedUint and fixedArray write a head of 9 bytes, whatever n, so that it
// can be patched once the value is known (valid CBOR, not the shortest).
func (w *writer) fixedUint(n uint64) {
	w.b = append(w.b, majUint|27)
	w.b = binary.BigEndian.AppendUint64(w.b, n)
}

func (w *writer) fixedArray(n uint64) {
	w.b = append(w.b, majArray|27)
	w.b = binary.BigEndian.AppendUint64(w.b, n)
}

func (w *writer) patchUint(at int, n uint64)  { binary.BigEndian.PutUint64(w.b[at+1:], n) }
func (w *writer) patchArray(at int, n uint64) { binary.BigEndian.PutUint64(w.b[at+1:], n) }

func (w *writer) int(n int64) {
	if n >= 0 {
		w.uint(uint64(n))
		return
	}
	w.head(majNeg, uint64(-1-n))
}

func (w *writer) array(n int) {
	if uint(n) < 24 { // (inlined)
		w.b = append(w.b, majArray|byte(n))
		return
	}
	w.head(majArray, uint64(n))
}

func (w *writer) tag(t uint64) {
	if t >= 24 && t < 256 { // (inlined: the tags of references)
		w.b = append(w.b, majTag|24, byte(t))
		return
	}
	w.head(majTag, t)
}

func (w *writer) bytes(s []byte) {
	w.head(majBytes, uint64(len(s)))
	w.b = append(w.b, s...)
}

func (w *writer) str(s string) {
	w.head(majBytes, uint64(len(s)))
	w.b = append(w.b, s...)
}

func (w *writer) text(s string) {
	w.head(majText, uint64(len(s)))
	w.b = append(w.b, s...)
}

func (w *writer) bool(b bool) {
	if b {
		w.b = append(w.b, cborTrue)
	} else {
		w.b = append(w.b, cborFalse)
	}
}

func (w *writer) null() { w.b = append(w.b, cborNull) }

// reserve makes room for n more bytes at once (a table's values), so that
// the buffer grows in few steps.
func (w *writer) reserve(n int) {
	if cap(w.b)-len(w.b) < n {
		w.b = slices.Grow(w.b, cap(w.b)+n) // (zeroes only what is past len)
	}
}

// number writes a Lua number: an integer when it is one exactly (and not
// -0), else the shortest float that holds it.
func (w *writer) number(f float64) {
	if i := int64(f); float64(i) == f && i > -1<<53 && i < 1<<53 && (i != 0 || !math.Signbit(f)) {
		if i >= 0 && i < 24 {
			w.b = append(w.b, byte(i))
			return
		}
		w.int(i)
		return
	}
	n := len(w.b)
	if cap(w.b)-n < 9 {
		w.reserve(9)
	}
	b := w.b[:n+9]
	if f32 := float32(f); float64(f32) == f || f != f {
		b[n] = cborF32
		binary.BigEndian.PutUint32(b[n+1:], math.Float32bits(f32))
		w.b = b[:n+5]
		return
	}
	b[n] = cborF64
	binary.BigEndian.PutUint64(b[n+1:], math.Float64bits(f))
	w.b = b
}

// ---- reading

// errFormat is a malformed continuation.
type errFormat struct {
	off int
	msg string
}

func (e *errFormat) Error() string { return fmt.Sprintf("byte %d: %s", e.off, e.msg) }

type reader struct {
	b   []byte
	off int
}

// fail stops decoding: the decoder recovers it at its edge.
func (r *reader) fail(format string, args ...any) {
	panic(&errFormat{r.off, fmt.Sprintf(format, args...)})
}

func (r *reader) left() int { return len(r.b) - r.off }

func (r *reader) peek() byte {
	if r.off >= len(r.b) {
		r.eof()
	}
	return r.b[r.off]
}

// eof fails at the end of the data (out of line: peek is inlined).
//
//go:noinline
func (r *reader) eof() { r.fail("unexpected end of data") }

// head reads an item's major type and argument.
func (r *reader) head() (major byte, n uint64) {
	if at := r.off; at+4 < len(r.b) { // (room for the longest form read here)
		c := r.b[at]
		switch info := c & 0x1f; {
		case info < 24:
			r.off++
			return c & 0xe0, uint64(info)
		case info == 24: // tags, object numbers, most counts
			r.off += 2
			return c & 0xe0, uint64(r.b[at+1])
		case info == 25:
			r.off += 3
			return c & 0xe0, uint64(binary.BigEndian.Uint16(r.b[at+1:]))
		case info == 26:
			r.off += 5
			return c & 0xe0, uint64(binary.BigEndian.Uint32(r.b[at+1:]))
		}
	}
	return r.longHead()
}

func (r *reader) longHead() (major byte, n uint64) {
	c := r.peek()
	r.off++
	major, info := c&0xe0, c&0x1f
	switch {
	case info < 24:
		return major, uint64(info)
	case info <= 27:
		size := 1 << (info - 24)
		if r.left() < size {
			r.fail("unexpected end of data")
		}
		p := r.b[r.off:]
		r.off += size
		switch size {
		case 1:
			return major, uint64(p[0])
		case 2:
			return major, uint64(binary.BigEndian.Uint16(p))
		case 4:
			return major, uint64(binary.BigEndian.Uint32(p))
		default:
			return major, binary.BigEndian.Uint64(p)
		}
	}
	r.fail("unsupported item 0x%02x (indefinite lengths are not used)", c)
	return 0, 0
}

func (r *reader) want(major byte, what string) uint64 {
	at := r.off
	m, n := r.head()
	if m != major {
		r.off = at
		r.fail("%s expected", what)
	}
	return n
}

// count reads an array header; each element takes at least min bytes, so
// a count larger than what is left is refused before anything is made.
func (r *reader) count(what string, min int) int {
	if at := r.off; at < len(r.b) {
		// (inlined: an array of fewer than 24, short enough)
		if n := int(r.b[at]) - majArray; n >= 0 && n < 24 && n*min <= len(r.b)-at-1 {
			r.off++
			return n
		}
	}
	return r.longCount(what, min)
}

func (r *reader) longCount(what string, min int) int {
	n := r.want(majArray, what)
	if n > uint64(r.left()/min) {
		r.fail("%s of %d elements is longer than the %d bytes left", what, n, r.left())
	}
	return int(n)
}

// countBetween reads an array header of min to max elements and returns
// the count.
func (r *reader) countBetween(what string, min, max int) int {
	at := r.off
	got := r.want(majArray, what)
	if got < uint64(min) || got > uint64(max) {
		r.off = at
		r.fail("%s has %d fields, wants %d to %d", what, got, min, max)
	}
	return int(got)
}

// countExactly reads an array header of exactly n elements.
func (r *reader) countExactly(what string, n int) {
	at := r.off
	if got := r.want(majArray, what); got != uint64(n) {
		r.off = at
		r.fail("%s has %d fields, wants %d", what, got, n)
	}
}

func (r *reader) uint(what string, max uint64) uint64 {
	if r.off < len(r.b) { // (inlined: below 24)
		if c := uint64(r.b[r.off]); c < 24 && c <= max {
			r.off++
			return c
		}
	}
	return r.longUint(what, max)
}

func (r *reader) longUint(what string, max uint64) uint64 {
	n := r.want(majUint, what)
	if n > max {
		r.fail("%s %d is out of range (at most %d)", what, n, max)
	}
	return n
}

func (r *reader) int(what string, lo, hi int64) int {
	if at := r.off; at < len(r.b) { // (-24 to 23 at once)
		v := int64(r.b[at])
		if v >= majNeg && v < majNeg+24 {
			v = majNeg - 1 - v
		}
		if v < 24 && v >= lo && v <= hi {
			r.off++
			return int(v)
		}
	}
	return r.longInt(what, lo, hi)
}

func (r *reader) longInt(what string, lo, hi int64) int {
	at := r.off
	m, n := r.head()
	var v int64
	switch {
	case m == majUint && n <= math.MaxInt64:
		v = int64(n)
	case m == majNeg && n <= math.MaxInt64:
		v = -1 - int64(n)
	default:
		r.off = at
		r.fail("%s: integer expected", what)
	}
	if v < lo || v > hi {
		r.off = at
		r.fail("%s %d is out of range [%d, %d]", what, v, lo, hi)
	}
	return int(v)
}

func (r *reader) rawBytes(major byte, what string) []byte {
	n := r.want(major, what)
	if n > uint64(r.left()) {
		r.fail("%s of %d bytes is longer than the %d bytes left", what, n, r.left())
	}
	s := r.b[r.off : r.off+int(n)]
	r.off += int(n)
	return s
}

func (r *reader) text(what string) string { return string(r.rawBytes(majText, what)) }

func (r *reader) bool(what string) bool {
	switch r.peek() {
	case cborTrue:
		r.off++
		return true
	case cborFalse:
		r.off++
		return false
	}
	r.fail("%s: boolean expected", what)
	return false
}

// isNull consumes a null if there is one.
func (r *reader) isNull() bool {
	if r.peek() == cborNull {
		r.off++
		return true
	}
	return false
}

func (r *reader) tag(t uint64, what string) {
	at := r.off
	if got := r.want(majTag, what); got != t {
		r.off = at
		r.fail("%s: tag %d expected, got %d", what, t, got)
	}
}

func (r *reader) float32() float64 {
	if r.left() < 4 {
		r.fail("unexpected end of data")
	}
	f := math.Float32frombits(binary.BigEndian.Uint32(r.b[r.off:]))
	r.off += 4
	return float64(f)
}

func (r *reader) float64() float64 {
	if r.left() < 8 {
		r.fail("unexpected end of data")
	}
	f := math.Float64frombits(binary.BigEndian.Uint64(r.b[r.off:]))
	r.off += 8
	return f
}

// stringRefMin is the shortest string that gets an entry in the string
// table when it already holds n strings (the stringref rule: an entry is
// made only when a reference to it is shorter than the string).
func stringRefMin(n int) int {
	switch {
	case n < 24:
		return 3
	case n < 256:
		return 4
	case n < 65536:
		return 5
	case n < 1<<32:
		return 7
	}
	return 11
}
