package luatest

import (
	"bufio"
	"bytes"
	"strings"
	"testing"

	"github.com/mobilua/mobilua/runtime"
	"github.com/mobilua/mobilua/runtime/stdlib"
	"github.com/mobilua/mobilua/transpile"
)

func newProc(t testing.TB, src string, out *bytes.Buffer) *runtime.Process {
	t.Helper()
	proto, err := transpile.Compile([]byte(src), "@api.lua", transpile.Options{File: true})
	if err != nil {
		t.Fatal(err)
	}
	p := runtime.NewProcess()
	if out != nil {
		p.Stdout = out
	}
	p.Compiler = transpile.Compiler{}
	stdlib.Open(p)
	p.Start(runtime.ClosureValue(p.Load(runtime.NewChunk("@api.lua", []byte(src), proto))))
	return p
}

const sliceScript = `
local function fib(n) if n < 2 then return n end return fib(n-1) + fib(n-2) end
local gen = coroutine.wrap(function() for i = 1, 5 do coroutine.yield(i) end end)
local acc = {}
for i = 1, 5 do
  local ok, v = pcall(function() if i == 3 then error("three") end return fib(i + 10) end)
  acc[#acc + 1] = tostring(ok) .. ":" .. tostring(v) .. ":" .. gen()
end
local mt = setmetatable({}, {__index = function(t, k) return k * 2 end})
print(table.concat(acc, " "), mt[21], ("x"):rep(3))
`

// TestBudgetSlices runs a script to completion in slices of 1, 7 and 1000
// steps through the Go API: each slice ends with OutOfSteps and the process
// intact, and the output is that of one uninterrupted run.
func TestBudgetSlices(t *testing.T) {
	var want bytes.Buffer
	p := newProc(t, sliceScript, &want)
	if st, err := p.Resume(); err != nil || st != runtime.Done {
		t.Fatalf("uninterrupted run: %v %v", st, err)
	}
	total := p.Steps()
	for _, n := range []int64{1, 7, 1000} {
		var out bytes.Buffer
		p := newProc(t, sliceScript, &out)
		p.SetBudget(n)
		slices := 0
		for {
			st, err := p.Resume()
			if err != nil {
				t.Fatalf("slice %d of %d steps: %v", slices, n, err)
			}
			if st == runtime.Done {
				break
			}
			if st != runtime.OutOfSteps {
				t.Fatalf("status %v", st)
			}
			slices++
		}
		if out.String() != want.String() {
			t.Errorf("slices of %d: output %q, want %q", n, out.String(), want.String())
		}
		if p.Steps() != total {
			t.Errorf("slices of %d: %d steps in all, want %d as in one run", n, p.Steps(), total)
		}
		if want := (total - 1) / n; int64(slices) != want {
			t.Errorf("slices of %d: %d slices ran out of steps, want %d for %d steps", n, slices, want, total)
		}
	}
	if !(want.String() == "true:89:1 true:144:2 false:api.lua:6: three:3 true:377:4 true:610:5\t42\txxx\n") {
		t.Errorf("unexpected output %q", want.String())
	}
}

// TestDeepRecursion: 200000 non-tail calls give a catchable stack overflow.
func TestDeepRecursion(t *testing.T) {
	var out bytes.Buffer
	p := newProc(t, `
local function down(n) if n == 0 then return 0 end return 1 + down(n - 1) end
local ok, err = pcall(down, 200000)
print(ok, err)
print(down(1000))`, &out)
	if _, err := p.Resume(); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); got != "false\tapi.lua:2: stack overflow\n1000\n" {
		t.Errorf("got %q", got)
	}
}

// TestTailCalls: a 10^7-deep tail recursion runs in constant space.
func TestTailCalls(t *testing.T) {
	var out bytes.Buffer
	p := newProc(t, `
local function loop(n, acc) if n == 0 then return acc end return loop(n - 1, acc + 1) end
print(loop(1e7, 0))`, &out)
	if _, err := p.Resume(); err != nil {
		t.Fatal(err)
	}
	if out.String() != "10000000\n" {
		t.Errorf("got %q", out.String())
	}
}

// TestHotLoopAllocs: number arithmetic, comparisons, local and upvalue
// access and calls of Lua functions allocate nothing.
func TestHotLoopAllocs(t *testing.T) {
	p := newProc(t, `
local up = 0
local function add(a, b, c) up = up + 1; return a + b * c end
local x, y = 0, 1.5
while true do
  for i = 1, 100 do
    x = add(x, i, 0.5) % 1000
    if x > y then y = y + 1 else y = y - 1 end
    y = -y / 2 ^ 1
  end
end`, nil)
	p.SetBudget(5000)
	if st, err := p.Resume(); err != nil || st != runtime.OutOfSteps {
		t.Fatal(st, err)
	}
	allocs := testing.AllocsPerRun(50, func() { p.Resume() })
	if allocs != 0 {
		t.Errorf("%v allocations per 5000-step slice, want 0", allocs)
	}
}

