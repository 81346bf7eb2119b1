package continuation

import (
	"crypto/sha256"
	"fmt"
	"io"
	"strings"

	"github.com/mobilua/mobilua/runtime"
)

// Inspect thaws b (checking all of it) and writes what it holds: the
// format version and size, the chunks with their hashes, every thread with
// its frames at script.lua:line positions, and the heap's object counts.
func Inspect(w io.Writer, b []byte, opts Options) error {
	d, err := thaw(b, opts)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "continuation: format version %d, %d bytes, checksum ok\n", Version, len(b))
	fmt.Fprintf(w, "chunks: %d\n", len(d.chunks))
	for _, c := range d.chunks {
		sum := sha256.Sum256(c.Source)
		engine := "interpreted"
		if c.Native != nil {
			engine = "compiled code linked in"
		}
		fmt.Fprintf(w, "  %-24s %7d bytes  sha256 %x  %d functions, %s\n", c.Main.IR.Source, len(c.Source), sum[:8], len(c.Protos()), engine)
	}
	s := d.proc
	names := map[*runtime.Thread]string{}
	for i, tb := range d.threads {
		names[tb.th] = fmt.Sprintf("thread %d", i+1)
	}
	fmt.Fprintf(w, "threads: %d\n", len(d.threads))
	for _, tb := range d.threads {
		role := "coroutine"
		if tb.th == s.Main {
			role = "main"
		}
		status := [...]string{"suspended", "running", "normal", "dead"}[tb.s.Status]
		extra := ""
		if tb.th == s.Current {
			extra = ", runs next"
		}
		if tb.th == s.Yielded && s.YieldedBy != "" {
			extra += ", in " + s.YieldedBy
		}
		fmt.Fprintf(w, "  %s (%s, %s%s): %d frames, %d stack slots\n", names[tb.th], role, status, extra, len(tb.s.Frames), len(tb.s.Stack))
		frames := tb.s.Frames
		for i := len(frames) - 1; i >= 0; i-- {
			if len(frames)-i > 12 && i > 4 {
				if i == len(frames)-13 {
					fmt.Fprintf(w, "    ... (%d more)\n", i-4)
				}
				continue
			}
			fmt.Fprintf(w, "    %s\n", describeFrame(frames[i]))
		}
	}
	counts := map[byte]int{}
	for _, k := range d.kinds {
		counts[k]++
	}
	var slots, entries int
	for i, o := range d.objs {
		if t, ok := o.(*runtime.Table); ok && d.kinds[i] == kTable {
			slots += len(t.Array())
			entries += t.HashLen()
		}
	}
	var sb strings.Builder
	for _, k := range []struct {
		kind byte
		name string
	}{{kTable, "tables"}, {kClosure, "closures"}, {kUpval, "upvalues"}, {kThread, "threads"},
		{kNativeTab, "library tables"}, {kNativeFn, "builtins"}, {kStateFn, "iterators"}, {kWrap, "wrapped coroutines"},
		{kNativeUd, "host objects"}, {kUserdata, "userdata"}} {
		if counts[k.kind] > 0 {
			fmt.Fprintf(&sb, ", %d %s", counts[k.kind], k.name)
		}
	}
	fmt.Fprintf(w, "heap: %d objects%s\n", len(d.kinds), sb.String())
	fmt.Fprintf(w, "tables (not counting library tables): %d array slots, %d hash entries\n", slots, entries)
	var sbytes int
	for _, str := range d.strs {
		sbytes += len(str)
	}
	fmt.Fprintf(w, "shared strings: %d (%d bytes)\n", len(d.strs), sbytes)
	fmt.Fprintf(w, "steps run: %d", s.Steps)
	if s.Budget > 0 {
		fmt.Fprintf(w, ", budget %d per slice", s.Budget)
	}
	if s.MaxSteps > 0 {
		fmt.Fprintf(w, ", at most %d", s.MaxSteps)
	}
	if s.Sandboxed {
		fmt.Fprintf(w, ", sandboxed")
	}
	fmt.Fprintln(w)
	return nil
}

func describeFrame(f runtime.FrameState) string {
	switch {
	case f.Closure != nil:
		p := f.Closure.P.IR
		line := 0
		if f.PC > 0 && f.PC-1 < len(p.Lines) {
			line = int(p.Lines[f.PC-1])
		} else if len(p.Lines) > 0 {
			line = int(p.Lines[0])
		}
		where := "main chunk"
		if p.LineDefined > 0 {
			where = "function"
			if p.Name != "" {
				where = "function '" + p.Name + "'"
			}
		}
		return fmt.Sprintf("%s:%d in %s", p.Source, line, where)
	case f.Builtin != nil:
		return "[builtin] " + f.Builtin.Name + " in progress"
	}
	return fmt.Sprintf("[%s boundary]", f.Bound)
}
