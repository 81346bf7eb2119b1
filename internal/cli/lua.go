package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/mobilua/mobilua/runtime"
	"github.com/mobilua/mobilua/runtime/stdlib"
	"github.com/mobilua/mobilua/transpile"
)

// The command line without a command is lua5.1's: `mobilua [options]
// [script [args]]`, read as lua.c reads it (collectargs, runargs,
// handle_script, dotty), with Mobilua's own options beside lua5.1's.

// luaLine is a lua5.1 command line.
type luaLine struct {
	args        []string
	chunks      []luaChunk // -e and -l, in their order
	interactive bool       // -i
	version     bool       // -v, -i
	help        bool       // --help
	script      int        // the script's index in args; -1: none
	stdin       bool       // the script is standard input (-)
	sandbox     bool
	maxSteps    int64
	cp          checkpoint
}

// luaChunk is an -e chunk (code) or an -l library (its name).
type luaChunk struct {
	lib  bool
	text string
}

// longOptions are Mobilua's options; each but --sandbox and --help takes
// a value (--name N or --name=N).
var longOptions = map[string]bool{"--sandbox": false, "--help": false, "--max-steps": true, "--checkpoint": true, "--every": true}

// parseLua reads args as lua5.1 does: options up to the first argument
// that is not one (the script), `--` ending them, `-` the script read
// from standard input.
func parseLua(args []string) (*luaLine, error) {
	l := &luaLine{args: args, script: -1, cp: checkpoint{file: new(string), every: new(period)}}
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			if i+1 < len(args) {
				l.script = i + 1
			}
			return l, l.cp.check()
		case a == "-":
			l.script, l.stdin = i, true
			return l, l.cp.check()
		case !strings.HasPrefix(a, "-"):
			l.script = i
			return l, l.cp.check()
		case a == "-i":
			l.interactive, l.version = true, true
		case a == "-v":
			l.version = true
		case strings.HasPrefix(a, "-e"), strings.HasPrefix(a, "-l"):
			text := a[2:]
			if text == "" {
				if i++; i == len(args) {
					return nil, fmt.Errorf("'%s' needs an argument", a)
				}
				text = args[i]
			}
			l.chunks = append(l.chunks, luaChunk{lib: a[1] == 'l', text: text})
		case strings.HasPrefix(a, "--"):
			var err error
			if i, err = l.long(args, i); err != nil {
				return nil, err
			}
		default:
			return nil, fmt.Errorf("unrecognized option '%s'", a)
		}
	}
	return l, l.cp.check()
}

// long reads Mobilua's option at args[i] and returns the index of its
// last argument.
func (l *luaLine) long(args []string, i int) (int, error) {
	name, val, hasVal := strings.Cut(args[i], "=")
	takes, ok := longOptions[name]
	switch {
	case !ok:
		return i, fmt.Errorf("unrecognized option '%s'", name)
	case !takes && hasVal:
		return i, fmt.Errorf("'%s' takes no value", name)
	case takes && !hasVal:
		if i++; i == len(args) {
			return i, fmt.Errorf("'%s' needs an argument", name)
		}
		val = args[i]
	}
	var err error
	switch name {
	case "--sandbox":
		l.sandbox = true
	case "--help":
		l.help = true
	case "--checkpoint":
		*l.cp.file = val
	case "--max-steps":
		l.maxSteps, err = steps(name, val)
	case "--every":
		err = l.cp.every.Set(val)
	}
	return i, err
}

func steps(name, s string) (int64, error) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("'%s' wants a number of steps, not %q", name, s)
	}
	return n, nil
}

const luaSynopsis = "[options] [script [args]]"

// luaHelp is the help of the command line without a command (and of run).
const luaHelp = `usage: mobilua ` + luaSynopsis + `
       mobilua run ` + luaSynopsis + `

Runs a Lua 5.1 script as lua5.1 does: its output, errors and exit status
are lua5.1's. With no script, reads one from standard input, or at a
terminal is an interactive prompt (> and >> for a chunk that goes on;
=expr prints expr; arrow keys edit and recall lines). LUA_INIT runs first
(@FILE: that file). The script gets its arguments in arg (arg[0] is the
script, arg[-1] ... the options and this program) and as ... .

options (lua5.1's):
  -e stat  execute string 'stat'
  -l name  require library 'name'
  -i       enter interactive mode after executing 'script'
  -v       show version information
  --       stop handling options
  -        execute stdin and stop handling options
options (Mobilua's):
  --sandbox          the host's sandbox: no io, os.execute, require, loadlib...
  --max-steps N      end the script after N steps (calls and loop turns)
  --checkpoint FILE  write the process's continuation to FILE (mobilua resume
                     FILE goes on from the last one; it is removed when the
                     script finishes)
  --every N|TIME     how often: N steps, or a duration (500ms, 2s; default 1s,
                     and at least 20 times what the last checkpoint took)
  --help             this help
`

