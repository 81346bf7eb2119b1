package host

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// The store is one bbolt file. Buckets:
//
//	meta   "schema" → the schema version (decimal text); "nextpid" → the
//	       next process number (decimal text; PIDs are never reused)
//	procs  pid → the process's record (JSON, see Record)
//	conts  pid → its latest continuation (continuation package bytes)
//	migrations  migration ID → the PID a jump that arrived got
//	mail   pid → a bucket: sequence number (8 bytes, big endian) → a
//	       Message (JSON) not yet consumed by a checkpoint
//	sessions  user's bare address → their step session's continuation
//	       (session.go; a store without the bucket gets it when opened)
//	results  pid → a bucket: part ID → the part's result (PartResult,
//	       JSON), until the checkpoint after the process joined it
//	       (parts.go; a store without the bucket gets it when opened)
//	backups, backupconts  home host + " " + pid → a copy of another host's
//	       process (Backup, JSON) and its continuation (backup.go; a store
//	       without the buckets gets them when opened)
//	copies  pid → a bucket: part ID → the continuation the part started
//	       from (run again from it when its host stops answering), as
//	       long as the process has not joined it (the same)
//
// A record and its continuation are written in one transaction, so a host
// killed at any moment finds both from the same instant. meta
// "journalgen" is the generation of the journal's entries still to be
// taken in (random in a new store): a process that arrives, a small
// change of one, a message, a step session and a PID given out are
// written to the journal beside the file first (journal.go).
const schemaVersion = 1

var (
	bMeta  = []byte("meta")
	bProcs = []byte("procs")
	bConts = []byte("conts")
	bMail  = []byte("mail")
	bMigr  = []byte("migrations")
	bSess  = []byte("sessions")
	bRes   = []byte("results")
	bCopy  = []byte("copies")
)

// Record is what the store keeps of a process besides its continuation.
type Record struct {
	PID   string `json:"pid"`
	Owner string `json:"owner"`
	// Client is the address (with its resource) that started it: where
	// its output and notices go
	Client  string    `json:"client,omitempty"`
	Name    string    `json:"name,omitempty"`
	Comment string    `json:"comment,omitempty"`
	Source  string    `json:"source"`
	State   State     `json:"state"`
	Reason  string    `json:"reason,omitempty"` // why it failed
	Prompt  string    `json:"prompt,omitempty"` // what mb.input asked
	Created time.Time `json:"created"`
	Started time.Time `json:"started,omitzero"` // when it was first run
	Output  string    `json:"output,omitempty"` // the end of its output (bounded)
	Alias   string    `json:"alias,omitempty"`
	MailSeq uint64    `json:"mailseq,omitempty"` // messages up to this one are consumed
	WakeAt  time.Time `json:"wake,omitzero"`     // when a sleep or a receive's timeout ends
	Parent  string    `json:"parent,omitempty"`  // the process it was forked from
	// ForkChild is the child of the last mb.fork (what mb.fork returns
	// if the host restarts before the parent goes on)
	ForkChild string `json:"forkchild,omitempty"`
	// Answer is the input given to a process waiting in mb.input, until
	// the checkpoint after it took it (so that a restart does not lose it)
	Answer *string `json:"answer,omitempty"`
	// Arrived: it came by mb.jump and has not run here yet (mb.jump
	// returns true to it after a restart too)
	Arrived bool `json:"arrived,omitempty"`
	// Migration and MigrateTo: a jump in progress (state migrating)
	Migration string `json:"migration,omitempty"`
	MigrateTo string `json:"migrateto,omitempty"`
	// Held: it came by a jump (this migration) that its sender has not
	// confirmed yet: it waits, unseen, until the sender says it is stored
	// there as gone (Host.CommitJump)
	Held *Migration `json:"held,omitempty"`
	// JumpFailed: why its last jump failed, until the checkpoint after
	// (mb.jump returns nil and it after a restart too)
	JumpFailed string `json:"jumpfailed,omitempty"`
	// Public: it takes messages from other owners' processes (mb.accept)
	Public bool `json:"public,omitempty"`
	// Pinned: the host does not move it to another to spread its load
	// (mb.pin); mb.jump still does
	Pinned bool `json:"pinned,omitempty"`
	// Wait: the wait it travels in, moved by its host while it waited
	// (sleeping until WakeAt, or for input with Prompt); it waits so on
	// the host it arrives at
	Wait State `json:"wait,omitempty"`
	// Travels: the hosts it was on before this one, oldest first (the
	// last maxTravels), as it left each
	Travels []Hop `json:"travels,omitempty"`
	// Part: it is a part (mb.spawn, mb.map) of the process ReplyTo
	// ("host/pid"); Result is what it gave once it ended, kept until its
	// parent's host has it (ResultSent) (parts.go)
	Part       string      `json:"part,omitempty"`
	ReplyTo    string      `json:"replyto,omitempty"`
	Result     *PartResult `json:"result,omitempty"`
	ResultSent bool        `json:"resultsent,omitempty"`
	// Parts: the parts it made and has not joined; Join: those it waits
	// for in mb.join, or mb.map (JoinMap); SpawnPart: the part of its
	// last mb.spawn (what mb.spawn returns after a restart)
	Parts     []Part   `json:"parts,omitempty"`
	Join      []string `json:"join,omitempty"`
	JoinMap   bool     `json:"joinmap,omitempty"`
	SpawnPart string   `json:"spawnpart,omitempty"`
}

