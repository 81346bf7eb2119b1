package host

import (
	"fmt"
	"path/filepath"
	goruntime "runtime"
	"testing"
	"time"
)

// BenchmarkStep measures `step print(1)`: a command run at once in a
// temporary process (commands per second = 1e9 / ns/op).
func BenchmarkStep(b *testing.B) {
	tr := &Memory{}
	h := startHost(b, filepath.Join(b.TempDir(), "s.db"), tr)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if got := h.Command(alice, "step print(1)"); got != "1" {
			b.Fatal(got)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "commands/s")
}

// BenchmarkWaiting puts 10,000 processes in mb.input and measures the
// memory each costs the host while it waits, then the time a host takes
// to restart on that store.
func BenchmarkWaiting(b *testing.B) {
	const n = 10000
	for i := 0; i < b.N; i++ {
		path := filepath.Join(b.TempDir(), "s.db")
		tr := &Memory{}
		st, err := OpenStore(path)
		if err != nil {
			b.Fatal(err)
		}
		cfg := DefaultConfig()
		h, err := New(cfg, st, tr)
		if err != nil {
			b.Fatal(err)
		}
		var before goruntime.MemStats
		goruntime.GC()
		goruntime.ReadMemStats(&before)
		for j := 0; j < n; j++ {
			owner := fmt.Sprintf("user%d@a.example", j%100)
			pid := h.Command(owner, "new local t = {} for i = 1, 10 do t[i] = i end print(mb.input('go on?'), #t)")
			h.Command(owner, "run "+pid)
		}
		for deadline := time.Now().Add(5 * time.Minute); ; {
			if countState(h, StateInput) == n {
				break
			}
			if time.Now().After(deadline) {
				b.Fatalf("only %d of %d processes wait", countState(h, StateInput), n)
			}
			time.Sleep(20 * time.Millisecond)
		}
		var after goruntime.MemStats
		goruntime.GC()
		goruntime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/n, "bytes/waiting-process")
		h.Close()
		st.Close()
		t0 := time.Now()
		st2, err := OpenStore(path)
		if err != nil {
			b.Fatal(err)
		}
		h2, err := New(cfg, st2, tr)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(time.Since(t0).Seconds()*1000, "ms-to-restart")
		if countState(h2, StateInput) != n {
			b.Fatalf("after restart %d wait", countState(h2, StateInput))
		}
		h2.Close()
		st2.Close()
	}
}

func countState(h *Host, s State) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, pr := range h.procs {
		if pr.rec.State == s {
			n++
		}
	}
	return n
}
