// Command testreport reads `go test -json` on its standard input and
// prints what a plain `go test` would (each package's result, and the
// output of the tests that failed), then how many tests passed, failed
// and were skipped, naming the skipped ones: `make test` pipes its test
// run through it, so a run that skipped something says so at its end. A
// test still running when its package failed (a timeout's panic, a test
// binary killed) counts as failed: its output is printed with the
// package's failure and it is named at the end, as unfinished.
// Its exit status is 1 when a test or a package failed.
//
// It is a tool of the build; nothing imports it.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

type event struct {
	Action  string
	Package string
	Test    string
	Output  string
}

func main() { os.Exit(report(os.Stdin, os.Stdout)) }

func report(in io.Reader, out io.Writer) int {
	held := map[string][]string{} // a test's output, shown if it fails
	var passed, failed, skipped int
	var skips, unfinished []string
	status := 0
	sc := bufio.NewScanner(in)
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		var e event
		if json.Unmarshal(sc.Bytes(), &e) != nil {
			fmt.Fprintln(out, sc.Text()) // not JSON: a build error, say
			continue
		}
		key := e.Package + " " + e.Test
		switch {
		case e.Action == "build-output":
			fmt.Fprint(out, e.Output)
		case e.Action == "build-fail":
			status = 1
		case e.Test == "" && e.Action == "output":
			if e.Output != "PASS\n" { // (a plain go test does not print it)
				fmt.Fprint(out, e.Output)
			}
		case e.Test == "" && e.Action == "fail":
			status = 1
			for _, k := range sortedKeys(held, e.Package+" ") {
				failed++
				unfinished = append(unfinished, k)
				fmt.Fprintf(out, "--- unfinished: %s (its package failed while it ran)\n%s", k, strings.Join(held[k], ""))
				delete(held, k)
			}
		case e.Test == "": // a package's start, its pass
		case e.Action == "output":
			held[key] = append(held[key], e.Output)
		case e.Action == "pass":
			passed++
			delete(held, key)
		case e.Action == "skip":
			skipped++
			skips = append(skips, e.Package+" "+e.Test)
			delete(held, key)
		case e.Action == "fail":
			failed++
			status = 1
			fmt.Fprint(out, strings.Join(held[key], ""))
			delete(held, key)
		}
	}
	fmt.Fprintf(out, "tests: %d passed, %d failed, %d skipped\n", passed, failed, skipped)
	sort.Strings(skips)
	for _, s := range skips {
		fmt.Fprintf(out, "  skipped: %s\n", s)
	}
	for _, u := range unfinished {
		fmt.Fprintf(out, "  unfinished: %s\n", u)
	}
	return status
}

// sortedKeys are the keys of m that begin with prefix, sorted.
func sortedKeys(m map[string][]string, prefix string) []string {
	var keys []string
	for k := range m {
		if strings.HasPrefix(k, prefix) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}
