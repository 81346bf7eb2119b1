package runtime

import (
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

// TestRunInlines: the interpreter's loop stays small enough for Go to
// inline the calls of its hot paths. Past about 5000 nodes Go calls a
// function big and inlines nothing of cost above 20 into it: a few lines
// more once made fields, slots and upvalue closing calls (fib 3.5% more
// instructions, richards 10%). Cold code goes to helpers (forPrep,
// lenMeta), and a comparison's jump to jumpAfter.
func TestRunInlines(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles the package")
	}
	out, err := exec.Command("go", "build", "-gcflags=-m=2", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build -gcflags=-m=2: %v\n%s", err, out)
	}
	if strings.Contains(string(out), "(*Process).run considered 'big'") {
		t.Fatal("Go considers run big: it inlines nothing of cost above 20 into it")
	}
	for _, callee := range []string{"(*Table).FieldHit", "(*Table).SetHit", "(*Table).GetArrayHit",
		"(*Table).SetArrayHit", "(*Thread).closeUpvals", "jumpAfter", "sameString"} {
		if !regexp.MustCompile(`vm\.go:\d+:\d+: inlining call to ` + regexp.QuoteMeta(callee) + `\n`).Match(out) {
			t.Errorf("run does not inline %s", callee)
		}
	}
}
