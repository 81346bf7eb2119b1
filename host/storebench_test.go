package host

import (
	"fmt"
	"path/filepath"
	"testing"
)

// BenchmarkStorePut is one synced write of a small process (a record and a
// 1.2 KB continuation): what a jump's sender and receiver each wait for.
func BenchmarkStorePut(b *testing.B) {
	s := openTestStore(b, filepath.Join(b.TempDir(), "s.db"))
	rec := &Record{Owner: "a@b", State: StateRunning}
	cont := make([]byte, 1200)
	pid, _, err := s.PutNew(rec, cont, "m0")
	if err != nil {
		b.Fatal(err)
	}
	rec.PID = pid
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := s.Put(rec, cont, false); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStoreArrival is the receiver's synced write of a small process
// that arrives (PutNew: the journal), then a fold, which takes it into
// the bbolt file (not timed).
func BenchmarkStoreArrival(b *testing.B) {
	s := openTestStore(b, filepath.Join(b.TempDir(), "s.db"))
	cont := make([]byte, 1200)
	for i := 0; i < b.N; i++ {
		rec := &Record{Owner: "a@b", State: StateRunning}
		if _, _, err := s.PutNew(rec, cont, fmt.Sprintf("m%d", i)); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if err := s.fold(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
}

// BenchmarkStoreMail is one synced write of a message for a process
// (what mb.send waits for at the receiving host).
func BenchmarkStoreMail(b *testing.B) {
	s := openTestStore(b, filepath.Join(b.TempDir(), "s.db"))
	pid, err := s.NextPID()
	if err != nil {
		b.Fatal(err)
	}
	text := "a message of some length"
	m := Message{From: "a@b/p1", Owner: "a@b", Value: Plain{S: &text}}
	for b.Loop() {
		if _, err := s.AddMail(pid, m); err != nil {
			b.Fatal(err)
		}
	}
}
