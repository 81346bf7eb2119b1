package runtime

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/numbers.golden")

// TestFormatNumbers pins the numbers that continuations store raw: a
// frame's delivery mode and kind, a thread's status. A stored continuation
// keeps them, so a change here breaks every one of them: the golden file
// changes only by lines added at the end of a list.
func TestFormatNumbers(t *testing.T) {
	var b strings.Builder
	b.WriteString("# Numbers a continuation stores raw (runtime/thread.go); never renumbered.\n")
	for m := Mode(0); m <= maxMode; m++ {
		fmt.Fprintf(&b, "mode %d %s\n", m, m)
	}
	for k := Bound(0); k <= maxBound; k++ {
		fmt.Fprintf(&b, "bound %d %s\n", k, k)
	}
	for i, name := range coStatusNames {
		fmt.Fprintf(&b, "status %d %s\n", i, name)
	}
	const golden = "testdata/numbers.golden"
	if *update {
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (go test ./runtime -run FormatNumbers -update writes it)", err)
	}
	if b.String() != string(want) {
		t.Errorf("the numbers continuations store changed: a stored continuation would thaw wrong\nnow:\n%s\n%s:\n%s", b.String(), golden, want)
	}
}
