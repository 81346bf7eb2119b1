package host

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/mobilua/mobilua/continuation"
	"github.com/mobilua/mobilua/runtime"
)

// This file is split and join: mb.spawn(target, f, ...) starts f(...) as
// a part, a child process made from a copy of its parent (its heap, with
// f and the arguments in it) that starts by calling f, here or on a peer;
// mb.join(h1, ...) waits for the parts' results; mb.map(f, list) spreads
// f over list in parts and joins them all.
//
// A part is stored with its parent in one transaction (the parent knows
// it from then on: Record.Parts), and goes to a peer by a jump (exactly
// once). When it ends, its result (the values f returned, copied as
// messages are, or its error with its traceback) is kept in its record
// and sent to its parent's host until that host has stored it
// (Record.ResultSent); the parent's host stores a result once per part
// (a second copy, sent again after a crash, is acknowledged and dropped),
// and drops it with the checkpoint after the parent joined it. So
// results arrive exactly once; a part's work is done at least once.

const (
	callSpawn = "mb.spawn"
	callJoin  = "mb.join"
	callMap   = "mb.map"
)

// maxParts is the most parts one process has spawned and not joined.
const maxParts = 1000

// Part is a part a process spawned and has not joined yet.
type Part struct {
	ID   string    `json:"id"`
	Host string    `json:"host"` // where it was sent (this host's name: here)
	At   time.Time `json:"at"`
	Size int       `json:"size,omitempty"` // bytes of the parent's copy of it (the store keeps)
}

// findPart is the part of parts with this ID.
func findPart(parts []Part, id string) (Part, bool) {
	i := slices.IndexFunc(parts, func(p Part) bool { return p.ID == id })
	if i < 0 {
		return Part{}, false
	}
	return parts[i], true
}

// hasPart says whether parts has one with this ID.
func hasPart(parts []Part, id string) bool {
	_, ok := findPart(parts, id)
	return ok
}

// copyBytes is what the parent's copies of parts take in the store.
func copyBytes(parts []Part) (n int) {
	for _, p := range parts {
		n += p.Size
	}
	return n
}

// PartResult is what a part gave: the values its function returned, or
// its error (the message and the traceback, where it failed).
type PartResult struct {
	Values []Plain `json:"values,omitempty"`
	Error  string  `json:"error,omitempty"`
	Failed bool    `json:"failed,omitempty"`
}

// size is what a result counts for (Config.MaxMessage bounds it).
func (r PartResult) size() int {
	n := len(r.Error)
	for _, v := range r.Values {
		n += v.size()
	}
	return n
}

// Resulter is a transport that carries a part's result to its parent's
// host.
type Resulter interface {
	// Result delivers res, the result of part of process pid on host
	// (owned by owner), and returns once that host has stored it (or
	// refused it).
	Result(host, pid, owner, part string, res PartResult) error
}

