package host

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"strconv"

	bolt "go.etcd.io/bbolt"
)

// This file is the store's journal: a process that jumps here, a change
// of a process's record and continuation (Put: a checkpoint, a jump's
// sender storing it as on its way and then as gone), a message for a
// process (AddMail), a user's step session (PutSession), and a PID given
// out (NextPID), is on the disk after one write and one fdatasync of a
// file kept allocated, where a bbolt commit writes a page for each bucket
// it touches, the freelist and the meta page, with two fdatasyncs (the
// receiver's store was the longest step of a small jump: ~800 µs of
// ~1,450 on a loopback Prosody; the sender's, overlapped with it, held up
// the receiver's on the same disk). Its entries go into the bbolt file,
// in the same transaction and in their order, with the next other change
// (every update folds them in first, and so does a read that finds some,
// but Get and Session, which read through them, and Migrated, which looks
// at the arrivals), and when the store is opened.
//
// The file (the store's path + "-journal") is journalSize bytes of
// entries from its start, each:
//
//	"MBJ" | kind (1 byte) | CRC-32C of the rest (4 bytes) | generation (8) |
//	length of the body (4) | body: the PID, the key and the record
//	(JSON), each as a 4-byte length and its bytes, then the continuation
//
// (integers big endian; the kinds below; the key is an arrival's
// migration, a message's number in decimal, a session's user, else empty;
// a message's "record" is the message; a session has no PID and no
// record). The entries that count are those from the start that
// carry the store's generation (meta "journalgen") and whose sums agree;
// a fold writes generation+1 in the transaction that takes them in, and
// the next entry goes at the start again: the file is never truncated or
// grown, so its fdatasync writes no metadata.

// journalSize is the journal file's size; an entry larger than a quarter
// of it goes straight into bbolt.
const journalSize = 4 << 20

const journalHeader = 4 + 4 + 8 + 4

// journalMagic begins every entry; the kind of entry follows.
var journalMagic = []byte("MBJ")

// The kinds of entry. The journal of a host killed before an upgrade is
// read by the next version: the values are fixed
// (testdata/journal/*.bin pins them).
const (
	// entryArrival: PutNew, a process that arrived by a migration (its
	// key), with the PID given it here, record and continuation.
	entryArrival byte = '1'
	// entryPut: Put, a process's record and, when the body has one, its
	// continuation (without one, the stored continuation stays).
	entryPut byte = 'P'
	// entryPutDrop: Put with dropCont, the record and no continuation
	// any more.
	entryPutDrop byte = 'D'
	// entryMail: AddMail, a message for the process (Message, JSON)
	// with its number (the key).
	entryMail byte = 'M'
	// entrySession: PutSession, the step session of a user (the key):
	// its continuation, or none when it ends.
	entrySession byte = 'S'
	// entryPID: NextPID, a PID given out (nothing else: the next one is
	// past it).
	entryPID byte = 'N'
)

// ofProcess says whether entries of kind k are of a process (its PID).
func ofProcess(k byte) bool { return k != entrySession }

// hasRecord says whether entries of kind k hold a process's record.
func hasRecord(k byte) bool { return k == entryArrival || k == entryPut || k == entryPutDrop }

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// journal is the open journal and the entries in it not yet folded into
// the bbolt file.
type journal struct {
	f       *os.File
	gen     uint64 // the generation its entries carry now
	end     int64  // where the next entry goes
	syncs   int    // fdatasyncs of entries (tests count them)
	pending []journalEntry
}

// journalEntry is a change written to the journal, of one of the kinds
// above.
type journalEntry struct {
	kind     byte
	pid, key string
	rec      []byte // JSON
	cont     []byte
}

// encode is e as the journal keeps it, with generation gen.
func (e *journalEntry) encode(gen uint64) []byte {
	n := 3*4 + len(e.pid) + len(e.key) + len(e.rec) + len(e.cont)
	b := make([]byte, journalHeader, journalHeader+n)
	copy(b, journalMagic)
	b[3] = e.kind
	binary.BigEndian.PutUint64(b[8:], gen)
	binary.BigEndian.PutUint32(b[16:], uint32(n))
	for _, part := range [][]byte{[]byte(e.pid), []byte(e.key), e.rec} {
		b = binary.BigEndian.AppendUint32(b, uint32(len(part)))
		b = append(b, part...)
	}
	b = append(b, e.cont...)
	binary.BigEndian.PutUint32(b[4:], crc32.Checksum(b[8:], castagnoli))
	return b
}

// marked says whether b begins with an entry's mark (of some
// generation).
func marked(b []byte) bool {
	if len(b) < 4 || string(b[:3]) != string(journalMagic) {
		return false
	}
	switch b[3] {
	case entryArrival, entryPut, entryPutDrop, entryMail, entrySession, entryPID:
		return true
	}
	return false
}

