package host

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// storeWithProcesses makes a store holding processes of every kind and
// returns its path.
func storeWithProcesses(t *testing.T) string {
	path := filepath.Join(t.TempDir(), "s.db")
	cfg := DefaultConfig()
	cfg.StepsPerSlice = 1000
	h, st := openHost(t, path, &Memory{}, cfg)
	for i := 0; i < 10; i++ {
		h.Command(alice, `new local t = {} for i = 1, 100 do t[i] = ("x"):rep(100) .. i end mb.input("name?") mb.sleep(0.01) while true do mb.receive() end`)
		h.Command(alice, fmt.Sprintf("run p%d", i+1))
	}
	h.Command(bob, "new print(1)")
	h.Command(bob, "send p11 hello")
	waitCount(h, alice, 10, StateInput)
	h.Close()
	st.Close()
	return path
}

// TestDamagedStore: item 15. Bits flipped in the pages of a store (300
// stores) never make the host panic: it starts, or refuses with "store FILE is
// damaged", and the check and the salvage say what they can read.
func TestDamagedStore(t *testing.T) {
	good := storeWithProcesses(t)
	orig, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := CheckStore(good, &out); err != nil || !strings.Contains(out.String(), "is sound: 11 processes") {
		t.Fatalf("check of a sound store: %v %q", err, out.String())
	}
	rng := rand.New(rand.NewSource(1))
	const page = 4096
	// the pages in use: below the high-water mark of the meta pages
	// (after the page header: magic, version, page size, flags, root
	// bucket, freelist, then pgid)
	inUse := max(binary.LittleEndian.Uint64(orig[56:]), binary.LittleEndian.Uint64(orig[page+56:]))
	if inUse < 4 || inUse > uint64(len(orig)/page) {
		t.Fatalf("high-water mark %d", inUse)
	}
	refused := 0
	for trial := 0; trial < 300; trial++ {
		b := append([]byte(nil), orig...)
		for i := 0; i < 2; i++ { // two bits in page headers (id, flags, count, overflow)
			pg := rng.Intn(int(inUse))
			bit := rng.Intn(16 * 8)
			b[pg*page+bit/8] ^= 1 << (bit % 8)
		}
		path := filepath.Join(t.TempDir(), "damaged.db")
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		out.Reset()
		checkErr := CheckStore(path, &out)
		if checkErr != nil && !errors.Is(checkErr, ErrDamaged) {
			t.Errorf("trial %d: check: %v", trial, checkErr)
		}
		st, err := OpenStore(path)
		if err == nil {
			var h *Host
			if h, err = New(DefaultConfig(), st, &Memory{}); err == nil {
				h.Command(alice, "ps")
				h.Command(alice, "step print(1)")
				h.Close()
			}
			st.Close()
		}
		if err != nil {
			refused++
			if !strings.HasPrefix(err.Error(), "store "+path+" is damaged: ") {
				t.Errorf("trial %d: %v", trial, err)
			}
			// what can be read is saved (from a copy: bbolt may keep its
			// lock on a file whose opening panicked)
			out.Reset()
			again := filepath.Join(t.TempDir(), "again.db")
			os.WriteFile(again, b, 0o600)
			if serr := Salvage(again, filepath.Join(t.TempDir(), "saved.db"), &out); serr != nil && !errors.Is(serr, ErrDamaged) {
				t.Errorf("trial %d: salvage: %v", trial, serr)
			}
		}
	}
	t.Logf("%d of 300 damaged stores refused, none panicked", refused)
}

// TestSalvage: a salvaged store holds the processes, their mail, and
// gives no PID out twice.
func TestSalvage(t *testing.T) {
	path := storeWithProcesses(t)
	// two migrations: one taken in, one cancelled
	st, err := OpenStore(path)
	if err != nil {
		t.Fatal(err)
	}
	st.CancelMigration("m-cancelled")
	st.update(func(tx *bolt.Tx) error { return tx.Bucket(bMigr).Put([]byte("m-taken"), []byte("p3")) })
	st.Close()
	saved := filepath.Join(t.TempDir(), "saved.db")
	var out bytes.Buffer
	if err := Salvage(path, saved, &out); err != nil || !strings.Contains(out.String(), "salvaged 11 processes of 11") {
		t.Fatalf("%v %q", err, out.String())
	}
	if st, err = OpenStore(saved); err != nil {
		t.Fatal(err)
	}
	_, taken := st.Migrated("m-taken")
	_, cancelled := st.Migrated("m-cancelled")
	_, other := st.Migrated("m-other")
	if !taken || cancelled || other {
		t.Errorf("the migrations were not kept")
	}
	if _, _, err := st.PutNew(&Record{Owner: alice}, []byte("x"), "m-cancelled"); err == nil {
		t.Errorf("a cancelled migration was taken in after the salvage")
	}
	st.Close()
	tr := &Memory{}
	h := hostWith(t, saved, tr, DefaultConfig())
	if got := ask(t, h, tr, alice, "ps"); strings.Count(got, "waiting for input") != 10 {
		t.Errorf("ps: %q", got)
	}
	if got := ask(t, h, tr, bob, "new print(2)"); got != "p12" {
		t.Errorf("a new PID: %q", got)
	}
	ask(t, h, tr, bob, "run p11")
	_ = tr.WaitFor(bob, "p11 finished", 10*time.Second)
}

