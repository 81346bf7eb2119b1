package host

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// This file is backups: a host whose operator names backup hosts
// (Config.Backup) sends each of its processes' continuations, as stored,
// to them (at most every BackupEvery per process), and tells them when a
// process ends or leaves. A backup host keeps the copies frozen and never
// runs them; the owner brings one back to life there (`restore <pid>`)
// once its home host says it no longer has the process, or without asking
// (`restore <pid> force`) when the home host does not answer. The backup
// host then tells the home host that the process lives on here (until it
// has heard it, also after its own restart), and a home host that still
// has it ends it there: once the home host answers again, a process runs
// in one place.

// Backuper is a transport that carries backups between hosts (from is
// the sending host's name, for a transport that does not know it).
type Backuper interface {
	// Backup sends a copy of process rec (its continuation cont) to the
	// backup host to, and returns once that host has stored it.
	Backup(from, to string, rec Record, cont []byte) error
	// BackupOp asks host to about process pid of owner: "drop" (home →
	// backup: it ended or left), "check" (backup → home: answers "live",
	// "ended" or "gone"), "claim" (backup → home: it was restored there
	// as arg).
	BackupOp(from, to, op, pid, owner, arg string) (answer string, err error)
}

// BackupOp answers a host's backup operation (a transport calls it): a
// check or a claim of a process of this host's only from one of its own
// backup hosts.
func (h *Host) BackupOp(from, op, pid, owner, arg string) (string, error) {
	if (op == "check" || op == "claim") && !slices.Contains(h.cfg.Backup, from) {
		return "", fmt.Errorf("%s is not a backup host of %s", from, h.cfg.Name)
	}
	switch op {
	case "drop":
		return "", h.DropBackup(from, pid)
	case "check":
		return h.HasLive(pid, owner), nil
	case "claim":
		h.Claimed(from, pid, owner, arg)
		return "", nil
	}
	return "", fmt.Errorf("no backup operation %q", op)
}

// A Backup is a copy of another host's process that this host keeps.
type Backup struct {
	Home    string    `json:"home"` // the host it lives on
	Record  Record    `json:"record"`
	Updated time.Time `json:"updated"`
	// RestoredAs: restored here as this PID; the home host has not yet
	// acknowledged the claim (kept until it does)
	RestoredAs string `json:"restoredas,omitempty"`
}

var (
	bBackups = []byte("backups")     // home + " " + pid → Backup (JSON)
	bBackCon = []byte("backupconts") // home + " " + pid → its continuation
)

func backupKey(home, pid string) []byte { return []byte(home + " " + pid) }

// PutBackup stores a copy of a process of home's (replacing an older one).
func (s *Store) PutBackup(b *Backup, cont []byte) error {
	v, err := json.Marshal(b)
	if err != nil {
		return err
	}
	return s.update(func(tx *bolt.Tx) error {
		k := backupKey(b.Home, b.Record.PID)
		if err := tx.Bucket(bBackups).Put(k, v); err != nil {
			return err
		}
		if cont == nil {
			return nil
		}
		return tx.Bucket(bBackCon).Put(k, cont)
	})
}

// DropBackup removes a copy.
func (s *Store) DropBackup(home, pid string) error {
	return s.update(func(tx *bolt.Tx) error {
		k := backupKey(home, pid)
		if err := tx.Bucket(bBackups).Delete(k); err != nil {
			return err
		}
		return tx.Bucket(bBackCon).Delete(k)
	})
}

// Backups returns every copy this host keeps, and their continuations'
// sizes.
func (s *Store) Backups() ([]*Backup, map[string]int, error) {
	var out []*Backup
	sizes := map[string]int{}
	err := s.view(func(tx *bolt.Tx) error {
		conts := tx.Bucket(bBackCon)
		return tx.Bucket(bBackups).ForEach(func(k, v []byte) error {
			b := new(Backup)
			if err := json.Unmarshal(v, b); err != nil {
				return fmt.Errorf("backup %s: %w", k, err)
			}
			out = append(out, b)
			sizes[string(k)] = len(conts.Get(k))
			return nil
		})
	})
	return out, sizes, err
}

// BackupCont returns a copy's continuation.
func (s *Store) BackupCont(home, pid string) ([]byte, error) {
	var cont []byte
	err := s.view(func(tx *bolt.Tx) error {
		cont = slices.Clone(tx.Bucket(bBackCon).Get(backupKey(home, pid)))
		if cont == nil {
			return fmt.Errorf("no copy of %s's %s", home, pid)
		}
		return nil
	})
	return cont, err
}

// backups is what a backup host knows of the copies it keeps.
type backups struct {
	all   map[string]*Backup // by home + " " + pid
	sizes map[string]int     // their continuations' bytes
}