// Hop is a host a process left by mb.jump: the host, its PID there, when.
type Hop struct {
	Host string    `json:"host"`
	PID  string    `json:"pid"`
	Left time.Time `json:"left"`
}

// maxTravels bounds the hops a record keeps (the earliest go).
const maxTravels = 32

// Store persists processes.
type Store struct {
	db   *bolt.DB
	path string
	// jmu orders the journal's writes and folds (journal.go); j is nil
	// on a store opened otherwise than by OpenStore
	jmu sync.Mutex
	j   *journal
}

// OpenStore opens (or creates) the store at path, migrating an older
// schema; it refuses a newer one, and a damaged file with ErrDamaged.
func OpenStore(path string) (*Store, error) {
	s, err := openBolt(path, false)
	if err != nil {
		return nil, err
	}
	err = s.update(func(tx *bolt.Tx) error {
		meta, err := tx.CreateBucketIfNotExists(bMeta)
		if err != nil {
			return err
		}
		for _, b := range [][]byte{bProcs, bConts, bMail, bMigr, bSess, bRes, bCopy, bBackups, bBackCon} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		v := meta.Get([]byte("schema"))
		if v == nil {
			// a new store: its journal's generation starts anywhere, so
			// that a journal left by a store deleted before it is not
			// taken in (its entries carry another generation)
			if err := meta.Put([]byte("journalgen"), []byte(strconv.FormatUint(mrand.Uint64(), 10))); err != nil {
				return err
			}
			return meta.Put([]byte("schema"), []byte(strconv.Itoa(schemaVersion)))
		}
		n, err := strconv.Atoi(string(v))
		if err != nil {
			return fmt.Errorf("bad schema version %q", v)
		}
		if n > schemaVersion {
			return fmt.Errorf("schema version %d is newer than this host's %d", n, schemaVersion)
		}
		return migrate(tx, n)
	})
	if err == nil {
		err = s.openJournal()
	}
	if err != nil {
		s.Close()
		if errors.Is(err, ErrDamaged) {
			return nil, err
		}
		return nil, fmt.Errorf("store %s: %w", path, err)
	}
	return s, nil
}

// openJournal opens the store's journal of arrivals and folds in what it
// holds (journal.go).
func (s *Store) openJournal() error {
	var gen uint64
	err := s.view(func(tx *bolt.Tx) (err error) {
		gen, err = journalGen(tx.Bucket(bMeta))
		return err
	})
	if err != nil {
		return err
	}
	j, err := openJournal(s.path+"-journal", gen)
	if err != nil {
		return err
	}
	s.j = j
	return s.fold()
}

// fold takes the journal's entries into the bbolt file now, if it holds
// any (update does it first).
func (s *Store) fold() error {
	if !s.journaled() {
		return nil
	}
	return s.update(func(*bolt.Tx) error { return nil })
}

// openBolt opens the bbolt file at path (read-only to check or salvage
// it): a file a host holds is refused at once, one that is not a sound
// database with ErrDamaged (to write, its pages are checked first:
// checkBeforeWriting).
func openBolt(path string, readOnly bool) (s *Store, err error) {
	if !readOnly {
		if err := checkBeforeWriting(path); err != nil {
			return nil, err
		}
	}
	defer func() {
		if x := recover(); x != nil {
			err = &DamagedError{path, x}
		}
	}()
	defer panicOnFault()()
	opts := &bolt.Options{ReadOnly: readOnly, Timeout: 100 * time.Millisecond}
	if !readOnly {
		opts.InitialMmapSize = mmapSize
	}
	db, err := bolt.Open(path, 0o600, opts)
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, fmt.Errorf("store %s is in use by another host (or mobilua store command)", path)
	}
	if err != nil {
		return nil, damaged(path, err)
	}
	return &Store{db: db, path: path}, nil
}

