package xmpphost

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"mellium.im/xmpp/ping"

	"github.com/mobilua/mobilua/host"
)

// BenchmarkJump measures, on a private Prosody, with the stores syncing
// every change to the disk (the default) and without (sync = false):
//
//   - ping-rtt: the round trip of a ping between two sessions (the plain
//     message round trip);
//   - jump-stored: one jump of a small process, from mb.jump being called
//     on the sender to the receiver having stored the process (it runs
//     next), the median of 50 jumps;
//   - jump-acked: the same to the sender having the acknowledgement (its
//     part of the jump is done);
//   - jumps/s: a process jumping back and forth 100 times;
//   - jump-5MB: a process carrying 5 MB;
//   - KiB/host: the memory of a logged-in host.
func BenchmarkJump(b *testing.B) {
	for _, mode := range []string{"sync", "nosync"} {
		b.Run(mode, func(b *testing.B) { benchJump(b, mode == "nosync") })
	}
}

func benchJump(b *testing.B, noSync bool) {
	env := startProsody(b)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	a, bb := env["XMPP_JID1"], env["XMPP_JID2"]

	// the steps of each jump, timed through the fail points
	var mu sync.Mutex
	steps := map[string][]time.Time{}
	mod := func(name string) func(*Transport, *host.Config) {
		return func(_ *Transport, c *host.Config) {
			c.NoSync = noSync
			c.FailPoint = func(point string) {
				mu.Lock()
				steps[name+" "+point] = append(steps[name+" "+point], time.Now())
				mu.Unlock()
			}
		}
	}
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	trA, _ := xmppHostWith(b, ctx, env, "1", mod("A"), bb)
	xmppHostWith(b, ctx, env, "2", mod("B"), a)
	var after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&after)
	user := newUser(b, ctx, env, "3")

	// the plain round trip: pings from the user to host A's full JID
	const pings = 200
	t0 := time.Now()
	for i := 0; i < pings; i++ {
		if err := ping.Send(ctx, user.s, trA.s.LocalAddr()); err != nil {
			b.Fatal(err)
		}
	}
	rtt := time.Since(t0) / pings

	run := func(src string) time.Duration {
		user.mu.Lock()
		user.got = nil
		user.mu.Unlock()
		user.Send(a, "new "+src)
		pid := strings.TrimPrefix(user.waitFor(b, a+": p"), a+": ")
		t0 := time.Now()
		user.Send(a, "run "+pid)
		user.waitFor(b, " finished")
		return time.Since(t0)
	}
	// single jumps A → B, one at a time
	const singles = 50
	mu.Lock()
	clear(steps)
	mu.Unlock()
	for i := 0; i < singles; i++ {
		run(fmt.Sprintf(`assert(mb.jump(%q))`, bb))
	}
	mu.Lock()
	start, stored, acked := steps["A "+host.FailJumpStart], steps["B "+host.FailReceiveStored], steps["A "+host.FailJumpAcked]
	mu.Unlock()
	if len(start) != singles || len(stored) != singles || len(acked) != singles {
		b.Fatalf("%d jumps started, %d stored, %d acknowledged", len(start), len(stored), len(acked))
	}
	median := func(end []time.Time) time.Duration {
		d := make([]time.Duration, singles)
		for i := range d {
			d[i] = end[i].Sub(start[i])
		}
		slices.Sort(d)
		return d[singles/2]
	}

	const n = 100
	pingpong := run(fmt.Sprintf(`local hosts = {%q, %q}
for i = 1, %d do assert(mb.jump(hosts[i %% 2 + 1])) end`, a, bb, n))
	large := run(fmt.Sprintf(`local t = string.rep("x", 5 * 2^20) local hosts = {%q, %q}
for i = 1, 4 do assert(mb.jump(hosts[i %% 2 + 1])) end`, a, bb))
	b.ReportMetric(float64(rtt.Microseconds()), "µs/ping-rtt")
	b.ReportMetric(float64(median(stored).Microseconds()), "µs/jump-stored")
	b.ReportMetric(float64(median(acked).Microseconds()), "µs/jump-acked")
	b.ReportMetric(float64(n)/pingpong.Seconds(), "jumps/s")
	b.ReportMetric(float64((large / 4).Milliseconds()), "ms/jump-5MB")
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/2/1024, "KiB/host")
}