// decodeEntry reads the entry at the start of b, of generation gen: its
// size, or ok false where the entries end (another generation, a torn or
// foreign write).
func decodeEntry(b []byte, gen uint64) (e journalEntry, size int, ok bool) {
	if len(b) < journalHeader || !marked(b) || binary.BigEndian.Uint64(b[8:]) != gen {
		return e, 0, false
	}
	n := int(binary.BigEndian.Uint32(b[16:]))
	if n > len(b)-journalHeader || crc32.Checksum(b[8:journalHeader+n], castagnoli) != binary.BigEndian.Uint32(b[4:]) {
		return e, 0, false
	}
	body := b[journalHeader : journalHeader+n]
	var parts [3][]byte
	for i := range parts {
		if len(body) < 4 || int(binary.BigEndian.Uint32(body)) > len(body)-4 {
			return e, 0, false
		}
		l := int(binary.BigEndian.Uint32(body))
		parts[i], body = body[4:4+l], body[4+l:]
	}
	if b[3] != entryArrival && len(body) == 0 {
		body = nil // (a Put keeping the continuation, a session ended)
	}
	return journalEntry{kind: b[3], pid: string(parts[0]), key: string(parts[1]), rec: parts[2], cont: body}, journalHeader + n, true
}

// openJournal opens the journal beside the store at path (made, and
// allocated, if it is not there) and reads the entries of generation gen
// into pending.
func openJournal(path string, gen uint64) (*journal, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	j := &journal{f: f, gen: gen}
	if err := j.read(); err != nil {
		f.Close()
		return nil, fmt.Errorf("journal %s: %w", path, err)
	}
	return j, nil
}

// read takes in the file's entries of the journal's generation, and
// fills the file to journalSize with zeros first if it is shorter.
func (j *journal) read() error {
	st, err := j.f.Stat()
	if err != nil {
		return err
	}
	if st.Size() < journalSize {
		// written once, so that no later write allocates
		if _, err := j.f.WriteAt(make([]byte, journalSize-st.Size()), st.Size()); err != nil {
			return err
		}
		if err := j.f.Sync(); err != nil {
			return err
		}
	}
	j.pending, err = journalEntries(j.f, j.gen)
	return err
}

// journalEntries reads the entries of generation gen from a journal.
func journalEntries(f io.ReaderAt, gen uint64) ([]journalEntry, error) {
	b := make([]byte, journalSize)
	n, err := f.ReadAt(b, 0)
	if err != nil && err != io.EOF {
		return nil, err
	}
	var es []journalEntry
	for at := 0; ; {
		e, size, ok := decodeEntry(b[at:n], gen)
		if !ok {
			return es, nil
		}
		es = append(es, e)
		at += size
	}
}

// write puts e in the journal, on the disk when it returns nil (with
// sync; else with the next entry synced, or the next fold); ok is false
// when it does not fit (larger than a quarter of the journal, or than the
// room left: the next fold makes room), or when it is of a process and
// its key is no PID (a fold would fail on it for good: the caller writes
// it to the bbolt file, which says what is wrong with it).
func (j *journal) write(e journalEntry, sync bool) (ok bool, err error) {
	if ofProcess(e.kind) && pidNumber(e.pid) == 0 {
		return false, nil
	}
	b := e.encode(j.gen)
	if len(b) > journalSize/4 || j.end+int64(len(b)) > journalSize {
		return false, nil
	}
	if _, err := j.f.WriteAt(b, j.end); err != nil {
		return false, err
	}
	if sync {
		if err := fdatasync(j.f); err != nil {
			return false, err
		}
		j.syncs++
	}
	j.end += int64(len(b))
	kept, _, _ := decodeEntry(b, j.gen) // (what the caller gave may change)
	j.pending = append(j.pending, kept)
	return true, nil
}

// pastPIDs is the number the next PID gets, next in the bbolt file, past
// every PID of the entries es.
func pastPIDs(es []journalEntry, next int) int {
	for _, e := range es {
		if ofProcess(e.kind) {
			next = max(next, pidNumber(e.pid)+1)
		}
	}
	return next
}

// pendingPID is the PID a pending arrival gave migration key, if one
// did.
func (j *journal) pendingPID(key string) (string, bool) {
	for _, e := range j.pending {
		if e.kind == entryArrival && e.key == key {
			return e.pid, true
		}
	}
	return "", false
}

// latest is what the entries es say last about process pid: its record
// (JSON; nil if none is of it), and its continuation when one of them
// says what it is (hasCont; nil then for one dropped), else it is the
// one stored before them.
func latest(es []journalEntry, pid string) (rec, cont []byte, hasCont bool) {
	for i := len(es) - 1; i >= 0 && !hasCont; i-- {
		e := &es[i]
		if e.pid != pid || !hasRecord(e.kind) {
			continue
		}
		if rec == nil {
			rec = e.rec
		}
		switch {
		case e.kind == entryPutDrop:
			hasCont = true
		case e.cont != nil:
			cont, hasCont = e.cont, true
		}
	}
	return rec, cont, hasCont
}

