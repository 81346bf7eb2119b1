package host

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/mobilua/mobilua/runtime"
)

// This file is the directory of computation servers: what a host says of
// itself (Self), what it knows of others (a Directory transport: the XMPP
// transport learns them from a publish-subscribe node; without one, its
// peers), the `servers` command, mb.hosts(), where mb.jump("auto") goes,
// and the moves that spread a host's load (move_above). Which hosts a process may jump to, and which a
// host takes processes from, stays the host's own list of peers: the
// directory only says who is there and how busy.

// Server is one computation host as the directory knows it: the record a
// host publishes of itself.
type Server struct {
	JID     string
	Version string
	Contact string // the operator's address, as the operator gave it
	Load           // its processes
	Workers int    // how many processes it runs at once
	// Capacity is how many live processes it keeps (0: no limit said);
	// Free how many more it takes now.
	Capacity, Free int
	MaxSteps       int64         // per process (0: no limit)
	MaxMemory      int64         // bytes per process
	MaxLifetime    time.Duration // per process (0: no limit)
	Features       []string      // what it does besides running processes (Features)
	Updated        time.Time     // when its host said this (the publisher's clock)
	// TTL is how long the record holds without a newer one: a host that
	// went away without retracting it is dropped from the list then.
	TTL time.Duration
	// Seen is what the last ping of it found, as PeerStates says it
	// ("online (450µs)"), and RTT that round trip (0: not measured).
	Seen string
	RTT  time.Duration
}

// Features is what a host says it does in its record.
var Features = []string{"jump", "message", "auto"}

// Idle is how many of its workers have no process to run: the first
// measure of free capacity (then Free).
func (s Server) Idle() int { return max(0, s.Workers-s.Running) }

// Directory is a transport that knows other hosts' records.
type Directory interface {
	// Servers returns the records it holds that have not expired, by
	// JID (this host's own among them, or not); ok is false when it has
	// no directory to read them from.
	Servers() (all []Server, ok bool)
}

// maxServers is the most records a host lists or gives a script.
const maxServers = 256

// Self is the record this host publishes of itself.
func (h *Host) Self() Server {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.self()
}

// self is the record this host publishes of itself. h.mu is held.
func (h *Host) self() Server {
	l := h.count()
	s := Server{JID: h.cfg.Name, Version: h.cfg.Version, Contact: h.cfg.Contact, Load: l, Workers: h.cfg.Workers,
		Capacity: h.cfg.MaxProcs, MaxSteps: h.cfg.MaxSteps, MaxMemory: h.cfg.MaxMemory, MaxLifetime: h.cfg.MaxLifetime,
		Features: Features, Updated: time.Now().UTC(), Seen: "this host"}
	if s.Capacity > 0 {
		s.Free = max(0, s.Capacity-l.Live)
	}
	return s
}

// Servers lists the hosts this one knows: itself first, then the
// directory's records by JID (a host that left the directory is not
// listed), or where there is no directory its peers; each with what the
// last ping of it found.
func (h *Host) Servers() []Server { return h.servers(h.Self()) }

// servers lists self and the hosts this one knows (Servers).
func (h *Host) servers(self Server) []Server {
	all := []Server{self}
	seen := map[string]bool{h.cfg.Name: true}
	add := func(s Server) {
		if !seen[s.JID] && len(all) < maxServers {
			seen[s.JID] = true
			all = append(all, s)
		}
	}
	if d, ok := h.tr.(Directory); ok {
		if records, ok := d.Servers(); ok {
			for _, s := range records {
				add(s)
			}
			return h.sorted(all)
		}
	}
	for _, p := range h.Peers() {
		add(Server{JID: p})
	}
	return h.sorted(all)
}

// sorted sorts the servers after the first (this host) by JID, with what
// the last pings found.
func (h *Host) sorted(all []Server) []Server {
	slices.SortFunc(all[1:], func(a, b Server) int { return strings.Compare(a.JID, b.JID) })
	h.pinged(all[1:])
	return all
}

// pinged fills in what the last pings of the servers found.
func (h *Host) pinged(all []Server) {
	w, ok := h.tr.(PeerWatcher)
	if !ok {
		return
	}
	states := w.PeerStates()
	for i := range all {
		if st, ok := states[all[i].JID]; ok {
			all[i].Seen, all[i].RTT = st, rttOf(st)
		}
	}
}

