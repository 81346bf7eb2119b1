package xmpphost

import (
	"context"
	"flag"
	"fmt"
	"maps"
	"regexp"
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
//     message round trip), 200 back to back;
//   - ping-rtt-quiet: the round trip of a ping from host A to host B, the
//     median of 50, each 20 ms after the last, as the single jumps are
//     timed (a session that waited wakes up at each hop, slower than one
//     that is busy);
//   - jump-stored: one jump of a small process, from mb.jump being called
//     on the sender to the receiver having stored the process (it runs
//     next), the median of 50 jumps, each 20 ms after the last one ended
//     (from quiet hosts: back to back they measure jumps/s);
//   - jump-acked: the same to the sender having the acknowledgement (its
//     part of the jump is done);
//   - jumps/s: a process jumping back and forth 100 times;
//   - MB/s-records-5MB, MB/s-random-5MB: a jump of a process holding a
//     5 MB heap (largeHeaps), MB of its continuation per second from
//     mb.jump called to the process stored at the other end, by the bulk
//     path (the server's upload service, bulk.go); MB/s-records-100MB
//     (with -jump100) the same with 100 MB; MB/s-random-5MB-pieces the
//     random numbers again in pieces through the server;
//   - KiB/host: the memory of a logged-in host.
//
// The heaps of the large jumps: records (a table of small tables with a
// string, numbers and a boolean: what programs hold, and compressible
// about 6 times), random numbers (not compressible at all), and records
// again, twenty times as many (-jump100).
var largeHeaps = []string{
	`local t = {} for i = 1, 1e5 do t[i] = {id = i, name = "user" .. i, score = (i * 7919) % 1000 / 10, ok = i % 3 == 0} end`,
	`local t = {} for i = 1, 6e5 do t[i] = math.random() end`,
	`local t = {} for i = 1, 2e6 do t[i] = {id = i, name = "user" .. i, score = (i * 7919) % 1000 / 10, ok = i % 3 == 0} end`,
}

// quietRTT is the median round trip of pings from a's host to b's, each
// sent 20 ms after the last one came back: the message round trip between
// the hosts timed as the single jumps are.
func quietRTT(b *testing.B, ctx context.Context, a, to *Transport) time.Duration {
	const n = 50
	d := make([]time.Duration, n)
	for i := range d {
		time.Sleep(20 * time.Millisecond)
		t0 := time.Now()
		if err := ping.Send(ctx, a.s, to.s.LocalAddr()); err != nil {
			b.Fatal(err)
		}
		d[i] = time.Since(t0)
	}
	slices.Sort(d)
	return d[n/2]
}

var jump100 = flag.Bool("jump100", false, "BenchmarkJump: also a jump of a 100 MB continuation")

func BenchmarkJump(b *testing.B) {
	for _, mode := range []string{"sync", "nosync"} {
		b.Run(mode, func(b *testing.B) { benchJump(b, mode == "nosync") })
	}
}

func benchJump(b *testing.B, noSync bool) {
	env := startProsodyUpload(b, 256<<20)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	a, bb := env["XMPP_JID1"], env["XMPP_JID2"]

	// the steps of each jump, timed through the fail points
	var mu sync.Mutex
	steps := map[string][]time.Time{}
	mod := func(name string) func(*Transport, *host.Config) {
		return func(tr *Transport, c *host.Config) {
			c.NoSync = noSync
			c.MaxMemory, c.HostMemory = 4<<30, 16<<30 // room for the 100 MB continuation
			c.FailPoint = func(point string) {
				mu.Lock()
				steps[name+" "+point] = append(steps[name+" "+point], time.Now())
				mu.Unlock()
			}
			tr.FailPoint = c.FailPoint
		}
	}
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	trA, _ := xmppHostWith(b, ctx, env, "1", mod("A"), bb)
	trB, hB := xmppHostWith(b, ctx, env, "2", mod("B"), a)
	waitUpload(b, trA)
	waitUpload(b, trB)
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
	quiet := quietRTT(b, ctx, trA, trB)

	// newPID makes a process of src on A and returns its PID (the answer
	// to new is the PID alone; a late message of the last process may
	// come first)
	isPID := regexp.MustCompile("^" + regexp.QuoteMeta(a) + ": (p[0-9]+)$")
	newPID := func(src string) string {
		user.mu.Lock()
		user.got = nil
		user.mu.Unlock()
		user.Send(a, "new "+src)
		for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
			user.mu.Lock()
			for _, g := range user.got {
				if m := isPID.FindStringSubmatch(g); m != nil {
					user.mu.Unlock()
					return m[1]
				}
			}
			user.mu.Unlock()
		}
		b.Fatalf("no PID for %q", src)
		return ""
	}
	run := func(src string) time.Duration {
		pid := newPID(src)
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
		// each from quiet hosts: the last one's ends (the sender marking
		// it migrated away, the receiver storing it finished) are done
		time.Sleep(20 * time.Millisecond)
	}
	mu.Lock()
	start, stored, acked := steps["A "+host.FailJumpStart], steps["B "+host.FailReceiveStored], steps["A "+host.FailJumpAcked]
	singleSteps := maps.Clone(steps)
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

	// large jumps A → B: MB of continuation per second, from mb.jump
	// called on A to the process stored on B
	large := func(name, heap string) {
		mu.Lock()
		clear(steps)
		mu.Unlock()
		sent := bulkSent(trA)
		defer func() {
			if up, _ := trA.upload(); bulkSent(trA)-sent != map[bool]int{true: 1}[up.String() != ""] {
				b.Fatalf("%s: %d jumps by the bulk path (the upload service: %q)", name, bulkSent(trA)-sent, up)
			}
		}()
		// it waits on B, its continuation the one that came
		pid := newPID(heap + fmt.Sprintf(` assert(mb.jump(%q)) mb.receive()`, bb))
		user.Send(a, "run "+pid)
		there := strings.Fields(strings.TrimPrefix(user.waitFor(b, " arrived on "), bb+": "))[0]
		mu.Lock()
		start, stored := steps["A "+host.FailJumpStart], steps["B "+host.FailReceiveStored]
		mu.Unlock()
		if len(start) != 1 || len(stored) != 1 {
			b.Fatalf("%s: %d jumps started, %d stored", name, len(start), len(stored))
		}
		cont, err := hB.Continuation(user.s.LocalAddr().Bare().String(), there)
		if err != nil {
			b.Fatal(err)
		}
		size := len(cont)
		mb := float64(size) / 1e6
		b.ReportMetric(mb/stored[0].Sub(start[0]).Seconds(), "MB/s-"+name)
		b.Logf("%s: %.1f MB in %v", name, mb, stored[0].Sub(start[0]))
		mu.Lock()
		for _, st := range []string{"A " + host.FailJumpStored, "A " + FailJumpSent, "B " + host.FailReceiveThawed, "B " + host.FailReceiveStored} {
			b.Logf("  %s +%v", st, steps[st][0].Sub(start[0]))
		}
		mu.Unlock()
	}
	large("records-5MB", largeHeaps[0])
	large("random-5MB", largeHeaps[1])
	// the same in pieces, the upload service not used
	up, max := trA.upload()
	trA.SetUpload("", 0)
	large("random-5MB-pieces", largeHeaps[1])
	trA.SetUpload(up.String(), max)
	if *jump100 {
		large("records-100MB", largeHeaps[2])
	}
	for _, st := range []string{"A " + host.FailJumpStored, "A " + FailJumpSent, "B " + host.FailReceiveThawed} {
		b.ReportMetric(float64(median(singleSteps[st]).Microseconds()), "µs/"+strings.ReplaceAll(st, " ", "-"))
	}
	b.ReportMetric(float64(rtt.Microseconds()), "µs/ping-rtt")
	b.ReportMetric(float64(quiet.Microseconds()), "µs/ping-rtt-quiet")
	b.ReportMetric(float64(median(stored).Microseconds()), "µs/jump-stored")
	b.ReportMetric(float64(median(acked).Microseconds()), "µs/jump-acked")
	b.ReportMetric(float64(n)/pingpong.Seconds(), "jumps/s")
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/2/1024, "KiB/host")
}