// fold writes the pending entries into tx with the next generation; once
// tx is committed, folded starts the journal again.
func (j *journal) fold(tx *bolt.Tx) error {
	meta := tx.Bucket(bMeta)
	next, err := nextPID(meta)
	if err != nil {
		return err
	}
	for _, e := range j.pending {
		if ofProcess(e.kind) && pidNumber(e.pid) == 0 {
			return fmt.Errorf("journal: bad pid %q", e.pid)
		}
		if err := e.apply(tx); err != nil {
			return err
		}
	}
	if err := meta.Put([]byte("nextpid"), []byte(strconv.Itoa(pastPIDs(j.pending, next)))); err != nil {
		return err
	}
	return meta.Put([]byte("journalgen"), []byte(strconv.FormatUint(j.gen+1, 10)))
}

// mailSeq is the number of the last message for pid among the entries
// es (0: none).
func mailSeq(es []journalEntry, pid string) uint64 {
	for i := len(es) - 1; i >= 0; i-- {
		if e := &es[i]; e.kind == entryMail && e.pid == pid {
			n, _ := strconv.ParseUint(e.key, 10, 64)
			return n
		}
	}
	return 0
}

// journalMail is the messages for pid numbered after after among the
// entries es, in order.
func journalMail(es []journalEntry, pid string, after uint64) ([]Message, error) {
	var ms []Message
	for i := range es {
		if e := &es[i]; e.kind == entryMail && e.pid == pid {
			var m Message
			if err := json.Unmarshal(e.rec, &m); err != nil {
				return nil, fmt.Errorf("journal: a message for %s: %v", pid, err)
			}
			if m.Seq > after {
				ms = append(ms, m)
			}
		}
	}
	return ms, nil
}

// latestSession is what the entries es say last about user's step
// session: its continuation (nil: it ended), if one of them does (ok).
func latestSession(es []journalEntry, user string) (cont []byte, ok bool) {
	for i := len(es) - 1; i >= 0; i-- {
		if e := &es[i]; e.kind == entrySession && e.key == user {
			return e.cont, true
		}
	}
	return nil, false
}

// apply writes e into tx.
func (e *journalEntry) apply(tx *bolt.Tx) error {
	switch e.kind {
	case entrySession:
		return putSession(tx, e.key, e.cont)
	case entryPID:
		return nil // (fold keeps nextpid past it)
	case entryArrival:
		return putArrival(tx, e.pid, e.key, e.rec, e.cont)
	case entryMail:
		seq, err := strconv.ParseUint(e.key, 10, 64)
		if err != nil || seq == 0 {
			return fmt.Errorf("journal: a message for %s numbered %q", e.pid, e.key)
		}
		return putMail(tx, e.pid, seq, e.rec)
	}
	var r Record
	if err := json.Unmarshal(e.rec, &r); err != nil || r.PID != e.pid {
		return fmt.Errorf("journal: the record of %s: %v", e.pid, err)
	}
	return putRecord(tx, &r, e.rec, e.cont, e.kind == entryPutDrop)
}

// folded starts the journal again after a fold's commit. The first
// entry's mark is wiped (not synced: its generation is past in any case)
// so that a look at the file tells whether it holds any (foldJournal).
func (j *journal) folded() {
	j.gen++
	j.end = 0
	j.pending = nil
	j.f.WriteAt(make([]byte, len(journalMagic)), 0)
}

// foldJournal folds the journal of the store at path into it if it may
// hold entries: a store command reads the bbolt file alone.
func foldJournal(path string) error {
	b := make([]byte, len(journalMagic)+1)
	f, err := os.Open(path + "-journal")
	if err != nil {
		return nil // none
	}
	_, err = io.ReadFull(f, b)
	f.Close()
	if err != nil || !marked(b) {
		return nil
	}
	s, err := OpenStore(path)
	if err != nil {
		return err
	}
	return s.Close()
}

// journalGen is the generation of the journal's entries that count.
func journalGen(meta *bolt.Bucket) (uint64, error) {
	v := meta.Get([]byte("journalgen"))
	if v == nil {
		return 0, nil
	}
	gen, err := strconv.ParseUint(string(v), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("bad journal generation %q", v)
	}
	return gen, nil
}

// nextPID is the number the next PID gets.
func nextPID(meta *bolt.Bucket) (int, error) {
	v := meta.Get([]byte("nextpid"))
	if v == nil {
		return 1, nil
	}
	n, err := strconv.Atoi(string(v))
	if err != nil {
		return 0, fmt.Errorf("bad next pid %q", v)
	}
	return n, nil
}
