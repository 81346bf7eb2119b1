// Package build implements `mobilua compile` and `mobilua build`: Lua
// scripts compiled ahead of time to Go (package transpile/gogen), and
// native programs made from them with the Go toolchain.
//
// A built program is this module's command line (its run command) with
// the script embedded and its compiled code linked in. It is built in a
// temporary module written from the source the mobilua binary carries
// (package mobilua, Source): the program gets exactly the runtime the
// mobilua that built it has. The third-party modules come from the module
// cache, or the network (GOPROXY) when they are not there.
//
// Only cmd/mobilua-full imports this package (cmd/mobilua runs that
// program for its commands: cli.Delegate).
package build

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"unicode"

	"github.com/mobilua/mobilua"
	"github.com/mobilua/mobilua/internal/cli"
	"github.com/mobilua/mobilua/ir"
	"github.com/mobilua/mobilua/transpile"
	"github.com/mobilua/mobilua/transpile/gogen"
)

// Register adds compile and build to the command line.
func Register() {
	cli.Register(cli.FullCommand("compile", compileCmd))
	cli.Register(cli.FullCommand("build", buildCmd))
}

// Compile returns the Go source of the compiled code of the script at
// path, as package pkg; prefix goes before its functions' names.
func Compile(path string, src []byte, pkg, prefix string) ([]byte, error) {
	name := "@" + path
	p, err := transpile.Compile(src, name, transpile.Options{File: true})
	if err != nil {
		return nil, err
	}
	return gogen.Generate(pkg, gogen.Chunk{Name: name, SourceHash: sha256.Sum256(src), Fingerprint: ir.Fingerprint(p), Main: p, Prefix: prefix})
}

// goIdent turns s into a Go identifier.
func goIdent(s string) string {
	var b strings.Builder
	for i, r := range s {
		switch {
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || r == '_'):
			b.WriteRune(unicode.ToLower(r))
		case r < unicode.MaxASCII && unicode.IsDigit(r) && i > 0:
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	if b.Len() == 0 {
		return "compiled"
	}
	return b.String()
}

func compileCmd(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fset := cli.NewFlags("compile", stdout, stderr, `Writes the compiled code of script.lua as a Go file in DIR: a package that,
linked into a mobilua (mobilua build --cli does it), runs the script's
functions as Go. Its frames are the interpreter's: a process frozen in one
goes on in the other. Prints the file's name.`, "compile [-o DIR] [-package NAME] script.lua")
	out := fset.String("o", ".", "the directory to write the Go file into")
	pkg := fset.String("package", "", "the Go package name (default: the directory's name)")
	rest, status, ok := fset.ParseN(args, 1, "one script expected")
	if !ok {
		return status
	}
	script := rest[0]
	src, err := os.ReadFile(script)
	if err != nil {
		fmt.Fprintf(stderr, "mobilua: %v\n", err)
		return 1
	}
	name := *pkg
	if name == "" {
		abs, _ := filepath.Abs(*out)
		name = goIdent(filepath.Base(abs))
	}
	code, err := Compile(script, src, name, "")
	if err != nil {
		fmt.Fprintf(stderr, "mobilua: %v\n", err)
		return 1
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		fmt.Fprintf(stderr, "mobilua: %v\n", err)
		return 1
	}
	file := filepath.Join(*out, goIdent(strings.TrimSuffix(filepath.Base(script), ".lua"))+".go")
	if err := os.WriteFile(file, code, 0o644); err != nil {
		fmt.Fprintf(stderr, "mobilua: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "%s\n", file)
	return 0
}

func buildCmd(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fset := cli.NewFlags("build", stdout, stderr, `Builds PROG, a native program that runs script.lua with its compiled code
(its arguments are the script's); with --cli, a whole mobilua with the
compiled code of the scripts linked in: mobilua-compiled run script.lua
then runs them as Go. Needs the Go toolchain; the third-party modules come
from the module cache or GOPROXY.`, "build [-o PROG] script.lua", "build --cli [-o PROG] script.lua...")
	out := fset.String("o", "", "the program to write (default: the script's name without .lua, or mobilua-compiled)")
	asCLI := fset.Bool("cli", false, "build a whole mobilua command line with the scripts' compiled code linked in")
	scripts, status, ok := fset.Parse(args)
	switch {
	case !ok:
		return status
	case len(scripts) == 0 || !*asCLI && len(scripts) != 1:
		return fset.Fail("one script expected (or with --cli, one or more)")
	}
	prog := *out
	if prog == "" {
		prog = strings.TrimSuffix(filepath.Base(scripts[0]), ".lua")
		if *asCLI {
			prog = "mobilua-compiled"
		}
	}
	if err := Build(prog, scripts, *asCLI, stderr); err != nil {
		fmt.Fprintf(stderr, "mobilua build: %v\n", err)
		return 1
	}
	return 0
}

// Build writes the program prog for scripts (one, unless asCLI).
func Build(prog string, scripts []string, asCLI bool, stderr io.Writer) error {
	goTool, err := exec.LookPath("go")
	if err != nil {
		return errors.New("the Go toolchain (go) is not in PATH: install Go 1.26 or later")
	}
	dir, err := os.MkdirTemp("", "mobilua-build-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	// the module's source, as this binary carries it
	err = fs.WalkDir(mobilua.Source, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(path, "_test.go") {
			return err
		}
		b, err := mobilua.Source.ReadFile(path)
		if err != nil {
			return err
		}
		dst := filepath.Join(dir, filepath.FromSlash(path))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		return os.WriteFile(dst, b, 0o644)
	})
	if err != nil {
		return err
	}
	main := filepath.Join(dir, "cmd", "prog")
	if err := os.MkdirAll(main, 0o755); err != nil {
		return err
	}
	for i, s := range scripts {
		src, err := os.ReadFile(s)
		if err != nil {
			return err
		}
		code, err := Compile(s, src, "main", fmt.Sprintf("_s%d", i))
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(main, fmt.Sprintf("script%d.go", i)), code, 0o644); err != nil {
			return err
		}
		if i == 0 && !asCLI {
			if err := os.WriteFile(filepath.Join(main, "script.lua"), src, 0o644); err != nil {
				return err
			}
		}
	}
	if err := os.WriteFile(filepath.Join(main, "main.go"), []byte(mainSource(scripts[0], asCLI)), 0o644); err != nil {
		return err
	}
	abs, err := filepath.Abs(prog)
	if err != nil {
		return err
	}
	cmd := exec.Command(goTool, "build", "-o", abs, "./cmd/prog")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	cmd.Stdout, cmd.Stderr = stderr, stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go build: %v", err)
	}
	return nil
}

func mainSource(script string, asCLI bool) string {
	if asCLI {
		return `// Code generated by mobilua; DO NOT EDIT.

// Command mobilua-compiled is mobilua with compiled scripts linked in.
package main

import (
	"os"

	"github.com/mobilua/mobilua/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
`
	}
	return fmt.Sprintf(`// Code generated by mobilua; DO NOT EDIT.

// Command %[1]s runs %[2]s, compiled, as `+"`mobilua run %[2]s`"+` would.
package main

import (
	_ "embed"
	"os"

	"github.com/mobilua/mobilua/internal/cli"
)

//go:embed script.lua
var source []byte

func main() {
	cli.Embedded = &cli.Script{Name: %[2]q, Source: source}
	os.Exit(cli.Main(append([]string{"run", %[2]q}, os.Args[1:]...), os.Stdin, os.Stdout, os.Stderr))
}
`, goIdent(strings.TrimSuffix(filepath.Base(script), ".lua")), script)
}