// TestStoreInUse: a second host on a store in use is refused at once,
// with a message that says so.
func TestStoreInUse(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	st, err := OpenStore(path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	start := time.Now()
	_, err = OpenStore(path)
	if err == nil || err.Error() != "store "+path+" is in use by another host (or mobilua store command)" {
		t.Errorf("second open: %v", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("refused after %s", d)
	} // checking it too
	if err := CheckStore(path, io.Discard); err == nil || !strings.Contains(err.Error(), "is in use by another host") {
		t.Errorf("check of a store in use: %v", err)
	}
}

// TestStoreTools: an operator lists a store no host holds, looks at a
// process (its record, source, and where its continuation waits) and
// removes one; a store a host holds is refused at once.
func TestStoreTools(t *testing.T) {
	path := filepath.Join(t.TempDir(), "h.db")
	h, st := openHost(t, path, &Memory{}, DefaultConfig())
	pid, _ := h.New(alice, "ask.lua", "local n = mb.input('name?')\nprint(n)")
	h.Run(alice, pid)
	other, _ := h.New(bob, "", "print(1)")
	deadline := time.Now().Add(10 * time.Second)
	for v, _ := h.Process(alice, pid); v.State != StateInput; v, _ = h.Process(alice, pid) {
		if time.Now().After(deadline) {
			t.Fatal(v.State)
		}
		time.Sleep(10 * time.Millisecond)
	}
	var b strings.Builder
	if err := ListStore(path, &b); err == nil || !strings.Contains(err.Error(), "in use") {
		t.Errorf("a store a host holds: %v", err)
	}
	h.Close()
	st.Close()
	b.Reset()
	if err := ListStore(path, &b); err != nil || !strings.Contains(b.String(), pid+" ") || !strings.Contains(b.String(), "waiting for input") || !strings.Contains(b.String(), "2 processes") {
		t.Errorf("ls: %v\n%s", err, b.String())
	}
	b.Reset()
	if err := ShowProcess(path, pid, &b); err != nil || !strings.Contains(b.String(), "ask.lua:1 in main chunk") || !strings.Contains(b.String(), "in mb.input") {
		t.Errorf("show: %v\n%s", err, b.String())
	}
	if err := RemoveFromStore(path, other); err != nil {
		t.Fatal(err)
	}
	if err := ShowProcess(path, other, &b); err == nil || !strings.Contains(err.Error(), "no such process") {
		t.Errorf("show after rm: %v", err)
	}
}

// TestTrustedPageCounts: OpenStore refuses, with ErrDamaged and at once,
// a store whose freelist page, or root page, says it spans 2^31 pages,
// or whose freelist says it holds 2^40 ids, and the stores the host writes
// pass checkPages. bbolt frees the
// freelist's span at the first commit, a page at a time, until it meets a
// page already free (its panic, here); where it met none, that was a loop
// of billions that held a host starting on the store and filled its
// memory (TestDamagedStore, in a CI run).
func TestTrustedPageCounts(t *testing.T) {
	good := storeWithProcesses(t)
	orig, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(good)
	if err != nil {
		t.Fatal(err)
	}
	m, err := currentMeta(f)
	if err == nil {
		err = checkPages(f)
	}
	f.Close()
	if err != nil {
		t.Fatalf("a sound store: %v", err)
	}
	at := func(pg uint64) int64 { return int64(pg) * int64(m.pageSize) }
	le := binary.LittleEndian
	for _, c := range []struct {
		what, want string
		damage     func(b []byte)
	}{
		{"the freelist page spanning 2^31 pages", "overflow pages pass the high-water mark", func(b []byte) { le.PutUint32(b[at(m.freelist)+12:], 1<<31) }},
		{"the root page spanning 2^31 pages", "overflow pages pass the high-water mark", func(b []byte) { le.PutUint32(b[at(m.root)+12:], 1<<31) }},
		{"the freelist page holding 2^40 ids", "ids do not fit", func(b []byte) {
			le.PutUint16(b[at(m.freelist)+10:], 0xffff) // the count is the first id's place
			le.PutUint64(b[at(m.freelist)+16:], 1<<40)
		}},
	} {
		b := append([]byte(nil), orig...)
		c.damage(b)
		path := filepath.Join(t.TempDir(), "damaged.db")
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() {
			st, err := OpenStore(path)
			if err == nil {
				st.Close()
			}
			done <- err
		}()
		select {
		case err := <-done:
			if !errors.Is(err, ErrDamaged) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%s: %v", c.what, err)
			}
		case <-time.After(20 * time.Second):
			t.Fatalf("%s: OpenStore did not return", c.what)
		}
	}
}
