package cli

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/mobilua/mobilua/continuation"
	"github.com/mobilua/mobilua/runtime"
	"github.com/mobilua/mobilua/runtime/stdlib"
)

// checkpoint is the --checkpoint FILE --every N|DURATION pair.
type checkpoint struct {
	file  *string
	every *period
}

// period is how often a checkpoint is written: every so many steps, or
// so much time (each written continuation is synced to the disk: a
// second apart, the run hardly pays for them; a million steps apart, a
// quick loop spent more time syncing than running).
type period struct {
	steps int64
	time  time.Duration
	// paced: also at least paceFactor times as long as the last
	// checkpoint took (the default's: checkpoints of a large heap, a
	// second apart, would take a large share of the run)
	paced bool
}

// defaultPeriod is --every when --checkpoint is given alone.
var defaultPeriod = period{time: time.Second, paced: true}

// paceFactor bounds what a paced checkpoint costs the run: at most about
// a twentieth of its time.
const paceFactor = 20

func (e *period) String() string {
	if e.time > 0 {
		return e.time.String()
	}
	return strconv.FormatInt(e.steps, 10)
}

func (e *period) Set(s string) error {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && n > 0 {
		*e = period{steps: n}
		return nil
	}
	if d, err := time.ParseDuration(s); err == nil && d > 0 {
		*e = period{time: d}
		return nil
	}
	return fmt.Errorf("--every wants a number of steps or a duration (500ms, 2s), not %q", s)
}

func (e *period) set() bool { return e.steps > 0 || e.time > 0 }

func checkpointFlags(fs *flag.FlagSet) checkpoint {
	c := checkpoint{file: fs.String("checkpoint", "", "write the process's continuation to this file (removed when the script finishes)"), every: new(period)}
	fs.Var(c.every, "every", "how often: a number of steps, or a duration (default 1s, and at least 20 times what the last checkpoint took)")
	return c
}

func (c checkpoint) check() error {
	switch {
	case *c.file == "" && c.every.set():
		return errors.New("--every goes with --checkpoint FILE")
	case *c.file != "" && !c.every.set():
		*c.every = defaultPeriod
	}
	return nil
}

// due reports whether a checkpoint is due after steps and d since the
// last, which took took.
func (c checkpoint) due(steps int64, d, took time.Duration) bool {
	if c.every.steps > 0 {
		return steps >= c.every.steps
	}
	return d >= c.every.time && (!c.every.paced || d >= paceFactor*took)
}

// ending is how drive left a process.
type ending int

const (
	endReturned ending = iota // it returned
	endFailed                 // in an error
	endFrozen                 // it froze itself to a file: the program ends
)

// slice is the most steps run between two looks at Ctrl-C.
const slice = 1 << 20

// drive runs p to its end, serving its calls to the embedder: mb.freeze
// and mb.jump (to a path) freeze it and end the program, mb.yield goes on,
// and with a checkpoint a continuation is written every N steps. When
// interrupt becomes true, p ends with "interrupted!" where it stands.
func drive(p *runtime.Process, out *bufio.Writer, stderr io.Writer, cp checkpoint, args []runtime.Value, interrupt *atomic.Bool) (ending, error) {
	last, lastAt := p.Steps(), time.Now() // the last checkpoint
	var took time.Duration                // and what it took
	for {
		budget := int64(slice)
		if n := cp.every.steps; n > 0 {
			budget = min(budget, max(n-(p.Steps()-last), 1))
		}
		p.SetBudget(budget)
		st, err := p.Resume(args...)
		args = nil
		if err != nil {
			return endFailed, err
		}
		switch st {
		case runtime.Done:
			if *cp.file != "" {
				// finished: resuming the last checkpoint would run the
				// script's end again
				if err := os.Remove(*cp.file); err != nil && !errors.Is(err, fs.ErrNotExist) {
					fmt.Fprintf(stderr, "mobilua: checkpoint: %v\n", err)
				}
			}
			return endReturned, nil
		case runtime.OutOfSteps:
			if interrupt != nil && interrupt.Load() {
				return endFailed, p.Halt("interrupted!")
			}
			if *cp.file != "" && cp.due(p.Steps()-last, time.Since(lastAt), took) {
				last, lastAt = p.Steps(), time.Now()
				out.Flush()
				if err := freezeTo(p, *cp.file); err != nil {
					return endFailed, fmt.Errorf("checkpoint: %v", err)
				}
				took = time.Since(lastAt)
			}
		case runtime.Yielded:
			switch p.YieldedBy() {
			case stdlib.MbFreeze, stdlib.MbJump:
				vs := p.YieldValues()
				var path string
				if len(vs) > 0 {
					path, _ = vs[0].Str()
				}
				if path == "" {
					args = []runtime.Value{runtime.Nil, runtime.String(p.YieldedBy() + ": a file name is expected")}
					continue
				}
				out.Flush()
				if err := freezeTo(p, path); err != nil {
					args = []runtime.Value{runtime.Nil, runtime.String(err.Error())}
					continue
				}
				fmt.Fprintf(stderr, "mobilua: frozen to %s; continue it with: mobilua resume %s\n", path, path)
				return endFrozen, nil
			}
		}
	}
}

