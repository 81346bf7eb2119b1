package transpile

import (
	"flag"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/mobilua/mobilua/ir"
)

var update = flag.Bool("update", false, "rewrite the golden IR files in testdata/transpile")

func goldenFiles(t *testing.T) []string {
	files, err := filepath.Glob("../testdata/transpile/*.lua")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden sources: %v", err)
	}
	return files
}

// TestGolden compiles each testdata/transpile/NAME.lua and compares the IR
// dump (or the compile error) with NAME.ir.
func TestGolden(t *testing.T) {
	for _, f := range goldenFiles(t) {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var got string
		p, err := Compile(src, "@"+filepath.Base(f), Options{File: true})
		if err != nil {
			got = "error: " + err.Error() + "\n"
		} else {
			got = ir.Dump(p)
		}
		golden := strings.TrimSuffix(f, ".lua") + ".ir"
		if *update {
			if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%v (run go test ./transpile -update)", err)
		}
		if got != string(want) {
			t.Errorf("%s: IR differs from %s (run go test ./transpile -update and read the diff)\n%s", f, golden, got)
		}
	}
}

// astTypes lists the node types of package ast, read from its source:
// every struct that embeds ExprBase or StmtBase.
func astTypes(t *testing.T) []string {
	pkgs, err := parser.ParseDir(token.NewFileSet(), "ast", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, pkg := range pkgs {
		for _, file := range pkg.Files {
			for _, decl := range file.Decls {
				gd, ok := decl.(*ast.GenDecl)
				if !ok {
					continue
				}
				for _, spec := range gd.Specs {
					ts, ok := spec.(*ast.TypeSpec)
					if !ok {
						continue
					}
					st, ok := ts.Type.(*ast.StructType)
					if !ok {
						continue
					}
					for _, fld := range st.Fields.List {
						if id, ok := fld.Type.(*ast.Ident); ok && len(fld.Names) == 0 &&
							(id.Name == "ExprBase" || id.Name == "StmtBase") && !strings.HasSuffix(ts.Name.Name, "Base") {
							names = append(names, ts.Name.Name)
						}
					}
				}
			}
		}
	}
	sort.Strings(names)
	return names
}

// TestEveryASTNodeCovered fails when a node type of package ast appears in
// no golden source (so the lowering's handling of it is not pinned down).
func TestEveryASTNodeCovered(t *testing.T) {
	seen := map[string]bool{}
	var walk func(v reflect.Value)
	walk = func(v reflect.Value) {
		switch v.Kind() {
		case reflect.Pointer, reflect.Interface:
			if !v.IsNil() {
				if v.Kind() == reflect.Pointer && v.Elem().Kind() == reflect.Struct {
					seen[v.Elem().Type().Name()] = true
				}
				walk(v.Elem())
			}
		case reflect.Struct:
			for i := 0; i < v.NumField(); i++ {
				if v.Type().Field(i).IsExported() {
					walk(v.Field(i))
				}
			}
		case reflect.Slice:
			for i := 0; i < v.Len(); i++ {
				walk(v.Index(i))
			}
		}
	}
	for _, f := range goldenFiles(t) {
		src, _ := os.ReadFile(f)
		tr, err := parseChunk(src, filepath.Base(f), true)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		walk(reflect.ValueOf(tr))
	}
	types := astTypes(t)
	if len(types) < 28 {
		t.Fatalf("found only %d AST types: %v", len(types), types)
	}
	for _, name := range types {
		if !seen[name] {
			t.Errorf("AST type %s appears in no testdata/transpile source", name)
		}
	}
}
