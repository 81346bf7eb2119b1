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

	"github.com/mobilua/mobilua/continuation"
	"github.com/mobilua/mobilua/runtime"
	"github.com/mobilua/mobilua/runtime/stdlib"
)

// checkpoint is the --checkpoint FILE --every N pair.
type checkpoint struct {
	file  *string
	every *int64
}

func checkpointFlags(fs *flag.FlagSet) checkpoint {
	return checkpoint{
		file:  fs.String("checkpoint", "", "write a continuation to this file every --every steps"),
		every: fs.Int64("every", 0, "steps between checkpoints"),
	}
}

func (c checkpoint) check() error {
	if (*c.file == "") != (*c.every == 0) {
		return errors.New("--checkpoint FILE and --every N go together")
	}
	if *c.every < 0 {
		return errors.New("--every wants a positive number of steps")
	}
	return nil
}

// drive runs p to its end, serving its calls to the embedder: mb.freeze
// and mb.jump (to a path) freeze it and end the program, mb.yield goes on,
// and with a checkpoint a continuation is written every N steps.
func drive(p *runtime.Process, out *bufio.Writer, stderr io.Writer, cp checkpoint, args []runtime.Value) int {
	p.SetBudget(*cp.every)
	for {
		st, err := p.Resume(args...)
		args = nil
		if err != nil {
			out.Flush()
			reportError(stderr, err)
			return 1
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
			return 0
		case runtime.OutOfSteps:
			if *cp.file != "" {
				out.Flush()
				if err := freezeTo(p, *cp.file); err != nil {
					fmt.Fprintf(stderr, "mobilua: checkpoint: %v\n", err)
					return 1
				}
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
				return 0
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

// thawOptions makes processes as `mobilua run` does.
func thawOptions(out *bufio.Writer, stderr io.Writer) continuation.Options {
	return continuation.Options{NewProcess: func(sandboxed bool) *runtime.Process {
		return NewProcess(out, stderr, sandboxed)
	}}
}

func resume(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("resume", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cp := checkpointFlags(fs)
	fs.Usage = func() { fmt.Fprint(stderr, usage) }
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if err := cp.check(); err != nil {
		fmt.Fprintf(stderr, "mobilua resume: %v\n", err)
		return 2
	}
	if fs.NArg() != 1 {
		fmt.Fprintf(stderr, "mobilua resume: one continuation file expected\n%s", usage)
		return 2
	}
	b, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		fmt.Fprintf(stderr, "mobilua: %v\n", err)
		return 1
	}
	out := bufio.NewWriterSize(stdout, 64<<10)
	defer out.Flush()
	p, err := continuation.Thaw(b, thawOptions(out, stderr))
	if err != nil {
		fmt.Fprintf(stderr, "mobilua: %s: %v\n", fs.Arg(0), err)
		return 1
	}
	var res []runtime.Value
	if by := p.YieldedBy(); by == stdlib.MbFreeze || by == stdlib.MbJump {
		res = []runtime.Value{runtime.True} // the freeze returns true here
	}
	return drive(p, out, stderr, cp, res)
}

func inspect(args []string, stdout, stderr io.Writer) int {
	if len(args) != 1 {
		fmt.Fprintf(stderr, "mobilua inspect: one continuation file expected\n%s", usage)
		return 2
	}
	b, err := os.ReadFile(args[0])
	if err != nil {
		fmt.Fprintf(stderr, "mobilua: %v\n", err)
		return 1
	}
	out := bufio.NewWriter(stdout)
	defer out.Flush()
	if err := continuation.Inspect(out, b, thawOptions(bufio.NewWriter(io.Discard), io.Discard)); err != nil {
		out.Flush()
		fmt.Fprintf(stderr, "mobilua: %s: %v\n", args[0], err)
		return 1
	}
	return 0
}
