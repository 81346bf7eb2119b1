package xmpphost

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mobilua/mobilua/host"
)

// threeHosts starts a private Prosody with a publish-subscribe service,
// three hosts that are peers of each other and publish to its directory
// (accounts 1 and 3 on a.localhost, 2 on b.localhost), and a user
// (account 4). Records are published every `every` (a host's record
// lives three times that) and the load is looked at every 100 ms; mod,
// when not nil, changes host i's configuration (0, 1, 2).
func threeHosts(t *testing.T, every time.Duration, mod func(i int, hc *host.Config)) (env map[string]string, trs []*Transport, hs []*host.Host, user *chatUser) {
	old, oldLoad := directoryEvery.Load(), loadEvery.Load()
	directoryEvery.Store(int64(every))
	loadEvery.Store(int64(100 * time.Millisecond))
	t.Cleanup(func() { directoryEvery.Store(old); loadEvery.Store(oldLoad) })
	env = startProsodyAccounts(t, []string{"XMPP_COMPONENT_PORT=0", "XMPP_PUBSUB=1"},
		"host1@a.localhost:pw1", "host2@b.localhost:pw2", "host3@a.localhost:pw3", "user@a.localhost:pwu")
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	t.Cleanup(cancel)
	jids := []string{env["XMPP_JID1"], env["XMPP_JID2"], env["XMPP_JID3"]}
	for i, n := range []string{"1", "2", "3"} {
		others := slices.Delete(slices.Clone(jids), i, i+1)
		tr, h := xmppHostWith(t, ctx, env, n, func(tr *Transport, hc *host.Config) {
			if err := tr.SetDirectory(env["XMPP_PUBSUB_JID"], ""); err != nil {
				t.Fatal(err)
			}
			if mod != nil {
				mod(i, hc)
			}
		}, others...)
		trs, hs = append(trs, tr), append(hs, h)
	}
	return env, trs, hs, newUser(t, ctx, env, "4")
}

// listed is who h's `servers` lists, by JID.
func listed(h *host.Host) []string {
	var out []string
	for _, s := range h.Servers() {
		out = append(out, s.JID)
	}
	slices.Sort(out)
	return out
}

