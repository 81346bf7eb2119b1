package main

import (
	"strings"
	"testing"
)

// TestReport: packages' results and a failed test's output pass through,
// passing tests' output does not, the counts and the skipped tests come
// at the end, and a failure is the exit status.
func TestReport(t *testing.T) {
	in := `{"Action":"run","Package":"p","Test":"TestA"}
{"Action":"output","Package":"p","Test":"TestA","Output":"=== RUN   TestA\n"}
{"Action":"pass","Package":"p","Test":"TestA"}
{"Action":"output","Package":"p","Test":"TestB","Output":"    b_test.go:3: wrong\n"}
{"Action":"fail","Package":"p","Test":"TestB"}
{"Action":"output","Package":"p","Test":"TestC","Output":"    c_test.go:9: no chromium\n"}
{"Action":"skip","Package":"p","Test":"TestC"}
{"Action":"output","Package":"p","Output":"FAIL\tp\t0.1s\n"}
{"Action":"fail","Package":"p"}
{"Action":"output","Package":"q","Output":"PASS\n"}
{"Action":"output","Package":"q","Output":"ok  \tq\t0.2s\n"}
{"Action":"pass","Package":"q"}
`
	var out strings.Builder
	status := report(strings.NewReader(in), &out)
	want := "    b_test.go:3: wrong\nFAIL\tp\t0.1s\nok  \tq\t0.2s\ntests: 1 passed, 1 failed, 1 skipped\n  skipped: p TestC\n"
	if status != 1 || out.String() != want {
		t.Errorf("status %d, printed\n%s\nwant\n%s", status, out.String(), want)
	}
	out.Reset()
	if status := report(strings.NewReader(`{"ImportPath":"r","Action":"build-output","Output":"r.go:1: bad\n"}
{"ImportPath":"r","Action":"build-fail"}
`), &out); status != 1 || !strings.HasPrefix(out.String(), "r.go:1: bad\n") {
		t.Errorf("a build failure: %d %q", status, out.String())
	}
	// a timeout: the running test never ends, its package fails
	out.Reset()
	if status := report(strings.NewReader(`{"Action":"output","Package":"h","Test":"TestHang","Output":"=== RUN   TestHang\n"}
{"Action":"output","Package":"h","Test":"TestHang","Output":"panic: test timed out after 10m0s\n"}
{"Action":"output","Package":"h","Output":"FAIL\th\t600.1s\n"}
{"Action":"fail","Package":"h"}
`), &out); status != 1 || out.String() != "FAIL\th\t600.1s\n--- unfinished: h TestHang (its package failed while it ran)\n=== RUN   TestHang\npanic: test timed out after 10m0s\ntests: 0 passed, 1 failed, 0 skipped\n  unfinished: h TestHang\n" {
		t.Errorf("a timeout: %d %q", status, out.String())
	}
	out.Reset()
	if status := report(strings.NewReader(`{"Action":"pass","Package":"q","Test":"TestA"}`+"\n"), &out); status != 0 || out.String() != "tests: 1 passed, 0 failed, 0 skipped\n" {
		t.Errorf("a pass: %d %q", status, out.String())
	}
}
