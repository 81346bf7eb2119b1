package host

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
)

// What one user, one process and the whole host may make the host spend,
// and where each bound is enforced: processes (admit), memory (the
// runtime's accounting against Config.MaxMemory and the host's pool),
// messages (bucket, Deliver's mailbox bounds), chat (say's cut), ended
// processes kept (prune).

// bucket is a token bucket: rate tokens a second, up to a burst.
type bucket struct {
	tokens float64
	last   time.Time
}

// full says whether b has refilled to burst at rate: it is as a fresh
// one would be.
func (b *bucket) full(now time.Time, rate, burst float64) bool {
	return rate <= 0 || b.tokens+rate*now.Sub(b.last).Seconds() >= burst
}

// maxBuckets is how many owners' buckets a map holds before it lets go
// of those that are full (owners who sent nothing for a while): so many,
// or the owners with processes that sent lately.
const maxBuckets = 4096

// bucketOf is owner's bucket in m (of rate and burst), made when it has
// none. h.mu is held.
func bucketOf(m map[string]*bucket, owner string, rate, burst float64) *bucket {
	b := m[owner]
	if b != nil {
		return b
	}
	if len(m) >= maxBuckets {
		now := time.Now()
		for o, ob := range m {
			if ob.full(now, rate, burst) {
				delete(m, o)
			}
		}
	}
	b = &bucket{}
	m[owner] = b
	return b
}

// takeBurst is how many seconds of its rate a bucket that take takes
// from holds.
const takeBurst = 2

// take takes a token if there is one. h.mu is held.
func (b *bucket) take(rate float64) bool { return b.takeN(1, rate, takeBurst*rate) }

// takeN takes n tokens if there are that many: rate a second, up to
// burst. h.mu is held.
func (b *bucket) takeN(n, rate, burst float64) bool {
	if rate <= 0 {
		return true
	}
	now := time.Now()
	if b.last.IsZero() {
		b.tokens = burst
	} else {
		b.tokens = min(burst, b.tokens+rate*now.Sub(b.last).Seconds())
	}
	b.last = now
	if b.tokens < n {
		return false
	}
	b.tokens -= n
	return true
}

// jumpMin is what a jump costs at least (a small process ping-ponging
// between two hosts costs them a store write and a message each time);
// an owner's processes may send a minute's worth of jumps at once.
const (
	jumpMin   = 64 << 10
	jumpBurst = 64 // seconds of JumpRate
)

// jumpRate takes a jump of n bytes from the owner's allowance of
// outgoing jumps. h.mu is held.
func (h *Host) jumpRate(owner string, n int) error {
	rate, burst := h.cfg.JumpRate, jumpBurst*h.cfg.JumpRate
	if !bucketOf(h.jumps, owner, rate, burst).takeN(float64(max(n, jumpMin)), rate, burst) {
		h.refuse("jump rate", "owner", owner)
		return fmt.Errorf("too many jumps: %s's processes send at most %d KB a second in jumps (a jump counts %d KB at least); try again later",
			owner, int64(h.cfg.JumpRate)>>10, jumpMin>>10)
	}
	return nil
}

// rate takes a message from pr's and its owner's allowance. h.mu is held.
func (h *Host) rate(pr *proc) error {
	ob := bucketOf(h.rates, pr.rec.Owner, h.cfg.OwnerRate, takeBurst*h.cfg.OwnerRate)
	if !pr.sends.take(h.cfg.SendRate) || !ob.take(h.cfg.OwnerRate) {
		h.refuse("message rate", "owner", pr.rec.Owner, "pid", pr.rec.PID)
		return fmt.Errorf("too many messages: at most %g a second from a process, %g from all of an owner's", h.cfg.SendRate, h.cfg.OwnerRate)
	}
	return nil
}