// waitListed waits until every host lists want (in any order), for at
// most d, and says how long that took.
func waitListed(t *testing.T, hs []*host.Host, want []string, d time.Duration) time.Duration {
	t.Helper()
	want = slices.Sorted(slices.Values(want))
	start := time.Now()
	for {
		ok := true
		for _, h := range hs {
			ok = ok && slices.Equal(listed(h), want)
		}
		if ok {
			return time.Since(start)
		}
		if time.Since(start) > d {
			for _, h := range hs {
				t.Errorf("%s lists %v", h.Name(), listed(h))
			}
			t.Fatalf("not every host lists %v after %v", want, d)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestDirectory: three hosts on a private Prosody learn each other from
// the directory within seconds of their start and see each other's load;
// a user's `servers` and a script's mb.hosts() list them; mb.jump("auto")
// goes to the idle host, not the loaded one; a host that stops leaves
// the list at once (it retracts its record), one that is cut off when its
// record's time is up.
func TestDirectory(t *testing.T) {
	if testing.Short() {
		t.Skip("a three-host directory: seconds")
	}
	env, trs, hs, user := threeHosts(t, 2*time.Second, nil)
	h1, h2, h3 := env["XMPP_JID1"], env["XMPP_JID2"], env["XMPP_JID3"]
	took := waitListed(t, hs, []string{h1, h2, h3}, 10*time.Second)
	t.Logf("every host lists the three after %v", took)

	user.Send(h1, "servers")
	reply := user.waitFor(t, "3 servers:")
	for _, j := range []string{h1 + ": this host", h2 + ": online (", h3 + ": online ("} {
		if !strings.Contains(reply, j) {
			t.Errorf("servers: no %q in %q", j, reply)
		}
	}
	// mobilua servers: any account reads the directory and pings the hosts
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	all, err := ListServers(ctx, Config{JID: env["XMPP_JID4"], Password: env["XMPP_PASS4"], Addr: env["XMPP_ADDR"],
		TLS: true, CAFile: env["XMPP_CA"]}, env["XMPP_PUBSUB_JID"], "")
	if err != nil || len(all) != 3 || all[0].JID != h1 || all[0].RTT <= 0 || !strings.HasPrefix(all[2].String(), h3+": online (") {
		t.Errorf("ListServers: %v, %v", all, err)
	}
	user.Send(h1, `step for _, s in ipairs(mb.hosts()) do print("host", s.jid, s.self, s.workers, s.online, s.features[1]) end`)
	user.waitFor(t, "host\t"+h1+"\ttrue\t2\ttrue\tjump")
	user.waitFor(t, "host\t"+h2+"\tfalse\t2\ttrue\tjump")

	// three busy processes on host 2 (2 workers): host 1 sees it loaded
	for i := 1; i <= 3; i++ {
		user.Send(h2, "new while true do end")
		user.waitFor(t, "p"+string(rune('0'+i)))
		user.Send(h2, "run p"+string(rune('0'+i)))
		user.waitFor(t, "p"+string(rune('0'+i))+" is running")
	}
	deadline := time.Now().Add(10 * time.Second)
	for !loaded(hs[0], h2) {
		if time.Now().After(deadline) {
			t.Fatalf("host 1 does not see host 2 loaded: %v", hs[0].Servers())
		}
		time.Sleep(20 * time.Millisecond)
	}
	user.Send(h1, `new print(mb.jump("auto")) print("now on " .. mb.host())`)
	user.waitFor(t, h1+": p1")
	user.Send(h1, "run p1")
	user.waitFor(t, "now on "+h3)

	// host 3 stops: it retracts its record, and leaves the lists at once
	// (its record would live 6 s)
	trs[2].Close()
	took = waitListed(t, hs[:2], []string{h1, h2}, 1500*time.Millisecond)
	t.Logf("a stopped host left the lists after %v", took)
	// host 2 is cut off (no retraction): gone when its record expires
	trs[1].s.Close()
	took = waitListed(t, hs[:1], []string{h1}, 10*time.Second)
	if took < 2*time.Second {
		t.Errorf("host 2 left the list after %v: before its record's time was up", took)
	}
	t.Logf("a host cut off left the list after %v", took)
	user.Send(h1, `new print(mb.jump("auto"))`)
	user.waitFor(t, h1+": p2")
	user.Send(h1, "run p2")
	user.waitFor(t, "nil\tno peer has room")
}

// loaded says whether h's directory says that host jid's workers are all
// busy.
func loaded(h *host.Host, jid string) bool {
	for _, s := range h.Servers() {
		if s.JID == jid && s.Running >= s.Workers && s.Workers > 0 {
			return true
		}
	}
	return false
}

// TestRecordChecks: a record from the directory is a stranger's: its JID
// must be the item's and bare, numbers not negative, texts are cut, and
// its time counts from no later than now.
func TestRecordChecks(t *testing.T) {
	now := time.Now().UTC()
	good := host.Server{JID: "h@a.example", Version: "0.1.0", Contact: strings.Repeat("c", 1000), Workers: 2,
		Load: host.Load{Running: 1}, Features: host.Features, Updated: now, TTL: time.Minute}
	read := func(id string, s host.Server) (host.Server, error) {
		b := roundTrip(t, recordTokens(s), new(record))
		return readRecord(id, xml.NewDecoder(strings.NewReader(string(b))))
	}
	s, err := read("h@a.example", good)
	if err != nil || s.JID != good.JID || s.Workers != 2 || s.Running != 1 || len(s.Contact) != maxRecordText ||
		!slices.Equal(s.Features, host.Features) || s.TTL != time.Minute || !s.Updated.Equal(now) {
		t.Errorf("a good record: %+v, %v", s, err)
	}
	for name, id := range map[string]string{"another id": "x@a.example", "a full JID": "h@a.example/r"} {
		bad := good
		bad.JID = id
		if _, err := read("h@a.example", bad); err == nil {
			t.Errorf("%s: taken", name)
		}
	}
	bad := good
	bad.Running = -1
	if _, err := read("h@a.example", bad); err == nil {
		t.Error("a negative number: taken")
	}
	ahead := good
	ahead.Updated, ahead.TTL = now.Add(24*time.Hour), 100*time.Hour
	if s, err := read("h@a.example", ahead); err != nil || s.Updated.After(time.Now()) || s.TTL != maxTTL {
		t.Errorf("a record from the future: %v, ttl %v, %v", s.Updated, s.TTL, err)
	}
}

// TestMapOverXMPP: mb.map over 60 items on three hosts gives the right
// results in order, from parts that ran on all three; a part that fails
// on a peer raises its error, with its traceback, in the parent.
func TestMapOverXMPP(t *testing.T) {
	if testing.Short() {
		t.Skip("three hosts: seconds")
	}
	env, _, hs, user := threeHosts(t, 2*time.Second, nil)
	h1, h2, h3 := env["XMPP_JID1"], env["XMPP_JID2"], env["XMPP_JID3"]
	waitListed(t, hs, []string{h1, h2, h3}, 10*time.Second)
	user.Send(h1, `new
local items = {}
for i = 1, 60 do items[i] = i end
local r = mb.map(function(x) local s = 0 for i = 1, 20000 do s = s + i % 7 end return {x * x, mb.host()} end, items)
local ok, on = true, {}
for i = 1, 60 do ok = ok and r[i][1] == i * i; on[r[i][2]] = (on[r[i][2]] or 0) + 1 end
local hosts = {}
for h, n in pairs(on) do hosts[#hosts + 1] = h end
table.sort(hosts)
print("map", #r, ok, table.concat(hosts, " "))
print(pcall(mb.map, function(x) if x == 3 then error("three") end return x end, {1, 2, 3}, {on = "`+h2+`"}))`)
	user.waitFor(t, h1+": p1")
	user.Send(h1, "run p1")
	got := user.waitFor(t, "map\t60\t")
	if !strings.Contains(got, "map\t60\ttrue\t"+h1+" "+h2+" "+h3) {
		t.Errorf("the map: %q", got)
	}
	got = user.waitFor(t, "part 3 (on "+h2+") failed")
	if !strings.Contains(got, "false\tpart 3 (on "+h2+") failed: p1:10: three\nstack traceback:") {
		t.Errorf("a part's error: %q", got)
	}
}

// TestMapKill: a host running parts of an mb.map is killed (SIGKILL) in
// the middle of it; the parent runs those parts again on the hosts that
// answer, and the map completes with every result right, once. The parts
// take up to 2.25 s (of the clock: a host runs its parts at once, and
// os.clock is the host's CPU time, which ran out for all of them within a
// second), so the host has ended some of its parts, not all, when it is
// killed.
func TestMapKill(t *testing.T) {
	if testing.Short() {
		t.Skip("three hosts, one killed: seconds")
	}
	defer peerEvery.Store(peerEvery.Swap(int64(200 * time.Millisecond)))
	old, oldLoad := directoryEvery.Load(), loadEvery.Load()
	directoryEvery.Store(int64(2 * time.Second))
	loadEvery.Store(int64(100 * time.Millisecond))
	t.Cleanup(func() { directoryEvery.Store(old); loadEvery.Store(oldLoad) })
	env := startProsodyAccounts(t, []string{"XMPP_COMPONENT_PORT=0", "XMPP_PUBSUB=1"},
		"host1@a.localhost:pw1", "host2@b.localhost:pw2", "host3@a.localhost:pw3", "user@a.localhost:pwu")
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	h1, h2, h3 := env["XMPP_JID1"], env["XMPP_JID2"], env["XMPP_JID3"]
	var log syncBuffer // host 1's log
	dir := func(tr *Transport, hc *host.Config) {
		if err := tr.SetDirectory(env["XMPP_PUBSUB_JID"], ""); err != nil {
			t.Fatal(err)
		}
		hc.PartDeadline = time.Second
		if hc.Name == h1 {
			hc.Log = slog.New(slog.NewTextHandler(&log, nil))
		}
	}
	_, a := xmppHostWith(t, ctx, env, "1", dir, h2, h3)
	_, b := xmppHostWith(t, ctx, env, "2", dir, h1, h3)
	c := startHostProc(t, childConfig{Login: Config{JID: h3, Password: env["XMPP_PASS3"], Addr: env["XMPP_ADDR"], TLS: true,
		CAFile: env["XMPP_CA"], Resource: HostResource}, Peers: []string{h1, h2}, Store: filepath.Join(t.TempDir(), "c.db"),
		Directory: env["XMPP_PUBSUB_JID"], DirEvery: 2 * time.Second})
	waitListed(t, []*host.Host{a, b}, []string{h1, h2, h3}, 10*time.Second)
	user := newUser(t, ctx, env, "4")
	user.Send(h1, `new
local items = {}
for i = 1, 30 do items[i] = i end
local r = mb.map(function(x) mb.sleep(x % 10 * 0.25) return {x * x, mb.host()} end, items)
local ok, on = #r == 30, {}
for i = 1, 30 do ok = ok and r[i][1] == i * i; on[r[i][2]] = (on[r[i][2]] or 0) + 1 end
print("map", ok, on["`+h1+`"], on["`+h2+`"], on["`+h3+`"])`)
	user.waitFor(t, h1+": p1")
	user.Send(h1, "run p1")
	time.Sleep(time.Second) // host 3 has finished some of its parts, not all
	c.cmd.Process.Kill()
	got := user.waitFor(t, "map\t")
	if !strings.HasPrefix(got, h1+": map\ttrue\t") {
		t.Fatalf("the map: %q", got)
	}
	again := strings.Count(log.String(), "part run again")
	if again == 0 || !strings.Contains(log.String(), "from="+h3) {
		t.Errorf("no part of host 3 ran again:\n%s", log.String())
	}
	t.Logf("%s (results by host 1, 2, 3); %d parts ran again", got, again)
}

// syncBuffer is a bytes.Buffer for several goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// movingHosts starts three hosts, the first with move_above = 1 (its log
// shown if the test fails), and returns once each lists all three.
func movingHosts(t *testing.T) (h1, h2, h3 string, first *host.Host, user *chatUser) {
	if testing.Short() {
		t.Skip("three hosts: seconds")
	}
	var log syncBuffer
	env, _, hs, user := threeHosts(t, 2*time.Second, func(i int, hc *host.Config) {
		if i == 0 {
			hc.MoveAbove = 1
			hc.Log = slog.New(slog.NewTextHandler(&log, nil))
		}
	})
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("host 1's log:\n%s", log.String())
		}
	})
	h1, h2, h3 = env["XMPP_JID1"], env["XMPP_JID2"], env["XMPP_JID3"]
	waitListed(t, hs, []string{h1, h2, h3}, 10*time.Second)
	return h1, h2, h3, hs[0], user
}

