package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
)

// FullProgram is the complete mobilua (cmd/mobilua-full): every command.
// cmd/mobilua carries run, resume, inspect, version and help, and runs
// FullProgram for the others (Delegate), so that a script starts without
// the start-up of what only a host or the compiler needs (XMPP, TLS, the
// web interface, go/types): a Go program runs every package's init
// before main, whatever the command.
const FullProgram = "mobilua-full"

// fullCommands are the commands only FullProgram carries, with their
// summaries: internal/build and internal/console register them with their
// Run (FullCommand), cmd/mobilua as delegates.
var fullCommands = []Command{
	{Name: "compile", Summary: "write a script's compiled code as a Go package"},
	{Name: "build", Summary: "build a native program that runs a script, or a mobilua with scripts' compiled code"},
	{Name: "console", Summary: "a computation host (docs/mb.md) driven from the terminal"},
	{Name: "host", Summary: "the computation host on an XMPP account"},
	{Name: "client", Summary: "run a script on a host over XMPP, print its output, exit with its status"},
	{Name: "servers", Summary: "the computation servers a directory lists, with their load and round trip"},
	{Name: "store", Summary: "an operator's look into a host's store: ls, show, rm, check, salvage"},
}

// FullCommand is FullProgram's command called name (its summary from
// fullCommands), run by run. It panics for a name fullCommands lacks (a
// program's mistake, at start).
func FullCommand(name string, run func(args []string, stdin io.Reader, stdout, stderr io.Writer) int) *Command {
	for _, c := range fullCommands {
		if c.Name == name {
			c.Run = run
			return &c
		}
	}
	panic("cli: no full command " + name)
}

// Delegate registers each command of FullProgram not registered here as
// one that runs FullProgram with the same arguments: it is looked for
// beside this program (its real path), then on PATH.
func Delegate() {
	for _, c := range fullCommands {
		if _, ok := commands[c.Name]; !ok {
			name := c.Name
			c.Run = func(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
				return runFull(append([]string{name}, args...), "this command is in", stdin, stdout, stderr)
			}
			Register(&c)
		}
	}
}

// runFull runs FullProgram with args: in place of this process when the
// streams are the process's own (its PID, signals and exit status are
// then the command's), else as a child writing to them. why says, when it
// is not found, why it was wanted ("this command is in").
func runFull(args []string, why string, stdin io.Reader, stdout, stderr io.Writer) int {
	path, err := fullPath(why)
	if err != nil {
		fmt.Fprintf(stderr, "mobilua %s: %v\n", args[0], err)
		return 1
	}
	if stdin == io.Reader(os.Stdin) && stdout == io.Writer(os.Stdout) && stderr == io.Writer(os.Stderr) {
		syscall.Exec(path, append([]string{path}, args...), os.Environ()) // returns only if it failed: then as a child
	}
	cmd := exec.Command(path, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, stdout, stderr
	if err := cmd.Run(); err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) && exit.ExitCode() >= 0 {
			return exit.ExitCode()
		}
		fmt.Fprintf(stderr, "mobilua %s: %v\n", args[0], err)
		return 1
	}
	return 0
}

// fullPath is FullProgram beside this program, or else on PATH.
func fullPath(why string) (string, error) {
	self := interpreter()
	beside := filepath.Join(filepath.Dir(self), FullProgram)
	if st, err := os.Stat(beside); err == nil && !st.IsDir() {
		return beside, nil
	}
	if path, err := exec.LookPath(FullProgram); err == nil {
		return path, nil
	}
	return "", fmt.Errorf("%s %s, which is neither beside %s nor on PATH (go install github.com/mobilua/mobilua/cmd/...@latest installs both)", why, FullProgram, self)
}