// randomID is a fresh part or migration ID (96 random bits: nobody
// guesses another's).
func randomID() string {
	var b [12]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// handle is what mb.spawn returns for a part: {part = ID, host = where}.
func handle(p Part) runtime.Value {
	t := runtime.NewTable(0, 2)
	t.SetStr("part", runtime.String(p.ID))
	t.SetStr("host", runtime.String(p.Host))
	return runtime.TableValue(t)
}

// entry is how a part starts: the function and its arguments, from the
// values its parent yielded with (in the part's own copy of them).
type entry func(yielded []runtime.Value) (fn runtime.Value, args []runtime.Value)

// spawnEntry: mb.spawn(target, f, ...) calls f(...).
func spawnEntry(v []runtime.Value) (runtime.Value, []runtime.Value) { return v[1], v[2:] }

// mapEntry: mb.map(f, list) calls f(list[i]) in part i.
func mapEntry(i int) entry {
	return func(v []runtime.Value) (runtime.Value, []runtime.Value) {
		return v[0], []runtime.Value{v[1].Table().GetInt(i)}
	}
}

// spawn is mb.spawn: one part, placed by target. h.mu is held.
func (h *Host) spawn(pr *proc, args []runtime.Value) (runtime.Value, error) {
	if len(args) < 2 || args[1].Type() != runtime.TFunction {
		return runtime.Nil, errors.New("mb.spawn(target, f, ...) wants a function to run")
	}
	parts, err := h.makeParts(pr, args[0], []entry{spawnEntry}, false)
	if err != nil {
		return runtime.Nil, err
	}
	return handle(parts[0]), nil
}

// mapParts is mb.map(f, list [, opts]): a part for each item of list,
// placed by opts.on ("auto" when not said), all joined at once. h.mu is
// held.
func (h *Host) mapParts(pr *proc, args []runtime.Value) error {
	if len(args) < 2 || args[0].Type() != runtime.TFunction || args[1].Type() != runtime.TTable {
		return errors.New("mb.map(f, list [, opts]) wants a function and a table")
	}
	target := runtime.String("auto")
	if len(args) > 2 && args[2].Type() == runtime.TTable {
		if on := args[2].Table().GetStr("on"); !on.IsNil() {
			target = on
		}
	}
	n := args[1].Table().Len()
	entries := make([]entry, n)
	for i := range entries {
		entries[i] = mapEntry(i + 1)
	}
	_, err := h.makeParts(pr, target, entries, true)
	return err
}

// makeParts makes a part for each entry from a copy of pr (stopped in
// mb.spawn or mb.map), places it by target, and stores pr knowing them
// with them, in one transaction; with join, pr then waits for them all
// (mb.map). Parts placed here are queued; the others jump. h.mu is held.
func (h *Host) makeParts(pr *proc, target runtime.Value, entries []entry, join bool) ([]Part, error) {
	if n := len(pr.rec.Parts) + len(entries); n > maxParts {
		return nil, fmt.Errorf("a process has at most %d parts not joined (this would make %d)", maxParts, n)
	}
	cont, err := continuation.Freeze(pr.p)
	if err != nil {
		return nil, err
	}
	parent := pr.rec
	parent.Parts = slices.Clone(parent.Parts)
	var kids []*proc
	var conts [][]byte
	defer func() { // on failure, the copies made so far go
		if err != nil {
			for _, k := range kids {
				k.drop()
			}
		}
	}()
	grow, copied := len(cont)-pr.contSize, 0
	v := h.placing()
	for _, e := range entries {
		var where string
		if where, err = h.place(target, v); err != nil {
			return nil, err
		}
		var kid *proc
		var kc []byte
		if kid, kc, err = h.makePart(pr, cont, e); err != nil {
			return nil, err
		}
		kids, conts = append(kids, kid), append(conts, kc)
		if where = h.setOff(kid, where, len(kc)); where == h.cfg.Name {
			v.here++
		}
		grow, copied = grow+len(kc), copied+len(kc)
		parent.Parts = append(parent.Parts, Part{ID: kid.rec.Part, Host: where, At: time.Now().UTC(), Size: len(kc)})
	}
	if err = h.room(pr.rec.Owner, grow+copied); err != nil { // the parts, and the parent's copies of them
		return nil, err
	}
	h.saving(pr, &parent)
	made := parent.Parts[len(parent.Parts)-len(kids):]
	if join {
		parent.State, parent.Join, parent.JoinMap = StateJoin, nil, true
		for _, p := range made {
			parent.Join = append(parent.Join, p.ID)
		}
	} else {
		parent.SpawnPart = made[0].ID
	}
	recs := make([]*Record, len(kids))
	for i, k := range kids {
		recs[i] = &k.rec
	}
	if err = h.store.PutParts(&parent, cont, recs, conts); err != nil {
		return nil, err
	}
	pr.rec = parent
	pr.lastSave = time.Now()
	h.kept(pr, len(cont))
	h.addStored(pr.rec.Owner, copied)
	for i, k := range kids {
		h.kept(k, len(conts[i]))
		k.lastSave = time.Now()
		h.procs[k.rec.PID] = k
		h.sendPart(k, conts[i])
	}
	h.log.Info("parts", "pid", pr.rec.PID, "owner", pr.rec.Owner, "parts", len(kids))
	return made, nil
}

// makePart makes a part of pr from its continuation cont, starting with
// entry e, with a fresh PID and random seed; it returns the part and its
// continuation (not stored yet). h.mu is held.
func (h *Host) makePart(pr *proc, cont []byte, e entry) (*proc, []byte, error) {
	if err := h.admit(pr.rec.Owner); err != nil {
		return nil, nil, err
	}
	pid, err := h.store.NextPID()
	if err != nil {
		return nil, nil, err
	}
	kid := &proc{h: h, rec: h.partRecord(pr, pid, randomID())}
	if kid.p, err = h.thaw(kid, cont); err != nil {
		return nil, nil, err
	}
	fn, args := e(kid.p.YieldValues())
	kid.p.Start(fn, args...)
	var seed [4]byte
	rand.Read(seed[:])
	kid.p.Random.Seed(binary.LittleEndian.Uint32(seed[:]))
	kc, err := continuation.Freeze(kid.p)
	if err != nil {
		kid.drop()
		return nil, nil, err
	}
	return kid, kc, nil
}

// partRecord is the record of part id of pr, with PID pid: a part lives
// as long as its parent may, as a fork does. h.mu is held.
func (h *Host) partRecord(pr *proc, pid, id string) Record {
	return Record{PID: pid, Owner: pr.rec.Owner, Client: pr.rec.Client, Source: pr.rec.Source, State: StateRunning,
		Created: time.Now().UTC(), Started: pr.rec.Started, Parent: pr.rec.PID, Name: pr.rec.Name,
		Part: id, ReplyTo: h.cfg.Name + "/" + pr.rec.PID}
}

// setOff makes part kid, just made (its continuation n bytes), go where
// it was placed: it is stored as on its way there (sendPart sends it),
// counted as placed there; it stays here when where is this host, or
// when its owner's processes have sent all the jumps they may. It
// returns where the part goes. h.mu is held.
func (h *Host) setOff(kid *proc, where string, n int) string {
	if where == h.cfg.Name || h.jumpRate(kid.rec.Owner, n) != nil {
		return h.cfg.Name
	}
	kid.rec.State, kid.rec.Migration, kid.rec.MigrateTo = StateMigrating, randomID(), where
	h.placeOn(where)
	return where
}

// placeOn counts a process sent to the peer jid just now (its record
// does not know it yet: placedSince). h.mu is held.
func (h *Host) placeOn(jid string) { h.placed[jid] = append(h.placed[jid], time.Now()) }

// sendPart starts part k, just made and stored with its continuation
// cont: here, or on its way to the peer it was placed on (stored as
// migrating there: the jump's protocol goes on from its first step); it
// runs here if that peer does not take it. h.mu is held.
func (h *Host) sendPart(k *proc, cont []byte) {
	if k.rec.State != StateMigrating {
		h.enqueue(k)
		return
	}
	id := k.rec.Migration
	go func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		if k.rec.State != StateMigrating || k.rec.Migration != id || h.closing {
			return
		}
		h.log.Info("jump", "pid", k.rec.PID, "owner", k.rec.Owner, "to", k.rec.MigrateTo, "migration", id, "bytes", len(cont))
		if err := h.finishJump(k, h.sendJump(k, cont, nil)); err != nil && !errors.Is(err, errPending) {
			h.log.Warn("part runs here", "pid", k.rec.PID, "err", err)
			h.enqueue(k)
		}
	}()
}