// TestMoveAbove: a host with a load threshold moves running processes to
// idle peers until no more than that many run on it; a pinned one stays.
func TestMoveAbove(t *testing.T) {
	h1, h2, h3, first, user := movingHosts(t)
	user.Send(h1, `new mb.pin() while true do end`)
	user.waitFor(t, h1+": p1")
	for i := 2; i <= 3; i++ {
		user.Send(h1, "new while true do end")
		user.waitFor(t, fmt.Sprintf("%s: p%d", h1, i))
	}
	for i := 1; i <= 3; i++ {
		user.Send(h1, fmt.Sprintf("run p%d", i))
		user.waitFor(t, fmt.Sprintf("p%d is running", i))
	}
	// p2 and p3 go, one a second, each to a host with idle workers
	got2, got3 := user.waitFor(t, "(it was p2)"), user.waitFor(t, "(it was p3)")
	for _, got := range []string{got2, got3} {
		if !strings.HasPrefix(got, h2+":") && !strings.HasPrefix(got, h3+":") {
			t.Errorf("moved to: %q", got)
		}
	}
	// (the owner may hear of the arrival before host 1 has the
	// acknowledgement: p3 is migrating until then)
	for deadline := time.Now().Add(10 * time.Second); first.Load().Running != 1; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("host 1 runs %d processes", first.Load().Running)
		}
	}
	user.Send(h1, "ps")
	if got := user.waitFor(t, "p1  running"); !strings.Contains(got, "p2  migrated") || !strings.Contains(got, "p3  migrated") {
		t.Errorf("ps: %q", got)
	}
}