// loadBackups reads the copies at the host's start, counts them in their
// owners' shares of the store, and claims again those restored here
// whose home host had not heard it. h.mu is held.
func (h *Host) loadBackups() error {
	all, sizes, err := h.store.Backups()
	if err != nil {
		return err
	}
	h.backups = backups{all: map[string]*Backup{}, sizes: sizes}
	for _, b := range all {
		k := string(backupKey(b.Home, b.Record.PID))
		h.backups.all[k] = b
		h.addStored(b.Record.Owner, sizes[k])
		if b.RestoredAs != "" {
			h.claim(b, time.Second)
		}
	}
	return nil
}

// KeepBackup stores a copy of process rec of the host home (its peer),
// replacing an older one; a copy counts in its owner's share of this
// host's store, and the host keeps at most MaxProcs copies. cont is
// stored as it is, packed (pack.Pack) or not.
func (h *Host) KeepBackup(home string, rec Record, cont []byte) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	k := string(backupKey(home, rec.PID))
	old := h.backups.all[k]
	switch {
	case old != nil && old.RestoredAs != "":
		return fmt.Errorf("%s was restored on %s as %s", rec.PID, h.cfg.Name, old.RestoredAs)
	case old == nil && h.cfg.MaxProcs > 0 && len(h.backups.all) >= h.cfg.MaxProcs:
		return fmt.Errorf("%s keeps no more backups", h.cfg.Name)
	}
	if err := h.room(rec.Owner, len(cont)-h.backups.sizes[k]); err != nil {
		return err
	}
	b := &Backup{Home: home, Record: rec, Updated: time.Now().UTC()}
	b.Record.Output = "" // what it printed stays at home
	if err := h.store.PutBackup(b, cont); err != nil {
		return err
	}
	h.addStored(rec.Owner, len(cont)-h.backups.sizes[k])
	h.backups.all[k], h.backups.sizes[k] = b, len(cont)
	return nil
}

// DropBackup forgets the copy of process pid of home (it ended there, or
// left), unless it was restored here.
func (h *Host) DropBackup(home, pid string) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	k := string(backupKey(home, pid))
	b := h.backups.all[k]
	if b == nil || b.RestoredAs != "" {
		return nil
	}
	return h.forget(b)
}

// forget removes a copy. h.mu is held.
func (h *Host) forget(b *Backup) error {
	k := string(backupKey(b.Home, b.Record.PID))
	if err := h.store.DropBackup(b.Home, b.Record.PID); err != nil {
		return err
	}
	h.addStored(b.Record.Owner, -h.backups.sizes[k])
	delete(h.backups.all, k)
	delete(h.backups.sizes, k)
	return nil
}

// HasLive answers a backup host's check of process pid of owner: "live"
// if it lives here, "ended" if it ended here, left, or was removed (its
// PID was given here: PIDs are never given twice), "gone" if this host
// does not know it (its store was lost).
func (h *Host) HasLive(pid, owner string) string {
	h.mu.Lock()
	defer h.mu.Unlock()
	switch pr := h.procs[pid]; {
	case pr == nil && h.store.Issued(pid):
		return "ended"
	case pr == nil || pr.rec.Owner != owner:
		return "gone"
	case pr.rec.State.live():
		return "live"
	}
	return "ended"
}

// Claimed takes a backup host's word that process pid of owner was
// restored there as another: if it lives here, it ends here.
func (h *Host) Claimed(by, pid, owner, as string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	pr := h.procs[pid]
	if pr == nil || pr.rec.Owner != owner || !pr.rec.State.live() {
		return
	}
	h.log.Warn("process restored elsewhere", "pid", pid, "on", by, "as", as)
	pr.rec.Reason = fmt.Sprintf("to %s as %s (restored from a backup)", by, as)
	h.end(pr, StateMigrated, pr.rec.Reason)
}

// BackupInfo is what a user may know of a backup this host keeps.
type BackupInfo struct {
	Home, PID, Name string
	State           State
	Updated         time.Time
	RestoredAs      string
}

// BackupsOf lists the caller's backups on this host, by home and PID.
func (h *Host) BackupsOf(from string) []BackupInfo {
	user := bare(from)
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []BackupInfo
	for _, b := range h.backups.all {
		if b.Record.Owner == user {
			out = append(out, BackupInfo{Home: b.Home, PID: b.Record.PID, Name: b.Record.Name, State: b.Record.State, Updated: b.Updated, RestoredAs: b.RestoredAs})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Home != out[j].Home {
			return out[i].Home < out[j].Home
		}
		return pidLess(out[i].PID, out[j].PID)
	})
	return out
}

