package xmpphost

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"mellium.im/xmpp/ping"
)

// BenchmarkJump measures, on a private Prosody: the round trip of a ping
// between two sessions (the plain message round trip), the latency of one
// mb.jump of a small process between two hosts (it returns when the other
// host has stored the process and acknowledged), jumps per second, and a
// large continuation's jump.
func BenchmarkJump(b *testing.B) {
	env := startProsody(b)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	a, bb := env["XMPP_JID1"], env["XMPP_JID2"]
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	trA, _ := xmppHost(b, ctx, env, "1", bb)
	xmppHost(b, ctx, env, "2", a)
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

	jumps := func(n, size int) time.Duration {
		user.mu.Lock()
		user.got = nil
		user.mu.Unlock()
		user.Send(a, fmt.Sprintf(`new local t = string.rep("x", %d) local hosts = {"%s", "%s"}
for i = 1, %d do assert(mb.jump(hosts[i %% 2 + 1])) end`, size, a, bb, n))
		pid := strings.TrimPrefix(user.waitFor(b, a+": p"), a+": ")
		t0 := time.Now()
		user.Send(a, "run "+pid)
		user.waitFor(b, " finished")
		return time.Since(t0)
	}
	n := 100
	small := jumps(n, 10)
	large := jumps(4, 5<<20)
	b.ReportMetric(float64(rtt.Microseconds()), "µs/ping-rtt")
	b.ReportMetric(float64((small / time.Duration(n)).Microseconds()), "µs/jump")
	b.ReportMetric(float64(n)/small.Seconds(), "jumps/s")
	b.ReportMetric(float64((large / 4).Milliseconds()), "ms/jump-5MB")
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/2/1024, "KiB/host")
}