// placing is what "auto" weighs for the parts of one call: this host and
// the candidates, read once, and the parts the call placed here (not yet
// among this host's processes).
type placing struct {
	self  Server
	peers []Server
	here  int
}

// placing reads what "auto" weighs. h.mu is held.
func (h *Host) placing() *placing {
	self := h.self()
	return &placing{self: self, peers: h.candidates(self)}
}

// place is where a part goes: target is this host's name or nil (here),
// a peer, a record of mb.hosts(), or "auto" (autoPlace). h.mu is held.
func (h *Host) place(target runtime.Value, v *placing) (string, error) {
	if target.IsNil() {
		return h.cfg.Name, nil
	}
	to, err := targetName(target)
	switch {
	case err != nil:
		return "", err
	case to == "auto":
		return h.autoPlace(v), nil
	case to == h.cfg.Name:
		return to, nil
	case !h.isPeer(to):
		return "", fmt.Errorf("%s is not a peer of this host", to)
	}
	return to, nil
}

// autoPlace is where "auto" places a part: of this host and the peers
// the directory lists as online with room, the one with the most idle
// workers, counting the parts sent to each since its record was
// published, and those placed here by the same call; then the most room.
// h.mu is held.
func (h *Host) autoPlace(v *placing) string {
	best, bestScore := v.self, v.self.Workers-v.self.Running-v.here
	for _, s := range v.peers {
		if score := s.Workers - s.Running - h.placedSince(s.JID, s.Updated); score > bestScore ||
			score == bestScore && s.Free > best.Free {
			best, bestScore = s, score
		}
	}
	return best.JID
}