// errUnknownHome: the home host did not answer a check.
var errUnknownHome = errors.New("no answer")

// Restore brings the caller's backup ref ("p4", or "home/p4" when PIDs of
// several homes match) back to life on this host: after its home host
// has said it no longer has the process, or, with force, whatever the
// home host says or if it does not answer. It returns the PID here.
func (h *Host) Restore(from, ref string, force bool) (string, error) {
	user := bare(from)
	h.mu.Lock()
	b, err := h.findBackup(user, ref)
	h.mu.Unlock()
	if err != nil {
		return "", err
	}
	if !force {
		switch answer, err := h.askHome(b); {
		case err != nil:
			return "", fmt.Errorf("%s does not answer (%v): restore %s/%s force restores it anyway (it ends there if it still runs when %s is back)", b.Home, err, b.Home, b.Record.PID, b.Home)
		case answer != "gone":
			return "", fmt.Errorf("%s still has %s (%s): it is not restored", b.Home, b.Record.PID, answer)
		}
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.backups.all[string(backupKey(b.Home, b.Record.PID))] != b || b.RestoredAs != "" {
		return "", fmt.Errorf("%s was restored meanwhile", b.Record.PID)
	}
	return h.revive(b, from)
}

// findBackup is user's backup ref. h.mu is held.
func (h *Host) findBackup(user, ref string) (*Backup, error) {
	home, pid, ok := strings.Cut(ref, "/")
	if !ok {
		home, pid = "", ref
	}
	var found []*Backup
	for _, b := range h.backups.all {
		if b.Record.Owner == user && b.Record.PID == pid && (home == "" || b.Home == home) && b.RestoredAs == "" {
			found = append(found, b)
		}
	}
	switch len(found) {
	case 0:
		return nil, fmt.Errorf("no backup of yours is %s (backups lists them)", ref)
	case 1:
		return found[0], nil
	}
	return nil, fmt.Errorf("several backups of yours are %s: say which host's (restore %s/%s)", pid, found[0].Home, pid)
}

// askHome asks b's home host whether it still has the process.
func (h *Host) askHome(b *Backup) (string, error) {
	t, ok := h.tr.(Backuper)
	if !ok {
		return "", errUnknownHome
	}
	return t.BackupOp(h.cfg.Name, b.Home, "check", b.Record.PID, b.Record.Owner, "")
}

// revive makes a process of this host from backup b, as it was stored at
// home (a process that waited waits again here; the messages in its
// mailbox stayed at home), and claims it from its home host. h.mu is held.
func (h *Host) revive(b *Backup, from string) (string, error) {
	if err := h.admit(b.Record.Owner); err != nil {
		return "", err
	}
	cont, err := h.store.BackupCont(b.Home, b.Record.PID)
	if err != nil {
		return "", err
	}
	pid, err := h.store.NextPID()
	if err != nil {
		return "", err
	}
	r := b.Record
	pr := &proc{h: h, rec: Record{PID: pid, Owner: r.Owner, Client: h.client(from, r.Owner), Name: peerName(r.Name), Source: r.Source,
		Comment: truncate(r.Comment, maxComment), State: r.State, Prompt: truncate(r.Prompt, maxComment), Created: r.Created,
		Started: time.Now().UTC(), WakeAt: r.WakeAt, Public: r.Public, Pinned: r.Pinned,
		Travels: travelled(peerTravels(r.Travels), Hop{Host: b.Home, PID: r.PID, Left: b.Updated})}}
	if !pr.rec.State.live() || pr.rec.State == StateMigrating || pr.rec.State == StateJoin {
		pr.rec.State = StateRunning
	}
	if pr.rec.State == StateMessage {
		pr.rec.WakeAt = time.Time{} // what it waits for comes here now
	}
	if pr.p, err = h.thaw(pr, cont); err != nil {
		return "", err
	}
	if err := h.store.Put(&pr.rec, cont, false); err != nil {
		pr.drop()
		return "", err
	}
	h.procs[pid] = pr
	h.kept(pr, len(cont))
	pr.lastSave = time.Now()
	b.RestoredAs = pid
	if err := h.store.PutBackup(b, nil); err != nil {
		h.log.Error("backup", "pid", r.PID, "err", err)
	}
	h.log.Info("restored from a backup", "pid", pid, "home", b.Home, "was", r.PID, "owner", r.Owner)
	if pr.rec.State.waiting() {
		h.evict(pr)
	}
	h.restore(pr)
	h.claim(b, 0)
	return pid, nil
}

// claim tells b's home host that b was restored here, after d, and again
// (later each time) until it has heard it; the copy goes then. h.mu is
// held.
func (h *Host) claim(b *Backup, d time.Duration) {
	time.AfterFunc(d, func() {
		var err error = errUnknownHome
		if t, ok := h.tr.(Backuper); ok {
			_, err = t.BackupOp(h.cfg.Name, b.Home, "claim", b.Record.PID, b.Record.Owner, b.RestoredAs)
		}
		h.mu.Lock()
		defer h.mu.Unlock()
		switch {
		case h.closing:
		case err == nil:
			h.forget(b)
		default:
			h.claim(b, min(max(2*d, time.Second), time.Minute))
		}
	})
}

// maxDropped bounds the removed processes whose backup hosts are still
// to be told (more are left to their copies' checks: a check answers
// "ended" for a removed process).
const maxDropped = 10_000

// backupSoon marks pr to be sent to the backup hosts (at most every
// BackupEvery). h.mu is held.
func (h *Host) backupSoon(pr *proc) {
	if len(h.cfg.Backup) > 0 && pr.rec.Part == "" && pr.stepDone == nil {
		pr.backupDue = true
	}
}

// sendBackups sends, every BackupEvery, the stored state of each process
// that changed since it was last sent, and tells the backup hosts of the
// processes that ended or left, until the host closes.
func (h *Host) sendBackups() {
	t, ok := h.tr.(Backuper)
	if !ok || len(h.cfg.Backup) == 0 {
		return
	}
	every := max(h.cfg.BackupEvery, 10*time.Millisecond)
	for {
		time.Sleep(every)
		h.mu.Lock()
		if h.closing {
			h.mu.Unlock()
			return
		}
		due, gone := backupsDue(h.procs, h.dropped)
		h.dropped = nil
		h.mu.Unlock()
		for _, b := range due {
			rec, cont, err := h.store.Get(b.pid)
			if err != nil || cont == nil {
				continue
			}
			for _, to := range h.cfg.Backup {
				if err := t.Backup(h.cfg.Name, to, *rec, cont); err != nil {
					h.log.Warn("backup", "pid", rec.PID, "to", to, "err", err)
					h.mu.Lock()
					b.pr.backupDue = true // again next time
					h.mu.Unlock()
				}
			}
			h.mu.Lock()
			b.pr.backedUp = true
			h.mu.Unlock()
		}
		for _, b := range gone {
			dropped := true
			for _, to := range h.cfg.Backup {
				if _, err := t.BackupOp(h.cfg.Name, to, "drop", b.pid, b.owner, ""); err != nil {
					dropped = false
				}
			}
			h.mu.Lock()
			b.pr.backedUp = !dropped
			h.mu.Unlock()
		}
	}
}

// aBackup is a process whose backup hosts are to be sent its state, or
// told it is gone: its PID and owner read with h.mu held.
type aBackup struct {
	pr         *proc
	pid, owner string
}

// backupsDue takes the processes stored since they were last sent to the
// backup hosts (due), and those that ended or were removed (gone). h.mu
// is held.
func backupsDue(procs map[string]*proc, removed []*proc) (due, gone []aBackup) {
	of := func(pr *proc) aBackup { return aBackup{pr, pr.rec.PID, pr.rec.Owner} }
	for _, pr := range removed {
		gone = append(gone, of(pr))
	}
	for _, pr := range procs {
		switch {
		case pr.backupDue && pr.rec.State.live():
			due = append(due, of(pr))
		case pr.backupDue || pr.backedUp && !pr.rec.State.live():
			gone = append(gone, of(pr))
		}
		pr.backupDue = false
	}
	return due, gone
}

// cmdBackups is `backups`: the caller's backups this host keeps.
func (h *Host) cmdBackups(from, _ string) string {
	rows := h.BackupsOf(from)
	if len(rows) == 0 {
		return "no backups of yours here"
	}
	var b strings.Builder
	for _, r := range rows {
		fmt.Fprintf(&b, "%s/%s  %s  stored %s ago", r.Home, r.PID, r.State, time.Since(r.Updated).Round(time.Second))
		if r.Name != "" {
			b.WriteString("  " + r.Name)
		}
		if r.RestoredAs != "" {
			b.WriteString("  restored here as " + r.RestoredAs)
		}
		b.WriteString("\n")
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// cmdRestore is `restore <pid> [force]`.
func (h *Host) cmdRestore(from, arg string) string {
	fields := strings.Fields(arg)
	if len(fields) == 0 || len(fields) > 2 || len(fields) == 2 && fields[1] != "force" {
		return "restore wants a backup's PID (backups lists them), and force to restore it without its home host's word"
	}
	pid, err := h.Restore(from, fields[0], len(fields) == 2)
	if err != nil {
		return err.Error()
	}
	return fmt.Sprintf("%s restored here as %s", fields[0], pid)
}