// luaUsageError reports a bad lua5.1 command line: one line and a hint;
// the status is lua5.1's.
func luaUsageError(stderr io.Writer, err error) int {
	fmt.Fprintf(stderr, "mobilua: %v\nusage: mobilua %s (mobilua help says more)\n", err, luaSynopsis)
	return 1
}

// runLua runs a lua5.1 command line, as lua.c's pmain does.
func runLua(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	l, err := parseLua(args)
	if err != nil {
		return luaUsageError(stderr, err)
	}
	if l.help {
		fmt.Fprint(stdout, luaHelp)
		return 0
	}
	if prof := os.Getenv("MOBILUA_CPUPROFILE"); prof != "" {
		if f, err := os.Create(prof); err == nil {
			pprof.StartCPUProfile(f)
			defer pprof.StopCPUProfile()
		}
	}
	out := bufio.NewWriterSize(stdout, 64<<10)
	defer out.Flush()
	s := &luaSession{p: NewProcess(out, stderr, l.sandbox), out: out, stderr: stderr, prog: "mobilua: ", cp: l.cp}
	s.p.MaxSteps = l.maxSteps
	stopInterrupts := s.catchInterrupts()
	defer stopInterrupts()
	if !s.init() {
		return 1
	}
	frozen := false
	defer func() {
		if !frozen { // lua5.1 closes its state: the finalizers run
			s.p.Close()
		}
	}()
	if l.version {
		printVersion(stderr)
	}
	for _, c := range l.chunks {
		if !s.chunk(c) {
			return 1
		}
	}
	if l.script >= 0 {
		var ok bool
		if ok, frozen = s.script(l, stdin); !ok || frozen {
			return exitStatus(ok)
		}
	}
	switch {
	case l.interactive:
		s.repl(stdin, stdout)
	case l.script < 0 && len(l.chunks) == 0 && !l.version:
		if isTerminal(stdin) {
			printVersion(stderr)
			s.repl(stdin, stdout)
			break
		}
		// lua5.1 reports the error but exits 0 here (lua.c ignores
		// dofile's status; 5.2 fixed it): so does mobilua
		s.run(stdin, "=stdin", nil)
	}
	return 0
}

func exitStatus(ok bool) int {
	if ok {
		return 0
	}
	return 1
}

func printVersion(w io.Writer) {
	fmt.Fprintf(w, "Mobilua %s  (Lua 5.1)\n", Version())
}

// luaSession is a process the command line runs chunks in, one after
// the other, as lua5.1 runs LUA_INIT, -e, -l, the script and the lines
// typed at its prompt in one state.
type luaSession struct {
	p         *runtime.Process
	out       *bufio.Writer
	stderr    io.Writer
	prog      string // before an error: "mobilua: ", none at the prompt
	cp        checkpoint
	interrupt atomic.Bool // Ctrl-C: the running chunk ends
}

// catchInterrupts makes Ctrl-C end the running chunk with "interrupted!"
// (lua5.1's laction); a second Ctrl-C before it has, ends the program.
func (s *luaSession) catchInterrupts() (stop func()) {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-ch:
				if s.interrupt.Swap(true) {
					signal.Reset(os.Interrupt)
					signal.Stop(ch)
					p, _ := os.FindProcess(os.Getpid())
					p.Signal(os.Interrupt)
					return
				}
			case <-done:
				return
			}
		}
	}()
	return func() {
		signal.Stop(ch)
		close(done)
	}
}

// init runs LUA_INIT: a chunk, or @FILE a file.
func (s *luaSession) init() bool {
	init := os.Getenv("LUA_INIT")
	if init == "" {
		return true
	}
	if file, ok := strings.CutPrefix(init, "@"); ok {
		ok, _ := s.runFile(file, nil, nil)
		return ok
	}
	ok, _ := s.run(strings.NewReader(init), "=LUA_INIT", nil)
	return ok
}

// chunk runs an -e chunk or requires an -l library.
func (s *luaSession) chunk(c luaChunk) bool {
	if !c.lib {
		ok, _ := s.run(strings.NewReader(c.text), "=(command line)", nil)
		return ok
	}
	ok, _ := s.call(s.p.Globals.GetStr("require"), []runtime.Value{runtime.String(c.text)})
	return ok
}