// mmapSize is the address space a store opened to write maps at first
// (bbolt's InitialMmapSize; pages are read from it only as the file has
// them). bbolt maps the file again when it outgrows its map, under the
// writing transaction, and copies every key and value that transaction
// holds out of the old map first: with a map of the file's size, a 100
// MB continuation arriving was copied once more at each doubling.
const mmapSize = 1 << 30

// checkBeforeWriting checks the pages of the file at path (checkPages),
// opened read-only, before bbolt opens it to write: that open reads the
// freelist page's count of ids and allocates as many (2^40 of them was a
// fatal out-of-memory, no panic to recover from), and a commit trusts the
// pages' overflow counts. A file not there yet, or empty, is a new store.
func checkBeforeWriting(path string) error {
	if st, err := os.Stat(path); err != nil || st.Size() == 0 {
		return nil // (bbolt says what is wrong with a path it cannot open)
	}
	s, err := openBolt(path, true)
	if err != nil {
		return err
	}
	defer s.Close()
	return s.checkPages()
}

// checkPages refuses, with ErrDamaged, a file whose pages bbolt would
// trust to its harm (checkPages in pages.go).
func (s *Store) checkPages() error {
	f, err := os.Open(s.path)
	if err != nil {
		return fmt.Errorf("store %s: %w", s.path, err)
	}
	defer f.Close()
	if err := checkPages(f); err != nil {
		return &DamagedError{s.path, err}
	}
	return nil
}

// damaged names bbolt's errors about a file that is not a sound
// database as a DamagedError.
func damaged(path string, err error) error {
	for _, e := range []error{berrors.ErrInvalid, berrors.ErrChecksum, berrors.ErrVersionMismatch, berrors.ErrInvalidMapping} {
		if errors.Is(err, e) {
			return &DamagedError{path, err}
		}
	}
	return fmt.Errorf("store %s: %w", path, err)
}

// migrate brings a store of schema version from up to schemaVersion.
// Version 1 is the first: there is nothing to migrate yet; a later
// version adds its step here.
func migrate(tx *bolt.Tx, from int) error {
	for v := from; v < schemaVersion; v++ {
		switch v {
		default:
			return fmt.Errorf("no migration from schema version %d", v)
		}
	}
	return tx.Bucket(bMeta).Put([]byte("schema"), []byte(strconv.Itoa(schemaVersion)))
}

// update runs a read-write transaction. On some damaged pages bbolt
// panics, or reads past its memory map (a fault, which panicOnFault
// makes a panic too): that becomes an error here.
//
// The journal's entries go in first (journal.go).
func (s *Store) update(f func(*bolt.Tx) error) (err error) {
	s.jmu.Lock()
	defer s.jmu.Unlock()
	defer s.recover(&err)
	defer panicOnFault()()
	fold := s.j != nil && len(s.j.pending) > 0
	err = s.db.Update(func(tx *bolt.Tx) error {
		if fold {
			if err := s.j.fold(tx); err != nil {
				return err
			}
		}
		return f(tx)
	})
	if err == nil && fold {
		s.j.folded()
	}
	return err
}

// view runs a read-only transaction (see update), after the journal's
// entries are folded in.
func (s *Store) view(f func(*bolt.Tx) error) error {
	if err := s.fold(); err != nil {
		return err
	}
	return s.read(f)
}

// read runs a read-only transaction on the bbolt file alone.
func (s *Store) read(f func(*bolt.Tx) error) (err error) {
	defer s.recover(&err)
	defer panicOnFault()()
	return s.db.View(f)
}

// journaled says whether the journal holds entries not yet folded in.
func (s *Store) journaled() bool {
	s.jmu.Lock()
	defer s.jmu.Unlock()
	return s.j != nil && len(s.j.pending) > 0
}

// panicOnFault makes a memory fault of this goroutine a panic (the
// store's file is mapped: a damaged page can point outside it) until the
// function it returns is called.
func panicOnFault() func() {
	old := debug.SetPanicOnFault(true)
	return func() { debug.SetPanicOnFault(old) }
}

// recover turns a panic of bbolt's into a DamagedError.
func (s *Store) recover(err *error) {
	if x := recover(); x != nil {
		*err = &DamagedError{s.path, x}
	}
}

