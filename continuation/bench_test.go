package continuation

import (
	"bytes"
	"io"
	"testing"

	"github.com/fxamacker/cbor/v2"
)

// The heaps of the benchmarks, built in Lua, suspended at mb.yield.
var benchHeaps = []struct {
	name, src string
	objects   int // what the heap holds, for bytes per object
}{
	{"numbers1e6", `local t = {} for i = 1, 1e6 do t[i] = i * 1.1 end mb.yield() return t`, 1e6},
	{"records1e5", `local t = {} for i = 1, 1e5 do t[i] = {id = i, name = "user" .. i, score = (i * 7919) % 1000 / 10, ok = i % 3 == 0} end mb.yield() return t`, 1e5},
	{"strings1e5", `local t = {} for i = 1, 1e5 do t["key" .. i] = i end mb.yield() return t`, 1e5},
	{"closures1e4_coroutines1e3", `local fs, cos = {}, {}
for i = 1, 1e4 do local n = i; fs[i] = function() n = n + 1; return n end end
for i = 1, 1e3 do cos[i] = coroutine.create(function(a) local b = coroutine.yield(a) return b end); coroutine.resume(cos[i], i) end
mb.yield() return fs, cos`, 1e4 + 1e3},
}

func BenchmarkFreeze(b *testing.B) {
	for _, h := range benchHeaps {
		b.Run(h.name, func(b *testing.B) {
			p := start(b, h.src, io.Discard)
			c, err := Freeze(p)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(c)))
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				Freeze(p)
			}
			b.ReportMetric(float64(len(c))/float64(h.objects), "bytes/object")
		})
	}
}

func BenchmarkThaw(b *testing.B) {
	for _, h := range benchHeaps {
		b.Run(h.name, func(b *testing.B) {
			c, err := Freeze(start(b, h.src, io.Discard))
			if err != nil {
				b.Fatal(err)
			}
			opts := options(io.Discard)
			b.SetBytes(int64(len(c)))
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := Thaw(c, opts); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkLibraryCBOR is the comparison recorded in FORMAT.md: the same
// million numbers and hundred thousand strings through
// github.com/fxamacker/cbor/v2 (as []any, the shape a Lua array has).
func BenchmarkLibraryCBOR(b *testing.B) {
	nums := make([]any, 1e6)
	for i := range nums {
		nums[i] = float64(i+1) * 1.1
	}
	strs := make([]any, 0, 2e5)
	for i := 1; i <= 1e5; i++ {
		strs = append(strs, "key"+itoa(i), float64(i))
	}
	for _, c := range []struct {
		name string
		v    []any
	}{{"numbers1e6", nums}, {"strings1e5", strs}} {
		enc, _ := cbor.CoreDetEncOptions().EncMode()
		data, err := enc.Marshal(c.v)
		if err != nil {
			b.Fatal(err)
		}
		b.Run("marshal/"+c.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for i := 0; i < b.N; i++ {
				enc.Marshal(c.v)
			}
		})
		dec, _ := cbor.DecOptions{MaxArrayElements: 1 << 30}.DecMode()
		b.Run("unmarshal/"+c.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for i := 0; i < b.N; i++ {
				var out []any
				if err := dec.Unmarshal(data, &out); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func itoa(i int) string { return string(bytes.TrimSpace([]byte(formatInt(i)))) }

func formatInt(i int) string {
	var b [20]byte
	n := len(b)
	for i > 0 {
		n--
		b[n] = byte('0' + i%10)
		i /= 10
	}
	return string(b[n:])
}
