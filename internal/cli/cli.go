// Package cli implements the mobilua command line: argument parsing, the
// run command and its lua5.1-compatible error reporting. It is a package so
// that tests can run the command in-process.
//
// It sits at the top of the import graph with cmd/mobilua.
package cli

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"runtime/pprof"
	"strings"

	"github.com/mobilua/mobilua/runtime"
	"github.com/mobilua/mobilua/runtime/stdlib"
	"github.com/mobilua/mobilua/transpile"
)

// Version is the program version: the release, and the source revision
// the binary was built from when the build recorded it (VersionOf).
var Version = VersionOf("0.1.0", debug.ReadBuildInfo)

// VersionOf is release with the commit, its date and whether the tree
// had changes, from the build information Go records (go build in a git
// checkout; not with -buildvcs=false).
func VersionOf(release string, read func() (*debug.BuildInfo, bool)) string {
	info, ok := read()
	if !ok {
		return release
	}
	var rev, at, dirty string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value[:min(12, len(s.Value))]
		case "vcs.time":
			at = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = ", modified"
			}
		}
	}
	if rev == "" {
		return release
	}
	return fmt.Sprintf("%s (%s %s%s)", release, rev, at, dirty)
}

const usage = `usage: mobilua <command> [arguments]

commands:
  run [--sandbox] [--max-steps N] [--checkpoint FILE --every N] script.lua [args...]
                                         run a Lua 5.1 script on the interpreter
  run [options] - [args...]              run a script read from standard input
  run [options] -e 'code' [args...]      run a chunk given on the command line
  resume [--checkpoint FILE --every N] FILE
                                         continue a process frozen by mb.freeze,
                                         mb.jump or a checkpoint
  inspect FILE                           describe what a continuation holds
  compile [-o DIR] [-package NAME] script.lua
                                         write the script's compiled code as a Go package
  build [-o PROG] script.lua             build a native program that runs the script
  build --cli [-o PROG] script.lua...    build a mobilua with the scripts' compiled code linked in
  console [--store FILE] [--name NAME]   a computation host (see docs/mb.md) driven from the terminal
  host --jid JID [--password-file F] [--addr A] [--store FILE] [--ca PEM | --insecure] [--peer JID] [--config F] [--takeover] [--log-format text|json] [--http ADDR]
                                         the computation host on an XMPP account
  client --jid JID --to HOST [--password-file F] [--addr A] run script.lua [args] | attach PID | ps | step CODE
                                         run a script on a host over XMPP, print its output, exit with its status
  store ls FILE | show FILE PID | rm FILE PID | check FILE | salvage FILE OUT
                                         an operator's look into a host's store (no host holding it)
  version                                print the version
  help                                   print this help
`

// Command is a command the program adds (cmd/mobilua adds compile and
// build, which programs made by build do not carry).
type Command func(args []string, stdin io.Reader, stdout, stderr io.Writer) int

// Commands are the added commands, by name.
var Commands = map[string]Command{}

// Script is a script built into the program (`mobilua build`): `run Name`
// runs Source instead of reading the file.
type Script struct {
	Name   string
	Source []byte
}

// Embedded is the script built into this program, or nil.
var Embedded *Script