// rttOf reads the round trip out of a ping's state ("online (450µs)").
func rttOf(state string) time.Duration {
	s, ok := strings.CutPrefix(state, "online (")
	if !ok {
		return 0
	}
	d, _ := time.ParseDuration(strings.TrimSuffix(s, ")"))
	return d
}

// online says whether the last ping of s found it (the host itself is).
func (s Server) online() bool { return s.Seen == "this host" || strings.HasPrefix(s.Seen, "online") }

// target is the host mb.jump's argument names: a host's address, a
// record of mb.hosts(), or "auto" (auto). h.mu is held.
func (h *Host) target(v runtime.Value) (string, error) {
	to, err := targetName(v)
	if to == "auto" {
		return h.auto()
	}
	return to, err
}

// targetName is the host v names: a host's address, a record of
// mb.hosts(), or "auto".
func targetName(v runtime.Value) (string, error) {
	if t := v.Table(); t != nil {
		v = t.GetStr("jid")
	}
	to, ok := v.Str()
	if !ok {
		return "", fmt.Errorf("a host's address, a record of mb.hosts() or \"auto\" expected, got %s", v.TypeName())
	}
	return to, nil
}

// auto is where mb.jump("auto") sends a process: of the peers the
// directory lists as online with room, the one with the most idle
// workers, then the most room, then the shortest round trip. h.mu is
// held.
func (h *Host) auto() (string, error) {
	var best *Server
	all := h.candidates(h.self())
	for i := range all {
		if best == nil || better(&all[i], best) {
			best = &all[i]
		}
	}
	if best == nil {
		peers := h.Peers()
		if len(peers) == 0 {
			return "", fmt.Errorf("this host has no peers")
		}
		return "", fmt.Errorf("no peer has room (none of this host's %d peers is in the directory, online, with room)", len(peers))
	}
	return best.JID, nil
}

// better says whether a is a better place for a process than b.
func better(a, b *Server) bool {
	if c := cmp.Compare(a.Idle(), b.Idle()); c != 0 {
		return c > 0
	}
	if c := cmp.Compare(a.Free, b.Free); c != 0 {
		return c > 0
	}
	return a.RTT < b.RTT
}

// cmdServers is `servers`: the hosts this one knows, with their load and
// round trips.
func (h *Host) cmdServers(_, _ string) string {
	var b strings.Builder
	all := h.Servers()
	fmt.Fprintf(&b, "%d servers:", len(all))
	for _, s := range all {
		b.WriteString("\n" + s.String())
	}
	return b.String()
}

// String is the server as `servers` lists it.
func (s Server) String() string {
	if s.Updated.IsZero() {
		return fmt.Sprintf("%s: %s, not in the directory", s.JID, cmp.Or(s.Seen, "not pinged yet"))
	}
	room := "no limit"
	if s.Capacity > 0 {
		room = fmt.Sprintf("room for %d", s.Free)
	}
	line := fmt.Sprintf("%s: %s; %d running, %d waiting on %d workers, %s", s.JID, cmp.Or(s.Seen, "not pinged yet"), s.Running, s.Waiting, s.Workers, room)
	if s.Version != "" {
		line += "; mobilua " + s.Version
	}
	if s.Contact != "" {
		line += "; operator " + s.Contact
	}
	return line
}