// BenchmarkMap measures split and join on a private Prosody, with two
// hosts of one worker each (one core each: this machine has two):
//
//   - s-map-1host, s-map-2hosts: an mb.map of 32 CPU-bound parts of about
//     100 ms each, all on the host that runs it, and spread by "auto"
//     over both; speedup is the first over the second;
//   - µs-spawnjoin-peer, µs-spawnjoin-here: one mb.spawn and mb.join of a
//     function that returns at once, on the peer and on the same host
//     (the mean of 50 in a row), against µs-call, a plain call.
func BenchmarkMap(b *testing.B) {
	old, oldLoad := directoryEvery.Load(), loadEvery.Load()
	directoryEvery.Store(int64(2 * time.Second))
	loadEvery.Store(int64(100 * time.Millisecond))
	defer func() { directoryEvery.Store(old); loadEvery.Store(oldLoad) }()
	env := startProsodyAccounts(b, []string{"XMPP_COMPONENT_PORT=0", "XMPP_PUBSUB=1"},
		"host1@a.localhost:pw1", "host2@b.localhost:pw2", "user@a.localhost:pwu")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	h1, h2 := env["XMPP_JID1"], env["XMPP_JID2"]
	mod := func(tr *Transport, c *host.Config) {
		if err := tr.SetDirectory(env["XMPP_PUBSUB_JID"], ""); err != nil {
			b.Fatal(err)
		}
		c.Workers = 1
	}
	_, a := xmppHostWith(b, ctx, env, "1", mod, h2)
	xmppHostWith(b, ctx, env, "2", mod, h1)
	for deadline := time.Now().Add(10 * time.Second); len(a.Servers()) < 2; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			b.Fatal("host 1 does not list host 2")
		}
	}
	user := newUser(b, ctx, env, "3")
	n := 0
	pidRe := regexp.MustCompile(`^` + regexp.QuoteMeta(h1) + `: (p[0-9]+)$`)
	// timed runs code as a new process on host 1 and returns the time from
	// its start to its last line, "done"
	timed := func(code string) time.Duration {
		n++
		user.mu.Lock()
		from := len(user.got)
		user.mu.Unlock()
		user.Send(h1, fmt.Sprintf("new %s\nprint('done %d')", code, n))
		pid := ""
		for deadline := time.Now().Add(20 * time.Second); pid == ""; time.Sleep(5 * time.Millisecond) {
			if time.Now().After(deadline) {
				b.Fatalf("no PID for run %d", n)
			}
			user.mu.Lock()
			for _, g := range user.got[from:] {
				if m := pidRe.FindStringSubmatch(g); m != nil {
					pid = m[1]
				}
			}
			user.mu.Unlock()
		}
		start := time.Now()
		user.Send(h1, "run "+pid)
		user.waitFor(b, fmt.Sprintf("done %d", n))
		return time.Since(start)
	}
	const work = `local function work(x) local s = 0 for i = 1, 9e6 do s = s + i % 7 end return x end
local items = {} for i = 1, 32 do items[i] = i end`
	var one, two, peer, here, call []time.Duration
	for i := 0; i < b.N; i++ {
		one = append(one, timed(work+"\nmb.map(work, items, {on = mb.host()})"))
		two = append(two, timed(work+"\nmb.map(work, items)"))
		peer = append(peer, timed(`for i = 1, 50 do mb.join(mb.spawn("`+h2+`", function() return 1 end)) end`)/50)
		here = append(here, timed(`for i = 1, 50 do mb.join(mb.spawn(nil, function() return 1 end)) end`)/50)
		call = append(call, timed(`for i = 1, 50 do (function() return 1 end)() end`)/50)
	}
	med := func(ds []time.Duration) time.Duration {
		s := slices.Clone(ds)
		slices.Sort(s)
		return s[len(s)/2]
	}
	b.ReportMetric(med(one).Seconds(), "s-map-1host")
	b.ReportMetric(med(two).Seconds(), "s-map-2hosts")
	b.ReportMetric(med(one).Seconds()/med(two).Seconds(), "speedup")
	b.ReportMetric(float64(med(peer).Microseconds()), "µs-spawnjoin-peer")
	b.ReportMetric(float64(med(here).Microseconds()), "µs-spawnjoin-here")
	b.ReportMetric(float64(med(call).Microseconds()), "µs-call")
}
