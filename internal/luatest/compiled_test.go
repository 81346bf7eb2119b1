package luatest

import (
	"crypto/sha256"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mobilua/mobilua/ir"
	"github.com/mobilua/mobilua/transpile"
	"github.com/mobilua/mobilua/transpile/gogen"
)

// TestCompiled runs the whole corpus on compiled code: it generates the
// compiled code of every chunk into testdata/compiledrun/corpus, builds
// testdata/compiledrun once, and runs it (see its doc: expectations, equal
// output to the interpreter's — which the differential test holds equal to
// lua5.1's —, budget slices, and freezing at every stop with thaws into
// either engine by turns).
func TestCompiled(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a program")
	}
	dir := filepath.Join("testdata", "compiledrun", "corpus")
	os.RemoveAll(dir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for i, c := range corpus(t) {
		src := []byte(c.Source)
		p, err := transpile.Compile(src, "@"+c.File, transpile.Options{File: true})
		if err != nil {
			continue // a chunk that is a syntax error has no code
		}
		// every other chunk in small parts, so that jumps between parts
		// run (and freezing inside them) as well as whole functions
		part := 0
		if i%2 == 0 {
			part = 6
		}
		b, err := gogen.Generate("corpus", gogen.Chunk{Name: "@" + c.File, SourceHash: sha256.Sum256(src),
			Fingerprint: ir.Fingerprint(p), Main: p, Prefix: fmt.Sprintf("_c%d", i), MinRun: 1, PartSize: part})
		if err != nil {
			t.Fatal(err)
		}
		name := fmt.Sprintf("%s_%d.go", strings.TrimSuffix(c.File, ".lua"), c.Line)
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	bin := filepath.Join(t.TempDir(), "compiledrun")
	build := exec.Command("go", "build", "-o", bin, "./internal/luatest/testdata/compiledrun")
	build.Dir = "../.."
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the compiled corpus: %v\n%s", err, out)
	}
	run := exec.Command(bin, "-corpus", "testdata/lua")
	run.Dir = "../.."
	out, err := run.CombinedOutput()
	if err != nil || !strings.HasPrefix(string(out), "ok ") {
		t.Errorf("compiled corpus: %v\n%s", err, out)
	}
	t.Logf("%s", out)
}