// ErrDamaged is a store whose file is damaged (`mobilua store check`
// says where; `mobilua store salvage` copies what can still be read):
// errors.Is(err, ErrDamaged) for a DamagedError.
var ErrDamaged = errors.New("the store is damaged")

// DamagedError says which store is damaged and what was found.
type DamagedError struct {
	Path string
	Why  any
}

func (e *DamagedError) Error() string { return fmt.Sprintf("store %s is damaged: %v", e.Path, e.Why) }

// Is makes errors.Is(e, ErrDamaged) true.
func (e *DamagedError) Is(target error) bool { return target == ErrDamaged }

// SetSync says whether each change waits until it is on the disk (the
// default). Without it a change is in the operating system's hands when
// it returns: it survives the host being killed at any point, but not the
// machine failing (which may then damage the file: bbolt's NoSync).
func (s *Store) SetSync(on bool) { s.db.NoSync = !on }

// Close closes the store, the journal's entries folded in first (a store
// command that only reads then has nothing to fold: foldJournal); what a
// fold that fails leaves there is folded in when it is opened again.
func (s *Store) Close() error {
	s.fold()
	s.jmu.Lock()
	defer s.jmu.Unlock()
	if s.j != nil {
		s.j.f.Close()
		s.j = nil
	}
	return s.db.Close()
}

// NextPID allocates a process number, never given out before. With the
// store syncing it goes to the journal (journal.go).
func (s *Store) NextPID() (string, error) {
	if pid, done, err := s.journalPID(); done {
		return pid, err
	}
	var pid string
	err := s.update(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bMeta)
		n, err := nextPID(meta)
		if err != nil {
			return err
		}
		pid = "p" + strconv.Itoa(n)
		return meta.Put([]byte("nextpid"), []byte(strconv.Itoa(n+1)))
	})
	return pid, err
}

// journalPID is NextPID by the journal; done is false when the journal
// does not take it.
func (s *Store) journalPID() (pid string, done bool, err error) {
	s.jmu.Lock()
	defer s.jmu.Unlock()
	if !s.journaling() {
		return "", false, nil
	}
	if err := s.read(func(tx *bolt.Tx) (err error) {
		pid, err = s.journaledPID(tx)
		return err
	}); err != nil {
		return "", true, err
	}
	ok, err := s.j.write(journalEntry{kind: entryPID, pid: pid}, true)
	return pid, ok || err != nil, err
}

// journaledPID is the next PID while the journal holds some: past the
// bbolt file's and every one in the journal. s.jmu is held.
func (s *Store) journaledPID(tx *bolt.Tx) (string, error) {
	next, err := nextPID(tx.Bucket(bMeta))
	return "p" + strconv.Itoa(pastPIDs(s.j.pending, next)), err
}

// Issued says whether pid is a PID this store has given (its processes'
// PIDs are never given twice).
func (s *Store) Issued(pid string) bool {
	n := pidNumber(pid)
	if n == 0 {
		return false
	}
	next := 1
	s.view(func(tx *bolt.Tx) error {
		next, _ = nextPID(tx.Bucket(bMeta)) // (0 when it cannot be read)
		return nil
	})
	return n < next
}

// pidNumber is the number of PID pid ("p12": 12), or 0 when pid is not
// one.
func pidNumber(pid string) int {
	s, ok := strings.CutPrefix(pid, "p")
	n, err := strconv.Atoi(s)
	if !ok || err != nil || n < 1 {
		return 0
	}
	return n
}

// Put writes a record and, if cont is not nil, its continuation (nil
// keeps the continuation stored before; a finished process has none).
// With the store syncing, a small one goes to the journal (journal.go).
func (s *Store) Put(r *Record, cont []byte, dropCont bool) error {
	return s.put(r, cont, dropCont, true)
}

// PutLater writes as Put, but a small change returns before it is on the
// disk (which it is with the next change that is, at the latest): for a
// change the host finds again without it after the machine failed, as a
// jump's end (the process stored as on its way is asked about again).
func (s *Store) PutLater(r *Record, cont []byte, dropCont bool) error {
	return s.put(r, cont, dropCont, false)
}

// put is Put, with sync false PutLater.
func (s *Store) put(r *Record, cont []byte, dropCont, sync bool) error {
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	kind := entryPut
	if cont == nil && dropCont {
		kind = entryPutDrop
	}
	if done, err := s.journalWrite(journalEntry{kind: kind, pid: r.PID, rec: b, cont: cont}, sync); done {
		return err
	}
	return s.update(func(tx *bolt.Tx) error { return putRecord(tx, r, b, cont, dropCont) })
}

