package cli

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"

	"github.com/mobilua/mobilua/runtime"
)

// repl is lua5.1's interactive mode (lua.c's dotty): a chunk read a line
// at a time while it is incomplete, =expr read as return expr, what a
// chunk returns printed by print, errors said without the program's
// name; it ends at the end of input (Ctrl-D, or Ctrl-C at the prompt).
func (s *luaSession) repl(stdin io.Reader, stdout io.Writer) {
	s.prog = ""
	defer func() { s.prog = "mobilua: " }()
	in := newLineReader(stdin, stdout)
	for {
		fn, ok, err := s.readChunk(in)
		if !ok {
			break
		}
		if err != nil {
			s.out.Flush()
			fmt.Fprintln(s.stderr, err)
			continue
		}
		if ok, _ := s.call(fn, nil); ok {
			s.show(s.p.Results())
		}
	}
	s.out.WriteString("\n")
	s.out.Flush()
}

// readChunk reads lines until they make a chunk that compiles, or that
// is wrong for another reason than its end (its error); false at the end
// of input.
func (s *luaSession) readChunk(in lineReader) (fn runtime.Value, ok bool, err error) {
	line, ok := s.readLine(in, "_PROMPT", "> ")
	if !ok {
		return runtime.Nil, false, nil
	}
	if expr, ok := strings.CutPrefix(line, "="); ok {
		line = "return " + expr
	}
	for {
		fn, err := s.load([]byte(line), "=stdin", false)
		if err == nil || !strings.HasSuffix(err.Error(), "'<eof>'") {
			return fn, true, err
		}
		more, ok := s.readLine(in, "_PROMPT2", ">> ")
		if !ok {
			return runtime.Nil, false, nil
		}
		line += "\n" + more
	}
}

// readLine reads a line after the prompt the global name holds, or def.
func (s *luaSession) readLine(in lineReader, name, def string) (string, bool) {
	prompt := def
	if p, ok := runtime.ToStringRaw(s.p.Globals.GetStr(name)); ok {
		prompt = p
	}
	s.out.Flush()
	return in.read(prompt)
}

// show prints a chunk's results with the global print, as lua5.1 does.
func (s *luaSession) show(results []runtime.Value) {
	if len(results) == 0 {
		return
	}
	vals := append([]runtime.Value(nil), results...)
	print := s.p.Globals.GetStr("print")
	s.p.Start(print, vals...)
	if end, err := drive(s.p, s.out, s.stderr, s.cp, nil, &s.interrupt); end == endFailed {
		s.out.Flush()
		msg := err.Error()
		if le, ok := err.(*runtime.Error); ok {
			msg, _ = runtime.ToStringRaw(le.Value)
		}
		fmt.Fprintf(s.stderr, "error calling 'print' (%s)\n", msg)
	}
}

// A lineReader reads the lines typed at the prompt.
type lineReader interface {
	// read writes prompt and returns the next line; false at the end.
	read(prompt string) (string, bool)
}

// newLineReader reads a terminal with line editing and history, and
// anything else a line at a time, echoing it after the prompt as
// Debian's lua5.1 (readline) does.
func newLineReader(stdin io.Reader, stdout io.Writer) lineReader {
	if f, ok := stdin.(*os.File); ok && terminal(f) {
		return &termLines{fd: int(f.Fd()), t: term.NewTerminal(struct {
			io.Reader
			io.Writer
		}{f, stdout}, "")}
	}
	return &plainLines{r: bufio.NewReader(stdin), w: stdout}
}

func terminal(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }

// termLines reads a terminal: raw while a line is typed (arrows move and
// recall earlier lines), as it was while the chunk runs (Ctrl-C
// interrupts it).
type termLines struct {
	fd int
	t  *term.Terminal
}

func (r *termLines) read(prompt string) (string, bool) {
	old, err := term.MakeRaw(r.fd)
	if err != nil {
		return "", false
	}
	defer term.Restore(r.fd, old)
	if w, h, err := term.GetSize(r.fd); err == nil && w > 0 && h > 0 {
		r.t.SetSize(w, h) // (a terminal that says 0 gets x/term's 80×24)
	}
	r.t.SetPrompt(prompt)
	line, err := r.t.ReadLine()
	return line, err == nil
}

// plainLines reads lines that do not come from a terminal.
type plainLines struct {
	r *bufio.Reader
	w io.Writer
}

func (r *plainLines) read(prompt string) (string, bool) {
	io.WriteString(r.w, prompt)
	line, err := r.r.ReadString('\n')
	if line == "" && err != nil {
		return "", false
	}
	line = strings.TrimSuffix(line, "\n")
	io.WriteString(r.w, line+"\n")
	return line, true
}