// serverTable is a record as mb.hosts() gives it to a script.
func serverTable(s Server, self bool) *runtime.Table {
	t := runtime.NewTable(0, 16)
	set := func(k string, v runtime.Value) { t.SetStr(k, v) }
	num := func(k string, n float64) { set(k, runtime.Number(n)) }
	set("jid", runtime.String(s.JID))
	set("self", runtime.Bool(self))
	set("online", runtime.Bool(s.online()))
	if s.RTT > 0 {
		num("rtt", float64(s.RTT.Microseconds())/1000)
	}
	if s.Updated.IsZero() {
		return t // a peer the directory does not list
	}
	set("version", runtime.String(s.Version))
	if s.Contact != "" {
		set("contact", runtime.String(s.Contact))
	}
	num("running", float64(s.Running))
	num("waiting", float64(s.Waiting))
	num("processes", float64(s.Processes))
	num("workers", float64(s.Workers))
	num("idle", float64(s.Idle()))
	if s.Capacity > 0 {
		num("capacity", float64(s.Capacity))
		num("free", float64(s.Free))
	}
	num("max_steps", float64(s.MaxSteps))
	num("max_memory", float64(s.MaxMemory))
	num("max_lifetime", s.MaxLifetime.Seconds())
	num("updated", float64(s.Updated.Unix()))
	fs := runtime.NewTable(len(s.Features), 0)
	for i, f := range s.Features {
		fs.SetInt(i+1, runtime.String(f))
	}
	set("features", runtime.TableValue(fs))
	return t
}

// balance moves a process to a peer every second while more than
// MoveAbove run or wait here (moveOne), until the host closes.
func (h *Host) balance() {
	if h.cfg.MoveAbove > 0 {
		h.every(time.Second, h.moveOne)
	}
}

// every runs f, with h.mu held, every d until the host closes.
func (h *Host) every(d time.Duration, f func()) {
	for {
		time.Sleep(d)
		h.mu.Lock()
		closing := h.closing
		if !closing {
			f()
		}
		h.mu.Unlock()
		if closing {
			return
		}
	}
}

// settled is how long a process that arrived stays before the host
// moves it on to spread its load (no process goes back and forth).
const settled = time.Minute

// moveOne moves one process, if more than MoveAbove run or wait here: a
// waiting one (sleeping, or waiting for input) to the peer with the most
// room, or else a running one to the peer with the most idle workers (at
// the end of its slice, as Move). Pinned processes, and those that
// arrived in the last minute, stay. h.mu is held.
func (h *Host) moveOne() {
	self := h.self()
	if self.Running+self.Waiting <= h.cfg.MoveAbove {
		return
	}
	var roomy, idle string
	room, free := 0, 0
	for _, s := range h.candidates(self) {
		sent := h.placedSince(s.JID, s.Updated)
		if n := s.Workers - s.Running - sent; n > free {
			idle, free = s.JID, n
		}
		if n := s.Free - sent; s.Capacity == 0 || n > room {
			roomy, room = s.JID, n
		}
	}
	for _, pr := range h.procs {
		switch {
		case pr.rec.Pinned || pr.stepDone != nil || pr.moveTo != "" || len(pr.rec.Travels) > 0 && time.Since(pr.rec.Started) < settled:
		case roomy != "" && (pr.rec.State == StateSleeping || pr.rec.State == StateInput) && pr.rec.Part == "":
			h.moveWaiting(pr, roomy)
			return
		case idle != "" && self.Running > h.cfg.MoveAbove && pr.rec.State == StateRunning && pr.p != nil && !pr.rec.Arrived:
			pr.moveTo = idle
			h.placeOn(idle)
			h.log.Info("moving to spread the load", "pid", pr.rec.PID, "to", idle, "running", self.Running)
			return
		}
	}
}

// moveWaiting sends pr, which sleeps or waits for input, to the peer to,
// where it goes on waiting (Record.Wait); if it cannot go, it waits here
// as before. h.mu is held.
func (h *Host) moveWaiting(pr *proc, to string) {
	if err := h.load(pr); err != nil {
		return
	}
	st, wake, prompt := pr.rec.State, pr.rec.WakeAt, pr.rec.Prompt
	if pr.timer != nil {
		pr.timer.Stop()
	}
	h.placeOn(to)
	h.log.Info("moving a waiting process to spread the load", "pid", pr.rec.PID, "to", to, "state", st)
	pr.rec.Wait = st
	err := h.jump(pr, to)
	pr.rec.Wait = ""
	if err == nil || errors.Is(err, errPending) || pr.rec.State != StateRunning {
		return
	}
	// refused: it waits here as it did
	pr.rec.State, pr.rec.WakeAt, pr.rec.Prompt, pr.rec.JumpFailed = st, wake, prompt, ""
	h.store.Put(&pr.rec, nil, false)
	h.evict(pr)
	h.arm(pr)
}