// PutPair writes two processes in one transaction (a parent at mb.fork
// and its child: both, or neither).
func (s *Store) PutPair(a *Record, acont []byte, b *Record, bcont []byte) error {
	return s.update(func(tx *bolt.Tx) error {
		if err := putTx(tx, a, acont, false); err != nil {
			return err
		}
		return putTx(tx, b, bcont, false)
	})
}

// putTx is Put within tx.
func putTx(tx *bolt.Tx, r *Record, cont []byte, dropCont bool) error {
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	return putRecord(tx, r, b, cont, dropCont)
}

// putRecord is Put within tx, with r as JSON in b.
func putRecord(tx *bolt.Tx, r *Record, b, cont []byte, dropCont bool) error {
	if err := tx.Bucket(bProcs).Put([]byte(r.PID), b); err != nil {
		return err
	}
	// the consumed messages go with the checkpoint that consumed them
	if mb := tx.Bucket(bMail).Bucket([]byte(r.PID)); mb != nil && (cont != nil || dropCont) {
		c := mb.Cursor()
		for k, _ := c.First(); k != nil && binary.BigEndian.Uint64(k) <= r.MailSeq; k, _ = c.Next() {
			if err := c.Delete(); err != nil {
				return err
			}
		}
	}
	if err := pruneResults(tx, r, dropCont); err != nil {
		return err
	}
	if r.State == StateMigrating && r.Migration != "" {
		// with the process stored as on its way: the answer to its
		// receiver's question (Sent)
		if err := tx.Bucket(bMigr).Put(sentKey(r.MigrateTo, r.Migration), []byte(r.PID)); err != nil {
			return err
		}
	}
	switch {
	case cont != nil:
		return tx.Bucket(bConts).Put([]byte(r.PID), cont)
	case dropCont:
		return tx.Bucket(bConts).Delete([]byte(r.PID))
	}
	return nil
}

// pruneResults drops the results and copies of parts r no longer waits
// for (all of them when it ends).
func pruneResults(tx *bolt.Tx, r *Record, ended bool) error {
	for _, name := range [][]byte{bRes, bCopy} {
		rb := tx.Bucket(name)
		b := rb.Bucket([]byte(r.PID))
		switch {
		case b == nil:
			continue
		case ended:
			if err := rb.DeleteBucket([]byte(r.PID)); err != nil {
				return err
			}
			continue
		}
		c := b.Cursor()
		for k, _ := c.First(); k != nil; k, _ = c.Next() {
			if !hasPart(r.Parts, string(k)) {
				if err := c.Delete(); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// PutParts writes a parent and the parts it made, and keeps each part's
// continuation as the parent's copy of it, in one transaction (all, or
// none).
func (s *Store) PutParts(parent *Record, cont []byte, parts []*Record, conts [][]byte) error {
	return s.update(func(tx *bolt.Tx) error {
		if err := putTx(tx, parent, cont, false); err != nil {
			return err
		}
		copies, err := tx.Bucket(bCopy).CreateBucketIfNotExists([]byte(parent.PID))
		if err != nil {
			return err
		}
		for i, r := range parts {
			if err := putTx(tx, r, conts[i], false); err != nil {
				return err
			}
			if err := copies.Put([]byte(r.Part), conts[i]); err != nil {
				return err
			}
		}
		return nil
	})
}

// PartCopy returns the continuation part of process pid started from.
func (s *Store) PartCopy(pid, part string) ([]byte, error) {
	var cont []byte
	err := s.view(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bCopy).Bucket([]byte(pid)); b != nil {
			cont = bytes.Clone(b.Get([]byte(part)))
		}
		if cont == nil {
			return fmt.Errorf("no copy of part %s of %s", part, pid)
		}
		return nil
	})
	return cont, err
}

// PutResult stores the result of a part of process pid, unless one is
// stored already.
func (s *Store) PutResult(pid, part string, res []byte) error {
	return s.update(func(tx *bolt.Tx) error { return putResultTx(tx, pid, part, res) })
}

// EndPart removes part kid, which ended, and stores its result for its
// parent pid on this host, in one transaction.
func (s *Store) EndPart(kid, pid, part string, res []byte) error {
	return s.update(func(tx *bolt.Tx) error {
		if err := deleteTx(tx, kid); err != nil {
			return err
		}
		return putResultTx(tx, pid, part, res)
	})
}

func putResultTx(tx *bolt.Tx, pid, part string, res []byte) error {
	b, err := tx.Bucket(bRes).CreateBucketIfNotExists([]byte(pid))
	if err != nil || b.Get([]byte(part)) != nil {
		return err
	}
	return b.Put([]byte(part), res)
}

// Results returns the results stored for process pid's parts, by part ID.
func (s *Store) Results(pid string) (map[string]PartResult, error) {
	out := map[string]PartResult{}
	err := s.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bRes).Bucket([]byte(pid))
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			var r PartResult
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("result %s of %s: %w", k, pid, err)
			}
			out[string(k)] = r
			return nil
		})
	})
	return out, err
}

