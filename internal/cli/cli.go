// Package cli implements the mobilua command line: lua5.1's (options,
// the arg table, LUA_INIT, the interactive prompt, error reports, exit
// statuses), the commands' registry and their flags (Flags: help and
// usage errors alike for every command), run, resume and inspect. It is
// a package so that tests can run the command in-process, and so that
// programs made by mobilua build carry it.
//
// It sits at the top of the import graph with cmd/mobilua and
// cmd/mobilua-full.
package cli

import (
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"
	"sync"

	"github.com/mobilua/mobilua/runtime"
	"github.com/mobilua/mobilua/runtime/stdlib"
	"github.com/mobilua/mobilua/transpile"
)

// Version is the program version: the release, and the source revision
// the binary was built from when the build recorded it (VersionOf); read
// when asked, not at every start.
var Version = sync.OnceValue(func() string { return VersionOf("0.1.0", debug.ReadBuildInfo) })

// VersionOf is release with the commit, its date and whether the tree
// had changes, from the build information Go records (go build in a git
// checkout; not with -buildvcs=false); a binary built from a tagged
// module (go install ...@v0.1.0) says the tag's version.
func VersionOf(release string, read func() (*debug.BuildInfo, bool)) string {
	info, ok := read()
	if !ok {
		return release
	}
	// (a tag's version, as Go records it for a build at a tag)
	if v := info.Main.Version; tagVersion(v) {
		release = v[1:] // (not a pseudo-version: a build between tags)
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

// tagVersion is whether v is a release tag's version, vN.N.N (regexp
// would put its initialization in every script's start-up).
func tagVersion(v string) bool {
	nums := strings.Split(strings.TrimPrefix(v, "v"), ".")
	if !strings.HasPrefix(v, "v") || len(nums) != 3 {
		return false
	}
	for _, n := range nums {
		if n == "" || strings.Trim(n, "0123456789") != "" {
			return false
		}
	}
	return true
}

// help is mobilua help: the command line, its options and its commands.
func help(w io.Writer) {
	fmt.Fprintf(w, `usage: mobilua %s     run a Lua 5.1 script as lua5.1 does
       mobilua COMMAND [arguments]

options: -e stat, -l name, -i, -v, --, - (lua5.1's), --sandbox, --max-steps N,
--checkpoint FILE [--every N|TIME] (mobilua help run says what each does). With no
script, mobilua runs standard input, or at a terminal is an interactive prompt.

commands:
`, luaSynopsis)
	for _, c := range commandList() {
		fmt.Fprintf(w, "  %-9s %s\n", c.Name, c.Summary)
	}
	fmt.Fprint(w, "\nmobilua help COMMAND (or mobilua COMMAND --help) prints a command's help.\n")
}

func init() {
	Register(&Command{Name: "run", Summary: "the same as no command: mobilua run script.lua runs it", Run: runLua})
	Register(&Command{Name: "resume", Summary: "continue a process frozen by mb.freeze, mb.jump or a checkpoint", Run: resume})
	Register(&Command{Name: "inspect", Summary: "describe what a continuation holds", Run: inspect})
	Register(&Command{Name: "version", Summary: "print the version", Run: version})
	Register(&Command{Name: "help", Summary: "this help, or a command's: mobilua help COMMAND", Run: helpCmd})
}

func version(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	f := NewFlags("version", stdout, stderr, "Prints the version: the release and the commit it was built from.", "version")
	if _, status, ok := f.ParseN(args, 0, "no arguments expected"); !ok {
		return status
	}
	fmt.Fprintf(stdout, "mobilua %s (Lua 5.1)\n", Version())
	return 0
}

func helpCmd(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	switch {
	case len(args) == 0:
		help(stdout)
		return 0
	case len(args) == 1 && args[0] != "help":
		if c, ok := commands[args[0]]; ok {
			return c.Run([]string{"--help"}, stdin, stdout, stderr)
		}
		if args[0] == "--help" || args[0] == "-h" {
			break
		}
		fmt.Fprintf(stderr, "mobilua help: no command %s\nusage: mobilua help [COMMAND] (mobilua help lists them)\n", args[0])
		return 2
	}
	fmt.Fprint(stdout, "usage: mobilua help [COMMAND]\n\nPrints the help of mobilua, or of one of its commands.\n")
	return 0
}

// Script is a script built into the program (`mobilua build`): `run Name`
// runs Source instead of reading the file.
type Script struct {
	Name   string
	Source []byte
}

// Embedded is the script built into this program, or nil.
var Embedded *Script

// Main runs the command line and returns the exit status: a command
// (mobilua help lists them), or else lua5.1's command line.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		switch args[0] {
		case "--help", "-h":
			help(stdout)
			return 0
		case "--version":
			return version(nil, stdin, stdout, stderr)
		}
		if c, ok := commands[args[0]]; ok {
			if c.Name == "run" || c.Name == "resume" {
				collectLikeLua()
			}
			return c.Run(args[1:], stdin, stdout, stderr)
		}
	}
	collectLikeLua()
	return runLua(args, stdin, stdout, stderr)
}

// collectLikeLua sets Go's collector for a script's heap, unless GOGC
// says otherwise: collect when the heap has tripled, not doubled (Lua 5.1
// waits for it to double, but its collector does not rescan the whole
// heap each cycle the way Go's does: building a 3-million-item array took
// 4× as long).
func collectLikeLua() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(200)
	}
}

// NewProcess makes a process with the standard library (and package,
// outside the sandbox), writing to out, sealed (runtime.Process.SealNatives).
func NewProcess(out io.Writer, stderr io.Writer, sandbox bool) *runtime.Process {
	// (run sets arg and package.path after the baseline is sealed)
	return stdlib.NewProcess(stdlib.ProfileOf(sandbox), transpile.Compiler{}, out, stderr)
}

func closureValue(cl *runtime.Closure) runtime.Value { return runtime.ClosureValue(cl) }

// reportError writes a script's error as lua5.1 does, after prog
// ("mobilua: "; nothing at the interactive prompt).
func reportError(stderr io.Writer, prog string, err error) {
	le, ok := err.(*runtime.Error)
	if !ok {
		fmt.Fprintf(stderr, "%s%v\n", prog, err)
		return
	}
	if le.Value.IsNil() {
		return
	}
	if _, isStr := runtime.ToStringRaw(le.Value); !isStr {
		fmt.Fprintf(stderr, "%s(error object is not a string)\n", prog)
		return
	}
	msg := le.Error()
	if le.Traceback != "" {
		msg += "\n" + le.Traceback
	}
	fmt.Fprintf(stderr, "%s%s\n", prog, strings.TrimRight(msg, "\n"))
}
