package luatest

import (
	"io"

	"bufio"
	"bytes"
	"fmt"
	"github.com/mobilua/mobilua/continuation"
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
	Stdout   string
	Err      error
	Compiled bool  // the chunk ran with compiled code attached
	Entries  int64 // times it entered compiled code
	Deopts   int64 // compiled functions changed to their plain code
	Inlines  int64 // calls compiled code ran inline
}

// Run runs source on the interpreter; budget > 0 runs it in slices of that
// many steps.
func Run(name, source string, budget int64, sandbox bool) Result {
	return run(name, source, budget, sandbox, nil)
}

// Alternate makes RunFrozen thaw into the interpreter and into compiled
// code (when the chunk has some registered) by turns.
var Alternate bool

// LoadCorpus loads every chunk of the .lua files in dir.
func LoadCorpus(dir string) ([]Chunk, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.lua"))
	if err != nil || len(files) == 0 {
		return nil, fmt.Errorf("no corpus files in %s: %v", dir, err)
	}
	var all []Chunk
	for _, f := range files {
		cs, err := LoadCorpusFile(f)
		if err != nil {
			return nil, err
		}
		all = append(all, cs...)
	}
	return all, nil
}

// RunFrozen is Run where, at every stop of the budget, the process is
// frozen to a continuation, thawed into a fresh process and continued
// there; check sees every continuation and the one its thawed process
// freezes to at once (nil when the freeze or thaw failed, with the error).
func RunFrozen(name, source string, budget int64, sandbox bool, check func(a, b []byte, err error)) Result {
	return run(name, source, budget, sandbox, check)
}

func newProcess(w *bufio.Writer, stderr io.Writer, sandbox bool) *runtime.Process {
	return stdlib.NewProcess(stdlib.ProfileOf(sandbox), transpile.Compiler{}, w, stderr)
}

func run(name, source string, budget int64, sandbox bool, check func(a, b []byte, err error)) Result {
	var out bytes.Buffer
	w := bufio.NewWriter(&out)
	p := newProcess(w, &out, sandbox)
	proto, err := transpile.Compile([]byte(source), "@"+name, transpile.Options{File: true})
	if err != nil {
		return Result{Err: err}
	}
	c := runtime.NewChunk("@"+name, []byte(source), proto)
	c.File = true
	compiled := c.Native != nil
	p.Start(runtime.ClosureValue(p.Load(c)))
	p.SetBudget(budget)
	opts := continuation.Options{NewProcess: func(sb bool) *runtime.Process { return newProcess(w, &out, sb) }, Cache: &continuation.ChunkCache{}}
	// with Alternate, thawed processes run on the interpreter and on
	// compiled code by turns (a cache per engine)
	caches := [2]*continuation.ChunkCache{{}, {}}
	stops, stride := 0, 1
	for i := 0; ; i++ {
		st, err := p.Resume()
		if err != nil {
			w.Flush()
			return Result{Stdout: out.String(), Err: err, Compiled: compiled}
		}
		if st == runtime.Done {
			break
		}
		if i > 1e8 {
			return Result{Stdout: out.String(), Err: fmt.Errorf("too many slices"), Compiled: compiled}
		}
		// every stop while there are few, then ever sparser ones (the
		// stride grows with the count: about 300 per tenfold), so that
		// deep recursion at budget 1 stays quadratic only in the first few
		if stops++; stops > 300 && stops%300 == 0 {
			stride = stops / 300
		}
		if check != nil && stops%stride == 0 {
			a, err := continuation.Freeze(p)
			if err != nil {
				check(nil, nil, err)
				continue
			}
			if Alternate {
				on := stops/stride%2 == 0
				runtime.SetCompiledEnabled(on)
				opts.Cache = caches[map[bool]int{false: 0, true: 1}[on]]
			}
			p2, err := continuation.Thaw(a, opts)
			if err != nil {
				check(a, nil, err)
				continue
			}
			b, err := continuation.Freeze(p2)
			check(a, b, err)
			p = p2
		}
	}
	p.Close() // as lua5.1 and mobilua run do at the end: finalizers run
	w.Flush()
	return Result{Stdout: out.String(), Compiled: compiled, Entries: p.NativeEntries(), Deopts: p.NativeDeopts(), Inlines: p.NativeInlines()}
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
