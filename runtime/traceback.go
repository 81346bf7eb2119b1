package runtime

import (
	"fmt"
	"strings"

	"github.com/mobilua/mobilua/ir"
)

// traceback formats the frames of th as lua5.1 does in "stack traceback:".
func (p *Process) traceback(th *Thread, inC bool) string {
	var lines []string
	if inC {
		lines = append(lines, cLine(th))
	}
	lines = append(lines, p.frameLines(th)...)
	lines = append(lines, "[C]: ?")
	// (lua5.1's standalone interpreter asks for the traceback from level 2)
	return formatTraceback(lines, 2)
}

// Traceback returns the traceback of thread t from level on (0: the
// builtin running, as debug.traceback counts, or the one a suspended
// coroutine waits in, its yield; 1: the function that called it). A
// coroutine has no C level at its bottom, as the main thread has; one
// that died by an error has its frames, below the builtin that raised it.
func (t *Thread) Traceback(level int) string {
	var lines []string
	if t.goCall != nil || len(t.frames) > 0 && t.status != coDead {
		lines = append(lines, cLine(t))
	}
	lines = append(lines, t.p.frameLines(t)...)
	if t == t.p.Main {
		lines = append(lines, "[C]: ?")
	}
	return formatTraceback(lines[min(max(level, 0), len(lines)):], level)
}

// formatTraceback is "stack traceback:" and the lines of the levels from
// level on, elided.
func formatTraceback(lines []string, level int) string {
	if len(lines) == 0 {
		return "stack traceback:"
	}
	return "stack traceback:\n\t" + strings.Join(elide(lines, level), "\n\t")
}

// elideKeep is how many levels elide keeps at the end.
const elideKeep = 10

// elide shortens the lines of levels from level on as lua5.1's
// debug.traceback does: the levels up to 11, "...", the last 10, when
// there are more than 10 after the 11th.
func elide(lines []string, level int) []string {
	first := max(12-level, 0)
	if len(lines) <= first+elideKeep+1 {
		return lines
	}
	out := append([]string{}, lines[:first]...)
	out = append(out, "...")
	return append(out, lines[len(lines)-elideKeep:]...)
}

func shortName(n string) string {
	if i := strings.LastIndexByte(n, '.'); i >= 0 {
		return n[i+1:]
	}
	return n
}

func (p *Process) frameLines(th *Thread) []string {
	var lines []string
	for i := len(th.frames) - 1; i >= 0; i-- {
		fr := &th.frames[i]
		if fr.cl == nil {
			name := "pcall"
			switch fr.bound {
			case boundXpcall, boundXpcallHandling:
				name = "xpcall"
			case boundCont, boundC:
				name = shortName(fr.gofn.Name)
				if _, n := th.callName(i); n != "" {
					name = n
				}
			}
			lines = append(lines, fmt.Sprintf("[C]: in function '%s'", name))
			continue
		}
		ip := fr.cl.P.IR
		what := ""
		switch {
		case ip.ID == "0":
			what = "in main chunk"
		default:
			if _, name := th.callName(i); name != "" {
				what = "in function '" + name + "'"
			} else {
				what = fmt.Sprintf("in function <%s:%d>", ip.Source, ip.LineDefined)
			}
		}
		lines = append(lines, fmt.Sprintf("%s:%d: %s", ip.Source, currentLine(fr), what))
		// the tail calls it replaced, a level each; more than elide
		// keeps of a run would change nothing it prints
		for range min(fr.tails, 2*elideKeep+3) {
			lines = append(lines, "(tail call): ?")
		}
	}
	return lines
}

// callName is how frame i of th was called, as lua5.1's getfuncname
// tells it: the kind and name of what the calling instruction of the
// frame below called ("global", "print"), or none when no instruction
// called it by a name (a metamethod, a builtin's call, a function a tail
// call reached: lua5.1's).
func (th *Thread) callName(i int) (kind, name string) {
	fr := &th.frames[i]
	if i == 0 || fr.Mode != modeNormal || fr.tails > 0 || th.frames[i-1].cl == nil {
		return "", ""
	}
	pc := int(th.frames[i-1].pc) - 1
	if fr.bound == boundC { // (the caller has gone on, its return event due)
		pc = int(fr.pc) - 1
	}
	return calledName(&th.frames[i-1], pc)
}

// calledName is the kind and name of the function that the instruction at
// pc of frame caller calls.
func calledName(caller *Frame, pc int) (kind, name string) {
	ip := caller.cl.P.IR
	if pc < 0 || pc >= len(ip.Code) {
		return "", ""
	}
	in := ip.Code[pc]
	switch in.Op {
	case ir.CALL, ir.TAILCALL:
		return objName(ip, pc, int(in.A))
	case ir.TFORCALL:
		return "local", "(for generator)"
	}
	return "", ""
}

// cLine describes the builtin running on top of th, named as its caller
// called it (lua5.1 names C functions that way).
func cLine(th *Thread) string {
	if _, name := th.topCallName(); name != "" {
		return "[C]: in function '" + name + "'"
	}
	return "[C]: ?"
}

// topCallName is how the builtin on top of th (level 0) was called: the
// kind and name of what the calling instruction of the frame on top
// called, or none.
func (th *Thread) topCallName() (kind, name string) {
	if n := len(th.frames); n > 0 && th.frames[n-1].cl != nil {
		return calledName(&th.frames[n-1], int(th.frames[n-1].pc-1))
	}
	return "", ""
}