// TestMoveWaiting: a host past its load threshold moves processes that
// wait — one sleeping, one waiting for input — to peers with room, where
// they go on waiting: the sleeper wakes there, the other asks its owner
// from there and takes the answer.
func TestMoveWaiting(t *testing.T) {
	h1, h2, h3, _, user := movingHosts(t)
	user.Send(h1, `new mb.pin() mb.sleep(60)`) // it waits, and stays
	user.waitFor(t, h1+": p1")
	user.Send(h1, "run p1")
	user.waitFor(t, "p1 is running")
	user.Send(h1, `new mb.sleep(3) print("woke on " .. mb.host())`)
	user.waitFor(t, h1+": p2")
	user.Send(h1, "run p2")
	got := user.waitFor(t, "(it was p2)")
	if !strings.HasPrefix(got, h2+":") && !strings.HasPrefix(got, h3+":") {
		t.Fatalf("p2 moved to: %q", got)
	}
	there, arrived := strings.SplitN(got, ":", 2)[0], time.Now()
	user.waitFor(t, there+": woke on "+there)
	if d := time.Since(arrived); d < time.Second { // it slept on there (3 s from its start)
		t.Errorf("p2 woke %v after it arrived", d)
	}

	user.Send(h1, `new print("got " .. mb.input("name?") .. " on " .. mb.host())`)
	user.waitFor(t, h1+": p3")
	user.Send(h1, "run p3")
	got = user.waitFor(t, "(it was p3)")
	there = strings.SplitN(got, ":", 2)[0]
	pid := strings.Fields(strings.SplitN(got, ": ", 2)[1])[0]
	user.waitFor(t, there+": "+pid+" asks: name?")
	user.Send(there, "input "+pid+" bob")
	user.waitFor(t, there+": got bob on "+there)
	user.Send(h1, "ps")
	if got := user.waitFor(t, "p1  sleeping"); !strings.Contains(got, "p2  migrated") || !strings.Contains(got, "p3  migrated") {
		t.Errorf("ps: %q", got)
	}
}
