package luatest

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// officialPassing lists the files of Lua 5.1's own test suite (as shipped in
// gopher-lua's module, _lua5.1-tests and _glua-tests) that run to the end
// on Mobilua. The others need what the standard library issue adds
// (require, io.tmpfile, os.setlocale, table.foreach, weak tables...).
var officialPassing = []string{
	"_lua5.1-tests/api.lua",
	"_lua5.1-tests/calls.lua",
	"_lua5.1-tests/checktable.lua",
	"_lua5.1-tests/closure.lua",
	"_lua5.1-tests/code.lua",
	"_lua5.1-tests/constructs.lua",
	"_lua5.1-tests/errors.lua",
	"_lua5.1-tests/locals.lua",
	"_lua5.1-tests/sort.lua",
	"_glua-tests/base.lua",
	"_glua-tests/table.lua",
}

// TestOfficialSuite runs those files: each must finish without error, and
// print what lua5.1 prints (sort.lua prints timings, so only its first line).
func TestOfficialSuite(t *testing.T) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/yuin/gopher-lua").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	root := strings.TrimSpace(string(out))
	lua, _ := exec.LookPath("lua5.1")
	for _, rel := range officialPassing {
		t.Run(rel, func(t *testing.T) {
			path := filepath.Join(root, rel)
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			wd, _ := os.Getwd()
			os.Chdir(filepath.Dir(path))
			r := Run(filepath.Base(path), string(src), 0, false)
			os.Chdir(wd)
			if r.Err != nil {
				t.Fatalf("error: %v", r.Err)
			}
			if lua == "" {
				return
			}
			cmd := exec.Command(lua, filepath.Base(path))
			cmd.Dir = filepath.Dir(path)
			var want bytes.Buffer
			cmd.Stdout = &want
			if err := cmd.Run(); err != nil {
				t.Fatalf("lua5.1 fails on it: %v", err)
			}
			got, exp := r.Stdout, want.String()
			if strings.HasSuffix(rel, "sort.lua") {
				got, exp = strings.SplitN(got, "\n", 2)[0], strings.SplitN(exp, "\n", 2)[0]
			}
			if got != exp {
				t.Errorf("stdout differs from lua5.1\nmobilua: %q\nlua5.1:  %q", got, exp)
			}
		})
	}
}
