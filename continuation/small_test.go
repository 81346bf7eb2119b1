package continuation

import (
	"io"
	"testing"
)

func BenchmarkSmall(b *testing.B) {
	p := start(b, `local x = 1 mb.yield() print(x)`, io.Discard)
	c, _ := Freeze(p)
	b.Logf("%d bytes", len(c))
	opts := options(io.Discard)
	b.Run("freeze", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			Freeze(p)
		}
	})
	b.Run("thaw", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			Thaw(c, opts)
		}
	})
	b.Run("newprocess", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			opts.NewProcess(false)
		}
	})
}