// placedSince counts the parts placed on jid after t (its record does not
// know them yet), and forgets those its record knows. h.mu is held.
func (h *Host) placedSince(jid string, t time.Time) int {
	ts := h.placed[jid]
	i := 0
	for i < len(ts) && !ts[i].After(t) {
		i++
	}
	h.placed[jid] = ts[i:]
	return len(ts) - i
}

// candidates are the peers a process may go to now: in the directory,
// online, with room. h.mu is held.
func (h *Host) candidates(self Server) []Server {
	peers := h.Peers()
	var out []Server
	for _, s := range h.servers(self)[1:] {
		if slices.Contains(peers, s.JID) && s.online() && !s.Updated.IsZero() && (s.Capacity == 0 || s.Free > 0) {
			out = append(out, s)
		}
	}
	return out
}

// join is mb.join(h1, ...): pr waits for the results of these parts of
// its own. h.mu is held.
func (h *Host) join(pr *proc, handles []runtime.Value) error {
	if len(handles) == 0 {
		return errors.New("mb.join wants the handles of parts (what mb.spawn returned)")
	}
	var ids []string
	for i, v := range handles {
		var id string
		if t := v.Table(); t != nil {
			id, _ = t.GetStr("part").Str()
		}
		if !hasPart(pr.rec.Parts, id) || slices.Contains(pr.joined, id) {
			return fmt.Errorf("argument %d of mb.join is not a part of this process that is still to be joined", i+1)
		}
		ids = append(ids, id)
	}
	pr.rec.Join, pr.rec.JoinMap = ids, false
	return nil
}

// joinPark is how long a process waits in mb.join or mb.map in memory
// before it is stored and dropped from it (parts that end at once spare
// it the checkpoint; a host that stops meanwhile restarts it from its
// checkpoint at the spawn, which joins the same parts again).
const joinPark = 50 * time.Millisecond

// wait makes pr wait in mb.join or mb.map for the parts in its record's
// Join, or goes on at once if their results are here. h.mu is held.
func (h *Host) wait(pr *proc) {
	pr.rec.State = StateJoin
	if h.tryJoin(pr) {
		return
	}
	p := pr.p
	time.AfterFunc(joinPark, func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		if !h.closing && pr.rec.State == StateJoin && pr.p == p {
			h.park(pr)
		}
	})
}

