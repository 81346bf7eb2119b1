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
	// by identifier: a constant given another number changes its line
	for _, m := range []struct {
		id string
		n  uint8
	}{
		{"modeNormal", uint8(modeNormal)}, {"modeBottom", uint8(modeBottom)}, {"modeCoBottom", uint8(modeCoBottom)},
		{"modeReg", uint8(modeReg)}, {"modeCond", uint8(modeCond)}, {"modeDiscard", uint8(modeDiscard)},
		{"modeConcat", uint8(modeConcat)}, {"modeNested", uint8(modeNested)}, {"modeBoundary", uint8(modeBoundary)},
		{"modeHandler", uint8(modeHandler)}, {"modeCont", uint8(modeCont)}, {"modeHook", uint8(modeHook)}, {"maxMode", uint8(maxMode)},
		{"boundNone", uint8(boundNone)}, {"boundPcall", uint8(boundPcall)}, {"boundXpcall", uint8(boundXpcall)},
		{"boundXpcallHandling", uint8(boundXpcallHandling)}, {"boundCont", uint8(boundCont)},
		{"boundC", uint8(boundC)}, {"maxBound", uint8(maxBound)},
		{"coSuspended", uint8(coSuspended)}, {"coRunning", uint8(coRunning)}, {"coNormal", uint8(coNormal)},
		{"coDead", uint8(coDead)},
	} {
		fmt.Fprintf(&b, "%-20s %2d\n", m.id, m.n)
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
