package runtime

import "math"

// C's math as lua5.1 gets it from glibc on x86-64, where it differs from
// Go's: the sign of a NaN, which lua5.1 prints ("-nan"). An operation on
// a NaN gives that NaN back, sign and all; a domain error gives the
// processor's default NaN, whose sign bit is set (0/0 in Go and in C
// alike). Go's math functions return math.NaN() (positive) for both.

// negNaN is x86's default NaN, "-nan".
var negNaN = math.Float64frombits(0xfff8000000000000)

// NaNOf is r, a result of a math function of x, with a NaN as glibc's:
// x itself when x is NaN, else the default NaN (positive when posDomain:
// glibc's log10, acos and asin give that for a domain error).
func NaNOf(r, x float64, posDomain bool) float64 {
	switch {
	case r == r:
		return r
	case x != x:
		return x
	case posDomain:
		return math.NaN()
	}
	return negNaN
}

// NaNOf2 is NaNOf for a function of x and y: the first of them that is
// NaN, else the default NaN.
func NaNOf2(r, x, y float64) float64 {
	switch {
	case r == r:
		return r
	case x != x:
		return x
	case y != y:
		return y
	}
	return negNaN
}

// Pow is C's pow: x^y in Lua 5.1.
func Pow(x, y float64) float64 {
	r := math.Pow(x, y)
	if r != r && x != x && oddInteger(y) {
		return math.Abs(x) // (glibc's odd powers lose a NaN's sign)
	}
	return NaNOf2(r, x, y)
}

func oddInteger(y float64) bool {
	return math.Abs(y) < 1<<53 && y == math.Trunc(y) && int64(y)%2 != 0
}

// Fmod is C's fmod (math.fmod).
func Fmod(x, y float64) float64 { return NaNOf2(math.Mod(x, y), x, y) }
