package continuation

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"

	"github.com/mobilua/mobilua/runtime"
	"github.com/mobilua/mobilua/runtime/stdlib"
	"github.com/mobilua/mobilua/transpile"
)

// copyScript changes its libraries in every way a script can between
// its stops: fields set, replaced and removed, a library grown and one
// dropped, the
// string metatable's __index replaced by a table whose own metatable
// leads back to string.
const copyScript = `
string.x = 1; table.insert = nil; math.pi = 3; g = {}
getmetatable("").__index = setmetatable({shout = function(s) return s:upper() .. "!" end}, {__index = string})
mb.yield()
print(("a"):shout(), ("b"):rep(2), string.x, table.insert, math.pi, type(g), coroutine.running())
coroutine.status = nil
mb.yield()
for i = 1, 100 do math["f" .. i] = i end -- (grown: charged to the process)
string = nil
os = {time = os.time}
mb.yield()
print(string, type(os.clock), getmetatable("").__index.shout("c"))
`

// runStops runs src in p, freezing it at every stop; it returns the
// continuations and the output.
func runStops(t *testing.T, p *runtime.Process, src string, out *bytes.Buffer) [][]byte {
	t.Helper()
	load(t, p, src)
	var conts [][]byte
	for {
		st, err := p.Resume()
		if err != nil {
			t.Fatal(err)
		}
		if st == runtime.Done {
			p.Out().Flush()
			return conts
		}
		b, err := Freeze(p)
		if err != nil {
			t.Fatal(err)
		}
		conts = append(conts, b)
	}
}

// TestCopy: a process copied from a prototype (stdlib.Prototype, as a
// host makes its processes) is the process its profile makes: as much
// memory, the same output and the same continuation at every stop of a
// script that changes its libraries; and a continuation of either thaws
// into the other.
func TestCopy(t *testing.T) {
	prof := stdlib.Sandboxed
	pr := stdlib.NewPrototype(prof, transpile.Compiler{})
	if !pr.Copies() {
		t.Fatal("the sandbox profile's processes are not copies")
	}
	var outMade, outCopy bytes.Buffer
	made := stdlib.NewProcess(prof, transpile.Compiler{}, &outMade, &outMade)
	copied := pr.NewProcess(&outCopy, &outCopy)
	if a, b := made.LiveBytes(), copied.LiveBytes(); b > a || b < a*3/4 {
		t.Errorf("live bytes: made %d, copied %d (the copy's index caches are made at its first lookups)", a, b)
	}
	if a, b := made.MemoryInUse(), copied.MemoryInUse(); a != b {
		t.Errorf("memory in use: made %d, copied %d", a, b)
	}
	a := runStops(t, made, copyScript, &outMade)
	b := runStops(t, copied, copyScript, &outCopy)
	if a, b := made.MemoryInUse(), copied.MemoryInUse(); a != b {
		t.Errorf("memory in use after the script: made %d, copied %d", a, b)
	}
	want := "A!\tbb\t1\tnil\t3\ttable\tnil\nnil\tnil\tC!\n"
	if outMade.String() != want || outCopy.String() != want {
		t.Errorf("output: made %q, copied %q, want %q", outMade.String(), outCopy.String(), want)
	}
	if len(a) != 3 || len(b) != 3 {
		t.Fatalf("%d and %d stops, want 3", len(a), len(b))
	}
	for i := range a {
		if !bytes.Equal(a[i], b[i]) {
			t.Errorf("stop %d: the copy's continuation differs from the made process's (%d and %d bytes)", i+1, len(a[i]), len(b[i]))
		}
	}
	// each stop's continuation thaws into a copy and into a made process
	// and freezes back to itself
	into := map[string]func(bool) *runtime.Process{
		"copy": func(bool) *runtime.Process { return pr.NewProcess(io.Discard, io.Discard) },
		"made": func(bool) *runtime.Process {
			return stdlib.NewProcess(prof, transpile.Compiler{}, io.Discard, io.Discard)
		},
	}
	for name, np := range into {
		for i, c := range a {
			q, err := Thaw(c, Options{NewProcess: np})
			if err != nil {
				t.Fatalf("stop %d into a %s: %v", i+1, name, err)
			}
			if c2, err := Freeze(q); err != nil || !bytes.Equal(c, c2) {
				t.Errorf("stop %d into a %s: frozen again %d bytes (%v), was %d", i+1, name, len(c2), err, len(c))
			}
		}
	}
}

