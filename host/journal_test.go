package host

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// crashCopy copies the store at path and its journal as a host killed
// now leaves them (a store holds its file locked: the copy is opened
// instead) and returns the copy's path.
func crashCopy(t *testing.T, path string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "copy.db")
	for _, suffix := range []string{"", "-journal"} {
		b, err := os.ReadFile(path + suffix)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(out+suffix, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

func openTestStore(t testing.TB, path string) *Store {
	t.Helper()
	s, err := OpenStore(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// TestJournal: a process that arrives is in the journal, not yet in the
// bbolt file; a host killed then finds it (and its migration, and the
// PIDs after it) when it opens the store again; the next change takes it
// into the bbolt file, and what the journal held before is not taken in
// again after that.
func TestJournal(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	s := openTestStore(t, path)
	var pids []string
	for i := 0; i < 3; i++ {
		pid, fresh, err := s.PutNew(&Record{Owner: alice, State: StateRunning, Comment: fmt.Sprint(i)}, []byte(fmt.Sprint("cont", i)), fmt.Sprint("from m", i))
		if err != nil || !fresh {
			t.Fatal(pid, fresh, err)
		}
		pids = append(pids, pid)
	}
	if n := len(s.j.pending); n != 3 {
		t.Fatalf("%d arrivals in the journal, want 3", n)
	}
	if pid, fresh, err := s.PutNew(&Record{Owner: alice}, []byte("again"), "from m1"); err != nil || fresh || pid != pids[1] {
		t.Fatalf("an arrival again: %s %v %v, want %s, not fresh", pid, fresh, err, pids[1])
	}
	if pid, ok := s.Migrated("from m2"); !ok || pid != pids[2] {
		t.Fatalf("Migrated: %s %v", pid, ok)
	}
	if len(s.j.pending) != 3 {
		t.Fatal("Migrated folded the journal (it is on a jump's way)")
	}

	// killed now: the copy holds all three
	c := openTestStore(t, crashCopy(t, path))
	for i, pid := range pids {
		r, cont, err := c.Get(pid)
		if err != nil || r.Comment != fmt.Sprint(i) || string(cont) != fmt.Sprint("cont", i) {
			t.Fatalf("%s after a crash: %+v %q %v", pid, r, cont, err)
		}
		if got, ok := c.Migrated(fmt.Sprint("from m", i)); !ok || got != pid {
			t.Fatalf("migration %d after a crash: %s %v", i, got, ok)
		}
	}
	if next, err := c.NextPID(); err != nil || next != "p4" {
		t.Fatalf("next PID after a crash: %s %v", next, err)
	}

	// the next change folds them in; a process deleted after that stays
	// deleted when the store is opened again
	if err := s.Delete(pids[0]); err != nil {
		t.Fatal(err)
	}
	if len(s.j.pending) != 0 {
		t.Fatal("the journal was not folded by a change")
	}
	c = openTestStore(t, crashCopy(t, path))
	if _, _, err := c.Get(pids[0]); err == nil {
		t.Fatalf("%s deleted, and back after a restart: the journal was taken in twice", pids[0])
	}
	if _, _, err := c.Get(pids[1]); err != nil {
		t.Fatal(err)
	}
	// a new arrival goes at the journal's start again, with the next
	// generation, and is found after a crash
	pid, _, err := s.PutNew(&Record{Owner: alice}, []byte("later"), "from m9")
	if err != nil || s.j.end == 0 {
		t.Fatal(pid, err, s.j.end)
	}
	c = openTestStore(t, crashCopy(t, path))
	if _, cont, err := c.Get(pid); err != nil || string(cont) != "later" {
		t.Fatalf("%s: %q %v", pid, cont, err)
	}
	if _, _, err := c.Get(pids[0]); err == nil {
		t.Fatalf("%s back", pids[0])
	}
}

// TestJournalTorn: a write the crash cut short (its sum does not agree)
// ends the journal: the arrivals before it are found, not it nor any
// after it.
func TestJournalTorn(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	s := openTestStore(t, path)
	var ends []int64
	for i := 0; i < 3; i++ {
		if _, _, err := s.PutNew(&Record{Owner: alice}, bytes.Repeat([]byte{byte(i)}, 100), fmt.Sprint("from m", i)); err != nil {
			t.Fatal(err)
		}
		ends = append(ends, s.j.end)
	}
	copyPath := crashCopy(t, path)
	j, err := os.OpenFile(copyPath+"-journal", os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	j.WriteAt([]byte{0xff}, ends[1]-3) // in the second arrival's continuation
	j.Close()
	c := openTestStore(t, copyPath)
	for i, want := range []bool{true, false, false} {
		if _, ok := c.Migrated(fmt.Sprint("from m", i)); ok != want {
			t.Errorf("arrival %d after a torn second one: found %v", i, ok)
		}
	}
}

// TestJournalBounds: an arrival larger than a quarter of the journal goes
// into the bbolt file at once, and one that does not fit in what is left
// too (with those before it); without syncing, none goes to the journal.
func TestJournalBounds(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	s := openTestStore(t, path)
	if _, _, err := s.PutNew(&Record{Owner: alice}, make([]byte, journalSize/4), "from big"); err != nil {
		t.Fatal(err)
	}
	if len(s.j.pending) != 0 {
		t.Fatal("a continuation of a quarter of the journal went to the journal")
	}
	for i := 0; i < 4; i++ {
		if _, _, err := s.PutNew(&Record{Owner: alice}, make([]byte, journalSize/5), fmt.Sprint("from m", i)); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(s.j.pending); n != 4 {
		t.Fatalf("%d in the journal, want 4", n)
	}
	if _, _, err := s.PutNew(&Record{Owner: alice}, make([]byte, journalSize/5), "from m4"); err != nil {
		t.Fatal(err)
	}
	if n := len(s.j.pending); n != 0 {
		t.Fatalf("%d in the journal after one that did not fit, want 0 (folded with it)", n)
	}
	c := openTestStore(t, crashCopy(t, path))
	for i := 0; i < 5; i++ {
		if _, ok := c.Migrated(fmt.Sprint("from m", i)); !ok {
			t.Errorf("arrival %d lost", i)
		}
	}
	s.SetSync(false)
	if _, _, err := s.PutNew(&Record{Owner: alice}, []byte("x"), "from nosync"); err != nil || len(s.j.pending) != 0 {
		t.Fatalf("not syncing, an arrival went to the journal (%v)", err)
	}
}

// TestJournalStoreCommands: mobilua store ls and show, which read the
// bbolt file, see an arrival the journal holds (they fold it in first).
func TestJournalStoreCommands(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	s := openTestStore(t, path)
	pid, _, err := s.PutNew(&Record{Owner: alice, Name: "travel.lua"}, []byte("x"), "from m")
	if err != nil {
		t.Fatal(err)
	}
	copyPath := crashCopy(t, path)
	var out bytes.Buffer
	if err := ListStore(copyPath, &out); err != nil || !strings.Contains(out.String(), "travel.lua") {
		t.Fatalf("store ls: %v\n%s", err, out.String())
	}
	out.Reset()
	ShowProcess(copyPath, pid, &out) // (its continuation is no real one)
	if !strings.Contains(out.String(), pid+" of "+alice) {
		t.Fatalf("store show:\n%s", out.String())
	}
}

// TestJournalSalvage: a store too damaged to open (so its journal cannot
// be folded in) is salvaged with what its journal holds: arrivals, the
// last record and continuation of a process it changed, and messages (one
// that change consumed is not copied to be read again).
func TestJournalSalvage(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	s := openTestStore(t, path)
	old, _, err := s.PutNew(&Record{Owner: alice, Name: "old.lua"}, []byte("old"), "from m0")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Delete("p999"); err != nil {
		t.Fatal(err) // (a change: folds the arrival in)
	}
	for _, from := range []string{"first", "second"} {
		if _, err := s.AddMail(old, Message{From: from}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Put(&Record{PID: old, Owner: alice, Name: "old.lua", Comment: "read", MailSeq: 1}, nil, false); err != nil {
		t.Fatal(err)
	}
	pid, _, err := s.PutNew(&Record{Owner: alice, Name: "new.lua"}, []byte("new"), "from m1")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Put(&Record{PID: pid, Owner: alice, Name: "new.lua", Comment: "later"}, []byte("newer"), false); err != nil {
		t.Fatal(err)
	}
	ended, _, err := s.PutNew(&Record{Owner: alice, Name: "ended.lua"}, []byte("x"), "from m2")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Put(&Record{PID: ended, Owner: alice, Name: "ended.lua", State: StateFinished}, nil, true); err != nil {
		t.Fatal(err)
	}
	given, err := s.NextPID() // (given out, never to be given again)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(s.j.pending); n != 8 {
		t.Fatalf("%d entries in the journal, want 8", n)
	}
	src, err := openBolt(crashCopy(t, path), true)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst := openTestStore(t, filepath.Join(t.TempDir(), "out.db"))
	var out bytes.Buffer
	if err := salvage(src, dst, &out); err != nil || !strings.Contains(out.String(), "salvaged 3 processes of 3") {
		t.Fatalf("%v: %s", err, out.String())
	}
	for _, want := range []struct{ pid, comment, cont string }{{old, "read", "old"}, {pid, "later", "newer"}, {ended, "", ""}} {
		r, cont, err := dst.Get(want.pid)
		if err != nil || r.Comment != want.comment || string(cont) != want.cont {
			t.Errorf("%s salvaged: %+v %q %v, want %q and %q", want.pid, r, cont, err, want.comment, want.cont)
		}
	}
	if mail, err := dst.Mail(old, 0); err != nil || len(mail) != 1 || mail[0].From != "second" {
		t.Errorf("%s's mail salvaged: %v %v, want the second message alone (it read the first)", old, mail, err)
	}
	for i, want := range []string{old, pid, ended} {
		if got, ok := dst.Migrated(fmt.Sprint("from m", i)); !ok || got != want {
			t.Errorf("migration %d salvaged: %s %v", i, got, ok)
		}
	}
	if next, err := dst.NextPID(); err != nil || next != fmt.Sprint("p", pidNumber(given)+1) {
		t.Errorf("next PID after salvage: %s %v", next, err)
	}
}

// TestJournalPut: a process's change (Put) goes to the journal; Get reads
// it through the journal without folding it in, and so does a host
// killed then, which takes it in when it opens the store (with the
// messages it consumed gone); a change that drops the continuation drops
// it there too; PutLater writes one without syncing; the next other
// change folds them in. A record that is no process's (its key no PID)
// goes to the bbolt file.
func TestJournalPut(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	s := openTestStore(t, path)
	pid, err := s.NextPID()
	if err != nil {
		t.Fatal(err)
	}
	rec := &Record{PID: pid, Owner: alice, State: StateRunning}
	check := func(s *Store, what, comment, cont string) {
		t.Helper()
		r, c, err := s.Get(pid)
		if err != nil || r.Comment != comment || string(c) != cont {
			t.Fatalf("%s: %+v %q %v, want %q and %q", what, r, c, err, comment, cont)
		}
	}
	for i, cont := range [][]byte{[]byte("c0"), nil} { // (nil: the continuation stays)
		rec.Comment = fmt.Sprint(i)
		if err := s.Put(rec, cont, false); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(s.j.pending); n != 3 {
		t.Fatalf("%d changes in the journal, want 3 (the PID given, two changes)", n)
	}
	check(s, "read through the journal", "1", "c0")
	if n := len(s.j.pending); n != 3 {
		t.Fatal("Get folded the journal in")
	}
	check(openTestStore(t, crashCopy(t, path)), "after a crash", "1", "c0")

	if err := s.Delete("p999"); err != nil {
		t.Fatal(err)
	}
	if len(s.j.pending) != 0 {
		t.Fatal("a change did not fold the journal in")
	}
	check(s, "folded in", "1", "c0")
	if m, err := s.AddMail(pid, Message{From: alice}); err != nil || m.Seq != 1 {
		t.Fatal(m, err)
	}
	rec.Comment, rec.MailSeq = "read", 1
	if err := s.Put(rec, []byte("c1"), false); err != nil || len(s.j.pending) != 2 {
		t.Fatal(err, len(s.j.pending))
	}
	c := openTestStore(t, crashCopy(t, path))
	check(c, "a checkpoint after a crash", "read", "c1")
	if mail, err := c.Mail(pid, 0); err != nil || len(mail) != 0 {
		t.Fatalf("the message read by the checkpoint, after a crash: %v %v", mail, err)
	}
	rec.Comment, rec.State = "done", StateFinished
	if err := s.Put(rec, nil, true); err != nil {
		t.Fatal(err)
	}
	check(s, "dropped", "done", "")
	check(openTestStore(t, crashCopy(t, path)), "dropped, after a crash", "done", "")

	// PutLater writes without syncing (what a killed host wrote is there)
	syncs := s.j.syncs
	rec.Comment = "later"
	if err := s.PutLater(rec, nil, true); err != nil || len(s.j.pending) != 4 || s.j.syncs != syncs {
		t.Fatalf("PutLater: %v, %d in the journal, %d syncs", err, len(s.j.pending), s.j.syncs-syncs)
	}
	check(s, "put later", "later", "")
	check(openTestStore(t, crashCopy(t, path)), "put later, after a crash", "later", "")
	rec.Comment = "done"
	if err := s.Put(rec, nil, true); err != nil || s.j.syncs != syncs+1 {
		t.Fatalf("Put: %v, %d syncs", err, s.j.syncs-syncs)
	}

	if err := s.Put(&Record{PID: "step", Owner: alice}, nil, false); err != nil || len(s.j.pending) != 0 {
		t.Fatalf("a record keyed by no PID went to the journal, or did not fold it in (%v)", err)
	}
	s.SetSync(false)
	if err := s.Put(rec, []byte("c2"), false); err != nil || len(s.j.pending) != 0 {
		t.Fatalf("not syncing, a change went to the journal, or did not fold it in (%v)", err)
	}
	check(s, "not syncing", "done", "c2")
}

// TestJournalClose: a store closed folds its journal in and wipes its
// mark, so that a store command that only reads need not open it to
// write.
func TestJournalClose(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	s, err := OpenStore(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.PutNew(&Record{Owner: alice}, []byte("x"), "from m"); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path + "-journal")
	if err != nil || len(b) != journalSize || bytes.HasPrefix(b, journalMagic) {
		t.Fatalf("the journal after Close: %d bytes, marked %v (%v)", len(b), bytes.HasPrefix(b, journalMagic), err)
	}
	r, err := openBolt(path, true)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if _, ok := r.Migrated("from m"); !ok {
		t.Fatal("the arrival is not in the bbolt file after Close")
	}
}

// TestJournalMail: a message goes to the journal, numbered after those in
// the bbolt file and in the journal; a host killed then finds them all,
// in order; reading the process or a step session does not fold them in;
// once folded in, the next message by the bbolt file is numbered after
// them.
func TestJournalMail(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	s := openTestStore(t, path)
	pid, err := s.NextPID()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Put(&Record{PID: pid, Owner: alice, State: StateMessage, Comment: "waits"}, []byte("c"), false); err != nil {
		t.Fatal(err)
	}
	add := func(from string, seq uint64) {
		t.Helper()
		if m, err := s.AddMail(pid, Message{From: from}); err != nil || m.Seq != seq {
			t.Fatalf("message %s: %+v %v, want number %d", from, m, err, seq)
		}
	}
	s.SetSync(false)
	add("a", 1) // (by the bbolt file, the record folded in with it)
	s.SetSync(true)
	syncs := s.j.syncs
	add("b", 2)
	add("c", 3)
	if n := len(s.j.pending); n != 2 || s.j.syncs != syncs+2 {
		t.Fatalf("%d messages in the journal (%d syncs), want 2", n, s.j.syncs-syncs)
	}
	if r, _, err := s.Get(pid); err != nil || r.Comment != "waits" {
		t.Fatalf("the process with messages in the journal: %+v %v", r, err)
	}
	if _, err := s.Session(alice); err != nil || len(s.j.pending) != 2 {
		t.Fatalf("a step session read folded the journal in (%v)", err)
	}
	mail := func(s *Store, want string) {
		t.Helper()
		ms, err := s.Mail(pid, 0)
		got := ""
		for i, m := range ms {
			if m.Seq != uint64(i+1) {
				t.Fatalf("message %d numbered %d", i+1, m.Seq)
			}
			got += m.From
		}
		if err != nil || got != want {
			t.Fatalf("mail %q (%v), want %q", got, err, want)
		}
	}
	mail(openTestStore(t, crashCopy(t, path)), "abc")
	if err := s.Delete("p999"); err != nil || len(s.j.pending) != 0 {
		t.Fatal("not folded in", err)
	}
	s.SetSync(false)
	add("d", 4)
	mail(s, "abcd")
}

// TestJournalSession: a user's step session goes to the journal, is read
// through it without folding it in, and found by a host killed then;
// ending it there ends it; folded in, the bbolt file has it.
func TestJournalSession(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	s := openTestStore(t, path)
	session := func(s *Store, what, want string) {
		t.Helper()
		cont, err := s.Session(alice)
		if err != nil || string(cont) != want || (want == "") != (cont == nil) {
			t.Fatalf("%s: %q %v, want %q", what, cont, err, want)
		}
	}
	for _, cont := range []string{"one", "two"} {
		if err := s.PutSession(alice, []byte(cont)); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(s.j.pending); n != 2 {
		t.Fatalf("%d sessions in the journal, want 2", n)
	}
	session(s, "read through the journal", "two")
	if len(s.j.pending) != 2 {
		t.Fatal("Session folded the journal in")
	}
	session(openTestStore(t, crashCopy(t, path)), "after a crash", "two")
	if err := s.PutSession(alice, nil); err != nil {
		t.Fatal(err)
	}
	session(s, "ended", "")
	session(openTestStore(t, crashCopy(t, path)), "ended, after a crash", "")
	if err := s.PutSession(alice, []byte("three")); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete("p999"); err != nil || len(s.j.pending) != 0 {
		t.Fatal("not folded in", err)
	}
	session(s, "folded in", "three")
	if sizes, err := s.SessionSizes(); err != nil || sizes[alice] != 5 {
		t.Fatalf("session sizes %v %v", sizes, err)
	}
}

// TestJournalPID: a PID given out goes to the journal; a host killed
// then never gives it again, nor does the store once it is folded in
// or when it gives PIDs by the bbolt file.
func TestJournalPID(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	s := openTestStore(t, path)
	syncs := s.j.syncs
	var pids []string
	for i := 0; i < 2; i++ {
		pid, err := s.NextPID()
		if err != nil {
			t.Fatal(err)
		}
		pids = append(pids, pid)
	}
	if pids[0] != "p1" || pids[1] != "p2" || len(s.j.pending) != 2 || s.j.syncs != syncs+2 {
		t.Fatalf("PIDs %v, %d in the journal, %d syncs", pids, len(s.j.pending), s.j.syncs-syncs)
	}
	c := openTestStore(t, crashCopy(t, path))
	if next, err := c.NextPID(); err != nil || next != "p3" || !c.Issued("p2") {
		t.Fatalf("after a crash: %s %v, p2 issued %v", next, err, c.Issued("p2"))
	}
	s.SetSync(false)
	if next, err := s.NextPID(); err != nil || next != "p3" || len(s.j.pending) != 0 {
		t.Fatalf("by the bbolt file: %s %v (%d in the journal)", next, err, len(s.j.pending))
	}
}

// TestJournalOfAnotherStore: a journal left beside a store that was
// deleted (the host killed, its file removed to start afresh) is not
// taken into the new store made there.
func TestJournalOfAnotherStore(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	s := openTestStore(t, path)
	pid, err := s.NextPID()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Put(&Record{PID: pid, Owner: alice, State: StateSleeping}, []byte("c"), false); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.PutNew(&Record{Owner: alice}, []byte("x"), "from m"); err != nil {
		t.Fatal(err)
	}
	c := crashCopy(t, path)
	if err := os.Remove(c); err != nil {
		t.Fatal(err)
	}
	n := openTestStore(t, c)
	if rs, err := n.All(); err != nil || len(rs) != 0 {
		t.Fatalf("a new store took in an old journal: %v %v", rs, err)
	}
	if _, ok := n.Migrated("from m"); ok {
		t.Fatal("a new store took in an old journal's arrival")
	}
}

// TestJournalGolden: entries as this version writes them
// (testdata/journal/*.bin, each written once, never rewritten: the journal
// of a host killed before an upgrade is read by the next version) are read
// back, and written the same: an arrival, a change with a continuation,
// a change that drops it, a message, a step session, a PID given out.
func TestJournalGolden(t *testing.T) {
	for _, want := range []journalEntry{
		{kind: entryArrival, pid: "p3", key: "lua1@a.example m1", rec: []byte(`{"pid":"p3","owner":"alice@a.example"}`), cont: []byte("a continuation")},
		{kind: entryPut, pid: "p3", rec: []byte(`{"pid":"p3","owner":"alice@a.example","state":"migrating"}`), cont: []byte("a continuation")},
		{kind: entryPutDrop, pid: "p3", rec: []byte(`{"pid":"p3","owner":"alice@a.example","state":"migrated"}`)},
		{kind: entryMail, pid: "p3", key: "12", rec: []byte(`{"seq":12,"from":"lua1@a.example/p1","value":{"s":"hi"}}`)},
		{kind: entrySession, key: "alice@a.example", cont: []byte("a continuation")},
		{kind: entryPID, pid: "p3"},
	} {
		name := map[byte]string{entryArrival: "entry", entryPut: "put", entryPutDrop: "putdrop", entryMail: "mail", entrySession: "session", entryPID: "pid"}[want.kind]
		golden, err := os.ReadFile("testdata/journal/" + name + "-gen7.bin")
		if err != nil {
			t.Fatal(err)
		}
		e, size, ok := decodeEntry(golden, 7)
		if !ok || size != len(golden) || e.kind != want.kind || e.pid != want.pid || e.key != want.key ||
			string(e.rec) != string(want.rec) || !bytes.Equal(e.cont, want.cont) || (e.cont == nil) != (want.cont == nil) {
			t.Fatalf("the golden %s reads as %+v (%d of %d bytes, %v)", name, e, size, len(golden), ok)
		}
		if _, _, ok := decodeEntry(golden, 8); ok {
			t.Fatalf("%s: an entry of generation 7 read as one of 8", name)
		}
		if b := e.encode(7); !bytes.Equal(b, golden) {
			t.Fatalf("%s written again, it differs:\n% x\n% x", name, b, golden)
		}
	}
}
