package host

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/mobilua/mobilua/continuation"
	"github.com/mobilua/mobilua/runtime"
)

var fuzzHost struct {
	once sync.Once
	h    *Host
}

// resealed gives mutated bytes a valid trailer (continuation/FORMAT.md:
// a CBOR byte string of the CRC-32C of what precedes it), so that the
// fuzzer reaches past the checksum.
func resealed(b []byte) []byte {
	b = bytes.Clone(b)
	if len(b) < 5 {
		return b
	}
	binary.BigEndian.PutUint32(b[len(b)-4:], crc32.Checksum(b[:len(b)-5], crc32.MakeTable(crc32.Castagnoli)))
	b[len(b)-5] = 0x40 | 4
	return b
}

// FuzzHostThaw takes bytes from a peer as a host does: thawed under the
// host's limits and memory budget, run a few slices with its heap
// measured, frozen again and inspected. Nothing panics or hangs, and the
// budget is given back whole.
func FuzzHostThaw(f *testing.F) {
	for _, src := range []string{`mb.jump("x") print("here")`, `local t = {} for i = 1, 50 do t[i] = {i, tostring(i)} end mb.jump("x") print(#t)`,
		`local co = coroutine.wrap(function() mb.jump("x") end) co() while true do end`,
		`table.sort({3, 2, 1}, function(a, b) mb.jump("x") return a < b end) local s = "" while true do s = s .. s .. "x" end`} {
		f.Add(crafted(f, src))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		fuzzHost.once.Do(func() {
			dir, _ := os.MkdirTemp("", "fuzzhost")
			st, err := OpenStore(filepath.Join(dir, "s.db"))
			if err != nil {
				panic(err)
			}
			cfg := DefaultConfig()
			cfg.MaxSteps, cfg.MaxMemory, cfg.HostMemory, cfg.StepsPerSlice = 50_000, 8<<20, 64<<20, 1000
			fuzzHost.h = &Host{cfg: cfg, store: st, tr: &Memory{}, procs: map[string]*proc{}, cache: &continuation.ChunkCache{},
				pool: runtime.NewPool(poolShare(cfg.HostMemory)), rates: map[string]*bucket{}, outboxes: map[string]*outbox{}, kick: make(chan struct{}, 1)}
		})
		h := fuzzHost.h
		for _, c := range [][]byte{b, resealed(b)} {
			pr := &proc{h: h, rec: Record{PID: "p1", Owner: alice}}
			p, err := h.thaw(pr, c)
			if err != nil {
				continue
			}
			for i := 0; i < 100; i++ {
				st, err := p.Resume()
				if err == nil {
					err = p.CheckMemory()
				}
				if err != nil || st == runtime.Done {
					break
				}
				if st == runtime.Yielded {
					if again, err := continuation.Freeze(p); err == nil {
						continuation.Inspect(io.Discard, again, h.thawOptions(pr))
					}
					break
				}
			}
			p.ReleaseMemory()
			if used := h.pool.Used(); used != 0 {
				t.Fatalf("%d bytes of the budget kept", used)
			}
		}
	})
}
