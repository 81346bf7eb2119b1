// Package testbin builds the mobilua command once per test binary and
// runs it, for the tests that use it as a user does: as an OS process;
// it watches a test binary's heap (WatchHeap).
// Only tests import it; it imports nothing of this module.
package testbin

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"testing"
	"time"
)

var (
	once sync.Once
	bin  string
	out  []byte
	err  error
)

// Mobilua returns the path of cmd/mobilua built from this module, with
// cmd/mobilua-full beside it (which it runs for the host's commands and
// the compiler's), built on the first call of the test binary (Main
// removes them).
func Mobilua(t testing.TB) string {
	t.Helper()
	once.Do(func() {
		dir, e := os.MkdirTemp("", "mobilua-test-")
		if e != nil {
			err = e
			return
		}
		bin = filepath.Join(dir, "mobilua")
		out, err = exec.Command("go", "build", "-o", dir, "github.com/mobilua/mobilua/cmd/mobilua", "github.com/mobilua/mobilua/cmd/mobilua-full").CombinedOutput()
	})
	if err != nil {
		t.Fatalf("building mobilua: %v\n%s", err, out)
	}
	return bin
}

// Main runs the tests, removes the command Mobilua built and exits: a
// package's TestMain.
func Main(m *testing.M) {
	code := m.Run()
	if bin != "" {
		os.RemoveAll(filepath.Dir(bin))
	}
	os.Exit(code)
}

// Run runs prog with args in dir, stdin its standard input (nil: none),
// and returns its standard output, standard error and exit status.
func Run(dir string, stdin io.Reader, prog string, args ...string) (string, string, int) {
	cmd := exec.Command(prog, args...)
	cmd.Dir = dir
	cmd.Stdin = stdin
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	cmd.Run()
	return o.String(), e.String(), cmd.ProcessState.ExitCode()
}

// NeedTool skips a test that needs a program the machine lacks, unless
// MOBILUA_REQUIRE_TOOLS is set (make test sets it): then it fails, so
// that the full test run cannot pass without running it.
func NeedTool(t testing.TB, format string, args ...any) {
	t.Helper()
	if os.Getenv("MOBILUA_REQUIRE_TOOLS") != "" {
		t.Fatalf(format+" (MOBILUA_REQUIRE_TOOLS is set)", args...)
	}
	t.Skipf(format, args...)
}

// WatchHeap makes a runaway test fail with its name instead of taking
// the machine's memory: it checks the test binary's Go heap ten times a
// second and, past limit bytes, panics with every goroutine's stack (the
// test functions among them). A test binary started for a package's
// TestMain calls it; the limit is far above what its tests use.
func WatchHeap(limit uint64) {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	go func() {
		for {
			time.Sleep(100 * time.Millisecond)
			metrics.Read(s)
			if n := s[0].Value.Uint64(); n > limit {
				debug.SetTraceback("all")
				panic(fmt.Sprintf("testbin.WatchHeap: the test binary's heap is %d MB, over its %d MB: a runaway test (its goroutine is below)", n>>20, limit>>20))
			}
		}
	}()
}
