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
// coroutine has no C level at its bottom, as the main thread has.
func (t *Thread) Traceback(level int) string {
	var lines []string
	if t.goCall != nil || len(t.frames) > 0 {
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
			case boundCont:
				name = shortName(fr.gofn.Name)
				if i > 0 && th.frames[i-1].cl != nil {
					if n := calledName(&th.frames[i-1]); n != "" {
						name = n
					}
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
			name := ""
			if i > 0 && fr.Mode == modeNormal && fr.tails == 0 { // (one a tail call reached has none)
				caller := &th.frames[i-1]
				if caller.cl != nil {
					name = calledName(caller)
				}
			}
			if name != "" {
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

// calledName is the name of the function that the caller frame is calling.
func calledName(caller *Frame) string {
	ip := caller.cl.P.IR
	pc := caller.pc - 1
	if pc < 0 || pc >= len(ip.Code) {
		return ""
	}
	in := ip.Code[pc]
	switch in.Op {
	case ir.CALL, ir.TAILCALL:
		_, name := objName(ip, pc, int(in.A))
		return name
	case ir.TFORCALL:
		return "(for generator)"
	}
	return ""
}

// cLine describes the builtin running on top of th, named as its caller
// called it (lua5.1 names C functions that way).
func cLine(th *Thread) string {
	if n := len(th.frames); n > 0 && th.frames[n-1].cl != nil {
		if name := calledName(&th.frames[n-1]); name != "" {
			return "[C]: in function '" + name + "'"
		}
	}
	return "[C]: ?"
}
