package console

import (
	"bytes"
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
	// a second session on the same store: the process is still there
	out.Reset()
	if code := run([]string{"--store", store}, strings.NewReader("ps\n"), &out, &errs); code != 0 {
		t.Fatal(errs.String())
	}
	if !strings.Contains(out.String(), "p1  ") {
		t.Errorf("second session:\n%s", out.String())
	}
}