// PutNew stores a process that arrives: it gives r its PID, and writes
// record, continuation and migration id in one transaction. fresh is
// false (and the PID the one given before) when id was received before.
// With the store syncing, a small one goes to the journal (journal.go).
func (s *Store) PutNew(r *Record, cont []byte, id string) (pid string, fresh bool, err error) {
	if pid, fresh, done, err := s.journalNew(r, cont, id); done {
		return pid, fresh, err
	}
	err = s.update(func(tx *bolt.Tx) error {
		mig := tx.Bucket(bMigr)
		if id != "" {
			if old := mig.Get([]byte(id)); string(old) == cancelled {
				return errCancelled
			} else if old != nil {
				pid = string(old)
				return nil
			}
		}
		meta := tx.Bucket(bMeta)
		n, err := nextPID(meta)
		if err != nil {
			return err
		}
		pid, fresh = "p"+strconv.Itoa(n), true
		if err := meta.Put([]byte("nextpid"), []byte(strconv.Itoa(n+1))); err != nil {
			return err
		}
		r.PID = pid
		b, err := json.Marshal(r)
		if err != nil {
			return err
		}
		return putArrival(tx, pid, id, b, cont)
	})
	return pid, fresh, err
}

// putArrival writes a process that arrived: its record (JSON), its
// continuation and, when it came by migration id, the PID it got.
func putArrival(tx *bolt.Tx, pid, id string, rec, cont []byte) error {
	if err := tx.Bucket(bProcs).Put([]byte(pid), rec); err != nil {
		return err
	}
	if err := tx.Bucket(bConts).Put([]byte(pid), cont); err != nil {
		return err
	}
	if id == "" {
		return nil
	}
	return tx.Bucket(bMigr).Put([]byte(id), []byte(pid))
}

const cancelled = "cancelled"

// journalNew is PutNew by the journal; done is false when the journal
// does not take it (the store not syncing, or it is too large).
func (s *Store) journalNew(r *Record, cont []byte, id string) (pid string, fresh, done bool, err error) {
	s.jmu.Lock()
	defer s.jmu.Unlock()
	if !s.journaling() || id == "" {
		return "", false, false, nil
	}
	if pid, ok := s.j.pendingPID(id); ok {
		return pid, false, true, nil
	}
	var given string
	err = s.read(func(tx *bolt.Tx) (err error) {
		switch old := tx.Bucket(bMigr).Get([]byte(id)); {
		case string(old) == cancelled:
			return errCancelled
		case old != nil:
			given = string(old)
			return nil
		}
		pid, err = s.journaledPID(tx)
		return err
	})
	if err != nil || given != "" {
		return given, false, true, err
	}
	r.PID = pid
	b, err := json.Marshal(r)
	if err != nil {
		return "", false, true, err
	}
	switch ok, err := s.j.write(journalEntry{kind: entryArrival, pid: pid, key: id, rec: b, cont: cont}, true); {
	case err != nil:
		return "", false, true, err
	case !ok:
		return "", false, false, nil
	}
	return pid, true, true, nil
}

// journaling says whether changes go to the journal: it is open and the
// store syncs. s.jmu is held.
func (s *Store) journaling() bool { return s.j != nil && !s.db.NoSync }

// journalWrite writes e to the journal (Put, PutSession); done is false
// when the journal does not take it (the store not syncing, or e too
// large).
func (s *Store) journalWrite(e journalEntry, sync bool) (done bool, err error) {
	s.jmu.Lock()
	defer s.jmu.Unlock()
	if !s.journaling() {
		return false, nil
	}
	ok, err := s.j.write(e, sync)
	return ok || err != nil, err
}

// Migrated says whether migration id was taken in here, and the PID it got.
func (s *Store) Migrated(id string) (pid string, ok bool) {
	s.jmu.Lock()
	if s.j != nil {
		pid, ok = s.j.pendingPID(id)
	}
	s.jmu.Unlock()
	if ok {
		return pid, true
	}
	// (what the journal holds is not needed: no fold on a jump's way)
	s.read(func(tx *bolt.Tx) error {
		if old := tx.Bucket(bMigr).Get([]byte(id)); old != nil && string(old) != cancelled {
			pid, ok = string(old), true
		}
		return nil
	})
	return pid, ok
}