// admit says whether owner may have one more live process (new,
// running, waiting or migrating), here and on the host as a whole.
// h.mu is held.
func (h *Host) admit(owner string) error {
	mine, all := 0, 0
	count := func(procs map[string]*proc) {
		for _, pr := range procs {
			if pr.rec.State.live() {
				all++
				if pr.rec.Owner == owner {
					mine++
				}
			}
		}
	}
	count(h.procs)
	count(h.held) // arrived, not yet confirmed: theirs all the same
	if h.cfg.MaxProcsPerOwner > 0 && mine >= h.cfg.MaxProcsPerOwner {
		h.refuse("processes per owner", "owner", owner)
		return fmt.Errorf("%s has %d live processes, the most this host allows; kill some first", owner, mine)
	}
	if h.cfg.MaxProcs > 0 && all >= h.cfg.MaxProcs {
		h.refuse("processes on the host", "owner", owner)
		return fmt.Errorf("this host has %d live processes, the most it takes; try later", all)
	}
	return nil
}

// errStored: an owner's continuations would take more of the store
// than Config.MaxStored.
var errStored = errors.New("stored processes take more than this host keeps per user")

// room says whether owner's continuations may grow by n bytes in the
// store. h.mu is held.
func (h *Host) room(owner string, n int) error {
	if h.cfg.MaxStored > 0 && n > 0 && int64(h.stored[owner]+n) > h.cfg.MaxStored {
		h.refuse("store share", "owner", owner, "bytes", n)
		return fmt.Errorf("%s's %w (%d MB)", owner, errStored, h.cfg.MaxStored>>20)
	}
	return nil
}

// addStored counts n more bytes (fewer, when negative) of owner's in the
// store; an owner with none is forgotten. h.mu is held.
func (h *Host) addStored(owner string, n int) {
	if v := h.stored[owner] + n; v != 0 {
		h.stored[owner] = v
	} else {
		delete(h.stored, owner)
	}
}

// kept records that pr's continuation in the store is now n bytes.
// h.mu is held.
func (h *Host) kept(pr *proc, n int) {
	h.addStored(pr.rec.Owner, n-pr.contSize)
	pr.contSize = n
}

// prune removes owner's oldest ended processes past MaxEnded from the
// host and its store, and the parts that ended whose results are with
// their parents (one whose result is on its way stays until it is). h.mu
// is held.
func (h *Host) prune(owner string) {
	var ended []*proc
	for _, pr := range h.procs {
		switch {
		case pr.rec.Owner != owner || pr.rec.State.live():
		case pr.rec.Part == "":
			ended = append(ended, pr)
		case pr.rec.Result == nil || pr.rec.ResultSent:
			h.remove(pr)
		}
	}
	if h.cfg.MaxEnded <= 0 || len(ended) <= h.cfg.MaxEnded {
		return
	}
	sort.Slice(ended, func(i, j int) bool { return pidLess(ended[i].rec.PID, ended[j].rec.PID) })
	for _, pr := range ended[:len(ended)-h.cfg.MaxEnded] {
		h.remove(pr)
	}
}

// remove deletes an ended process from the host and its store. h.mu is
// held.
func (h *Host) remove(pr *proc) error {
	if err := h.store.Delete(pr.rec.PID); err != nil {
		return err
	}
	h.forgetProc(pr)
	return nil
}

// forgetProc drops an ended process, removed from the store, from the
// host (its backup hosts are told). h.mu is held.
func (h *Host) forgetProc(pr *proc) {
	if pr.backedUp && len(h.dropped) < maxDropped {
		h.dropped = append(h.dropped, pr)
	}
	delete(h.procs, pr.rec.PID)
	if pr.rec.Alias != "" {
		delete(h.aliases, aliasKey(pr.rec.Owner, pr.rec.Alias))
	}
}

// startBytes is what a process is admitted with when it starts: its
// first allocations (later ones are reserved as they come).
const startBytes = 256 << 10

// maxComment is the longest comment (ps shows it).
const maxComment = 200

// aliasKey is an alias in its owner's namespace.
func aliasKey(owner, name string) string { return owner + " " + name }

// checkAlias says why name cannot be an alias: it must not look like an
// address or a PID.
func checkAlias(name string) error {
	switch {
	case name == "" || len(name) > 64 || strings.ContainsAny(name, " \t\n@/"):
		return fmt.Errorf("an alias is a name of 1 to 64 characters without spaces, @ or /: alias counter p3")
	case isPID(name):
		return fmt.Errorf("%s looks like a PID: choose another name", name)
	}
	return nil
}

// truncate cuts s to n bytes at most.
func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

func isPID(s string) bool {
	if len(s) < 2 || s[0] != 'p' {
		return false
	}
	for _, c := range s[1:] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
