package host

import (
	"path/filepath"
	"testing"
)

// BenchmarkStorePut is one synced write of a small process (a record and a
// 1.2 KB continuation): what a jump's sender and receiver each wait for.
func BenchmarkStorePut(b *testing.B) {
	s, err := OpenStore(filepath.Join(b.TempDir(), "s.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
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