// script runs the script with its arguments, arg set as lua5.1 sets it.
func (s *luaSession) script(l *luaLine, stdin io.Reader) (ok, frozen bool) {
	name := l.args[l.script]
	argt := runtime.NewTable(len(l.args)-l.script, l.script+1)
	argt.SetInt(-l.script-1, runtime.String(interpreter()))
	for i, a := range l.args {
		argt.SetInt(i-l.script, runtime.String(a))
	}
	vals := make([]runtime.Value, 0, len(l.args)-l.script-1)
	for _, a := range l.args[l.script+1:] {
		vals = append(vals, runtime.String(a))
	}
	s.p.Globals.SetStr("arg", runtime.TableValue(argt))
	if l.stdin {
		return s.run(stdin, "=stdin", vals)
	}
	if !l.sandbox {
		stdlib.SetScriptDir(s.p, filepath.Dir(name))
	}
	return s.runFile(name, vals, func(err error) {
		if commandLike(name) && errors.Is(err, os.ErrNotExist) {
			fmt.Fprintf(s.stderr, "(nor is %s a command: mobilua help lists them)\n", name)
		}
	})
}

// commandLike is whether name may have been meant as a command: lower
// case letters only.
func commandLike(name string) bool {
	return name != "" && strings.Trim(name, "abcdefghijklmnopqrstuvwxyz") == ""
}

// interpreter is what arg's lowest index names: this program, by a path
// that runs it again (os.execute(arg[-1] .. " x.lua")).
func interpreter() string {
	exe, err := os.Executable()
	if err != nil {
		return "mobilua"
	}
	if real, err := filepath.EvalSymlinks(exe); err == nil {
		return real
	}
	return exe
}

// runFile runs the file name (the script built into the program when it
// is its name) with args; missing is told why a file could not be read.
func (s *luaSession) runFile(name string, args []runtime.Value, missing func(error)) (ok, frozen bool) {
	src, err := os.ReadFile(name)
	if Embedded != nil && name == Embedded.Name {
		src, err = Embedded.Source, nil
	}
	if err != nil {
		reason := "No such file or directory"
		if !errors.Is(err, os.ErrNotExist) {
			reason = err.Error()
		}
		s.out.Flush()
		fmt.Fprintf(s.stderr, "%scannot open %s: %s\n", s.prog, name, reason)
		if missing != nil {
			missing(err)
		}
		return false, false
	}
	return s.compiled(src, "@"+name, true, args)
}

// run runs the chunk read from r, named chunk, with args.
func (s *luaSession) run(r io.Reader, chunk string, args []runtime.Value) (ok, frozen bool) {
	src, err := io.ReadAll(r)
	if err != nil {
		fmt.Fprintf(s.stderr, "%scannot read %s: %v\n", s.prog, strings.TrimPrefix(chunk, "="), err)
		return false, false
	}
	return s.compiled(src, chunk, chunk == "=stdin", args)
}

// compiled compiles src and runs it with args. A file's first line
// starting with # is skipped.
func (s *luaSession) compiled(src []byte, chunk string, file bool, args []runtime.Value) (ok, frozen bool) {
	fn, err := s.load(src, chunk, file)
	if err != nil {
		s.out.Flush()
		fmt.Fprintf(s.stderr, "%s%s\n", s.prog, err)
		return false, false
	}
	return s.call(fn, args)
}

// load compiles src as a chunk of the session's process.
func (s *luaSession) load(src []byte, chunk string, file bool) (runtime.Value, error) {
	proto, err := transpile.Compile(src, chunk, transpile.Options{File: file})
	if err != nil {
		return runtime.Nil, err
	}
	c := runtime.NewChunk(chunk, src, proto)
	c.File = file
	return closureValue(s.p.Load(c)), nil
}

// call runs fn(args...) in the session's process to its end.
func (s *luaSession) call(fn runtime.Value, args []runtime.Value) (ok, frozen bool) {
	s.p.Start(fn, args...)
	return s.drive(nil)
}

// drive runs the process to its end, args the answer to its yield, and
// reports its error.
func (s *luaSession) drive(args []runtime.Value) (ok, frozen bool) {
	s.interrupt.Store(false)
	end, err := drive(s.p, s.out, s.stderr, s.cp, args, &s.interrupt)
	if end == endFailed {
		s.report(err)
	}
	return end != endFailed, end == endFrozen
}

func (s *luaSession) report(err error) {
	s.out.Flush()
	reportError(s.stderr, s.prog, err)
}

// isTerminal reports whether r is a terminal (lua5.1's lua_stdin_is_tty).
func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	return ok && terminal(f)
}
