package runtime

import (
	"math"
	"math/rand"
	"strconv"
	"strings"
	"testing"
)

// formatGTwoPass is C's %.<prec>g built from Go's %e and %f, as FormatG
// was written before it became Go's 'g' format.
func formatGTwoPass(f float64, prec int) string {
	s := strconv.FormatFloat(f, 'e', prec-1, 64)
	epos := strings.LastIndexByte(s, 'e')
	exp, _ := strconv.Atoi(s[epos+1:])
	if exp < -4 || exp >= prec {
		mant := s[:epos]
		if strings.IndexByte(mant, '.') >= 0 {
			mant = strings.TrimSuffix(strings.TrimRight(mant, "0"), ".")
		}
		es := s[epos+1:]
		digits := es[1:]
		if len(digits) < 2 {
			digits = "0" + digits
		}
		return mant + "e" + es[:1] + digits
	}
	r := strconv.FormatFloat(f, 'f', prec-1-exp, 64)
	if strings.IndexByte(r, '.') >= 0 {
		r = strings.TrimSuffix(strings.TrimRight(r, "0"), ".")
	}
	return r
}

// TestFormatG: Go's 'g' format is C's %g (testdata/lua/format.lua checks
// it against lua5.1 itself) for numbers of every magnitude and precision.
func TestFormatG(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	vals := []float64{0, math.Copysign(0, -1), 1, 0.5, 100, 1e14, 1e15, 1e-4, 1e-5, 99999.5, 9.5, 5e-324, math.MaxFloat64}
	for i := 0; i < 20000; i++ {
		vals = append(vals, math.Float64frombits(r.Uint64()), r.Float64()*math.Pow(10, float64(r.Intn(40)-20)),
			math.Round(r.Float64()*1e6)*math.Pow(10, float64(r.Intn(30)-10)))
	}
	for _, v := range vals {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			continue
		}
		for prec := 1; prec <= 17; prec++ {
			if got, want := FormatG(v, prec), formatGTwoPass(v, prec); got != want {
				t.Fatalf("FormatG(%v, %d) = %q, want %q", v, prec, got, want)
			}
		}
	}
	if got := FormatG(0.5, 0); got != "0.5" {
		t.Errorf("FormatG(0.5, 0) = %q, want %q (precision 0 is 1)", got, "0.5")
	}
}
