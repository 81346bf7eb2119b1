package mobilua_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mobilua/mobilua/internal/build"
)

// TestCompiledCodeRuns builds a Go program that embeds Mobilua and links
// in the compiled code of a script (as mobilua compile writes it): DoFile
// of that script runs the compiled code (found by the source's hash), with
// the interpreter's output; without the import it would not (Stats).
func TestCompiledCodeRuns(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a program")
	}
	root, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	script := "local function fib(n) if n < 2 then return n end return fib(n-1) + fib(n-2) end\nprint(fib(20))\n"
	code, err := build.Compile("fib.lua", []byte(script), "fibc", "")
	if err != nil {
		t.Fatal(err)
	}
	sum, err := os.ReadFile("go.sum")
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"go.mod":      "module embedcheck\n\ngo 1.26\n\nrequire github.com/mobilua/mobilua v0.0.0\n\nreplace github.com/mobilua/mobilua => " + root + "\n",
		"go.sum":      string(sum),
		"fib.lua":     script,
		"fibc/fib.go": string(code),
		"main.go": `package main

import (
	"fmt"
	"os"

	"github.com/mobilua/mobilua"
	_ "embedcheck/fibc"
)

func main() {
	L := mobilua.NewState(mobilua.Options{})
	if err := L.DoFile("fib.lua"); err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	fmt.Println("compiled entries:", L.Stats().Compiled > 0)
}
`,
	}
	for name, text := range files {
		os.MkdirAll(filepath.Join(dir, filepath.Dir(name)), 0o755)
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command("go", "run", ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	out, err := cmd.CombinedOutput()
	if got := strings.TrimSpace(string(out)); err != nil || got != "6765\ncompiled entries: true" {
		t.Errorf("the program says (%v):\n%s", err, out)
	}
}