// tryJoin ends pr's wait in mb.join or mb.map if every part it waits for
// has given its result: mb.join returns the values (one part: all it
// returned; several: the first of each), mb.map the list of the first
// values; a part that failed raises its error in pr. h.mu is held.
func (h *Host) tryJoin(pr *proc) bool {
	if pr.rec.State != StateJoin {
		return false
	}
	results, err := h.store.Results(pr.rec.PID)
	if err != nil {
		h.log.Error("results", "pid", pr.rec.PID, "err", err)
		return false
	}
	for _, id := range pr.rec.Join {
		if _, ok := results[id]; !ok {
			return false
		}
	}
	if err := h.load(pr); errors.Is(err, errBusy) {
		h.later(pr, func() { h.tryJoin(pr) })
		return true
	} else if err != nil {
		return true // it failed
	}
	args := []runtime.Value{} // not nil: joinedParts tells taken results by it
	for i, id := range pr.rec.Join {
		r := results[id]
		if r.Failed {
			pr.raise = runtime.String(fmt.Sprintf("part %d (%s) failed: %s", i+1, partWhere(pr, id), r.Error))
			break
		}
		vals := make([]runtime.Value, len(r.Values))
		for j, v := range r.Values {
			vals[j] = v.Value(pr.p)
		}
		if len(pr.rec.Join) == 1 && !pr.rec.JoinMap {
			args = vals
		} else if len(vals) > 0 {
			args = append(args, vals[0])
		} else {
			args = append(args, runtime.Nil)
		}
	}
	if pr.rec.JoinMap {
		list := runtime.NewTable(len(args), 0)
		for i, v := range args {
			list.SetInt(i+1, v)
		}
		args = []runtime.Value{runtime.TableValue(list)}
	}
	pr.args, pr.joined = args, append(pr.joined, pr.rec.Join...)
	pr.rec.State = StateRunning
	h.enqueue(pr)
	return true
}

// partWhere names the host a part of pr was sent to.
func partWhere(pr *proc, id string) string {
	if p, ok := findPart(pr.rec.Parts, id); ok {
		return "on " + p.Host
	}
	return id
}

// joinedParts drops from rec, about to be stored with pr's state now, the
// parts pr has joined, once it has taken their results (their results
// and copies go from the store with that record); until then, pr.joined
// keeps them from being joined again. h.mu is held.
func (h *Host) joinedParts(pr *proc, rec *Record) {
	if pr.joined == nil || pr.args != nil || !pr.raise.IsNil() {
		return // not yet taken: the state is still the one waiting for them
	}
	before := copyBytes(rec.Parts)
	rec.Parts = slices.DeleteFunc(slices.Clone(rec.Parts), func(p Part) bool { return slices.Contains(pr.joined, p.ID) })
	h.addStored(rec.Owner, copyBytes(rec.Parts)-before)
	pr.joined = nil
}

// partResult is what part pr, which ends in state st, gives its parent.
// h.mu is held.
func (h *Host) partResult(pr *proc, st State, reason string) *PartResult {
	switch {
	case st == StateFinished && pr.p != nil:
		r := &PartResult{}
		size := 0
		for _, v := range pr.p.Results() {
			c, err := copyValue(v, h.cfg.MaxMessage-size)
			if err != nil {
				return &PartResult{Failed: true, Error: "its result cannot go to its parent: " + err.Error()}
			}
			size += c.size()
			r.Values = append(r.Values, c)
		}
		return r
	case st == StateFailed:
		return &PartResult{Failed: true, Error: truncate(reason+pr.traceback, h.cfg.MaxMessage)}
	}
	return &PartResult{Failed: true, Error: string(st)}
}

// partEnded keeps in its record the result of part pr, which ends (end
// stores it and sends it to the parent). h.mu is held.
func (h *Host) partEnded(pr *proc, st State, reason string) {
	if pr.rec.Part == "" || st == StateMigrated || pr.rec.Result != nil {
		return
	}
	pr.rec.Result = h.partResult(pr, st, reason)
}