// freezeTo writes p's continuation to path atomically: a crash leaves the
// old file or the new one, never a mix.
func freezeTo(p *runtime.Process, path string) error {
	b, err := continuation.Freeze(p)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".mobilua-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// Unpack unpacks a packed continuation (package continuation/pack's
// Unpack, which FullProgram sets). cmd/mobilua leaves it nil, so that a
// script starts without the codec's initialization: it runs FullProgram
// to resume or inspect a packed continuation (one a host kept, downloaded
// from its web interface).
var Unpack func(b []byte, max int) ([]byte, error)

// thawOptions makes processes as `mobilua run` does.
func thawOptions(out *bufio.Writer, stderr io.Writer) continuation.Options {
	return continuation.Options{NewProcess: func(sandboxed bool) *runtime.Process {
		return NewProcess(out, stderr, sandboxed)
	}, Unpack: Unpack}
}

// readContinuation reads a continuation file; full is whether
// FullProgram must read it instead (it is packed, and this program does
// not unpack).
func readContinuation(file string, stderr io.Writer) (b []byte, full, ok bool) {
	b, err := os.ReadFile(file)
	if err != nil {
		fmt.Fprintf(stderr, "mobilua: %v\n", err)
		return nil, false, false
	}
	return b, continuation.Packed(b) && Unpack == nil, true
}

func resume(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	f := NewFlags("resume", stdout, stderr, `Continues a process frozen to FILE by mb.freeze(FILE), mb.jump(FILE) or a
checkpoint (mobilua --checkpoint FILE [--every N|TIME]): its output goes on
where it stopped. The freeze returns true in the process.`, "resume [--checkpoint FILE [--every N|TIME]] FILE")
	cp := checkpointFlags(f.FlagSet)
	rest, status, ok := f.ParseN(args, 1, "one continuation file expected")
	if !ok {
		return status
	}
	if err := cp.check(); err != nil {
		return f.Fail("%v", err)
	}
	b, full, ok := readContinuation(rest[0], stderr)
	switch {
	case !ok:
		return 1
	case full:
		return runFull(append([]string{"resume"}, args...), rest[0]+" is packed (Zstandard): it is read by", stdin, stdout, stderr)
	}
	out := bufio.NewWriterSize(stdout, 64<<10)
	defer out.Flush()
	p, err := continuation.Thaw(b, thawOptions(out, stderr))
	if err != nil {
		fmt.Fprintf(stderr, "mobilua: %s: %v\n", rest[0], err)
		return 1
	}
	var res []runtime.Value
	if by := p.YieldedBy(); by == stdlib.MbFreeze || by == stdlib.MbJump {
		res = []runtime.Value{runtime.True} // the freeze returns true here
	}
	s := &luaSession{p: p, out: out, stderr: stderr, prog: "mobilua: ", cp: cp}
	defer s.catchInterrupts()()
	ok, _ = s.drive(res)
	return exitStatus(ok)
}

func inspect(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	f := NewFlags("inspect", stdout, stderr, `Describes what the continuation in FILE holds: its threads, each frame with
its function, line and values, its globals and the libraries it changed.`, "inspect FILE")
	rest, status, ok := f.ParseN(args, 1, "one continuation file expected")
	if !ok {
		return status
	}
	b, full, ok := readContinuation(rest[0], stderr)
	switch {
	case !ok:
		return 1
	case full:
		return runFull(append([]string{"inspect"}, args...), rest[0]+" is packed (Zstandard): it is read by", stdin, stdout, stderr)
	}
	out := bufio.NewWriter(stdout)
	defer out.Flush()
	if err := continuation.Inspect(out, b, thawOptions(bufio.NewWriter(io.Discard), io.Discard)); err != nil {
		out.Flush()
		fmt.Fprintf(stderr, "mobilua: %s: %v\n", rest[0], err)
		return 1
	}
	return 0
}
