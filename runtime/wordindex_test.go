package runtime

import (
	"math/rand/v2"
	"testing"
)

// TestWordIndexSpread: keys in the patterns scripts make (multiples of
// powers of two, small fractions, negatives, huge numbers, tables) are
// placed near their home slots: the hash reaches the low bits from every
// bit of a key's words, whatever the process's seed (ten tried: a hash
// weak for some seeds failed one run in a few).
func TestWordIndexSpread(t *testing.T) {
	defer func(s uint64) { wordSeed = s }(wordSeed)
	for range 10 {
		wordSeed = rand.Uint64()
		spread(t)
	}
}

func spread(t *testing.T) {
	for name, key := range map[string]func(i int) Value{
		"i*2^32":  func(i int) Value { return Number(float64(i) * (1 << 32)) },
		"i/2^20":  func(i int) Value { return Number(float64(i) / (1 << 20)) },
		"i*65536": func(i int) Value { return Number(float64(i*65536 + 7)) },
		"-i":      func(i int) Value { return Number(-float64(i)) },
		"i*1e300": func(i int) Value { return Number(float64(i) * 1e300) },
		"tables":  func(int) Value { return TableValue(NewTable(0, 0)) },
	} {
		tab := NewTable(0, 0)
		for i := 1; i <= 20000; i++ {
			tab.Set(key(i), True)
		}
		x := tab.numKeys()
		if name == "tables" {
			x = tab.otherKeys()
		}
		mask := uint64(len(x.h) - 1)
		total, most := 0, 0
		for i, sl := range x.h {
			if sl != 0 {
				d := int((uint64(i) - sl>>32&mask) & mask)
				total += d
				most = max(most, d)
			}
		}
		if x.len() != 20000 || float64(total)/float64(x.n) > 1 || most > 40 {
			t.Errorf("seed %#x: %s: %d keys in %d slots, %.2f slots from home on average, at most %d",
				wordSeed, name, x.len(), len(x.h), float64(total)/float64(x.n), most)
		}
	}
}
