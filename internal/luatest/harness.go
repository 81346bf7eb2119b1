package luatest

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/mobilua/mobilua/runtime"
	"github.com/mobilua/mobilua/runtime/stdlib"
	"github.com/mobilua/mobilua/transpile"
)

// Chunk is one runnable part of a corpus file.
type Chunk struct {
	File   string // base name, used as the chunk name
	Line   int    // first line
	Source string // the whole file with other chunks blanked
	Expect []string
	Error  *regexp.Regexp
}

var (
	expectRe = regexp.MustCompile(`--> ([=~])(.*)$`)
	errorRe  = regexp.MustCompile(`^### "(.*)"\s*$`)
)

// LoadCorpusFile splits a corpus file into chunks.
func LoadCorpusFile(path string) ([]Chunk, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	lines := strings.Split(string(b), "\n")
	var chunks []Chunk
	start := 0
	flush := func(end int) error {
		c := Chunk{File: filepath.Base(path), Line: start + 1}
		out := make([]string, len(lines))
		for i := start; i < end; i++ {
			l := lines[i]
			if m := errorRe.FindStringSubmatch(l); m != nil {
				re, err := regexp.Compile(m[1])
				if err != nil {
					return fmt.Errorf("%s:%d: %v", path, i+1, err)
				}
				c.Error = re
				continue
			}
			out[i] = l
			if m := expectRe.FindStringSubmatch(l); m != nil {
				c.Expect = append(c.Expect, m[1]+m[2])
			}
		}
		c.Source = strings.Join(out, "\n")
		chunks = append(chunks, c)
		return nil
	}
	for i, l := range lines {
		if l == "---" {
			if err := flush(i); err != nil {
				return nil, err
			}
			start = i + 1
		}
	}
	if err := flush(len(lines)); err != nil {
		return nil, err
	}
	return chunks, nil
}

// Result is what a run gave.
type Result struct {
	Stdout string
	Err    error
}

// Run runs source on the interpreter; budget > 0 runs it in slices of that
// many steps.
func Run(name, source string, budget int64, sandbox bool) Result {
	var out bytes.Buffer
	w := bufio.NewWriter(&out)
	p := runtime.NewProcess()
	p.Stdout = w
	p.Stderr = &out
	p.Compiler = transpile.Compiler{}
	p.Sandboxed = sandbox
	stdlib.Open(p)
	if !sandbox {
		stdlib.OpenPackage(p, "")
	}
	proto, err := transpile.Compile([]byte(source), "@"+name, transpile.Options{File: true})
	if err != nil {
		return Result{Err: err}
	}
	c := runtime.NewChunk("@"+name, []byte(source), proto)
	p.Start(runtime.ClosureValue(p.Load(c)))
	p.SetBudget(budget)
	for i := 0; ; i++ {
		st, err := p.Resume()
		if err != nil {
			w.Flush()
			return Result{Stdout: out.String(), Err: err}
		}
		if st == runtime.Done {
			break
		}
		if i > 1e8 {
			return Result{Stdout: out.String(), Err: fmt.Errorf("too many slices")}
		}
	}
	w.Flush()
	return Result{Stdout: out.String()}
}

// Check compares a result with a chunk's expectations.
func Check(c Chunk, r Result) error {
	got := strings.Split(strings.TrimSuffix(r.Stdout, "\n"), "\n")
	if r.Stdout == "" {
		got = nil
	}
	for i, e := range c.Expect {
		if i >= len(got) {
			return fmt.Errorf("missing output line %d: want %q\nall output:\n%s", i+1, e, r.Stdout)
		}
		if e[0] == '=' && got[i] != e[1:] {
			return fmt.Errorf("output line %d: got %q, want %q", i+1, got[i], e[1:])
		}
		if e[0] == '~' && !regexp.MustCompile(e[1:]).MatchString(got[i]) {
			return fmt.Errorf("output line %d: got %q, want match for %q", i+1, got[i], e[1:])
		}
	}
	if len(got) > len(c.Expect) {
		return fmt.Errorf("unexpected output line %d: %q", len(c.Expect)+1, got[len(c.Expect)])
	}
	if c.Error != nil {
		if r.Err == nil {
			return fmt.Errorf("no error, want one matching %q", c.Error)
		}
		if !c.Error.MatchString(r.Err.Error()) {
			return fmt.Errorf("error %q does not match %q", r.Err.Error(), c.Error)
		}
	} else if r.Err != nil {
		msg := r.Err.Error()
		if le, ok := r.Err.(*runtime.Error); ok {
			msg += "\n" + le.Traceback
		}
		return fmt.Errorf("unexpected error: %s", msg)
	}
	return nil
}
