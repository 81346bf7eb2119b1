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
	lines, err := InspectLines(b, opts)
	for _, l := range lines {
		fmt.Fprintln(w, l.Text)
	}
	return err
}

// Line is a line of what Inspect writes; a Lua frame's line also names
// its chunk and the line of the chunk it is at.
type Line struct {
	Text  string
	Chunk string // the chunk's short name (script.lua), for a Lua frame
	Line  int    // its line in the chunk, for a Lua frame
}

// InspectLines is what Inspect writes, line by line, for a caller that
// shows it its own way (the web interface puts each Lua frame's source
// line beside it).
func InspectLines(b []byte, opts Options) ([]Line, error) {
	d, err := thaw(b, opts)
	if err != nil {
		return nil, err
	}
	var out []Line
	add := func(format string, args ...any) { out = append(out, Line{Text: fmt.Sprintf(format, args...)}) }
	if Packed(b) {
		add("continuation: format version %d, %d bytes (packed in %d), checksum ok", Version, d.size, len(b))
	} else {
		add("continuation: format version %d, %d bytes, checksum ok", Version, len(b))
	}
	add("chunks: %d", len(d.chunks))
	for _, c := range d.chunks {
		sum := sha256.Sum256(c.Source)
		engine := "interpreted"
		if c.Native != nil {
			engine = "compiled code linked in"
		}
		add("  %-24s %7d bytes  sha256 %x  %d functions, %s", c.Main.IR.Source, len(c.Source), sum[:8], len(c.Protos()), engine)
	}
	s := d.proc
	names := map[*runtime.Thread]string{}
	for i, tb := range d.threads {
		names[tb.th] = fmt.Sprintf("thread %d", i+1)
	}
	add("threads: %d", len(d.threads))
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
		add("  %s (%s, %s%s): %d frames, %d stack slots", names[tb.th], role, status, extra, len(tb.s.Frames), len(tb.s.Stack))
		frames := tb.s.Frames
		for i := len(frames) - 1; i >= 0; i-- {
			if len(frames)-i > 12 && i > 4 {
				if i == len(frames)-13 {
					add("    ... (%d more)", i-4)
				}
				continue
			}
			text, chunk, line := describeFrame(frames[i])
			out = append(out, Line{Text: "    " + text, Chunk: chunk, Line: line})
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
			entries += inner.HashLen(t)
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
	add("heap: %d objects%s", len(d.kinds), sb.String())
	add("tables (not counting library tables): %d array slots, %d hash entries", slots, entries)
	var sbytes int
	for i := range d.strs.len() {
		s, _ := d.strs.at(i).Str()
		sbytes += len(s)
	}
	add("shared strings: %d (%d bytes)", d.strs.len(), sbytes)
	steps := fmt.Sprintf("steps run: %d", s.Steps)
	if s.Budget > 0 {
		steps += fmt.Sprintf(", budget %d per slice", s.Budget)
	}
	if s.MaxSteps > 0 {
		steps += fmt.Sprintf(", at most %d", s.MaxSteps)
	}
	if s.Sandboxed {
		steps += ", sandboxed"
	}
	add("%s", steps)
	return out, nil
}

// describeFrame says where a frame is; a Lua frame's chunk and line too.
func describeFrame(f runtime.FrameState) (text, chunk string, line int) {
	switch {
	case f.Closure != nil:
		p := f.Closure.P.IR
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
		return fmt.Sprintf("%s:%d in %s", p.Source, line, where), p.Source, line
	case f.Builtin != nil:
		return "[builtin] " + f.Builtin.Name + " in progress", "", 0
	}
	return fmt.Sprintf("[%s boundary]", f.Bound), "", 0
}
