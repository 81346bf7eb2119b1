package console

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestConsole(t *testing.T) {
	store := filepath.Join(t.TempDir(), "h.db")
	var out, errs bytes.Buffer
	in := strings.NewReader("step print(6 * 7)\nnew local n = mb.input('name?') \\\nprint('hi ' .. n)\nrun p1\nhelp ps\n")
	if code := run([]string{"--store", store}, in, &out, &errs); code != 0 {
		t.Fatalf("status %d: %s", code, errs.String())
	}
	for _, want := range []string{"42\n", "p1\n", "p1 is running\n", "ps — your processes"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("missing %q in:\n%s", want, out.String())
		}
	}
	// a second session on the same store: the process is still there,
	// and the step session's globals; quit ends it
	out.Reset()
	in = strings.NewReader("step x = 1 for i = 1, 3 do\nx = x * 2\nend\nps\nquit\nstep print('after quit')\n")
	if code := run([]string{"--store", store}, in, &out, &errs); code != 0 {
		t.Fatal(errs.String())
	}
	if !strings.Contains(out.String(), "p1  ") || strings.Contains(out.String(), "after quit") {
		t.Errorf("second session:\n%s", out.String())
	}
	out.Reset()
	// (p1, restored, asks for its input again as the host starts: a
	// worker's message, before or after the step's answer)
	if run([]string{"--store", store}, strings.NewReader("step =x\n"), &out, &errs); !strings.Contains(out.String(), "\n8\n") {
		t.Errorf("the session's globals in the third:\n%s", out.String())
	}
}

// TestStoreCommand: `mobilua store check` and `salvage`, and a host that
// refuses a damaged store with a clear error and a non-zero status.
func TestStoreCommand(t *testing.T) {
	dir := t.TempDir()
	store := filepath.Join(dir, "h.db")
	var out, errs bytes.Buffer
	run([]string{"--store", store}, strings.NewReader("new print(1)\n"), &out, &errs)
	out.Reset()
	if code := storeCmd([]string{"check", store}, nil, &out, &errs); code != 0 || !strings.Contains(out.String(), "is sound: 1 processes") {
		t.Fatalf("check: %d %q %q", code, out.String(), errs.String())
	}
	// the meta pages overwritten: not a store any more
	b, _ := os.ReadFile(store)
	for i := 16; i < 64; i++ {
		b[i], b[4096+i] = 0xff, 0xff
	}
	os.WriteFile(store, b, 0o600)
	errs.Reset()
	if code := storeCmd([]string{"check", store}, nil, &out, &errs); code != 1 || !strings.Contains(errs.String(), "mobilua: store "+store+" is damaged: ") {
		t.Errorf("check of a damaged store: %d %q", code, errs.String())
	}
	errs.Reset()
	if code := run([]string{"--store", store}, strings.NewReader("ps\n"), &out, &errs); code != 1 || !strings.Contains(errs.String(), "is damaged") {
		t.Errorf("console on a damaged store: %d %q", code, errs.String())
	}
	if code := storeCmd([]string{"salvage"}, nil, &out, &errs); code != 2 {
		t.Errorf("usage: %d", code)
	}
}
