package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
)

// A Command is one of mobilua's commands.
type Command struct {
	Name    string
	Summary string // one line, for the list in mobilua help
	// Run runs the command on its arguments (the command's name removed)
	// and returns the exit status. It answers --help with its help on
	// stdout (Flags does it).
	Run func(args []string, stdin io.Reader, stdout, stderr io.Writer) int
}

// commands are the registered commands, by name.
var commands = map[string]*Command{}

// Register adds a command (cmd/mobilua-full adds compile, build and the
// host's commands, which cmd/mobilua runs it for and programs made by
// build do not carry: FullCommand, Delegate).
func Register(c *Command) { commands[c.Name] = c }

// commandList is the commands in the order mobilua help lists them.
func commandList() []*Command {
	order := []string{"run", "resume", "inspect", "compile", "build", "console", "host", "client", "servers", "store", "version", "help"}
	var list []*Command
	for _, name := range order {
		if c, ok := commands[name]; ok {
			list = append(list, c)
		}
	}
	var others []*Command
	for name, c := range commands {
		if !slices.Contains(order, name) {
			others = append(others, c)
		}
	}
	sort.Slice(others, func(i, j int) bool { return others[i].Name < others[j].Name })
	return append(list, others...)
}

// Flags is a command's flag set. Its flags may come before or after the
// other arguments (up to Tail of them: what follows is taken as it is, a
// script's own arguments); -h and --help print the command's help on
// stdout; a usage error is one line and a hint, on stderr.
type Flags struct {
	*flag.FlagSet
	// Synopsis is the command's usage, one form a line, without the
	// program's name: "build [-o PROG] script.lua".
	Synopsis []string
	// About says what the command does, and what its arguments are.
	About string
	// Tail, when > 0, is the number of arguments after which flags are
	// no longer read.
	Tail int

	stdout, stderr io.Writer
}

// NewFlags returns the flag set of the command name.
func NewFlags(name string, stdout, stderr io.Writer, about string, synopsis ...string) *Flags {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // Parse's own messages: Flags writes its own
	fs.Usage = func() {}
	return &Flags{FlagSet: fs, Synopsis: synopsis, About: about, stdout: stdout, stderr: stderr}
}

// Parse parses args and returns the arguments that are not flags. When ok
// is false, the command ends with status: 0 after --help, 2 after a usage
// error (both reported).
func (f *Flags) Parse(args []string) (rest []string, status int, ok bool) {
	for {
		if err := f.FlagSet.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				f.Help(f.stdout)
				return nil, 0, false
			}
			return nil, f.Fail("%v", err), false
		}
		left := f.Args()
		if len(left) == 0 {
			return rest, 0, true
		}
		if read := len(args) - len(left); read > 0 && args[read-1] == "--" || f.Tail > 0 && len(rest)+1 >= f.Tail {
			// after --, or the tail: taken as they are
			return append(rest, left...), 0, true
		}
		rest = append(rest, left[0])
		args = left[1:]
	}
}

// ParseN is Parse for a command that takes exactly n arguments; want
// says which, in the usage error.
func (f *Flags) ParseN(args []string, n int, want string) (rest []string, status int, ok bool) {
	rest, status, ok = f.Parse(args)
	if ok && len(rest) != n {
		return nil, f.Fail("%s", want), false
	}
	return rest, status, ok
}

// Fail reports a usage error, one line and a hint, and returns 2.
func (f *Flags) Fail(format string, a ...any) int {
	fmt.Fprintf(f.stderr, "mobilua %s: %s\n", f.Name(), fmt.Sprintf(format, a...))
	fmt.Fprintf(f.stderr, "usage: mobilua %s (mobilua help %s says more)\n", f.Synopsis[0], f.Name())
	return 2
}

// Help writes the command's help: its usage, what it does, its flags.
func (f *Flags) Help(w io.Writer) {
	for i, s := range f.Synopsis {
		lead := "usage: "
		if i > 0 {
			lead = "       "
		}
		fmt.Fprintf(w, "%smobilua %s\n", lead, s)
	}
	if f.About != "" {
		fmt.Fprintf(w, "\n%s\n", strings.TrimRight(f.About, "\n"))
	}
	n := 0
	f.VisitAll(func(*flag.Flag) { n++ })
	if n > 0 {
		fmt.Fprint(w, "\nflags (-flag or --flag; before or after the arguments):\n")
		f.SetOutput(w)
		f.PrintDefaults()
		f.SetOutput(io.Discard)
	}
}
