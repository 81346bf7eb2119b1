package cli

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/mobilua/mobilua/internal/testbin"
)

// TestAgainstLua51 runs each script in testdata/cli with `mobilua run` and
// with lua5.1 and requires the same stdout, stderr (with the program name
// replaced) and exit status.
func TestAgainstLua51(t *testing.T) {
	lua, err := exec.LookPath("lua5.1")
	if err != nil {
		testbin.NeedTool(t, "lua5.1 is not installed (apt-get install lua5.1)")
	}
	files, _ := filepath.Glob("../../testdata/cli/*.lua")
	if len(files) == 0 {
		t.Fatal("no scripts in testdata/cli")
	}
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(name, func(t *testing.T) {
			cmd := exec.Command(lua, name, "x", "y")
			cmd.Args[0] = "lua5.1"
			cmd.Dir = filepath.Dir(f)
			var lout, lerr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &lout, &lerr
			cmd.Run()
			lcode := cmd.ProcessState.ExitCode()

			wd, _ := os.Getwd()
			os.Chdir(filepath.Dir(f))
			defer os.Chdir(wd)
			var mout, merr bytes.Buffer
			if name == "args_exit.lua" {
				// os.exit would end the test binary; TestBinary runs it
				t.Skip("os.exit is covered by TestBinary")
			}
			code := Main([]string{"run", name, "x", "y"}, strings.NewReader(""), &mout, &merr)
			if mout.String() != lout.String() {
				t.Errorf("stdout\nmobilua: %q\nlua5.1:  %q", mout.String(), lout.String())
			}
			want := strings.ReplaceAll(lerr.String(), "lua5.1:", "mobilua:")
			if merr.String() != want {
				t.Errorf("stderr\nmobilua:\n%s\nlua5.1:\n%s", merr.String(), want)
			}
			if code != lcode {
				t.Errorf("exit status %d, lua5.1 %d", code, lcode)
			}
		})
	}
}

// TestBinary builds the command and checks what needs a real process:
// os.exit, reading the script from stdin, -e, and usage errors.
func TestBinary(t *testing.T) {
	bin := testbin.Mobilua(t)
	run := func(stdin string, args ...string) (string, string, int) {
		return testbin.Run("../../testdata/cli", strings.NewReader(stdin), bin, args...)
	}
	if out, _, code := run("", "run", "args_exit.lua", "x", "y"); out != "2\targs_exit.lua\tx\ty\tx\ty\n" || code != 3 {
		t.Errorf("args_exit.lua: %q, status %d", out, code)
	}
	if out, _, code := run("print(1 + 1, ...)", "run", "-", "a"); out != "2\ta\n" || code != 0 {
		t.Errorf("run -: %q, status %d", out, code)
	}
	if out, _, code := run("", "run", "-e", "print(6 * 7)"); out != "42\n" || code != 0 {
		t.Errorf("run -e: %q, status %d", out, code)
	}
	if _, errs, code := run("", "run", "-e", "error('x')"); !strings.HasPrefix(errs, "mobilua: (command line):1: x\nstack traceback:\n") || code != 1 {
		t.Errorf("run -e error: %q, status %d", errs, code)
	}
	if _, errs, code := run("", "frobnicate"); errs != "mobilua: cannot open frobnicate: No such file or directory\n(nor is frobnicate a command: mobilua help lists them)\n" || code != 1 {
		t.Errorf("unknown command: %q, status %d", errs, code)
	}
	if out, _, code := run("print('from stdin')", "run"); out != "from stdin\n" || code != 0 {
		t.Errorf("run without script: %q, status %d", out, code)
	}
	if _, errs, code := run("", "run", "missing.lua"); errs != "mobilua: cannot open missing.lua: No such file or directory\n" || code != 1 {
		t.Errorf("missing file: %q, status %d", errs, code)
	}
	if out, _, code := run("", "version"); !strings.HasPrefix(out, "mobilua ") || code != 0 {
		t.Errorf("version: %q", out)
	}
	if out, _, code := run("", "help"); !strings.Contains(out, "usage: mobilua [options] [script [args]]") || !strings.Contains(out, "  resume    continue a process") || code != 0 {
		t.Errorf("help: %q", out)
	}
	if _, errs, code := run("", "run", "--max-steps", "1000", "-e", "while true do end"); !strings.HasPrefix(errs, "mobilua: (command line):1: step limit exceeded (1000 steps)") || code != 1 {
		t.Errorf("max-steps: %q, status %d", errs, code)
	}
	// the error names a line of the loop (its jump back, which has the
	// line of the body's last token, as in lua5.1), not the chunk's first
	if _, errs, code := run("", "--max-steps", "1000", "-e", "local n = 0\nwhile true do\n  n = n + 1\nend"); !strings.HasPrefix(errs, "mobilua: (command line):3: step limit exceeded (1000 steps)") || code != 1 {
		t.Errorf("max-steps in a loop: %q, status %d", errs, code)
	}
	if out, _, code := run("", "run", "--sandbox", "-e", "print(io, os.exit)"); out != "nil\tnil\n" || code != 0 {
		t.Errorf("sandbox: %q", out)
	}
	if out, _, code := run("print(arg[0], arg[1], ...)", "--sandbox", "-", "q"); out != "-\tq\tq\n" || code != 0 {
		t.Errorf("sandbox keeps arg: %q, status %d", out, code)
	}
}