// sendResult sends part pr's result to its parent's host after d, and
// again (later each time) until that host has it or refuses it. h.mu is
// held.
func (h *Host) sendResult(pr *proc, d time.Duration) {
	if pr.rec.Result == nil || pr.rec.ResultSent {
		return
	}
	rec := pr.rec
	time.AfterFunc(d, func() {
		parentHost, pid, _ := strings.Cut(rec.ReplyTo, "/")
		var err error
		if parentHost == h.cfg.Name {
			err = h.TakeResult(rec.Owner, pid, rec.Part, *rec.Result)
		} else if r, ok := h.tr.(Resulter); ok {
			err = r.Result(parentHost, pid, rec.Owner, rec.Part, *rec.Result)
		} else {
			err = fmt.Errorf("this host cannot reach %s", parentHost)
		}
		h.mu.Lock()
		defer h.mu.Unlock()
		if h.closing {
			return
		}
		var refused *refusedError
		switch {
		case err == nil, errors.As(err, &refused):
			if err != nil {
				h.log.Warn("part result refused", "pid", rec.PID, "parent", rec.ReplyTo, "err", err)
			}
			pr.rec.ResultSent = true // its record goes: its result is with its parent
			if err := h.remove(pr); err != nil {
				h.store.Put(&pr.rec, nil, false)
			}
		case d < time.Hour:
			h.sendResult(pr, max(2*d, h.cfg.JumpRetry/4, time.Second))
		default:
			h.log.Warn("part result not delivered", "pid", rec.PID, "parent", rec.ReplyTo, "err", err)
		}
	})
}

// refusedError is a result its parent's host will never take.
type refusedError struct{ msg string }

func (e *refusedError) Error() string { return e.msg }

// Refused says whether err is a refusal of TakeResult's that sending
// again does not change (a transport passes it on as such).
func Refused(err error) bool {
	var r *refusedError
	return errors.As(err, &r)
}

// RefusedResult makes a refusal that a transport received (Refused).
func RefusedResult(msg string) error { return &refusedError{msg} }

// TakeResult stores res, the result of part of process pid (owned by
// owner), if pid waits for that part's result; it returns once stored. A
// result that came before (sent again) is taken without a second copy.
func (h *Host) TakeResult(owner, pid, part string, res PartResult) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	pr, b, err := h.acceptResult(owner, pid, part, res)
	if pr == nil {
		return err
	}
	if err := h.store.PutResult(pid, part, b); err != nil {
		return err
	}
	h.tryJoin(pr)
	return nil
}

// acceptResult says what becomes of res, the result of part of process
// pid owned by owner: the process and the result to store (as JSON), or
// no process and nil (a copy of one it has: dropped) or a refusal. h.mu
// is held.
func (h *Host) acceptResult(owner, pid, part string, res PartResult) (*proc, []byte, error) {
	pr := h.procs[pid]
	switch {
	case pr == nil || !pr.rec.State.live():
		return nil, nil, &refusedError{fmt.Sprintf("no live process %s", pid)}
	case pr.rec.Owner != owner:
		return nil, nil, &refusedError{fmt.Sprintf("%s is not %s's", pid, owner)}
	case !hasPart(pr.rec.Parts, part):
		return nil, nil, nil // joined already: this is a copy
	case res.size() > h.cfg.MaxMessage+1024:
		res = PartResult{Failed: true, Error: fmt.Sprintf("its result is larger than %d bytes", h.cfg.MaxMessage)}
	}
	b, err := json.Marshal(res)
	if err != nil {
		return nil, nil, err
	}
	return pr, b, nil
}

