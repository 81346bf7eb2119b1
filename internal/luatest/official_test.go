package luatest

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/mobilua/mobilua/internal/testbin"

	// Lua 5.1's test files come with gopher-lua's module (its
	// _lua5.1-tests): this import keeps the module in go.mod and has go
	// test fetch it, now that no package of Mobilua's imports gopher-lua.
	_ "github.com/yuin/gopher-lua/ast"
)

// officialPassing lists the files of Lua 5.1's own test suite (as shipped in
// gopher-lua's module, _lua5.1-tests and _glua-tests) that run to the end
// on Mobilua and print what lua5.1 prints; a name under testdata/official
// is a file of the suite restored or changed (its README says how), run
// from the suite's directory.
//
// Not run, with the reason: all.lua (drives the others with dofile, and
// string.dump's bytecode), big.lua (lua5.1 itself times out), main.lua
// (drives the lua5.1 executable).
var officialPassing = []string{
	"_lua5.1-tests/api.lua",
	"_lua5.1-tests/attrib.lua",
	"_lua5.1-tests/calls.lua",
	"_lua5.1-tests/checktable.lua",
	"testdata/official/closure.lua",
	"_lua5.1-tests/code.lua",
	"_lua5.1-tests/constructs.lua",
	"_lua5.1-tests/db.lua",
	"_lua5.1-tests/errors.lua",
	"_lua5.1-tests/events.lua",
	"_lua5.1-tests/files.lua",
	"_lua5.1-tests/gc.lua",
	"_lua5.1-tests/literals.lua",
	"_lua5.1-tests/locals.lua",
	"testdata/official/math.lua",
	"_lua5.1-tests/nextvar.lua",
	"testdata/official/pm.lua",
	"_lua5.1-tests/sort.lua",
	"_lua5.1-tests/strings.lua",
	"_lua5.1-tests/vararg.lua",
	"_lua5.1-tests/verybig.lua",
	"_glua-tests/base.lua",
	"_glua-tests/table.lua",
}

// TestOfficialSuite runs those files: each must finish without error, and
// print what lua5.1 prints.
// Times are masked: the date files.lua prints when it ends (the two runs
// may end in two seconds), and the seconds sort.lua takes.
var clockRe = regexp.MustCompile(`on \d\d/\d\d/\d{4}, at \d\d:\d\d:\d\d|in \d+\.\d+ sec`)

func TestOfficialSuite(t *testing.T) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/yuin/gopher-lua").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	root := strings.TrimSpace(string(out))
	lua, _ := exec.LookPath("lua5.1")
	for _, rel := range officialPassing {
		t.Run(rel, func(t *testing.T) {
			path, dir := filepath.Join(root, rel), filepath.Dir(filepath.Join(root, rel))
			name := filepath.Base(path)
			if strings.HasPrefix(rel, "testdata/") { // restored: run beside the suite's helpers
				path, _ = filepath.Abs(rel)
				dir, name = filepath.Join(root, "_lua5.1-tests"), path
			}
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			wd, _ := os.Getwd()
			os.Chdir(dir)
			r := Run(name, string(src), 0, false)
			os.Chdir(wd)
			if r.Err != nil {
				t.Fatalf("error: %v", r.Err)
			}
			if lua == "" {
				testbin.NeedTool(t, "lua5.1 is not installed (apt-get install lua5.1): the output is not compared")
			}
			cmd := exec.Command(lua, name)
			cmd.Dir = dir
			var want bytes.Buffer
			cmd.Stdout = &want
			if err := cmd.Run(); err != nil {
				t.Fatalf("lua5.1 fails on it: %v", err)
			}
			got, exp := clockRe.ReplaceAllString(r.Stdout, "TIME"), clockRe.ReplaceAllString(want.String(), "TIME")
			if got != exp {
				t.Errorf("stdout differs from lua5.1\nmobilua: %q\nlua5.1:  %q", got, exp)
			}
		})
	}
}

// TestBenchPrograms runs the project's benchmark programs (bench/lua:
// larger object-heavy programs) on the interpreter and compares their
// output with lua5.1's, byte for byte (make bench compares it on compiled
// code too).
func TestBenchPrograms(t *testing.T) {
	if testing.Short() {
		t.Skip("seconds of benchmark programs")
	}
	lua, err := exec.LookPath("lua5.1")
	if err != nil {
		testbin.NeedTool(t, "lua5.1 is not installed (apt-get install lua5.1): the output is not compared")
	}
	files, _ := filepath.Glob("../../bench/lua/*.lua")
	if len(files) < 5 {
		t.Fatalf("bench/lua has %d programs", len(files))
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			t.Parallel()
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			want, err := exec.Command(lua, path).Output()
			if err != nil {
				t.Fatalf("lua5.1 fails on it: %v", err)
			}
			r := Run(filepath.Base(path), string(src), 0, false)
			if r.Err != nil || r.Stdout != string(want) {
				t.Errorf("mobilua: %v\n%q\nlua5.1:\n%q", r.Err, r.Stdout, want)
			}
		})
	}
}
