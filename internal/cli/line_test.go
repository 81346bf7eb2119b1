package cli

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/mobilua/mobilua/internal/testbin"
)

// A commandLine is run by lua5.1 and by mobilua, as programs.
type commandLine struct {
	name  string
	args  []string
	stdin string
	env   []string // LUA_INIT=...
	// version: standard error starts with the version line, which
	// differs; statusOnly: the messages differ on purpose (a usage error
	// in one line, require's C loaders)
	version, statusOnly bool
}

var commandLines = []commandLine{
	{name: "script and its arguments", args: []string{"args.lua", "a", "b c"}},
	{name: "-e chunks in order, then the script", args: []string{"-e", "x = 1", "-e", "y = x + 1", "args.lua", "z"}},
	{name: "-e joined to its chunk", args: []string{"-ex=7", "args.lua"}},
	{name: "-e alone: no arg table", args: []string{"-e", "print(arg, ...)"}},
	{name: "-e before the script sees no arg", args: []string{"-e", "print(arg[1])", "args.lua"}},
	{name: "empty -e", args: []string{"-e", ""}},
	{name: "-e error", args: []string{"-e", "error('boom')"}},
	{name: "-e error with a table", args: []string{"-e", "error({})"}},
	{name: "-e error(nil)", args: []string{"-e", "error()"}},
	{name: "-e syntax error", args: []string{"-e", "x ="}},
	{name: "-e stops the line", args: []string{"-e", "error('first')", "-e", "print('never')", "args.lua"}},
	{name: "-l then -e", args: []string{"-l", "mod", "-e", "print(package.loaded.mod.v)"}},
	{name: "-l joined", args: []string{"-lmod", "args.lua"}},
	{name: "-- then the script", args: []string{"--", "args.lua", "-e"}},
	{name: "options after the script are its arguments", args: []string{"args.lua", "-e", "print(1)", "-i"}},
	{name: "- reads the script from stdin", args: []string{"-", "p", "q"}, stdin: "print('stdin', ...) print(arg[0], arg[1])"},
	{name: "no arguments: stdin is the script", stdin: "print('piped', arg)\nerror('at line 2')"},
	{name: "a first line with #", args: []string{"shebang.lua", "s"}},
	{name: "os.exit's status", args: []string{"exit.lua", "3"}},
	{name: "runtime error with traceback", args: []string{"fail.lua"}},
	{name: "syntax error", args: []string{"syntax.lua"}},
	{name: "missing script", args: []string{"missing.lua"}},
	{name: "LUA_INIT chunk", args: []string{"-e", "print(greeting)"}, env: []string{"LUA_INIT=greeting = 'hi'"}},
	{name: "LUA_INIT file", args: []string{"-e", "print(greeting)"}, env: []string{"LUA_INIT=@init.lua"}},
	{name: "LUA_INIT error", args: []string{"-e", "print('never')"}, env: []string{"LUA_INIT=error('in init')"}},
	{name: "LUA_INIT missing file", args: []string{"-e", "print('never')"}, env: []string{"LUA_INIT=@nothere.lua"}},
	{name: "-i: the prompt on stdin", args: []string{"-i"}, version: true, stdin: "x = 2\n=x * 21\nfunction f(a)\nreturn a, a + 1\nend\n=f(1)\nerror('oops')\n1 +\n_PROMPT = 'lua> '\n_PROMPT2 = '... '\nif x then\nprint('yes') end\nprint = nil\n=1\n"},
	{name: "-e then -i", args: []string{"-e", "y = 'kept'", "-i"}, version: true, stdin: "=y\n"},
	{name: "-i stdin ends inside a chunk", args: []string{"-i"}, version: true, stdin: "for i = 1, 2 do\n"},
	{name: "-v", args: []string{"-v"}, version: true},
	{name: "unknown option", args: []string{"-x", "args.lua"}, statusOnly: true},
	{name: "-e without its chunk", args: []string{"-e"}, statusOnly: true},
	{name: "-i with a tail", args: []string{"-ix"}, statusOnly: true},
	{name: "-l of a missing module", args: []string{"-l", "nomod"}, statusOnly: true},
}

// TestCommandLinesAgainstLua51 runs the same command lines through lua5.1
// and mobilua and requires the same standard output, standard error (the
// program's name aside) and exit status; where the messages differ on
// purpose, the same output and status, and the prompt's transcript on
// standard output.
func TestCommandLinesAgainstLua51(t *testing.T) {
	lua, err := exec.LookPath("lua5.1")
	if err != nil {
		testbin.NeedTool(t, "lua5.1 is not installed (apt-get install lua5.1)")
	}
	bin := testbin.Mobilua(t)
	for _, c := range commandLines {
		t.Run(c.name, func(t *testing.T) {
			run := func(prog string) (string, string, int) {
				cmd := exec.Command(prog, c.args...)
				cmd.Dir = "../../testdata/cli/line"
				cmd.Env = append([]string{"PATH=/usr/bin:/bin", "LUA_PATH=./?.lua"}, c.env...)
				cmd.Stdin = strings.NewReader(c.stdin)
				var o, e strings.Builder
				cmd.Stdout, cmd.Stderr = &o, &e
				cmd.Run()
				return o.String(), e.String(), cmd.ProcessState.ExitCode()
			}
			// arg's lowest index is the program: by a path that runs it
			lout, lerr, lcode := run(lua)
			mout, merr, mcode := run(bin)
			lout = strings.ReplaceAll(lout, lua, "PROGRAM")
			mout = strings.ReplaceAll(mout, bin, "PROGRAM")
			if mout != lout {
				t.Errorf("stdout\nmobilua: %q\nlua5.1:  %q", mout, lout)
			}
			if mcode != lcode {
				t.Errorf("exit status %d, lua5.1's %d", mcode, lcode)
			}
			lerr = strings.ReplaceAll(lerr, lua+":", "lua5.1:")
			if c.version {
				lv, lrest, _ := strings.Cut(lerr, "\n")
				mv, mrest, _ := strings.Cut(merr, "\n")
				if !strings.HasPrefix(lv, "Lua 5.1") || !strings.HasPrefix(mv, "Mobilua ") {
					t.Errorf("version lines: mobilua %q, lua5.1 %q", mv, lv)
				}
				lerr, merr = lrest, mrest
			}
			if want := strings.ReplaceAll(lerr, "lua5.1:", "mobilua:"); !c.statusOnly && merr != want {
				t.Errorf("stderr\nmobilua:\n%s\nlua5.1:\n%s", merr, want)
			}
		})
	}
}
