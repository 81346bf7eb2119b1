package host

import (
	"fmt"
	"os"
	"path/filepath"
	goruntime "runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
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

// BenchmarkMixedAttack is issue 16's figure: a host with a 64 MiB limit
// per process and a 1 GiB budget (Go's soft limit set as `mobilua host`
// sets it) under the memory attacks of six users at once (every attack
// three times as a process and once as a step), while a bystander asks
// `step print(1)` every 100 ms. It reports the peak RSS of the process
// (run it alone: the peak is the process's) with its anonymous part (the
// rest is the store's file pages), how long the bystander waited
// (median, 95th percentile, slowest) and the share of its steps that
// printed 1 (the others were told the host's memory was all in use).
func BenchmarkMixedAttack(b *testing.B) {
	const budget = 1 << 30
	old := debug.SetMemoryLimit(GoMemoryLimit(budget))
	defer debug.SetMemoryLimit(old)
	attacks := []string{
		`local s = ("x"):rep(3e7) local t = {} for i = 1, 200 do t[i] = (s .. i):sub(2, 2) end while true do end`,
		`local s = ("x"):rep(3e7) local t = {} for i = 1, 60 do t[i] = s:upper() end`,
		`local t = {} for i = 1, 1e8 do t[i] = {} end`,
		`local f for i = 1, 1e8 do local g = f f = function() return g end end`,
		`local t = {} for i = 1, 1e7 do t[i] = coroutine.create(function() end) end`,
		`local s = ("x"):rep(1e6) local t = {} for i = 1, 1e4 do t[i] = s .. i end`,
	}
	for i := 0; i < b.N; i++ {
		tr := &Memory{}
		cfg := DefaultConfig()
		cfg.HostMemory, cfg.MaxMemory, cfg.MaxSteps = budget, 64<<20, 200_000_000
		h := hostWith(b, filepath.Join(b.TempDir(), "s.db"), tr, cfg)
		var wg sync.WaitGroup
		stop := make(chan struct{})
		var waits []time.Duration
		answered := 0
		var anonPeak atomic.Int64
		wg.Add(1)
		go func() { // the peak of anonymous memory (without the store's file pages)
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				case <-time.After(10 * time.Millisecond):
				}
				if v := procStatus("RssAnon:"); v > anonPeak.Load() {
					anonPeak.Store(v)
				}
			}
		}()
		wg.Add(1)
		go func() { // the bystander
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				case <-time.After(100 * time.Millisecond):
				}
				start := time.Now()
				if got := h.Command("bystander@x.example", "step print(1)"); got == "1" {
					answered++
				}
				waits = append(waits, time.Since(start))
			}
		}()
		var attackers sync.WaitGroup
		for u := 0; u < 6; u++ { // six attackers, each with every attack, several times, and in step
			user := fmt.Sprintf("attacker%d@x.example", u)
			attackers.Add(1)
			go func() {
				defer attackers.Done()
				for round := 0; round < 3; round++ {
					for _, a := range attacks {
						if pid := h.Command(user, "new "+a); isPID(pid) {
							h.Command(user, "run "+pid)
						}
					}
					h.Command(user, "step "+attacks[2])
				}
			}()
		}
		attackers.Wait()
		deadline := time.Now().Add(3 * time.Minute)
		for time.Now().Before(deadline) && (countState(h, StateRunning) > 0 || countState(h, StateNew) > 0) {
			time.Sleep(100 * time.Millisecond)
		}
		close(stop)
		wg.Wait()
		b.ReportMetric(float64(peakRSS())/(1<<20), "peak-RSS-MB")
		b.ReportMetric(float64(anonPeak.Load())/(1<<20), "peak-anon-RSS-MB")
		slices.Sort(waits)
		b.ReportMetric(float64(waits[len(waits)/2].Milliseconds()), "bystander-median-ms")
		b.ReportMetric(float64(waits[len(waits)*95/100].Milliseconds()), "bystander-p95-ms")
		b.ReportMetric(float64(waits[len(waits)-1].Milliseconds()), "bystander-max-ms")
		b.ReportMetric(float64(answered)/float64(len(waits)), "bystander-answered")
		b.ReportMetric(float64(countState(h, StateFailed)), "attacks-stopped")
	}
}

// peakRSS is the process's peak resident set (VmHWM), in bytes: its
// anonymous memory and the store's file pages that bbolt maps.
func peakRSS() int64 { return procStatus("VmHWM:") }

// procStatus reads a size from /proc/self/status, in bytes.
func procStatus(key string) int64 {
	b, _ := os.ReadFile("/proc/self/status")
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == key {
			var kb int64
			fmt.Sscan(f[1], &kb)
			return kb << 10
		}
	}
	return 0
}

// BenchmarkSpawnJoin measures one mb.spawn and mb.join of a function that
// returns at once, on the same host, its store syncing every change (the
// default) and not: a process does b.N of them in a row.
func BenchmarkSpawnJoin(b *testing.B) {
	for _, mode := range []string{"sync", "nosync"} {
		b.Run(mode, func(b *testing.B) {
			tr := &Memory{}
			cfg := DefaultConfig()
			cfg.NoSync = mode == "nosync"
			h := hostWith(b, filepath.Join(b.TempDir(), "s.db"), tr, cfg)
			pid := h.Command(alice, fmt.Sprintf(`new for i = 1, %d do assert(mb.join(mb.spawn(nil, function() return i end)) == i) end print("done")`, b.N))
			b.ResetTimer()
			h.Command(alice, "run "+pid)
			if tr.WaitFor(alice, pid+" finished", 10*time.Minute) == "" {
				b.Fatal(tr.Messages(alice))
			}
		})
	}
}
