package continuation

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mobilua/mobilua/runtime"
)

// TestGolden thaws the continuations earlier versions froze
// (testdata/golden, written by scripts/golden-continuations at kinds of
// suspension: inside pcall, a table.sort comparator, a coroutine under a
// coroutine.wrap, an xpcall handler, metamethods delivering to a register,
// a concatenation and a condition, compiled code, and coroutines suspended
// in a call, in threads and frames of the compact form) and finishes them:
// each must print what it printed when it was made. The format is a
// promise: these files are never rewritten, and a change that breaks one
// breaks the stores of running hosts.
func TestGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/golden/*.cont")
	if len(files) < 7 {
		t.Fatalf("%d golden continuations in testdata/golden, want 7 or more", len(files))
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".cont")
		t.Run(name, func(t *testing.T) {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			want, err := os.ReadFile(strings.TrimSuffix(f, ".cont") + ".out")
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			p, err := Thaw(b, options(&out))
			if err != nil {
				t.Fatalf("a continuation of an earlier version does not thaw: %v", err)
			}
			// mb.freeze returns true after a thaw (as in mobilua resume)
			if _, err := p.Resume(runtime.True); err != nil {
				t.Fatal(err)
			}
			if got := finish(t, p, &out); got != string(want) {
				t.Errorf("thawed and finished, it prints\n%s\nit printed when it was made\n%s", got, want)
			}
		})
	}
}
