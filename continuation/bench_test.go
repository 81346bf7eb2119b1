package continuation

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	goruntime "runtime"
	"testing"

	"github.com/fxamacker/cbor/v2"
	"github.com/mobilua/mobilua/runtime"
	"github.com/mobilua/mobilua/runtime/stdlib"
	"github.com/mobilua/mobilua/transpile"
)

// The heaps of the benchmarks, built in Lua with %d objects and suspended
// at mb.yield: numbers in an array, small tables, distinct strings (as
// keys), closures (pairs sharing an upvalue) and suspended coroutines.
var benchHeaps = []struct {
	name, src string
	max       int // the largest size run without -huge
}{
	{"numbers", `local t = {} for i = 1, %d do t[i] = i * 1.1 end mb.yield() return t`, 1e6},
	{"tables", `local t = {} for i = 1, %d do t[i] = {x = i, y = -i} end mb.yield() return t`, 1e6},
	{"records", `local t = {} for i = 1, %d do t[i] = {id = i, name = "user" .. i, score = (i * 7919) %% 1000 / 10, ok = i %% 3 == 0} end mb.yield() return t`, 1e6},
	{"strings", `local t = {} for i = 1, %d do t["key" .. i] = i end mb.yield() return t`, 1e6},
	{"closures", `local fs = {} for i = 1, %d, 2 do local n = i; fs[i] = function() n = n + 1 return n end; fs[i + 1] = function() return n end end mb.yield() return fs`, 1e6},
	{"coroutines", `local cos = {} for i = 1, %d do cos[i] = coroutine.create(function(a) local b = coroutine.yield(a) return b end); coroutine.resume(cos[i], i) end mb.yield() return cos`, 1e5},
}

var huge = flag.Bool("huge", false, "BenchmarkFreeze and BenchmarkThaw: also 10^7 objects (10^6 coroutines)")

// benchSizes are the sizes a heap is benchmarked at.
func benchSizes(max int) []int {
	if *huge {
		max *= 10
	}
	var sizes []int
	for n := 1000; n <= max; n *= 10 {
		sizes = append(sizes, n)
	}
	return sizes
}

// hostLike makes processes as a host does: sandboxed, copies of one
// (stdlib.Prototype).
var hostLike = stdlib.NewPrototype(stdlib.Sandboxed, transpile.Compiler{})

// hostOptions thaws as a host does, into copies.
func hostOptions() Options {
	return Options{NewProcess: func(bool) *runtime.Process { return hostLike.NewProcess(io.Discard, io.Discard) }, Cache: &ChunkCache{}}
}

// forHeaps runs f on each heap at each size, with its process (made as a
// host makes them) and its continuation, reporting MB/s of continuation,
// allocations, bytes per object and the continuation's size as a
// multiple of the live data's lower bound (x-live; FORMAT.md).
func forHeaps(b *testing.B, f func(b *testing.B, p *runtime.Process, c []byte)) {
	for _, h := range benchHeaps {
		for _, n := range benchSizes(h.max) {
			b.Run(fmt.Sprintf("%s/%.0e", h.name, float64(n)), func(b *testing.B) {
				p := startIn(b, hostLike.NewProcess(io.Discard, io.Discard), fmt.Sprintf(h.src, n))
				c, live, err := freeze(p)
				if err != nil {
					b.Fatal(err)
				}
				b.SetBytes(int64(len(c)))
				b.ReportAllocs()
				goruntime.GC() // (what building the heap left to collect is not the benchmark's)
				b.ResetTimer()
				f(b, p, c)
				b.ReportMetric(float64(len(c))/float64(n), "bytes/object")
				b.ReportMetric(float64(len(c))/float64(live), "x-live")
			})
		}
	}
}

func BenchmarkFreeze(b *testing.B) {
	forHeaps(b, func(b *testing.B, p *runtime.Process, _ []byte) {
		for i := 0; i < b.N; i++ {
			if _, err := Freeze(p); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkThaw(b *testing.B) {
	opts := hostOptions()
	forHeaps(b, func(b *testing.B, _ *runtime.Process, c []byte) {
		for i := 0; i < b.N; i++ {
			if _, err := Thaw(c, opts); err != nil {
				b.Fatal(err)
			}
		}
	})
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

// BenchmarkSmall is a small process, as most jumps carry: its freeze, its
// thaw, and the fresh process a thaw starts from (most of the thaw): a
// host's (a copy: hostLike) and one the plain profile makes (opening its
// libraries).
func BenchmarkSmall(b *testing.B) {
	p := startIn(b, hostLike.NewProcess(io.Discard, io.Discard), `local x = {1, 2, 3} mb.yield() print(x[1])`)
	c, err := Freeze(p)
	if err != nil {
		b.Fatal(err)
	}
	opts := hostOptions()
	b.Run("freeze", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			Freeze(p)
		}
	})
	b.Run("thaw", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, err := Thaw(c, opts); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("process", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			hostLike.NewProcess(io.Discard, io.Discard)
		}
	})
	b.Run("process-opened", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			newProcess(io.Discard, false)
		}
	})
}

// TestLiveBound: the live data's lower bound counts 8 bytes for each
// number, 1 for each boolean and a string's bytes, beside what the
// process holds anyway (a table, a function and the source; and what the
// call left in registers: a few bytes either way).
func TestLiveBound(t *testing.T) {
	bound := func(item string) int64 {
		src := `local function fill(t) for i = 1, 1000 do t[i] = ` + item + ` end end local t = {} fill(t) mb.yield() return t`
		_, live, err := freeze(start(t, src, io.Discard))
		if err != nil {
			t.Fatal(err)
		}
		return live - int64(len(src))
	}
	base := bound("nil")
	// 1000 strings of 21 to 24 bytes (they get numbers, which makes
	// references two bytes wide: the few others' grow too)
	strs := int64(20*1000 + 9*1 + 90*2 + 900*3 + 1*4)
	for _, c := range []struct {
		item   string
		lo, hi int64
	}{
		{"i + 0.5", 8000 - 32, 8000 + 32},
		{"i % 2 == 0", 1000 - 32, 1000 + 32},
		{`("x"):rep(20) .. i`, strs - 32, strs + 64},
	} {
		if got := bound(c.item) - base; got < c.lo || got > c.hi {
			t.Errorf("t[i] = %s: the bound grew by %d bytes, want %d to %d", c.item, got, c.lo, c.hi)
		}
	}
}
