package luatest

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/mobilua/mobilua/internal/testbin"
)

func corpus(t *testing.T) []Chunk {
	t.Helper()
	files, err := filepath.Glob("../../testdata/lua/*.lua")
	if err != nil || len(files) == 0 {
		t.Fatalf("no corpus files: %v", err)
	}
	var all []Chunk
	for _, f := range files {
		cs, err := LoadCorpusFile(f)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, cs...)
	}
	return all
}

func chunkName(c Chunk) string { return fmt.Sprintf("%s:%d", c.File, c.Line) }

// TestCorpus runs every chunk on the interpreter and checks its inline
// expectations.
func TestCorpus(t *testing.T) {
	for _, c := range corpus(t) {
		t.Run(chunkName(c), func(t *testing.T) {
			if err := Check(c, Run(c.File, c.Source, 0, false)); err != nil {
				t.Error(err)
			}
		})
	}
}

// TestCorpusSliced runs every chunk in slices of 1, 7 and 1000 steps: the
// output and error must be those of an uninterrupted run.
func TestCorpusSliced(t *testing.T) {
	for _, c := range corpus(t) {
		whole := Run(c.File, c.Source, 0, false)
		for _, n := range []int64{1, 7, 1000} {
			t.Run(fmt.Sprintf("%s/%d", chunkName(c), n), func(t *testing.T) {
				r := Run(c.File, c.Source, n, false)
				if normalize(r.Stdout) != normalize(whole.Stdout) {
					t.Errorf("output differs from an uninterrupted run:\n got: %q\nwant: %q", r.Stdout, whole.Stdout)
				}
				if errString(r.Err) != errString(whole.Err) {
					t.Errorf("error differs: got %q, want %q", errString(r.Err), errString(whole.Err))
				}
			})
		}
	}
}

// TestCorpusFrozen is the freeze-anywhere test: every chunk runs in slices
// of 1, 7, 100 and 1000 steps, and at every stop the process is frozen to
// bytes, thawed into a fresh process and continued there. The output and
// error must be those of an uninterrupted run, and the thawed process must
// freeze to the same bytes again (the format is deterministic and loses
// nothing).
func TestCorpusFrozen(t *testing.T) {
	budgets := []int64{0, 1, 7, 100, 1000} // 0: only where a chunk calls mb.yield
	if testing.Short() {
		budgets = []int64{0, 7, 1000}
	}
	for _, c := range corpus(t) {
		whole := Run(c.File, c.Source, 0, false)
		for _, n := range budgets {
			t.Run(fmt.Sprintf("%s/%d", chunkName(c), n), func(t *testing.T) {
				stops, fails := 0, 0
				r := RunFrozen(c.File, c.Source, n, false, func(a, b []byte, err error) {
					stops++
					if err != nil {
						if strings.Contains(err.Error(), "close open files first") {
							return // a process holding an open file may not travel: refused, it goes on here
						}
						if fails++; fails <= 3 {
							t.Errorf("stop %d: %v", stops, err)
						}
						return
					}
					if !bytes.Equal(a, b) {
						if fails++; fails <= 3 {
							t.Errorf("stop %d: the thawed process freezes to other bytes (%d vs %d)", stops, len(a), len(b))
						}
					}
				})
				if normalize(r.Stdout) != normalize(whole.Stdout) {
					t.Errorf("output differs from an uninterrupted run:\n got: %q\nwant: %q", r.Stdout, whole.Stdout)
				}
				if errString(r.Err) != errString(whole.Err) {
					t.Errorf("error differs: got %q, want %q", errString(r.Err), errString(whole.Err))
				}
				if n == 0 && strings.Contains(c.Source, "mb.yield()") && stops == 0 {
					t.Errorf("no freeze at the chunk's mb.yield calls")
				}
				if n == 0 && strings.Contains(c.Source, "mb.yield()") && stops == 0 {
					t.Errorf("no freeze at the chunk's mb.yield calls")
				}
			})
		}
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

var notDiffRe = regexp.MustCompile(`(?m)^-- not-differential: (.*)$`)

var addrRe = regexp.MustCompile(`0x[0-9a-f]+`)

func normalize(s string) string { return addrRe.ReplaceAllString(s, "ADDR") }

// TestDifferential runs every chunk with lua5.1 and with Mobilua and
// requires the same standard output and, for failing chunks, the same error
// message.
func TestDifferential(t *testing.T) {
	lua, err := exec.LookPath("lua5.1")
	if err != nil {
		testbin.NeedTool(t, "lua5.1 is not installed (apt-get install lua5.1); differential tests skipped")
	}
	dir := t.TempDir()
	for _, c := range corpus(t) {
		t.Run(chunkName(c), func(t *testing.T) {
			if m := notDiffRe.FindStringSubmatch(c.Source); m != nil {
				t.Skipf("differs from lua5.1 on purpose: %s", m[1])
			}
			sub := filepath.Join(dir, fmt.Sprint(c.Line))
			os.MkdirAll(sub, 0o755)
			path := filepath.Join(sub, c.File)
			if err := os.WriteFile(path, []byte(c.Source), 0o644); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(lua, c.File)
			cmd.Args[0] = "lua5.1"
			cmd.Dir = sub
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			runErr := cmd.Run()
			r := Run(c.File, c.Source, 0, false)
			if normalize(r.Stdout) != normalize(stdout.String()) {
				t.Errorf("stdout differs\nmobilua: %q\nlua5.1:  %q", r.Stdout, stdout.String())
			}
			if (runErr != nil) != (r.Err != nil) {
				t.Fatalf("lua5.1 error %v (%s), mobilua error %v", runErr, stderr.String(), r.Err)
			}
			if r.Err != nil {
				want := strings.SplitN(strings.TrimPrefix(stderr.String(), "lua5.1: "), "\n", 2)[0]
				got := strings.SplitN(r.Err.Error(), "\n", 2)[0]
				if normalize(got) != normalize(want) {
					t.Errorf("error message differs\nmobilua: %s\nlua5.1:  %s", got, want)
				}
			}
		})
	}
}