var errCancelled = errors.New("this migration was cancelled by its sender")

// sentKey is the name in the migrations bucket of migration id sent to
// the host to: "> to id" (one received is "from id": Migration.key).
func sentKey(to, id string) []byte { return []byte("> " + to + " " + id) }

// Sent says whether a process was stored here as on its way to the host
// to by migration id: whether that jump is to go on there.
func (s *Store) Sent(to, id string) (ok bool) {
	s.view(func(tx *bolt.Tx) error {
		ok = tx.Bucket(bMigr).Get(sentKey(to, id)) != nil
		return nil
	})
	return ok
}

// DropArrival forgets process pid, which arrived by migration id and
// whose sender kept it: the migration is cancelled, refused from now on.
func (s *Store) DropArrival(pid, id string) error {
	return s.update(func(tx *bolt.Tx) error {
		if err := deleteTx(tx, pid); err != nil {
			return err
		}
		return tx.Bucket(bMigr).Put([]byte(id), []byte(cancelled))
	})
}

// CancelMigration settles migration id: taken if a process came with it,
// else it is marked so that it is refused from now on.
func (s *Store) CancelMigration(id string) (taken bool, err error) {
	err = s.update(func(tx *bolt.Tx) error {
		mig := tx.Bucket(bMigr)
		if old := mig.Get([]byte(id)); old != nil && string(old) != cancelled {
			taken = true
			return nil
		}
		return mig.Put([]byte(id), []byte(cancelled))
	})
	return taken, err
}

// AddMail stores a message for pid and returns it with its number. With
// the store syncing it goes to the journal (journal.go).
func (s *Store) AddMail(pid string, m Message) (Message, error) {
	if m, done, err := s.journalAddMail(pid, m); done {
		return m, err
	}
	err := s.update(func(tx *bolt.Tx) error {
		mb, err := tx.Bucket(bMail).CreateBucketIfNotExists([]byte(pid))
		if err != nil {
			return err
		}
		if m.Seq, err = mb.NextSequence(); err != nil {
			return err
		}
		b, err := json.Marshal(m)
		if err != nil {
			return err
		}
		return putMail(tx, pid, m.Seq, b)
	})
	return m, err
}

// journalAddMail is AddMail by the journal, the message numbered after the
// last one in the bbolt file and the journal; done is false when the
// journal does not take it.
func (s *Store) journalAddMail(pid string, m Message) (_ Message, done bool, err error) {
	s.jmu.Lock()
	defer s.jmu.Unlock()
	if !s.journaling() {
		return m, false, nil
	}
	var last uint64
	err = s.read(func(tx *bolt.Tx) error {
		if mb := tx.Bucket(bMail).Bucket([]byte(pid)); mb != nil {
			last = mb.Sequence()
		}
		return nil
	})
	if err != nil {
		return m, true, err
	}
	m.Seq = max(last, mailSeq(s.j.pending, pid)) + 1
	b, err := json.Marshal(m)
	if err != nil {
		return m, true, err
	}
	ok, err := s.j.write(journalEntry{kind: entryMail, pid: pid, key: strconv.FormatUint(m.Seq, 10), rec: b}, true)
	return m, ok || err != nil, err
}

// putMail writes message number seq (JSON in b) for pid, its mailbox's
// count of numbers given kept past it.
func putMail(tx *bolt.Tx, pid string, seq uint64, b []byte) error {
	mb, err := tx.Bucket(bMail).CreateBucketIfNotExists([]byte(pid))
	if err != nil {
		return err
	}
	if seq > mb.Sequence() {
		if err := mb.SetSequence(seq); err != nil {
			return err
		}
	}
	return mb.Put(binary.BigEndian.AppendUint64(nil, seq), b)
}

// Mail returns pid's messages after number after, in order.
func (s *Store) Mail(pid string, after uint64) ([]Message, error) {
	var ms []Message
	err := s.view(func(tx *bolt.Tx) error {
		mb := tx.Bucket(bMail).Bucket([]byte(pid))
		if mb == nil {
			return nil
		}
		return mb.ForEach(func(k, v []byte) error {
			if binary.BigEndian.Uint64(k) <= after {
				return nil
			}
			var m Message
			if err := json.Unmarshal(v, &m); err != nil {
				return err
			}
			ms = append(ms, m)
			return nil
		})
	})
	return ms, err
}