// TestCopyOwnLibraries: copies of one prototype, running at once, each
// change only their own libraries (the prototype is only read).
func TestCopyOwnLibraries(t *testing.T) {
	prof := stdlib.Sandboxed
	prof.Extra = func(p *runtime.Process) { // mb's metatable: a library table too
		mt := runtime.NewTable(0, 1)
		mt.SetStr("__index", p.Globals.GetStr("string"))
		p.Globals.GetStr("mb").Table().SetMeta(mt)
	}
	pr := stdlib.NewPrototype(prof, transpile.Compiler{})
	if !pr.Copies() {
		t.Fatal("not copied")
	}
	const n = 8
	var wg sync.WaitGroup
	outs := make([]bytes.Buffer, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 20 {
				p := pr.NewProcess(&outs[i], &outs[i])
				src := fmt.Sprintf(`print(string.mine, string.rep("x", 2), getmetatable("").mine, math.pi, getmetatable(mb).mine, mb.mine)
string.mine = %d; string.rep = nil; getmetatable("").mine = %d; math.pi = %d; getmetatable(mb).mine = %d
mb.yield()
print(string.mine, string.rep, getmetatable("").mine, math.pi, getmetatable(mb).mine, mb.mine)`, i, i, i, i)
				runStops(t, p, src, &outs[i])
			}
		}()
	}
	wg.Wait()
	for i := range outs {
		want := strings.Repeat(fmt.Sprintf("nil\txx\tnil\t%.14g\tnil\tnil\n%d\tnil\t%d\t%d\t%d\t%d\n", 3.141592653589793, i, i, i, i, i), 20)
		if outs[i].String() != want {
			t.Errorf("copy %d printed %q, want %q", i, outs[i].String(), want)
		}
	}
}

// TestCopyable: a profile whose builtins keep state in Go closures (io's
// files, package's loaders) is not copied; its processes are made.
func TestCopyable(t *testing.T) {
	pr := stdlib.NewPrototype(stdlib.Plain, transpile.Compiler{})
	if pr.Copies() {
		t.Fatal("the plain profile (io, package) is copied")
	}
	var out bytes.Buffer
	p := pr.NewProcess(&out, &out)
	runStops(t, p, `io.write("io ", type(package.loaded), "\n")`, &out)
	if out.String() != "io table\n" {
		t.Errorf("printed %q", out.String())
	}
	if err := stdlib.NewProcess(stdlib.Plain, transpile.Compiler{}, io.Discard, io.Discard).Copyable(); err == nil {
		t.Error("a process with io is copyable")
	}
	refused := map[string]func(p *runtime.Process){
		"a native userdata": func(p *runtime.Process) { p.RegisterNative("u", &runtime.Userdata{Name: "u"}) },
		"a builtin with state": func(p *runtime.Process) {
			p.RegisterNative("f", runtime.NewGoFunction("f", nil).WithState([]runtime.Value{runtime.True}))
		},
		"a table under a number key": func(p *runtime.Process) {
			p.Globals.GetStr("math").Table().Set(runtime.Number(1.5), runtime.TableValue(runtime.NewTable(0, 0)))
		},
		"a table as a key": func(p *runtime.Process) {
			p.Globals.GetStr("math").Table().Set(p.Globals.GetStr("string"), runtime.True)
		},
		"a table in an array part": func(p *runtime.Process) {
			p.Globals.GetStr("math").Table().Set(runtime.Number(1), runtime.TableValue(runtime.NewTable(0, 0)))
		},
	}
	for name, extra := range refused {
		prof := stdlib.Sandboxed
		prof.Extra = extra
		if stdlib.NewPrototype(prof, transpile.Compiler{}).Copies() {
			t.Errorf("a profile with %s is copied", name)
		}
	}
	p = stdlib.NewProcess(stdlib.Sandboxed, transpile.Compiler{}, io.Discard, io.Discard)
	runStops(t, p, `local x = 1`, &out)
	if err := p.Copyable(); err == nil {
		t.Error("a process that has run is copyable")
	}
}
