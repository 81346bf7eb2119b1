package gogen

import (
	"bytes"
	"crypto/sha256"
	"flag"
	"go/ast"
	"go/format"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mobilua/mobilua/ir"
	"github.com/mobilua/mobilua/transpile"
)

var update = flag.Bool("update", false, "rewrite the golden Go files in testdata/transpile")

func generate(t *testing.T, file string) ([]byte, *ir.Proto) {
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	name := "@" + filepath.Base(file)
	p, err := transpile.Compile(src, name, transpile.Options{File: true})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Generate("golden", Chunk{Name: name, SourceHash: sha256.Sum256(src), Fingerprint: ir.Fingerprint(p), Main: p})
	if err != nil {
		t.Fatal(err)
	}
	return b, p
}

// TestGolden compares the Go generated for testdata/transpile/NAME.lua
// with NAME.go.golden (go test ./transpile/gogen -update rewrites them;
// read the diff), checks it is gofmt-clean with the header, and
// type-checks it against the runtime.
func TestGolden(t *testing.T) {
	files, _ := filepath.Glob("../../testdata/transpile/*.lua")
	if len(files) == 0 {
		t.Fatal("no sources in testdata/transpile")
	}
	seen := map[ir.Op]bool{}
	for _, f := range files {
		got, p := generate(t, f)
		var walk func(p *ir.Proto)
		walk = func(p *ir.Proto) {
			for _, in := range p.Code {
				seen[in.Op] = true
			}
			for _, c := range p.Protos {
				walk(c)
			}
		}
		walk(p)
		golden := strings.TrimSuffix(f, ".lua") + ".go.golden"
		if *update {
			if err := os.WriteFile(golden, got, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%v (run go test ./transpile/gogen -update)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: generated Go differs from %s (run go test ./transpile/gogen -update and read the diff)", f, golden)
		}
		if !bytes.HasPrefix(got, []byte("// "+Header+"\n")) {
			t.Errorf("%s: no generated-code header", golden)
		}
		if fmtd, err := format.Source(got); err != nil || !bytes.Equal(fmtd, got) {
			t.Errorf("%s: not gofmt-clean (%v)", golden, err)
		}
		typeCheck(t, golden, got)
	}
	// the front end never emits TESTSET (it tests and moves separately):
	// a synthetic function covers it
	syn := &ir.Proto{Source: "@synthetic.lua", MaxStack: 3, Code: []ir.Instr{
		{Op: ir.TESTSET, A: 0, B: 1, C: 1}, {Op: ir.JMP, B: 1}, {Op: ir.TESTSET, A: 2, B: 1, C: 0},
		{Op: ir.MOVE, A: 0, B: 1}, {Op: ir.MOVE, A: 1, B: 2}, {Op: ir.RETURN, A: 0, B: 1},
	}, Lines: []int32{1, 1, 1, 1, 1, 1}}
	b, err := Generate("golden", Chunk{Name: "@synthetic.lua", Main: syn})
	if err != nil {
		t.Fatal(err)
	}
	typeCheck(t, "synthetic.go", b)
	seen[ir.TESTSET] = bytes.Contains(b, []byte("TESTSET"))
	for op := ir.Op(0); op < ir.NumOps; op++ {
		if !seen[op] {
			t.Errorf("no golden source uses %v", op)
		}
	}
}

// typeCheck type-checks a generated file with go/types, importing the
// runtime from source.
func typeCheck(t *testing.T, name string, src []byte) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, name, src, parser.ParseComments)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	conf := types.Config{Importer: importer.ForCompiler(fset, "source", nil)}
	if _, err := conf.Check("golden", fset, []*ast.File{f}, nil); err != nil {
		t.Errorf("%s does not type-check: %v", name, err)
	}
}

func TestNames(t *testing.T) {
	for _, c := range []struct {
		i    int
		name string
		want string
	}{{0, "", "_f0_main"}, {3, "lerp", "_f3_lerp"}, {2, "a.b:c", "_f2_a_b_c"}, {5, "", "_f5_anon"}} {
		if got := funcName(c.i, &ir.Proto{Name: c.name}); got != c.want {
			t.Errorf("funcName(%d, %q) = %q, want %q", c.i, c.name, got, c.want)
		}
	}
}

// TestRegistersInFrame checks, over the Lua corpus and the transpiler's
// test files, that the front end gives every frame room for the registers
// compiled code indexes unchecked (rt.Registers): no instruction is left
// to the interpreter for want of it.
func TestRegistersInFrame(t *testing.T) {
	files, _ := filepath.Glob("../../testdata/lua/*.lua")
	more, _ := filepath.Glob("../../testdata/transpile/*.lua")
	files = append(files, more...)
	if len(files) < 20 {
		t.Fatalf("only %d Lua files found", len(files))
	}
	var check func(file string, p *ir.Proto)
	check = func(file string, p *ir.Proto) {
		for pc, in := range p.Code {
			if hasFastPath(p, in) && maxRegister(in) > p.MaxStack {
				t.Errorf("%s: %s pc %d: %v uses register %d, the frame has %d", file, p.Name, pc, in.Op, maxRegister(in), p.MaxStack)
			}
		}
		for _, c := range p.Protos {
			check(file, c)
		}
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		p, err := transpile.Compile(src, "@"+filepath.Base(f), transpile.Options{File: true})
		if err != nil {
			continue // the corpus has chunks that do not compile on purpose
		}
		check(f, p)
	}
}