// Delete removes a process: record, continuation and mail.
func (s *Store) Delete(pid string) error {
	return s.update(func(tx *bolt.Tx) error { return deleteTx(tx, pid) })
}

func deleteTx(tx *bolt.Tx, pid string) error {
	if err := tx.Bucket(bProcs).Delete([]byte(pid)); err != nil {
		return err
	}
	if err := tx.Bucket(bConts).Delete([]byte(pid)); err != nil {
		return err
	}
	if tx.Bucket(bMail).Bucket([]byte(pid)) != nil {
		return tx.Bucket(bMail).DeleteBucket([]byte(pid))
	}
	return nil
}

// ContSizes returns the size of every stored continuation, by PID.
func (s *Store) ContSizes() (map[string]int, error) {
	sizes := map[string]int{}
	err := s.view(func(tx *bolt.Tx) error {
		return tx.Bucket(bConts).ForEach(func(k, v []byte) error {
			sizes[string(k)] = len(v)
			return nil
		})
	})
	return sizes, err
}

// Get returns a record and its continuation (nil if it has none): what
// the journal says last about them, else the bbolt file's (a process
// that waited runs again without a fold on its way).
func (s *Store) Get(pid string) (*Record, []byte, error) {
	s.jmu.Lock()
	defer s.jmu.Unlock()
	var es []journalEntry
	if s.j != nil {
		es = s.j.pending
	}
	return s.getThrough(es, pid)
}

// getThrough is Get with es the journal's entries not in the bbolt file.
func (s *Store) getThrough(es []journalEntry, pid string) (*Record, []byte, error) {
	b, cont, hasCont := latest(es, pid)
	cont = bytes.Clone(cont) // (the caller's to keep)
	if b == nil || !hasCont {
		err := s.read(func(tx *bolt.Tx) error { // (copied: bbolt's bytes last as long as tx)
			if b == nil {
				b = bytes.Clone(tx.Bucket(bProcs).Get([]byte(pid)))
			}
			if !hasCont {
				cont = bytes.Clone(tx.Bucket(bConts).Get([]byte(pid)))
			}
			return nil
		})
		if err != nil {
			return nil, nil, err
		}
	}
	if b == nil {
		return nil, nil, errNoProcess
	}
	r := new(Record)
	if err := json.Unmarshal(b, r); err != nil {
		return nil, nil, fmt.Errorf("record %s: %w", pid, err)
	}
	return r, cont, nil
}

// All returns every record.
func (s *Store) All() ([]*Record, error) {
	var rs []*Record
	err := s.view(func(tx *bolt.Tx) error {
		return tx.Bucket(bProcs).ForEach(func(k, v []byte) error {
			r := new(Record)
			if err := json.Unmarshal(v, r); err != nil {
				return fmt.Errorf("record %s: %w", k, err)
			}
			rs = append(rs, r)
			return nil
		})
	})
	return rs, err
}

var errNoProcess = errors.New("no such process")

// Session returns user's step session (nil: none): what the journal says
// last about it, else the bbolt file's.
func (s *Store) Session(user string) (cont []byte, err error) {
	s.jmu.Lock()
	defer s.jmu.Unlock()
	if s.j != nil {
		if cont, ok := latestSession(s.j.pending, user); ok {
			return bytes.Clone(cont), nil
		}
	}
	err = s.read(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bSess); b != nil {
			cont = bytes.Clone(b.Get([]byte(user)))
		}
		return nil
	})
	if len(cont) == 0 {
		cont = nil
	}
	return cont, err
}

// PutSession keeps user's step session (nil: deletes it). With the store
// syncing, a small one goes to the journal (journal.go).
func (s *Store) PutSession(user string, cont []byte) error {
	if done, err := s.journalWrite(journalEntry{kind: entrySession, key: user, cont: cont}, true); done {
		return err
	}
	return s.update(func(tx *bolt.Tx) error { return putSession(tx, user, cont) })
}

// putSession is PutSession within tx.
func putSession(tx *bolt.Tx, user string, cont []byte) error {
	if cont == nil {
		return tx.Bucket(bSess).Delete([]byte(user))
	}
	return tx.Bucket(bSess).Put([]byte(user), cont)
}

// SessionSizes returns the size of every user's step session.
func (s *Store) SessionSizes() (map[string]int, error) {
	sizes := map[string]int{}
	err := s.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bSess)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error { sizes[string(k)] = len(v); return nil })
	})
	return sizes, err
}