// endPart stores part pr, which ends; when its parent is on this host, it
// gives it its result instead, and the part's record goes, in one
// transaction; the parent goes on if it waited for it. h.mu is held.
func (h *Host) endPart(pr *proc) error {
	parentHost, pid, _ := strings.Cut(pr.rec.ReplyTo, "/")
	if parentHost != h.cfg.Name || pr.rec.Result == nil || pr.rec.ResultSent {
		return h.store.Put(&pr.rec, nil, true)
	}
	parent, b, err := h.acceptResult(pr.rec.Owner, pid, pr.rec.Part, *pr.rec.Result)
	if err != nil {
		h.log.Warn("part result refused", "pid", pr.rec.PID, "parent", pr.rec.ReplyTo, "err", err)
	}
	pr.rec.ResultSent = true
	if parent == nil {
		return h.store.Put(&pr.rec, nil, true)
	}
	if err := h.store.EndPart(pr.rec.PID, pid, pr.rec.Part, b); err != nil {
		pr.rec.ResultSent = false
		return err
	}
	h.forgetProc(pr)
	h.tryJoin(parent)
	return nil
}

// watchParts looks, every quarter of PartDeadline (5 s at most), for the
// parts processes wait for whose hosts stopped answering, and runs them
// again elsewhere, until the host closes.
func (h *Host) watchParts() {
	if h.cfg.PartDeadline > 0 {
		h.every(min(h.cfg.PartDeadline/4, 5*time.Second), h.checkParts)
	}
}

// checkParts runs again each part a process waits for that was sent to a
// host more than PartDeadline ago which the last ping did not find, and
// whose result has not come. h.mu is held.
func (h *Host) checkParts() {
	w, ok := h.tr.(PeerWatcher)
	if !ok {
		return
	}
	states := w.PeerStates()
	late := time.Now().Add(-h.cfg.PartDeadline)
	for _, pr := range h.procs {
		if pr.rec.State != StateJoin {
			continue
		}
		var results map[string]PartResult
		for i, p := range pr.rec.Parts {
			if p.Host == h.cfg.Name || p.At.After(late) || strings.HasPrefix(states[p.Host], "online") || !slices.Contains(pr.rec.Join, p.ID) {
				continue
			}
			if results == nil {
				var err error
				if results, err = h.store.Results(pr.rec.PID); err != nil {
					break
				}
			}
			if _, done := results[p.ID]; !done {
				h.rerun(pr, i, states[p.Host])
			}
		}
	}
}

// rerun runs part i of pr again, from pr's copy of it, where "auto"
// places it (a host that answers). h.mu is held.
func (h *Host) rerun(pr *proc, i int, why string) {
	p := pr.rec.Parts[i]
	cont, err := h.store.PartCopy(pr.rec.PID, p.ID)
	if err == nil {
		err = h.admit(pr.rec.Owner)
	}
	var pid string
	if err == nil {
		pid, err = h.store.NextPID()
	}
	if err != nil {
		h.log.Warn("part not run again", "pid", pr.rec.PID, "part", p.ID, "err", err)
		return
	}
	kid := &proc{h: h, rec: h.partRecord(pr, pid, p.ID)}
	if kid.p, err = h.thaw(kid, cont); err != nil {
		h.log.Warn("part not run again", "pid", pr.rec.PID, "part", p.ID, "err", err)
		return
	}
	where := h.setOff(kid, h.autoPlace(h.placing()), len(cont))
	parent := pr.rec
	parent.Parts = slices.Clone(parent.Parts)
	parent.Parts[i].Host, parent.Parts[i].At = where, time.Now().UTC()
	if err := h.store.PutPair(&parent, nil, &kid.rec, cont); err != nil {
		kid.drop()
		h.log.Warn("part not run again", "pid", pr.rec.PID, "part", p.ID, "err", err)
		return
	}
	pr.rec = parent
	h.kept(kid, len(cont))
	h.procs[pid] = kid
	h.log.Warn("part run again", "pid", pr.rec.PID, "part", p.ID, "from", p.Host, "state", why, "to", where, "as", pid)
	h.sendPart(kid, cont)
}
