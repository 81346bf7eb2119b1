// Command compiledrun runs the Lua corpus on compiled code. TestCompiled
// (internal/luatest) generates package corpus next to it with the compiled
// code of every chunk, builds this program once, and runs it: each chunk
// runs plainly (expectations, and the interpreter's output), in budget
// slices, and frozen at every stop and thawed into the interpreter and
// into compiled code by turns. It prints one line per failure and "ok N".
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"regexp"
	"strings"

	"github.com/mobilua/mobilua/internal/luatest"
	_ "github.com/mobilua/mobilua/internal/luatest/testdata/compiledrun/corpus"
	"github.com/mobilua/mobilua/runtime"
	"github.com/mobilua/mobilua/transpile"
)

func main() {
	dir := flag.String("corpus", "testdata/lua", "the corpus directory")
	flag.Parse()
	chunks, err := luatest.LoadCorpus(*dir)
	if err != nil {
		fmt.Println("FAIL", err)
		os.Exit(1)
	}
	fails := 0
	fail := func(c luatest.Chunk, format string, args ...any) {
		fails++
		fmt.Printf("FAIL %s:%d: %s\n", c.File, c.Line, fmt.Sprintf(format, args...))
	}
	errs := func(err error) string {
		if err == nil {
			return ""
		}
		return err.Error()
	}
	addr := regexp.MustCompile(`0x[0-9a-f]+`)
	same := func(a, b string) bool { return addr.ReplaceAllString(a, "ADDR") == addr.ReplaceAllString(b, "ADDR") }
	n, entered := 0, 0
	for _, c := range chunks {
		if _, err := transpile.Compile([]byte(c.Source), "@"+c.File, transpile.Options{File: true}); err != nil {
			continue // a syntax error: no code to compile
		}
		n++
		runtime.SetCompiledEnabled(false)
		interp := luatest.Run(c.File, c.Source, 0, false)
		runtime.SetCompiledEnabled(true)
		r := luatest.Run(c.File, c.Source, 0, false)
		if !r.Compiled {
			fail(c, "no compiled code was attached")
			continue
		}
		if r.Entries > 0 {
			entered++
		}
		if err := luatest.Check(c, r); err != nil {
			fail(c, "%v", err)
		}
		if !same(r.Stdout, interp.Stdout) || errs(r.Err) != errs(interp.Err) {
			fail(c, "compiled and interpreted runs differ:\n%q\n%q", r.Stdout, interp.Stdout)
		}
		// a chunk that says so must change compiled functions to their
		// plain code (see NativeFrame.Deopt), or must not, even when
		// the interpreter runs parts of it (budget slices)
		deopts := strings.Contains(c.Source, "(compiled code: deopts)")
		keeps := strings.Contains(c.Source, "(compiled code: no deopt)")
		if deopts && r.Deopts == 0 || keeps && r.Deopts != 0 {
			fail(c, "%d compiled functions changed to their plain code", r.Deopts)
		}
		// and one that says so must run calls inline (see gogen's
		// inline.go), or must not
		if strings.Contains(c.Source, "(compiled code: inlines)") && r.Inlines == 0 {
			fail(c, "no call ran inline")
		}
		if strings.Contains(c.Source, "(compiled code: no inline)") && r.Inlines != 0 {
			fail(c, "%d calls ran inline", r.Inlines)
		}
		for _, n := range []int64{1, 7, 100} {
			s := luatest.Run(c.File, c.Source, n, false)
			if !same(s.Stdout, r.Stdout) || errs(s.Err) != errs(r.Err) {
				fail(c, "in slices of %d: %q", n, s.Stdout)
			}
			if keeps && s.Deopts != 0 {
				fail(c, "in slices of %d: %d compiled functions changed to their plain code", n, s.Deopts)
			}
		}
		for _, n := range []int64{0, 7, 100, 1000} {
			luatest.Alternate = true
			bad := 0
			s := luatest.RunFrozen(c.File, c.Source, n, false, func(a, b []byte, err error) {
				if err != nil && !strings.Contains(err.Error(), "close open files first") {
					bad++
				} else if err == nil && !bytes.Equal(a, b) {
					bad++
				}
			})
			luatest.Alternate = false
			runtime.SetCompiledEnabled(true)
			if bad > 0 || !same(s.Stdout, r.Stdout) || errs(s.Err) != errs(r.Err) {
				fail(c, "frozen at every stop of %d steps, thawed on both engines by turns: %d bad stops, output %q", n, bad, s.Stdout)
			}
		}
	}
	if entered < n*3/4 {
		fmt.Printf("FAIL only %d of %d chunks entered compiled code\n", entered, n)
		fails++
	}
	if fails > 0 {
		os.Exit(1)
	}
	fmt.Println("ok", n, "chunks compiled,", entered, "entered compiled code")
}
