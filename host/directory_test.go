package host

import (
	"testing"
	"time"
)

// TestBetter: mb.jump("auto") prefers idle workers to room, and room to a
// shorter round trip.
func TestBetter(t *testing.T) {
	busy := Server{JID: "busy", Workers: 2, Load: Load{Running: 3}, Capacity: 100, Free: 97, RTT: time.Millisecond}
	idle := Server{JID: "idle", Workers: 2, Load: Load{Running: 1}, Capacity: 10, Free: 1, RTT: 9 * time.Millisecond}
	if !better(&idle, &busy) || better(&busy, &idle) {
		t.Error("an idle worker does not count before room")
	}
	roomy, near := idle, idle
	roomy.Free, near.RTT = 5, time.Millisecond
	if !better(&roomy, &near) || !better(&near, &idle) {
		t.Error("room, then the round trip")
	}
}

// TestServersWithoutDirectory: with no directory, a host lists itself and
// its peers; mb.hosts() gives them as records, and mb.jump takes a record.
func TestServersWithoutDirectory(t *testing.T) {
	tr := &Memory{}
	cfg := DefaultConfig()
	cfg.Name = "a"
	a := hostWith(t, t.TempDir()+"/a.db", tr, cfg)
	cfg.Name = "b"
	tr.Attach(a)
	tr.Attach(hostWith(t, t.TempDir()+"/b.db", tr, cfg))
	all := a.Servers()
	if len(all) != 2 || all[0].JID != "a" || all[1].JID != "b" || all[0].Workers != 2 || !all[1].Updated.IsZero() {
		t.Fatalf("servers: %+v", all)
	}
	ask(t, a, tr, alice, `new local hs = mb.hosts() print(#hs, hs[1].jid, hs[1].self, hs[2].jid, hs[2].self, hs[2].running) print(mb.jump("auto")) print(mb.jump(hs[2]))`)
	ask(t, a, tr, alice, "run p1")
	if tr.WaitFor(alice, "2\ta\ttrue\tb\tfalse\tnil", 20*time.Second) == "" || tr.WaitFor(alice, "nil\tno peer has room", time.Second) == "" {
		t.Errorf("mb.hosts and auto: %q", tr.Messages(alice))
	}
	if tr.WaitFor(alice, "arrived on b", 20*time.Second) == "" {
		t.Errorf("mb.jump(record): %q", tr.Messages(alice))
	}
}