// TestVersionOf: the version names the commit the build recorded.
func TestVersionOf(t *testing.T) {
	info := &debug.BuildInfo{Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "9fa7a0c1234567890abc"},
		{Key: "vcs.time", Value: "2026-12-05T18:48:21Z"}, {Key: "vcs.modified", Value: "true"}}}
	if got := VersionOf("0.1.0", func() (*debug.BuildInfo, bool) { return info, true }); got != "0.1.0 (9fa7a0c12345 2026-12-05T18:48:21Z, modified)" {
		t.Errorf("got %q", got)
	}
	if got := VersionOf("0.1.0", func() (*debug.BuildInfo, bool) { return &debug.BuildInfo{}, true }); got != "0.1.0" {
		t.Errorf("without VCS information: %q", got)
	}
	tagged := &debug.BuildInfo{Main: debug.Module{Version: "v0.2.0"}}
	if got := VersionOf("0.1.0", func() (*debug.BuildInfo, bool) { return tagged, true }); got != "0.2.0" {
		t.Errorf("a tagged module: %q", got)
	}
	for _, v := range []string{"(devel)", "v0.0.0-20261205202120-3cef09e4e348", "v0.1.1-0.20261205202120-3cef09e4e348+dirty"} {
		between := &debug.BuildInfo{Main: debug.Module{Version: v}}
		if got := VersionOf("0.1.0", func() (*debug.BuildInfo, bool) { return between, true }); got != "0.1.0" {
			t.Errorf("a build between tags (%s): %q", v, got)
		}
	}
}

// TestDelegate: mobilua runs mobilua-full for the commands it does not
// carry, as the same process (its exit status is the command's), and
// without it says where it looked.
func TestDelegate(t *testing.T) {
	bin := testbin.Mobilua(t)
	dir := t.TempDir()
	if out, errs, code := testbin.Run(dir, nil, bin, "store", "ls", filepath.Join(dir, "none.db")); code != 1 || out != "" || !strings.Contains(errs, "none.db") {
		t.Errorf("store ls of a missing store: status %d, %q, %q", code, out, errs)
	}
	alone := filepath.Join(dir, "mobilua")
	data, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(alone, data, 0o755)
	cmd := exec.Command(alone, "host", "--help")
	cmd.Env = append(os.Environ(), "PATH="+dir)
	out, err := cmd.CombinedOutput()
	if code := cmd.ProcessState.ExitCode(); code != 1 || !strings.Contains(string(out), "mobilua host: this command is in mobilua-full, which is neither beside "+alone+" nor on PATH") {
		t.Errorf("without mobilua-full: status %d, %v, %q", code, err, out)
	}
	if out, _, code := testbin.Run(dir, nil, alone, "-e", "print(1 + 1)"); code != 0 || out != "2\n" {
		t.Errorf("a script without mobilua-full: status %d, %q", code, out)
	}
}

// TestCommandHelp: every command answers --help and help COMMAND with the
// same help on stdout, status 0, naming each of its flags; a usage error
// is one line and a hint, status 2; flags may follow the arguments.
func TestCommandHelp(t *testing.T) {
	bin := testbin.Mobilua(t)
	run := func(args ...string) (string, string, int) {
		return testbin.Run(t.TempDir(), nil, bin, args...)
	}
	top, _, _ := run("help")
	for _, name := range []string{"run", "resume", "inspect", "compile", "build", "console", "host", "client", "store", "version", "help"} {
		if !strings.Contains(top, "\n  "+name+" ") {
			t.Errorf("mobilua help does not list %s", name)
		}
		out, errs, code := run(name, "--help")
		if code != 0 || errs != "" || !strings.HasPrefix(out, "usage: mobilua ") {
			t.Errorf("%s --help: status %d, %q, %q", name, code, out, errs)
		}
		if again, _, code := run("help", name); again != out || code != 0 {
			t.Errorf("help %s differs from %s --help:\n%s\n%s", name, name, again, out)
		}
		if name == "run" || name == "help" {
			continue // lua5.1's options; help's argument is a command
		}
		_, errs, code = run(name, "--no-such-flag")
		if lines := strings.Split(strings.TrimSuffix(errs, "\n"), "\n"); code != 2 || len(lines) != 2 || !strings.Contains(lines[1], "mobilua help "+name) {
			t.Errorf("%s with a bad flag: status %d, %q", name, code, errs)
		}
	}
	host, _, _ := run("help", "host")
	for _, flag := range []string{"-jid", "-peer", "-config", "-component", "-http", "-store", "-password-file"} {
		if !strings.Contains(host, "  "+flag+" ") && !strings.Contains(host, "  "+flag+"\n") {
			t.Errorf("host's help does not name %s:\n%s", flag, host)
		}
	}
	dir := t.TempDir()
	script := filepath.Join(dir, "hello.lua")
	os.WriteFile(script, []byte("print('hi')"), 0o644)
	out, errs, code := run("compile", script, "-o", filepath.Join(dir, "gen"), "-package", "gen")
	if code != 0 || strings.TrimSpace(out) != filepath.Join(dir, "gen", "hello.go") {
		t.Errorf("compile with flags after the script: status %d, %q, %q", code, out, errs)
	}
	if _, errs, code := run("-x"); code != 1 || errs != "mobilua: unrecognized option '-x'\nusage: mobilua [options] [script [args]] (mobilua help says more)\n" {
		t.Errorf("a bad option: status %d, %q", code, errs)
	}
}