// TestSandboxProfile: the sandbox leaves out what could harm the host.
func TestSandboxProfile(t *testing.T) {
	r := Run("sb.lua", `print(io, os.exit, os.execute, os.remove, os.rename, os.tmpname, os.time ~= nil, string.rep("a", 2))`, 0, true)
	if r.Err != nil || r.Stdout != "nil\tnil\tnil\tnil\tnil\tnil\ttrue\taa\n" {
		t.Errorf("got %q, %v", r.Stdout, r.Err)
	}
	r = Run("sb.lua", `print(dofile, loadfile, require, package, debug, os.getenv, type(loadstring), collectgarbage("collect"))`, 0, true)
	if r.Err != nil || r.Stdout != "nil\tnil\tnil\tnil\tnil\tnil\tfunction\t0\n" {
		t.Errorf("sandbox globals: %q, %v", r.Stdout, r.Err)
	}
}

func BenchmarkNumericLoop(b *testing.B) {
	p := newProc(b, `
local function add(a, b) return a + b end
local x = 0
while true do for i = 1, 1000 do x = add(x, i) % 7 end end`, nil)
	p.SetBudget(10000)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		p.Resume()
	}
}

func BenchmarkFib(b *testing.B) {
	w := bufio.NewWriter(&bytes.Buffer{})
	src := `local function fib(n) if n < 2 then return n end return fib(n-1) + fib(n-2) end print(fib(20))`
	proto, _ := transpile.Compile([]byte(src), "@fib.lua", transpile.Options{})
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		p := runtime.NewProcess()
		p.Stdout = w
		p.Start(runtime.ClosureValue(p.Load(runtime.NewChunk("@fib.lua", []byte(src), proto))))
		p.Resume()
	}
}

// TestMaxSteps: a step limit ends the process with an error that pcall
// cannot catch, in a loop, in a coroutine and inside a pathological pattern.
func TestMaxSteps(t *testing.T) {
	for name, src := range map[string]string{
		"loop":      `pcall(function() while true do end end) print("escaped")`,
		"coroutine": `local co = coroutine.wrap(function() pcall(function() while true do end end) end) pcall(co) print("escaped")`,
		"pattern":   `local s = string.rep("a", 40) .. "b" print(pcall(string.find, s, string.rep("a*", 40) .. "c")) print("escaped")`,
	} {
		t.Run(name, func(t *testing.T) {
			var out bytes.Buffer
			p := newProc(t, src, &out)
			p.MaxSteps = 100000
			_, err := p.Resume()
			if err == nil || !strings.Contains(err.Error(), "step limit exceeded (100000 steps)") {
				t.Fatalf("got %v, want the step limit", err)
			}
			if strings.Contains(out.String(), "escaped") {
				t.Errorf("a pcall caught the limit: %q", out.String())
			}
			if p.Steps() < 100000 || p.Steps() > 200000 {
				t.Errorf("stopped after %d steps", p.Steps())
			}
		})
	}
}

// TestMemoryLimit: strings built in one step and heaps grown step by step
// stop the process, uncatchably, near its limit.
func TestMemoryLimit(t *testing.T) {
	for name, src := range map[string]string{
		"doubling":  `pcall(function() local s = "x" for i = 1, 40 do s = s .. s end end) print("escaped")`,
		"rep":       `local t = {} pcall(function() for i = 1, 100 do t[i] = string.rep("y", 1e6) .. i end end) print("escaped")`,
		"gsub":      `local s = string.rep("ab", 1e5) pcall(function() for i = 1, 100 do s = s:gsub("a", "aa") end end) print("escaped")`,
		"coroutine": `local co = coroutine.wrap(function() local s = "z" while true do s = s .. s end end) pcall(co) print("escaped")`,
	} {
		t.Run(name, func(t *testing.T) {
			var out bytes.Buffer
			p := newProc(t, src, &out)
			p.MemoryLimit = 8 << 20
			_, err := p.Resume()
			if err == nil || !strings.Contains(err.Error(), "memory limit exceeded") {
				t.Fatalf("got %v, want the memory limit", err)
			}
			if strings.Contains(out.String(), "escaped") {
				t.Errorf("a pcall caught the limit: %q", out.String())
			}
		})
	}
	// a table grown a step at a time is caught by the embedder's check
	var out bytes.Buffer
	p := newProc(t, `local t = {} for i = 1, 1e7 do t[i] = i end`, &out)
	p.MemoryLimit = 8 << 20
	p.SetBudget(100000)
	for i := 0; ; i++ {
		st, err := p.Resume()
		if err == nil {
			err = p.CheckMemory()
		}
		if err != nil {
			if !strings.Contains(err.Error(), "memory limit exceeded") {
				t.Fatal(err)
			}
			break
		}
		if st == runtime.Done || i > 1000 {
			t.Fatalf("the table grew past the limit unnoticed (%d bytes live)", p.LiveBytes())
		}
	}
	// and a process well under its limit is not disturbed
	q := newProc(t, `local t = {} for i = 1, 1e4 do t[i] = ("x"):rep(10) .. i end print(#t)`, &out)
	q.MemoryLimit = 8 << 20
	if _, err := q.Resume(); err != nil {
		t.Fatal(err)
	}
}