// Main runs the command line and returns the exit status.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	if cmd, ok := Commands[args[0]]; ok {
		return cmd(args[1:], stdin, stdout, stderr)
	}
	switch args[0] {
	case "run", "resume":
		if os.Getenv("GOGC") == "" {
			// a script's heap is Lua's: collect when it has tripled, not
			// doubled (Lua 5.1 waits for it to double, but its collector
			// does not rescan the whole heap each cycle the way Go's
			// does: building a 3-million-item array took 4× as long)
			debug.SetGCPercent(200)
		}
	}
	switch args[0] {
	case "run":
		return run(args[1:], stdin, stdout, stderr)
	case "resume":
		return resume(args[1:], stdout, stderr)
	case "inspect":
		return inspect(args[1:], stdout, stderr)
	case "version", "--version", "-v":
		fmt.Fprintf(stdout, "mobilua %s (Lua 5.1)\n", Version)
		return 0
	case "help", "--help", "-h":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "mobilua: unknown command %q\n%s", args[0], usage)
	return 2
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	sandbox := fs.Bool("sandbox", false, "run under the sandbox profile")
	code := fs.String("e", "", "run this chunk")
	maxSteps := fs.Int64("max-steps", 0, "end the script after this many steps (calls and loop iterations)")
	cp := checkpointFlags(fs)
	fs.Usage = func() { fmt.Fprint(stderr, usage) }
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if err := cp.check(); err != nil {
		fmt.Fprintf(stderr, "mobilua run: %v\n", err)
		return 2
	}
	rest := fs.Args()
	var src []byte
	var chunk, script string
	file := false
	switch {
	case *code != "":
		src, chunk, script = []byte(*code), "=(command line)", "-e"
	case len(rest) == 0:
		fmt.Fprintf(stderr, "mobilua run: no script given\n%s", usage)
		return 2
	case rest[0] == "-":
		b, err := io.ReadAll(stdin)
		if err != nil {
			fmt.Fprintf(stderr, "mobilua: cannot read stdin: %v\n", err)
			return 1
		}
		src, chunk, script, file = b, "=stdin", "-", true
		rest = rest[1:]
	default:
		script = rest[0]
		b, err := os.ReadFile(script)
		if Embedded != nil && script == Embedded.Name {
			b, err = Embedded.Source, nil
		}
		if err != nil {
			reason := "No such file or directory"
			if !errors.Is(err, os.ErrNotExist) {
				reason = err.Error()
			}
			fmt.Fprintf(stderr, "mobilua: cannot open %s: %s\n", script, reason)
			return 1
		}
		src, chunk, file = b, "@"+script, true
		rest = rest[1:]
	}
	if prof := os.Getenv("MOBILUA_CPUPROFILE"); prof != "" {
		if f, err := os.Create(prof); err == nil {
			pprof.StartCPUProfile(f)
			defer pprof.StopCPUProfile()
		}
	}
	out := bufio.NewWriterSize(stdout, 64<<10)
	defer out.Flush()
	p := NewProcess(out, stderr, *sandbox)
	p.MaxSteps = *maxSteps
	proto, err := transpile.Compile(src, chunk, transpile.Options{File: file})
	if err != nil {
		out.Flush()
		fmt.Fprintf(stderr, "mobilua: %s\n", err)
		return 1
	}
	c := runtime.NewChunk(chunk, src, proto)
	c.File = file
	argt := runtime.NewTable(len(rest), 2)
	argt.SetInt(-1, runtime.String("mobilua"))
	argt.SetInt(0, runtime.String(script))
	vals := make([]runtime.Value, len(rest))
	for i, a := range rest {
		vals[i] = runtime.String(a)
		argt.SetInt(i+1, vals[i])
	}
	if !*sandbox {
		p.Globals.SetStr("arg", runtime.TableValue(argt))
		dir := ""
		if file && script != "-" {
			dir = filepath.Dir(script)
		}
		stdlib.SetScriptDir(p, dir)
	}
	p.Start(closureValue(p.Load(c)), vals...)
	return drive(p, out, stderr, cp, nil)
}

// NewProcess makes a process with the standard library (and package,
// outside the sandbox), writing to out, sealed (runtime.Process.SealNatives).
func NewProcess(out io.Writer, stderr io.Writer, sandbox bool) *runtime.Process {
	// (run sets arg and package.path after the baseline is sealed)
	return stdlib.NewProcess(stdlib.ProfileOf(sandbox), transpile.Compiler{}, out, stderr)
}

func closureValue(cl *runtime.Closure) runtime.Value { return runtime.ClosureValue(cl) }

func reportError(stderr io.Writer, err error) {
	le, ok := err.(*runtime.Error)
	if !ok {
		fmt.Fprintf(stderr, "mobilua: %v\n", err)
		return
	}
	if le.Value.IsNil() {
		return
	}
	if _, isStr := runtime.ToStringRaw(le.Value); !isStr {
		fmt.Fprintf(stderr, "mobilua: (error object is not a string)\n")
		return
	}
	msg := le.Error()
	if le.Traceback != "" {
		msg += "\n" + le.Traceback
	}
	fmt.Fprintf(stderr, "mobilua: %s\n", strings.TrimRight(msg, "\n"))
}
