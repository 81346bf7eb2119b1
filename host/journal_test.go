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

func openTestStore(t *testing.T, path string) *Store {
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
// be folded in) is salvaged with the arrivals its journal holds.
func TestJournalSalvage(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	s := openTestStore(t, path)
	if _, _, err := s.PutNew(&Record{Owner: alice, Name: "old.lua"}, []byte("old"), "from m0"); err != nil {
		t.Fatal(err)
	}
	if err := s.Put(&Record{PID: "p1", Owner: alice, Name: "old.lua"}, nil, false); err != nil {
		t.Fatal(err) // (folds p1 in)
	}
	pid, _, err := s.PutNew(&Record{Owner: alice, Name: "new.lua"}, []byte("new"), "from m1")
	if err != nil {
		t.Fatal(err)
	}
	src, err := openBolt(crashCopy(t, path), true)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst := openTestStore(t, filepath.Join(t.TempDir(), "out.db"))
	migrations, next := map[string]string{}, 1
	var out bytes.Buffer
	if saved, all := salvageJournal(src, dst, migrations, &next, &out); saved != 1 || all != 1 {
		t.Fatalf("salvaged %d of %d from the journal, want 1 of 1: %s", saved, all, out.String())
	}
	if r, cont, err := dst.Get(pid); err != nil || r.Name != "new.lua" || string(cont) != "new" {
		t.Fatalf("%s salvaged: %+v %q %v", pid, r, cont, err)
	}
	if migrations["from m1"] != pid || next != 3 {
		t.Fatalf("migrations %v, next %d", migrations, next)
	}
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

// TestJournalGolden: an entry as this version writes it
// (testdata/journal/entry-gen7.bin, written once, never rewritten: the
// journal of a host killed before an upgrade is read by the next version)
// is read back, and written the same.
func TestJournalGolden(t *testing.T) {
	golden, err := os.ReadFile("testdata/journal/entry-gen7.bin")
	if err != nil {
		t.Fatal(err)
	}
	e, size, ok := decodeEntry(golden, 7)
	if !ok || size != len(golden) || e.pid != "p3" || e.key != "lua1@a.example m1" ||
		string(e.rec) != `{"pid":"p3","owner":"alice@a.example"}` || string(e.cont) != "a continuation" {
		t.Fatalf("the golden entry reads as %+v (%d of %d bytes, %v)", e, size, len(golden), ok)
	}
	if _, _, ok := decodeEntry(golden, 8); ok {
		t.Fatal("an entry of generation 7 read as one of 8")
	}
	if b := e.encode(7); !bytes.Equal(b, golden) {
		t.Fatalf("written again, it differs:\n% x\n% x", b, golden)
	}
}
