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
		t.Skip("lua5.1 is not installed; CLI comparison skipped")
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
	if _, errs, code := run("", "frobnicate"); !strings.Contains(errs, `unknown command "frobnicate"`) || code != 2 {
		t.Errorf("unknown command: %q, status %d", errs, code)
	}
	if _, errs, code := run("", "run"); !strings.Contains(errs, "no script given") || code != 2 {
		t.Errorf("run without script: %q, status %d", errs, code)
	}
	if _, errs, code := run("", "run", "missing.lua"); errs != "mobilua: cannot open missing.lua: No such file or directory\n" || code != 1 {
		t.Errorf("missing file: %q, status %d", errs, code)
	}
	if out, _, code := run("", "version"); !strings.HasPrefix(out, "mobilua ") || code != 0 {
		t.Errorf("version: %q", out)
	}
	if out, _, code := run("", "help"); !strings.Contains(out, "run [--sandbox] [--max-steps N] [--checkpoint FILE --every N] script.lua") || !strings.Contains(out, "resume [--checkpoint") || code != 0 {
		t.Errorf("help: %q", out)
	}
	if _, errs, code := run("", "run", "--max-steps", "1000", "-e", "while true do end"); !strings.HasPrefix(errs, "mobilua: (command line):1: step limit exceeded (1000 steps)") || code != 1 {
		t.Errorf("max-steps: %q, status %d", errs, code)
	}
	if out, _, code := run("", "run", "--sandbox", "-e", "print(io, os.exit)"); out != "nil\tnil\n" || code != 0 {
		t.Errorf("sandbox: %q", out)
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
}
