package host

import (
	"fmt"
	"path/filepath"
	"testing"
)

// BenchmarkReceive: a host taking in a small process that jumped to it
// (the receiver's part of a small jump: thaw and store), held until its
// sender confirms (ReceiveHeld) or not; the store syncing or not.
func BenchmarkReceive(b *testing.B) {
	cont := crafted(b, `local t = {1, 2, 3} assert(mb.jump("x")) print(t[3])`)
	for _, held := range []bool{false, true} {
		for _, sync := range []bool{false, true} {
			b.Run(fmt.Sprintf("held=%v/sync=%v", held, sync), func(b *testing.B) {
				cfg := DefaultConfig()
				cfg.Name, cfg.NoSync, cfg.MaxProcs, cfg.MaxProcsPerOwner = "b", !sync, 0, 0
				h := hostWith(b, filepath.Join(b.TempDir(), "s.db"), &Memory{}, cfg)
				receive := h.Receive
				if held {
					receive = h.ReceiveHeld
				}
				b.ReportAllocs()
				for i := 0; b.Loop(); i++ {
					m := Migration{From: "a", ID: fmt.Sprint("m", i)}
					if err := receive(m, Record{PID: "p1", Owner: alice, Source: "-"}, cont, nil, nil); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
